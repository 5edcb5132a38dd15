"""The custom range editor sends what it shows (issue 15.5): no seconds of "now" hidden."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QDateTimeEdit

from explorer.domain.timerange import as_zone
from explorer.ui.builders.choices import CUSTOM_RANGE
from explorer.ui.builders.time_range_editor import TimeRangeEditor

ZONE = "Europe/Paris"
NOW = datetime(2026, 12, 2, 19, 7, 58, 431_000, tzinfo=as_zone(ZONE))  # seconds to hide


@pytest.fixture
def editor(qtbot: Any) -> TimeRangeEditor:
    widget = TimeRangeEditor(lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_zone(ZONE)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(edit: QDateTimeEdit) -> datetime:
    """The bound as the edit displays it, read back with its own display format."""
    parsed = QDateTime.fromString(edit.text(), edit.displayFormat())
    assert parsed.isValid(), edit.text()
    date, time = parsed.date(), parsed.time()
    return datetime(
        date.year(), date.month(), date.day(), time.hour(), time.minute(), time.second(),
        tzinfo=as_zone(ZONE),
    )  # fmt: skip


def type_into(qtbot: Any, edit: QDateTimeEdit, text: str) -> None:
    """Type over the whole edit, section by section, as a person does."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


@pytest.mark.parametrize("preset", ["last_24_hours", "last_hour", "last_7_days", "today"])
def test_a_preset_turned_custom_sends_the_bounds_it_shows(
    editor: TimeRangeEditor, preset: str
) -> None:
    editor.set_preset(preset)
    editor.set_preset(CUSTOM_RANGE)
    start, end = editor.resolve()
    assert (start, end) == (shown(editor.start_edit), shown(editor.end_edit))
    assert start.second == end.second == 0 and start.microsecond == end.microsecond == 0


def test_typing_an_exact_hour_sends_exactly_that_hour(qtbot: Any, editor: TimeRangeEditor) -> None:
    editor.set_preset("last_24_hours")
    editor.set_preset(CUSTOM_RANGE)
    type_into(qtbot, editor.start_edit, "202612021800")
    type_into(qtbot, editor.end_edit, "202612021900")
    assert editor.start_edit.text() == "2026-12-02 18:00"
    assert editor.end_edit.text() == "2026-12-02 19:00"
    start, end = editor.resolve()
    assert start == datetime(2026, 12, 2, 18, 0, tzinfo=as_zone(ZONE))
    assert end - start == timedelta(hours=1)  # not 1 hour 58 seconds


def test_a_loaded_bound_with_seconds_shows_them(editor: TimeRangeEditor) -> None:
    start = datetime(2026, 12, 1, 18, 0, 12, tzinfo=as_zone(ZONE))
    end = datetime(2026, 12, 1, 19, 0, tzinfo=as_zone(ZONE))
    editor.set_custom(start, end)
    assert editor.start_edit.text() == "2026-12-01 18:00:12"  # not hidden behind HH:mm
    assert editor.end_edit.text() == "2026-12-01 19:00"
    assert editor.resolve() == (shown(editor.start_edit), shown(editor.end_edit)) == (start, end)
