"""Figures derived from a session timeline, and session paths aligned for comparison."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from explorer.domain.timeline import Timeline

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SessionFigures:
    """What one session amounts to; seconds throughout, None where it cannot be known.

    Replays (seeks after `end`) are counted in `replays` only, not as backward seeks.
    """

    ready_to_play_s: float | None  # first `ready` to the first `play` after it
    playing_s: float  # wall-clock time spent playing
    distinct_watched_s: float  # union of the media positions covered while playing
    furthest_position_s: float | None  # highest position the playhead reached
    completion_percent: float | None  # distinct watched / media duration; None for live
    pauses: int
    seeks_backward: int
    seeks_backward_s: float  # media seconds skipped backward in total
    seeks_forward: int
    seeks_forward_s: float
    ended: bool  # an `end` event came
    replays: int


def union_length(intervals: Iterable[tuple[float, float]]) -> float:
    """Total length covered by closed intervals `(low, high)`, overlaps counted once."""
    total = 0.0
    low_run: float | None = None
    high_run = 0.0
    for low, high in sorted((lo, hi) for lo, hi in intervals if hi > lo):
        if low_run is None or low > high_run:
            if low_run is not None:
                total += high_run - low_run
            low_run, high_run = low, high
        else:
            high_run = max(high_run, high)
    if low_run is not None:
        total += high_run - low_run
    return total


def _ready_to_play(timeline: Timeline) -> float | None:
    ready = next((p.time for p in timeline.points if p.kind == "ready"), None)
    if ready is None:
        return None
    play = next((p.time for p in timeline.points if p.kind == "play" and p.time >= ready), None)
    return None if play is None else (play - ready).total_seconds()


def session_figures(timeline: Timeline) -> SessionFigures:
    """The figures of one built timeline."""
    playing = [s for s in timeline.segments if s.state == "playing"]
    distinct = union_length((s.pos_start, s.pos_end) for s in playing)
    positions = [p for s in timeline.segments for p in (s.pos_start, s.pos_end)]
    positions += [p for point in timeline.points for p in (point.position, point.position_after)]
    duration = timeline.media_duration
    completion = None
    if duration is not None and not timeline.live:
        completion = min(100.0, 100.0 * distinct / duration)
    seeks = [j for j in timeline.jumps if j.cause == "seek"]
    back = [j.distance for j in seeks if j.direction == "backward"]
    forward = [j.distance for j in seeks if j.direction == "forward"]
    return SessionFigures(
        ready_to_play_s=_ready_to_play(timeline),
        playing_s=float(sum(s.seconds for s in playing)),
        distinct_watched_s=distinct,
        furthest_position_s=max(positions) if positions else None,
        completion_percent=completion,
        pauses=sum(1 for p in timeline.points if p.kind == "pause"),
        seeks_backward=len(back),
        seeks_backward_s=float(sum(back)),
        seeks_forward=len(forward),
        seeks_forward_s=float(sum(forward)),
        ended=any(p.kind == "end" for p in timeline.points),
        replays=sum(1 for j in timeline.jumps if j.cause == "replay"),
    )


def overlay_paths(timelines: Sequence[Timeline]) -> list[tuple[FloatArray, FloatArray]]:
    """Per session, its playhead polyline as (seconds since its first event, position); a jump
    is two points at the same x. An empty session gives two empty arrays."""
    paths: list[tuple[FloatArray, FloatArray]] = []
    for timeline in timelines:
        start = timeline.start
        if start is None or not timeline.path:
            paths.append((np.empty(0, np.float64), np.empty(0, np.float64)))
            continue
        xs = np.fromiter(
            ((t - start).total_seconds() for t, _ in timeline.path), np.float64, len(timeline.path)
        )
        ys = np.fromiter((p for _, p in timeline.path), np.float64, len(timeline.path))
        paths.append((xs, ys))
    return paths
