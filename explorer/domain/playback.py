"""Many sessions' events, as columns, turned into playing intervals over the media (vectorised).

The semantics (README, "Where viewers drop off"): playing starts at `play`/`resume` (at `at`)
and ends at `pause`/`end` (at `at`) or a seek's `from`; a seek while playing goes on playing
from `to`; a seek after `end` is a replay and plays (the replay button emits no `play`). A
session still playing at its last event plays on until its `endedAt`, the position advancing
with wall-clock time, capped at the duration; with no `endedAt` (or one before its last event)
only up to its last event. Positions are clamped to `[0, duration]`.

Odd data follows the inspector's rules (explorer/domain/timeline.py): events without a time
are dropped, duplicates (same type, time and positions) count once, events are put in time
order (ties keep the order received), unknown types change nothing, and a missing or garbage
position is where the playhead would have been (its last position, advanced with wall-clock
time while playing). Where an event's own position is not between where playing started and
where wall-clock time would have carried it (`POSITION_TOLERANCE_S` beyond), the playhead
jumped without a seek: as the inspector draws it, it played on with wall-clock time and the
jump itself is not watched. A position short of the wall-clock one is kept: the player
stalled (see `stall_s`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from explorer.domain.timeline import MAX_POSITION_S, POSITION_TOLERANCE_S, TimelineEvent

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

KINDS = ("ready", "play", "pause", "resume", "seek.backward", "seek.forward", "end")
READY, PLAY, PAUSE, RESUME, SEEK_BACK, SEEK_FWD, END = range(len(KINDS))
OTHER = -1  # an unknown type: kept for the session's last event time, changes nothing else
_CODES = {name: code for code, name in enumerate(KINDS)}


def _epoch(moment: datetime | None) -> float:
    return np.nan if moment is None else moment.timestamp()  # naive counts as UTC (inspector)


def _number(value: float | None) -> float:
    return np.nan if value is None else float(value)


@dataclass(frozen=True)
class EventColumns:
    """Events of `sessions` sessions, one column each: `session` indexes the session, `kind`
    a code of KINDS (OTHER for unknown types), times in epoch seconds, positions in seconds;
    NaN where missing. Per session: `ended_at` (`endedAt`) and `loaded_at`, NaN when none."""

    session: IntArray
    kind: IntArray
    time: FloatArray
    at: FloatArray
    start: FloatArray  # the wire's `from`
    to: FloatArray
    ended_at: FloatArray
    loaded_at: FloatArray

    @property
    def sessions(self) -> int:
        return len(self.ended_at)

    @classmethod
    def from_sessions(
        cls,
        events: Sequence[Sequence[TimelineEvent]],
        ended_at: Sequence[float] | None = None,
        loaded_at: Sequence[float] | None = None,
    ) -> EventColumns:
        """Columns from each session's events (as the inspector takes them); times of the
        sessions as epoch seconds (NaN: none)."""
        counts = [len(e) for e in events]
        flat = [event for session in events for event in session]
        n = len(events)
        return cls(
            session=np.repeat(np.arange(n, dtype=np.int64), counts),
            kind=np.array([_CODES.get(e.kind, OTHER) for e in flat], np.int64),
            time=np.array([_epoch(e.emitted_at) for e in flat], np.float64),
            at=np.array([_number(e.at) for e in flat], np.float64),
            start=np.array([_number(e.start) for e in flat], np.float64),
            to=np.array([_number(e.to) for e in flat], np.float64),
            ended_at=_per_session(ended_at, n),
            loaded_at=_per_session(loaded_at, n),
        )

    @classmethod
    def concat(cls, parts: Sequence[EventColumns]) -> EventColumns:
        """Several batches as one, sessions numbered on in the order given."""
        if not parts:
            return cls.from_sessions([])
        offsets = np.cumsum([0, *(p.sessions for p in parts)])[:-1]
        joined = [np.concatenate([p.session + o for p, o in zip(parts, offsets, strict=True)])]
        names = ("kind", "time", "at", "start", "to", "ended_at", "loaded_at")
        columns = [np.concatenate([getattr(p, name) for p in parts]) for name in names]
        return cls(*joined, *columns)


def _per_session(values: Sequence[float] | None, n: int) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    array = np.asarray(values, np.float64)
    if array.shape != (n,):
        raise ValueError(f"{len(array)} session times for {n} sessions")
    return array


@dataclass(frozen=True)
class Playback:
    """What the events amount to, as intervals over the media and per-session facts.

    Playing intervals (`session`, `start`, `end` positions, `wall` seconds of wall-clock time
    they took, `tail` when extrapolated after the last event) are in each session's time
    order. Forward seeks (`skip_*`) are the skipped ranges. Per session: `first_ready`,
    `first_play` (the first `play` at or after the first `ready`, as the inspector's "ready to
    play"), `last_seen` (its last event's time) and `ended` (an `end` event came)."""

    duration: float
    sessions: int
    session: IntArray
    start: FloatArray
    end: FloatArray
    wall: FloatArray
    tail: BoolArray
    skip_session: IntArray
    skip_start: FloatArray
    skip_end: FloatArray
    first_ready: FloatArray
    first_play: FloatArray
    last_seen: FloatArray
    ended: BoolArray
    loaded_at: FloatArray
    ended_at: FloatArray

    @property
    def played(self) -> BoolArray:
        """Sessions that played at all: some media played (an interval of positive length)."""
        out = np.zeros(self.sessions, np.bool_)
        out[self.session[self.end > self.start]] = True
        return out


def _clean(values: FloatArray, duration: float) -> FloatArray:
    """Usable positions clamped to [0, duration]; NaN, infinities and absurd values missing."""
    usable = np.isfinite(values) & (np.abs(values) <= MAX_POSITION_S)
    return np.where(usable, np.clip(values, 0.0, duration), np.nan)


def _ordered(columns: EventColumns) -> IntArray:
    """Indexes of the events kept, each session's in time order (ties: as received), without
    events lacking a time and without duplicates (the first received is kept)."""
    timed = np.flatnonzero(~np.isnan(columns.time))
    order = timed[np.lexsort((timed, columns.time[timed], columns.session[timed]))]
    s, t = columns.session[order], columns.time[order]
    tie = np.zeros(len(order), np.bool_)
    tie[1:] = (s[1:] == s[:-1]) & (t[1:] == t[:-1])
    if not tie.any():
        return order  # no two events of a session at one time: no duplicate possible
    grouped = tie.copy()
    grouped[:-1] |= tie[1:]
    return order[~np.isin(order, _duplicates(columns, order[grouped]))]


def _duplicates(columns: EventColumns, candidates: IntArray) -> IntArray:
    """The candidates that repeat an earlier one (same session, time, type and positions)."""
    keys = [columns.session, columns.time, columns.kind, columns.at, columns.start, columns.to]
    keys = [k[candidates] for k in keys]
    by_key = np.lexsort((candidates, *(np.nan_to_num(k, nan=-np.inf) for k in keys[::-1])))
    same = np.ones(len(by_key), np.bool_)
    for key in keys:
        k = key[by_key]
        same[1:] &= (k[1:] == k[:-1]) | (np.isnan(k[1:]) & np.isnan(k[:-1]))
    same[:1] = False
    return candidates[by_key[same]]


def _fill_index(mask: BoolArray, first_of: IntArray) -> IntArray:
    """For each event, the index of the last event at or before it in its session where
    `mask` holds; -1 where none."""
    index = np.maximum.accumulate(np.where(mask, np.arange(len(mask)), -1))
    return np.where(index >= first_of, index, -1)


def playback(columns: EventColumns, duration: float) -> Playback:
    """The playing intervals and per-session facts of every session (see the module)."""
    if not duration > 0 or not np.isfinite(duration):
        raise ValueError(f"the media duration must be a positive number of seconds: {duration}")
    order = _ordered(columns)
    n_sessions = columns.sessions
    last_seen = np.full(n_sessions, np.nan)
    ends = np.ones(len(order), np.bool_)
    ends[:-1] = columns.session[order][1:] != columns.session[order][:-1]
    last_seen[columns.session[order][ends]] = columns.time[order][ends]
    order = order[columns.kind[order] != OTHER]
    s, k, t = columns.session[order], columns.kind[order], columns.time[order]
    at = _clean(columns.at[order], duration)
    frm = _clean(columns.start[order], duration)
    to = _clean(columns.to[order], duration)
    n = len(order)
    index = np.arange(n)
    first = np.ones(n, np.bool_)
    first[1:] = s[1:] != s[:-1]
    last = np.ones(n, np.bool_)
    last[:-1] = first[1:]
    first_of = np.maximum.accumulate(np.where(first, index, 0))

    # the state after each event: 1 playing, 0 paused, 2 ended, -1 not known yet
    seek = (k == SEEK_BACK) | (k == SEEK_FWD)
    setter = np.select([(k == PLAY) | (k == RESUME), k == PAUSE, k == END], [1, 0, 2], -1)
    before = _fill_index(setter >= 0, first_of)
    replay = seek & (before >= 0) & (setter[np.maximum(before, 0)] == 2)
    setter = np.where(replay, 1, setter)
    latest = _fill_index(setter >= 0, first_of)
    playing = (latest >= 0) & (setter[np.maximum(latest, 0)] == 1)
    playing_before = np.zeros(n, np.bool_)
    playing_before[1:] = playing[:-1] & ~first[1:]

    # positions: where each event found the playhead (p) and where it left it (q)
    dt = np.zeros(n)
    dt[1:] = np.where(first[1:], 0.0, t[1:] - t[:-1])
    advance = np.where(playing_before, dt, 0.0)
    own_p = np.where(seek, frm, at)
    own_q = np.where(seek, np.where(np.isnan(to), frm, to), at)
    anchor = _fill_index(~np.isnan(own_q), first_of)
    ran = np.cumsum(advance)
    base = np.where(anchor >= 0, own_q[np.maximum(anchor, 0)], 0.0)
    since = ran - ran[np.where(anchor >= 0, anchor, first_of)]
    q = np.where(np.isnan(own_q), np.minimum(base + since, duration), own_q)
    carried = np.zeros(n)
    carried[1:] = np.where(first[1:], 0.0, np.minimum(q[:-1] + advance[1:], duration))
    p = np.where(np.isnan(own_p), carried, own_p)

    # intervals between events, while playing
    go = playing[:-1] & ~last[:-1] if n else np.zeros(0, np.bool_)
    i = np.flatnonzero(go)
    j = i + 1
    began = q[i]
    stop = np.where((p[j] >= began) & (p[j] <= carried[j] + POSITION_TOLERANCE_S), p[j], carried[j])
    # the tail: still playing at the last event
    tails = np.flatnonzero(playing & last)
    ts = s[tails]
    ended_at = columns.ended_at[ts]
    until = np.where(ended_at >= last_seen[ts], ended_at, last_seen[ts])
    wall_tail = np.maximum(until - t[tails], 0.0)
    all_i = np.concatenate([i, tails])
    sequence = np.argsort(all_i, kind="stable")

    def ordered(*parts: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
        return np.concatenate(parts)[sequence]

    fwd = np.flatnonzero((k == SEEK_FWD) & (q > p))
    ready_at = _first_per_session(s, t, k == READY, n_sessions)
    after_ready = (k == PLAY) & (t >= ready_at[s])
    return Playback(
        duration=float(duration),
        sessions=n_sessions,
        session=ordered(s[i], ts).astype(np.int64),
        start=ordered(began, q[tails]).astype(np.float64),
        end=ordered(stop, np.minimum(q[tails] + wall_tail, duration)).astype(np.float64),
        wall=ordered(dt[j], wall_tail).astype(np.float64),
        tail=ordered(np.zeros(len(i), np.bool_), np.ones(len(tails), np.bool_)).astype(np.bool_),
        skip_session=s[fwd],
        skip_start=p[fwd],
        skip_end=q[fwd],
        first_ready=ready_at,
        first_play=_first_per_session(s, t, after_ready, n_sessions),
        last_seen=last_seen,
        ended=np.bincount(s[k == END], minlength=n_sessions) > 0,
        loaded_at=columns.loaded_at,
        ended_at=columns.ended_at,
    )


def _first_per_session(s: IntArray, t: FloatArray, mask: BoolArray, n: int) -> FloatArray:
    """The time of each session's first event where `mask` holds (events in time order)."""
    out = np.full(n, np.nan)
    where = np.flatnonzero(mask)
    found, first = np.unique(s[where], return_index=True)
    out[found] = t[where[first]]
    return out
