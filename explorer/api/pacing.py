"""Keeps a client inside api.video's per-minute budget, from the X-RateLimit-* headers.

Every response says how many requests are left in the current window and when it resets.
Requests go out freely while the budget (less those already in flight) lasts; when it is
spent they wait for the reset instead of collecting 429s. A wait longer than the longest a
server may ask for (RetryPolicy.max_rate_limit_wait_s), or past what the request may still
wait (Limits.wait_budget_s), is not waited: `acquire` raises WaitTooLong at once.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping

from explorer.api.errors import WaitTooLong
from explorer.domain.cancel import CancelToken

LONGEST_WAIT = "max_rate_limit_wait_s, the longest wait a server may ask for"
WAIT_BUDGET = "wait_budget_s, the most one request waits in all"


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


class Pacer:
    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_wait_s: float = math.inf
    ) -> None:
        self._clock = clock
        self.max_wait_s = max_wait_s
        self._lock = threading.Lock()
        self._remaining: int | None = None  # None: unknown, go ahead
        self._reset_at = 0.0
        self._held_until = 0.0  # after a 429: nobody sends before this
        self._in_flight = 0
        self.limit: int | None = None
        self.sent = 0

    @property
    def remaining(self) -> int | None:
        return self._remaining

    def resets_in(self) -> float | None:
        """Seconds until the current window resets, or None when no answer has told it."""
        with self._lock:
            if self._remaining is None:
                return None
            return max(0.0, self._reset_at - self._clock())

    def acquire(
        self, cancel: CancelToken, *, budget_s: float = math.inf, request: str = ""
    ) -> float:
        """Block until a request may go out; returns the seconds waited. Raises Cancelled if
        cancelled meanwhile, WaitTooLong (without waiting) when the wait would pass the
        longest wait or `budget_s`."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                if self._remaining is not None and now >= self._reset_at:
                    self._remaining = None  # a new window: the next answer tells its budget
                if now < self._held_until:
                    wait = self._held_until - now
                elif self._remaining is None or self._remaining - self._in_flight > 0:
                    self._in_flight += 1
                    self.sent += 1
                    return waited
                else:
                    wait = self._reset_at - now
                if wait > self.max_wait_s:
                    # Not waited; the next request asks the server afresh.
                    self._remaining, self._held_until = None, now
                    raise WaitTooLong(wait, LONGEST_WAIT, self.max_wait_s, request=request)
            if waited + wait > budget_s:
                raise WaitTooLong(waited + wait, WAIT_BUDGET, budget_s, request=request)
            started = self._clock()
            cancel.wait(min(wait, 0.5))
            waited += self._clock() - started
            cancel.raise_if_cancelled()

    def release(self, headers: Mapping[str, str] | None) -> None:
        """After a response (headers) or a failure with none (None)."""
        with self._lock:
            self._in_flight -= 1
            if headers is None:
                return
            remaining = _header_int(headers, "X-RateLimit-Remaining")
            retry_after = _header_int(headers, "X-RateLimit-Retry-After")
            limit = _header_int(headers, "X-RateLimit-Limit")
            if limit is not None:
                self.limit = limit
            if remaining is None or retry_after is None:
                return
            now = self._clock()
            # Answers to concurrent requests arrive in any order: within a window the budget
            # only goes down, so a late answer with more left does not reopen it.
            if self._remaining is None or now >= self._reset_at or remaining <= self._remaining:
                self._remaining = remaining
                self._reset_at = now + retry_after

    def hold_until(self, seconds: float) -> None:
        """After a 429: nobody sends for `seconds`, whatever other answers say meanwhile."""
        with self._lock:
            self._held_until = max(self._held_until, self._clock() + seconds)
