"""How a report's figures read on screen: units made readable, names as words, dates in a zone."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime

from explorer.domain.catalogue import Unit
from explorer.domain.frames import format_value
from explorer.domain.report import Entry, Member, Section, Shape, Value
from explorer.domain.timerange import as_zone
from explorer.ui.common.formatting import format_short

MISSING = "–"
MISSING_TIP = "not given by the server"
UNIT_WORDS = {
    "": "count",
    "s": "duration",
    "ms": "milliseconds",
    "ratio": "percent",
    "bit/s": "bitrate",
    "B": "size",
    "B/s": "transfer rate",
    "1/s": "per second",
}
_KINDS = {"": Unit.COUNT, "ratio": Unit.RATIO, "s": Unit.SECONDS, "ms": Unit.MILLISECONDS}
_SI = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_DAY = re.compile(r"^day(\d+)$")


def is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def signed(section: str, name: str) -> bool:
    """Whether a ratio is a change against the previous period (shown with its sign)."""
    return "change" in name or section.rsplit(".", 1)[-1] == "trends"


def averaged(section: str, name: str) -> bool:
    """Whether a figure is a mean (``average_engagement.likes``, ``average_watch_time``): its
    kind shows a decimal more (`decimals`)."""
    return "average" in section or "average" in name


def format_figure(
    value: Value,
    unit: str = "",
    *,
    sign: bool = False,
    averaged: bool = False,
    places: int | None = None,
) -> str:
    """ "1,234", "42.5 %", "+12.5 %", "1 min 23 s", "2.5 Mbit/s", "4.0 GB", "12.50 /s"; text
    as is; None (or NaN) as "–". The decimals are the kind's, whatever the size (the rule of
    `explorer.ui.common.formatting.decimals`, so that a report reads as a query's result
    does); ``places`` overrides them for an axis's ticks."""
    if isinstance(value, str):
        return value
    if value is None or not is_number(value):
        return MISSING
    number = float(value)
    kind = _KINDS.get(unit)
    if unit in ("bit/s", "B", "B/s"):
        return _prefixed(number, unit, 1 if places is None else places)
    if unit == "1/s":
        return f"{number:,.{2 if places is None else places}f} /s"
    shown = format_short(number, kind or Unit.COUNT, averaged=averaged, places=places)
    if unit == "ratio":
        return f"{'+' if sign and number > 0 else ''}{shown}"
    if unit == "s":
        return format_duration(number, averaged=averaged, places=places)
    if unit == "ms":
        return f"{shown} ms"
    return f"{shown} {unit}" if unit and kind is None else shown


def section_figure(value: Value, unit: str, section: str, name: str) -> str:
    """A section's figure: signed when it is a change, a decimal more when it is a mean."""
    return format_figure(value, unit, sign=signed(section, name), averaged=averaged(section, name))


def format_duration(seconds: float, *, averaged: bool = False, places: int | None = None) -> str:
    """ "42 s" (an average "42.5 s"), "1 min 23 s", "2 h 5 min", "3 d 4 h": under a minute
    the seconds with the kind's decimals, else the two largest whole units."""
    if abs(seconds) < 60:
        return f"{format_short(seconds, Unit.SECONDS, averaged=averaged, places=places)} s"
    left = round(abs(seconds))
    parts = []
    for label, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        amount, left = divmod(left, size)
        if amount or parts:
            parts.append(f"{amount} {label}")
    shown = [p for p in parts[:2] if not p.startswith("0 ")]
    return ("-" if seconds < 0 else "") + " ".join(shown)


def exact(entry_value: Value, unit: str) -> str:
    """The value as the server meant it, for tooltips: "2528000 bit/s", "0.1892 (ratio)"."""
    if entry_value is None:
        return MISSING_TIP
    if isinstance(entry_value, str):
        return entry_value
    text = format_value(float(entry_value))
    return f"{text} ({unit})" if unit == "ratio" else f"{text} {unit}".strip()


def label_of(name: str) -> str:
    """``average_watch_time`` -> ``Average watch time``; ``day7`` -> ``Day 7``."""
    day = _DAY.match(name)
    if day:
        return f"Day {day[1]}"
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def member_header(section: Section, zone: str) -> str:
    """The first column's title: ``views.by_country`` -> ``Country``; a date in the zone."""
    if section.shape in (Shape.TIMELINE, Shape.MATRIX):
        return f"{'Cohort' if section.shape is Shape.MATRIX else 'Date'} ({zone})"
    last = section.name.rsplit(".", 1)[-1]
    if last == "by_time_of_day":  # VideoCloud does not say in which zone it counts them
        return "Hour (no zone)"
    if last.startswith("by_"):
        return label_of(last[3:])
    return "Video" if last.endswith("videos") else "Key"


def date_pattern(moments: Sequence[datetime], zone: str) -> str:
    """Dates alone when every moment is a midnight in the zone, else dates and times."""
    tz = as_zone(zone)
    midnights = all(m.astimezone(tz).time() == datetime.min.time() for m in moments)
    return "%Y-%m-%d" if midnights else "%Y-%m-%d %H:%M"


def format_member(member: Member, zone: str, pattern: str = "%Y-%m-%d %H:%M") -> str:
    if isinstance(member, datetime):
        return member.astimezone(as_zone(zone)).strftime(pattern)
    return member or "(empty)"


def figure_text(entry: Entry, section: str, zone: str) -> str:
    """A figure card's value; a moment with no value (a period's start) is that moment."""
    if entry.value is None and entry.date is not None:
        return format_member(entry.date, zone)
    return section_figure(entry.value, entry.unit, section, entry.name)


def _prefixed(number: float, unit: str, places: int) -> str:
    for size, prefix in _SI:
        if abs(number) >= size:
            return f"{number / size:,.{places}f} {prefix}{unit}"
    return f"{number:,.{places}f} {unit}"
