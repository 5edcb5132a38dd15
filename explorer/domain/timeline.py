"""One player session's events turned into a playhead path over wall-clock time, with flags."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

State = Literal["playing", "paused", "unknown"]
Direction = Literal["backward", "forward"]
JumpCause = Literal["seek", "replay", "resync"]

KNOWN_KINDS = frozenset(
    {"ready", "play", "pause", "resume", "seek.backward", "seek.forward", "end"}
)
SEEK_KINDS = frozenset({"seek.backward", "seek.forward"})
_POINT_KINDS = frozenset({"ready", "play", "pause", "resume", "end"})  # carry `at`
POSITION_TOLERANCE_S = 1.0
"""Anchors closer than this to the extrapolated playhead re-anchor it silently; further apart
they are a jump without a seek. Positions past the media's end by more than this are flagged
(a duration rounded to whole seconds must not flag every `end`); all are clamped."""
MAX_POSITION_S = 1e9
"""Larger positions are garbage (and would lose the precision of a wall-clock second)."""


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One raw event as the services hand it over; `start` is the wire's `from`."""

    kind: str
    emitted_at: datetime | None
    at: float | None = None
    start: float | None = None
    to: float | None = None


class FlagKind(StrEnum):
    """Oddities found while building a timeline, in the order they are reported."""

    NO_EVENTS = "no-events"
    NO_TIME = "no-time"
    DUPLICATES = "duplicates"
    OUT_OF_ORDER = "out-of-order"
    UNKNOWN_TYPE = "unknown-type"
    NO_POSITION = "no-position"
    SEEK_PAST_END = "seek-past-end"
    POSITION_PAST_END = "position-past-end"
    POSITION_JUMP = "position-jump"
    EVENTS_AFTER_END = "events-after-end"
    NO_END_TIME = "no-end-time"


class Ending(StrEnum):
    """How playback stopped, per the events alone (the session's end time is another fact)."""

    NO_EVENTS = "no-events"
    AT_END = "at-end"  # the last stop was an `end` event, nothing played after it
    LEFT_PAUSED = "left-paused"  # no `end` after the last playback; paused at the last event
    LEFT_PLAYING = "left-playing"  # no `end`; playing at the last event
    LEFT_UNKNOWN = "left-unknown"  # no `end`; whether it played at the last event is not known


_SENTENCES: dict[FlagKind, tuple[str, str]] = {  # (said once, said n times)
    FlagKind.NO_EVENTS: ("the session has no events", "the session has no events"),
    FlagKind.NO_TIME: (
        "1 event had no time and is not shown",
        "{n} events had no time and are not shown",
    ),
    FlagKind.DUPLICATES: ("1 duplicated event was ignored", "{n} duplicated events were ignored"),
    FlagKind.OUT_OF_ORDER: (
        "1 event arrived out of order and was re-sorted",
        "{n} events arrived out of order and were re-sorted",
    ),
    FlagKind.UNKNOWN_TYPE: (
        "1 event of an unknown type ({names}) shown as other",
        "{n} events of {kinds} ({names}) shown as other",
    ),
    FlagKind.NO_POSITION: ("an event had no position", "{n} events had no position"),
    FlagKind.SEEK_PAST_END: (
        "a seek went past the end of the media (clamped)",
        "{n} seeks went past the end of the media (clamped)",
    ),
    FlagKind.POSITION_PAST_END: (
        "a position was past the end of the media (clamped)",
        "{n} positions were past the end of the media (clamped)",
    ),
    FlagKind.POSITION_JUMP: (
        "the position jumped without a seek",
        "the position jumped {n} times without a seek",
    ),
    FlagKind.EVENTS_AFTER_END: (
        "1 event came after the session's end time",
        "{n} events came after the session's end time",
    ),
    FlagKind.NO_END_TIME: (
        "the session has no end time: it is still open, or its end was not recorded",
        "the session has no end time: it is still open, or its end was not recorded",
    ),
}


@dataclass(frozen=True, slots=True)
class Flag:
    """A flag, how many times it was raised and, for unknown types, their names."""

    kind: FlagKind
    count: int = 1
    names: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The flag as a sentence for a person."""
        one, many = _SENTENCES[self.kind]
        return (one if self.count == 1 else many).format(
            n=self.count,
            names=", ".join(f'"{name}"' for name in self.names),
            kinds="an unknown type" if len(self.names) <= 1 else "unknown types",
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the playhead between two instants: rising 1 s per s when playing, else flat."""

    start: datetime
    end: datetime
    pos_start: float
    pos_end: float
    state: State

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class Jump:
    """An instant move of the playhead: a seek, a replay (a seek after `end`) or a resync (an
    event's position disagreeing with where the playhead should have been)."""

    at: datetime
    from_pos: float
    to_pos: float
    direction: Direction
    cause: JumpCause

    @property
    def distance(self) -> float:
        return abs(self.to_pos - self.from_pos)


@dataclass(frozen=True, slots=True)
class Point:
    """One event on the event lane: `position` is where it happened (`at`, or `from` for seeks),
    `position_after` where it left the playhead; `estimated` when the event carried none."""

    time: datetime
    kind: str  # a known kind, or "other"
    type_name: str  # as received
    position: float
    position_after: float
    estimated: bool
    at: float | None
    start: float | None
    to: float | None
    index: int  # in the list the caller passed


