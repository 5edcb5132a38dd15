"""File > Save exploration / Open exploration: the window's result tabs to and from a file
(explorer.domain.exploration), read and written on workers.

Opening restores each tab: the answer saved with it (if any) shows at once, marked as from the
file, and the question is asked again of the open source (of the same kind) to refresh it.
A file opened before the source is ready waits for it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.domain.exploration import SUFFIX, Exploration, ExplorationError, SavedTab
from explorer.domain.frames import Provenance
from explorer.domain.questions import source_kind
from explorer.services.exploration_files import (
    load_exploration,
    save_exploration,
    saved_answer,
    tab_data,
)

if TYPE_CHECKING:
    from explorer.ui.main_window import MainWindow

MESSAGE_MS = 8000
FILTER = f"Explorations (*{SUFFIX});;All files (*)"


def current_exploration(window: MainWindow, *, with_data: bool) -> Exploration | None:
    """The open result tabs that asked a question (None: there is none)."""
    tabs = []
    current = 0
    for page in window.results.pages():
        if page.query is None or source_kind(page.query) is None:
            continue
        if page is window.results.current_page():
            current = len(tabs)
        data = tab_data(page.result) if with_data and page.result is not None else None
        tabs.append(SavedTab(page.title, page.zone, page.query, page.builder_state, data))
    if not tabs:
        return None
    return Exploration(tuple(tabs), current, datetime.now(UTC))


def _write(
    exploration: Exploration, path: Path, _cancel: CancelToken, _progress: ProgressCallback
) -> Path:
    save_exploration(exploration, path)
    return path


def _read(path: Path, _cancel: CancelToken, _progress: ProgressCallback) -> Exploration:
    return load_exploration(path)


def save_to(window: MainWindow, path: Path, *, with_data: bool) -> bool:
    """Write the tabs to `path` on a worker; False (and a message) when there is nothing."""
    exploration = current_exploration(window, with_data=with_data)
    if exploration is None:
        window.status.showMessage("No tab has a question to save yet.", MESSAGE_MS)
        return False
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    window.runner.run(
        _write, exploration, path, owner=window, slot="exploration/save",
        label="Saving the exploration",
        done=lambda written: window.status.showMessage(f"Saved {written}", MESSAGE_MS),
        failed=lambda error: window.status.showMessage(
            f"The exploration was not saved: {error}", MESSAGE_MS
        ),
    )  # fmt: skip
    return True


def ask_and_save(window: MainWindow, *, with_data: bool) -> None:
    """File > Save exploration…: where, then `save_to`."""
    start = str(Path.home() / f"exploration{SUFFIX}")
    name, _ = QFileDialog.getSaveFileName(window, "Save exploration", start, FILTER)
    if name:
        save_to(window, Path(name), with_data=with_data)


def ask_and_open(window: MainWindow) -> None:
    """File > Open exploration…: which file, then `open_file`."""
    name, _ = QFileDialog.getOpenFileName(window, "Open exploration", str(Path.home()), FILTER)
    if name:
        open_file(window, Path(name))


def open_file(window: MainWindow, path: Path) -> None:
    """Read `path` on a worker, then restore its tabs (once the source is ready)."""
    window.runner.run(
        _read, path, owner=window, slot="exploration/open", label="Opening the exploration",
        done=lambda exploration: restore(window, exploration),
        failed=lambda error: window.status.showMessage(
            str(error) if isinstance(error, ExplorationError) else f"{path}: {error}", 15_000
        ),
    )  # fmt: skip


def restore(window: MainWindow, exploration: Exploration) -> list[Any]:
    """One new tab per saved tab, its saved answer shown at once and its question asked again
    of the open source; the file's current tab made current. The pages made."""
    pages = []
    for tab in exploration.tabs:
        page = window.results.new_page()
        page.query, page.zone, page._title = tab.question, tab.zone, tab.title
        page.builder_state = tab.builder
        page.source = "the exploration file"
        window.results.retitle(page)
        answer = saved_answer(tab)
        if answer is not None:
            saved = exploration.saved_at or datetime.now(UTC)
            page.show_result(replace(answer, provenance=Provenance(saved, offline=True)), saved)
        else:
            page.intro.setText(f"{tab.title}: waiting for the data source to ask it again…")
        pages.append(page)
    window.results.setCurrentWidget(pages[exploration.current])
    window.refresh_restored(list(zip(pages, exploration.tabs, strict=True)))
    return pages


# --- the result tabs of the last run, back on launch ----------------------------------------

OPEN_TABS_KEY = "tabs/open"  # the settings' copy of the open tabs (an exploration, no data)


def remember_open_tabs(window: MainWindow) -> None:
    """Keep the open tabs' questions in the settings (small: no data) for the next launch."""
    exploration = current_exploration(window, with_data=False)
    window.settings.setValue(OPEN_TABS_KEY, exploration.to_json() if exploration else "")


def restore_open_tabs(window: MainWindow) -> list[Any]:
    """The last run's tabs, once a source is open: each answered at once from the local
    store where it keeps an answer, then asked again. A copy that cannot be read is
    dropped (logged)."""
    raw = window.settings.value(OPEN_TABS_KEY)
    window.settings.remove(OPEN_TABS_KEY)  # once: a new run keeps its own
    if not raw:
        return []
    try:
        from explorer.domain.exploration import read_exploration

        exploration = read_exploration(str(raw))
    except ExplorationError as error:
        window.status.showMessage(f"The last run's tabs could not be restored: {error}", 15_000)
        return []
    empty = window.results.current_page()
    pages = []
    for tab in exploration.tabs:
        page = window.results.new_page()
        page.query, page.zone, page._title = tab.question, tab.zone, tab.title
        page.builder_state = tab.builder
        window.results.retitle(page)
        pages.append(page)
    if empty is not None and empty.query is None:
        window.results.tabCloseRequested.emit(window.results.indexOf(empty))
    window.results.setCurrentWidget(pages[exploration.current])
    for page, tab in zip(pages, exploration.tabs, strict=True):
        window.runner.run(
            _stored, window.workspace, tab.question, owner=page, slot="stored",
            label="Reading a stored answer",
            done=lambda answer, p=page, t=tab: _show_then_refresh(window, p, t, answer),
            failed=lambda _error, p=page, t=tab: window.refresh_restored([(p, t)]),
        )  # fmt: skip
    return pages


def _stored(workspace: Any, question: Any, _cancel: CancelToken, _p: ProgressCallback) -> Any:
    """The local store's last answer to the question (None: none kept, or no store)."""
    cache = getattr(workspace, "cache", None)
    return cache.result(question) if cache is not None else None


def _show_then_refresh(window: MainWindow, page: Any, tab: SavedTab, answer: Any) -> None:
    if answer is not None:
        page.show_result(answer, datetime.now(UTC))
        window.results.retitle(page)
    window.refresh_restored([(page, tab)])
