"""A breakdown result: horizontal bars of the top N (+ "Other") beside the full, sortable table."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.frames import BucketFrame
from explorer.domain.referrers import can_group_by_site, group_by_site
from explorer.services.result_tables import EMPTY_VALUE, dimension_text, titles_apply
from explorer.ui.charts import chart_style
from explorer.ui.charts.no_data_label import NoDataLabel
from explorer.ui.common.formatting import elide, format_short, is_averaged
from explorer.ui.results.drill_menu import Pick
from explorer.ui.results.result_table import ResultTableView
from explorer.ui.results.views import Shown

DEFAULT_TOP = 10
INSIDE_FROM = 0.6  # bars at least this share of the longest carry their value inside
MIN_SLOTS = 8
CHART_MIN_WIDTH = 400  # titles and bars both readable: at 1024 px the table gets the rest


def top_buckets(frame: BucketFrame, n: int) -> BucketFrame:
    """The frame as charted: the n largest then one "Other (k more)" row (frames.top_n)."""
    if len(frame) == 0:
        return frame
    return frame.top_n(n)


class BreakdownView(QWidget):
    """Bars and a table; a breakdown by country can show as a world map instead of bars.
    ``drill_requested(pick, where)``: a bar was double-clicked (where None) or right-clicked
    (where: the menu's global position)."""

    country_chosen = Signal(str)  # a country clicked on the map
    drill_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.map: Any = None  # the WorldMap, made when first asked for
        self._frame: BucketFrame | None = None
        self._titles: Mapping[str, str] | None = None
        self._zone = "UTC"
        self.shown: BucketFrame | None = None
        self.top = QSpinBox(self)
        self.top.setRange(1, 50)
        self.top.setValue(DEFAULT_TOP)
        self.top.setAccessibleName("Number of bars")
        self.top.setToolTip("Bars shown; the rest are folded into one Other bar")
        self.by_site = QCheckBox("By site", self)
        self.by_site.setAccessibleName("Group referrers by site")
        self.by_site.setToolTip("Add up the referrer URLs of each site (host name)")
        self.by_site.hide()
        self.as_map = QCheckBox("Map", self)
        self.as_map.setAccessibleName("Show on a world map")
        self.as_map.setToolTip("Show the countries on a world map instead of bars")
        self.as_map.hide()
        self.note = QLabel(self)
        self.note.setAccessibleName("Chart note")
        self.note.setWordWrap(True)
        self.plot = pg.PlotWidget(self)
        self.plot.setAccessibleName("Breakdown chart")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        # each bar says its value: a scale would only repeat it, and on a narrow chart its
        # labels ran together ("10002000")
        self.plot.hideAxis("bottom")
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self.plot.addItem(self.bars)
        self._labels: list[pg.TextItem] = []
        self.table = ResultTableView("Breakdown table", self)
        self.empty_reasons: list[str] = []  # why there may be no data, said when there is none
        self.empty = NoDataLabel(self)

        chart = QWidget(self)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Top", chart))
        controls.addWidget(self.top)
        controls.addWidget(self.by_site)
        controls.addWidget(self.as_map)
        controls.addWidget(self.note, 1)
        column = QVBoxLayout(chart)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(controls)
        column.addWidget(self.plot, 1)
        column.addWidget(self.empty, 1)
        self._column = column
        chart.setMinimumWidth(CHART_MIN_WIDTH)  # the table beside it gives way and scrolls
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 1)  # space beyond the table's columns goes to the chart
        splitter.setStretchFactor(1, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.top.valueChanged.connect(self._on_top_value_changed)
        self.by_site.toggled.connect(self._on_by_site_toggled)
        self.as_map.toggled.connect(self._on_as_map_toggled)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._restyle()

    def show_answer(self, answer: BucketFrame, shown: Shown) -> None:
        self.empty_reasons = list(shown.empty_reasons)
        self.set_result(answer, shown.zone, dict(shown.titles))

    def set_result(
        self, frame: BucketFrame, zone: str, titles: Mapping[str, str] | None = None
    ) -> None:
        """`titles` (asset id -> title): a breakdown by video or live stream is labelled with
        titles, the id in the bar's tooltip and a column of its own in the table."""
        self._frame, self._zone = frame, zone
        self._titles = titles if titles_apply(frame, titles) else None
        self.by_site.setVisible(frame.context.breakdown == "referrer")
        self.as_map.setVisible(frame.context.breakdown == "country")
        reason = can_group_by_site(frame)
        self.by_site.setEnabled(not reason)
        self.by_site.setToolTip(
            reason or "Add up the referrer URLs of each site (host name, without www.)"
        )
        if reason and self.by_site.isChecked():
            self.by_site.setChecked(False)  # redraws
            return
        self._show_frame()

    def displayed(self) -> BucketFrame | None:
        """The frame as shown and exported: the result, or its referrers grouped by site."""
        frame = self._frame
        if frame is not None and self.by_site.isChecked() and not can_group_by_site(frame):
            return group_by_site(frame)
        return frame

    def _show_frame(self) -> None:
        frame = self.displayed()
        if frame is None:
            return
        self.table.set_result(frame, self._zone, self._titles)
        self._redraw()

    def label_of(self, dimension: str) -> str:
        """A bar's full label: the asset's title when known, else the value as is."""
        if self._titles is not None and dimension in self._titles:
            return self._titles[dimension]
        return dimension_text(dimension)

    def bar_labels(self) -> list[str]:
        """The labels on the bars' axis, in drawing order (elided like the axis)."""
        if self.shown is None:
            return []
        return [elide(self.label_of(str(d))) for d in self.shown.dimensions]

    def bar_tooltip(self, slot: int) -> str:
        """What hovering a bar says: its label, the id behind a title, the value."""
        if self.shown is None or not 0 <= slot < len(self.shown):
            return ""
        dimension = str(self.shown.dimensions[slot])
        lines = [self.label_of(dimension)]
        if self._titles is not None and dimension in self._titles:
            lines.append(f"id {dimension}")
        value = float(self.shown.values[slot])
        context = self.shown.context
        lines.append(format_short(value, context.unit, averaged=is_averaged(context)))
        return "\n".join(lines)

    def bar_values(self) -> tuple[list[str], np.ndarray]:
        """What the chart shows: (labels, widths) in drawing order (tests read this)."""
        opts = self.bars.opts
        width = np.asarray(opts.get("width") if opts.get("width") is not None else [], dtype=float)
        names = [] if self.shown is None else [str(d) for d in self.shown.dimensions]
        return names, width

    def _redraw(self) -> None:
        frame = self.displayed()
        if frame is None:
            return
        shown = top_buckets(frame, self.top.value())
        self.shown = shown
        count = len(shown)
        values = np.nan_to_num(shown.values, nan=0.0)
        palette = self.palette()
        brushes = [chart_style.bar_brush(palette)] * count
        if shown.other_count:
            brushes[-1] = chart_style.other_brush(palette)
        self.bars.setOpts(
            x0=np.zeros(count), y=np.arange(count, dtype=float), width=values, brushes=brushes
        )
        self.plot.getAxis("left").setTicks([list(enumerate(self.bar_labels()))])
        self._place_value_labels(shown)
        # room for at least MIN_SLOTS bars, so that two buckets are not two slabs
        self.plot.setYRange(-0.6, max(count, MIN_SLOTS) - 0.4, padding=0)
        top = float(np.nanmax(values)) if count else 1.0
        self.plot.setXRange(0, top * 1.15 if top > 0 else 1, padding=0)
        empty = len(frame) == 0
        mapped = self.showing_map()
        self.plot.setVisible(not empty and not mapped)  # never an axis for no data
        if self.map is not None:
            self.map.setVisible(not empty and mapped)
            if mapped:
                self._fill_map(frame)
        self.empty.show_for(empty, self.empty_reasons)
        note = f"{len(frame)} {frame.header[0]} values" if len(frame) else "No data"
        if shown.other_count and math.isnan(float(shown.values[-1])) and not mapped:
            note += "; Other has no total: this metric does not add up across buckets"
        if any(not str(d) for d in frame.dimensions):
            note += f"; {EMPTY_VALUE}: no value given"
            if frame.context.breakdown in ("referrer", "referrer-site"):
                note += " (no referrer: typed, bookmarked or from an app)"
        if frame.partial:
            note += " (partial)"
        self.note.setText(note)

    def _place_value_labels(self, shown: BucketFrame) -> None:
        """Each bar's value beside its end; on the long bars (past INSIDE_FROM of the longest)
        inside the end instead, so that the label of the longest is never clipped."""
        unit, averaged = shown.context.unit, is_averaged(shown.context)
        palette = self.palette()
        outside = chart_style.text_color(palette)
        inside = palette.color(palette.ColorRole.HighlightedText)
        finite = shown.values[np.isfinite(shown.values)]
        top = float(finite.max()) if len(finite) else 0.0
        while len(self._labels) < len(shown):
            label = pg.TextItem(anchor=(0, 0.5))
            self.plot.addItem(label)
            self._labels.append(label)
        for i, label in enumerate(self._labels):
            if i < len(shown):
                value = float(shown.values[i])
                within = top > 0 and value >= INSIDE_FROM * top
                label.setAnchor((1.0, 0.5) if within else (0.0, 0.5))
                label.setText(
                    format_short(value, unit, averaged=averaged),
                    color=inside if within else outside,
                )
                label.setPos(0.0 if math.isnan(value) else value, i)
                label.show()
            else:
                label.hide()

    def value_labels(self) -> list[str]:
        """The value written on each bar, in drawing order (tests read this)."""
        count = 0 if self.shown is None else len(self.shown)
        return [label.textItem.toPlainText() for label in self._labels[:count]]

    def label_inside(self, slot: int) -> bool:
        """Whether the value label of this bar is drawn inside its end (tests read this)."""
        return bool(self._labels[slot].anchor.x() == 1.0)

    def _restyle(self) -> None:
        chart_style.style_plot(self.plot, self.palette())
        self.plot.showGrid(x=False, y=False)

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        if self.shown is None or not self.plot.sceneBoundingRect().contains(position):
            return
        slot = round(self.plot.getPlotItem().vb.mapSceneToView(position).y())
        self.plot.setToolTip(self.bar_tooltip(slot))

    def showing_map(self) -> bool:
        """Whether the countries show on the world map (a breakdown by country, Map ticked)."""
        frame = self._frame
        return (
            self.as_map.isChecked() and frame is not None and frame.context.breakdown == "country"
        )

    def _fill_map(self, frame: BucketFrame) -> None:
        context = frame.context
        values = {
            str(d): float(v) for d, v in zip(frame.dimensions, frame.values, strict=True) if str(d)
        }
        self.map.set_values(values, context.unit, context.metric, averaged=is_averaged(context))

    def _on_as_map_toggled(self, checked: bool) -> None:
        if checked and self.map is None:
            from explorer.ui.charts.world_map import WorldMap

            self.map = WorldMap(self)
            self.map.country_clicked.connect(self.country_chosen)
            self._column.insertWidget(self._column.indexOf(self.plot) + 1, self.map, 1)
        self.top.setEnabled(not checked)
        self._redraw()

    def bar_pick(self, slot: int) -> Pick | None:
        """What drilling into a bar asks (None for Other, or for grouped referrer sites)."""
        shown = self.shown
        if shown is None or not 0 <= slot < len(shown) or self.by_site.isChecked():
            return None
        if shown.other_count and slot == len(shown) - 1:
            return None
        dimension = str(shown.dimensions[slot])
        breakdown = shown.context.breakdown or ""
        what = f"the bar {self.label_of(dimension)}"
        return Pick(float(shown.values[slot]), what, None, None, breakdown, dimension)

    def drill(self, slot: int, where: QPoint | None = None) -> None:
        """Ask for the sessions behind a bar (double-click) or its menu (right-click)."""
        pick = self.bar_pick(slot)
        if pick is not None:
            self.drill_requested.emit(pick, where)

    def _on_scene_mouse_clicked(self, event: object) -> None:
        position = event.scenePos()  # type: ignore[attr-defined]
        if self.shown is None or not self.plot.sceneBoundingRect().contains(position):
            return
        slot = round(self.plot.getPlotItem().vb.mapSceneToView(position).y())
        if event.button() == Qt.MouseButton.RightButton:  # type: ignore[attr-defined]
            self.drill(slot, event.screenPos().toPoint())  # type: ignore[attr-defined]
        elif event.double():  # type: ignore[attr-defined]
            self.drill(slot)

    def _on_by_site_toggled(self, _checked: bool) -> None:
        self._show_frame()

    def _on_top_value_changed(self, _value: int) -> None:
        self._redraw()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
            self._redraw()
        super().changeEvent(event)
