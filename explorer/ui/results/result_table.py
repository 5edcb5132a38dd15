"""Result tables: a QAbstractTableModel over a result frame, sortable, and Ctrl+C copies TSV."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from explorer.domain.catalogue import BREAKDOWNS
from explorer.domain.frames import BucketFrame, Result, ScalarResult, TimeseriesFrame
from explorer.domain.referrers import SITE_BREAKDOWN
from explorer.services.result_tables import (
    dimension_text,
    result_table,
    titles_apply,
    value_header,
)
from explorer.ui.common.formatting import SHORT_TIME, format_short, is_averaged

Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()  # the invisible root, as a default argument
SORT_ROLE = Qt.ItemDataRole.UserRole + 20
EXACT_ROLE = Qt.ItemDataRole.UserRole + 21  # a cell as the server meant it (copies take it)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LABELS = {SITE_BREAKDOWN: "Referrer site"}  # breakdowns made here, not the API's
TABLE_WIDEST = 520  # the width a table asks for at most, beside its chart
TABLE_NARROWEST = 280  # the width it gives way down to when the window is narrow
FIRST_NARROWEST = 90  # the first column's least width when the table gives way
SIZED_ROWS = 100  # column widths fit these rows: measuring all 720 of an hourly month takes 70 ms


def _sort_number(value: float) -> float:
    return math.inf if math.isnan(value) else value  # NaN ("no sum") sorts last


def _exact_text(index: QModelIndex) -> str:
    """A cell as copied: its exact value where its model keeps one, else its text."""
    exact = index.data(EXACT_ROLE)
    return str(exact if exact is not None else index.data() or "")


class ResultTableModel(QAbstractTableModel):
    """Rows of one result as text, with numeric sort keys; times in the chosen zone."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[tuple[str, ...]] = []  # as shown: the kind's decimals, short times
        self._exact: list[tuple[str, ...]] = []  # as the server meant them: tooltips, copies
        self._keys: list[tuple[Any, ...]] = []
        self._numeric: set[int] = set()
        self._id_tips: dict[tuple[int, int], str] = {}

    def set_result(
        self, result: Result | None, zone: str, titles: Mapping[str, str] | None = None
    ) -> None:
        """`titles` (asset id -> title): a breakdown by video or live stream shows a Title
        column before the ids, the id in the title's tooltip."""
        self.beginResetModel()
        self._header, self._rows, self._keys, self._numeric = [], [], [], set()
        self._exact, self._id_tips = [], {}
        if isinstance(result, BucketFrame) and titles is not None and titles_apply(result, titles):
            self._header = ["Title", "Id", value_header(result.context)]
            ids = [str(d) for d in result.dimensions]
            names = [titles.get(i, "") for i in ids]
            self._exact = [
                (name, *row) for name, row in zip(names, result.to_rows(zone), strict=True)
            ]
            self._keys = [
                (name.casefold(), i.casefold(), _sort_number(float(v)))
                for name, i, v in zip(names, ids, result.values, strict=True)
            ]
            self._id_tips = {
                (row, 0): f"{name}\nid {i}" if name else f"id {i}"
                for row, (name, i) in enumerate(zip(names, ids, strict=True))
            }
            self._numeric = {2}
        elif isinstance(result, BucketFrame):
            name = result.context.breakdown or ""
            breakdown = BREAKDOWNS.get(name)
            label = breakdown.label if breakdown else LABELS.get(name, "Dimension")
            self._header = [label, value_header(result.context)]
            self._exact = [(dimension_text(d), v) for d, v in result.to_rows(zone)]
            self._keys = [
                (str(d).casefold(), _sort_number(float(v)))
                for d, v in zip(result.dimensions, result.values, strict=True)
            ]
            self._numeric = {1}
        elif isinstance(result, TimeseriesFrame):
            self._header = [f"Time ({zone})", value_header(result.context)]
            self._exact = result.to_rows(zone)
            millis = result.timestamps.astype(np.int64)
            self._keys = [
                (int(ms), _sort_number(float(v)))
                for ms, v in zip(millis, result.values, strict=True)
            ]
            self._numeric = {1}
        elif isinstance(result, ScalarResult):
            table = result_table(result, zone)
            self._header = [h[:1].upper() + h[1:] for h in table.header]  # "From (Etc/UTC)"
            self._exact = [tuple(row) for row in table.rows]
            self._keys = [(*row[:-1], _sort_number(result.value)) for row in self._exact]
            self._numeric = {len(self._header) - 1}
        self._rows = self._shown(result, zone)
        self.endResetModel()

    def _shown(self, result: Result | None, zone: str) -> list[tuple[str, ...]]:
        """The rows as read on screen: each value with its kind's decimals (as on the chart),
        each time as "2026-12-06 14:00" in the zone the header names."""
        if not isinstance(result, BucketFrame | TimeseriesFrame | ScalarResult):
            return list(self._exact)
        context = result.context
        averaged = is_averaged(context)
        values = [result.value] if isinstance(result, ScalarResult) else result.values
        figures = [format_short(float(v), context.unit, averaged=averaged) for v in values]
        rows = [(*row[:-1], figure) for row, figure in zip(self._exact, figures, strict=True)]
        if isinstance(result, TimeseriesFrame):
            times = [f"{moment:{SHORT_TIME}}" for moment in result.datetimes(zone)]
            rows = [(time, *row[1:]) for time, row in zip(times, rows, strict=True)]
        return rows

    @property
    def header(self) -> list[str]:
        return list(self._header)

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[row][column]
        if role == EXACT_ROLE:
            return self._exact[row][column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if (row, column) in self._id_tips:
                return self._id_tips[row, column]
            text, exact = self._rows[row][column], self._exact[row][column]
            if exact != text and exact:
                return exact  # the exact value, or the time with its offset
            return text if len(text) > 40 else None
        if role == SORT_ROLE:
            return self._keys[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._numeric:
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        return str(section + 1)


class ResultSortProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)


class ResultTableView(QTableView):
    """Sortable by clicking a header; selected rows copy as tab-separated text (Ctrl+C)."""

    narrowest = TABLE_NARROWEST  # the least width it gives way to beside a chart
    first_gives_way = True  # whether its first column narrows on a narrow table

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.source = ResultTableModel(self)
        self.proxy = ResultSortProxy(self)
        self.proxy.setSourceModel(self.source)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the API's order until a click
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setResizeContentsPrecision(SIZED_ROWS)
        self._wanted = 0  # the width every column needs (capped), set with each result
        self._first_width = 0  # the first column's width as its contents want it
        self._last_width = 0  # and the last (value) column's

    def set_result(
        self, result: Result | None, zone: str, titles: Mapping[str, str] | None = None
    ) -> None:
        if titles is None:  # a section table's model takes no titles
            self.source.set_result(result, zone)
        else:
            self.source.set_result(result, zone, titles)
        self.resizeColumnsToContents()
        cap = 420 if self.proxy.columnCount() <= 2 else 240  # a title beside an id: the value
        for column in range(self.proxy.columnCount()):  # column stays in sight
            self.setColumnWidth(column, min(self.columnWidth(column), cap))
        # wide enough for every column (up to a point), scroll bar and frame included
        header = self.horizontalHeader()
        columns = self.proxy.columnCount()
        needed = sum(self.columnWidth(c) for c in range(columns - 1))
        if columns:  # the stretched last column never gets narrower than the default size
            needed += max(self.columnWidth(columns - 1), header.defaultSectionSize())
        chrome = self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        self._wanted = min(needed + chrome + 4, TABLE_WIDEST)
        # it asks for every column but gives way down to `narrowest` (and scrolls) on a
        # laptop, so that the chart beside it keeps a readable width
        self.setMinimumWidth(min(self._wanted, self.narrowest))
        self._first_width = self.columnWidth(0) if columns else 0
        self._last_width = (
            max(self.columnWidth(columns - 1), header.defaultSectionSize()) if columns else 0
        )
        self._fit_first_column()
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_first_column()

    def _fit_first_column(self) -> None:
        """On a narrow table the first (name) column gives way, down to FIRST_NARROWEST, so
        that the value column stays in sight rather than behind a horizontal scroll."""
        columns = self.proxy.columnCount()
        if columns < 2 or not self._first_width or not self.first_gives_way:
            return
        others = sum(self.columnWidth(c) for c in range(1, columns - 1)) + self._last_width
        room = self.viewport().width() - others
        least = min(FIRST_NARROWEST, self._first_width)  # never wider than its contents
        self.setColumnWidth(0, max(least, min(self._first_width, room)))

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(self._wanted, self.minimumWidth()), hint.height())

    def selected_tsv(self) -> str:
        """The selected rows in view order as TSV (no header), exact values as the CSV has
        them; tabs and newlines in cells become spaces so that every row stays one line."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        lines = []
        for row in rows:
            cells = [
                _exact_text(self.proxy.index(row, column))
                for column in range(self.proxy.columnCount())
            ]
            lines.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))
        return "\n".join(lines)

    def copy_selection(self) -> int:
        text = self.selected_tsv()
        if text:
            QGuiApplication.clipboard().setText(text + "\n")
        return text.count("\n") + 1 if text else 0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)
