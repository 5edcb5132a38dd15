"""The sessions behind a number: a video's or live stream's sessions that a metric counted in a
window, filtered by `dimension=value` conditions (a breakdown's bar, a timeseries' bucket).

The raw statistics list sessions by the UTC days they were loaded on, so the service asks for
the days from `LOOKBACK` before the window's start to its end (a session loaded the evening
before may still be playing in the window), keeps those that match the conditions and could
have counted (loaded before the window ends, not ended before it starts), reads their events
and keeps those the metric counted, by the rules of `explorer.domain.counting`. Without a
metric, the sessions loaded in the window are listed (no events are read).

Limits, said where they apply: a session loaded more than `LOOKBACK` before the window is not
looked at; unique views (one per viewer and day) cannot be told from sessions, which carry no
viewer. A page of sessions or a session's events that could not be read makes the answer
partial, naming what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from explorer.api.errors import ApiError
from explorer.api.models import PlayerSession, SessionEvent
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.conditions import Condition
from explorer.domain.continents import continent_of, country_code
from explorer.domain.counting import (
    COUNTED_METRICS,
    DEFAULT_VIEW_SECONDS,
    VIEW_SECONDS,
    counted_in,
    playback_of,
)
from explorer.domain.period import Period, PeriodKind
from explorer.services.sessions import Media, SessionService

LOOKBACK = timedelta(days=1)
"""How long before the window a session may have been loaded and still count in it."""
_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class DrillDown:
    """The question: which sessions of `media` did `metric` count in ``[start, end)``, among
    those matching every condition (None: the sessions loaded in the window)."""

    media: Media
    start: datetime
    end: datetime
    metric: str | None = "play"
    conditions: tuple[Condition, ...] = ()
    view_seconds: int = DEFAULT_VIEW_SECONDS

    def problems(self) -> list[str]:
        """What is wrong with the question, in words (empty: nothing)."""
        found = []
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            found.append("the window's start and end need a time zone")
        elif self.end <= self.start:
            found.append("the window ends before it starts: give a later end")
        if self.metric is not None and self.metric not in COUNTED_METRICS:
            found.append(
                f"{self.metric!r} does not count sessions: choose among "
                + ", ".join(COUNTED_METRICS)
            )
        if self.view_seconds not in VIEW_SECONDS:
            found.append(f"a view duration of {self.view_seconds} s is not one the API takes")
        return found

    @property
    def period(self) -> Period:
        """The raw statistics' period (whole UTC days) that holds every candidate session."""
        first = self.start - (LOOKBACK if self.metric is not None else timedelta())
        return Period.containing(
            PeriodKind.RANGE, first.astimezone(UTC).date(), (self.end - _MS).astimezone(UTC).date()
        )

    def describe(self) -> str:
        """ "counted in play from … to … where country=FR" (times as given)."""
        how = f"counted in {self.metric}" if self.metric else "loaded"
        if self.metric == "view":
            how += f" (view duration {self.view_seconds}s)"
        where = " and ".join(str(c) for c in self.conditions)
        span = f"from {self.start.isoformat()} to {self.end.isoformat()}"
        return " ".join(p for p in (how, span, f"where {where}" if where else "") if p)


@dataclass(frozen=True)
class CountedSessions:
    """The answer: the sessions, in the API's order, with the events read for them."""

    request: DrillDown
    sessions: list[PlayerSession]
    events: dict[str, list[SessionEvent]]  # by session id, for the sessions listed
    period: str  # the raw statistics' period asked for
    candidates: int  # sessions whose events were read to decide
    error: ApiError | None = None  # some pages of sessions are missing
    missing: list[str] = field(default_factory=list)  # sessions whose events are incomplete

    @property
    def partial(self) -> bool:
        return self.error is not None or bool(self.missing)

    def summary(self) -> str:
        """ "36 sessions counted in play from … to …" and what is missing, if anything."""
        count = len(self.sessions)
        text = f"{count} session{'s' if count != 1 else ''} {self.request.describe()}"
        if self.error is not None:
            text += f"; partial: some pages of sessions are missing ({self.error})"
        if self.missing:
            text += f"; partial: the events of {len(self.missing)} sessions could not be read"
        return text


def session_value(session: PlayerSession, media: Media, dimension: str) -> str | None:
    """A session's value of a dimension, as the analytics API spells it."""
    match dimension:
        case "media-id":
            return media.media_id
        case "media-type":
            return media.media_type
        case "country":
            return country_code(session.location.country)
        case "continent":
            return continent_of(session.location.country)
        case "device-type":
            return session.device.type
        case "operating-system":
            return session.os.name
        case "browser":
            return session.client.name
        case "referrer":
            return session.referrer.url or ""
    raise ValueError(f"{dimension!r} is not a dimension of a session")


def matches(session: PlayerSession, media: Media, conditions: Sequence[Condition]) -> bool:
    """Whether the session has every condition's value."""
    return all(session_value(session, media, c.dimension) == c.value for c in conditions)


def _could_count(session: PlayerSession, request: DrillDown) -> bool:
    loaded, ended = session.session.loaded_at, session.session.ended_at
    if loaded is None or loaded >= request.end:
        return False
    if request.metric is None:
        return loaded >= request.start
    return ended is None or ended >= request.start


class DrillDownService:
    """Drill-down calls over the session service (its client, its workers, its store)."""

    def __init__(self, sessions: SessionService) -> None:
        self.sessions = sessions

    def counted_sessions(
        self,
        request: DrillDown,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> CountedSessions:
        """The sessions `request.metric` counted (blocking: a worker thread's call).
        ValueError for a question that cannot be answered, in words."""
        problems = request.problems()
        if problems:
            raise ValueError("; ".join(problems))
        media, period = request.media, request.period.wire
        fetched = self.sessions.client.sessions(
            media.media_type, media.media_id, period, cancel=cancel, progress=progress
        )
        candidates = [
            s
            for s in fetched.items
            if _could_count(s, request) and matches(s, media, request.conditions)
        ]
        if request.metric is None:
            return CountedSessions(request, candidates, {}, period, 0, fetched.error)
        ids = [s.session.session_id for s in candidates]
        outcomes = self.sessions.for_each(ids, self.sessions.events, cancel, progress)
        kept: list[PlayerSession] = []
        events: dict[str, list[SessionEvent]] = {}
        missing: list[str] = []
        for session, sid in zip(candidates, ids, strict=True):
            outcome = outcomes[sid]
            if isinstance(outcome, ApiError) or outcome[1] is not None:
                missing.append(sid)
                if isinstance(outcome, ApiError):
                    continue
            found = outcome[0]
            playback = playback_of(
                ((e.type, e.emitted_at) for e in found), session.session.ended_at
            )
            if counted_in(
                request.metric, playback, request.start, request.end, request.view_seconds
            ):
                kept.append(session)
                events[sid] = found
        return CountedSessions(
            request, kept, events, period, len(candidates), fetched.error, missing
        )
