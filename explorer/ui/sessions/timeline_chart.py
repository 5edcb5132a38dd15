"""A session's timeline chart: playhead position over wall-clock time, with an event lane above."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from explorer.domain.timeline import Point, Timeline
from explorer.domain.timerange import as_zone
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.charts.media_axis import MediaTimeAxis
from explorer.ui.common.formatting import format_length

EVENT_KINDS = ("ready", "play", "pause", "resume", "seek.backward", "seek.forward", "end", "other")
SYMBOLS = {
    "ready": "o",
    "play": "t1",
    "pause": "s",
    "resume": "d",
    "seek.backward": "t3",
    "seek.forward": "t2",
    "end": "star",
    "other": "x",
}
GLYPHS = {  # the legend's text stand-ins for the symbols
    "ready": "●",
    "play": "▲",
    "pause": "■",
    "resume": "◆",
    "seek.backward": "◀",
    "seek.forward": "▶",
    "end": "★",
    "other": "✕",
}
PICK_RADIUS_PX = 10.0
AXIS_WIDTH = 64
PLOTS_MIN_HEIGHT = 160  # lane (46 px), playhead plot and time axis together
LEGEND_SCALE = 0.85  # the legend's font against the window's
HINT = "Point at an event to read it; click to select its row."
HINT_TIP = "Drag to pan, wheel to zoom; Reset zoom shows the whole session again."


def position_text(seconds: float | None) -> str:
    return "—" if seconds is None else f"{format_length(seconds)} ({seconds:g} s)"


def describe_point(point: Point, zone: str) -> str:
    """An event's fields as received, with where the playhead was."""
    moment = point.time.astimezone(as_zone(zone)).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    parts = [f"#{point.index} {point.type_name}", f"{moment} ({zone})"]
    if point.at is not None:
        parts.append(f"at {position_text(point.at)}")
    if point.start is not None or point.to is not None:
        parts.append(f"from {position_text(point.start)} to {position_text(point.to)}")
    if point.estimated:
        parts.append(f"no position given: drawn at {format_length(point.position)}")
    return " · ".join(parts)


