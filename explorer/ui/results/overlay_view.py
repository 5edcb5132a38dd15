"""Several timeseries results overlaid on one date axis: one thin line each, a checkable legend.

Drawing many series must not stall the UI thread: each series is one light ``PlotCurveItem``
(no per-point symbols, no legend item in the scene), lines are 1-pixel cosmetic pens without
antialiasing once there are more than a few, the curves are added ``BATCH`` per event-loop turn
with auto-range off, and the range is set once, before the first line, from the points
themselves (not by asking every item for its bounds after every add).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.frames import TimeseriesFrame
from explorer.domain.query import Query
from explorer.domain.timerange import as_zone
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.common.formatting import format_short, is_averaged
from explorer.ui.results.timeseries_view import chart_points

BATCH = 10  # series added per event-loop turn
LEGEND_WIDTH = 230  # px: room for a media id, or a filter and a period
PLACEHOLDER = "Run timeseries queries in two or more tabs, then press Overlay to compare them."
HINT = "Point at a line to read it. Drag to pan, wheel to zoom; untick a series to hide it."


def label_parts(query: Query | None, fallback: str, zone: str) -> list[str]:
    """What a result's query was: metric, filters (a media id as is), period in ``zone``."""
    if query is None:
        return [fallback]
    parts = [query.metric]
    for key, values in query.filters.items():
        if values:
            parts.append(",".join(values) if key == "mediaId" else f"{key}={','.join(values)}")
    if query.start is not None and query.end is not None:
        start, end = query.start.astimezone(as_zone(zone)), query.end.astimezone(as_zone(zone))
        parts.append(f"{start:%m-%d %H:%M} → {end:%m-%d %H:%M}")
    return parts


def series_labels(parts: Sequence[list[str]]) -> tuple[list[str], str]:
    """Each series' label, leaving out what all of them share, and what they share: the
    legend then starts with what tells one line from another ("vi4k…" rather than "play · ")."""
    shared = [p for p in parts[0] if all(p in other for other in parts[1:])] if parts else []
    if len(parts) < 2:
        shared = []
    labels = [" · ".join(p for p in own if p not in shared) or " · ".join(own) for own in parts]
    return labels, " · ".join(shared)


@dataclass
class DrawnSeries:
    """One overlaid series: its label, its points (epoch seconds, values) and its line."""

    label: str
    frame: TimeseriesFrame
    x: np.ndarray
    y: np.ndarray
    curve: pg.PlotCurveItem


