"""Date axis labels never run into each other: no day tick beside a month tick, which read
"DecThu 03" (issue 15.14)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pyqtgraph.graphicsItems.DateAxisItem import DAY_SPACING
from PySide6.QtGui import QFontMetrics

from explorer.domain.timerange import as_zone
from explorer.ui.charts.date_axis import LABEL_GAP_PX, clear_of_months
from explorer.ui.results.timeseries_view import TimeseriesView

PARIS = as_zone("Europe/Paris")
MONTH = 31 * DAY_SPACING


def at(day: int, month: int = 12) -> float:
    return datetime(2026, month, day, tzinfo=PARIS).timestamp()


def test_a_day_tick_too_close_to_a_month_tick_is_left_out() -> None:
    levels = [
        (MONTH, [at(1)]),
        (DAY_SPACING, [at(29, 11), at(1), at(3), at(5)]),
        (3600.0, [at(3) + 3600]),
    ]
    seconds_per_px = 2.5 * DAY_SPACING / LABEL_GAP_PX  # 72 px are two and a half days
    assert clear_of_months(levels, seconds_per_px) == [
        (MONTH, [at(1)]),
        (DAY_SPACING, [at(5)]),  # 29 Nov, 1 and 3 Dec are within two and a half days of "Dec"
        (3600.0, [at(3) + 3600]),  # hours are another matter
    ]
    assert clear_of_months(levels[1:], seconds_per_px) == levels[1:]  # no month: all kept


def test_a_narrow_chart_keeps_its_day_labels_clear_of_the_month(qtbot: Any) -> None:
    view = TimeseriesView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    axis = view.axis
    axis.set_zone("Europe/Paris")
    axis.fontMetrics = QFontMetrics(view.font())  # pyqtgraph sets it when it first paints
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    low, high = start.timestamp(), (start + timedelta(days=20)).timestamp()
    size = 360.0
    levels = axis.tickValues(low, high, size)
    months = [v for spacing, values in levels if spacing > 20 * DAY_SPACING for v in values]
    days = [v for spacing, values in levels if DAY_SPACING <= spacing <= 20 * DAY_SPACING
            for v in values]  # fmt: skip
    assert months == [at(1)] and days  # "Dec" is drawn, and some days
    px = size / (high - low)
    assert all(abs(day - month) * px >= LABEL_GAP_PX for day in days for month in months)
