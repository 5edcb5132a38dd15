"""Charts: empty buckets, the zone of the date axis, colours from the palette, and for many."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from itertools import combinations
from typing import Any

import numpy as np
from PySide6.QtGui import QColor, QFontMetrics, QPalette

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, TimeseriesFrame
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.results.breakdown_view import BreakdownView
from explorer.ui.results.timeseries_view import TimeseriesView, chart_points

T0 = datetime(2026, 3, 10, 0, tzinfo=UTC)


def hourly(metric: str, points: dict[int, float], **kw: Any) -> TimeseriesFrame:
    context = ResultContext(
        Endpoint.TIMESERIES, metric, interval="hour", start=T0, end=T0 + timedelta(hours=6), **kw
    )
    return TimeseriesFrame.from_records(
        context, [(T0 + timedelta(hours=h), v) for h, v in points.items()]
    )


def test_missing_hours_of_a_count_are_zero() -> None:
    x, y = chart_points(hourly("play", {4: 2.0, 1: 3.0}))
    assert x.tolist() == [(T0 + timedelta(hours=h)).timestamp() for h in range(6)]
    assert y.tolist() == [0, 3, 0, 0, 2, 0]


def test_missing_hours_of_a_rate_or_of_viewers_are_gaps() -> None:
    for metric in ("play-rate", "ccv-peak", "unique-view-5"):
        _, y = chart_points(hourly(metric, {1: 0.5, 2: 0.25}))
        assert [None if math.isnan(v) else v for v in y] == [None, 0.5, 0.25, None, None, None]
    _, y = chart_points(hourly("view-5", {1: 3.0}))  # views (not unique viewers) do add up
    assert y.tolist() == [0, 3, 0, 0, 0, 0]


def test_a_sorted_series_is_drawn_in_time_order() -> None:
    frame = hourly("play", {3: 1.0, 0: 5.0}).sorted_by("value", descending=True)
    x, y = chart_points(frame)
    assert np.all(np.diff(x) > 0) and y[0] == 5.0 and y[3] == 1.0


def test_the_axis_labels_each_tick_in_the_zone_across_a_dst_change(qapp: Any) -> None:
    axis = ZonedDateAxis("Europe/Paris")
    before = datetime(2026, 3, 29, 0, tzinfo=UTC).timestamp()  # 01:00 CET
    after = datetime(2026, 3, 29, 2, tzinfo=UTC).timestamp()  # 04:00 CEST
    assert axis.tickStrings([before, after], 1, 3600) == ["01:00", "04:00"]


def dark_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#101010"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#3d8ee6"))
    return palette


def test_charts_take_their_colours_from_the_palette(qtbot: Any) -> None:
    series = TimeseriesView()
    bars = BreakdownView()
    for view in (series, bars):
        qtbot.addWidget(view)
        view.setPalette(dark_palette())
    series.set_result(hourly("play", {1: 2.0}), "UTC")
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country")
    bars.set_result(BucketFrame.from_records(context, [("FR", 2.0)]), "UTC")
    assert series.plot.backgroundBrush().color() == QColor("#101010")
    assert bars.plot.backgroundBrush().color() == QColor("#101010")
    assert series.curve.opts["pen"].color() == QColor("#3d8ee6")
    assert bars.bars.opts["brushes"][0].color().rgb() == QColor("#3d8ee6").rgb()
    assert series.plot.getAxis("left").textPen().color() == QColor("#eeeeee")


def test_fifty_series_colours_differ_by_more_than_a_shade_and_read_on_the_base(qapp: Any) -> None:
    for palette, readable in (
        (QPalette(), lambda lightness: lightness <= 72),
        (dark_palette(), lambda lightness: lightness >= 45),
    ):
        colors = chart_style.series_colors(palette, 50)
        few = chart_style.category_colors(palette, 8)  # up to eight: the category colours
        assert [c.rgb() for c in colors[:8]] == [c.rgb() for c in few]
        lab = chart_style._lab(np.array([c.rgb() for c in colors]))
        nearest = min(float(np.linalg.norm(lab[i] - lab[j])) for i, j in combinations(range(50), 2))
        assert nearest > 12  # CIELAB distance: about 2.3 is the smallest difference one sees
        assert all(readable(float(value)) for value in lab[8:, 0])


def test_buckets_from_the_local_history_are_shaded_up_to_where_it_ends(qtbot: Any) -> None:
    from dataclasses import replace

    from explorer.domain.frames import Provenance

    start = datetime(2026, 1, 1, tzinfo=UTC)
    until = start + timedelta(days=10)
    context = ResultContext(
        Endpoint.TIMESERIES, "play", interval="day", start=start, end=start + timedelta(days=40)
    )
    days = [(start + timedelta(days=d), float(d)) for d in range(40)]
    frame = TimeseriesFrame.from_records(context, days)
    view = TimeseriesView()
    qtbot.addWidget(view)
    view.set_result(frame, "UTC")
    assert view.history_region is None
    merged = replace(frame, provenance=Provenance(until, history_until=until))
    view.set_result(merged, "UTC")
    assert view.history_region == (start.timestamp(), until.timestamp())
    assert view.history_band.getRegion() == (start.timestamp(), until.timestamp())
    view.set_result(frame, "UTC")
    assert view.history_region is None and not view.history_band.isVisible()


def test_month_and_day_ticks_stay_on_local_midnights_across_a_dst_change(qtbot: Any) -> None:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    view = TimeseriesView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    axis = view.axis
    axis.set_zone("Europe/Paris")
    axis.fontMetrics = QFontMetrics(view.font())  # pyqtgraph sets it when it first paints
    start = datetime(2026, 9, 15, tzinfo=UTC).timestamp()
    end = datetime(2026, 11, 10, tzinfo=UTC).timestamp()  # CEST to CET on Oct 25
    levels = axis.tickValues(start, end, 700)
    days = [v for spacing, values in levels if spacing >= 86400 for v in values]
    assert days
    for value in days:
        local = datetime.fromtimestamp(value, UTC).astimezone(paris)
        assert (local.hour, local.minute) == (0, 0), local
    months = next(values for spacing, values in levels if spacing > 20 * 86400)
    labels = axis.tickStrings(months, 1, next(s for s, _ in levels if s > 20 * 86400))
    assert labels == ["Oct", "Nov"]
