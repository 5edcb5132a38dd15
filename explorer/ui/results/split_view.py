"""A split (explorer.domain.splits): one bar per value, one line per value, or a cross-tab.

The parts fill in as they arrive. A part not answered (pending, failed or cancelled) is never
drawn as zero: its bar is an empty outline saying why, its line is absent from the chart and
named in the note, its table cells say "missing". A split of an aggregate draws bars in the
split's order; of a timeseries, one line per value on the zoned date axis with a table of one
column per value; of a breakdown, the cross-tab (rows: the split's values, columns: the
breakdown's) as a matrix whose cells are shaded by value, with totals where they add up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.catalogue import Endpoint
from explorer.domain.continents import CONTINENT_NAMES
from explorer.domain.crosstab import CrossTab
from explorer.domain.frames import ResultContext, ScalarResult, TimeseriesFrame
from explorer.domain.parts import Part, PartState
from explorer.domain.splits import SplitAnswer
from explorer.services.result_tables import dimension_text
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.common.formatting import elide, format_moment, format_short, is_averaged
from explorer.ui.results.drill_menu import Pick
from explorer.ui.results.heat_map import heat_color, readable_on
from explorer.ui.results.timeseries_view import chart_points
from explorer.ui.results.views import Shown

MISSING = "missing"
MIN_SLOTS = 6


def part_value(part: Part) -> float | None:
    """A scalar part's figure; None when it has none (never 0 for a missing part)."""
    return part.result.value if isinstance(part.result, ScalarResult) else None


def state_text(part: Part) -> str:
    """``answered``, ``waiting``, ``failed: server error 500``, ``cancelled``."""
    if part.state is PartState.DONE:
        return "answered (partial)" if part.partial else "answered"
    if part.state is PartState.PENDING:
        return "waiting for its answer"
    return f"{part.state}: {part.reason}" if part.reason else str(part.state)


