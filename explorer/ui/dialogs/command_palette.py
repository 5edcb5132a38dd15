"""The command palette (Ctrl+K): a search line over entries from several sources (the window's
actions, its assets, the questions asked...), fuzzy-matched; Enter runs the chosen entry.

The palette knows entries only: a title, what it is, and what to do. The window gives each source
as a function returning ``(title, kind, run)`` triples (`explorer/ui/palette_sources.py`); a
source that needs the disk fills in later with `set_entries`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.fuzzy import rank

MAX_SHOWN = 200  # rows drawn at once: a search narrows the rest
WIDTH, HEIGHT = 620, 420


class Entry(NamedTuple):
    """One thing the palette offers: its title, what it is ("Video", "Action · Ctrl+E"…) and
    what choosing it does."""

    title: str
    kind: str
    run: Callable[[], Any]


Triple = tuple[str, str, Callable[[], Any]]  # (title, kind, run): what a source gives
Provider = Callable[[], Iterable[Triple]]
_MOVES = {
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_PageUp: -10,
    Qt.Key.Key_PageDown: 10,
}


class CommandPalette(QDialog):
    """A frameless box centred over its parent: type to narrow, Up/Down to choose, Enter to
    run, Escape (or a click in another window) to close. (Not a Qt popup: one grabs the
    keyboard and mouse, which some platforms refuse.)"""

    def __init__(self, parent: QWidget, sources: Mapping[str, Provider]) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("command-palette")
        self.setAccessibleName("Command palette")
        self.setStyleSheet("#command-palette { border: 1px solid palette(dark); }")  # no frame
        self._order = list(sources)  # an empty search shows the sources in this order
        self._entries: dict[str, list[Entry]] = {name: [] for name in sources}
        self._shown: list[Entry] = []  # the list's rows, top first
        self._pool: tuple[str, list[Entry]] = ("", [])  # the last search's letters, its matches
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type a command, an asset or a question asked before")
        self.search.setAccessibleName("Search commands, assets and questions")
        self.search.setClearButtonEnabled(True)
        self.list = QTreeWidget(self)
        self.list.setAccessibleName("Matching commands, assets and questions")
        self.list.setColumnCount(2)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the search line
        self.note = QLabel(self)
        self.note.setAccessibleName("Command palette note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        self.search.installEventFilter(self)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self.run_current)
        self.list.itemActivated.connect(self._on_list_item_activated)
        for name, provider in sources.items():
            self.set_entries(name, provider())

    def set_entries(self, source: str, entries: Iterable[Triple]) -> None:
        """A source's entries (again): the list shows them at once, the search kept."""
        self._entries[source] = [Entry(*entry) for entry in entries]
        self._pool = ("", [])  # every entry is a candidate again
        if source not in self._order:
            self._order.append(source)
        self._show()

    def entries(self) -> list[Entry]:
        """Every entry, sources in order."""
        return [entry for name in self._order for entry in self._entries.get(name, [])]

    def shown(self) -> list[Entry]:
        """The entries listed now, top first."""
        return list(self._shown)

    def current(self) -> Entry | None:
        """The entry Enter would run (the top one until Up/Down move)."""
        item = self.list.currentItem()
        row = self.list.indexOfTopLevelItem(item) if item is not None else -1
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def popup(self) -> None:
        """Show it centred over the parent window, the search line ready."""
        parent = self.parentWidget()
        width = min(WIDTH, max(parent.width() - 40, 320))
        height = min(HEIGHT, max(parent.height() - 80, 200))
        self.resize(width, height)
        centre = parent.mapToGlobal(QPoint(parent.width() // 2, parent.height() // 2))
        self.move(centre.x() - width // 2, centre.y() - height // 2)
        self.show()
        self.activateWindow()
        self.search.setFocus()

    def run_current(self) -> None:
        """Close, then do what the chosen entry does."""
        entry = self.current()
        if entry is None:
            return
        self.accept()
        entry.run()

    def _candidates(self, needle: str) -> list[Entry]:
        """What can match ``needle``: when it only adds letters to the last search, the entries
        that matched that (fewer to score with each letter typed), else every entry."""
        last, matched = self._pool
        return matched if last and needle.startswith(last) else self.entries()

    def _show(self) -> None:
        needle = "".join(self.search.text().casefold().split())
        candidates = self._candidates(needle)
        found = rank(self.search.text(), candidates, lambda entry: entry.title)
        kept = {id(entry) for entry in found}
        self._pool = (needle, [entry for entry in candidates if id(entry) in kept])
        self.list.clear()
        self._shown = found[:MAX_SHOWN]
        for entry in self._shown:
            item = QTreeWidgetItem([entry.title, entry.kind])
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{entry.title}, {entry.kind}")
            item.setToolTip(0, f"{entry.title} ({entry.kind})")
            item.setForeground(1, self.palette().placeholderText())
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        if found:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self.list.resizeColumnToContents(1)
        self.list.header().setStretchLastSection(False)
        self.list.header().setSectionResizeMode(0, self.list.header().ResizeMode.Stretch)
        more = len(found) - MAX_SHOWN
        text = search_note(self.search.text(), len(found), more)
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowDeactivate and self.isVisible():
            self.reject()  # a click elsewhere closes it, as a popup would
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = _MOVES.get(Qt.Key(event.key()))
            if step is not None:
                self._move(step)
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        count = self.list.topLevelItemCount()
        if not count:
            return
        item = self.list.currentItem()
        row = self.list.indexOfTopLevelItem(item) if item is not None else -1
        self.list.setCurrentItem(self.list.topLevelItem(max(0, min(count - 1, row + step))))

    def _on_search_text_changed(self, _text: str) -> None:
        self._show()

    def _on_list_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.list.setCurrentItem(item)
        self.run_current()


def search_note(search: str, found: int, more: int) -> str:
    """What the line under the list says: nothing matches, or how many are not drawn."""
    if not found and search.strip():
        return f"Nothing matches “{search.strip()}”."
    if more > 0:
        return f"{more} more: type more of the name to narrow the list."
    return ""
