"""The session list: a table view over SessionTableModel that repaints only what changes in sight.

While a long list arrives, rows are appended below those in sight: Qt lays the view out again
after each insertion and repaints all of it (6 to 10 ms of painting, stretched to 20 ms and
more when the workers and the API's server share the cores), for a picture that has not
changed. The view skips those repaints; it repaints as Qt does for anything else.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from explorer.services.sessions import TEXT_COLUMNS, SessionRecord
from explorer.ui.sessions.session_table_model import (
    BATCH_BUDGET_S,
    BATCH_ROWS,
    COLUMNS,
    DURATION,
    ENDED,
    FIRST_SCREEN,
    FIRST_TEXT,
    INSERT_INTERVAL_MS,
    LOADED,
    RECORD_ROLE,
    WIDTHS,
    SessionTableModel,
)

__all__ = [
    "BATCH_BUDGET_S",
    "BATCH_ROWS",
    "COLUMNS",
    "DURATION",
    "ENDED",
    "FIRST_SCREEN",
    "FIRST_TEXT",
    "INSERT_INTERVAL_MS",
    "LOADED",
    "RECORD_ROLE",
    "SessionTableModel",
    "SessionTableView",
]


class SessionTableView(QTableView):
    """Fixed row heights (no per-row measuring), sortable by header, rows selected whole."""

    def __init__(
        self, parent: QWidget | None = None, text_columns: Sequence[str] = TEXT_COLUMNS
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sessions")
        self.source = SessionTableModel(self, text_columns)
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
        for column in range(len(self.source.columns)):
            self.setColumnWidth(column, WIDTHS.get(column, 110))
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the API's order until a click
        # what the model did since the last layout (doItemsLayout): the first row it appended
        # at the end (-1: none), and whether it did anything else to its rows
        self._appended_from = -1
        self._reshaped = True
        model = self.source
        model.rowsInserted.connect(self._on_source_rows_inserted)
        for signal in (model.modelReset, model.layoutChanged, model.rowsRemoved, model.rowsMoved):
            signal.connect(self._on_source_reshaped)

    def doItemsLayout(self) -> None:
        """Lay the rows out again, as Qt asks after rows came or went; when rows were only
        appended below the last row in sight, update the scroll bars and paint nothing."""
        appended, self._appended_from = self._appended_from, -1
        reshaped, self._reshaped = self._reshaped, False
        if appended >= 0 and not reshaped:
            last_in_sight = self.rowAt(self.viewport().height() - 1)
            if 0 <= last_in_sight < appended:
                self.updateGeometries()
                return
        super().doItemsLayout()

    def _on_source_rows_inserted(
        self, _parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        if last == self.source.rowCount() - 1:  # at the end
            known = self._appended_from
            self._appended_from = first if known < 0 else min(known, first)
        else:
            self._reshaped = True

    def _on_source_reshaped(self, *_args: object) -> None:
        self._reshaped = True

    def selected_records(self) -> list[SessionRecord]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.source.record(row) for row in rows]
