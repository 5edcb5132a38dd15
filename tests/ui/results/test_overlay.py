"""The Overlay tab: many timeseries results on one chart, drawn exactly as given, in batches."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, TimeseriesFrame
from explorer.domain.query import Query
from explorer.ui.charts import chart_style
from explorer.ui.results.overlay_view import BATCH, OverlayView, label_parts, series_labels
from explorer.ui.results.result_tabs import ResultTabs

T0 = datetime(2026, 3, 1, tzinfo=UTC)
HOURS = 720


def hourly(metric: str, values: dict[int, float], hours: int = HOURS) -> TimeseriesFrame:
    context = ResultContext(
        Endpoint.TIMESERIES, metric, interval="hour", start=T0, end=T0 + timedelta(hours=hours)
    )
    return TimeseriesFrame.from_records(
        context, [(T0 + timedelta(hours=h), v) for h, v in values.items()]
    )


def month_of_hours(seed: int) -> TimeseriesFrame:
    """30 days of hourly counts, every hour present, different for every seed."""
    rng = np.random.default_rng(seed)
    return hourly("play", {h: float(v) for h, v in enumerate(rng.poisson(seed + 1, HOURS))})


def drawn_view(qtbot: Any, series: list[tuple[str, TimeseriesFrame]]) -> OverlayView:
    view = OverlayView()
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    with qtbot.waitSignal(view.series_drawn):
        view.show_series(series, "UTC")
    return view


def plotted(view: OverlayView) -> list[pg.PlotCurveItem]:
    items = view.plot.getPlotItem().listDataItems()
    return [i for i in items if isinstance(i, pg.PlotCurveItem)]


def test_fifty_series_are_drawn_point_for_point_as_given(qtbot: Any) -> None:
    frames = [month_of_hours(n) for n in range(50)]
    view = drawn_view(qtbot, [(f"video {n}", f) for n, f in enumerate(frames)])
    curves = plotted(view)
    assert len(curves) == 50 and [s.curve for s in view.series] == curves
    for frame, curve in zip(frames, curves, strict=True):
        x, y = curve.getData()
        assert x.tolist() == [(T0 + timedelta(hours=h)).timestamp() for h in range(HOURS)]
        assert y.tolist() == frame.values.tolist()  # every hour present: values as received
    assert [view.legend.item(r).text() for r in range(50)] == [f"video {n}" for n in range(50)]
    assert view.summary.text().startswith("50 series overlaid")


def test_the_series_arrive_over_several_turns_of_the_event_loop(qtbot: Any) -> None:
    view = OverlayView()
    qtbot.addWidget(view)
    frames = [month_of_hours(n) for n in range(3 * BATCH)]
    view.show_series([(str(n), f) for n, f in enumerate(frames)], "UTC")
    assert view.drawing and len(view.series) == 0  # nothing yet: the call itself stays short
    counts: list[int] = []
    view.series_drawn.connect(lambda: counts.append(len(view.series)))
    qtbot.waitUntil(lambda: bool(counts))
    assert counts == [3 * BATCH] and not view.drawing


def test_a_missing_hour_is_a_zero_for_a_count_and_a_gap_for_a_rate(qtbot: Any) -> None:
    plays = hourly("play", {0: 4.0, 2: 1.0}, hours=4)
    rate = hourly("play-rate", {0: 0.5, 2: 0.25}, hours=4)
    view = drawn_view(qtbot, [("plays", plays)])
    assert plotted(view)[0].getData()[1].tolist() == [4.0, 0.0, 1.0, 0.0]
    with qtbot.waitSignal(view.series_drawn):
        view.show_series([("rate", rate)], "UTC")
    y = plotted(view)[0].getData()[1]
    assert [None if math.isnan(v) else v for v in y] == [0.5, None, 0.25, None]
    assert plotted(view)[0].opts["connect"] == "finite"  # no invented slope across a gap


def test_a_series_in_another_unit_is_left_out_and_named(qtbot: Any) -> None:
    view = drawn_view(
        qtbot,
        [("plays A", month_of_hours(1)), ("rate B", hourly("play-rate", {1: 0.5}))],
    )
    assert [s.label for s in view.series] == ["plays A"]
    assert "Left out (another unit): rate B" in view.summary.text()


def test_many_lines_take_thin_pens_in_distinct_colours(qtbot: Any) -> None:
    few = drawn_view(qtbot, [(str(n), month_of_hours(n)) for n in range(chart_style.FEW_SERIES)])
    assert {c.opts["pen"].widthF() for c in plotted(few)} == {2.0}
    many = drawn_view(qtbot, [(str(n), month_of_hours(n)) for n in range(50)])
    pens = [c.opts["pen"] for c in plotted(many)]
    assert {p.widthF() for p in pens} == {1.0} and all(p.isCosmetic() for p in pens)
    assert len({p.color().rgb() for p in pens}) == 50
    assert not any(c.opts["antialias"] for c in plotted(many))


def test_a_newer_overlay_drops_the_rest_of_an_older_one(qtbot: Any) -> None:
    view = OverlayView()
    qtbot.addWidget(view)
    view.show_series([(str(n), month_of_hours(n)) for n in range(50)], "UTC")
    with qtbot.waitSignal(view.series_drawn):
        view.show_series([("only", month_of_hours(7))], "UTC")
    qtbot.waitUntil(lambda: not view.drawing)  # no batch of either call is left to land
    assert [s.label for s in view.series] == ["only"] and len(plotted(view)) == 1
    assert view.legend.count() == 1


def test_unticking_a_series_hides_its_line_and_reading_skips_it(qtbot: Any) -> None:
    low, high = hourly("play", {0: 1.0, 1: 1.0}, 2), hourly("play", {0: 9.0, 1: 9.0}, 2)
    view = drawn_view(qtbot, [("low", low), ("high", high)])
    at = (T0 + timedelta(hours=1)).timestamp()
    found = view.nearest(at, 8.0)
    assert found is not None and found[0].label == "high" and found[1] == 1
    assert view.describe(*found) == "high: 2026-03-01 01:00 (UTC): 9 events"
    view.legend.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert not view.series[1].curve.isVisible()
    found = view.nearest(at, 8.0)
    assert found is not None and found[0].label == "low"


def test_pointing_at_the_chart_reads_the_nearest_line(qtbot: Any) -> None:
    view = drawn_view(qtbot, [("low", hourly("play", {0: 1.0, 1: 3.0}, 2))])
    box = view.plot.getPlotItem().vb
    scene = box.mapViewToScene(QPointF((T0 + timedelta(hours=1)).timestamp(), 2.5))
    view.plot.scene().sigMouseMoved.emit(scene)
    assert view.readout.text() == "low: 2026-03-01 01:00 (UTC): 3 events"


def test_labels_lead_with_what_tells_the_series_apart() -> None:
    def query(**filters: tuple[str, ...]) -> Query:
        end = T0 + timedelta(days=30)
        return Query(
            endpoint=Endpoint.TIMESERIES, metric="play", start=T0, end=end, filters=filters
        )

    parts = label_parts(query(mediaId=("vi1",), country=("FR", "DE")), "tab", "Europe/Paris")
    assert parts == ["play", "vi1", "country=FR,DE", "03-01 01:00 → 03-31 02:00"]
    assert label_parts(None, "tab", "UTC") == ["tab"]
    labels, shared = series_labels(
        [label_parts(query(mediaId=(m,)), "tab", "UTC") for m in ("vi1", "vi2")]
        + [label_parts(query(country=("FR",)), "tab", "UTC")]
    )
    assert labels == ["vi1", "vi2", "country=FR"]
    assert shared == "play · 03-01 00:00 → 03-31 00:00"
    assert series_labels([["play", "vi1"]]) == (["play · vi1"], "")  # alone: all of it
    assert series_labels([["play"], ["play"]]) == (["play", "play"], "play")


def test_the_overlay_button_draws_every_tab_s_timeseries(qtbot: Any) -> None:
    tabs = ResultTabs()
    qtbot.addWidget(tabs)
    fetched = T0 + timedelta(days=40)
    for n in range(2):
        query = Query(endpoint=Endpoint.TIMESERIES, metric="play", filters={"mediaId": (f"v{n}",)})
        page = tabs.new_page()
        page.show_running(query, "Europe/Paris")
        page.show_result(month_of_hours(n), fetched)
    bars = tabs.new_page()
    bars.show_running(
        Query(endpoint=Endpoint.BUCKETS, metric="play", breakdown="country"), "Europe/Paris"
    )
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country")
    bars.show_result(BucketFrame.from_records(context, [("FR", 2.0)]), fetched)
    tabs.overlay_button.click()
    qtbot.waitUntil(lambda: isinstance(tabs.currentWidget(), OverlayView))
    view = tabs.currentWidget()
    assert isinstance(view, OverlayView)
    qtbot.waitUntil(lambda: not view.drawing and len(view.series) == 2)
    assert [s.label for s in view.series] == ["v0", "v1"]
    assert view.summary.text() == "2 series of play overlaid, times in Europe/Paris."
    tabs.setCurrentIndex(0)
    tabs.overlay_button.click()  # again: the same tab, redrawn
    assert tabs.currentWidget() is view and tabs.count() == 4


def test_a_palette_change_recolours_every_line_and_swatch(qtbot: Any) -> None:
    view = drawn_view(qtbot, [(str(n), month_of_hours(n)) for n in range(12)])
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Base, QColor("#101010"))
    dark.setColor(QPalette.ColorRole.Highlight, QColor("#3d8ee6"))
    view.setPalette(dark)
    expected = [c.rgb() for c in chart_style.series_colors(dark, 12)]
    assert [c.opts["pen"].color().rgb() for c in plotted(view)] == expected
    swatches = [view.legend.item(r).icon().pixmap(14, 14).toImage().pixel(7, 7) for r in range(12)]
    assert swatches == expected
    assert view.plot.backgroundBrush().color() == QColor("#101010")


def test_a_long_legend_label_wraps_whole_instead_of_losing_its_middle(qtbot: Any) -> None:
    long = "viKNOWN0123456789abcd · country=FR · 03-01 00:00 → 03-31 00:00"
    view = drawn_view(qtbot, [(long, month_of_hours(1)), ("browser=Chrome", month_of_hours(2))])
    legend = view.legend
    line = legend.fontMetrics().lineSpacing()
    wrapped, short = (legend.visualItemRect(legend.item(row)) for row in range(2))
    assert legend.fontMetrics().horizontalAdvance(long) > legend.viewport().width()
    assert wrapped.height() >= 2 * line  # on two lines or more, every part readable
    assert short.height() < 2 * line
