"""A split (explorer.domain.splits): one bar per value, one line per value, or a cross-tab.

The parts fill in as they arrive. A part not answered (pending, failed or cancelled) is never
drawn as zero: its bar is an empty outline saying why, its line is absent from the chart and
named in the note, its table cells say "missing" (while it is pending, its column of a
timeseries table is blank and headed "waiting"). A split of an aggregate draws bars in the
split's order; of a timeseries, one line per value on the zoned date axis with a table of one
column per value; of a breakdown, the cross-tab (rows: the split's values, columns: the
breakdown's) as a matrix whose cells are shaded by value, with totals where they add up.

A growing answer is drawn again for each delivery of parts (explorer/ui/bridge/tasks.py hands
over what arrived, at most ten times a second): a redraw of the same question changes only what
changed, the lines and table columns of the parts that arrived, the matrix rows of the new
parts, each cell set only when its text or colour changed (table_cells.py), so that a hundred
parts filling in never stall the window (`python tests/benchmarks/run.py gui.fanout`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableWidget,
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
from explorer.ui.bridge.responsiveness import keep_gui_responsive
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.common.formatting import elide, format_moment, format_short, is_averaged
from explorer.ui.results.drill_menu import Pick
from explorer.ui.results.heat_map import heat_color, readable_on
from explorer.ui.results.table_cells import TableCells, fit_beside
from explorer.ui.results.timeseries_view import chart_points
from explorer.ui.results.views import Shown

MISSING = "missing"
WAITING = "waiting"
DRAW_BUDGET_S = 0.008
"""While parts are still coming, one drawing adds lines for this long at most (their table
columns take about as long again), then lets the event loop paint and serve input for
`CATCH_UP_MS` before it draws the rest: a delivery of many parts would stall the window."""
CATCH_UP_MS = 20
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


@dataclass
class _Line:
    """A part's line as drawn: the result it shows, its plot item, its values by moment."""

    result: TimeseriesFrame
    item: pg.PlotDataItem
    values: dict[int, float]


