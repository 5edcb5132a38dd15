"""Time ranges for analytics queries: presets, rolling durations and custom spans, DST-correct.

Every range is half-open, ``[start, end)``, like the API's exclusive ``to``. Ranges resolve in an
IANA zone the person chose (``zoneinfo``), at whole-second precision, so what the GUI shows is
exactly what goes on the wire (``format_rfc3339``).

Two kinds of preset:

* rolling (``last_hour``, ``last_24_hours``, and ``TimeRange.rolling(d)`` / ``--last 90m``): an
  exact duration of absolute time ending now. Days are 24 hours here, whatever the clocks do.
* calendar (``today``, ``yesterday``, ``last_7_days``, ``last_30_days``, ``this_week``,
  ``last_week``, ``this_month``, ``last_month``, ``last_tuesday`` and the other weekdays: the
  last such day before today): they start at local midnight of a calendar day (the ISO week
  starts on Monday). ``same_time_last_week`` is the same day a week ago, from its midnight to
  the wall-clock time it is now: today so far, a week earlier. ``Preset.spoken`` reads them
  as people say them ("last Tuesday"). ``last_7_days`` is
  today and the 6 calendar days before it; ``last_30_days`` is today and the 29 before it.
  A period still in progress ends *now*: the API has no data after now, and an average over a
  window reaching into the future would be diluted. ``TimeRange.period`` gives the whole
  calendar period (a DST day is 23 or 25 hours long) for chart axes.

The API refuses a ``from`` more than 30 days before the moment *it* receives the request, and
a paginated query re-sends ``from`` for every page, maybe minutes later. So a range that asks
for no more than the lookback is clamped to start ``LOOKBACK_MARGIN`` after
``now - MAX_LOOKBACK``. A range that asks for more (``--last 45d``, a custom span) is left as
is, for ``Query.validate`` to report.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, model_validator

from explorer.domain.catalogue import MAX_LOOKBACK

LOOKBACK_MARGIN = timedelta(minutes=15)
"""How far inside the API's 30-day lookback a clamped ``from`` is kept (latency, paging)."""


class Preset(StrEnum):
    """The named ranges offered in the GUI."""

    LAST_HOUR = "last_hour"
    LAST_24_HOURS = "last_24_hours"
    TODAY = "today"
    YESTERDAY = "yesterday"
    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    SAME_TIME_LAST_WEEK = "same_time_last_week"
    LAST_MONDAY = "last_monday"
    LAST_TUESDAY = "last_tuesday"
    LAST_WEDNESDAY = "last_wednesday"
    LAST_THURSDAY = "last_thursday"
    LAST_FRIDAY = "last_friday"
    LAST_SATURDAY = "last_saturday"
    LAST_SUNDAY = "last_sunday"

    @property
    def label(self) -> str:
        return _PRESET_LABELS[self]

    @classmethod
    def spoken(cls, text: str) -> Preset:
        """A preset as people say it: "yesterday", "Last Tuesday", "same time last week",
        "this_month" (any case, spaces or underscores; a weekday alone means its last one);
        ValueError naming the ones there are."""
        words = " ".join(text.replace("_", " ").replace("-", " ").casefold().split())
        if words in _WEEKDAYS:
            words = "last " + words
        try:
            return cls(words.replace(" ", "_"))
        except ValueError:
            known = ", ".join(p.label.lower() for p in cls)
            raise ValueError(f"{text!r} is not a period: say one of {known}") from None


_PRESET_LABELS = {
    Preset.LAST_HOUR: "Last hour",
    Preset.LAST_24_HOURS: "Last 24 hours",
    Preset.TODAY: "Today",
    Preset.YESTERDAY: "Yesterday",
    Preset.LAST_7_DAYS: "Last 7 days",
    Preset.LAST_30_DAYS: "Last 30 days",
    Preset.THIS_WEEK: "This week",
    Preset.LAST_WEEK: "Last week",
    Preset.THIS_MONTH: "This month",
    Preset.LAST_MONTH: "Last month",
    Preset.SAME_TIME_LAST_WEEK: "Same time last week",
    Preset.LAST_MONDAY: "Last Monday",
    Preset.LAST_TUESDAY: "Last Tuesday",
    Preset.LAST_WEDNESDAY: "Last Wednesday",
    Preset.LAST_THURSDAY: "Last Thursday",
    Preset.LAST_FRIDAY: "Last Friday",
    Preset.LAST_SATURDAY: "Last Saturday",
    Preset.LAST_SUNDAY: "Last Sunday",
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SECOND = timedelta(seconds=1)
_ROLLING = {Preset.LAST_HOUR: timedelta(hours=1), Preset.LAST_24_HOURS: timedelta(hours=24)}


# --- rendering and parsing ----------------------------------------------------------------


def format_rfc3339(dt: datetime, *, milliseconds: bool = False) -> str:
    """``2024-02-05T00:00:00+01:00``: the datetime's own offset, no microseconds, never ``Z``;
    with `milliseconds`, ``2024-02-05T00:00:00.520+01:00`` (always three digits, truncated, as
    the API's event times carry them).

    An offset with seconds (old local mean times) is not RFC 3339, so such a value is rendered
    in UTC instead. A naive datetime raises ``ValueError``.
    """
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError(f"{dt!r} has no time zone")
    if offset % timedelta(minutes=1):
        dt = dt.astimezone(UTC)
    if milliseconds:
        return dt.isoformat(timespec="milliseconds")
    return dt.replace(microsecond=0).isoformat()


_DURATION_PART = re.compile(r"\s*(\d+)\s*([wdhm])\s*", re.IGNORECASE)
_DURATION_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
}


