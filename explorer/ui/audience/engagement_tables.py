"""The Retention tab's tables: each video's (or split value's) figures, sortable, and the viewer
report of a metadata key ("who watched what"); estimates are labelled as such."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.engagement import Engagement, ViewerRow
from explorer.services.retention_sampling import Sample
from explorer.ui.common.formatting import format_length

FIGURE_HEADERS = [
    ("", "video, or the split's value"),
    ("Sessions", "sessions in the sample"),
    ("Played", "sessions where some media played"),
    ("Completed", "of those, the share that reached 95% of the length or sent end"),
    ("Avg watched", "average share of the length watched (union of what played)"),
    ("Median watched", "median share of the length watched"),
    ("Median watch time", "media time played, repeats counted"),
    ("Est. ready", "estimate: loadedAt to the first ready, median"),
    ("Est. to first play", "estimate: the first ready to the first play, median"),
    ("Est. never played", "estimate: sessions ready but never played"),
    ("Est. stall", "estimate: wall-clock time playing minus media advanced, median"),
]


def _cell(text: str) -> QTableWidgetItem:
    """A read-only cell of text."""
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class _NumericItem(QTableWidgetItem):
    """A cell that sorts by its number, not its text; absent numbers sort first."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.data(Qt.ItemDataRole.UserRole)
        theirs = other.data(Qt.ItemDataRole.UserRole)
        if mine is None or theirs is None:
            return bool(theirs is not None and mine is None)
        return bool(float(mine) < float(theirs))


def _number(text: str, value: float | None) -> QTableWidgetItem:
    item = _NumericItem(text if value is not None else "—")
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setData(Qt.ItemDataRole.UserRole, value)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _share(value: float | None) -> QTableWidgetItem:
    return _number(f"{100 * value:.1f}%" if value is not None else "", value)


def _seconds(value: float | None) -> QTableWidgetItem:
    if value is None:
        return _number("", None)
    return _number(format_length(value) if value >= 60 else f"{value:.1f} s", value)


class FiguresTable(QTableWidget):
    """One row per video (or per value of a split), its figures; click a header to sort."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(FIGURE_HEADERS), parent)
        self.setAccessibleName("Engagement figures")
        for column, (title, tip) in enumerate(FIGURE_HEADERS):
            header = QTableWidgetItem(title)
            header.setToolTip(tip)
            self.setHorizontalHeaderItem(column, header)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)

    def show_figures(self, rows: Sequence[tuple[str, Engagement]], sample: Sample | None) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(len(rows))
        for row, (name, f) in enumerate(rows):
            cells = [
                _cell(name), _number(f"{f.sessions:,}", f.sessions),
                _number(f"{f.played:,}", f.played), _share(f.completion_rate),
                _share(f.mean_watched), _share(f.median_watched),
                _seconds(f.median_watch_time_s), _seconds(f.median_ready_s),
                _seconds(f.median_to_first_play_s),
                _number(f"{f.ready_never_played:,}", f.ready_never_played),
                _seconds(f.median_stall_s),
            ]  # fmt: skip
            for column, item in enumerate(cells):
                self.setItem(row, column, item)
        self.setSortingEnabled(True)
        self.resizeColumnsToContents()
        basis = sample.label if sample is not None else ""
        self.setToolTip(f"From {basis}; est.: estimates from the events" if basis else "")


VIEWER_HEADERS = ["Value", "Sessions", "Watched", "Completed", "Last seen (UTC)"]


class ViewersPanel(QWidget):
    """A metadata key (`learner`, say) and one row per value: its sessions, the share of the
    video watched over all of them, whether any completed, when last seen."""

    report_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = QLineEdit(self)
        self.key.setAccessibleName("Viewer metadata key")
        self.key.setPlaceholderText("metadata key, e.g. learner")
        self.button = QPushButton("Report", self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(VIEWER_HEADERS), self)
        self.table.setAccessibleName("Viewer report")
        self.table.setHorizontalHeaderLabels(VIEWER_HEADERS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.note)
        column.addWidget(self.table, 1)
        self.button.clicked.connect(self._ask)
        self.key.returnPressed.connect(self._ask)

    def _ask(self) -> None:
        key = self.key.text().strip()
        if not key:
            self.say("Type a metadata key that your player sends (learner, user, cohort…).")
            return
        self.report_requested.emit(key)

    def say(self, text: str) -> None:
        self.note.setText(text)

    def show_rows(self, key: str, rows: Sequence[ViewerRow], sample: Sample) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for index, r in enumerate(rows):
            seen = (
                datetime.fromtimestamp(r.last_seen, UTC).strftime("%Y-%m-%d %H:%M")
                if r.last_seen is not None
                else "—"
            )
            cells = [
                _cell(r.value), _number(f"{r.sessions:,}", r.sessions), _share(r.watched),
                _cell("yes" if r.completed else "no"), _cell(seen),
            ]  # fmt: skip
            for column, item in enumerate(cells):
                self.table.setItem(index, column, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        if rows:
            partial = (
                "" if sample.complete else " (a SAMPLE: fetch every session for a full report)"
            )
            self.say(f"{len(rows):,} values of {key!r} in {sample.label}{partial}.")
        else:
            self.say(f"No session of {sample.label} has the metadata key {key!r}.")