class SplitView(QWidget):
    """Shows a `SplitAnswer`, again each time more of its parts have arrived; a split of one
    figure by country can show on the world map (``country_chosen``: a country clicked)."""

    country_chosen = Signal(str)
    drill_requested = Signal(object, object)  # a cross-tab cell: (Pick, None or where)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_gui_responsive()  # its parts are fetched by 8 workers while it redraws
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
        self._context_found: ResultContext | None = None
        self._drawn_as: Any = None  # what the chart shows now answers (see `show_answer`)
        self._lines: dict[str, _Line] = {}  # by part key
        self._line_rows: dict[int, int] = {}  # the lines table: moment -> row
        self._line_columns: dict[str, Part] = {}  # the part each table column shows
        self._matrix_rows: dict[int, Any] = {}  # row -> what its cells were drawn from
        self._catching_up = False  # a drawing left parts out: the rest is coming
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
        self._cells, self._matrix_cells = TableCells(self.table), TableCells(self.matrix)
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
        """The segments drawn as lines (those answered), in the split's order."""
        parts = self.answer.parts if self.answer is not None else ()
        return [p.key for p in parts if p.key in self._lines]

    def crosstab(self) -> CrossTab | None:
        answer = self.answer
        if answer is None or answer.question.base.endpoint is not Endpoint.BUCKETS:
            return None
        return CrossTab.of(answer)

    # --- showing ---------------------------------------------------------------------------

    def show_answer(self, answer: SplitAnswer, shown: Shown) -> None:
        """Draw ``answer``; again for the same question (more of its parts arrived), only
        what changed."""
        drawn_as = (answer.question, shown.zone, len(shown.titles))
        again = drawn_as == self._drawn_as
        self.answer, self._shown = answer, shown
        done = [p.result for p in answer.parts if p.result is not None]
        self._context_found = done[0].context if done else None
        self.axis.set_zone(shown.zone)
        base = answer.question.base
        mappable = answer.question.dimension == "country" and base.endpoint is Endpoint.METRICS
        self.as_map.setVisible(mappable)
        if not again or base.endpoint is Endpoint.METRICS:
            self._clear_chart()
        if base.endpoint is Endpoint.BUCKETS:
            self._show_crosstab(again)
        elif base.endpoint is Endpoint.TIMESERIES:
            self._show_lines()
        else:
            self._show_bars()
            if mappable and self.as_map.isChecked():
                self._show_map()
        self._drawn_as = drawn_as
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
        self._lines, self._line_rows, self._line_columns = {}, {}, {}
        self._matrix_rows = {}
        self._cells.forget()  # another answer: no cell of the last one stays
        self._matrix_cells.forget()

    def _context(self) -> ResultContext | None:
        """The context of the first part answered (its unit), found once per drawing."""
        return self._context_found

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
        growing = any(p.state is PartState.PENDING for p in parts)
        started, added = time.perf_counter(), 0  # at least one line a drawing: progress
        self.plot.disableAutoRange()  # fitted once below, not after every line added
        for color, part in zip(colors, parts, strict=False):
            result = part.result if isinstance(part.result, TimeseriesFrame) else None
            drawn = self._lines.get(part.key)
            if drawn is not None and drawn.result is result:
                continue  # drawn by an earlier delivery
            if growing and added and time.perf_counter() - started > DRAW_BUDGET_S:
                self._catch_up_later()  # the rest on the next turn of the event loop
                break
            if drawn is not None:
                self.plot.removeItem(drawn.item)
                self._items.remove(drawn.item)
                del self._lines[part.key]
            if result is None:
                continue
            x, y = chart_points(result)
            line = self.plot.plot(
                x, y, name=self.label_of(part), pen=chart_style.overlay_pen(color, len(parts))
            )
            line.opts["name"] = part.key
            self._items.append(line)
            values = {int(m): float(v) for m, v in zip(x, y, strict=True)}
            self._lines[part.key] = _Line(result, line, values)
            added += 1
        self.plot.enableAutoRange()
        self._fill_line_table()

    def _fill_line_table(self) -> None:
        """One row per moment, one column per part: only the columns of the parts that
        changed since the last drawing (all of them when the rows change)."""
        assert self.answer is not None
        parts = self.answer.parts
        zone = self._shown.zone if self._shown else "UTC"
        moments = set().union(*(line.values for line in self._lines.values()))
        if moments != set(self._line_rows):
            self._line_rows = {m: r for r, m in enumerate(sorted(moments))}
            self._line_columns = {}
        header = [f"time ({zone})"]
        header += [self.label_of(p) + (f" ({WAITING})" if p.state is PartState.PENDING else "")
                   for p in parts]  # fmt: skip
        cells = self._cells
        if cells.shape(header, len(self._line_rows)):
            self._line_columns = {}
        if not self._line_columns:  # new rows, or a table emptied: the moments again
            for column in range(len(header)):
                self.table.setColumnHidden(column, False)
            for moment, row in self._line_rows.items():
                when = format_moment(datetime.fromtimestamp(moment, UTC), zone, "%Y-%m-%d %H:%M")
                cells.put(row, 0, when)
        changed = not self._line_columns
        for column, part in enumerate(parts, start=1):
            if self._line_columns.get(part.key) is part:
                continue
            self._line_columns[part.key] = part
            if part.state is PartState.PENDING:
                continue  # blank, its header says it is waiting
            if isinstance(part.result, TimeseriesFrame) and part.key not in self._lines:
                del self._line_columns[part.key]  # its line is not drawn yet: nor its column
                continue
            line = self._lines.get(part.key)
            values = line.values if line is not None and part.result is not None else {}
            for moment, row in self._line_rows.items():
                # a bucket an answered part has not: no value ("—"); a failed part: missing
                text = self._format(values.get(moment, math.nan)) if line else MISSING
                cells.put(row, column, text, number=text != MISSING)
            self.table.resizeColumnToContents(column)
            changed = True
        if changed:
            self.table.resizeColumnToContents(0)
            fit_beside(self.splitter, self.table)

    def _catch_up_later(self) -> None:
        """Draw what a growing answer's last drawing left out (over its time budget) once
        the event loop has had its turn: painting, input, the heartbeat."""
        if not self._catching_up:
            self._catching_up = True
            QTimer.singleShot(CATCH_UP_MS, self, self._catch_up)

    def _catch_up(self) -> None:
        self._catching_up = False
        if self.answer is not None and self._shown is not None:
            self.show_answer(self.answer, self._shown)

    def _show_crosstab(self, again: bool) -> None:
        """The matrix; drawn again for the same question, only the rows whose part changed
        (all of them when the columns or the shading's top change) and the totals."""
        table = self.crosstab()
        assert table is not None and self.answer is not None
        self.charts.setCurrentWidget(self.matrix)
        fmt = self._format
        totals = table.row_totals()
        header = [f"{table.row_dimension} \\ {table.column_dimension}", *table.columns, "total"]
        finite = [c for row in table.cells for c in row if c is not None and not math.isnan(c)]
        top = max(finite, default=0.0)
        cells = self._matrix_cells
        changes = cells.changes
        if cells.shape(header, len(table.rows) + 1) or not again:
            self._matrix_rows = {}
        self.matrix.verticalHeader().hide()
        palette = self.palette()
        parts = {p.key: p for p in self.answer.parts}
        for r, (row, values) in enumerate(zip(table.rows, table.cells, strict=True)):
            part = parts.get(row)
            before = self._matrix_rows.get(r)
            if before is not None and before[0] is part and before[1:] == (top, table.columns):
                continue
            self._matrix_rows[r] = (part, top, table.columns)
            cells.put(r, 0, self.label_of(part) if part else row, state_text(part) if part else "")
            for c, value in enumerate(values, start=1):
                text = fmt(value) if value is None or not math.isnan(value) else "—"
                if value is not None and not math.isnan(value) and top > 0:
                    color = heat_color(palette, value / top)
                    cells.put(r, c, text, number=True, background=color,
                              foreground=readable_on(color))  # fmt: skip
                else:
                    cells.put(r, c, text, number=True)
        for r, total in enumerate(totals):
            cells.put(r, len(header) - 1, fmt(total) if total is not None else "", number=True)
        last = len(table.rows)
        cells.put(last, 0, "total")
        for c, total in enumerate(table.column_totals(), start=1):
            cells.put(last, c, fmt(total) if total is not None else "", number=True)
        grand = table.grand_total()
        cells.put(last, len(header) - 1, fmt(grand) if grand is not None else "", number=True)
        if cells.changes != changes or not again:
            self.matrix.resizeColumnsToContents()
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
        changes = self._cells.changes
        self._cells.shape(header, len(rows))
        for column in range(len(header)):
            self.table.setColumnHidden(column, False)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self._cells.put(r, c, text, number=c >= number and text != MISSING)
        if self._cells.changes != changes:
            self.table.resizeColumnsToContents()
            fit_beside(self.splitter, self.table)

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
                self._drawn_as = None  # every line and cell again, in the new colours
                self.show_answer(self.answer, self._shown)
        super().changeEvent(event)
