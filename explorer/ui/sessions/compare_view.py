"""Several sessions' playhead paths overlaid, each aligned at its own first event."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from explorer.domain.timerange import as_zone
from explorer.services.sessions import Comparison, PlayerSession
from explorer.ui.charts import chart_style
from explorer.ui.charts.media_axis import MediaTimeAxis

PLACEHOLDER = "Select two or more sessions above and press Compare."
LEGEND_ALPHA = 225  # the legend's ground: the paths show through only faintly


def session_label(item: PlayerSession, zone: str) -> str:
    """ "09:00:02 FR chrome …3f2a": short enough for a legend, unique enough to tell apart."""
    s = item.session
    start = s.loaded_at.astimezone(as_zone(zone)).strftime("%m-%d %H:%M:%S") if s.loaded_at else ""
    parts = (start, item.location.country or "", item.client.name or "", "…" + s.session_id[-4:])
    return " ".join(p for p in parts if p)


class CompareView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison: Comparison | None = None
        self._zone = "UTC"
        self.summary = QLabel(PLACEHOLDER, self)
        self.summary.setAccessibleName("Comparison summary")
        self.summary.setWordWrap(True)
        self.plot = pg.PlotWidget(
            self,
            axisItems={"left": MediaTimeAxis("left"), "bottom": MediaTimeAxis("bottom")},
        )
        self.plot.setAccessibleName("Compared playhead paths")
        self.plot.setLabel("left", "Position")
        self.plot.setLabel("bottom", "Time since the session's first event")
        self.legend = self.plot.addLegend(offset=(10, 10))
        self.curves: list[pg.PlotDataItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)
        self._restyle()

    def show_message(self, text: str) -> None:
        self.summary.setText(text)

    def show_comparison(self, comparison: Comparison, zone: str) -> None:
        self.comparison, self._zone = comparison, zone
        self._draw()
        text = f"{len(comparison.sessions)} sessions, aligned at their first event."
        if comparison.problems:
            text += " Left out: " + "; ".join(comparison.problems)
        self.summary.setText(text)
        self.plot.enableAutoRange()
        self.plot.autoRange()

    def _draw(self) -> None:
        for curve in self.curves:
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves = []
        if self.comparison is None:
            return
        palette = self.palette()
        colors = chart_style.category_colors(palette, len(self.comparison.sessions))
        items = zip(self.comparison.sessions, self.comparison.paths, colors, strict=True)
        for item, (xs, ys), color in items:
            curve = self.plot.plot(
                xs, ys, pen=pg.mkPen(color, width=2), name=session_label(item, self._zone)
            )
            self.curves.append(curve)

    def _restyle(self) -> None:
        chart_style.style_plot(self.plot, self.palette())
        self.legend.setLabelTextColor(chart_style.text_color(self.palette()))
        # the paths run under the legend: a near-opaque ground keeps its labels readable
        ground = QColor(self.palette().color(QPalette.ColorRole.Base))
        ground.setAlpha(LEGEND_ALPHA)
        self.legend.setBrush(pg.mkBrush(ground))
        self._draw()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)
