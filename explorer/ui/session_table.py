"""The session list: a table model that fills in batches as pages arrive, sorts and filters itself.

A QSortFilterProxyModel would call Python once per row to filter and once per comparison to
sort: seconds for 100,000 sessions, all on the GUI thread. This model keeps the rows shown as
an index array instead, filters with one pass over prepared search texts and sorts with
numpy, and inserts arriving rows in batches small enough to keep the GUI fluid.
"""

from __future__ import annotations

import math
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from explorer.domain.timerange import as_zone
from explorer.services.sessions import (
    ROW_CELLS,
    ROW_DURATION,
    ROW_ENDED,
    ROW_HAYSTACK,
    ROW_ID,
    ROW_LOADED,
    TEXT_COLUMNS,
    SessionRecord,
    SessionRow,
)

Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
COLUMNS = ("Loaded at", "Ended at", "Duration", *TEXT_COLUMNS)
LOADED, ENDED, DURATION = 0, 1, 2
FIRST_TEXT = 3
RECORD_ROLE = Qt.ItemDataRole.UserRole + 30
BATCH_ROWS = 2_000  # rows inserted per turn of the event loop at most
BATCH_BUDGET_S = 0.012  # and no longer than this per turn
INSERT_INTERVAL_MS = 250  # rows arriving later wait this long after the last insertion
FIRST_SCREEN = 200  # until the table holds this many, rows go in at once
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
WIDTHS = {LOADED: 185, ENDED: 185, DURATION: 80, FIRST_TEXT + 9: 260, FIRST_TEXT + 13: 190}


def format_length(seconds: float) -> str:
    """ "1:02:03", "4:05", "0:07"; "" for NaN; negative (clock skew) keeps its sign."""
    if math.isnan(seconds):
        return ""
    sign, rest = ("-" if seconds < 0 else ""), round(abs(seconds))
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"


