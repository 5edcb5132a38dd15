"""A retention chart: the share of viewers at each second (or % of the length), its 95% band
while sampled, the rewatch line, and one line per group of a split."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from explorer.domain.retention import RetentionCurve
from explorer.ui.charts import chart_style
from explorer.ui.charts.media_axis import MediaTimeAxis

MAX_LINES = 8  # groups of a split drawn; the rest are in the CSV


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
    """`show_curves(curves, labels, by_percent, rewatch)`: labels None for one curve."""

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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._restyle()

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

    def _draw(self) -> None:
        self.plot.clear()
        self.legend.clear()
        palette = self.palette()
        curves = self._curves[:MAX_LINES]
        if not curves or not any(c.played for c in curves):
            return
        one = len(curves) == 1 and self._labels is None
        colors = chart_style.series_colors(palette, len(curves))
        top = 100.0
        veil = QColor(palette.color(palette.ColorRole.Base))
        veil.setAlpha(210)
        self.legend.setBrush(pg.mkBrush(veil))
        self.legend.setLabelTextColor(chart_style.text_color(palette))
        for index, curve in enumerate(curves):
            if not curve.played:  # a group where nobody played has no curve, not a 0% line
                continue
            x = self._x(curve)
            share = 100 * curve.share
            name = "still watching" if one else f"{(self._labels or [])[index]} · {curve.played:,}"
            pen = pg.mkPen(colors[index], width=2)
            if one and not curve.exact:  # the 95% band, where sampling leaves doubt
                low = pg.PlotDataItem(x, 100 * curve.low, pen=pg.mkPen(None))
                high = pg.PlotDataItem(x, 100 * curve.high, pen=pg.mkPen(None))
                band = QColor(colors[index])
                band.setAlpha(60)
                self.plot.addItem(pg.FillBetweenItem(low, high, brush=pg.mkBrush(band)))
            if one and self._rewatch:  # under the share, which stays on top where they meet
                rewatch = 100 * curve.rewatch
                top = max(top, float(np.nanmax(rewatch)) if len(rewatch) else top)
                dashed = chart_style.muted_pen(palette, dash=True)
                self.plot.addItem(
                    pg.PlotDataItem(x, rewatch, pen=dashed, name="plays, repeats counted")
                )
            self.plot.addItem(pg.PlotDataItem(x, share, pen=pen, name=name))
        self.axis.by_percent = self._by_percent
        self.axis.setLabel("% of the length" if self._by_percent else "position in the video")
        right = 100.0 if self._by_percent else max(c.duration for c in curves)
        self.plot.setXRange(0, right, padding=0.01)
        self.plot.setYRange(0, top * 1.05, padding=0)

    def _x(self, curve: RetentionCurve) -> np.ndarray:
        return curve.percent if self._by_percent else curve.seconds.astype(np.float64)

    def _restyle(self) -> None:
        chart_style.style_plot(self.plot, self.palette())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
            self._draw()
