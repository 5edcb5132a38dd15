"""A matrix section (retention cohorts) as a heat map: a table whose percent cells are coloured.

A table rather than an image: every cell keeps its label ("23.4 %"), the keyboard moves
through it, a screen reader reads it and Ctrl+C copies it. Cells of the ratio columns are
shaded from the base colour (0) to the palette's highlight (the matrix's largest value);
counts (a cohort's size) stay plain numbers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QWidget

from explorer.domain.report import Section
from explorer.ui.results.report_format import is_number
from explorer.ui.results.section_table import Index, SectionTableModel, SectionTableView

CELL_PX = 76  # the least width of a coloured column
FLOOR = 0.06  # a 0 % cell is still faintly a cell of the map


def heat_color(palette: QPalette, fraction: float) -> QColor:
    """The base colour blended toward the highlight by ``fraction`` (0..1)."""
    base = palette.color(QPalette.ColorRole.Base)
    high = palette.color(QPalette.ColorRole.Highlight)
    t = FLOOR + (1 - FLOOR) * min(max(fraction, 0.0), 1.0)
    return QColor.fromRgbF(
        base.redF() + (high.redF() - base.redF()) * t,
        base.greenF() + (high.greenF() - base.greenF()) * t,
        base.blueF() + (high.blueF() - base.blueF()) * t,
    )


def readable_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color`` (relative luminance)."""
    luminance = 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()
    return QColor(Qt.GlobalColor.black) if luminance > 0.5 else QColor(Qt.GlobalColor.white)


class HeatMapModel(SectionTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.palette = QPalette()
        self.heated: set[int] = set()  # the coloured columns
        self.top = 0.0  # the value of the most intense colour

    def set_result(self, section: Section | None, zone: str) -> None:
        super().set_result(section, zone)
        columns = range(1, self.columnCount())
        ratios = {c for c in columns if self.unit_of_column(c) == "ratio"}
        if not ratios and section is not None:  # no ratios: every number but a size or count
            names = section.names()
            ratios = {c for c in columns if c in self._numeric and names[c - 1] != "size"}
        self.heated = ratios
        values = [
            float(v)  # type: ignore[arg-type]
            for r in range(self.rowCount())
            for c in self.heated
            if is_number(v := self.value_at(r, c))  # type: ignore[arg-type]
        ]
        self.top = max(values, default=0.0)

    def fraction(self, row: int, column: int) -> float | None:
        """Where a cell sits on the colour scale (0..1); None for a plain or empty cell."""
        value = self.value_at(row, column)
        if column not in self.heated or not is_number(value):  # type: ignore[arg-type]
            return None
        return float(value) / self.top if self.top > 0 else 0.0  # type: ignore[arg-type]

    def color_at(self, row: int, column: int) -> QColor | None:
        fraction = self.fraction(row, column)
        return None if fraction is None else heat_color(self.palette, fraction)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            color = self.color_at(index.row(), index.column())
            if color is None:
                return None
            return QBrush(color if role == Qt.ItemDataRole.BackgroundRole else readable_on(color))
        return super().data(index, role)

    def tooltip(self, row: int, column: int) -> str:
        text = super().tooltip(row, column)
        names = self.section.names() if self.section is not None else []
        if "size" in names and column in self.heated:
            size = self._rows[row][names.index("size") + 1]
            text += f" of a cohort of {size}"
        return text

    def restyle(self, palette: QPalette) -> None:
        self.palette = QPalette(palette)
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )


class HeatMapView(SectionTableView):
    """The heat map and its own table at once (see the module docstring)."""

    model_class = HeatMapModel
    first_gives_way = False  # it is as wide as all its columns: the cohorts' dates stay whole

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(accessible_name, parent)
        self.setAlternatingRowColors(False)  # stripes would read as part of the scale
        self.horizontalHeader().setStretchLastSection(False)
        self.source.restyle(self.palette())  # type: ignore[attr-defined]

    def set_section(self, section: Section, zone: str) -> None:
        """The section's cells; the coloured columns all as wide, so that the map is even."""
        super().set_section(section, zone)
        heated = sorted(self.heat.heated)
        if heated:
            width = max(CELL_PX, *(self.columnWidth(c) for c in heated))
            for column in heated:
                self.setColumnWidth(column, width)
        columns = range(self.proxy.columnCount())
        chrome = self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        self.setMinimumWidth(sum(self.columnWidth(c) for c in columns) + chrome + 4)

    @property
    def heat(self) -> HeatMapModel:
        return self.source  # type: ignore[return-value]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.heat.restyle(self.palette())
        super().changeEvent(event)
