"""Usable at 1024x700 (issue 15.13): a collapsible builder, hidden while a Sessions tab is
current, and an inspector chart that is never a sliver."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QSettings

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.charts.media_axis import TICK_PX
from explorer.ui.main_window import MainWindow
from explorer.ui.results.breakdown_view import CHART_MIN_WIDTH, BreakdownView
from explorer.ui.results.result_table import FIRST_NARROWEST, TABLE_NARROWEST
from explorer.ui.sessions.session_inspector import CHART_MIN_HEIGHT
from explorer.ui.sessions.session_table_model import COLUMNS
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support.scenario import A
from tests.ui.conftest import PinnedWorkspace, wait_idle

PLOT_READABLE = 2 * TICK_PX  # px of playhead plot: room for two position ticks at least


def sessions_tab_at(qtbot: Any, window: MainWindow, width: int, height: int) -> SessionsView:
    """Algebra 1's Sessions tab, listed, in a window of that size on screen."""
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    view = window.open_sessions(A, "video", "Algebra 1")
    assert view is not None
    wait_idle(qtbot, window.runner)
    return view


def test_the_builder_collapses_and_stays_collapsed_after_a_restart(
    qtbot: Any, settings: QSettings, runner: TaskRunner, ready_window: MainWindow
) -> None:
    window = ready_window
    window.show()
    qtbot.waitExposed(window)
    assert window.builder.isVisible()
    window.builder_action.trigger()  # Ctrl+Shift+B
    assert not window.builder.isVisible()
    assert window.run_action.isEnabled()  # Ctrl+Enter still runs what it holds
    window.close()
    again = MainWindow(settings, runner)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert not again.builder_action.isChecked() and not again.builder.isVisible()
    again.builder_action.trigger()
    assert again.builder.isVisible()


def test_a_sessions_tab_takes_the_builders_height_and_keeps_a_readable_chart(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    window = ready_window
    view = sessions_tab_at(qtbot, window, 1024, 700)
    assert not window.builder.isVisible()  # a Sessions tab has no use for it
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.inspector.inspection is not None)
    wait_idle(qtbot, window.runner)
    qtbot.waitUntil(lambda: view.inspector.chart.height() >= CHART_MIN_HEIGHT)
    plot = view.inspector.chart.path.getViewBox()
    assert plot.height() >= PLOT_READABLE  # the playhead plot itself, not only its frame
    assert view.table.height() >= 100  # and the sessions stay in sight above it
    window.results.setCurrentIndex(0)  # back to a result tab: the builder is back
    assert window.builder.isVisible()


def test_a_breakdown_by_title_keeps_a_readable_chart_beside_its_table_at_1024(
    qtbot: Any, ready_window: MainWindow
) -> None:
    window = ready_window
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    builder = window.builder
    builder.set_endpoint(Endpoint.BUCKETS)
    assert builder.breakdown_combo.set_value("media-id")
    page = window.run_query()
    assert page is not None, builder.problems()
    qtbot.waitUntil(lambda: not page.running, timeout=60_000)
    view = page.breakdown_view
    assert view is not None and view.isVisible()
    qtbot.waitUntil(lambda: view.plot.width() >= CHART_MIN_WIDTH, timeout=60_000)
    assert view.table.width() >= TABLE_NARROWEST  # the table gives way, never vanishes
    right = view.table.mapTo(window, QPoint(view.table.width(), 0)).x()
    assert right <= window.width()  # and stays inside the window
    table = view.table
    last = table.proxy.columnCount() - 1
    shown = table.columnViewportPosition(last) + table.columnWidth(last)
    assert shown <= table.viewport().width()  # the values in sight: the title column gave way


def test_long_titles_give_way_so_that_the_values_stay_in_sight(qtbot: Any) -> None:
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="media-id")
    ids = [f"vi{n:020d}" for n in range(12)]
    titles = {
        i: f"60-second recipes #{n}: the one that nobody thinks of" for n, i in enumerate(ids)
    }
    frame = BucketFrame.from_records(context, [(i, 1000.0 / (n + 1)) for n, i in enumerate(ids)])
    view = BreakdownView()
    qtbot.addWidget(view)
    view.resize(880, 400)  # what a 1024 px window leaves beside the asset tree
    view.set_result(frame, "UTC", titles)
    view.show()
    qtbot.waitExposed(view)
    table = view.table
    assert view.plot.width() >= CHART_MIN_WIDTH
    last = table.proxy.columnCount() - 1
    shown = table.columnViewportPosition(last) + table.columnWidth(last)
    assert shown <= table.viewport().width()
    assert table.columnWidth(0) >= FIRST_NARROWEST  # the titles still read, elided
    view.resize(1400, 400)  # room again: the titles get their width back
    qtbot.waitUntil(lambda: table.columnWidth(0) > FIRST_NARROWEST + 60)


def test_the_session_list_starts_with_a_fair_share_of_the_height(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    """At 1280x800 the list started three rows high above an empty inspector."""
    window = ready_window
    view = sessions_tab_at(qtbot, window, 1280, 800)
    total = sum(view.splitter.sizes())
    qtbot.waitUntil(lambda: view.table.height() >= 0.25 * total, timeout=60_000)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.inspector.inspection is not None, timeout=60_000)
    wait_idle(qtbot, window.runner)
    qtbot.waitUntil(lambda: view.inspector.chart.height() >= CHART_MIN_HEIGHT, timeout=60_000)


def test_a_sessions_tab_in_the_background_never_makes_the_window_taller(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    """Back on a result tab (the builder shown again) the window grew to 934 px at 1024x700:
    the Sessions tab behind asked for its inspector's height."""
    window = ready_window
    sessions_tab_at(qtbot, window, 1024, 700)  # opened, then left behind
    window.results.setCurrentIndex(0)  # a result tab: the builder shows
    assert window.builder.isVisible()
    assert window.minimumSizeHint().height() <= 700
    assert window.height() <= 700


def test_the_column_filters_row_shows_when_asked_for_or_holding_conditions(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    """At 1024x700 the row would take the list's last rows: it is shown on asking (Where…)
    and whenever it holds conditions (a drill-down's, one added)."""
    view = sessions_tab_at(qtbot, ready_window, 1024, 700)
    filters = view.column_filters
    assert not filters.isVisibleTo(view)
    view.where_button.click()
    assert filters.isVisibleTo(view)
    view.where_button.click()
    assert not filters.isVisibleTo(view)
    filters.add(COLUMNS.index("Country"), "France")
    assert filters.isVisibleTo(view) and view.where_button.isChecked()
    view.where_button.click()  # its conditions still hold: the row says them
    assert filters.isVisibleTo(view)
    assert ready_window.height() <= 700
