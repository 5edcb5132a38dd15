"""Periods and time buckets of the VideoCloud sandbox, in shown (shifted) and stored time.

A `Window` is [start, end) in shown milliseconds; `lo`/`hi` are the same in stored time,
`hi` cut at now so that nothing from the simulated future is counted. Analytics periods:

    1d       the 24 hours up to the end of the current hour (now, if on the hour)
    7d, 30d  the 7 or 30 UTC days up to the end of today (so today is the last day)
    all      from the first UTC day with data up to the end of today

System periods are rolling windows ending now: 1h, 24h (or 1d), 7d, 30d. The previous
period (for `change` and trends) is the window of the same length just before.
Buckets (groupBy) are whole UTC hours, days or ISO weeks (Monday to Sunday); each bucket
counts only its part inside the window and before now, and buckets that start after now
are left out. Labels: "2024-03-24T14:00:00Z" for hours, the first day ("2024-03-18") for
days and weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
MONDAY_MS = 4 * DAY_MS  # 1970-01-05, the first Monday after the epoch

PERIODS = ("1d", "7d", "30d", "all")
SYSTEM_PERIODS = {"1h": HOUR_MS, "24h": DAY_MS, "1d": DAY_MS, "7d": 7 * DAY_MS, "30d": 30 * DAY_MS}
GROUP_BY = ("hour", "day", "week")


def iso(ms: int) -> str:
    """RFC 3339 in UTC with a `Z`, whole seconds, like the seed's examples."""
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_label(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%d")


def floor_to(ms: int, unit: str) -> int:
    if unit == "hour":
        return ms // HOUR_MS * HOUR_MS
    if unit == "day":
        return ms // DAY_MS * DAY_MS
    return (ms - MONDAY_MS) // WEEK_MS * WEEK_MS + MONDAY_MS


def _ceil(ms: int, width: int) -> int:
    return -(-ms // width) * width


@dataclass(frozen=True)
class Bucket:
    lo: int  # stored ms, inclusive
    hi: int  # stored ms, exclusive
    label: str


@dataclass(frozen=True)
class Window:
    start: int  # shown ms
    end: int  # shown ms, exclusive; may lie after now
    now: int  # shown ms
    shift: int  # stored = shown - shift

    @property
    def lo(self) -> int:
        return self.start - self.shift

    @property
    def hi(self) -> int:
        """Stored end, never past now (and never before `lo`)."""
        return max(self.lo, min(self.end, self.now) - self.shift)

    @property
    def now_stored(self) -> int:
        return self.now - self.shift

    @property
    def elapsed_s(self) -> float:
        return (self.hi - self.lo) / 1000

    def previous(self) -> Window:
        length = self.end - self.start
        return Window(self.start - length, self.start, self.now, self.shift)

    def body(self) -> dict[str, str]:
        return {"start": iso(self.start), "end": iso(self.end)}

    def buckets(self, unit: str) -> list[Bucket]:
        width = {"hour": HOUR_MS, "day": DAY_MS, "week": WEEK_MS}[unit]
        result: list[Bucket] = []
        t = floor_to(self.start, unit)
        while t < self.end and t < self.now:
            lo, hi = max(t, self.start), min(t + width, self.end, self.now)
            label = iso(t) if unit == "hour" else day_label(t)
            result.append(Bucket(lo - self.shift, hi - self.shift, label))
            t += width
        return result


def analytics_window(period: str, now: int, shift: int, first_data_stored: int | None) -> Window:
    """The window of one of `PERIODS` (already checked) at `now` (shown ms)."""
    if period == "1d":
        end = _ceil(now, HOUR_MS)
        return Window(end - DAY_MS, end, now, shift)
    end = _ceil(now, DAY_MS) if now % DAY_MS else now + DAY_MS
    if period == "all":
        first = first_data_stored + shift if first_data_stored is not None else now
        return Window(floor_to(min(first, now), "day"), end, now, shift)
    days = int(period.removesuffix("d"))
    return Window(end - days * DAY_MS, end, now, shift)


def system_window(period: str, now: int, shift: int) -> Window:
    """A rolling window of one of `SYSTEM_PERIODS` (already checked) ending now."""
    return Window(now - SYSTEM_PERIODS[period], now, now, shift)


def default_group_by(period: str) -> str:
    return "hour" if period == "1d" else "day"
