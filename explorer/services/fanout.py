"""Many queries at once within the account's rate budget, each answer delivered as it arrives.

`FanOut.run` sends a list of `Part`s (explorer.domain.parts) on a bounded pool of worker
threads (`concurrency`, 8 by default: more than the 7 continents, so a split of them goes out
in one wave). The api client's `Pacer` (explorer.api.pacing) already keeps every request of the
shared `Http` inside the per-minute budget the X-RateLimit-* headers announce, and the `Http`
is safe to use from several threads (pagination does so), so the pool only bounds how many are
in flight. Each part is handed to ``on_part`` on the calling thread as soon as it ends (done,
failed with the error's sentence, or cancelled), then the list of all parts is returned in
the order given. A cancel (`CancelToken`) stops at once: parts not done are returned (and
handed over) as cancelled, what arrived is kept; requests already in flight end on their own,
their answers dropped.

`FanOut.cost` says what a fan-out costs before it is sent: N requests and about T seconds at
the current rate budget (`Cost`), from the pacer's limit, remaining and reset when an answer
has told them, else the documented default (`ASSUMED_LIMIT`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from explorer.api.errors import ApiError
from explorer.domain.cancel import (
    NEVER_CANCELLED,
    Cancelled,
    CancelToken,
    ProgressCallback,
    no_progress,
)
from explorer.domain.frames import Result
from explorer.domain.parts import Part, PartCallback, no_parts
from explorer.domain.query import Query
from explorer.services.source import RateBudget

Run = Callable[[Query, CancelToken, ProgressCallback], Result]
"""How one query is asked (a source's `run_query`)."""

DEFAULT_CONCURRENCY = 8
"""Requests in flight at once, at most (the Http's pool holds 16 connections)."""
ASSUMED_LIMIT = 100
"""Requests a minute assumed before any answer has told the budget: the smallest documented
read limit (api.video's sandbox, ../shared/api-video/API.md §5)."""
ASSUMED_REQUEST_S = 0.3
"""The time one request is assumed to take before any has been measured."""
WINDOW_S = 60.0
"""The rate limit's window (per minute)."""
ASK_ABOVE_REQUESTS = 40
"""A fan-out of more requests than this asks before it is sent."""
ASK_ABOVE_SECONDS = 20.0
"""A fan-out expected to take longer than this asks before it is sent."""
_POLL_S = 0.1


@dataclass(frozen=True)
class Cost:
    """What a fan-out costs: ``requests`` and about ``seconds`` at the rate budget it was
    estimated with (``limit`` a minute, ``remaining`` left, ``assumed`` when no answer has
    told them yet)."""

    requests: int
    seconds: float
    limit: int
    remaining: int
    assumed: bool

    @property
    def needs_confirmation(self) -> bool:
        """True above the thresholds (`ASK_ABOVE_REQUESTS`, `ASK_ABOVE_SECONDS`): ask first."""
        return self.requests > ASK_ABOVE_REQUESTS or self.seconds > ASK_ABOVE_SECONDS

    def sentence(self) -> str:
        """``7 requests, about 1 s at the current rate budget (100 a minute, 93 left)``."""
        plural = "" if self.requests == 1 else "s"
        budget = (
            f"{self.limit} a minute assumed until the API tells"
            if self.assumed
            else f"{self.limit} a minute, {self.remaining} left"
        )
        return (
            f"{self.requests} request{plural}, about {_duration(self.seconds)} at the current "
            f"rate budget ({budget})"
        )


def estimate(
    requests: int,
    budget: RateBudget,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    request_s: float = ASSUMED_REQUEST_S,
) -> Cost:
    """The cost of ``requests`` requests: waves of ``concurrency`` taking ``request_s`` each,
    and, past what the budget has left, a wait for the window's reset (``budget.reset_s``,
    else a whole window) and a further window per ``limit`` requests."""
    assumed = budget.limit is None
    limit = budget.limit if budget.limit is not None else ASSUMED_LIMIT
    remaining = budget.remaining if budget.remaining is not None else limit
    waves = math.ceil(requests / max(concurrency, 1)) * request_s
    seconds = waves
    beyond = requests - remaining
    if beyond > 0:
        reset = budget.reset_s if budget.reset_s is not None else WINDOW_S
        windows = math.ceil(beyond / max(limit, 1)) - 1
        seconds = max(waves, reset + windows * WINDOW_S + request_s)
    return Cost(requests, seconds, limit, max(remaining, 0), assumed)


class FanOut:
    """Sends parts concurrently through ``run`` (see the module docstring); ``budget`` reads
    the account's current rate budget for `cost`."""

    def __init__(
        self,
        run: Run,
        budget: Callable[[], RateBudget],
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        if concurrency < 1:
            raise ValueError("a fan-out needs a concurrency of at least 1")
        self._run = run
        self._budget = budget
        self.concurrency = concurrency
        self._lock = threading.Lock()
        self._request_s: float | None = None  # a running average of the parts' durations

    def cost(self, requests: int) -> Cost:
        """What ``requests`` more requests would cost now (see `estimate`)."""
        with self._lock:
            request_s = self._request_s or ASSUMED_REQUEST_S
        return estimate(requests, self._budget(), concurrency=self.concurrency, request_s=request_s)

    def run(
        self,
        parts: Sequence[Part],
        cancel: CancelToken = NEVER_CANCELLED,
        on_part: PartCallback = no_parts,
        progress: ProgressCallback = no_progress,
    ) -> list[Part]:
        """Ask every part; each reaches ``on_part`` as it ends; all return in order."""
        out: list[Part] = list(parts)
        if not parts:
            return out
        progress(0, len(parts))
        pool = ThreadPoolExecutor(
            max_workers=min(self.concurrency, len(parts)), thread_name_prefix="fanout"
        )
        pending: dict[Future[Part], int] = {}
        try:
            for index, part in enumerate(parts):
                pending[pool.submit(self._one, part, cancel)] = index
            finished = 0
            while pending and not cancel.cancelled:
                ended, _ = wait(pending, timeout=_POLL_S, return_when=FIRST_COMPLETED)
                for future in ended:
                    index = pending.pop(future)
                    out[index] = future.result()
                    finished += 1
                    on_part(out[index])
                    progress(finished, len(parts))
            for future, index in sorted(pending.items(), key=lambda item: item[1]):
                ended_meanwhile = future.done() and not future.cancelled()
                out[index] = future.result() if ended_meanwhile else parts[index].cancelled()
                on_part(out[index])
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return out

    def _one(self, part: Part, cancel: CancelToken) -> Part:
        if cancel.cancelled:
            return part.cancelled()
        started = time.monotonic()
        try:
            result = self._run(part.query, cancel, no_progress)
        except Cancelled:
            return part.cancelled()
        except ApiError as error:
            return part.failed(str(error), time.monotonic() - started)
        seconds = time.monotonic() - started
        with self._lock:
            previous = self._request_s
            self._request_s = seconds if previous is None else 0.8 * previous + 0.2 * seconds
        return part.done(result, seconds)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