def parse_duration(text: str) -> timedelta:
    """Parse the CLI's ``--last``: ``90m``, ``24h``, ``7d``, ``2w``, or a sum like ``1h30m``."""
    compact = text.strip().lower()
    total = timedelta()
    position = 0
    for match in _DURATION_PART.finditer(compact):
        if match.start() != position:
            break
        total += int(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if not compact or position != len(compact):
        raise ValueError(
            f"'{text}' is not a duration; write a number and a unit (m, h, d or w), e.g. 90m or 7d"
        )
    if total <= timedelta():
        raise ValueError(f"'{text}' is an empty duration; it must be longer than zero")
    return total


def describe_duration(length: timedelta) -> str:
    """``3 hours``, ``1 day 2 hours``, ``1 hour 30 minutes``: the two largest non-zero units."""
    seconds = int(abs(length).total_seconds())
    parts: list[str] = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    return " ".join(parts[:2]) or "0 seconds"


# --- local calendar arithmetic --------------------------------------------------------------


def as_zone(tz: str | ZoneInfo) -> ZoneInfo:
    """A ``ZoneInfo`` from an IANA name; an unknown name raises ``ValueError``."""
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"'{tz}' is not a known time zone") from exc


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``zone`` (01:00 where midnight is skipped by DST)."""
    wall = datetime.combine(day, time(), tzinfo=zone)
    # fold=0 reads a skipped midnight with the old offset; the round trip lands on the real
    # first instant of the day, and an ambiguous midnight keeps its first occurrence.
    return wall.astimezone(UTC).astimezone(zone)


def _shift(moment: datetime, length: timedelta, zone: ZoneInfo) -> datetime:
    """``moment + length`` in absolute time (aware arithmetic in one zone is wall-clock time)."""
    return (moment.astimezone(UTC) + length).astimezone(zone)


def _utc(moment: datetime) -> datetime:
    """Compare in UTC: two datetimes sharing one ZoneInfo compare by wall-clock time."""
    return moment.astimezone(UTC)


def _floor_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def earliest_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The oldest ``from`` a range resolved at ``now`` uses: the lookback minus the margin."""
    return _floor_second(_shift(now, LOOKBACK_MARGIN - MAX_LOOKBACK, zone))


# --- the range ------------------------------------------------------------------------------


