"""Audience retention per second of a video: who watched each second, repeats, skips, and a band.

For each second `s` of the media (the bins `[s, s+1)`, `ceil(duration)` of them):

* `viewers[s]`: sessions that played at all whose playhead covered any part of `[s, s+1)`
  while playing (an interval `[a, b]` covers the seconds `floor(a)` to `ceil(b) - 1`); each
  session counts once however often it played the second. `share = viewers / played`.
* `passes[s]`: how many times it was played, counting repeats: each stretch of continuous
  playing (intervals that join end to start are one stretch) that covers it counts once.
  `rewatch = passes / played` can exceed 1 and is never below `share`.
* `skipped[s]`: sessions whose forward seeks jumped over any part of it.
* `low`, `high`: the Wilson score interval (95 %, z = 1.96) of `share` for a sample of the
  sessions; equal to `share` when every session of the period is in (`exact`).

Every count is vectorised over all intervals at once (numpy), grouped when split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from explorer.domain.playback import BoolArray, FloatArray, IntArray, Playback

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
BAND = "Wilson score interval, 95 %"


def bins_of(duration: float) -> int:
    """How many one-second bins a media of this length has (its last one may be partial)."""
    return max(1, math.ceil(duration))


@dataclass(frozen=True)
class RetentionCurve:
    """One curve (of a video, or of one group of a split); see the module for the columns."""

    duration: float
    sessions: int  # in the sample (played or not)
    played: int  # of them, the sessions that played at all
    viewers: IntArray
    passes: IntArray
    skipped: IntArray
    low: FloatArray
    high: FloatArray
    exact: bool  # every session of the period is in: no sampling error

    @property
    def seconds(self) -> IntArray:
        return np.arange(len(self.viewers), dtype=np.int64)

    @property
    def percent(self) -> FloatArray:
        """Each second's start as a % of the length: an axis to compare videos on."""
        return np.asarray(100.0 * self.seconds / self.duration, np.float64)

    @property
    def share(self) -> FloatArray:
        return _ratio(self.viewers, self.played)

    @property
    def rewatch(self) -> FloatArray:
        return _ratio(self.passes, self.played)

    @property
    def skipped_share(self) -> FloatArray:
        return _ratio(self.skipped, self.played)

    @property
    def half_width(self) -> float:
        """The widest half band over the seconds (0 when exact; 1 with no one played)."""
        if self.played == 0:
            return 1.0
        return float(np.max(self.high - self.low) / 2) if len(self.low) else 0.0


def _ratio(counts: IntArray, total: int) -> FloatArray:
    if total == 0:
        return np.zeros(len(counts))
    return np.asarray(counts / total, np.float64)


def wilson(successes: IntArray, n: int, z: float = Z_95) -> tuple[FloatArray, FloatArray]:
    """The Wilson score interval of successes/n per element; (0, 1) when n is 0."""
    x = np.asarray(successes, np.float64)
    if n <= 0:
        return np.zeros(len(x)), np.ones(len(x))
    phat = x / n
    z2 = z * z
    centre = (phat + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * np.sqrt(phat * (1 - phat) / n + z2 / (4 * n * n))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _bin_ranges(
    start: FloatArray, end: FloatArray, bins: int
) -> tuple[IntArray, IntArray, BoolArray]:
    """First and last bin each interval covers, and whether it covers any."""
    lo = np.clip(np.floor(start), 0, bins - 1).astype(np.int64)
    hi = np.clip(np.ceil(end) - 1, 0, bins - 1).astype(np.int64)
    return lo, hi, (end > start) & (hi >= lo)


def _count(group: IntArray, lo: IntArray, hi: IntArray, groups: int, bins: int) -> IntArray:
    """Per group and bin, how many of the ranges [lo, hi] cover it (a difference array)."""
    width = bins + 1
    size = groups * width
    up = np.bincount(group * width + lo, minlength=size)
    down = np.bincount(group * width + hi + 1, minlength=size)
    return np.cumsum((up - down).reshape(groups, width), axis=1)[:, :bins].astype(np.int64)


def _distinct(owner: IntArray, lo: IntArray, hi: IntArray, bins: int) -> tuple[IntArray, IntArray]:
    """The ranges trimmed so that no owner's ranges overlap (each bin once per owner)."""
    order = np.lexsort((lo, owner))
    owner, lo, hi = owner[order], lo[order], hi[order]
    key = owner * (bins + 1) + hi
    reach = np.maximum.accumulate(key) if len(key) else key
    before = np.full(len(key), -1, np.int64)
    before[1:] = reach[:-1] - owner[1:] * (bins + 1)  # the owner's furthest bin so far
    lo = np.maximum(lo, before + 1)
    keep = lo <= hi
    return order[keep], lo[keep]


def _passes(
    session: IntArray, start: FloatArray, end: FloatArray, lo: IntArray, hi: IntArray
) -> IntArray:
    """`lo` of each interval (all of positive length, in each session's time order) moved past
    the bin already counted where it continues the previous one of its session (it starts
    where that one ended): the two are one stretch of playing."""
    joined = np.zeros(len(lo), np.bool_)
    joined[1:] = (session[1:] == session[:-1]) & (start[1:] == end[:-1])
    before = np.full(len(lo), -1, np.int64)
    before[1:] = hi[:-1]
    return np.where(joined, np.maximum(lo, before + 1), lo)


def retention_curves(
    playback: Playback,
    groups: IntArray | None = None,
    count: int = 1,
    *,
    exact: bool = False,
) -> list[RetentionCurve]:
    """The curve of each group (`groups[session]` in `range(count)`; None: one group)."""
    bins = bins_of(playback.duration)
    group_of = np.zeros(playback.sessions, np.int64) if groups is None else groups
    lo, hi, keep = _bin_ranges(playback.start, playback.end, bins)
    g = group_of[playback.session]
    # viewers: each session once per bin
    idx, first = _distinct(playback.session[keep], lo[keep], hi[keep], bins)
    kept_hi = hi[keep][idx]
    viewers = _count(g[keep][idx], first, kept_hi, count, bins)
    # passes: every stretch of playing once per bin
    moved = _passes(
        playback.session[keep], playback.start[keep], playback.end[keep], lo[keep], hi[keep]
    )
    passes = _count(g[keep], moved, hi[keep], count, bins)
    # skipped: each session once per bin
    slo, shi, skeep = _bin_ranges(playback.skip_start, playback.skip_end, bins)
    sidx, sfirst = _distinct(playback.skip_session[skeep], slo[skeep], shi[skeep], bins)
    sg = group_of[playback.skip_session[skeep][sidx]]
    skipped = _count(sg, sfirst, shi[skeep][sidx], count, bins)
    played = np.bincount(group_of[playback.played], minlength=count)
    sessions = np.bincount(group_of, minlength=count)
    curves = []
    for c in range(count):
        n = int(played[c])
        low, high = wilson(viewers[c], n)
        if exact:
            low = high = _ratio(viewers[c], n)
        curves.append(
            RetentionCurve(
                duration=playback.duration,
                sessions=int(sessions[c]),
                played=n,
                viewers=viewers[c],
                passes=passes[c],
                skipped=skipped[c],
                low=low,
                high=high,
                exact=exact,
            )
        )
    return curves


def retention_curve(playback: Playback, *, exact: bool = False) -> RetentionCurve:
    """The curve of all the sessions together."""
    return retention_curves(playback, exact=exact)[0]
