"""Key moments of a retention curve, said in words: the intro, the steepest drops, the
stretches rewatched and the stretches skipped."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.domain.retention import RetentionCurve

INTRO_S = 30
MOST = 3  # moments of each kind
DROP_WINDOW_S = 5  # a drop is measured over this many seconds (fewer for short videos)
MIN_DROP_SHARE = 0.02  # smaller drops are not a moment
MIN_REWATCH_SHARE = 0.05
MIN_SKIP_SHARE = 0.10


def clock(seconds: float) -> str:
    """0:05, 12:34, 1:02:03."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Moment:
    """`kind` is intro, drop, rewatch or skip; seconds [start, end); `share` of the viewers
    who played (0 to 1); `viewers` how many; `text` the sentence."""

    kind: str
    start: int
    end: int
    share: float
    viewers: int
    text: str


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _top_windows(score: np.ndarray, width: int, minimum: float) -> list[int]:
    """Up to MOST starts of non-overlapping windows with the highest scores >= minimum."""
    picked: list[int] = []
    taken = np.zeros(len(score), np.bool_)
    for start in np.argsort(-score, kind="stable"):
        if len(picked) == MOST or score[start] < minimum:
            break
        lo, hi = max(0, start - width + 1), start + width
        if taken[lo:hi].any():
            continue
        taken[start : start + width] = True
        picked.append(int(start))
    return sorted(picked)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def key_moments(curve: RetentionCurve) -> list[Moment]:
    """The moments of one curve, in the order intro, drops, rewatches, skips."""
    n, bins = curve.played, len(curve.viewers)
    if n == 0:
        return []
    moments: list[Moment] = []
    if bins > INTRO_S:
        share = float(curve.viewers[INTRO_S] / n)
        text = f"At {clock(INTRO_S)}, {_pct(share)} of viewers were still watching"
        moments.append(
            Moment("intro", INTRO_S, INTRO_S + 1, share, int(curve.viewers[INTRO_S]), text)
        )
    width = max(1, min(DROP_WINDOW_S, bins // 20))
    if bins > width + 1:
        # drops into the last second are the viewers who finished, not a moment
        lost = (curve.viewers[: bins - width - 1] - curve.viewers[width : bins - 1]).astype(float)
        for start in _top_windows(lost, width, max(1.0, MIN_DROP_SHARE * n)):
            count = int(lost[start])
            text = (
                f"Steep drop {clock(start)}–{clock(start + width)}: {_pct(count / n)} of viewers "
                f"left ({count} of {n})"
            )
            moments.append(Moment("drop", start, start + width, count / n, count, text))
    extra = (curve.passes - curve.viewers).astype(float)
    for start in _top_windows(extra, DROP_WINDOW_S, max(1.0, MIN_REWATCH_SHARE * n)):
        count = int(extra[start])
        text = f"Rewatched around {clock(start)}: {_pct(count / n)} of viewers played it again"
        moments.append(Moment("rewatch", start, start + 1, count / n, count, text))
    skipped = curve.skipped / n
    runs = _runs(skipped >= MIN_SKIP_SHARE)
    runs.sort(key=lambda r: -float(skipped[r[0] : r[1]].max()))
    for lo, hi in sorted(runs[:MOST]):
        peak = int(curve.skipped[lo:hi].max())
        text = f"Skipped {clock(lo)}–{clock(hi)}: by up to {_pct(peak / n)} of viewers"
        moments.append(Moment("skip", int(lo), int(hi), peak / n, peak, text))
    return moments
