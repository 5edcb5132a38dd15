"""How a report's figures read on screen: units made readable, names as words, dates in a zone."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime

from explorer.domain.frames import format_value
from explorer.domain.report import Entry, Member, Section, Shape, Value
from explorer.domain.timerange import as_zone

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
_SI = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_DAY = re.compile(r"^day(\d+)$")


def is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def signed(section: str, name: str) -> bool:
    """Whether a ratio is a change against the previous period (shown with its sign)."""
    return "change" in name or section.rsplit(".", 1)[-1] == "trends"


def format_figure(value: Value, unit: str = "", *, sign: bool = False) -> str:
    """ "1,234", "42.5 %", "+12.5 %", "1 min 23 s", "2.53 Mbit/s", "4 GB", "12.5 /s"; text as
    is; None (or NaN) as "–"."""
    if isinstance(value, str):
        return value
    if value is None or not is_number(value):
        return MISSING
    number = float(value)
    if unit == "ratio":
        percent = number * 100
        digits = f"{percent:.2g}" if 0 < abs(percent) < 1 else f"{percent:,.1f}"
        return f"{'+' if sign and percent > 0 else ''}{digits} %"
    if unit == "s":
        return format_duration(number)
    if unit == "ms":
        return f"{_trim(number / 1000)} s" if abs(number) >= 1000 else f"{_trim(number)} ms"
    if unit == "bit/s":
        return _prefixed(number, "bit/s")
    if unit in ("B", "B/s"):
        return _prefixed(number, unit)
    if unit == "1/s":
        return f"{_trim(number)} /s"
    text = _grouped(number)
    return f"{text} {unit}" if unit else text


def format_duration(seconds: float) -> str:
    """ "0.35 s", "42 s", "1 min 23 s", "2 h 5 min", "3 d 4 h": the two largest units."""
    if abs(seconds) < 60:
        return f"{_trim(seconds)} s"
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
    return format_figure(entry.value, entry.unit, sign=signed(section, entry.name))


def _prefixed(number: float, unit: str) -> str:
    for size, prefix in _SI:
        if abs(number) >= size:
            return f"{_trim(number / size)} {prefix}{unit}"
    return f"{_trim(number)} {unit}"


def _trim(number: float) -> str:
    """At most two decimals, none that are zeros: 2.5, 2.53, 250, 1,234."""
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _grouped(number: float) -> str:
    if number.is_integer() or abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:,.2f}"
