"""A retention chart: the share of viewers at each second (or % of the length), its 95% band
while sampled, the rewatch line, and one line per group of a split."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QColor, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem, QVBoxLayout, QWidget

from explorer.domain.retention import RetentionCurve
from explorer.ui.charts import chart_style
from explorer.ui.charts.media_axis import MediaTimeAxis

MAX_LINES = 8  # groups of a split drawn; the rest are in the CSV
SETTLE_MS = 15  # `painted` once the plot has had no paint for this long


def band_path(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> QPainterPath:
    """The band between two lines as one closed outline, built by numpy in one pass
    (pyqtgraph's FillBetweenItem rebuilt it from both curves on every change: tens of ms)."""
    outline = pg.arrayToQPath(np.concatenate([x, x[::-1]]), np.concatenate([low, high[::-1]]))
    outline.closeSubpath()
    return outline


def percent_strings(values: list[float]) -> list[str]:
    return [f"{v:g}%" for v in values]


class PercentAxis(pg.AxisItem):
    """Values read as percentages."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return percent_strings(values)


class PositionAxis(MediaTimeAxis):
    """The position in the video: media time (m:ss), or % of the length to compare videos."""

    by_percent = False

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:
        if self.by_percent:
            return pg.AxisItem.tickSpacing(self, minVal, maxVal, size)
        return super().tickSpacing(minVal, maxVal, size)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.by_percent:
            return percent_strings(values)
        return super().tickStrings(values, scale, spacing)


class RetentionChart(QWidget):
    """`show_curves(curves, labels, by_percent, rewatch)`: labels None for one curve;
    `painted` once the plot has been painted (after its paint event is done)."""

    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = PositionAxis("bottom")
        self.plot = pg.PlotWidget(
            self, axisItems={"bottom": self.axis, "left": PercentAxis("left")}
        )
        self.plot.setAccessibleName("Retention chart")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setLabel("left", "viewers still watching")
        # bottom left, where curves that start high rarely are; a veil keeps it readable
        self.legend = self.plot.addLegend(offset=(10, -10))
        self._curves: list[RetentionCurve] = []
        self._labels: list[str] | None = None
        self._by_percent = False
        self._rewatch = True
        self._layout: tuple[object, ...] | None = None  # what the items drawn are for
        self._lines: list[pg.PlotDataItem] = []
        self._ranges: tuple[float, float, bool] | None = None  # the axes' last extent
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.plot.viewport().installEventFilter(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.painted)
        self._restyle()
        # the items of one video's curve, made now rather than when its first round comes in
        self._layout = (True, True, ("",))
        self._build(1, True, True)

    def show_curves(
        self,
        curves: Sequence[RetentionCurve],
        labels: Sequence[str] | None,
        by_percent: bool,
        rewatch: bool,
    ) -> None:
        self._curves, self._labels = list(curves), list(labels) if labels is not None else None
        self._by_percent, self._rewatch = by_percent, rewatch
        self._draw()

    def shown_lines(self) -> dict[str, np.ndarray]:
        """What the legend says of each line, and its values (%): what a person sees."""
        return {
            label.text: np.asarray(sample.item.getData()[1]) for sample, label in self.legend.items
        }

    def _draw(self) -> None:
        """Redraw in place while the sample grows (new data on the same items); rebuild only
        when what is drawn changes (another split, a video added, the band or rewatch line
        coming or going): rebuilding every round cost tens of milliseconds on the GUI thread."""
        drawn = [(i, c) for i, c in enumerate(self._curves[:MAX_LINES]) if c.played]
        one = len(self._curves) == 1 and self._labels is None
        band = one and bool(drawn) and not drawn[0][1].exact
        rewatch = one and self._rewatch and bool(drawn)
        groups = tuple((self._labels or [])[i] if not one else "" for i, _ in drawn)
        layout = (one, rewatch, groups)  # not the band: the last round of a sample is exact
        if layout != self._layout:
            self._build(len(drawn), one, rewatch)
            self._layout = layout
        if not drawn:
            return
        if one:
            self._fill.setVisible(band)
        top = 100.0
        for line, (index, curve) in zip(self._lines, drawn, strict=True):
            x = self._x(curve)
            line.setData(x, 100 * curve.share)
            name = "still watching" if one else f"{(self._labels or [])[index]} · {curve.played:,}"
            label = self.legend.getLabel(line)
            if label is not None and label.text != name:
                label.setText(name)
        if band:
            curve = drawn[0][1]
            self._fill.setPath(band_path(self._x(curve), 100 * curve.low, 100 * curve.high))
        if rewatch:
            curve = drawn[0][1]
            values = 100 * curve.rewatch
            top = max(top, float(np.nanmax(values)) if len(values) else top)
            self._rewatch_line.setData(self._x(curve), values)
        right = 100.0 if self._by_percent else max(c.duration for _, c in drawn)
        top = math.ceil(top / 25) * 25  # in steps, so that a growing sample rarely moves it
        ranges = (right, top, self._by_percent)
        if ranges != self._ranges:  # the axes repaint only when their extent changes
            self._ranges = ranges
            self.axis.by_percent = self._by_percent
            self.axis.setLabel("% of the length" if self._by_percent else "position in the video")
            self.plot.setXRange(0, right, padding=0.01)
            self.plot.setYRange(0, top * 1.05, padding=0)

    def _build(self, count: int, one: bool, rewatch: bool) -> None:
        """The items for ``count`` lines (and the band and the rewatch line of one video)."""
        self.plot.clear()
        self.legend.clear()
        palette = self.palette()
        veil = QColor(palette.color(palette.ColorRole.Base))
        veil.setAlpha(210)
        self.legend.setBrush(pg.mkBrush(veil))
        self.legend.setLabelTextColor(chart_style.text_color(palette))
        colors = chart_style.series_colors(palette, max(count, 1))
        if one:  # the 95% band, where sampling leaves doubt
            shade = QColor(colors[0])
            shade.setAlpha(60)
            self._fill = QGraphicsPathItem()
            self._fill.setBrush(pg.mkBrush(shade))
            self._fill.setPen(pg.mkPen(None))
            self.plot.addItem(self._fill)
        if rewatch:  # under the share, which stays on top where they meet
            dashed = chart_style.muted_pen(palette, dash=True)
            self._rewatch_line = pg.PlotDataItem(pen=dashed, name="plays, repeats counted")
            self.plot.addItem(self._rewatch_line)
        self._lines = []
        for index in range(count):
            line = pg.PlotDataItem(pen=pg.mkPen(colors[index], width=2), name=" ")
            self.plot.addItem(line)
            self._lines.append(line)

    def _x(self, curve: RetentionCurve) -> np.ndarray:
        return curve.percent if self._by_percent else curve.seconds.astype(np.float64)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._settle.start()  # a relayout after new data paints again: wait for the last
        return super().eventFilter(watched, event)

    def _restyle(self) -> None:
        chart_style.style_plot(self.plot, self.palette())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
            self._layout = self._ranges = None  # colours are chosen when the items are made
            self._draw()
