"""Chart colours from the application palette, so light and dark themes both read well."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette

Role = QPalette.ColorRole


def _color(palette: QPalette, role: QPalette.ColorRole, alpha: int = 255) -> QColor:
    color = QColor(palette.color(role))
    color.setAlpha(alpha)
    return color


def style_plot(plot: pg.PlotWidget, palette: QPalette) -> None:
    """Background, axes and grid from the palette (call again on a palette change)."""
    plot.setBackground(_color(palette, Role.Base))
    text = _color(palette, Role.Text)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(_color(palette, Role.Text, 140)))
        axis.setTextPen(pg.mkPen(text))
        # major and minor grid lines only: the third level is all but invisible (alpha 7) and
        # its dozens of translucent lines cost ~10 ms per repaint in Qt's raster engine
        axis.setStyle(maxTickLevel=1)
    plot.showGrid(x=True, y=True, alpha=0.15)


def series_pen(palette: QPalette) -> pg.QtGui.QPen:
    return pg.mkPen(_color(palette, Role.Highlight), width=2)


def partial_pen(palette: QPalette) -> pg.QtGui.QPen:
    """The segment to a bucket still in progress: the series' colour, dashed."""
    return pg.mkPen(_color(palette, Role.Highlight), width=2, style=pg.QtCore.Qt.PenStyle.DashLine)


def hollow_brush(palette: QPalette) -> pg.QtGui.QBrush:
    """Fills a point with the background, so that it reads as an open ring."""
    return pg.mkBrush(_color(palette, Role.Base))


def series_brush(palette: QPalette) -> pg.QtGui.QBrush:
    return pg.mkBrush(_color(palette, Role.Highlight))


def bar_brush(palette: QPalette) -> pg.QtGui.QBrush:
    return pg.mkBrush(_color(palette, Role.Highlight, 200))


def other_brush(palette: QPalette) -> pg.QtGui.QBrush:
    """The "Other" bar: the same family, clearly set apart."""
    return pg.mkBrush(_color(palette, Role.Text, 90))


def crosshair_pen(palette: QPalette) -> pg.QtGui.QPen:
    return pg.mkPen(_color(palette, Role.Text, 110), width=1, style=pg.QtCore.Qt.PenStyle.DashLine)


def text_color(palette: QPalette) -> QColor:
    return _color(palette, Role.Text)


def category_colors(palette: QPalette, count: int) -> list[QColor]:
    """``count`` distinct colours for categories (event types, sessions): hues spread from the
    palette's highlight by the golden angle, light on a dark base and dark on a light one."""
    base = _color(palette, Role.Highlight)
    hue = max(base.hslHueF(), 0.0)
    dark = palette.color(Role.Base).lightnessF() < 0.5
    colors = []
    for n in range(count):
        color = QColor()
        color.setHslF((hue + n * 0.381966) % 1.0, 0.75, 0.68 if dark else 0.42)
        colors.append(color)
    return colors


def muted_pen(palette: QPalette, width: float = 2, dash: bool = False) -> pg.QtGui.QPen:
    """A line that matters less than the series (a pause, a state not known)."""
    style = pg.QtCore.Qt.PenStyle.DashLine if dash else pg.QtCore.Qt.PenStyle.SolidLine
    return pg.mkPen(_color(palette, Role.Text, 150), width=width, style=style)


def warning_color(palette: QPalette) -> QColor:
    """For data flagged as odd: a red-orange as light as the palette's base calls for."""
    dark = palette.color(Role.Base).lightnessF() < 0.5
    color = QColor()
    color.setHslF(0.04, 0.85, 0.62 if dark else 0.45)
    return color
