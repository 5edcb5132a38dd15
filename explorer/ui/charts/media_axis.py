"""An axis of media time: seconds as m:ss or h:mm:ss, ticked at round seconds, minutes, hours."""

from __future__ import annotations

import math

import pyqtgraph as pg

from explorer.ui.common.formatting import format_length

NICE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
TICK_PX = 45  # about one tick label per this many pixels


class MediaTimeAxis(pg.AxisItem):
    """Media seconds as m:ss or h:mm:ss, ticked at round seconds, minutes and hours."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:
        span = maxVal - minVal
        if not (math.isfinite(span) and span > 0 and size > 0):
            return super().tickSpacing(minVal, maxVal, size)
        wanted = span / max(size / TICK_PX, 1.0)
        major = next((step for step in NICE_STEPS if step >= wanted), None)
        if major is None or wanted < 1:
            return super().tickSpacing(minVal, maxVal, size)
        return [(float(major), 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [format_length(v) if math.isfinite(v) else "" for v in values]
