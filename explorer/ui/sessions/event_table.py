"""A session's events as a sortable table (one row per event as received), synced to the chart."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from explorer.domain.timeline import Timeline
from explorer.domain.timerange import as_zone
from explorer.services.sessions import SessionEvent

Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole + 40
HEADER = ("#", "Type", "Emitted at", "At (s)", "From (s)", "To (s)", "Note")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def notes_for(events: list[SessionEvent], timeline: Timeline) -> list[str]:
    """Why a row looks the way it does on the chart (or is not on it)."""
    drawn = {p.index: p for p in timeline.points}
    notes = []
    for index, event in enumerate(events):
        point = drawn.get(index)
        if event.emitted_at is None:
            notes.append("no time: not drawn")
        elif point is None:
            notes.append("duplicate: not drawn")
        elif point.kind == "other":
            notes.append("unknown type: drawn as other")
        elif point.estimated:
            notes.append("no position: drawn where the playhead was")
        else:
            notes.append("")
    return notes


class EventTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[SessionEvent] = []
        self._notes: list[str] = []
        self._zone = as_zone("UTC")

    def set_events(self, events: list[SessionEvent], timeline: Timeline, zone: str) -> None:
        self.beginResetModel()
        self._events, self._zone = list(events), as_zone(zone)
        self._notes = notes_for(self._events, timeline)
        self.endResetModel()

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(HEADER)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        event = self._events[row]
        if role == SORT_ROLE:
            return self._key(row, event, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3, 4, 5):
            return _RIGHT
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == 0:
            return str(row)
        if column == 1:
            return event.type
        if column == 2:
            if event.emitted_at is None:
                return ""
            moment = event.emitted_at.astimezone(self._zone)
            return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        if column == 6:
            return self._notes[row]
        return _number((event.at, event.start, event.to)[column - 3])

    def _key(self, row: int, event: SessionEvent, column: int) -> Any:
        if column == 0:
            return row
        if column == 2:
            return event.emitted_at.timestamp() if event.emitted_at else math.inf
        if column in (3, 4, 5):
            value = (event.at, event.start, event.to)[column - 3]
            return math.inf if value is None else value
        return str(self.data(self.index(row, column)) or "")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 2:
            return f"Emitted at ({self._zone.key})"
        return HEADER[section] if 0 <= section < len(HEADER) else None


class EventTableView(QTableView):
    """``event_selected(index)`` when the person picks a row (its index in the event list)."""

    event_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session events")
        self.source = EventTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSourceModel(self.source)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._quiet = False  # selecting on the chart's behalf: do not echo it back
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.selectionModel().currentRowChanged.connect(self._on_selection_current_row_changed)

    def set_events(self, events: list[SessionEvent], timeline: Timeline, zone: str) -> None:
        self.source.set_events(events, timeline, zone)
        self.resizeColumnsToContents()

    def select_event(self, index: int) -> None:
        """Make the row of this event current and visible, without announcing it."""
        source = self.source.index(index, 0)
        row = self.proxy.mapFromSource(source)
        if not row.isValid():
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self._quiet = True
        try:
            self.selectionModel().setCurrentIndex(row, flags)
        finally:
            self._quiet = False
        self.scrollTo(row)

    def selected_event(self) -> int | None:
        current = self.selectionModel().currentIndex()
        if not current.isValid() or not self.selectionModel().isRowSelected(current.row()):
            return None
        return self.proxy.mapToSource(current).row()

    def _on_selection_current_row_changed(self, current: QModelIndex, _old: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            self.event_selected.emit(self.proxy.mapToSource(current).row())