@dataclass(frozen=True)
class Timeline:
    """A session's playhead path (segments, jumps, polyline), its events and its flags."""

    points: tuple[Point, ...] = ()
    segments: tuple[Segment, ...] = ()
    jumps: tuple[Jump, ...] = ()
    path: tuple[tuple[datetime, float], ...] = ()  # polyline, jumps as vertical steps
    flags: tuple[Flag, ...] = ()
    media_duration: float | None = None
    live: bool = False
    ended_at: datetime | None = None  # the session's end time (`endedAt`), UTC; None: none given
    ending: Ending = Ending.NO_EVENTS
    tail: Segment | None = None  # last event to a later end time: what happened is not known

    @property
    def open_ended(self) -> bool:
        """No end time: the session is still open, or its end was not recorded."""
        return self.ended_at is None and bool(self.points)

    @property
    def unknown_after_s(self) -> float | None:
        """Seconds from the last event to the session's end time, when it ended later: what
        happened then is not known. None without an end time or events."""
        last = self.finish
        if last is None or self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - last).total_seconds())

    @property
    def start(self) -> datetime | None:
        return self.points[0].time if self.points else None

    @property
    def finish(self) -> datetime | None:
        return self.points[-1].time if self.points else None

    @property
    def ends(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.kind == "end")


