"""Small things that got in a new user's way (issue 15.14): the window title, the tree's counts
under a search, clipped bar labels, a viewers count called events, open completers, a cut
metric box."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QCompleter

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult
from explorer.ui.main_window import MainWindow
from explorer.ui.results.breakdown_view import BreakdownView
from explorer.ui.results.result_table import EXACT_ROLE
from explorer.ui.results.scalar_view import ScalarView


def groups(window: MainWindow) -> list[str]:
    proxy = window.asset_panel.proxy
    project = proxy.index(0, 0)
    return [str(proxy.index(r, 0, project).data()) for r in range(proxy.rowCount(project))]


def test_the_window_title_names_the_source_once(ready_window: MainWindow) -> None:
    assert ready_window.windowTitle() == "Handmade project"  # the platform adds the app's name
    assert "Analytics Explorer" not in ready_window.windowTitle()


def test_a_search_says_how_many_of_each_group_match(ready_window: MainWindow) -> None:
    assert groups(ready_window) == ["Videos (2)", "Live streams (1)", "Players (1)"]
    ready_window.asset_panel.search.setText("algebra")
    assert groups(ready_window) == ["Videos (1 of 2)"]
    ready_window.asset_panel.search.clear()
    assert groups(ready_window) == ["Videos (2)", "Live streams (1)", "Players (1)"]


def test_the_longest_bar_carries_its_value_inside(qtbot: Any) -> None:
    view = BreakdownView()
    qtbot.addWidget(view)
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country")
    view.set_result(
        BucketFrame.from_records(context, [("FR", 1869), ("DE", 322), ("IT", 5)]), "UTC"
    )
    assert [view.label_inside(i) for i in range(3)] == [True, False, False]


def test_a_unique_view_count_is_a_number_of_viewers(qtbot: Any) -> None:
    view = ScalarView()
    qtbot.addWidget(view)
    context = ResultContext(Endpoint.METRICS, "unique-view-5", "count")
    view.set_result(ScalarResult(context, 42), "UTC")
    assert view.what.text() == "unique-view-5 · count — number of unique viewers"
    assert view.caption.text() == "viewers"


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no popup grab
def test_run_closes_open_completers(qtbot: Any, ready_window: MainWindow) -> None:
    window = ready_window
    window.show()
    qtbot.waitExposed(window)
    builder = window.builder
    builder.set_endpoint(Endpoint.METRICS)
    assert builder.metric_combo.set_value("play")
    completer = builder.time_range.zone.completer()
    assert isinstance(completer, QCompleter)
    builder.time_range.zone.lineEdit().setText("Europe/")
    completer.setCompletionPrefix("Europe/")
    completer.complete()
    qtbot.waitUntil(completer.popup().isVisible)
    page = window.run_query()
    assert page is not None
    assert not completer.popup().isVisible()
    qtbot.waitUntil(lambda: not page.running)


def test_the_metric_box_fits_the_longest_metric(qtbot: Any, ready_window: MainWindow) -> None:
    combo = ready_window.builder.metric_combo
    assert combo.set_value("impression-time")
    text = combo.currentText()
    width = combo.fontMetrics().horizontalAdvance(text)
    assert combo.minimumSizeHint().width() >= width, (text, width)
    assert QApplication.instance() is not None


def test_a_breakdown_has_no_value_scale_to_run_together(qtbot: Any) -> None:
    """Issue 15.13: on a narrow chart the value axis read "10002000"; each bar says its value."""
    view = BreakdownView()
    qtbot.addWidget(view)
    view.resize(420, 400)
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country")
    view.set_result(BucketFrame.from_records(context, [("FR", 1869), ("DE", 322)]), "UTC")
    assert not view.plot.getPlotItem().getAxis("bottom").isVisible()
    assert [label.toPlainText() for label in view._labels[:2]] == ["1,869", "322"]


def cells(view: BreakdownView | ScalarView, column: int) -> list[str]:
    model = view.table.proxy
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


@pytest.mark.parametrize(
    ("metric", "aggregation", "values", "shown"),
    [  # an average: one decimal, whatever the size ("1,288" beside "766.15" before)
        ("ccv-average", None, [1288.0, 766.16], ["1,288.0", "766.2"]),
        ("ccv-peak", None, [12.0, 3.0], ["12", "3"]),  # viewers: none
        ("play", None, [1869.0, 322.0], ["1,869", "322"]),  # a count: none
        ("play-rate", None, [0.5, 0.1234], ["50.0 %", "12.3 %"]),  # a percent: one
    ],
)
def test_one_precision_per_kind_on_bars_and_in_the_table(
    qtbot: Any, metric: str, aggregation: str | None, values: list[float], shown: list[str]
) -> None:
    view = BreakdownView()
    qtbot.addWidget(view)
    context = ResultContext(Endpoint.BUCKETS, metric, aggregation, breakdown="country")
    frame = BucketFrame.from_records(context, list(zip(["FR", "DE"], values, strict=True)))
    view.set_result(frame, "UTC")
    assert view.value_labels() == shown
    assert cells(view, 1) == shown
    assert view.table.proxy.index(1, 1).data(EXACT_ROLE) == repr(values[1]).removesuffix(".0")


@pytest.mark.parametrize(
    ("metric", "aggregation", "value", "shown"),
    [
        ("watch-time", "average", 766.16, "766.2"),  # seconds: an average has one decimal
        ("watch-time", "sum", 1288.4, "1,288"),  # a sum none
        ("impression-time", "average", 766.15, "766"),  # milliseconds: none
    ],
)
def test_the_big_number_and_its_table_agree(
    qtbot: Any, metric: str, aggregation: str, value: float, shown: str
) -> None:
    view = ScalarView()
    qtbot.addWidget(view)
    view.set_result(
        ScalarResult(ResultContext(Endpoint.METRICS, metric, aggregation), value), "UTC"
    )
    assert view.number.text() == shown
    assert cells(view, view.table.proxy.columnCount() - 1) == [shown]
