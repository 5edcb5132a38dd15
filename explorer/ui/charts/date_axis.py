"""A date axis whose labels read in an IANA zone, DST-correct per tick, and never run together."""

from __future__ import annotations

from datetime import UTC, datetime

import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import (
    DAY_SPACING,
    MONTH_SPACING,
    TickSpec,
    ZoomLevel,
    makeMStepper,
    makeSStepper,
)

from explorer.domain.timerange import as_zone

_MIN_TS = 0.0
_MAX_TS = 32503680000.0  # year 3000

LABEL_GAP_PX = 72  # a day label this close to a month label would run into it


def clear_of_months(
    levels: list[tuple[float, list[float]]], seconds_per_px: float
) -> list[tuple[float, list[float]]]:
    """Day ticks too close to a month tick left out: pyqtgraph drops a lower level's tick
    only where it coincides with a higher one, so "Dec" beside "Thu 03" read "DecThu 03"."""
    months = [v for spacing, values in levels if spacing > 20 * DAY_SPACING for v in values]
    if not months or seconds_per_px <= 0:
        return levels
    gap = LABEL_GAP_PX * seconds_per_px
    return [
        (spacing, [v for v in values if all(abs(v - m) >= gap for m in months)])
        if DAY_SPACING <= spacing <= 20 * DAY_SPACING
        else (spacing, values)
        for spacing, values in levels
    ]


class ZonedDateAxis(pg.DateAxisItem):
    """pyqtgraph's date axis, with labels in an IANA zone (DST-correct per tick) instead of
    the machine's local time."""

    def __init__(self, zone: str) -> None:
        super().__init__(orientation="bottom")
        self._zone = as_zone(zone)
        # days read "Tue 17" rather than a bare "17" (ours: pyqtgraph's levels are shared)
        self.zoomLevels[5 * DAY_SPACING] = ZoomLevel(
            [
                TickSpec(MONTH_SPACING, makeMStepper(1), "%b"),
                TickSpec(DAY_SPACING, makeSStepper(DAY_SPACING), "%a %d", autoSkip=[1, 5]),
            ],
            "Wed 00",
        )

    def set_zone(self, zone: str) -> None:
        self._zone = as_zone(zone)
        self.picture = None
        self.update()

    def _offset_at(self, seconds: float) -> int:
        moment = datetime.fromtimestamp(min(max(seconds, _MIN_TS), _MAX_TS), UTC)
        offset = moment.astimezone(self._zone).utcoffset()
        return int(offset.total_seconds()) if offset is not None else 0

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        # ticks fall on local midnights and hours of the zone (its offset mid-view); across a
        # DST change a day or month tick is moved to that day's own midnight, else Nov 1 in
        # Paris would sit at Oct 31 23:00 and read "Oct"
        middle = self._offset_at((minVal + maxVal) / 2)
        self.utcOffset = -middle
        levels = super().tickValues(minVal, maxVal, size)
        moved = [
            (spacing, [v + middle - self._offset_at(v) for v in values])
            if spacing >= DAY_SPACING
            else (spacing, values)
            for spacing, values in levels
        ]
        return clear_of_months(moved, (maxVal - minVal) / size if size > 0 else 0.0)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        level = getattr(self, "zoomLevel", None)  # set once the axis has been laid out
        specs = level.tickSpecs if level is not None else []
        spec = next((s for s in specs if s.spacing == spacing), None)
        pattern = spec.format if spec is not None else "%H:%M"
        strings = []
        for value in values:
            if not _MIN_TS <= value <= _MAX_TS:
                strings.append("")
                continue
            text = datetime.fromtimestamp(value, UTC).astimezone(self._zone).strftime(pattern)
            if "%f" in pattern:
                text = text[:-3]
            elif "%Y" in pattern:
                text = text.lstrip("0")
            strings.append(text)
        return strings