class TimeRange(BaseModel):
    """A preset, a rolling duration ending now, or a fixed ``[start, end)`` span."""

    model_config = ConfigDict(frozen=True)

    preset: Preset | None = None
    last: timedelta | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        kinds = [self.preset is not None, self.last is not None, self.start is not None]
        if sum(kinds) != 1 or (self.start is None) != (self.end is None):
            raise ValueError("a time range is a preset, a rolling duration, or a start and end")
        if self.last is not None and self.last <= timedelta():
            raise ValueError("a rolling duration must be longer than zero")
        if self.start is not None and self.end is not None and _utc(self.start) >= _utc(self.end):
            raise ValueError("from must be before to")
        return self

    @classmethod
    def of(cls, preset: Preset | str) -> TimeRange:
        return cls(preset=Preset(preset))

    @classmethod
    def rolling(cls, length: timedelta) -> TimeRange:
        return cls(last=length)

    @classmethod
    def custom(cls, start: datetime, end: datetime) -> TimeRange:
        return cls(start=start, end=end)

    @classmethod
    def parse_last(cls, text: str) -> TimeRange:
        """The CLI's ``--last 7d``: a rolling duration (7 × 24 hours, not calendar days)."""
        return cls(last=parse_duration(text))

    @property
    def is_calendar(self) -> bool:
        return self.preset is not None and self.preset not in _ROLLING

    @property
    def label(self) -> str:
        if self.preset is not None:
            return self.preset.label
        if self.last is not None:
            return f"Last {describe_duration(self.last)} (rolling)"
        assert self.start is not None and self.end is not None
        return f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M} (UTC{self.end:%z})"

    def resolve(self, now: datetime, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
        """``(from, to)`` in ``tz``, whole seconds, ``to`` exclusive and not after ``now``.

        Never empty: at the first second of a period (``today`` at midnight) ``to`` is one
        second after ``from``.

        Custom spans are returned as given (converted to ``tz``, floored to the second).
        """
        zone, now = _prepare(now, tz)
        if self.start is not None and self.end is not None:
            return _floor_second(self.start.astimezone(zone)), _floor_second(
                self.end.astimezone(zone)
            )
        start, end = self._bounds(now, zone)
        start = _floor_second(start)
        if self.last is None or self.last <= MAX_LOOKBACK:
            # a preset or a duration within the lookback: keep it inside; a longer one is left
            # for Query.validate to report
            start = max(start, earliest_start(now, zone), key=_utc)
        # at the very first second of a period ("today" at midnight) keep one second of range
        return start, max(min(end, now, key=_utc), _shift(start, _SECOND, zone), key=_utc)

    def period(self, now: datetime, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
        """The whole calendar period (``today`` runs to next midnight): for chart axes.

        Not clamped to now nor to the lookback; rolling and custom ranges equal ``resolve``.
        """
        zone, now = _prepare(now, tz)
        if self.preset is None or not self.is_calendar:
            return self.resolve(now, zone)
        return self._bounds(now, zone)

    def _bounds(self, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
        if self.last is not None:
            return _shift(now, -self.last, zone), now
        assert self.preset is not None
        if self.preset in _ROLLING:
            return _shift(now, -_ROLLING[self.preset], zone), now
        today = now.date()
        tomorrow = start_of_day(today + timedelta(days=1), zone)
        match self.preset:
            case Preset.TODAY:
                return start_of_day(today, zone), tomorrow
            case Preset.YESTERDAY:
                return start_of_day(today - timedelta(days=1), zone), start_of_day(today, zone)
            case Preset.LAST_7_DAYS:
                return start_of_day(today - timedelta(days=6), zone), tomorrow
            case Preset.LAST_30_DAYS:
                return start_of_day(today - timedelta(days=29), zone), tomorrow
            case Preset.THIS_WEEK | Preset.LAST_WEEK:
                monday = today - timedelta(days=today.weekday())
                if self.preset is Preset.LAST_WEEK:
                    monday -= timedelta(days=7)
                return start_of_day(monday, zone), start_of_day(monday + timedelta(days=7), zone)
            case Preset.THIS_MONTH:
                first = today.replace(day=1)
                return start_of_day(first, zone), start_of_day(_next_month(first), zone)
            case Preset.LAST_MONTH:
                first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
                return start_of_day(first, zone), start_of_day(_next_month(first), zone)
            case Preset.SAME_TIME_LAST_WEEK:
                # last week's same day, from its midnight to the same wall-clock time as now
                day = today - timedelta(days=7)
                then = datetime.combine(day, now.time(), zone)
                return start_of_day(day, zone), max(then, start_of_day(day, zone), key=_utc)
        weekday = _WEEKDAYS.index(self.preset.value.removeprefix("last_"))
        day = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
        return start_of_day(day, zone), start_of_day(day + timedelta(days=1), zone)


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def describe_range(label: str, start: datetime, end: datetime, zone: str | ZoneInfo) -> str:
    """ "Yesterday in Europe/Paris: Mon 2026-12-07 00:00 to Tue 2026-12-08 00:00 (+01:00)",
    the range said with its zone."""
    local = as_zone(zone)
    first, last = start.astimezone(local), end.astimezone(local)
    offsets = {f"{first:%z}", f"{last:%z}"}
    offset = ", ".join(f"{o[:3]}:{o[3:]}" for o in sorted(offsets))
    return (
        f"{label} in {local.key}: {first:%a %Y-%m-%d %H:%M} to {last:%a %Y-%m-%d %H:%M} ({offset})"
    )


def _prepare(now: datetime, tz: str | ZoneInfo) -> tuple[ZoneInfo, datetime]:
    if now.utcoffset() is None:
        raise ValueError("now must carry a time zone")
    zone = as_zone(tz)
    return zone, _floor_second(now.astimezone(zone))


def local_zone_name() -> str:
    """The machine's IANA zone name (TZ, /etc/timezone or /etc/localtime), else ``UTC``."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        try:
            if name:
                as_zone(name)
                return name
        except ValueError:
            continue
    return "UTC"