class TimelineChart(QWidget):
    """``event_clicked(index)``: the person clicked the event of that index (in the list the
    timeline was built from)."""

    event_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timeline = Timeline()
        self._zone = "UTC"
        self._xs = np.empty(0)
        self._ys = np.empty(0)
        self._indices: list[int] = []
        self.selected: int | None = None
        self.readout = QLabel(HINT, self)
        self.readout.setAccessibleName("Event under the cursor")
        self.readout.setWordWrap(True)
        self.readout.setToolTip(HINT_TIP)  # one line of hint: the plot keeps its height
        self.reset_button = QPushButton("Reset zoom", self)
        self.reset_button.setAccessibleName("Reset the timeline zoom")
        self.reset_button.clicked.connect(self.reset_zoom)
        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setAccessibleName("Session timeline chart")
        # the lane, the playhead plot and its time axis: the plot keeps room for its ticks
        # (at 1024x700 it was left 50 px, its position axis unlabelled)
        self.view.setMinimumHeight(PLOTS_MIN_HEIGHT)
        self.axis = ZonedDateAxis("UTC")
        self.lane = self.view.addPlot(row=0, col=0)
        self.path = self.view.addPlot(
            row=1, col=0, axisItems={"bottom": self.axis, "left": MediaTimeAxis("left")}
        )
        self._layout_plots()
        self.legend = QLabel(self)
        self.legend.setAccessibleName("Chart legend")
        self.legend.setWordWrap(True)
        small = QFont(self.legend.font())  # a key, not a text: smaller, so that it leaves
        small.setPointSizeF(small.pointSizeF() * LEGEND_SCALE)  # the plot its height
        self.legend.setFont(small)
        self._make_items()
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.reset_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.view, 1)
        column.addWidget(self.legend)
        self.view.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.view.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._restyle()

    def _layout_plots(self) -> None:
        grid = self.view.ci.layout
        grid.setRowFixedHeight(0, 46)
        self.lane.hideAxis("bottom")
        self.lane.setXLink(self.path)
        self.lane.setMouseEnabled(x=True, y=False)
        self.lane.setYRange(-1, 1, padding=0)
        self.lane.getAxis("left").setTicks([[(0.0, "events")]])
        self.path.setMouseEnabled(x=True, y=False)
        self.path.setLabel("left", "Position")
        for plot in (self.lane, self.path):
            plot.getAxis("left").setWidth(AXIS_WIDTH)
            plot.hideButtons()

    def _make_items(self) -> None:
        """Every item once; set_timeline only feeds them data."""
        pairs = {"connect": "pairs"}
        self.playing = self.path.plot([], [], name="playing", **pairs)
        self.paused = self.path.plot([], [], name="paused", **pairs)
        self.unknown = self.path.plot([], [], name="not known", **pairs)
        self.seeks = self.path.plot([], [], name="seek", **pairs)
        self.replays = self.path.plot([], [], name="replay", **pairs)
        self.resyncs = self.path.plot([], [], name="jump without a seek", **pairs)
        self.path_marks = pg.ScatterPlotItem(size=9)
        self.lane_marks = pg.ScatterPlotItem(size=11)
        self.path.addItem(self.path_marks)
        self.lane.addItem(self.lane_marks)
        self.rings = [pg.ScatterPlotItem(size=22, symbol="o") for _ in range(2)]
        self.path.addItem(self.rings[0])
        self.lane.addItem(self.rings[1])
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.cursor.hide()
        self.path.addItem(self.cursor, ignoreBounds=True)
        self.end_labels: list[pg.TextItem] = []

    # --- data ------------------------------------------------------------------------------

    def set_timeline(self, timeline: Timeline, zone: str) -> None:
        self._timeline, self._zone = timeline, zone
        self.axis.set_zone(zone)
        points = timeline.points
        self._xs = np.array([p.time.timestamp() for p in points], dtype=np.float64)
        self._ys = np.array([p.position for p in points], dtype=np.float64)
        self._indices = [p.index for p in points]
        self.selected = None
        self._draw()
        self.readout.setText(HINT if points else "No event to draw.")
        self.reset_zoom()

    def _draw(self) -> None:
        timeline = self._timeline
        for item, state in ((self.playing, "playing"), (self.paused, "paused")):
            item.setData(*self._segment_pairs(state))
        self.unknown.setData(*self._segment_pairs("unknown"))
        for item, cause in ((self.seeks, "seek"), (self.replays, "replay")):
            item.setData(*self._jump_pairs(cause))
        self.resyncs.setData(*self._jump_pairs("resync"))
        colors = self.kind_colors()
        brushes = [pg.mkBrush(colors[p.kind]) for p in timeline.points]
        symbols = [SYMBOLS[p.kind] for p in timeline.points]
        sizes = [15 if p.kind == "end" else 9 for p in timeline.points]
        self.path_marks.setData(
            x=self._xs, y=self._ys, brush=brushes, symbol=symbols, size=sizes, pen=None
        )
        lane_y = np.zeros(len(self._xs))
        self.lane_marks.setData(x=self._xs, y=lane_y, brush=brushes, symbol=symbols, pen=None)
        for label in self.end_labels:
            self.path.removeItem(label)
        self.end_labels = []
        for point in timeline.ends:
            label = pg.TextItem("end", color=colors["end"], anchor=(1.25, 0.5))  # left of it
            label.setPos(point.time.timestamp(), point.position)
            self.path.addItem(label, ignoreBounds=True)
            self.end_labels.append(label)
        self.select_event(self.selected)

    def _segment_pairs(self, state: str) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        tail = () if self._timeline.tail is None else (self._timeline.tail,)
        for s in (*self._timeline.segments, *tail):
            if s.state == state:
                xs += [s.start.timestamp(), s.end.timestamp()]
                ys += [s.pos_start, s.pos_end]
        return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)

    def _jump_pairs(self, cause: str) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for jump in self._timeline.jumps:
            if jump.cause == cause:
                xs += [jump.at.timestamp()] * 2
                ys += [jump.from_pos, jump.to_pos]
        return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)

    def reset_zoom(self) -> None:
        """The whole session: its first to last instant, position 0 to the furthest one."""
        timeline = self._timeline
        tail = () if timeline.tail is None else (timeline.tail,)
        spans = (*timeline.segments, *tail)
        x = [*self._xs, *(t.timestamp() for s in spans for t in (s.start, s.end))]
        y = [*self._ys, *(p for s in timeline.segments for p in (s.pos_start, s.pos_end))]
        y += [p for j in timeline.jumps for p in (j.from_pos, j.to_pos)]
        if not x:
            self.path.enableAutoRange()
            return
        top = max(max(y), 1.0)
        # room below 0 and above the top, so that their tick labels are not clipped
        first, last = min(x), max(x)
        if last - first < 1.0:  # one instant: a couple of seconds around it
            first, last = first - 1.0, last + 1.0
        self.path.vb.setRange(xRange=(first, last), padding=0.04)
        self.path.vb.setRange(yRange=(-0.1 * top, 1.1 * top), padding=0)
        self.lane.setYRange(-1, 1, padding=0)

    # --- selection and reading -------------------------------------------------------------

    def select_event(self, index: int | None) -> bool:
        """Ring the event of this index (None clears); False when it is not on the chart (it
        had no time, or was a duplicate)."""
        slot = self._indices.index(index) if index in self._indices else None
        self.selected = index if slot is not None else None
        if slot is None:
            for ring in self.rings:
                ring.setData([], [])
            self.cursor.hide()
            return index is None
        x, y = float(self._xs[slot]), float(self._ys[slot])
        self.rings[0].setData([x], [y])
        self.rings[1].setData([x], [0.0])
        self.cursor.setPos(x)
        self.cursor.show()
        self.readout.setText(describe_point(self._timeline.points[slot], self._zone))
        return True

    def point_of(self, index: int) -> Point | None:
        return next((p for p in self._timeline.points if p.index == index), None)

    def scene_position(self, index: int, lane: bool = False) -> QPointF | None:
        """Where an event is drawn, in scene coordinates (for tests and tooltips)."""
        if index not in self._indices:
            return None
        slot = self._indices.index(index)
        plot = self.lane if lane else self.path
        y = 0.0 if lane else float(self._ys[slot])
        return plot.vb.mapViewToScene(QPointF(float(self._xs[slot]), y))

    def event_near(self, scene_pos: QPointF) -> int | None:
        """The event drawn within PICK_RADIUS_PX of a scene position, nearest first."""
        if not len(self._xs):
            return None
        for plot, lane in ((self.lane, True), (self.path, False)):
            if not plot.vb.sceneBoundingRect().contains(scene_pos):
                continue
            where = plot.vb.mapSceneToView(scene_pos)
            width, height = plot.vb.viewPixelSize()
            ys = np.zeros(len(self._xs)) if lane else self._ys
            distance = np.hypot(
                (self._xs - where.x()) / (width or 1.0), (ys - where.y()) / (height or 1.0)
            )
            slot = int(np.argmin(distance))
            if distance[slot] <= PICK_RADIUS_PX:
                return self._indices[slot]
        return None

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        index = self.event_near(position)
        if index is None:
            self.view.setToolTip("")
            return
        point = self.point_of(index)
        if point is not None:
            text = describe_point(point, self._zone)
            self.readout.setText(text)
            self.view.setToolTip(text)

    def _on_scene_mouse_clicked(self, event: object) -> None:
        index = self.event_near(event.scenePos())  # type: ignore[attr-defined]
        if index is not None:
            self.select_event(index)
            self.event_clicked.emit(index)

    # --- style -----------------------------------------------------------------------------

    def kind_colors(self) -> dict[str, QColor]:
        palette = self.palette()
        colors = dict(zip(EVENT_KINDS, chart_style.category_colors(palette, 7), strict=False))
        colors["other"] = chart_style.warning_color(palette)
        return colors

    def _restyle(self) -> None:
        palette = self.palette()
        self.view.setBackground(palette.color(palette.ColorRole.Base))
        for plot in (self.lane, self.path):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(chart_style.text_color(palette), width=1))
                axis.setTextPen(pg.mkPen(chart_style.text_color(palette)))
        self.path.showGrid(x=True, y=True, alpha=0.15)
        colors = self.kind_colors()
        self.playing.setPen(chart_style.series_pen(palette))
        self.paused.setPen(chart_style.muted_pen(palette))
        self.unknown.setPen(chart_style.muted_pen(palette, 1.5, dash=True))
        self.seeks.setPen(pg.mkPen(colors["seek.forward"], width=2))
        self.replays.setPen(pg.mkPen(colors["end"], width=2, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.resyncs.setPen(pg.mkPen(colors["other"], width=2, style=pg.QtCore.Qt.PenStyle.DotLine))
        ring = pg.mkPen(chart_style.text_color(palette), width=2)
        for item in self.rings:
            item.setPen(ring)
            item.setBrush(None)
        self.cursor.setPen(chart_style.crosshair_pen(palette))
        self.legend.setText(self._legend_html(colors))
        self._draw()

    def _legend_html(self, colors: dict[str, QColor]) -> str:
        def swatch(color: QColor, glyph: str, label: str) -> str:
            return f'<span style="color:{color.name()}">{glyph}</span>&nbsp;{html.escape(label)}'

        highlight = self.palette().color(self.palette().ColorRole.Highlight)
        muted = chart_style.text_color(self.palette())
        lines = [
            swatch(highlight, "━", "playing"),
            swatch(muted, "━", "paused"),
            swatch(muted, "┅", "not known"),
            swatch(colors["seek.forward"], "┃", "seek"),
            swatch(colors["end"], "┇", "replay"),
            swatch(colors["other"], "┊", "jump without a seek"),
        ]
        kinds = [swatch(colors[k], GLYPHS[k], k) for k in EVENT_KINDS]
        return " &nbsp; ".join(kinds) + "<br>" + " &nbsp; ".join(lines)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)
