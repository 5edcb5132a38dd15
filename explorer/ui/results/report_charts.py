"""A report's breakdowns as bars and its timelines as lines, each with the table of its numbers."""

from __future__ import annotations

import math
import re
from datetime import datetime
from html import escape, unescape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from explorer.domain.report import Section
from explorer.domain.timerange import as_zone
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.common.formatting import elide
from explorer.ui.results.breakdown_view import INSIDE_FROM
from explorer.ui.results.report_format import (
    UNIT_WORDS,
    date_pattern,
    format_figure,
    is_number,
    label_of,
    section_figure,
)
from explorer.ui.results.section_table import SectionTableView

MAX_BARS = 25  # more members than this: the largest are charted, all are in the table
BESIDE_COLUMNS = 3  # a table of up to this many columns sits beside its chart, a wider one under
PLOT_PX = 220  # one timeline chart
TABLE_ROWS = 14  # a table beside a chart of bars shows this many rows before it scrolls
TICK_PX = 50  # about one value tick per this many pixels of a value axis
DURATION_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
                  43200, 86400, 172800, 432000, 864000)  # fmt: skip
HEADROOM = 1.08  # a timeline's value axis reaches this far above its largest value
MIN_ROWS = 5  # a timeline's table is as tall as its charts, and at least this many rows


class UnitAxis(pg.AxisItem):
    """A value axis whose ticks read in the figures' unit: "20 %", "1 min 40 s", "2.5 Mbit/s"."""

    def __init__(self, unit: str, orientation: str = "left") -> None:
        super().__init__(orientation=orientation)
        self.unit = unit
        self.enableAutoSIPrefix(False)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """Durations tick on whole seconds, minutes, hours or days ("25 min", not "16 min 40 s")."""
        if self.unit != "s" or maxVal <= minVal:
            return super().tickSpacing(minVal, maxVal, size)
        wanted = (maxVal - minVal) / max(size / TICK_PX, 2)
        step = next((s for s in DURATION_STEPS if s >= wanted), DURATION_STEPS[-1])
        while (maxVal - minVal) / step > 12:  # beyond the longest step: whole multiples of it
            step *= 2
        return [(step, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.unit == "ratio" and abs(spacing * 100 - round(spacing * 100)) < 1e-9:  # "10 %"
            return [f"{float(v) * scale * 100:.0f} %" for v in values]
        step = spacing * scale * (100 if self.unit == "ratio" else 1)
        places = None  # the kind's decimals, unless the ticks are closer than they can tell
        if self.unit in ("", "ms", "1/s", "ratio") and 0 < step < 1:
            places = math.ceil(-math.log10(step) - 1e-9)
        return [format_figure(float(v) * scale, self.unit, places=places) for v in values]


def numeric_names(section: Section) -> list[str]:
    """The names with at least one number, in order."""
    grid = section.grid()
    names = section.names()
    return [n for j, n in enumerate(names) if any(is_number(row[j]) for row in grid)]


def _place(block: QWidget, chart: QWidget, table: SectionTableView) -> None:
    """The table beside the chart (narrow as its columns), or under it when it is wide."""
    if table.proxy.columnCount() <= BESIDE_COLUMNS:
        table.fit_width()
        layout: QHBoxLayout | QVBoxLayout = QHBoxLayout(block)
        layout.addWidget(chart, 1)
        layout.addWidget(table, 0, Qt.AlignmentFlag.AlignTop)
    else:
        layout = QVBoxLayout(block)
        layout.addWidget(chart)
        layout.addWidget(table)
    layout.setContentsMargins(0, 0, 0, 0)


def _restyle(plots: list[pg.PlotWidget], palette: QPalette) -> None:
    for plot in plots:
        chart_style.style_plot(plot, palette)


def _plot(parent: QWidget, name: str, **axes: pg.AxisItem) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent, axisItems=axes)
    plot.setAccessibleName(name)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)  # the wheel scrolls the report, not the chart
    plot.hideButtons()
    chart_style.style_plot(plot, parent.palette())
    return plot


HOURS_SECTION = "by_time_of_day"  # VideoCloud's hours of the day, in a zone it does not state
HOURS_ZONE_NOTE = (
    "VideoCloud's documentation does not say in which zone it counts these hours (its dates"
    " are UTC, and the built-in demo counts hours in UTC); they are not in the tab's zone"
)


