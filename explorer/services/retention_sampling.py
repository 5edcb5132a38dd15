"""A seeded uniform random sample of a period's sessions with their events, grown until a
precision, a size or a request budget is reached, or cancelled (keeping what it has).

Events come one request per session (api.video's raw statistics), so a curve over thousands of
sessions costs minutes: the sample is drawn in a fixed random order (a permutation of the
sessions sorted by id, seeded), so a sample of n is the first n of that order and a larger one
extends it; it is uniform whatever events the local store already holds. Every session's events
already in the store are read from it, never fetched again; fetched ones are stored (complete
ones only). The cost is said before anything is fetched (`SampleCost`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from explorer.api.errors import ApiError
from explorer.api.models import SessionEvent
from explorer.domain.cancel import (
    NEVER_CANCELLED,
    Cancelled,
    CancelToken,
    ProgressCallback,
    no_progress,
)
from explorer.domain.playback import EventColumns, Playback, playback
from explorer.domain.retention import RetentionCurve, retention_curves
from explorer.services.sessions import (
    Media,
    SessionList,
    SessionRecord,
    SessionService,
    timeline_events,
)

DEFAULT_RATE_PER_MINUTE = 500
"""api.video's documented rate limit, used for the cost until an answer tells the account's."""
BATCH = 25  # sessions per round; the curve and the precision are looked at after each
ALL = None  # a target size meaning every session of the period


@dataclass(frozen=True)
class SampleCost:
    """What a sample will cost before it runs: events requests (one per session not stored)
    and the time they take at the rate budget (requests a minute)."""

    sessions: int  # in the period
    sample: int  # sessions to draw
    stored: int  # of them, with events already in the local store
    rate_per_minute: int
    rate_known: bool  # from the account's answers; else api.video's documented limit

    @property
    def requests(self) -> int:
        return self.sample - self.stored

    @property
    def seconds(self) -> float:
        return 60.0 * self.requests / max(1, self.rate_per_minute)

    def describe(self) -> str:
        minutes = self.seconds / 60
        span = f"{self.seconds:.0f} s" if minutes < 2 else f"{minutes:.0f} minutes"
        rate = "the account's" if self.rate_known else "api.video's documented"
        stored = f" ({self.stored:,} already stored)" if self.stored else ""
        return (
            f"{self.sample:,} of {self.sessions:,} sessions: {self.requests:,} events "
            f"requests{stored}, about {span} at {rate} {self.rate_per_minute:,} requests a minute"
        )


@dataclass(frozen=True)
class Sample:
    """The sessions drawn so far with their events, as columns; `stopped` says why it ended
    ("" while growing; "every session", "sample size", "precision", "request budget",
    "cancelled"). `failed` names sessions whose events could not be fetched (left out)."""

    records: list[SessionRecord]
    columns: EventColumns
    sessions_total: int  # in the period
    duration: float
    requests: int  # events requests sent
    failed: list[str] = field(default_factory=list)
    stopped: str = ""

    @property
    def size(self) -> int:
        return len(self.records)

    @property
    def complete(self) -> bool:
        """Every session of the period is in, with its events: the curve is exact."""
        return self.size == self.sessions_total and not self.failed

    @property
    def label(self) -> str:
        """What the figures rest on, in words: exact, or a sample (and partial if so)."""
        if self.complete:
            return f"all {self.size:,} sessions"
        text = f"a random sample of {self.size:,} of {self.sessions_total:,} sessions"
        if self.failed:
            text += f"; {len(self.failed):,} sessions' events could not be fetched (left out)"
        return text

    @cached_property
    def intervals(self) -> Playback:
        """The playing intervals (computed once; the sampler computes them on its worker
        before delivering, so a view reading them does not compute on the GUI thread)."""
        return playback(self.columns, self.duration)

    @cached_property
    def curve(self) -> RetentionCurve:
        """The curve of all the sessions drawn (computed once, on the sampler's worker)."""
        return self.curves()[0]

    def playback(self) -> Playback:
        return self.intervals

    def curves(self, groups: np.ndarray | None = None, count: int = 1) -> list[RetentionCurve]:
        """The curve of each group (`groups[i]` for `records[i]`; see audience_splits)."""
        return retention_curves(self.intervals, groups, count, exact=self.complete)


def sample_order(records: Sequence[SessionRecord], seed: int) -> list[int]:
    """Indexes of `records` in the sample's random order: a permutation of the sessions
    sorted by id, so that it does not depend on the order the API listed them in."""
    by_id = sorted(range(len(records)), key=lambda i: records[i].session_id)
    permutation = np.random.default_rng(seed).permutation(len(by_id))
    return [by_id[int(i)] for i in permutation]


class Sampler:
    """Draws and grows a sample of one listing's sessions; a blocking call for a worker."""

    def __init__(
        self,
        service: SessionService,
        listing: SessionList,
        duration: float,
        *,
        seed: int = 1,
        size: int | None = ALL,
        precision: float | None = None,
        budget: int | None = None,
        rate_per_minute: int | None = None,
    ) -> None:
        if listing.partial:
            raise ValueError(f"the session list is incomplete ({listing.error})")
        if size is not None and size < 1:
            raise ValueError(f"a sample needs at least one session, not {size}")
        if precision is not None and not 0 < precision < 1:
            raise ValueError(f"the precision is a share between 0 and 1, not {precision}")
        self.service = service
        self.records = listing.records
        self.duration = duration
        self.order = sample_order(self.records, seed)
        self.size = len(self.order) if size is None else min(size, len(self.order))
        self.precision = precision
        self.budget = budget
        self.rate = rate_per_minute

    def _stored(self, session_id: str) -> list[SessionEvent] | None:
        cache = self.service.cache
        found = cache.events(session_id) if cache is not None else None
        if found is None:
            return None
        try:
            return [SessionEvent.model_validate(e) for e in found[0]]
        except ValueError:
            return None  # unreadable: fetched again

    def cost(self) -> SampleCost:
        """The requests the planned sample needs, counting the stored events (a store read per
        session), at the rate given or api.video's documented one."""
        wanted = self.order[: self.size]
        stored = sum(1 for i in wanted if self._stored(self.records[i].session_id) is not None)
        rate = self.rate or DEFAULT_RATE_PER_MINUTE
        return SampleCost(len(self.order), self.size, stored, rate, self.rate is not None)

    def run(
        self,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        deliver: Callable[[Sample], None] | None = None,
    ) -> Sample:
        """Grow the sample round by round until it is done; each round's state goes to
        `deliver`. Cancelling ends it with what it has (`stopped` "cancelled")."""
        taken: list[SessionRecord] = []
        parts: list[EventColumns] = []
        failed: list[str] = []
        requests = 0
        position = 0
        stopped = ""

        def state(reason: str = "") -> Sample:
            columns = EventColumns.concat(parts)
            return Sample(
                list(taken), columns, len(self.order), self.duration, requests,
                list(failed), reason,
            )  # fmt: skip

        progress(0, self.size)
        while not stopped:
            if position >= self.size:
                stopped = "every session" if self.size == len(self.order) else "sample size"
                break
            batch = [
                self.records[i] for i in self.order[position : min(position + BATCH, self.size)]
            ]
            known = {r.session_id: self._stored(r.session_id) for r in batch}
            wanted = [sid for sid, events in known.items() if events is None]
            if self.budget is not None and requests + len(wanted) > self.budget:
                room = self.budget - requests
                keep = set(wanted[: max(room, 0)])
                batch = [
                    r for r in batch if known[r.session_id] is not None or r.session_id in keep
                ]
                wanted = [sid for sid in wanted if sid in keep]
                stopped = "request budget"
            try:
                fetched = self.service.for_each(wanted, self.service.events, cancel, no_progress)
            except Cancelled:
                stopped = "cancelled"
                break
            requests += len(wanted)
            kept: list[SessionRecord] = []
            events: list[list[SessionEvent]] = []
            for record in batch:
                sid = record.session_id
                got = known[sid]
                if got is None:
                    outcome = fetched[sid]
                    if isinstance(outcome, ApiError) or outcome[1] is not None:
                        failed.append(sid)
                        continue
                    got = outcome[0]
                kept.append(record)
                events.append(got)
            position += BATCH
            taken.extend(kept)
            parts.append(
                EventColumns.from_sessions(
                    [timeline_events(e) for e in events],
                    [r.ended_at for r in kept],
                    [r.loaded_at for r in kept],
                )
            )
            progress(min(position, self.size), self.size)
            current = state()
            if (
                not stopped
                and self.precision is not None
                and len(taken) < len(self.order)
                and current.curve.half_width <= self.precision
            ):
                stopped = "precision"
            if deliver is not None and not stopped:
                _ = current.curve  # computed here, on the worker
                deliver(current)
        final = state(stopped)
        if deliver is not None:
            _ = final.curve
            deliver(final)
        return final


def media_length(
    service: SessionService, media_id: str, cancel: CancelToken = NEVER_CANCELLED
) -> float:
    """The video's length from `GET /videos/{videoId}/status` (`encoding.metadata.duration`);
    ValueError, in words, when the API does not give one."""
    status = service.client.video_status(media_id, cancel)
    duration = status.encoding.metadata.duration
    if duration is None or not math.isfinite(duration) or duration <= 0:
        raise ValueError(
            f"the video {media_id} has no length in its status (encoding.metadata.duration is "
            f"{duration}): retention needs one; is the video encoded?"
        )
    return float(duration)


def prepare(
    service: SessionService,
    media: Media,
    period: str,
    metadata: Mapping[str, str] | None = None,
    *,
    seed: int = 1,
    size: int | None = ALL,
    precision: float | None = None,
    budget: int | None = None,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> Sampler:
    """A sampler of the period's sessions of a video, its length read from its status and its
    session list fetched (a blocking call for a worker; then `cost()` and `run()`). Raises
    the list's error when it is incomplete, ValueError when the video has no length."""
    duration = media_length(service, media.media_id, cancel)
    listing = service.list_sessions(media, period, metadata, cancel, progress)
    if listing.error is not None:
        raise listing.error
    rate = service.client.http.pacer.limit
    return Sampler(
        service, listing, duration, seed=seed, size=size, precision=precision, budget=budget,
        rate_per_minute=rate,
    )  # fmt: skip
