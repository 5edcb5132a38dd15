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