def _utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC (the API's timestamps are UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _position(value: float | None) -> float | None:
    """A usable position: a number of seconds from 0 to 31 years; anything else is missing."""
    if value is None or not 0 <= value <= MAX_POSITION_S:  # NaN fails too
        return None
    return float(value)


def _misplaced(times: Sequence[datetime]) -> int:
    """How few events must move to put `times` in order (length minus the longest
    non-decreasing run)."""
    tails: list[datetime] = []
    for moment in times:
        slot = bisect.bisect_right(tails, moment)
        if slot == len(tails):
            tails.append(moment)
        else:
            tails[slot] = moment
    return len(times) - len(tails)


@dataclass
class _Walk:
    """The state machine that replays sorted events into a path."""

    cap: float | None
    counts: dict[FlagKind, int] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    jumps: list[Jump] = field(default_factory=list)
    path: list[tuple[datetime, float]] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    time: datetime | None = None
    pos: float | None = None
    state: State = "unknown"
    ended: bool = False  # stopped by `end`: a seek now is a replay

    def raise_flag(self, kind: FlagKind) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def vertex(self, time: datetime, pos: float) -> None:
        if not self.path or self.path[-1] != (time, pos):
            self.path.append((time, pos))

    def advance(self, time: datetime) -> float:
        """Extend the path to `time`; the extrapolated position there."""
        if self.time is None or self.pos is None:
            return 0.0
        start, pos = self.time, self.pos
        elapsed = time - start
        if elapsed > timedelta(0):
            if self.state != "playing":
                self.segments.append(Segment(start, time, pos, pos, self.state))
            elif self.cap is not None and pos + elapsed.total_seconds() > self.cap:
                # reached the end with no `end` event: what the player did next is unknown
                split = start + timedelta(seconds=self.cap - pos)
                if split > start:
                    top = min(pos + (split - start).total_seconds(), self.cap)
                    self.segments.append(Segment(start, split, pos, top, "playing"))
                    self.vertex(split, top)
                self.segments.append(Segment(split, time, self.cap, self.cap, "unknown"))
                pos = self.cap
            else:
                pos += elapsed.total_seconds()
                self.segments.append(Segment(start, time, self.pos, pos, "playing"))
            self.vertex(time, pos)
        self.time, self.pos = time, pos
        return pos

    def clamped(self, raw: float | None, past_end: FlagKind) -> float | None:
        """An event's position, capped at the media's end (flagged when clearly past it)."""
        value = _position(raw)
        if value is not None and self.cap is not None and value > self.cap:
            if value > self.cap + POSITION_TOLERANCE_S:
                self.raise_flag(past_end)
            value = self.cap
        return value

    def anchor(self, time: datetime, raw: float | None, carried: float) -> float:
        """Where the playhead is per an event's own position; resyncs when it disagrees."""
        value = self.clamped(raw, FlagKind.POSITION_PAST_END)
        if value is None:
            return carried
        if self.pos is not None and abs(value - carried) > POSITION_TOLERANCE_S:
            self.raise_flag(FlagKind.POSITION_JUMP)
            self.jump(time, carried, value, "resync")
        return value

    def jump(self, time: datetime, frm: float, to: float, cause: JumpCause, hint: str = "") -> None:
        backward = to < frm or (to == frm and hint == "seek.backward")
        self.jumps.append(Jump(time, frm, to, "backward" if backward else "forward", cause))
        self.vertex(time, frm)
        self.vertex(time, to)

    def step(self, index: int, event: TimelineEvent, time: datetime) -> None:
        kind = event.kind if event.kind in KNOWN_KINDS else "other"
        first = self.pos is None
        carried = self.advance(time)
        if not first:
            self.vertex(time, carried)
        if kind in _POINT_KINDS:
            missing = _position(event.at) is None
            where = after = self.anchor(time, event.at, carried)
        elif kind in SEEK_KINDS:
            missing = _position(event.start) is None or _position(event.to) is None
            where = self.anchor(time, event.start, carried)
            target = self.clamped(event.to, FlagKind.SEEK_PAST_END)
            after = where if target is None else target
            self.jump(time, where, after, "replay" if self.ended else "seek", kind)
        else:
            missing, where, after = False, carried, carried
        if missing:
            self.raise_flag(FlagKind.NO_POSITION)
        self.vertex(time, after)
        self.time, self.pos = time, after
        self.transition(kind)
        estimated = missing or kind == "other"
        fields = (event.at, event.start, event.to, index)
        self.points.append(Point(time, kind, event.kind, where, after, estimated, *fields))

    def transition(self, kind: str) -> None:
        """Play/resume start playing, pause/end stop it, a seek after `end` is a replay (the
        replay button emits no `play`); `ready` only says "not playing yet" at the start."""
        if kind in ("play", "resume") or (kind in SEEK_KINDS and self.ended):
            self.state, self.ended = "playing", False
        elif kind in ("pause", "end"):
            self.state, self.ended = "paused", kind == "end"
        elif kind == "ready" and self.state == "unknown":
            self.state = "paused"


def _normalise(
    events: Iterable[TimelineEvent],
) -> tuple[list[tuple[int, TimelineEvent, datetime]], dict[FlagKind, int], list[str]]:
    """Events with a time, duplicates dropped, sorted stably; flag counts; unknown type names."""
    counts: dict[FlagKind, int] = {}
    seen: set[tuple[str, datetime, float | None, float | None, float | None]] = set()
    kept: list[tuple[int, TimelineEvent, datetime]] = []
    unknown: list[str] = []
    for index, event in enumerate(events):
        if event.emitted_at is None:
            counts[FlagKind.NO_TIME] = counts.get(FlagKind.NO_TIME, 0) + 1
            continue
        time = _utc(event.emitted_at)
        key = (event.kind, time, event.at, event.start, event.to)
        if key in seen:
            counts[FlagKind.DUPLICATES] = counts.get(FlagKind.DUPLICATES, 0) + 1
            continue
        seen.add(key)
        kept.append((index, event, time))
        if event.kind not in KNOWN_KINDS:
            counts[FlagKind.UNKNOWN_TYPE] = counts.get(FlagKind.UNKNOWN_TYPE, 0) + 1
            if event.kind not in unknown:
                unknown.append(event.kind)
    misplaced = _misplaced([time for _, _, time in kept])
    if misplaced:
        counts[FlagKind.OUT_OF_ORDER] = misplaced
        kept.sort(key=lambda item: item[2])  # stable: ties keep the order received
    return kept, counts, unknown


def _ending(walk: _Walk) -> Ending:
    if walk.pos is None:
        return Ending.NO_EVENTS
    if walk.ended:
        return Ending.AT_END
    if walk.state == "paused":
        return Ending.LEFT_PAUSED
    return Ending.LEFT_PLAYING if walk.state == "playing" else Ending.LEFT_UNKNOWN


def build_timeline(
    events: Iterable[TimelineEvent],
    *,
    media_duration: float | None = None,
    live: bool = False,
    ended_at: datetime | None = None,
) -> Timeline:
    """The playhead path of one session from its events (in any order).

    Videos clamp positions to `media_duration` (when known, finite and positive); live streams
    have no cap and no completion. `ended_at` is the session's end time (`endedAt`; None when
    the API gives none, which is flagged): after the last event the playhead is drawn flat and
    "not known" until then, as nothing says what the viewer did.
    """
    duration = None
    if not live and media_duration is not None and 0 < media_duration < math.inf:
        duration = float(media_duration)
    kept, counts, unknown = _normalise(events)
    walk = _Walk(cap=duration, counts=counts)
    for index, event, time in kept:
        walk.step(index, event, time)
    ending = _ending(walk)
    closed = None if ended_at is None else _utc(ended_at)
    tail = None
    if not kept:
        walk.raise_flag(FlagKind.NO_EVENTS)
    elif closed is None:
        walk.raise_flag(FlagKind.NO_END_TIME)
    else:
        late = sum(1 for _, _, time in kept if time > closed)
        if late:
            walk.counts[FlagKind.EVENTS_AFTER_END] = late
        elif walk.time is not None and walk.pos is not None and closed > walk.time:
            tail = Segment(walk.time, closed, walk.pos, walk.pos, "unknown")
    flags = tuple(
        Flag(kind, walk.counts[kind], tuple(unknown) if kind is FlagKind.UNKNOWN_TYPE else ())
        for kind in FlagKind
        if walk.counts.get(kind)
    )
    return Timeline(
        points=tuple(walk.points),
        segments=tuple(walk.segments),
        jumps=tuple(walk.jumps),
        path=tuple(walk.path),
        flags=flags,
        media_duration=duration,
        live=live,
        ended_at=closed,
        ending=ending,
        tail=tail,
    )
