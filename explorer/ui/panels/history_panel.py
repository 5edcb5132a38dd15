"""The query history side panel: search the account's questions, star one to keep it, forget
one, and re-run one (double-click or Enter) in a new tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.ui.bridge.tasks import TaskRunner

if TYPE_CHECKING:  # the store loads after the first paint
    from explorer.services.query_history import HistoryEntry, QueryHistory

STARRED, UNSTARRED = "★", "☆"


def _entries(
    history: QueryHistory, search: str, starred: bool, cancel: CancelToken, _p: ProgressCallback
) -> list[HistoryEntry]:
    cancel.raise_if_cancelled()
    return history.entries(search, starred_only=starred)


def _star(
    history: QueryHistory, entry_id: int, starred: bool, _c: CancelToken, _p: ProgressCallback
) -> bool:
    return history.star(entry_id, starred)


def _forget(history: QueryHistory, entry_id: int, _c: CancelToken, _p: ProgressCallback) -> bool:
    return history.forget(entry_id)


class HistoryPanel(QWidget):
    """Lists a `QueryHistory` (read on workers); `rerun_requested(question)` asks the window
    to run one again."""

    rerun_requested = Signal(object)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.history: QueryHistory | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search questions")
        self.search.setAccessibleName("Search the query history")
        self.search.setClearButtonEnabled(True)
        self.starred_only = QCheckBox("Starred only", self)
        self.starred_only.setAccessibleName("Show only starred questions")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Questions asked")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Query history note")
        self.star_button = QPushButton("Star", self)
        self.star_button.setToolTip("Keep this question (starred ones are never dropped)")
        self.forget_button = QPushButton("Forget", self)
        self.run_button = QPushButton("Run again", self)
        self.run_button.setToolTip("Ask it again in a new tab (or double-click it)")
        buttons = QHBoxLayout()
        for button, name in (
            (self.star_button, "Star or unstar the question"),
            (self.forget_button, "Forget the question"),
            (self.run_button, "Run the question again"),
        ):
            button.setAccessibleName(name)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.starred_only)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.starred_only.toggled.connect(self._on_starred_only_toggled)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.star_button.clicked.connect(self._on_star_button_clicked)
        self.forget_button.clicked.connect(self._on_forget_button_clicked)
        self.run_button.clicked.connect(self._on_run_button_clicked)
        self._show_buttons()

    def set_history(self, history: QueryHistory | None) -> None:
        """The account's history (None: no store in this run)."""
        self.history = history
        self.refresh()

    def refresh(self) -> None:
        if self.history is None:
            self.list.clear()
            self.note.setText("There is no local store in this run: nothing is kept.")
            return
        self.runner.run(
            _entries, self.history, self.search.text(), self.starred_only.isChecked(),
            owner=self, slot="history", label="Reading the query history",
            done=self._show_entries, failed=self._show_failure,
        )  # fmt: skip

    def current_entry(self) -> HistoryEntry | None:
        item = self.list.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return entry if entry is not None and hasattr(entry, "entry_id") else None

    def _show_entries(self, entries: list[HistoryEntry]) -> None:
        chosen = self.current_entry()
        self.list.clear()
        for entry in entries:
            mark = STARRED if entry.starred else UNSTARRED
            item = QListWidgetItem(f"{mark} {entry.label}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            times = f", {entry.times} times" if entry.times > 1 else ""
            item.setToolTip(
                f"{entry.label}\nlast asked {entry.asked_at:%Y-%m-%d %H:%M} UTC{times}"
                + (f"\ncannot be run: {entry.problem}" if entry.question is None else "")
            )
            self.list.addItem(item)
            if chosen is not None and entry.entry_id == chosen.entry_id:
                self.list.setCurrentItem(item)
        self.note.setText("" if entries else "No question asked yet matches.")
        self._show_buttons()

    def _show_failure(self, error: BaseException) -> None:
        self.note.setText(f"The query history could not be read: {error}")

    def _show_buttons(self) -> None:
        entry = self.current_entry()
        for button in (self.star_button, self.forget_button):
            button.setEnabled(entry is not None)
        self.run_button.setEnabled(entry is not None and entry.question is not None)
        self.star_button.setText("Unstar" if entry is not None and entry.starred else "Star")

    def _changed(self, _outcome: Any = None) -> None:
        self.refresh()

    def _on_search_text_changed(self, _text: str) -> None:
        self.refresh()

    def _on_starred_only_toggled(self, _checked: bool) -> None:
        self.refresh()

    def _on_list_current_item_changed(self, *_items: object) -> None:
        self._show_buttons()

    def _on_list_item_activated(self, _item: QListWidgetItem) -> None:
        self._on_run_button_clicked()

    def _on_star_button_clicked(self) -> None:
        entry = self.current_entry()
        if entry is not None and self.history is not None:
            self.runner.run(
                _star, self.history, entry.entry_id, not entry.starred, owner=self,
                label="Starring a question", done=self._changed, failed=self._show_failure,
            )  # fmt: skip

    def _on_forget_button_clicked(self) -> None:
        entry = self.current_entry()
        if entry is not None and self.history is not None:
            self.runner.run(
                _forget, self.history, entry.entry_id, owner=self,
                label="Forgetting a question", done=self._changed, failed=self._show_failure,
            )  # fmt: skip

    def _on_run_button_clicked(self) -> None:
        entry = self.current_entry()
        if entry is not None and entry.question is not None:
            self.rerun_requested.emit(entry.question)
