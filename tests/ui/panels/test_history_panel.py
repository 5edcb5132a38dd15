"""The query history in the window: every question asked is kept for the account, the side
panel searches and stars them, and a double-click runs one again in a new tab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.services.store_admin import StoreAdmin
from explorer.store import Store, open_store
from explorer.ui.main_window import MainWindow
from tests.ui.conftest import PinnedWorkspace, wait_idle
from tests.ui.test_main_window import build, run


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store.sqlite3").store as opened:
        yield opened


def test_questions_asked_are_kept_searched_starred_and_run_again(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace, store: Store
) -> None:
    window = ready_window
    window.store_admin = StoreAdmin(store)
    build(window, Endpoint.BUCKETS, "play", breakdown="country")
    first = run(qtbot, window).query
    build(window, Endpoint.METRICS, "watch-time", aggregation="sum")
    run(qtbot, window)
    wait_idle(qtbot, window.runner)
    history = window.query_history()
    assert history is not None
    assert [e.question for e in history.entries()][1] == first

    window.toggle_history()
    panel = window.history_panel
    qtbot.waitUntil(lambda: panel.list.count() == 2, timeout=60_000)
    assert panel.list.item(0).text().startswith("☆ watch-time sum")
    panel.search.setText("by country")
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=60_000)
    panel.list.setCurrentRow(0)
    panel.star_button.click()
    qtbot.waitUntil(lambda: panel.list.item(0).text().startswith("★"), timeout=60_000)
    assert [e.label for e in history.entries(starred_only=True)] == [panel.list.item(0).text()[2:]]

    tabs = window.results.count()
    panel.list.itemActivated.emit(panel.list.item(0))  # double-click or Enter
    qtbot.waitUntil(lambda: window.results.count() == tabs + 1, timeout=60_000)
    page = window.results.current_page()
    assert page is not None and page.query == first
    qtbot.waitUntil(lambda: not page.running, timeout=60_000)
    assert page.breakdown_view is not None


def test_a_split_is_kept_and_run_again_as_a_split(
    qtbot: Any, ready_window: MainWindow, store: Store
) -> None:
    """A fan-out question (issue 18) goes into the history like any other and comes back whole."""
    from explorer.domain.splits import SplitAnswer, SplitQuestion

    window = ready_window
    window.store_admin = StoreAdmin(store)
    build(window, Endpoint.METRICS, "play", aggregation="count")
    assert window.builder.compare_editor.split_combo.set_value("device-type")
    asked = run(qtbot, window).query
    assert isinstance(asked, SplitQuestion)
    wait_idle(qtbot, window.runner)
    history = window.query_history()
    assert history is not None
    kept = history.entries()[0].question
    assert kept == asked
    page = window.rerun_question(kept)
    assert page is not None
    qtbot.waitUntil(lambda: not page.running, timeout=120_000)
    assert isinstance(page.result, SplitAnswer) and page.result.complete
