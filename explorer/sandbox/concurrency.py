"""Concurrent viewers from playing spans: peaks and time-weighted averages, with numpy sweeps."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Int64s = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def clip(starts: Int64s, ends: Int64s, lo: int, hi: int) -> tuple[Int64s, Int64s]:
    """Spans cut to [lo, hi); spans left empty are dropped."""
    s = np.maximum(starts, lo)
    e = np.minimum(ends, hi)
    keep = e > s
    return s[keep], e[keep]


def merge_per_viewer(
    viewers: Int64s, starts: Int64s, ends: Int64s, lo: int
) -> tuple[Int64s, Int64s]:
    """Union of each viewer's spans, so that one viewer in two tabs counts once.

    Times are taken relative to `lo` (a window of at most ~49 days fits in 32 bits), and each
    viewer's rank is added above bit 32 so that one running maximum serves every viewer.
    """
    if len(starts) == 0:
        return starts, ends
    _, rank = np.unique(viewers, return_inverse=True)
    key = rank.astype(np.int64) << 32
    order = np.lexsort((starts, rank))
    k, s, e = key[order], starts[order] - lo, ends[order] - lo
    running_end = np.maximum.accumulate(e + k) - k
    new_group = np.empty(len(s), dtype=bool)
    new_group[0] = True
    new_group[1:] = (k[1:] != k[:-1]) | (s[1:] > running_end[:-1])
    first = np.flatnonzero(new_group)
    last = np.append(first[1:] - 1, len(s) - 1)
    return s[first] + lo, running_end[last] + lo


def _steps(starts: Int64s, ends: Int64s) -> tuple[Int64s, Int64s]:
    """Change times and the number of spans open just after each change."""
    times = np.concatenate([starts, ends])
    deltas = np.concatenate([np.ones(len(starts), np.int64), -np.ones(len(ends), np.int64)])
    order = np.lexsort((deltas, times))  # at equal times, leave before arrive
    return times[order], np.cumsum(deltas[order])


def _level_at(times: Int64s, levels: Int64s, points: Int64s) -> Int64s:
    pos = np.searchsorted(times, points, side="right") - 1
    return np.where(pos >= 0, levels[np.maximum(pos, 0)], 0)


def peak(starts: Int64s, ends: Int64s) -> int:
    """Highest number of spans open at once (spans already clipped to the window)."""
    if len(starts) == 0:
        return 0
    _, levels = _steps(starts, ends)
    return int(levels.max())


def bucket_peaks(starts: Int64s, ends: Int64s, edges: Int64s) -> Int64s:
    """Peak per bucket [edges[i], edges[i+1]); spans already clipped to [edges[0], edges[-1])."""
    n = len(edges) - 1
    peaks = np.zeros(n, np.int64)
    if len(starts) == 0:
        return peaks
    times, levels = _steps(starts, ends)
    inside = times < edges[-1]
    idx = np.searchsorted(edges, times[inside], side="right") - 1
    np.maximum.at(peaks, idx, levels[inside])
    return np.maximum(peaks, _level_at(times, levels, edges[:-1]))


def bucket_averages(starts: Int64s, ends: Int64s, edges: Int64s) -> Floats:
    """Time-weighted mean of open spans per bucket: viewer-time inside it over its length."""
    n = len(edges) - 1
    if len(starts) == 0:
        return np.zeros(n)
    times, levels = _steps(starts, ends)
    # integral of the step function up to each change time
    area = np.concatenate([[0], np.cumsum(levels[:-1] * np.diff(times))])

    def integral(points: Int64s) -> Floats:
        pos = np.searchsorted(times, points, side="right") - 1
        safe = np.maximum(pos, 0)
        value = area[safe] + levels[safe] * (points - times[safe])
        return np.where(pos >= 0, value, 0).astype(np.float64)

    whole = integral(edges)
    return np.diff(whole) / np.diff(edges).astype(np.float64)