class OverlayView(QWidget):
    """``show_series`` draws over a few event-loop turns and emits ``series_drawn`` when all
    its series are on the chart (a newer call abandons an older one's remaining batches)."""

    series_drawn = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = "overlay"  # the name of its task in the TaskRunner: it never runs one
        self.title = "Overlay"
        self.series: list[DrawnSeries] = []
        self._pending: list[tuple[str, TimeseriesFrame, np.ndarray, np.ndarray]] = []
        self._total = 0
        self._request: tuple[list[tuple[str, TimeseriesFrame]], str, str] | None = None
        self._zone = "UTC"
        self._drawing = False
        self.summary = QLabel(PLACEHOLDER, self)
        self.summary.setAccessibleName("Overlay summary")
        self.summary.setWordWrap(True)
        self.axis = ZonedDateAxis("UTC")
        self.plot = pg.PlotWidget(self, axisItems={"bottom": self.axis})
        self.plot.setAccessibleName("Overlaid timeseries chart")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.marker = pg.ScatterPlotItem(size=8)
        self.plot.addItem(self.marker, ignoreBounds=True)
        self.readout = QLabel(HINT, self)
        self.readout.setAccessibleName("Value under the cursor")
        self.reset_button = QPushButton("Reset zoom", self)
        self.reset_button.setAccessibleName("Reset zoom")
        self.reset_button.clicked.connect(self.reset_zoom)
        self.legend = QListWidget(self)
        self.legend.setAccessibleName("Overlaid series")
        # a label wraps at its " · " rather than lose its middle ("play · viKNOW…country=FR")
        self.legend.setWordWrap(True)
        self.legend.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a single long id only
        self.legend.setResizeMode(QListWidget.ResizeMode.Adjust)  # rewrapped as it resizes
        self.legend.setMinimumWidth(LEGEND_WIDTH)
        self.legend.itemChanged.connect(self._on_legend_item_changed)
        self._batches = QTimer(self)
        self._batches.setSingleShot(True)
        self._batches.setInterval(0)
        self._batches.timeout.connect(self._on_batches_timeout)
        self._layout()
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self._restyle()

    def _layout(self) -> None:
        chart = QWidget(self)
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.reset_button)
        column = QVBoxLayout(chart)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.plot, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(chart)
        splitter.addWidget(self.legend)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    # --- drawing -------------------------------------------------------------------------

    def show_results(
        self, results: Sequence[tuple[Query | None, str, TimeseriesFrame]], zone: str
    ) -> None:
        """Overlay result tabs' ``(query, title, frame)``, each labelled by its query."""
        labels, shared = series_labels([label_parts(q, title, zone) for q, title, _ in results])
        frames = [frame for *_, frame in results]
        self.show_series(list(zip(labels, frames, strict=True)), zone, shared)

    def show_series(
        self, series: Sequence[tuple[str, TimeseriesFrame]], zone: str, shared: str = ""
    ) -> None:
        """Overlay ``(label, frame)`` pairs in the time zone ``zone`` (``shared``: what they
        all are, for the summary); series in another unit than the first are left out, and
        the summary says so. Returns at once: the points are worked out on the next turn of
        the event loop and the lines drawn over the turns after."""
        self._clear()
        self._request = (list(series), zone, shared)
        self._drawing = True
        self._batches.start()

    def _prepare(self, series: list[tuple[str, TimeseriesFrame]], zone: str, shared: str) -> None:
        self._zone = zone
        self.axis.set_zone(zone)
        kept, left_out = _same_unit(series)
        unit = kept[0][1].context.unit if kept else None
        self.plot.setLabel("left", unit.label if unit is not None else "value")
        what = f" of {shared}" if shared else ""
        text = f"{len(kept)} series{what} overlaid, times in {zone}." if kept else PLACEHOLDER
        if left_out:
            text += " Left out (another unit): " + "; ".join(left_out)
        self.summary.setText(text)
        self._pending = [(label, frame, *chart_points(frame)) for label, frame in kept]
        self._total = len(self._pending)
        box = self.plot.getPlotItem().vb
        box.disableAutoRange()  # the range is known before the first line: no refit per add
        self._set_range([(x, y) for *_, x, y in self._pending])

    def _clear(self) -> None:
        self._batches.stop()
        self._request = None
        self._pending = []
        item = self.plot.getPlotItem()
        for drawn in self.series:
            item.removeItem(drawn.curve)
        self.series = []
        self.legend.clear()
        self.marker.setData([], [])

    def _on_batches_timeout(self) -> None:
        if self._request is not None:
            request, self._request = self._request, None
            self._prepare(*request)
            self._batches.start()
            return
        batch, self._pending = self._pending[:BATCH], self._pending[BATCH:]
        total = self._total
        colors = chart_style.series_colors(self.palette(), total)
        self.legend.blockSignals(True)
        for label, frame, x, y in batch:
            color = colors[len(self.series)]
            curve = pg.PlotCurveItem(
                x, y, pen=chart_style.overlay_pen(color, total), connect="finite"
            )
            self.plot.addItem(curve)
            self.series.append(DrawnSeries(label, frame, x, y, curve))
            entry = QListWidgetItem(_swatch(color), label)
            entry.setToolTip(label)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked)
            self.legend.addItem(entry)
        self.legend.blockSignals(False)
        if self._pending:
            self._batches.start()
            return
        self._drawing = False
        self.series_drawn.emit()

    @property
    def drawing(self) -> bool:
        return self._drawing

    def reset_zoom(self) -> None:
        """Every visible series in view, from the zero line up."""
        self._set_range([(s.x, s.y) for s in self.series if s.curve.isVisible()])

    def _set_range(self, points: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """One range for all ``points``, computed here rather than by asking every item."""
        points = [(x, y) for x, y in points if len(x)]
        if not points:
            return
        x0 = min(float(x[0]) for x, _ in points)
        x1 = max(float(x[-1]) for x, _ in points)
        tops = [float(np.nanmax(y)) for _, y in points if np.isfinite(y).any()]
        top = max(tops, default=1.0) or 1.0
        box = self.plot.getPlotItem().vb
        box.setLimits(yMin=-0.05 * top)
        box.setRange(xRange=(x0, x1), yRange=(0.0, top), padding=0.02)

    # --- reading -------------------------------------------------------------------------

    def nearest(self, x: float, y: float) -> tuple[DrawnSeries, int] | None:
        """The visible series whose value at the bucket nearest to ``x`` is closest to ``y``."""
        best: tuple[float, DrawnSeries, int] | None = None
        for drawn in self.series:
            if not drawn.curve.isVisible() or len(drawn.x) == 0:
                continue
            after = int(np.searchsorted(drawn.x, x))
            near = [j for j in (after - 1, after) if 0 <= j < len(drawn.x)]
            i = min(near, key=lambda j: abs(float(drawn.x[j]) - x))
            value = float(drawn.y[i])
            if np.isfinite(value) and (best is None or abs(value - y) < best[0]):
                best = (abs(value - y), drawn, i)
        return (best[1], best[2]) if best is not None else None

    def describe(self, drawn: DrawnSeries, index: int) -> str:
        moment = datetime.fromtimestamp(float(drawn.x[index]), UTC).astimezone(as_zone(self._zone))
        unit = drawn.frame.context.unit
        averaged = is_averaged(drawn.frame.context)
        value = format_short(float(drawn.y[index]), unit, averaged=averaged)
        caption = unit.label if unit is not None else ""
        return f"{drawn.label}: {moment:%Y-%m-%d %H:%M} ({self._zone}): {value} {caption}".rstrip()

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        if self._drawing or not self.plot.sceneBoundingRect().contains(position):
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(position)
        found = self.nearest(point.x(), point.y())
        if found is None:
            return
        drawn, index = found
        self.marker.setData(
            [float(drawn.x[index])], [float(drawn.y[index])], brush=drawn.curve.opts["pen"].color()
        )
        self.readout.setText(self.describe(drawn, index))

    def _on_legend_item_changed(self, entry: QListWidgetItem) -> None:
        row = self.legend.row(entry)
        if 0 <= row < len(self.series):
            self.series[row].curve.setVisible(entry.checkState() == Qt.CheckState.Checked)
            self.marker.setData([], [])

    # --- style ---------------------------------------------------------------------------

    def _restyle(self) -> None:
        palette = self.palette()
        chart_style.style_plot(self.plot, palette)
        count = max(len(self.series), self._total)  # while drawing: as the batches colour
        colors = chart_style.series_colors(palette, count)
        for row, (drawn, color) in enumerate(zip(self.series, colors, strict=False)):
            drawn.curve.setPen(chart_style.overlay_pen(color, count))
            entry = self.legend.item(row)
            if entry is not None:
                entry.setIcon(_swatch(color))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)


def _same_unit(
    series: Sequence[tuple[str, TimeseriesFrame]],
) -> tuple[list[tuple[str, TimeseriesFrame]], list[str]]:
    """The series in the first one's unit, and the labels of the others."""
    if not series:
        return [], []
    unit = series[0][1].context.unit
    kept = [(label, frame) for label, frame in series if frame.context.unit == unit]
    left_out = [label for label, frame in series if frame.context.unit != unit]
    return kept, left_out


def _swatch(color: QColor) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(color)
    return QIcon(pixmap)
