"""Raw-statistics periods (day, ISO week, month, year, range of days) as the API spells them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from explorer.domain.timerange import Preset


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


PERIOD_LABELS: dict[PeriodKind, str] = {
    PeriodKind.DAY: "Day",
    PeriodKind.WEEK: "ISO week",
    PeriodKind.MONTH: "Month",
    PeriodKind.YEAR: "Year",
    PeriodKind.RANGE: "Date range",
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_RANGE_DAYS = 366 * 5
"""A longer range is almost certainly a slip of the calendar."""

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """Whole UTC days from `first` to `last`, both included, named the way `kind` says."""

    kind: PeriodKind
    first: date
    last: date

    @classmethod
    def containing(cls, kind: PeriodKind, day: date, last: date | None = None) -> Period:
        """The day, ISO week, month or year that contains `day`; for a range, `day` to `last`
        (in either order)."""
        if kind is PeriodKind.DAY:
            return cls(kind, day, day)
        if kind is PeriodKind.WEEK:
            monday = day - timedelta(days=day.isoweekday() - 1)
            return cls(kind, monday, monday + timedelta(days=6))
        if kind is PeriodKind.MONTH:
            days = calendar.monthrange(day.year, day.month)[1]
            return cls(kind, day.replace(day=1), day.replace(day=days))
        if kind is PeriodKind.YEAR:
            return cls(kind, date(day.year, 1, 1), date(day.year, 12, 31))
        end = day if last is None else last
        first, final = min(day, end), max(day, end)
        if (final - first).days >= MAX_RANGE_DAYS:
            raise ValueError(f"a range of more than {MAX_RANGE_DAYS} days")
        return cls(kind, first, final)

    @classmethod
    def parse(cls, text: str) -> Period:
        """A period from its wire form (`2018-01-01`, `2018-W01`, `2018-01`, `2018`,
        `2018-01-01/2018-01-15`); ValueError for anything else."""
        text = text.strip()
        if "/" in text:
            start, _, end = text.partition("/")
            if not (_DAY.match(start) and _DAY.match(end)):
                raise ValueError(f"not a period: {text!r}")
            first, last = date.fromisoformat(start), date.fromisoformat(end)
            if last < first:
                raise ValueError(f"the range {text!r} ends before it starts")
            return cls.containing(PeriodKind.RANGE, first, last)
        if _DAY.match(text):
            return cls.containing(PeriodKind.DAY, date.fromisoformat(text))
        if match := _WEEK.match(text):
            return cls.containing(
                PeriodKind.WEEK, date.fromisocalendar(int(match[1]), int(match[2]), 1)
            )
        if match := _MONTH.match(text):
            return cls.containing(PeriodKind.MONTH, date(int(match[1]), int(match[2]), 1))
        if match := _YEAR.match(text):
            return cls.containing(PeriodKind.YEAR, date(int(match[1]), 1, 1))
        raise ValueError(f"not a period: {text!r}")

    @classmethod
    def spoken(cls, preset: Preset, today: date) -> Period:
        """The days a period said aloud names, as whole days of the raw statistics: the same
        calendar dates as in the person's zone (`today` is its date there). "Yesterday" is
        that day, "last week" its ISO week, "last month" its month, "last Tuesday" that day,
        "same time last week" the same day a week ago."""
        match preset:
            case Preset.TODAY | Preset.LAST_HOUR | Preset.LAST_24_HOURS:
                return cls.containing(PeriodKind.DAY, today)
            case Preset.YESTERDAY:
                return cls.containing(PeriodKind.DAY, today - timedelta(days=1))
            case Preset.SAME_TIME_LAST_WEEK:
                return cls.containing(PeriodKind.DAY, today - timedelta(days=7))
            case Preset.THIS_WEEK:
                return cls.containing(PeriodKind.WEEK, today)
            case Preset.LAST_WEEK:
                return cls.containing(PeriodKind.WEEK, today - timedelta(days=7))
            case Preset.THIS_MONTH:
                return cls.containing(PeriodKind.MONTH, today)
            case Preset.LAST_MONTH:
                return cls.containing(PeriodKind.MONTH, today.replace(day=1) - timedelta(days=1))
            case Preset.LAST_7_DAYS:
                return cls.containing(PeriodKind.RANGE, today - timedelta(days=6), today)
            case Preset.LAST_30_DAYS:
                return cls.containing(PeriodKind.RANGE, today - timedelta(days=29), today)
        weekday = WEEKDAYS.index(preset.value.removeprefix("last_"))
        back = (today.weekday() - weekday) % 7 or 7
        return cls.containing(PeriodKind.DAY, today - timedelta(days=back))

    @property
    def wire(self) -> str:
        """The `period` parameter."""
        if self.kind is PeriodKind.DAY:
            return self.first.isoformat()
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind is PeriodKind.YEAR:
            return f"{self.first:%Y}"
        return f"{self.first.isoformat()}/{self.last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def describe(self) -> str:
        """ "Mon 2026-03-09 to Sun 2026-03-15 (7 days, UTC)"; one day reads alone."""
        if self.days == 1:
            return f"{self.first:%a %Y-%m-%d} (UTC)"
        return f"{self.first:%a %Y-%m-%d} to {self.last:%a %Y-%m-%d} ({self.days} days, UTC)"
