"""A report section as a table: one row per member, one column per figure, values readable."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QWidget

from explorer.domain.report import Section, Shape, Value
from explorer.ui.results.report_format import (
    date_pattern,
    exact,
    format_member,
    is_number,
    label_of,
    member_header,
    section_figure,
)
from explorer.ui.results.result_table import SORT_ROLE, TABLE_WIDEST, ResultTableView

_NO_PARENT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Index = Any  # QModelIndex | QPersistentModelIndex


class SectionTableModel(QAbstractTableModel):
    """Rows of one section as text, with sort keys (numbers, moments) and exact tooltips.

    A figures section reads as rows of (name, value); the others as members by names, the
    member (a country, a date in the zone) first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.section: Section | None = None
        self._header: list[str] = []
        self._rows: list[list[str]] = []
        self._tips: list[list[str]] = []
        self._keys: list[list[Any]] = []
        self._values: list[list[Value]] = []
        self._units: list[str] = []
        self._numeric: set[int] = set()

    def set_result(self, section: Section | None, zone: str) -> None:
        """(``set_result``, so that `ResultTableView`'s sizing applies as it is.)"""
        self.beginResetModel()
        self.section = section
        self._header, self._rows, self._tips, self._keys, self._values = [], [], [], [], []
        self._units, self._numeric = [], set()
        if section is not None and section.shape is Shape.FIGURES:
            self._fill_figures(section, zone)
        elif section is not None:
            self._fill_grid(section, zone)
        self.endResetModel()

    def _fill_figures(self, section: Section, zone: str) -> None:
        self._header = ["Figure", "Value"]
        self._numeric = {1}
        self._units = ["", ""]
        last = {e.name: e for e in section.entries}
        for name, entry in last.items():
            value: Value = entry.value
            if value is None and entry.date is not None:
                text = format_member(entry.date, zone)
                key: Any = entry.date.timestamp()
                value = text
            else:
                text = section_figure(value, entry.unit, section.name, name)
                key = _number_key(value)
            self._rows.append([label_of(name), text])
            self._tips.append([name, exact(entry.value, entry.unit)])
            self._keys.append([label_of(name).casefold(), key])
            self._values.append([name, value])

    def _fill_grid(self, section: Section, zone: str) -> None:
        names, members, grid = section.names(), section.members(), section.grid()
        self._header = [member_header(section, zone), *(label_of(n) for n in names)]
        self._units = ["", *(section.unit_of(n) for n in names)]
        numeric = [any(is_number(row[j]) for row in grid) for j in range(len(names))]
        self._numeric = {j + 1 for j, n in enumerate(numeric) if n}
        moments = [m for m in members if isinstance(m, datetime)]
        pattern = date_pattern(moments, zone)
        whole = all(isinstance(m, str) and m.strip().lstrip("-").isdigit() for m in members)
        for member, cells in zip(members, grid, strict=True):
            row = [format_member(member, zone, pattern)]
            tips = [row[0]]
            keys: list[Any] = [
                member.timestamp()
                if isinstance(member, datetime)
                else int(member)
                if whole
                else member.casefold()
            ]
            for j, value in enumerate(cells):
                unit = self._units[j + 1]
                row.append(section_figure(value, unit, section.name, names[j]))
                tips.append(exact(value, unit))
                keys.append(_number_key(value) if numeric[j] else str(value or "").casefold())
            self._rows.append(row)
            self._tips.append(tips)
            self._keys.append(keys)
            self._values.append([member, *cells])

    @property
    def header(self) -> list[str]:
        return list(self._header)

    def value_at(self, row: int, column: int) -> Value | datetime:
        """The value behind a cell (column 0: the member)."""
        return self._values[row][column]

    def unit_of_column(self, column: int) -> str:
        return self._units[column]

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
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == SORT_ROLE:
            return self._keys[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._numeric:
            return _RIGHT
        return None

    def tooltip(self, row: int, column: int) -> str:
        if column == 0:
            return self._tips[row][0]
        return f"{self._rows[row][0]} · {self._header[column]}: {self._tips[row][column]}"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        return str(section + 1)


def _number_key(value: Value) -> float:
    return float(value) if is_number(value) else math.inf  # type: ignore[arg-type]


class SectionTableView(ResultTableView):
    """A section's table: sortable, keyboard-navigable, Ctrl+C copies the selected rows."""

    model_class: type[SectionTableModel] = SectionTableModel
    narrowest = TABLE_WIDEST  # a report scrolls down, not across: its tables keep every column

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(accessible_name, parent)
        self.source = self.model_class(self)  # type: ignore[assignment]
        self.proxy.setSourceModel(self.source)
        self.setTabKeyNavigation(False)  # Tab leaves the table for the next block

    def set_section(self, section: Section, zone: str) -> None:
        self.set_result(section, zone)  # type: ignore[arg-type]

    def fit_width(self) -> None:
        """No wider than its columns (beside a chart, the chart takes the rest)."""
        self.setMaximumWidth(self.minimumWidth())

    def fit_rows(self, rows: int, most: int) -> None:
        """Tall enough for ``rows`` rows (no more than ``most``), header and frame included."""
        shown = max(1, min(rows, most))
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += shown * self.verticalHeader().defaultSectionSize()
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height + 2)

    def rows_text(self) -> list[list[str]]:
        """Every cell's text in view order (tests and copy read this)."""
        return [
            [str(self.proxy.index(r, c).data() or "") for c in range(self.proxy.columnCount())]
            for r in range(self.proxy.rowCount())
        ]
