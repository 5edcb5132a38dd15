"""Sessions in the main window: opened from the tree or the menu, one tab per asset, the zone."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from explorer.domain.cancel import CancelToken
from explorer.domain.period import Period, PeriodKind
from explorer.ui.builders.period_picker import PeriodPicker
from explorer.ui.main_window import MainWindow
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support import scenario
from tests.support.patience import PATIENCE_S
from tests.ui.conftest import wait_idle
from tests.ui.test_main_window import asset_index


def test_open_sessions_from_the_tree_lists_today_in_a_tab_of_its_own(
    qtbot: Any, ready_window: MainWindow
) -> None:
    panel = ready_window.asset_panel
    menu = panel.context_menu(asset_index(ready_window, "video", scenario.A))
    sessions = next(a for a in menu.actions() if a.text() == "Open sessions")
    sessions.trigger()
    view = ready_window.results.currentWidget()
    assert isinstance(view, SessionsView)
    assert ready_window.results.tabText(ready_window.results.currentIndex()) == (
        "Sessions · Algebra 1"
    )
    wait_idle(qtbot, ready_window.runner)
    assert view.picker.period().wire == "2026-03-10"  # the workspace's today, in UTC
    assert view.count.text() == "Showing 2 of 2 sessions"
    # asked again, the same tab comes forward instead of a second one
    ready_window.results.setCurrentIndex(0)
    assert ready_window.open_sessions(scenario.A, "video", "Algebra 1") is view
    assert ready_window.results.currentWidget() is view
    assert sum(isinstance(ready_window.results.widget(i), SessionsView)
               for i in range(ready_window.results.count())) == 1  # fmt: skip


def test_the_menu_opens_the_sessions_of_the_current_asset(
    qtbot: Any, ready_window: MainWindow
) -> None:
    ready_window.asset_panel.tree.setCurrentIndex(asset_index(ready_window, "project"))
    ready_window.open_current_sessions()
    assert ready_window.status.currentMessage().startswith("Choose a video or live stream")
    ready_window.asset_panel.tree.setCurrentIndex(asset_index(ready_window, "live", scenario.C))
    assert ready_window.sessions_action.shortcut().toString() == "Ctrl+Shift+S"
    ready_window.sessions_action.trigger()
    view = ready_window.results.currentWidget()
    assert isinstance(view, SessionsView) and view.media.live
    wait_idle(qtbot, ready_window.runner)
    assert view.table.source.rowCount() == 2


def test_closing_the_tab_cancels_its_work_and_the_zone_follows_the_builder(
    qtbot: Any, ready_window: MainWindow
) -> None:
    view = ready_window.open_sessions(scenario.A, "video", "Algebra 1")
    assert view is not None
    wait_idle(qtbot, ready_window.runner)
    ready_window.builder.time_range.set_zone("Asia/Tokyo")
    assert view.zone == "Asia/Tokyo"
    assert view.table.source.index(0, 0).data() == "2026-03-10 17:00:00"  # s2, 08:00 UTC
    started, stopped = threading.Event(), threading.Event()

    def patient(*args: Any) -> None:
        cancel: CancelToken = args[-3]
        started.set()
        cancel.wait(PATIENCE_S)
        stopped.set()

    view.service.list_sessions = patient  # type: ignore[method-assign]
    view.load()
    assert started.wait(PATIENCE_S)
    ready_window.results.tabCloseRequested.emit(ready_window.results.indexOf(view))
    assert stopped.wait(PATIENCE_S)  # the worker saw its token
    wait_idle(qtbot, ready_window.runner)
    assert not any(isinstance(ready_window.results.widget(i), SessionsView)
                   for i in range(ready_window.results.count()))  # fmt: skip


def test_the_period_picker_speaks_the_api_formats(qtbot: Any) -> None:
    picker = PeriodPicker(date(2026, 3, 10))
    qtbot.addWidget(picker)
    seen: list[str] = []
    picker.period_changed.connect(lambda: seen.append(picker.period().wire))
    assert picker.period().wire == "2026-03-10" and picker.last.isHidden()
    for kind, wire in (("week", "2026-W11"), ("month", "2026-03"), ("year", "2026")):
        picker.kind.set_value(kind)
        assert picker.period().wire == wire
        assert picker.summary.text().startswith(f"{wire} · ")
        assert picker.summary.toolTip().startswith(f"period={wire}: ")
    picker.kind.set_value("range")
    assert not picker.last.isHidden()
    picker.last.setDate(picker.last.date().addDays(4))
    assert picker.period().wire == "2026-03-10/2026-03-14"
    assert seen == ["2026-W11", "2026-03", "2026", "2026-03-10/2026-03-10", "2026-03-10/2026-03-14"]
    picker.set_period(Period.containing(PeriodKind.MONTH, date(2025, 12, 24)))
    assert picker.period().wire == "2025-12" and picker.first.displayFormat() == "yyyy-MM"
