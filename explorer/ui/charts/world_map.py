"""A world map coloured by a metric over countries: hover says the country and its value, a
click asks for a filter on it; countries without data are drawn neutral, never as zero.

Drawn offline from the package's country shapes (country_shapes.json: Natural Earth 1:110m,
public domain, converted by tools/build_country_shapes.py) in longitude/latitude degrees.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Signal
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QLabel, QVBoxLayout, QWidget

from explorer.domain.catalogue import Unit
from explorer.ui.charts import chart_style
from explorer.ui.common.formatting import format_short

SHAPES = Path(__file__).with_name("country_shapes.json")
SOUTH_EDGE = -60.0  # the part of the world a wide map shows (a taller one shows Antarctica)
NORTH_EDGE = 84.0
Role = QPalette.ColorRole


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166 alpha-2; "" for the few Natural Earth leaves uncoded
    name: str
    path: QPainterPath


@functools.cache
def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SHAPES.read_text(encoding="utf-8"))
    return loaded


def _add_ring(path: QPainterPath, ring: list[int], shift: float) -> None:
    points = [QPointF(ring[i] / 10 + shift, ring[i + 1] / 10) for i in range(0, len(ring), 2)]
    path.moveTo(points[0])
    for point in points[1:]:
        path.lineTo(point)
    path.closeSubpath()


@functools.cache
def countries() -> tuple[Country, ...]:
    """The package's country shapes as painter paths (read once). A ring that crosses the
    antimeridian runs past ±180° in the file; it is drawn a second time 360° over, so both
    of its halves show (Russia's far east, Fiji)."""
    found = []
    for entry in _document()["countries"]:
        path = QPainterPath()
        for ring in entry["rings"]:
            longitudes = ring[0::2]
            _add_ring(path, ring, 0.0)
            if max(longitudes) > 1800:
                _add_ring(path, ring, -360.0)
            if min(longitudes) < -1800:
                _add_ring(path, ring, 360.0)
        found.append(Country(entry["code"], entry["name"], path))
    return tuple(found)


def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> English name, for every code (those too small to draw too)."""
    names: dict[str, str] = _document()["names"]
    return names


def scale_color(palette: QPalette, share: float) -> QColor:
    """The colour of a value at ``share`` (0..1) of the largest: the highlight's hue from
    pale to deep on a light base, from deep to bright on a dark one."""
    hue = max(palette.color(Role.Highlight).hslHueF(), 0.0)
    dark = palette.color(Role.Base).lightnessF() < 0.5
    share = min(max(share, 0.0), 1.0)
    lightness = 0.22 + 0.5 * share if dark else 0.88 - 0.58 * share
    color = QColor()
    color.setHslF(hue, 0.7, lightness)
    return color


def neutral_color(palette: QPalette) -> QColor:
    """A country without data: grey, of no hue the scale uses."""
    base, text = palette.color(Role.Base), palette.color(Role.Text)
    mix = 0.16
    return QColor.fromRgbF(
        base.redF() * (1 - mix) + text.redF() * mix,
        base.greenF() * (1 - mix) + text.greenF() * mix,
        base.blueF() * (1 - mix) + text.blueF() * mix,
    )


class Legend(QWidget):
    """The colour scale from 0 to the largest value, and the no-data swatch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low, self.high = "0", "0"
        self.setMinimumHeight(34)
        self.setAccessibleName("Map legend")

    def set_range(self, low: str, high: str) -> None:
        self.low, self.high = low, high
        self.setToolTip(f"Colour scale from {low} to {high}; grey: no data")
        self.update()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        palette = self.palette()
        metrics = painter.fontMetrics()
        bar = QRectF(8, 4, min(260.0, self.width() * 0.5), 12)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for step in range(11):
            gradient.setColorAt(step / 10, scale_color(palette, step / 10))
        painter.fillRect(bar, QBrush(gradient))
        painter.setPen(palette.color(Role.Text))
        baseline = bar.bottom() + metrics.ascent() + 2
        painter.drawText(QPointF(bar.left(), baseline), self.low)
        painter.drawText(
            QPointF(bar.right() - metrics.horizontalAdvance(self.high), baseline), self.high
        )
        swatch = QRectF(bar.right() + 24, bar.top(), 16, 12)
        painter.fillRect(swatch, neutral_color(palette))
        painter.drawText(QPointF(swatch.right() + 6, swatch.bottom()), "no data")
        painter.end()


class WorldMap(QWidget):
    """``country_clicked(code)``: a country with a code was clicked (the window may filter)."""

    country_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("World map")
        self.values: dict[str, float] = {}
        self.unit: Unit | None = None
        self.averaged = False
        self.what = ""  # the metric, said in the tooltip
        self.names: dict[str, str] = {}  # names the data gives (overriding the shapes')
        self.plot = pg.PlotWidget(self)
        self.plot.setAccessibleName("World map chart")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setAspectLocked(True)
        self.plot.setRange(xRange=(-180, 180), yRange=(SOUTH_EDGE, NORTH_EDGE), padding=0.01)
        self.items: dict[int, QGraphicsPathItem] = {}
        for index, country in enumerate(countries()):
            item = QGraphicsPathItem(country.path)
            item.setToolTip("")  # tooltips come from the hover handler
            self.plot.addItem(item)
            self.items[index] = item
        self.legend = Legend(self)
        self.note = QLabel(self)
        self.note.setAccessibleName("Map note")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._repaint()

    # --- data ------------------------------------------------------------------------------

    def set_values(
        self,
        values: Mapping[str, float],
        unit: Unit | None,
        what: str = "",
        *,
        averaged: bool = False,
        names: Mapping[str, str] | None = None,
    ) -> None:
        """Values by ISO alpha-2 code (upper case); codes the map has no shape for (or that
        lie below its southern edge) are listed in the note under it."""
        self.values = {
            str(k).upper(): float(v) for k, v in values.items() if not math.isnan(float(v))
        }
        self.unit, self.what, self.averaged = unit, what, averaged
        self.names = {str(k).upper(): v for k, v in (names or {}).items()}
        self._repaint()

    def name_of(self, code: str) -> str:
        return self.names.get(code) or country_names().get(code) or code or "unnamed territory"

    def value_text(self, value: float) -> str:
        text = format_short(value, self.unit, averaged=self.averaged)
        unit = self.unit.label if self.unit is not None and self.unit is not Unit.RATIO else ""
        return " ".join(p for p in (text, unit) if p)

    def country_at(self, lon: float, lat: float) -> Country | None:
        """The country under a point (degrees), or None (sea)."""
        point = QPointF(lon, lat)
        for country in countries():
            if country.path.boundingRect().contains(point) and country.path.contains(point):
                return country
        return None

    def tooltip_at(self, lon: float, lat: float) -> str:
        country = self.country_at(lon, lat)
        if country is None:
            return ""
        name = self.name_of(country.code) if country.code else country.name
        title = name + (f" ({country.code})" if country.code else "")
        value = self.values.get(country.code) if country.code else None
        said = "no data" if value is None else self.value_text(value)
        return f"{title}\n{self.what + ': ' if self.what else ''}{said}"

    def fill_of(self, code: str) -> QColor:
        """The colour a country is drawn in (tests read this)."""
        palette = self.palette()
        value = self.values.get(code) if code else None
        if value is None:
            return neutral_color(palette)
        top = max(self.values.values(), default=0.0)
        return scale_color(palette, value / top if top > 0 else 0.0)

    def off_map(self) -> list[str]:
        """Codes with a value but no shape on the map (states too small at this scale)."""
        drawn = {c.code for c in countries()}
        return sorted((c for c in self.values if c not in drawn), key=lambda c: -self.values[c])

    # --- drawing ---------------------------------------------------------------------------

    def _repaint(self) -> None:
        palette = self.palette()
        chart_style.style_plot(self.plot, palette)
        self.plot.showGrid(x=False, y=False)
        border = QPen(palette.color(Role.Base))
        border.setCosmetic(True)
        border.setWidthF(0.8)
        for index, country in enumerate(countries()):
            item = self.items[index]
            item.setPen(border)
            item.setBrush(QBrush(self.fill_of(country.code)))
        top = max(self.values.values(), default=0.0)
        self.legend.set_range(self.value_text(0.0), self.value_text(top))
        missing = self.off_map()
        parts = [f"{len(self.values)} countries with data"] if self.values else ["No data"]
        if missing:
            listed = ", ".join(
                f"{self.name_of(c)} {self.value_text(self.values[c])}" for c in missing[:6]
            )
            more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
            parts.append(f"not on the map: {listed}{more}")
        self.note.setText("; ".join(parts) + ". Click a country to filter on it.")

    def _view_point(self, position: QPointF) -> QPointF | None:
        if not self.plot.sceneBoundingRect().contains(position):
            return None
        return self.plot.getPlotItem().vb.mapSceneToView(position)

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        point = self._view_point(position)
        self.plot.setToolTip("" if point is None else self.tooltip_at(point.x(), point.y()))

    def _on_scene_mouse_clicked(self, event: object) -> None:
        position = event.scenePos()  # type: ignore[attr-defined]
        point = self._view_point(position)
        country = None if point is None else self.country_at(point.x(), point.y())
        if country is not None and country.code:
            self.country_clicked.emit(country.code)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._repaint()
        super().changeEvent(event)
