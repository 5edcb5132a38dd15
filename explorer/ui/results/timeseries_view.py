"""A timeseries result: a line on a date axis in the chosen zone, a crosshair, and its table."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from explorer.domain.catalogue import INTERVALS
from explorer.domain.frames import TimeseriesFrame
from explorer.domain.timerange import as_zone, describe_duration
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.charts.no_data_label import NoDataLabel
from explorer.ui.common.formatting import format_short, is_averaged
from explorer.ui.results.drill_menu import Pick
from explorer.ui.results.result_table import ResultTableView
from explorer.ui.results.views import Shown

MANY_POINTS = 120  # above this, no point markers
MAX_FILLED = 200_000  # never build a bigger grid of empty buckets than this


def chart_points(frame: TimeseriesFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every bucket of the timeframe, in time order. The API leaves out buckets without data:
    for an additive count that bucket is 0; for anything else (a rate, viewers) it has no
    value and the line shows a gap (NaN) instead of inventing a slope across it."""
    ordered = frame.sorted_by("time")
    x, y = ordered.epoch_seconds(), ordered.values
    step = INTERVALS.get(frame.context.interval or "")
    if step is None or len(x) == 0:
        return x, y
    seconds = step.total_seconds()
    start = frame.context.start.timestamp() if frame.context.start else float(x[0])
    end = frame.context.end.timestamp() if frame.context.end else float(x[-1]) + seconds
    first = float(x[0]) - math.floor((float(x[0]) - start) / seconds) * seconds
    count = math.ceil((max(end, float(x[-1]) + 1) - first) / seconds)
    if count > MAX_FILLED:
        return x, y
    grid = first + np.arange(count) * seconds
    values = np.full(count, 0.0 if frame.context.is_additive else math.nan)
    slots = np.rint((x - first) / seconds).astype(np.int64)
    on_grid = (slots >= 0) & (slots < count)
    on_grid[on_grid] &= np.isclose(grid[slots[on_grid]], x[on_grid])
    values[slots[on_grid]] = y[on_grid]
    if not on_grid.all():  # buckets off the grid (a DST-length day): keep them as they are
        grid = np.concatenate([grid, x[~on_grid]])
        values = np.concatenate([values, y[~on_grid]])
        order = np.argsort(grid, kind="stable")
        grid, values = grid[order], values[order]
    return grid, values


def in_progress(x: np.ndarray, frame: TimeseriesFrame, now: datetime | None) -> bool:
    """Whether the last point's bucket contains ``now``: its value is not final yet."""
    step = INTERVALS.get(frame.context.interval or "")
    if now is None or step is None or len(x) == 0:
        return False
    start = float(x[-1])
    return start <= now.timestamp() < start + step.total_seconds()


def partial_start(x: np.ndarray, frame: TimeseriesFrame) -> float | None:
    """Seconds of the first bucket inside the range when the range starts after that bucket
    began (a "last 24 hours" from 10:57 holds 3 minutes of the 10:00 hour); None when the
    first bucket is whole."""
    step = INTERVALS.get(frame.context.interval or "")
    start = frame.context.start
    if step is None or start is None or len(x) == 0:
        return None
    first, seconds = float(x[0]), step.total_seconds()
    begin = start.timestamp()
    if not first < begin < first + seconds:
        return None
    return first + seconds - begin


def connections(y: np.ndarray, open_end: bool, open_start: bool = False) -> np.ndarray:
    """Which point joins the next: both finite (a gap at NaN), and not into an open last one
    nor out of a partial first one (those are drawn dashed apart)."""
    finite = np.isfinite(y)
    joined = np.zeros(len(y), dtype=bool)
    joined[:-1] = finite[:-1] & finite[1:]
    if open_end and len(y) >= 2:
        joined[-2] = False
    if open_start and len(y) >= 2:
        joined[0] = False
    return joined


