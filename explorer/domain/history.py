"""Merging a timeseries' stored history with fresh points from the API, marking which is which.

The rule, over the requested window ``[start_ms, end_ms)``:

1. Every fresh point in the window is kept: fresh wins wherever both have a bucket.
2. Inside the fresh range ``[fresh_start_ms, fresh_end_ms)`` only fresh points count: a bucket
   the API no longer reports there is gone, whatever the history says (the API is the truth
   for what it covers).
3. Outside the fresh range, history fills in: its points before the fresh range (beyond the
   API's retention), and after it if the fresh range ends early, unless a fresh point has the
   same timestamp.
4. The result is sorted by time with one point per timestamp; ``from_history`` is True for the
   points taken from history. An empty fresh range (``fresh_start_ms == fresh_end_ms``, e.g.
   offline) gives the stored points alone.

Timestamps are bucket starts in epoch milliseconds (``datetime64[ms]`` is accepted too). Within
one input a repeated timestamp keeps its last value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Points(NamedTuple):
    """A series' points as columns: bucket starts (epoch ms) and values."""

    ms: IntArray
    values: FloatArray

    @classmethod
    def of(cls, ms: npt.ArrayLike, values: npt.ArrayLike) -> Points:
        """From any array-likes; ``datetime64`` times are taken as UTC milliseconds."""
        raw = np.asarray(ms)
        if raw.dtype.kind == "M":
            raw = raw.astype("datetime64[ms]").astype(np.int64)
        times = np.asarray(raw, dtype=np.int64).reshape(-1)
        numbers = np.asarray(values, dtype=np.float64).reshape(-1)
        if times.shape != numbers.shape:
            raise ValueError(f"{times.size} timestamps for {numbers.size} values")
        return cls(times, numbers)

    @classmethod
    def from_pairs(cls, pairs: Sequence[tuple[int, float]]) -> Points:
        """From ``(epoch ms, value)`` pairs, as ``Store.points`` returns them."""
        if not pairs:
            return cls.of(np.empty(0, np.int64), np.empty(0, np.float64))
        times, values = zip(*pairs, strict=True)
        return cls.of(times, values)


class MergedSeries(NamedTuple):
    """The merged series; read-only arrays of one length, sorted by ``ms``."""

    ms: IntArray
    values: FloatArray
    from_history: BoolArray


def merge_history(
    history: Points | Sequence[tuple[int, float]],
    fresh: Points | Sequence[tuple[int, float]],
    *,
    fresh_start_ms: int,
    fresh_end_ms: int,
    start_ms: int,
    end_ms: int,
) -> MergedSeries:
    """History and fresh points over ``[start_ms, end_ms)`` by the rule in this module's doc."""
    if fresh_end_ms < fresh_start_ms:
        raise ValueError("the fresh range ends before it starts")
    if end_ms < start_ms:
        raise ValueError("the requested range ends before it starts")
    old = _last_per_timestamp(_as_points(history))
    new = _last_per_timestamp(_as_points(fresh))

    new_kept = (new.ms >= start_ms) & (new.ms < end_ms)
    old_kept = (
        (old.ms >= start_ms)
        & (old.ms < end_ms)
        & ~((old.ms >= fresh_start_ms) & (old.ms < fresh_end_ms))
        & ~np.isin(old.ms, new.ms[new_kept])
    )
    ms = np.concatenate([old.ms[old_kept], new.ms[new_kept]])
    values = np.concatenate([old.values[old_kept], new.values[new_kept]])
    from_history = np.concatenate(
        [np.ones(int(old_kept.sum()), np.bool_), np.zeros(int(new_kept.sum()), np.bool_)]
    )
    order = np.argsort(ms, kind="stable")
    merged = MergedSeries(ms[order], values[order], from_history[order])
    for array in merged:
        array.flags.writeable = False
    return merged


def _as_points(points: Points | Sequence[tuple[int, float]]) -> Points:
    if isinstance(points, Points):
        return Points.of(points.ms, points.values)
    return Points.from_pairs(points)


def _last_per_timestamp(points: Points) -> Points:
    """Sorted by time, keeping the last of repeated timestamps."""
    order = np.argsort(points.ms, kind="stable")
    ms, values = points.ms[order], points.values[order]
    last = np.ones(ms.size, np.bool_)
    last[:-1] = ms[1:] != ms[:-1]
    return Points(ms[last], values[last])