class SessionTableModel(QAbstractTableModel):
    """Sessions as rows; ``counts_changed(shown, held)`` after every change of either."""

    counts_changed = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: list[SessionRow] = []
        self._shown = np.empty(0, np.int64)  # indices into _records, in display order
        self._queue: deque[SessionRow] = deque()
        self._needle = ""
        self._sort_column = -1
        self._descending = False
        self._keys: dict[int, np.ndarray] = {}  # sort keys per column, one per record
        self._zone = as_zone("UTC")
        self._drain = QTimer(self)
        self._drain.setSingleShot(True)
        self._drain.setInterval(0)
        self._drain.timeout.connect(self._on_drain_timeout)
        self._drained_at = 0.0

    # --- filling ---------------------------------------------------------------------------

    def clear(self) -> None:
        self._drain.stop()
        self._queue.clear()
        self.beginResetModel()
        self._records, self._shown, self._keys = [], np.empty(0, np.int64), {}
        self.endResetModel()
        self._announce()

    def append(self, records: list[SessionRow]) -> None:
        """Queue rows; they enter the table in batches on the next turns of the event loop:
        at once while the table is short of a screenful, else at most every INSERT_INTERVAL_MS
        (each insertion repaints the view, and a repaint under load is the costly part)."""
        self._queue.extend(records)
        if self._queue and not self._drain.isActive():
            waited = time.perf_counter() - self._drained_at
            soon = len(self._records) < FIRST_SCREEN
            delay = 0.0 if soon else max(0.0, INSERT_INTERVAL_MS / 1000 - waited)
            self._drain.start(round(delay * 1000))

    def flush(self) -> None:
        """Insert every queued row now (tests, and before reading the whole table)."""
        while self._queue:
            self._insert_batch(len(self._queue))

    @property
    def pending(self) -> int:
        return len(self._queue)

    def _on_drain_timeout(self) -> None:
        deadline = time.perf_counter() + BATCH_BUDGET_S
        while self._queue and time.perf_counter() < deadline:
            self._insert_batch(BATCH_ROWS // 4)
        self._drained_at = time.perf_counter()
        if self._queue:
            self._drain.start(0)

    def _insert_batch(self, limit: int) -> None:
        batch = [self._queue.popleft() for _ in range(min(limit, len(self._queue)))]
        start = len(self._records)
        self._records.extend(batch)
        for column in list(self._keys):
            self._keys[column] = np.concatenate(
                [self._keys[column], self._key_array(column, batch)]
            )
        new = np.arange(start, start + len(batch), dtype=np.int64)
        if self._needle:
            new = new[[self._needle in r[ROW_HAYSTACK] for r in batch]]
        if len(new):
            first = len(self._shown)
            self.beginInsertRows(_NO_PARENT, first, first + len(new) - 1)
            self._shown = np.concatenate([self._shown, new])
            self.endInsertRows()
            if self._sort_column >= 0:
                self._relayout(self._sorted(self._shown))
        self._announce()

    # --- reading ---------------------------------------------------------------------------

    @property
    def held(self) -> int:
        """Rows received (the filter aside), queued ones included."""
        return len(self._records) + len(self._queue)

    @property
    def shown(self) -> int:
        return len(self._shown)

    def record(self, row: int) -> SessionRecord:
        return SessionRecord._make(self._records[int(self._shown[row])])

    def row_of(self, session_id: str) -> int:
        """The displayed row of a session, -1 when it is not shown."""
        held = next((i for i, r in enumerate(self._records) if r[ROW_ID] == session_id), -1)
        rows = np.flatnonzero(self._shown == held) if held >= 0 else ()
        return int(rows[0]) if len(rows) else -1

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._records[int(self._shown[index.row()])]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(record, column)
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if len(text) > 30 else None
            return text
        if role == RECORD_ROLE:
            return SessionRecord._make(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == DURATION:
            return _RIGHT
        return None

    def multiData(self, index: Index, roles: QModelRoleDataSpan) -> None:
        """Every role a cell is painted with, in one call: a view asks for seven roles per
        cell, each a Python call that must take the GIL (under load from the workers that
        fetch the list, each take may wait for a thread switch)."""
        if not index.isValid():
            return
        record = self._records[int(self._shown[index.row()])]
        column = index.column()
        for item in roles:
            role = item.role()
            if role == _DISPLAY:
                item.setData(self._text(record, column))
            elif role == _ALIGNMENT and column == DURATION:
                item.setData(_RIGHT)
            else:
                item.clearData()

    def _text(self, record: SessionRow, column: int) -> str:
        if column in (LOADED, ENDED):
            seconds = record[ROW_LOADED] if column == LOADED else record[ROW_ENDED]
            if math.isnan(seconds):
                return "not ended" if column == ENDED else ""
            moment = datetime.fromtimestamp(seconds, UTC).astimezone(self._zone)
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        if column == DURATION:
            return format_length(record[ROW_DURATION])
        return record[ROW_CELLS][column - FIRST_TEXT]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section in (LOADED, ENDED):
            return f"{COLUMNS[section]} ({self._zone.key})"
        return COLUMNS[section] if 0 <= section < len(COLUMNS) else None

    # --- zone, filter, sort ----------------------------------------------------------------

    def set_zone(self, zone: str) -> None:
        self._zone = as_zone(zone)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, LOADED, ENDED)
        if self._shown.size:
            last = self.index(len(self._shown) - 1, ENDED)
            self.dataChanged.emit(self.index(0, LOADED), last)

    def set_filter(self, text: str) -> None:
        """Rows whose text columns contain ``text`` (any case); "" shows every row."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._needle = needle
        self.beginResetModel()
        if needle:
            picked = [i for i, r in enumerate(self._records) if needle in r[ROW_HAYSTACK]]
            shown = np.fromiter(picked, np.int64, len(picked))
        else:
            shown = np.arange(len(self._records), dtype=np.int64)
        self._shown = self._sorted(shown) if self._sort_column >= 0 else shown
        self.endResetModel()
        self._announce()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """By a column (stable; missing times and durations last); -1 is the API's order."""
        self._sort_column = column if 0 <= column < len(COLUMNS) else -1
        self._descending = order == Qt.SortOrder.DescendingOrder
        ordered = np.sort(self._shown) if self._sort_column < 0 else self._sorted(self._shown)
        self._relayout(ordered)

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        keys = self._keys.get(self._sort_column)
        if keys is None:
            keys = self._keys[self._sort_column] = self._key_array(self._sort_column, self._records)
        chosen = keys[rows]
        if self._descending and chosen.dtype.kind == "f":
            chosen = -chosen  # NaN stays NaN: still last
        order = np.argsort(chosen, kind="stable")
        if self._descending and chosen.dtype.kind != "f":
            order = order[::-1]
        return rows[order]

    @staticmethod
    def _key_array(column: int, records: list[SessionRow]) -> np.ndarray:
        if column in (LOADED, ENDED, DURATION):
            field = {LOADED: ROW_LOADED, ENDED: ROW_ENDED, DURATION: ROW_DURATION}[column]
            return np.fromiter((r[field] for r in records), np.float64, len(records))
        texts = [r[ROW_CELLS][column - FIRST_TEXT].casefold() for r in records]
        return np.array(texts, dtype=str) if texts else np.empty(0, dtype="<U1")

    def _relayout(self, ordered: np.ndarray) -> None:
        """Show ``ordered`` (a permutation of the rows shown), keeping selections on their
        sessions."""
        self.layoutAboutToBeChanged.emit()
        where = np.empty(len(self._records), np.int64)
        where[ordered] = np.arange(len(ordered), dtype=np.int64)
        persistent = self.persistentIndexList()
        moved = [
            self.index(int(where[self._shown[i.row()]]), i.column()) if i.isValid() else i
            for i in persistent
        ]
        self._shown = ordered
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _announce(self) -> None:
        self.counts_changed.emit(len(self._shown), self.held)


class SessionTableView(QTableView):
    """Fixed row heights (no per-row measuring), sortable by header, rows selected whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sessions")
        self.source = SessionTableModel(self)
        self.setModel(self.source)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column in range(len(COLUMNS)):
            self.setColumnWidth(column, WIDTHS.get(column, 110))
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the API's order until a click

    def selected_records(self) -> list[SessionRecord]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.source.record(row) for row in rows]
