"""A Sessions tab's period, metadata filter, text filter and sort come back on the next launch."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QSettings, Qt

from explorer.domain.period import Period, PeriodKind
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.main_window import MainWindow
from explorer.ui.sessions.session_table import FIRST_TEXT
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support import scenario
from tests.support.sessions import ALGEBRA, DAY, KEYNOTE, GatedService, made_up
from tests.ui.conftest import ZONE, PinnedWorkspace, wait_idle

COUNTRY = FIRST_TEXT  # the first text column


def open_view(
    qtbot: Any, runner: TaskRunner, settings: QSettings, media: Any = ALGEBRA
) -> tuple[SessionsView, GatedService]:
    service = GatedService([[made_up(n) for n in range(12)]])
    service.open_all()
    view = SessionsView(runner, service, media, DAY, ZONE, settings=settings)
    qtbot.addWidget(view)
    return view, service


def relaunched(settings: QSettings) -> QSettings:
    """The same file read afresh, as the next launch reads it."""
    settings.sync()
    return QSettings(settings.fileName(), QSettings.Format.IniFormat)


def test_the_choices_of_a_tab_come_back_in_the_next_one(
    qtbot: Any, runner: TaskRunner, settings: QSettings
) -> None:
    view, _ = open_view(qtbot, runner, settings)
    week = Period.containing(PeriodKind.WEEK, date(2026, 3, 4))
    view.picker.set_period(week)
    view.metadata.setText("plan=premium, level=1")
    view.filter.setText("ANDROID")
    view.table.sortByColumn(COUNTRY, Qt.SortOrder.DescendingOrder)

    again, service = open_view(qtbot, runner, relaunched(settings))
    assert again.picker.period() == week
    assert again.picker.kind.value() == "week"
    assert again.metadata.text() == "plan=premium, level=1"
    assert again.filter.text() == "ANDROID"
    header = again.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COUNTRY, Qt.SortOrder.DescendingOrder,
    )  # fmt: skip
    again.load()  # the restored choices are what is asked for and shown
    wait_idle(qtbot, runner)
    model = again.table.source
    model.flush()
    assert service.asked == [(week.wire, {"plan": "premium", "level": "1"})]
    shown = [model.record(r) for r in range(model.rowCount())]
    # the Android sessions (odd numbers), United States before Japan, each in the API's order
    assert [r.session_id[-2:] for r in shown] == ["01", "05", "09", "03", "07", "11"]
    assert [r.cells[0] for r in shown] == ["United States"] * 3 + ["Japan"] * 3
    assert again.count.text() == "Showing 6 of 12 sessions"


def test_a_range_and_the_api_order_come_back_too(
    qtbot: Any, runner: TaskRunner, settings: QSettings
) -> None:
    view, _ = open_view(qtbot, runner, settings)
    days = Period.containing(PeriodKind.RANGE, date(2026, 3, 1), date(2026, 3, 9))
    view.picker.set_period(days)
    view.table.sortByColumn(COUNTRY, Qt.SortOrder.AscendingOrder)
    view.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # back to the API's order
    view.filter.setText("")
    again, _ = open_view(qtbot, runner, relaunched(settings))
    assert again.picker.period() == days
    assert again.picker.period().wire == "2026-03-01/2026-03-09"
    assert not again.picker.last.isHidden()  # the range's last day is shown to be edited
    assert again.table.source.sort_column == -1
    assert again.filter.text() == ""


def test_a_live_stream_tab_keeps_the_saved_metadata_filter_for_videos(
    qtbot: Any, runner: TaskRunner, settings: QSettings
) -> None:
    view, _ = open_view(qtbot, runner, settings)
    view.metadata.setText("plan=premium")
    live, _ = open_view(qtbot, runner, relaunched(settings), KEYNOTE)
    assert live.metadata.text() == "" and not live.metadata.isEnabled()
    live.filter.setText("paris")  # saves the tab's state: the video filter must survive it
    assert live.settings is not None
    video, _ = open_view(qtbot, runner, relaunched(live.settings))
    assert video.metadata.text() == "plan=premium"
    assert video.filter.text() == "paris"


def test_saved_values_that_cannot_be_read_are_ignored(
    qtbot: Any, runner: TaskRunner, settings: QSettings
) -> None:
    for key, value in {
        "period": "last tuesday",
        "sort_column": "country",
        "sort_order": "sideways",
        "filter": "fr",
    }.items():
        settings.setValue(f"sessions/{key}", value)
    view, _ = open_view(qtbot, runner, relaunched(settings))
    assert view.picker.period().wire == DAY.isoformat()  # today's, the default
    assert view.table.source.sort_column == -1
    assert view.filter.text() == "fr"  # what could be read is kept
    settings.setValue("sessions/sort_column", 99)  # a column this version does not have
    view, _ = open_view(qtbot, runner, relaunched(settings))
    assert view.table.source.sort_column == -1


def test_the_window_opens_sessions_with_the_last_choices_after_a_relaunch(
    qtbot: Any, ready_window: MainWindow, settings: QSettings
) -> None:
    view = ready_window.open_sessions(scenario.A, "video", "Algebra 1")
    assert view is not None
    wait_idle(qtbot, ready_window.runner)
    month = Period.containing(PeriodKind.MONTH, DAY)
    view.picker.set_period(month)
    view.filter.setText("safari")
    view.table.sortByColumn(COUNTRY, Qt.SortOrder.AscendingOrder)
    ready_window.close()  # saves the window's state and syncs the file

    again = MainWindow(relaunched(settings), ready_window.runner)
    qtbot.addWidget(again)
    workspace = ready_window.workspace
    assert isinstance(workspace, PinnedWorkspace)
    again.set_workspace(workspace)
    wait_idle(qtbot, again.runner)
    reopened = again.open_sessions(scenario.A, "video", "Algebra 1")
    assert reopened is not None
    wait_idle(qtbot, again.runner)
    reopened.table.source.flush()
    assert reopened.picker.period() == month
    assert reopened.listing is not None and reopened.listing.period == month.wire
    assert reopened.filter.text() == "safari"
    assert reopened.table.source.sort_column == COUNTRY
    assert reopened.count.text().startswith("Showing 1 of ")  # s2 is the Safari session