class TimeseriesView(QWidget):
    """``drill_requested(pick, where)``: a point was double-clicked (where None) or
    right-clicked (where: the menu's global position)."""

    drill_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame: TimeseriesFrame | None = None
        self._zone = "UTC"
        self._x = np.array([])
        self._y = np.array([])
        self._open_end = False  # the last point's bucket is still running
        self._open_start: float | None = None  # seconds of a partial first bucket in range
        self.axis = ZonedDateAxis("UTC")
        self.plot = pg.PlotWidget(self, axisItems={"bottom": self.axis})
        self.plot.setMenuEnabled(False)  # a right-click offers the sessions behind a point
        self.plot.setAccessibleName("Timeseries chart")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getPlotItem().setAutoVisible(y=True)
        self.curve = self.plot.plot([], [], name="value")
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        # the last bucket while it runs: a dashed segment to a hollow point that says so
        self.partial_segment = self.plot.plot([], [], name="in progress")
        self.partial_point = pg.ScatterPlotItem(
            size=9, hoverable=True, tip=chart_style.weak_tip(self._partial_tip)
        )
        self.plot.addItem(self.partial_point)
        # the first bucket when the range starts inside it: dashed and hollow the same way
        self.partial_first_segment = self.plot.plot([], [], name="partial first bucket")
        self.partial_first_point = pg.ScatterPlotItem(
            size=9, hoverable=True, tip=lambda x, y, data: self.partial_start_note()
        )
        self.plot.addItem(self.partial_first_point)
        # buckets before the API's lookback that came from the local history: a shaded band
        self.history_band = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(128, 128, 128, 40))
        self.history_band.setZValue(-10)
        self.history_band.setToolTip("From the local history: fetched earlier, kept by the store")
        self.history_label = pg.TextItem("local history", anchor=(0, 1))
        self.plot.addItem(self.history_band)
        self.plot.addItem(self.history_label)
        self.history_band.hide()
        self.history_label.hide()
        self._history: tuple[float, float] | None = None
        self.v_line = pg.InfiniteLine(angle=90, movable=False)
        self.h_line = pg.InfiniteLine(angle=0, movable=False)
        for line in (self.v_line, self.h_line):
            line.hide()
            self.plot.addItem(line, ignoreBounds=True)
        self.readout = QLabel("Point at the chart to read a value.", self)
        self.readout.setAccessibleName("Value under the cursor")
        self.reset_button = QPushButton("Reset zoom", self)
        self.reset_button.setAccessibleName("Reset zoom")
        self.reset_button.setToolTip("Show the whole series (drag to pan, wheel to zoom)")
        self.reset_button.clicked.connect(self.reset_zoom)
        self.table = ResultTableView("Timeseries table", self)
        self.empty_reasons: list[str] = []  # why there may be no data, said when there is none
        self.empty = NoDataLabel(self)
        chart = QWidget(self)
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.reset_button)
        column = QVBoxLayout(chart)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.plot, 1)
        column.addWidget(self.empty, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(chart)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._restyle()

    def show_answer(self, answer: TimeseriesFrame, shown: Shown) -> None:
        self.empty_reasons = list(shown.empty_reasons)
        self.set_result(answer, shown.zone, now=shown.fetched_at)

    def set_result(self, frame: TimeseriesFrame, zone: str, now: datetime | None = None) -> None:
        """Chart ``frame``; with ``now``, a last bucket that contains it shows as in progress."""
        self._frame = frame
        self._zone = zone
        self.axis.set_zone(zone)
        self._x, self._y = chart_points(frame)
        self._open_end = in_progress(self._x, frame, now)
        self._open_start = partial_start(self._x, frame)
        many = len(self._x) > MANY_POINTS
        palette = self.palette()
        self.curve.setData(
            self._x,
            self._y,
            pen=chart_style.series_pen(palette),
            symbol=None if many else "o",
            symbolSize=5,
            symbolBrush=chart_style.series_brush(palette),
            symbolPen=None,
            connect=connections(self._y, self._open_end, self._open_start is not None),
        )
        self._show_partial()
        self._show_history()
        unit = frame.context.unit
        self.plot.setLabel("left", unit.label if unit is not None else frame.context.metric)
        self.table.set_result(frame, zone)
        empty = len(frame) == 0
        self.readout.setText("" if empty else "Point at the chart to read a value.")
        self.plot.setVisible(not empty)  # never an axis for no data
        self.empty.show_for(empty, self.empty_reasons)
        self.reset_button.setVisible(not empty)
        self.reset_zoom()

    def reset_zoom(self) -> None:
        item = self.plot.getPlotItem()
        finite = self._y[np.isfinite(self._y)]
        top = float(finite.max()) if len(finite) else 1.0
        # every metric is non-negative: keep the zero line at the bottom edge
        item.vb.setLimits(yMin=-0.05 * (top or 1.0))
        item.enableAutoRange()
        # auto, not a one-off autoRange(): a chart drawn before it is laid out (a few pixels
        # high, its point symbols padding the range) would keep a range twice too tall

    @property
    def last_in_progress(self) -> bool:
        return self._open_end

    def _show_history(self) -> None:
        """Shade the part of the range whose buckets came from the local history."""
        provenance = self._frame.provenance if self._frame is not None else None
        until = provenance.history_until if provenance is not None else None
        start = self._frame.context.start if self._frame is not None else None
        self._history = None
        if until is None or start is None or until <= start:
            self.history_band.hide()
            self.history_label.hide()
            return
        self._history = (start.timestamp(), until.timestamp())
        self.history_band.setRegion((start.timestamp(), until.timestamp()))
        self.history_label.setColor(self.palette().text().color())
        self.history_label.setPos(start.timestamp(), 0)
        self.history_band.show()
        self.history_label.show()

    @property
    def history_region(self) -> tuple[float, float] | None:
        """The shaded history band (epoch seconds), or None when there is none."""
        return self._history

    @property
    def first_partial(self) -> bool:
        return self._open_start is not None

    def _show_partial(self) -> None:
        self._show_partial_start()
        palette = self.palette()
        x, y = self._x[-2:], self._y[-2:]
        if not self._open_end or not np.isfinite(y[-1]):
            self.partial_segment.setData([], [])
            self.partial_point.setData([], [])
            return
        self.partial_segment.setData(x, y, pen=chart_style.partial_pen(palette), connect="finite")
        self.partial_point.setData(
            x[-1:],
            y[-1:],
            pen=chart_style.series_pen(palette),
            brush=chart_style.hollow_brush(palette),
        )

    def _show_partial_start(self) -> None:
        palette = self.palette()
        x, y = self._x[:2], self._y[:2]
        if self._open_start is None or not len(y) or not np.isfinite(y[0]):
            self.partial_first_segment.setData([], [])
            self.partial_first_point.setData([], [])
            return
        pen = chart_style.partial_pen(palette)
        self.partial_first_segment.setData(x, y, pen=pen, connect="finite")
        self.partial_first_point.setData(
            x[:1],
            y[:1],
            pen=chart_style.series_pen(palette),
            brush=chart_style.hollow_brush(palette),
        )

    def partial_start_note(self) -> str:
        """What the first point is when the range starts inside its bucket."""
        interval = (self._frame.context.interval if self._frame else None) or "bucket"
        covered = describe_duration(timedelta(seconds=round(self._open_start or 0)))
        return f"partial: the range starts inside this {interval}, so it holds only {covered}"

    def progress_note(self) -> str:
        """What the last point is while its bucket runs (readout and tooltip)."""
        interval = (self._frame.context.interval if self._frame else None) or "bucket"
        return f"in progress: this {interval} is not over, so its value may still change"

    def _partial_tip(self, x: float, y: float, data: object) -> str:
        index = self.point_at(x)
        return self.describe_point(index) if index is not None else self.progress_note()

    def point_at(self, x: float) -> int | None:
        """The index of the point nearest to ``x`` (epoch seconds), None without data."""
        if len(self._x) == 0:
            return None
        i = int(np.searchsorted(self._x, x))
        candidates = [j for j in (i - 1, i) if 0 <= j < len(self._x)]
        return min(candidates, key=lambda j: abs(self._x[j] - x))

    def describe_point(self, index: int) -> str:
        assert self._frame is not None
        moment = datetime.fromtimestamp(float(self._x[index]), UTC).astimezone(as_zone(self._zone))
        value = float(self._y[index])
        unit = self._frame.context.unit
        caption = unit.label if unit is not None else ""
        shown = format_short(value, unit, averaged=is_averaged(self._frame.context))
        text = f"{moment:%Y-%m-%d %H:%M} ({self._zone}): {shown} {caption}"
        if self._open_end and index == len(self._x) - 1:
            text = f"{text.rstrip()} ({self.progress_note()})"
        elif self._open_start is not None and index == 0:
            text = f"{text.rstrip()} ({self.partial_start_note()})"
        return text

    def point_pick(self, index: int) -> Pick | None:
        """What drilling into a point asks: its bucket, clipped to the question's range."""
        if self._frame is None or not 0 <= index < len(self._x):
            return None
        step = INTERVALS.get(self._frame.context.interval or "")
        if step is None:
            return None
        start = datetime.fromtimestamp(float(self._x[index]), UTC)
        end = start + step
        if index + 1 < len(self._x):  # a day of a DST change is not 24 hours long
            end = datetime.fromtimestamp(float(self._x[index + 1]), UTC)
        context = self._frame.context
        start = max(start, context.start) if context.start else start
        end = min(end, context.end) if context.end else end
        moment = start.astimezone(as_zone(self._zone))
        what = f"the {context.interval} of {moment:%Y-%m-%d %H:%M}"
        return Pick(float(self._y[index]), what, start, end)

    def drill(self, index: int, where: QPoint | None = None) -> None:
        """Ask for the sessions behind a point (double-click) or its menu (right-click)."""
        pick = self.point_pick(index)
        if pick is not None:
            self.drill_requested.emit(pick, where)

    def _on_scene_mouse_clicked(self, event: object) -> None:
        position = event.scenePos()  # type: ignore[attr-defined]
        if self._frame is None or not self.plot.sceneBoundingRect().contains(position):
            return
        index = self.point_at(self.plot.getPlotItem().vb.mapSceneToView(position).x())
        if index is None:
            return
        if event.button() == Qt.MouseButton.RightButton:  # type: ignore[attr-defined]
            self.drill(index, event.screenPos().toPoint())  # type: ignore[attr-defined]
        elif event.double():  # type: ignore[attr-defined]
            self.drill(index)

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        box = self.plot.getPlotItem().vb
        if self._frame is None or not self.plot.sceneBoundingRect().contains(position):
            return
        index = self.point_at(box.mapSceneToView(position).x())
        if index is None:
            return
        self.v_line.setPos(float(self._x[index]))
        self.h_line.setPos(float(np.nan_to_num(self._y[index])))
        self.v_line.show()
        self.h_line.show()
        self.readout.setText(self.describe_point(index))

    def _restyle(self) -> None:
        palette = self.palette()
        chart_style.style_plot(self.plot, palette)
        for line in (self.v_line, self.h_line):
            line.setPen(chart_style.crosshair_pen(palette))
        self.curve.setPen(chart_style.series_pen(palette))
        self._show_partial()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)
