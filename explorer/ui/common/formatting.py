"""How values, units and timeframes read on screen (tables and exports keep exact values)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from explorer.domain.catalogue import Unit
from explorer.domain.frames import ResultContext
from explorer.domain.timerange import as_zone, describe_duration

SHORT_TIME = "%Y-%m-%d %H:%M"
COUNTED = frozenset({Unit.COUNT, Unit.VIEWERS})  # kinds whose values are whole numbers


def is_averaged(context: ResultContext) -> bool:
    """Whether a result's values are means (``average``, ``ccv-average``): their kind shows a
    decimal where the whole kind shows none."""
    return context.aggregation == "average" or context.base_metric.endswith("-average")


def decimals(unit: Unit | None, averaged: bool = False) -> int:
    """The one rule for how many decimals a figure shows, per metric kind, in charts, tables
    and figure cards alike (a tooltip and the CSV keep the exact value): counts of events or
    viewers and seconds show none, their averages one (a count the server gives as a
    fraction keeps one too); milliseconds none; a ratio is a percent with one; a metric the
    catalogue does not know, two."""
    if unit is None:
        return 2
    if unit is Unit.RATIO:
        return 1  # of the percent
    if unit is Unit.MILLISECONDS:
        return 0
    return 1 if averaged else 0


def format_number(value: float, unit: Unit | None, *, averaged: bool = False) -> tuple[str, str]:
    """``(big, caption)``: "1,234" / "events", "42.5 %" / "ratio 0.425", "3,600" / "seconds
    (1 hour)". NaN is "—" (no value)."""
    if math.isnan(value):
        return "—", "no value"
    if unit is Unit.RATIO:
        return format_short(value, unit), f"ratio {value:.4g}"
    big = format_short(value, unit, averaged=averaged)
    caption = unit.label if unit is not None else ""
    if unit is Unit.SECONDS and value >= 60:
        caption += f" ({describe_duration(timedelta(seconds=value))})"
    elif unit is Unit.MILLISECONDS and value >= 1000:
        caption += f" ({value / 1000:,.2f} s)"
    return big, caption


def format_short(
    value: float, unit: Unit | None, *, averaged: bool = False, places: int | None = None
) -> str:
    """A figure as charts, tables and cards show it: "1,234", "766.2", "42.5 %", "—"; its
    decimals are the kind's (`decimals`), whatever its size; ``places`` overrides them (an
    axis's ticks need as many as their spacing)."""
    if math.isnan(value):
        return "—"
    if places is None:
        places = decimals(unit, averaged)
        if places == 0 and unit in COUNTED and not float(value).is_integer():
            places = 1  # a count that is not whole (the server's doing) is not rounded to one
    if unit is Unit.RATIO:
        return f"{value * 100:,.{places}f} %"
    return f"{value:,.{places}f}"


def format_moment(moment: datetime, zone: str, pattern: str = SHORT_TIME) -> str:
    return moment.astimezone(as_zone(zone)).strftime(pattern)


def format_timeframe(context: ResultContext, zone: str) -> str:
    """ "2026-03-09 12:00 → 2026-03-10 12:00 (Europe/Paris, UTC+01:00)", or "all time"."""
    if context.start is None or context.end is None:
        return "All time (no time range applies)"
    start = context.start.astimezone(as_zone(zone))
    end = context.end.astimezone(as_zone(zone))
    offset = end.strftime("%z")
    shown = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{start:{SHORT_TIME}} → {end:{SHORT_TIME}} ({zone}, {shown})"


def elide(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def no_data_text(reasons: list[str]) -> str:
    """What an empty chart says instead of drawing axes for nothing: that the range holds no
    data, and why it may be so (each reason a line)."""
    lines = ["No data in this range."]
    lines += [f"• {r[0].upper()}{r[1:]}." for r in reasons]
    return "\n".join(lines)


def format_length(seconds: float) -> str:
    """ "1:02:03", "4:05", "0:07"; "" for NaN; negative (clock skew) keeps its sign."""
    if math.isnan(seconds):
        return ""
    sign, rest = ("-" if seconds < 0 else ""), round(abs(seconds))
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"