def _item(text: str, tip: str = "", number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    return item


class SplitView(QWidget):
    """Shows a `SplitAnswer`, again each time more of its parts have arrived; a split of one
    figure by country can show on the world map (``country_chosen``: a country clicked)."""

    country_chosen = Signal(str)
    drill_requested = Signal(object, object)  # a cross-tab cell: (Pick, None or where)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: SplitAnswer | None = None
        self._shown: Shown | None = None
        self.map: Any = None  # the WorldMap, made when first asked for
        self.note = QLabel(self)
        self.note.setAccessibleName("Split note")
        self.note.setWordWrap(True)
        self.as_map = QCheckBox("Map", self)
        self.as_map.setAccessibleName("Show on a world map")
        self.as_map.setToolTip("Show the countries on a world map instead of bars")
        self.as_map.hide()
        self.axis = ZonedDateAxis("UTC")
        self.plot = pg.PlotWidget(self, axisItems={"bottom": self.axis})
        self.plot.setAccessibleName("Split chart")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(8, 8))
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self._items: list[pg.GraphicsObject] = []
        self.table = QTableWidget(self)
        self.table.setAccessibleName("Split table")
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.matrix = QTableWidget(self)
        self.matrix.setAccessibleName("Cross-tab")
        self.matrix.setToolTip("Double-click a cell (or right-click it) for the sessions behind it")
        self.matrix.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.matrix.cellDoubleClicked.connect(lambda row, column: self.drill_cell(row, column))
        self.matrix.customContextMenuRequested.connect(self._on_matrix_context_menu)
        self.charts = QStackedWidget(self)
        self.charts.addWidget(self.plot)
        self.charts.addWidget(self.matrix)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.charts)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)  # the chart; the table gets the rest
        splitter.setStretchFactor(1, 2)
        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        top.addWidget(self.as_map)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.as_map.toggled.connect(self._on_as_map_toggled)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        chart_style.style_plot(self.plot, self.palette())

    # --- reading (tests, export) -----------------------------------------------------------

    def label_of(self, part: Part) -> str:
        """A segment as shown: the asset's title for a split by media, else the value."""
        titles: Mapping[str, str] = self._shown.titles if self._shown else {}
        dimension = self.answer.question.dimension if self.answer is not None else ""
        if dimension == "media-id":
            return titles.get(part.key, part.key)
        if dimension == "continent" and part.key in CONTINENT_NAMES:
            return f"{CONTINENT_NAMES[part.key]} ({part.key})"
        return dimension_text(part.key)

    def bar_values(self) -> list[tuple[str, float | None]]:
        """Each bar's segment and figure (None: missing), in the split's order."""
        parts = self.answer.parts if self.answer is not None else ()
        return [(p.key, part_value(p)) for p in parts]

    def line_keys(self) -> list[str]:
        """The segments drawn as lines (those answered)."""
        return [
            str(item.opts.get("name")) for item in self._items if isinstance(item, pg.PlotDataItem)
        ]

    def crosstab(self) -> CrossTab | None:
        answer = self.answer
        if answer is None or answer.question.base.endpoint is not Endpoint.BUCKETS:
            return None
        return CrossTab.of(answer)

    # --- showing ---------------------------------------------------------------------------

    def show_answer(self, answer: SplitAnswer, shown: Shown) -> None:
        self.answer, self._shown = answer, shown
        self.axis.set_zone(shown.zone)
        self._clear_chart()
        base = answer.question.base
        mappable = answer.question.dimension == "country" and base.endpoint is Endpoint.METRICS
        self.as_map.setVisible(mappable)
        if base.endpoint is Endpoint.BUCKETS:
            self._show_crosstab()
        elif base.endpoint is Endpoint.TIMESERIES:
            self._show_lines()
        else:
            self._show_bars()
            if mappable and self.as_map.isChecked():
                self._show_map()
        self.note.setText(self._note())

    def _show_map(self) -> None:
        """The answered countries on the world map; a country missing or not asked is drawn
        neutral (no data), never as zero."""
        assert self.answer is not None
        context = self._context()
        values = {p.key: v for p in self.answer.parts if (v := part_value(p)) is not None}
        self.map.set_values(
            values,
            context.unit if context else None,
            context.metric if context else "",
            averaged=bool(context and is_averaged(context)),
        )
        self.charts.setCurrentWidget(self.map)

    def _on_as_map_toggled(self, checked: bool) -> None:
        if checked and self.map is None:
            from explorer.ui.charts.world_map import WorldMap

            self.map = WorldMap(self)
            self.map.country_clicked.connect(self.country_chosen)
            self.charts.addWidget(self.map)
        if self.answer is not None and self._shown is not None:
            self.show_answer(self.answer, self._shown)

    def _note(self) -> str:
        assert self.answer is not None
        answer = self.answer
        context = self._context()
        unit = f" (in {context.unit.label})" if context is not None else ""
        text = f"{answer.question.title}{unit}: {answer.summary()}"
        if answer.missing():
            text += ". A missing part is shown as missing, never as zero."
        table = self.crosstab()
        if table is not None and table.totals_note:
            text += f" ({table.totals_note})"
        return text

    def _clear_chart(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.legend.clear()

    def _context(self) -> ResultContext | None:
        assert self.answer is not None
        done = [p.result for p in self.answer.parts if p.result is not None]
        return done[0].context if done else None

    def _format(self, value: float | None) -> str:
        context = self._context()
        if value is None:
            return MISSING
        if context is None:
            return f"{value:g}"
        return format_short(value, context.unit, averaged=is_averaged(context))

    def _figure_header(self) -> str:
        context = self._context()
        return "figure" if context is None else f"figure ({context.unit.label})"

    def _show_bars(self) -> None:
        assert self.answer is not None
        self.charts.setCurrentWidget(self.plot)
        self.plot.invertY(True)
        self.plot.hideAxis("bottom")
        self.plot.setMouseEnabled(x=False, y=False)
        parts = self.answer.parts
        values = [part_value(p) for p in parts]
        palette = self.palette()
        widths = np.array([0.0 if v is None or math.isnan(v) else v for v in values])
        top = float(widths.max()) if len(widths) else 0.0
        brushes = [
            chart_style.bar_brush(palette) if v is not None else QBrush(Qt.BrushStyle.NoBrush)
            for v in values
        ]
        missing_pen = chart_style.muted_pen(palette, 1, dash=True)  # an outline: no figure
        pens = [pg.mkPen(None) if v is not None else missing_pen for v in values]
        self.bars = pg.BarGraphItem(
            x0=np.zeros(len(parts)), y=np.arange(len(parts), dtype=float),
            width=np.where(np.array([v is None for v in values]), top or 1.0, widths),
            height=0.7, brushes=brushes, pens=pens,
        )  # fmt: skip
        self.plot.addItem(self.bars)
        self._items.append(self.bars)
        for slot, (part, value) in enumerate(zip(parts, values, strict=True)):
            text = self._format(value) if value is not None else f"missing: {state_text(part)}"
            label = pg.TextItem(
                elide(text, 60), color=chart_style.text_color(palette), anchor=(0, 0.5)
            )
            label.setPos(0.0 if value is None or math.isnan(value) else value, slot)
            self.plot.addItem(label)
            self._items.append(label)
        ticks = [(i, elide(self.label_of(p))) for i, p in enumerate(parts)]
        self.plot.getAxis("left").setTicks([ticks])
        self.plot.setYRange(-0.6, max(len(parts), MIN_SLOTS) - 0.4, padding=0)
        self.plot.setXRange(0, top * 1.3 if top > 0 else 1, padding=0)
        rows = [
            [self.label_of(p), p.key, self._format(v), state_text(p)]
            for p, v in zip(parts, values, strict=True)
        ]
        self._fill_table(
            [self.answer.question.dimension, "value as sent", self._figure_header(), "state"],
            rows,
            number=2,
        )
        self.table.setColumnHidden(1, all(r[1] in r[0] for r in rows))  # the label says it

    def _show_lines(self) -> None:
        assert self.answer is not None
        self.charts.setCurrentWidget(self.plot)
        self.plot.invertY(False)
        self.plot.showAxis("bottom")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.getAxis("left").setTicks(None)
        parts = self.answer.parts
        colors = chart_style.series_colors(self.palette(), max(len(parts), 1))
        columns: dict[int, dict[str, float]] = {}
        for color, part in zip(colors, parts, strict=False):
            if not isinstance(part.result, TimeseriesFrame):
                continue
            x, y = chart_points(part.result)
            line = self.plot.plot(
                x, y, name=self.label_of(part), pen=chart_style.overlay_pen(color, len(parts))
            )
            line.opts["name"] = part.key
            self._items.append(line)
            for moment, value in zip(x, y, strict=True):
                columns.setdefault(int(moment), {})[part.key] = float(value)
        self.plot.enableAutoRange()
        zone = self._shown.zone if self._shown else "UTC"
        rows = []
        for moment in sorted(columns):
            when = format_moment(datetime.fromtimestamp(moment, UTC), zone, "%Y-%m-%d %H:%M")
            cells = [  # a bucket an answered part has not: no value ("—"), not missing
                (self._format(columns[moment].get(p.key, math.nan)) if p.result is not None
                 else MISSING)
                for p in parts
            ]  # fmt: skip
            rows.append([when, *cells])
        header = [f"time ({zone})", *(self.label_of(p) for p in parts)]
        self._fill_table(header, rows, number=1)

    def _show_crosstab(self) -> None:
        table = self.crosstab()
        assert table is not None and self.answer is not None
        self.charts.setCurrentWidget(self.matrix)
        fmt = self._format
        totals = table.row_totals()
        header = [f"{table.row_dimension} \\ {table.column_dimension}", *table.columns, "total"]
        finite = [c for row in table.cells for c in row if c is not None and not math.isnan(c)]
        top = max(finite, default=0.0)
        matrix = self.matrix
        matrix.clear()
        matrix.setColumnCount(len(header))
        matrix.setRowCount(len(table.rows) + 1)
        matrix.setHorizontalHeaderLabels(header)
        matrix.verticalHeader().hide()
        palette = self.palette()
        parts = {p.key: p for p in self.answer.parts}
        for r, (row, cells) in enumerate(zip(table.rows, table.cells, strict=True)):
            part = parts.get(row)
            matrix.setItem(
                r, 0, _item(self.label_of(part) if part else row, state_text(part) if part else "")
            )
            for c, value in enumerate(cells, start=1):
                item = _item(
                    fmt(value) if value is None or not math.isnan(value) else "—", number=True
                )
                if value is not None and not math.isnan(value) and top > 0:
                    color = heat_color(palette, value / top)
                    item.setBackground(color)
                    item.setForeground(readable_on(color))
                matrix.setItem(r, c, item)
            matrix.setItem(
                r,
                len(header) - 1,
                _item(fmt(totals[r]) if totals[r] is not None else "", number=True),
            )
        last = len(table.rows)
        matrix.setItem(last, 0, _item("total"))
        for c, total in enumerate(table.column_totals(), start=1):
            matrix.setItem(last, c, _item(fmt(total) if total is not None else "", number=True))
        grand = table.grand_total()
        matrix.setItem(
            last, len(header) - 1, _item(fmt(grand) if grand is not None else "", number=True)
        )
        matrix.resizeColumnsToContents()
        rows = [[self.label_of(p), state_text(p)] for p in self.answer.parts]
        self._fill_table([table.row_dimension, "state"], rows, number=99)

    def cell_pick(self, row: int, column: int) -> Pick | None:
        """What drilling into a cross-tab's cell asks: its row's query (the breakdown filtered
        to the row's value) and its column's value as the bar's (None: a total, a missing row
        or not a cross-tab)."""
        table = self.crosstab()
        if table is None or self.answer is None or not 0 <= row < len(table.rows):
            return None
        if not 1 <= column <= len(table.columns):
            return None
        value = table.cells[row][column - 1]
        part = self.answer.parts[row]
        if value is None or part.missing:
            return None
        label = self.label_of(part)
        what = f"the cell {label} × {table.columns[column - 1]}"
        breakdown = self.answer.question.base.breakdown
        return Pick(value, what, None, None, breakdown, table.columns[column - 1], part.query)

    def drill_cell(self, row: int, column: int, where: QPoint | None = None) -> None:
        """Ask for the sessions behind a cell (double-click) or its menu (right-click)."""
        pick = self.cell_pick(row, column)
        if pick is not None:
            self.drill_requested.emit(pick, where)

    def _on_matrix_context_menu(self, position: QPoint) -> None:
        index = self.matrix.indexAt(position)
        if index.isValid():
            where = self.matrix.viewport().mapToGlobal(position)
            self.drill_cell(index.row(), index.column(), where)

    def _fill_table(self, header: list[str], rows: list[list[str]], number: int) -> None:
        """``number``: the first column holding figures (right-aligned) onward."""
        table = self.table
        table.clear()
        table.setColumnCount(len(header))
        for column in range(len(header)):
            table.setColumnHidden(column, False)
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels(header)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, _item(text, number=c >= number and text != MISSING))
        table.resizeColumnsToContents()
        wanted = sum(table.columnWidth(c) for c in range(table.columnCount())) + 24
        total = self.splitter.width()
        if total > 0:  # the table as wide as its columns, up to half; the chart the rest
            width = min(wanted, total // 2)
            self.splitter.setSizes([total - width, width])

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        answer = self.answer
        if answer is None or answer.question.base.endpoint is not Endpoint.METRICS:
            return
        slot = round(self.plot.getPlotItem().vb.mapSceneToView(position).y())
        if 0 <= slot < len(answer.parts):
            part = answer.parts[slot]
            lines = [self.label_of(part)]
            if self.label_of(part) != part.key:
                lines.append(f"id {part.key}")
            lines.append(self._format(part_value(part)) + f" · {state_text(part)}")
            self.plot.setToolTip("\n".join(lines))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            chart_style.style_plot(self.plot, self.palette())
            if self.answer is not None and self._shown is not None:
                self.show_answer(self.answer, self._shown)
        super().changeEvent(event)
