"""The command palette (Ctrl+K) on the real sandbox: it opens centred over the window, and Enter
on what was typed scopes the builder to a video, triggers a menu action or asks a question of
the history again in a new tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from explorer.domain.catalogue import Endpoint
from explorer.domain.fuzzy import rank
from explorer.services.query_history import HistoryEntry
from explorer.services.store_admin import StoreAdmin
from explorer.store import Store, open_store
from explorer.ui.dialogs.command_palette import CommandPalette
from explorer.ui.main_window import MainWindow
from explorer.ui.palette_sources import action_entries, ago, question_entries
from tests.ui.conftest import wait_idle
from tests.ui.test_main_window import build

CTRL = Qt.KeyboardModifier.ControlModifier
WAIT_MS = 60_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store.sqlite3").store as opened:
        yield opened


@pytest.fixture
def shown(qtbot: Any, ready_window: MainWindow) -> MainWindow:
    window = ready_window
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    return window


def press_ctrl_k(qtbot: Any, window: MainWindow) -> CommandPalette:
    qtbot.keyClick(window.results, Qt.Key.Key_K, CTRL)
    qtbot.waitUntil(
        lambda: window.command_palette is not None and window.command_palette.isVisible(),
        timeout=WAIT_MS,
    )
    palette = window.command_palette
    assert palette is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is palette, timeout=WAIT_MS)
    return palette


def type_and_enter(qtbot: Any, palette: CommandPalette, text: str) -> None:
    qtbot.keyClicks(palette.search, text)
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)


def test_ctrl_k_opens_the_palette_centred_over_the_window(qtbot: Any, shown: MainWindow) -> None:
    palette = press_ctrl_k(qtbot, shown)
    centre = shown.mapToGlobal(shown.rect().center())
    middle = palette.mapToGlobal(palette.rect().center())
    assert abs(middle.x() - centre.x()) <= 2 and abs(middle.y() - centre.y()) <= 2
    assert palette.width() < shown.width() and palette.height() < shown.height()
    assert palette.search.hasFocus() or QApplication.focusWidget() is palette.search
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shown.command_palette is None, timeout=WAIT_MS)


def test_the_shortcut_is_listed_in_the_view_menu_and_the_shortcut_list(shown: MainWindow) -> None:
    keys = [a.shortcut().toString() for a in shown.actions() if a.shortcut().toString()]
    assert keys.count("Ctrl+K") == 1
    assert "Ctrl+K" in shown.show_shortcuts().text.toPlainText()


def test_a_video_typed_and_entered_scopes_the_builder_like_a_click_in_the_tree(
    qtbot: Any, shown: MainWindow
) -> None:
    window = shown
    video = next(a for a in window.asset_panel.assets.items if a.title == "Spring ad")
    assert window.builder.scope_ids() != (video.asset_id,)
    palette = press_ctrl_k(qtbot, window)
    qtbot.keyClicks(palette.search, "spring")
    qtbot.waitUntil(lambda: palette.current() is not None, timeout=WAIT_MS)
    current = palette.current()
    assert current is not None and (current.title, current.kind) == ("Spring ad", "Video")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.builder.scope_ids() == (video.asset_id,), timeout=WAIT_MS)
    assert window.asset_panel.current_media() == (video.asset_id, "video", "Spring ad")
    tree = window.asset_panel.tree
    assert tree.isExpanded(tree.currentIndex().parent())  # its row is in sight
    qtbot.waitUntil(lambda: window.command_palette is None, timeout=WAIT_MS)


def test_an_action_typed_and_entered_is_triggered(qtbot: Any, shown: MainWindow) -> None:
    window = shown
    tabs = window.results.count()
    palette = press_ctrl_k(qtbot, window)
    qtbot.keyClicks(palette.search, "new tab")
    current = palette.current()
    assert current is not None and current.title == "New tab"
    assert current.kind == "Action · Ctrl+T"
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results.count() == tabs + 1, timeout=WAIT_MS)


def test_up_down_choose_and_escape_runs_nothing(qtbot: Any, shown: MainWindow) -> None:
    window = shown
    tabs = window.results.count()
    palette = press_ctrl_k(qtbot, window)
    qtbot.keyClicks(palette.search, "tab")
    titles = [entry.title for entry in palette.shown()]
    assert titles[0] == "New tab" and len(titles) >= 3
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)
    qtbot.keyClick(palette.search, Qt.Key.Key_Up)
    current = palette.current()
    assert current is not None and current.title == titles[1]
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.command_palette is None, timeout=WAIT_MS)
    assert window.results.count() == tabs


def test_nothing_matching_says_so(qtbot: Any, shown: MainWindow) -> None:
    palette = press_ctrl_k(qtbot, shown)
    qtbot.keyClicks(palette.search, "qqqzzz")
    assert palette.shown() == [] and palette.current() is None
    assert palette.note.text() == "Nothing matches “qqqzzz”."
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)  # nothing to run: the palette stays
    assert shown.command_palette is palette


def test_questions_asked_are_offered_starred_first_and_run_again_in_a_new_tab(
    qtbot: Any, shown: MainWindow, store: Store
) -> None:
    window = shown
    window.store_admin = StoreAdmin(store)
    build(window, Endpoint.BUCKETS, "play", breakdown="country")
    first = window.run_query()
    assert first is not None
    qtbot.waitUntil(lambda: not first.running, timeout=WAIT_MS)
    wait_idle(qtbot, window.runner)  # kept before the next is asked: the order is the history's
    asked = first.query  # the page asks the next question too
    build(window, Endpoint.METRICS, "watch-time", aggregation="sum")
    second = window.run_query()
    assert second is not None
    qtbot.waitUntil(lambda: not second.running, timeout=WAIT_MS)
    wait_idle(qtbot, window.runner)
    history = window.query_history()
    assert history is not None
    older = history.entries()[1]
    assert older.question == asked
    history.star(older.entry_id)

    palette = press_ctrl_k(qtbot, window)
    qtbot.waitUntil(lambda: len(palette.shown()) > 2 + 30, timeout=WAIT_MS)  # + the questions
    top = palette.shown()
    assert [(e.title, e.kind) for e in top[:2]] == [
        (older.label, "Starred question ★"),
        (history.entries()[0].label, "Question asked just now"),
    ]
    assert top[2].kind.startswith("Action")

    tabs = window.results.count()
    qtbot.keyClicks(palette.search, "by country")
    current = palette.current()
    assert current is not None and current.title == older.label
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results.count() == tabs + 1, timeout=WAIT_MS)
    page = window.results.current_page()
    assert page is not None and page.query == asked
    qtbot.waitUntil(lambda: not page.running, timeout=WAIT_MS)
    assert page.breakdown_view is not None


def test_going_back_to_the_window_closes_it_as_a_popup(qtbot: Any, shown: MainWindow) -> None:
    press_ctrl_k(qtbot, shown)
    shown.activateWindow()
    qtbot.waitUntil(lambda: shown.command_palette is None, timeout=WAIT_MS)  # closed, let go


def test_disabled_actions_and_the_palette_itself_are_not_offered(ready_window: MainWindow) -> None:
    window = ready_window
    titles = [title for title, _kind, _run in action_entries(window)]
    assert "Keyboard shortcuts" in titles and "Theme: Dark" in titles
    assert "Command palette" not in titles
    assert not window.remote_exports_action.isEnabled()  # api.video has no export jobs
    assert "Export jobs on the server" not in titles
    window.remote_exports_action.setEnabled(True)
    assert "Export jobs on the server" in [title for title, _k, _r in action_entries(window)]


def test_questions_starred_first_unreadable_left_out_and_their_age_said() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    asked: list[object] = []

    def entry(number: int, age: timedelta, starred: bool, readable: bool = True) -> HistoryEntry:
        question = f"question {number}" if readable else None
        return HistoryEntry(number, f"q{number}", now - age, 1, starred, question)  # type: ignore[arg-type]

    entries = [
        entry(1, timedelta(seconds=20), False),
        entry(2, timedelta(minutes=5, seconds=40), False, readable=False),
        entry(3, timedelta(hours=2, minutes=1), False),
        entry(4, timedelta(days=1, hours=3), True),
    ]
    offered = question_entries(entries, asked.append, now)
    assert [(title, kind) for title, kind, _run in offered] == [
        ("q4", "Starred question ★"),
        ("q1", "Question asked just now"),
        ("q3", "Question asked 2 hours ago"),
    ]
    offered[2][2]()
    assert asked == ["question 3"]
    assert ago(now - timedelta(minutes=5, seconds=40), now) == "5 minutes ago"


def test_typing_on_and_back_lists_what_a_fresh_search_would(qtbot: Any, shown: MainWindow) -> None:
    palette = press_ctrl_k(qtbot, shown)

    def fresh() -> list[str]:
        found = rank(palette.search.text(), palette.entries(), lambda entry: entry.title)
        return [entry.title for entry in found]

    counts = []
    for key in "ses":  # each letter narrows what the last search matched
        qtbot.keyClick(palette.search, key)
        assert [e.title for e in palette.shown()] == fresh()
        counts.append(len(fresh()))
    assert counts[0] > counts[-1] > 0
    qtbot.keyClick(palette.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(palette.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(palette.search, "a")  # "sa": not an extension of "ses"
    assert [e.title for e in palette.shown()] == fresh()
    ses = [e.title for e in rank("ses", palette.entries(), lambda entry: entry.title)]
    assert "Save exploration" in fresh() and "Save exploration" not in ses  # found again


def test_a_saved_group_typed_and_entered_scopes_the_builder_to_its_videos(
    qtbot: Any, shown: MainWindow
) -> None:
    from explorer.domain.asset_groups import AssetGroup

    window = shown
    videos = [a for a in window.asset_panel.assets.items if a.kind == "video"][:2]
    ids = tuple(v.asset_id for v in videos)
    assert window.asset_panel.shelf.add(AssetGroup.picked("Course lessons", ids)) == []
    palette = press_ctrl_k(qtbot, window)
    qtbot.keyClicks(palette.search, "course less")
    qtbot.waitUntil(lambda: palette.current() is not None, timeout=WAIT_MS)
    current = palette.current()
    assert current is not None and current.title == "Course lessons"
    assert current.kind == "Asset group · 2 videos"
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: set(window.builder.scope_ids()) == set(ids), timeout=WAIT_MS)
    assert "Course lessons" in window.builder.scope_label.text()
