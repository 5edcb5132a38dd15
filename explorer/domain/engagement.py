"""Per-video engagement figures, a viewer report by a metadata key, and estimated quality of
experience, all from the playing intervals of explorer/domain/playback.py (vectorised).

Definitions (README, "Where viewers drop off"):

* watched (% of the video): the union of the media a session played, over the duration;
* watch time: media seconds played, repeats counted;
* completed: the playhead reached 95 % of the duration while playing, or an `end` event came;
* completion rate, average and median % watched, median watch time: over the sessions that
  played at all.

Quality of experience, estimated from the events (the raw statistics carry no buffering
events): ready time is `loadedAt` to the first `ready`; time to first play is the first
`ready` to the first `play` after it (as the inspector's "ready to play"); ready but never
played are sessions with a `ready` that played nothing; stall time is, per stretch of playing
between two events with no pause between, the wall-clock time it took minus the media it
advanced (never below zero), summed per session. A session counts as stalled from 1 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.domain.playback import BoolArray, FloatArray, IntArray, Playback

COMPLETE_SHARE = 0.95
STALL_NOTICED_S = 1.0


def union_per_owner(owner: IntArray, start: FloatArray, end: FloatArray, owners: int) -> FloatArray:
    """Total length of each owner's intervals, overlaps counted once."""
    keep = end > start
    owner, start, end = owner[keep], start[keep], end[keep]
    order = np.lexsort((start, owner))
    owner, start, end = owner[order], start[order], end[order]
    reach = np.empty(len(end))
    if len(end):
        span = float(np.max(end)) + 1.0
        reach = np.maximum.accumulate(owner * span + end) - owner * span
    before = np.full(len(end), -np.inf)
    same = np.zeros(len(end), np.bool_)
    same[1:] = owner[1:] == owner[:-1]
    before[1:] = np.where(same[1:], reach[:-1], -np.inf)
    added = np.maximum(end - np.maximum(start, before), 0.0)
    return _sums(owner, added, owners)


def _sums(owner: IntArray, weights: FloatArray, owners: int) -> FloatArray:
    return np.asarray(np.bincount(owner, weights=weights, minlength=owners), np.float64)


@dataclass(frozen=True)
class SessionMeasures:
    """Per session (arrays indexed like the playback's sessions)."""

    played: BoolArray
    watched_s: FloatArray  # union of media played
    watch_time_s: FloatArray  # media played, repeats counted
    furthest_s: FloatArray  # NaN when nothing played
    completed: BoolArray
    ready_s: FloatArray  # loadedAt -> first ready; NaN unknown
    to_first_play_s: FloatArray  # first ready -> first play after it; NaN unknown
    stall_s: FloatArray


def measures(playback: Playback) -> SessionMeasures:
    n, d = playback.sessions, playback.duration
    s, a, b = playback.session, playback.start, playback.end
    furthest = np.full(n, -np.inf)
    np.maximum.at(furthest, s[b > a], b[b > a])
    furthest[np.isinf(furthest)] = np.nan
    stall = np.maximum(playback.wall - (b - a), 0.0)
    stall = np.where(playback.tail, 0.0, stall)
    played = playback.played
    ready = playback.first_ready - playback.loaded_at
    return SessionMeasures(
        played=played,
        watched_s=union_per_owner(s, a, b, n),
        watch_time_s=_sums(s, np.maximum(b - a, 0.0), n),
        furthest_s=furthest,
        completed=(np.nan_to_num(furthest, nan=-1.0) >= COMPLETE_SHARE * d) | playback.ended,
        ready_s=np.where(ready >= 0, ready, np.nan),
        to_first_play_s=playback.first_play - playback.first_ready,
        stall_s=_sums(s, stall, n),
    )


def _median(values: FloatArray) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if len(values) else None


def _mean(values: FloatArray) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.mean(values)) if len(values) else None


@dataclass(frozen=True)
class Engagement:
    """A video's (or a group's) figures; None where no session gives one. Shares 0 to 1."""

    duration: float
    sessions: int
    played: int
    completion_rate: float | None
    mean_watched: float | None  # share of the duration, 0 to 1
    median_watched: float | None
    median_watch_time_s: float | None
    median_ready_s: float | None  # estimated QoE from here on
    median_to_first_play_s: float | None
    ready_never_played: int
    median_stall_s: float | None  # over the sessions that played
    stall_s: float  # in all
    stalled: int  # sessions with at least STALL_NOTICED_S of stall


def engagement(
    playback: Playback, groups: IntArray | None = None, count: int = 1
) -> list[Engagement]:
    """The figures of each group (`groups[session]` in `range(count)`; None: one group)."""
    m = measures(playback)
    group_of = np.zeros(playback.sessions, np.int64) if groups is None else groups
    had_ready = ~np.isnan(playback.first_ready)
    out = []
    for c in range(count):
        mine = group_of == c
        played = mine & m.played
        share = np.minimum(m.watched_s[played] / playback.duration, 1.0)
        n_played = int(played.sum())
        out.append(
            Engagement(
                duration=playback.duration,
                sessions=int(mine.sum()),
                played=n_played,
                completion_rate=float(m.completed[played].mean()) if n_played else None,
                mean_watched=_mean(share),
                median_watched=_median(share),
                median_watch_time_s=_median(m.watch_time_s[played]),
                median_ready_s=_median(m.ready_s[mine]),
                median_to_first_play_s=_median(m.to_first_play_s[mine]),
                ready_never_played=int((mine & had_ready & ~m.played).sum()),
                median_stall_s=_median(m.stall_s[played]),
                stall_s=float(m.stall_s[played].sum()),
                stalled=int((m.stall_s[played] >= STALL_NOTICED_S).sum()),
            )
        )
    return out


@dataclass(frozen=True)
class ViewerRow:
    """One value of a metadata key: its sessions, how much of the video they watched together
    (union over them, share 0 to 1), whether any completed, and when last seen (epoch s)."""

    value: str
    sessions: int
    watched: float
    completed: bool
    last_seen: float | None


def viewer_report(playback: Playback, values: list[str | None]) -> list[ViewerRow]:
    """One row per value of the key (sessions without it are left out), sorted by value.
    `values[session]` is the session's value, None without the key."""
    names = sorted({v for v in values if v is not None})
    code = {name: i for i, name in enumerate(names)}
    owner = np.array([code.get(v, -1) if v is not None else -1 for v in values], np.int64)
    m = measures(playback)
    mine = owner[playback.session] >= 0
    union = union_per_owner(
        owner[playback.session][mine], playback.start[mine], playback.end[mine], len(names)
    )
    seen = np.where(np.isnan(playback.ended_at), playback.last_seen, playback.ended_at)
    seen = np.where(np.isnan(seen), playback.loaded_at, seen)
    rows = []
    for i, name in enumerate(names):
        sel = owner == i
        last = seen[sel]
        last = last[~np.isnan(last)]
        rows.append(
            ViewerRow(
                value=name,
                sessions=int(sel.sum()),
                watched=min(float(union[i]) / playback.duration, 1.0),
                completed=bool(m.completed[sel].any()),
                last_seen=float(last.max()) if len(last) else None,
            )
        )
    return rows
