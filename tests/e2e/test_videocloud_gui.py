"""The same window over the second data source: the demo speaking the VideoCloud API.

A first launch with ``EXPLORER_SANDBOX_FLAVOR=videocloud``, driven like a person: the tree
lists the videos the API names, a click asks for that video's analytics, the report is drawn
section by section, Ctrl+E writes what the API answered, the users report draws its cohort
heat map, and what this API lacks (player sessions) is offered nowhere.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from explorer.app import FLAVOR_VARIABLE, run_gui
from explorer.domain.report import Report, Shape
from explorer.services.result_tables import report_table
from explorer.services.sources.videocloud.source import VideoCloudSource
from explorer.ui.builders.report_builder import ReportBuilderPanel
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.asset_model import ID_ROLE, KIND_ROLE
from tests.e2e.conftest import Profile
from tests.e2e.test_first_launch import SavePathDialog, child_rows, click, the_window

ZONE = "America/New_York"


def run_report(qtbot: Any, window: MainWindow, button: Any) -> Any:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    page = window.results.current_page()
    assert page is not None and page.query is not None
    qtbot.waitUntil(lambda: not page.running)
    view = page.report_view
    assert view is not None and page.current_view() is view, page.header.text()
    view.finish()  # draw every block now (they are drawn a few per event-loop turn)
    return page


def drive(qtbot: Any, export_to: Path) -> None:
    window = the_window()
    qtbot.waitUntil(lambda: window.workspace is not None)
    source = window.workspace
    assert isinstance(source, VideoCloudSource)
    assert window.status.badge.text() == "DEMO"
    qtbot.waitUntil(lambda: window.asset_panel.proxy.rowCount() == 1)
    qtbot.waitUntil(lambda: not window.runner.in_flight())

    # 1. The builder is this API's; the tree has its one group, the videos the API names.
    builder = window.builder
    assert isinstance(builder, ReportBuilderPanel)
    listed = source.client.videos()
    project = window.asset_panel.proxy.index(0, 0)
    groups = child_rows(window, project)
    assert [g.data() for g in groups] == [f"Videos ({len(listed.videos)})"]
    rows = child_rows(window, groups[0])
    assert [r.data(ID_ROLE) for r in rows] == [v.id for v in listed.videos]
    assert not window.sessions_action.isEnabled() and not window.export_job_action.isEnabled()
    assert window.remote_exports_action.isEnabled()
    menu = window.asset_panel.context_menu(rows[0])
    sessions = next(a for a in menu.actions() if a.text() == "Open sessions")
    assert not sessions.isEnabled() and "no player sessions" in sessions.toolTip()
    menu.deleteLater()

    # 2. A click on a video asks for its analytics; Run draws every section of the answer.
    builder.set_zone(ZONE)
    row = rows[1]
    assert row.data(KIND_ROLE) == "video"
    click(qtbot, window, row)
    asked = builder.question()
    assert (asked.report, asked.video_id) == ("video", row.data(ID_ROLE))
    page = run_report(qtbot, window, builder.run_button)
    title = next(v.title for v in listed.videos if v.id == asked.video_id)
    index = window.results.indexOf(page)
    assert page.title == f"{title} ({asked.chosen_period})"  # the video's title, not its id
    tab = window.results.tabText(index)  # a long title is cut in the middle, its end kept
    assert tab.endswith(f"({asked.chosen_period})") and tab[:20] == page.title[:20]
    assert window.results.tabToolTip(index).startswith(page.title)
    expected = source.run_query(page.query)
    assert isinstance(expected, Report) and not expected.partial
    assert page.result.entries == expected.entries
    view = page.report_view
    assert [b.section.name for b in view.blocks] == [s.name for s in expected.sections()]
    shapes = {b.section.name: b.shape for b in view.blocks}
    assert shapes["views.by_country"] is Shape.BREAKDOWN
    assert shapes["views.timeline"] is Shape.TIMELINE
    assert all(b.content is not None for b in view.blocks)

    # 3. Ctrl+E writes the report's long table, times in the chosen zone.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.results, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.runner.in_flight())
    table = report_table(expected, ZONE)
    assert f"Exported {len(table.rows)} rows to {export_to}" in window.status.currentMessage()
    with export_to.open(encoding="utf-8", newline="") as file:
        written = list(csv.reader(file))
    assert written == [table.header, *table.rows]
    assert any(r[2].endswith(("-05:00", "-04:00")) for r in written[1:])  # New York times

    # 4. The users report in a new tab: its retention cohorts as a heat map.
    assert builder.set_report("users")
    qtbot.keyClick(
        window.results,
        Qt.Key.Key_Return,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    users = window.results.current_page()
    assert users is not None and users is not page
    qtbot.waitUntil(lambda: not users.running)
    assert users.query.report == "users"
    users.report_view.finish()
    cohorts = users.report_view.block("retention.cohorts")
    assert cohorts.shape is Shape.MATRIX
    heat = cohorts.content.heat_map
    assert heat.proxy.rowCount() == len(cohorts.section.members()) > 0


def test_the_same_window_explores_the_videocloud_demo(
    qtbot: Any, profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FLAVOR_VARIABLE, "videocloud")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    export_to = tmp_path / "video.csv"
    monkeypatch.setattr(SavePathDialog, "target", export_to)
    monkeypatch.setattr(SavePathDialog, "suggestions", [])
    monkeypatch.setattr("explorer.ui.main_window.QFileDialog", SavePathDialog)
    failures: list[BaseException] = []

    def session() -> None:
        try:
            drive(qtbot, export_to)
        except BaseException as error:  # re-raised below, once the application has quit
            failures.append(error)
        finally:
            for window in QApplication.topLevelWidgets():
                if isinstance(window, MainWindow):
                    window.close()

    QTimer.singleShot(0, session)
    code = run_gui(None, settings=settings)
    if failures:
        raise failures[0]
    assert code == 0
    assert settings.value("query/videocloud-state")  # this builder's choices, for next time
