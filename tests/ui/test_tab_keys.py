"""Result tabs switch from the keyboard without touching the field that has the focus, and the
zone list holds no deprecated aliases (issue 15.17)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from explorer.domain.catalogue import Endpoint
from explorer.ui.builders.time_range_editor import zone_names
from explorer.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_zone_list_has_no_deprecated_aliases() -> None:
    names = zone_names()
    for alias in ("America/Nipigon", "Europe/Kiev", "Asia/Calcutta", "US/Eastern", "GB"):
        assert alias not in names
    for zone in ("UTC", "America/Toronto", "Europe/Kyiv", "Asia/Kolkata", "Europe/Bratislava"):
        assert zone in names
    assert names == ["UTC", *sorted(names[1:])]


def test_an_alias_typed_in_is_still_taken(ready_window: MainWindow) -> None:
    editor = ready_window.builder.time_range
    assert editor.set_zone("Asia/Calcutta") and editor.zone_name == "Asia/Calcutta"


@pytest.fixture
def three_tabs(qtbot: Any, ready_window: MainWindow) -> MainWindow:
    window = ready_window
    builder = window.builder
    builder.set_endpoint(Endpoint.METRICS)
    assert builder.metric_combo.set_value("play")
    for _ in range(2):
        window.results.new_page()
    window.results.setCurrentIndex(0)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def fields(window: MainWindow) -> tuple[str, str, str, str]:
    builder = window.builder
    return (
        builder.zone_name,
        builder.time_range.zone.currentText(),
        str(builder.metric_combo.value()),
        builder.time_range.start_edit.text(),
    )


@pytest.mark.parametrize("focus", ["zone", "metric", "start"])
def test_ctrl_page_down_switches_tabs_and_changes_no_field(
    qtbot: Any, three_tabs: MainWindow, focus: str
) -> None:
    window = three_tabs
    builder = window.builder
    target: QWidget = {
        "zone": builder.time_range.zone,
        "metric": builder.metric_combo,
        "start": builder.time_range.start_edit,
    }[focus]
    target.setFocus()
    before = fields(window)
    qtbot.keyClick(target, Qt.Key.Key_PageDown, CTRL)
    assert window.results.currentIndex() == 1
    qtbot.keyClick(target, Qt.Key.Key_PageDown, CTRL)
    qtbot.keyClick(target, Qt.Key.Key_PageDown, CTRL)  # round the end
    assert window.results.currentIndex() == 0
    qtbot.keyClick(target, Qt.Key.Key_PageUp, CTRL)
    assert window.results.currentIndex() == 2
    assert fields(window) == before  # the zone stays what it was (not America/Nipigon)


def test_ctrl_tab_and_ctrl_w(qtbot: Any, three_tabs: MainWindow) -> None:
    window = three_tabs
    zone = window.builder.time_range.zone
    zone.setFocus()
    before = fields(window)
    qtbot.keyClick(zone, Qt.Key.Key_Tab, CTRL)
    assert window.results.currentIndex() == 1
    qtbot.keyClick(zone, Qt.Key.Key_Backtab, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.results.currentIndex() == 0
    qtbot.keyClick(zone, Qt.Key.Key_W, CTRL)
    assert window.results.count() == 2
    assert fields(window) == before
