"""Period over period (explorer.domain.comparison): the current answer and the earlier one.

A timeseries draws the current line solid and the earlier one dashed, moved onto the current
period's axis; a breakdown or a figure draws both as bars side by side. The table gives the
change per row, absolute and in % (none where the earlier figure is 0 or missing). Warnings
(too little data to compare, a period older than the API keeps) and notes (figures from the
local store's history) are said above the chart; a missing period is said, never drawn as 0.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.comparison import Change, ComparisonAnswer, ComparisonRow
from explorer.domain.frames import BucketFrame, ResultContext, TimeseriesFrame
from explorer.services.result_tables import dimension_text
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.common.formatting import elide, format_moment, format_short, is_averaged
from explorer.ui.results.table_cells import fit_beside
from explorer.ui.results.timeseries_view import chart_points
from explorer.ui.results.views import Shown

CURRENT, EARLIER = "current period", "earlier period"


def change_texts(row: ComparisonRow) -> tuple[str, str]:
    """The change as the table says it: ``+12`` and ``+4.1 %`` (``n/a`` with no base)."""
    change = row.change
    if math.isnan(change.absolute):
        return "n/a", "n/a"
    percent = "n/a" if change.percent is None else f"{change.percent:+.1f} %"
    return f"{change.absolute:+,.6g}", percent


def _item(text: str, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ComparisonView(QWidget):
    """Shows a `ComparisonAnswer`: chart, change table, warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: ComparisonAnswer | None = None
        self._shown: Shown | None = None
        self.note = QLabel(self)
        self.note.setAccessibleName("Comparison note")
        self.note.setWordWrap(True)
        self.axis = ZonedDateAxis("UTC")
        self.plot = pg.PlotWidget(self, axisItems={"bottom": self.axis})
        self.plot.setAccessibleName("Comparison chart")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(8, 8))
        self._items: list[pg.GraphicsObject] = []
        self.table = QTableWidget(self)
        self.table.setAccessibleName("Comparison table")
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)  # the chart; the table gets the rest
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        chart_style.style_plot(self.plot, self.palette())

    # --- reading (tests) -------------------------------------------------------------------

    def line_styles(self) -> dict[str, Qt.PenStyle]:
        """Each drawn line's name and pen style (the earlier one is dashed)."""
        return {
            str(item.name()): item.opts["pen"].style()
            for item in self._items
            if isinstance(item, pg.PlotDataItem)
        }

    def table_rows(self) -> list[list[str]]:
        table = self.table
        return [
            [table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())
        ]

    # --- showing ---------------------------------------------------------------------------

    def show_answer(self, answer: ComparisonAnswer, shown: Shown) -> None:
        self.answer, self._shown = answer, shown
        self.axis.set_zone(shown.zone)
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.legend.clear()
        if isinstance(answer.current, TimeseriesFrame) or isinstance(
            answer.earlier, TimeseriesFrame
        ):
            self._show_lines()
        else:
            self._show_bars()
        self._fill_table()
        self.note.setText(self._note())

    def _context(self) -> ResultContext | None:
        answer = self.answer
        found = answer.current or answer.earlier if answer is not None else None
        return found.context if found is not None else None

    def _format(self, value: float) -> str:
        context = self._context()
        if math.isnan(value):
            return "no data"
        if context is None:
            return f"{value:g}"
        return format_short(value, context.unit, averaged=is_averaged(context))

    def _range_text(self, bounds: tuple[datetime, datetime]) -> str:
        zone = self._shown.zone if self._shown else "UTC"
        start, end = (format_moment(b, zone, "%Y-%m-%d %H:%M") for b in bounds)
        return f"{start} → {end}"

    def _note(self) -> str:
        answer = self.answer
        assert answer is not None
        zone = self._shown.zone if self._shown else "UTC"
        context = self._context()
        unit = f" · figures in {context.unit.label}" if context is not None else ""
        lines = [
            f"Current: {self._range_text(answer.current_range)}; earlier "
            f"({answer.shift.label}): {self._range_text(answer.earlier_range)}"
            f" · times in {zone}{unit}"
        ]
        for part in answer.parts:
            if part.missing:
                lines.append(f"⚠ {part.describe()}: shown as missing, not as zero")
        lines += [f"⚠ {w}" for w in answer.data_warnings()]
        lines += [f"ℹ {n}" for n in answer.notes]
        return "\n".join(lines)

    def _show_lines(self) -> None:
        answer = self.answer
        assert answer is not None
        palette = self.palette()
        self.plot.invertY(False)
        self.plot.showAxis("bottom")
        self.plot.getAxis("left").setTicks(None)
        color = chart_style.category_colors(palette, 1)[0]
        if isinstance(answer.current, TimeseriesFrame):
            x, y = chart_points(answer.current)
            self._items.append(self.plot.plot(x, y, name=CURRENT, pen=pg.mkPen(color, width=2)))
        aligned = answer.aligned_earlier()
        if aligned is not None:
            x, y = chart_points(aligned)
            pen = pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine)
            name = f"{EARLIER} ({answer.shift.label}), moved onto the current axis"
            line = self.plot.plot(x, y, name=name, pen=pen)
            self._items.append(line)
        self.plot.enableAutoRange()

    def _show_bars(self) -> None:
        answer = self.answer
        assert answer is not None
        palette = self.palette()
        self.plot.invertY(True)
        self.plot.hideAxis("bottom")
        rows = answer.rows()
        labels = [self._label(r.key) for r in rows]
        now = np.array([r.change.current for r in rows], dtype=float)
        before = np.array([r.change.earlier for r in rows], dtype=float)
        slots = np.arange(len(rows), dtype=float)
        current_brush = chart_style.bar_brush(palette)
        earlier_pen = chart_style.muted_pen(palette, 1, dash=True)
        for values, offset, brush, pen, name in (
            (now, -0.2, current_brush, None, CURRENT),
            (before, 0.2, pg.mkBrush(None), earlier_pen, f"{EARLIER} ({answer.shift.label})"),
        ):
            bars = pg.BarGraphItem(
                x0=np.zeros(len(rows)), y=slots + offset, width=np.nan_to_num(values),
                height=0.38, brush=brush, pen=pen, name=name,
            )  # fmt: skip
            self.plot.addItem(bars)
            self._items.append(bars)
            self.legend.addItem(bars, name)
        self.plot.getAxis("left").setTicks([[(i, elide(t)) for i, t in enumerate(labels)]])
        finite = np.concatenate([now, before])
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) if len(finite) else 1.0
        self.plot.setXRange(0, top * 1.15 if top > 0 else 1, padding=0)
        self.plot.setYRange(-0.6, max(len(rows), 4) - 0.4, padding=0)

    def _label(self, key: str) -> str:
        answer = self.answer
        titles = self._shown.titles if self._shown else {}
        current = answer.current if answer is not None else None
        if isinstance(current, BucketFrame) and current.context.breakdown == "media-id":
            return titles.get(key, key)
        return dimension_text(key)

    def _fill_table(self) -> None:
        answer = self.answer
        assert answer is not None
        zone = self._shown.zone if self._shown else "UTC"
        timeseries = isinstance(answer.current, TimeseriesFrame)
        first = f"time ({zone})" if timeseries else "value"
        header = [first, "current", f"earlier ({answer.shift.label})", "change", "change %"]
        rows = []
        context = self._context()
        if timeseries and context is not None and context.is_additive and answer.complete:
            total = ComparisonRow("total", Change.of(*self._totals()))
            rows.append(["whole period", *self._cells(total)])
        for row in answer.rows():
            key = row.key
            if timeseries:  # the bucket's start (RFC 3339) on the current axis
                key = format_moment(datetime.fromisoformat(key), zone, "%Y-%m-%d %H:%M")
            else:
                key = self._label(key)
            rows.append([key, *self._cells(row)])
        table = self.table
        table.clear()
        table.setColumnCount(len(header))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels(header)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.setItem(r, c, _item(text, number=c > 0))
        table.resizeColumnsToContents()
        fit_beside(self.splitter, self.table)

    def _cells(self, row: ComparisonRow) -> list[str]:
        absolute, percent = change_texts(row)
        return [self._format(row.change.current), self._format(row.change.earlier), absolute,
                percent]  # fmt: skip

    def _totals(self) -> tuple[float, float]:
        """The sums of both periods (an additive timeseries: counts add up over time)."""
        answer = self.answer
        assert answer is not None
        current, earlier = answer.current, answer.earlier
        assert isinstance(current, TimeseriesFrame) and isinstance(earlier, TimeseriesFrame)
        return float(np.nansum(current.values)), float(np.nansum(earlier.values))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            chart_style.style_plot(self.plot, self.palette())
            if self.answer is not None and self._shown is not None:
                self.show_answer(self.answer, self._shown)
        super().changeEvent(event)