class BreakdownBlock(QWidget):
    """Horizontal bars of the first numeric name, largest on top (hours of the day in their
    order), labelled with a video's title where the section has one; the table beside."""

    def __init__(self, section: Section, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        names = numeric_names(section)
        self.name = names[0] if names else ""
        self.unit = section.unit_of(self.name) if self.name else ""
        members = [str(m) for m in section.members()]
        titles = section.names()
        grid = section.grid()
        column = titles.index("title") if "title" in titles else None
        self.hours = section.name.endswith(HOURS_SECTION)  # the API's hours, zone unstated
        self.all_labels = [
            str(grid[i][column]) if column is not None and grid[i][column] else key or "(empty)"
            for i, key in enumerate(members)
        ]
        if self.hours:
            self.all_labels = [
                f"{int(key):02d}:00" if key.isdigit() else label
                for key, label in zip(members, self.all_labels, strict=True)
            ]
        values = section.numbers(self.name) if self.name else np.zeros(len(members))
        self.order = self._order(members, values)
        shown = self.order[:MAX_BARS]
        self.labels = [self.all_labels[i] for i in shown]
        self.values = values[shown]
        self.readout = QLabel(self._note(len(members)), self)
        self.readout.setAccessibleName(f"{section.title}: value under the cursor")
        self.readout.setWordWrap(True)  # a long note wraps on a laptop rather than clip
        self.plot = _plot(self, f"{section.title} chart", left=pg.AxisItem("left"))
        self.plot.setMinimumWidth(320)
        self.plot.invertY(True)
        self.plot.hideAxis("bottom")  # each bar says its value; a scale would only repeat it
        self.plot.showGrid(x=False, y=False)
        count = len(shown)
        palette = self.palette()
        widths = np.nan_to_num(self.values, nan=0.0)
        self.bars = pg.BarGraphItem(
            x0=np.zeros(count),
            y=np.arange(count, dtype=float),
            width=widths,
            height=0.7,
            brushes=[chart_style.bar_brush(palette)] * count,
        )
        self.plot.addItem(self.bars)
        ticks = [(i, elide(label)) for i, label in enumerate(self.labels)]
        self.plot.getAxis("left").setTicks([ticks])
        color = chart_style.text_color(palette)
        inside = palette.color(palette.ColorRole.HighlightedText)
        top = float(np.nanmax(widths)) if count else 0.0
        self.value_labels = []
        for i, value in enumerate(self.values):
            # on the long bars the value sits inside the end: "6 min 4 s" beside the longest
            # bar was cut to "6 min 4" at 1024 px (the rule of the breakdown view)
            within = top > 0 and float(value) >= INSIDE_FROM * top
            label = pg.TextItem(
                self._text(float(value)),
                color=inside if within else color,
                anchor=(1, 0.5) if within else (0, 0.5),
            )
            label.setPos(0.0 if np.isnan(value) else float(value), i)
            self.plot.addItem(label)
            self.value_labels.append(label)
        self.plot.setXRange(0, top * 1.25 if top > 0 else 1, padding=0)
        self.plot.setYRange(-0.6, max(count, 3) - 0.4, padding=0)
        self.table = SectionTableView(f"{section.title} table", self)
        self.table.set_section(section, zone)
        self.table.fit_rows(len(members), max(TABLE_ROWS, count))
        row_px = self.table.verticalHeader().defaultSectionSize()  # bars line up with rows
        self.plot.setFixedHeight(max(count, 3) * row_px + 8)
        chart = QWidget(self)
        column_layout = QVBoxLayout(chart)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(self.readout)
        column_layout.addWidget(self.plot)
        column_layout.addStretch(1)
        _place(self, chart, self.table)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    @staticmethod
    def _order(members: list[str], values: np.ndarray) -> list[int]:
        """Hours of the day (whole-number keys) in their order; anything else by value,
        largest first, members without a number last."""
        if members and all(m.strip().lstrip("-").isdigit() for m in members):
            return sorted(range(len(members)), key=lambda i: int(members[i]))
        return sorted(range(len(members)), key=lambda i: (np.isnan(values[i]), -values[i]))

    def label_inside(self, slot: int) -> bool:
        """Whether the value label of this bar is drawn inside its end (tests read this)."""
        return bool(self.value_labels[slot].anchor.x() == 1.0)

    def _text(self, value: float) -> str:
        return section_figure(value, self.unit, self.section.name, self.name)

    def _note(self, count: int) -> str:
        if not self.name:
            return f"{count} members; nothing to chart (no numbers)"
        note = f"Bars: {label_of(self.name).lower()}"
        if self.hours:
            note += f" by hour of the day as the API gives it ({HOURS_ZONE_NOTE})"
        if count > MAX_BARS:
            note += f"; the {MAX_BARS} largest of {count} (all in the table)"
        return note + ". Point at a bar to read it."

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            _restyle([self.plot], self.palette())
            self.plot.showGrid(x=False, y=False)
            self.bars.setOpts(brushes=[chart_style.bar_brush(self.palette())] * len(self.labels))
            palette = self.palette()
            for label in self.value_labels:
                inside = self.label_inside(self.value_labels.index(label))
                highlighted = palette.color(palette.ColorRole.HighlightedText)
                label.setColor(highlighted if inside else chart_style.text_color(palette))
        super().changeEvent(event)

    def bar_values(self) -> tuple[list[str], list[float]]:
        """What the chart shows: (labels, values) top to bottom (tests read this)."""
        return list(self.labels), [float(v) for v in self.values]

    def describe_bar(self, index: int) -> str:
        return f"{self.labels[index]}: {self._text(float(self.values[index]))}"

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        box = self.plot.getPlotItem().vb
        if not self.plot.sceneBoundingRect().contains(position) or not len(self.labels):
            return
        index = round(box.mapSceneToView(position).y())
        text = self.describe_bar(index) if 0 <= index < len(self.labels) else ""
        box.setToolTip(text)
        if text:
            self.readout.setText(text)


class TimelineBlock(QWidget):
    """One line per numeric name over a date axis in the zone; names of different units on
    charts of their own (percentages never share an axis with counts), x axes linked."""

    def __init__(self, section: Section, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.zone = zone
        members = [m for m in section.members() if isinstance(m, datetime)]
        order = sorted(range(len(members)), key=lambda i: members[i])
        self.moments = [members[i] for i in order]
        self.x = np.array([m.timestamp() for m in self.moments], dtype=np.float64)
        names = numeric_names(section)
        self.series = {n: section.numbers(n)[order] for n in names}
        self._pattern = date_pattern(self.moments, zone)
        groups: dict[str, list[str]] = {}
        for name in names:
            groups.setdefault(section.unit_of(name), []).append(name)
        self.groups = groups
        self.readout = QLabel("Point at the chart to read the values.", self)
        self.readout.setAccessibleName(f"{section.title}: values under the cursor")
        self.readout.setWordWrap(True)
        colors = chart_style.series_colors(self.palette(), max(len(names), 1))
        self.colors = dict(zip(names, colors, strict=False))
        self.legends: list[pg.LabelItem] = []
        self.plots: list[pg.PlotWidget] = []
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.points: dict[str, pg.ScatterPlotItem] = {}
        self.cursor: list[pg.InfiniteLine] = []
        self._axis_px = 48
        chart = QWidget(self)
        charts = QVBoxLayout(chart)
        charts.setContentsMargins(0, 0, 0, 0)
        charts.addWidget(self.readout)
        for unit, members_of_unit in groups.items():
            plot = self._unit_plot(chart, unit)
            for name in members_of_unit:
                self._add_series(plot, name, unit, self.colors[name])
            charts.addWidget(plot)
        charts.addStretch(1)
        if not groups:
            self.readout.setText("Nothing to chart: no numbers in this section.")
        self.table = SectionTableView(f"{section.title} table", self)
        self.table.set_section(section, zone)
        plots_px = len(self.plots) * PLOT_PX + self.readout.sizeHint().height()
        row_px = self.table.verticalHeader().defaultSectionSize()
        self.table.fit_rows(len(self.moments), max(MIN_ROWS, plots_px // row_px - 1))
        _place(self, chart, self.table)

    def _unit_plot(self, parent: QWidget, unit: str) -> pg.PlotWidget:
        axis = ZonedDateAxis(self.zone)
        title = f"{self.section.title} ({UNIT_WORDS.get(unit, unit)})"
        plot = _plot(parent, f"{title} chart", bottom=axis, left=UnitAxis(unit))
        plot.setFixedHeight(PLOT_PX)
        plot.setMinimumWidth(320)
        self._show_legend(plot, unit)
        plot.setLabel("bottom", f"date ({self.zone})")
        finite = [v for n in self.groups[unit] for v in self.series[n] if np.isfinite(v)]
        if finite and min(finite) >= 0:  # not negative: the axis starts at zero, honestly
            plot.setYRange(0, max(finite) * HEADROOM or 1.0, padding=0)
        # one width for every value axis of the block: its charts' plot areas line up
        texts = [format_figure(v, unit) for v in (min(finite, default=0), max(finite, default=0))]
        texts += [format_figure(max(finite, default=0) * HEADROOM * 0.9, unit)]
        metrics = QFontMetrics(plot.getAxis("left").font())
        self._axis_px = max(self._axis_px, *(metrics.horizontalAdvance(t) + 18 for t in texts))
        for each in [*self.plots, plot]:
            each.getAxis("left").setWidth(self._axis_px)
        if self.plots:
            plot.setXLink(self.plots[0])
        line = pg.InfiniteLine(
            angle=90, movable=False, pen=chart_style.crosshair_pen(self.palette())
        )
        line.hide()
        plot.addItem(line, ignoreBounds=True)
        self.cursor.append(line)
        plot.scene().sigMouseMoved.connect(
            lambda position, p=plot: self._on_scene_mouse_moved(p, position)
        )
        self.plots.append(plot)
        return plot

    def _show_legend(self, plot: pg.PlotWidget, unit: str) -> None:
        """The legend as the chart's title line: above the lines, never over them."""
        text = chart_style.text_color(self.palette()).name()
        keys = [
            f"<span style='color:{self.colors[n].name()}'>━━</span>&nbsp;{escape(label_of(n))}"
            for n in self.groups[unit]
        ]
        plot.setTitle("&nbsp;&nbsp;&nbsp;".join(keys), color=text, size="9pt")
        self.legends.append(plot.getPlotItem().titleLabel)

    def legend_of(self, index: int) -> list[str]:
        """The names the ``index``-th chart's legend shows (tests read this)."""
        plain = re.sub(r"<[^>]+>|━", "", self.legends[index].text).replace("&nbsp;", " ")
        return [unescape(part.strip()) for part in plain.split("   ") if part.strip()]

    def _add_series(self, plot: pg.PlotWidget, name: str, unit: str, color: object) -> None:
        y = self.series[name]
        pen = chart_style.overlay_pen(color, len(self.series))  # type: ignore[arg-type]
        curve = plot.plot(self.x, y, pen=pen, name=label_of(name), connect="finite")
        finite = np.isfinite(y)
        points = pg.ScatterPlotItem(
            x=self.x[finite],
            y=y[finite],
            data=[(name, i) for i in np.flatnonzero(finite)],
            size=6,
            pen=None,
            brush=pg.mkBrush(color),
            hoverable=True,
            tip=chart_style.weak_tip(self._point_tip),
        )
        plot.addItem(points)
        self.curves[name] = curve
        self.points[name] = points

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            _restyle(self.plots, self.palette())
        super().changeEvent(event)

    def _point_tip(self, x: float, y: float, data: tuple[str, int]) -> str:
        name, index = data
        return f"{label_of(name)}, {self.moment_text(index)}: {self.value_text(name, index)}"

    def moment_text(self, index: int) -> str:
        return self.moments[index].astimezone(as_zone(self.zone)).strftime(self._pattern)

    def value_text(self, name: str, index: int) -> str:
        value = float(self.series[name][index])
        unit = self.section.unit_of(name)
        return section_figure(value, unit, self.section.name, name)

    def describe_point(self, index: int) -> str:
        """Every name's value at one moment, for the readout."""
        values = " · ".join(f"{label_of(n)} {self.value_text(n, index)}" for n in self.series)
        return f"{self.moment_text(index)} ({self.zone}): {values}"

    def point_at(self, x: float) -> int | None:
        if not len(self.x):
            return None
        i = int(np.searchsorted(self.x, x))
        candidates = [j for j in (i - 1, i) if 0 <= j < len(self.x)]
        return min(candidates, key=lambda j: abs(self.x[j] - x))

    def _on_scene_mouse_moved(self, plot: pg.PlotWidget, position: QPointF) -> None:
        if not plot.sceneBoundingRect().contains(position):
            return
        index = self.point_at(plot.getPlotItem().vb.mapSceneToView(position).x())
        if index is None:
            return
        for line in self.cursor:
            line.setPos(float(self.x[index]))
            line.show()
        self.readout.setText(self.describe_point(index))
