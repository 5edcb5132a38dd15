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
    plot.showGrid(x=True, y=True, alpha=0.15)


def series_pen(palette: QPalette) -> pg.QtGui.QPen:
    return pg.mkPen(_color(palette, Role.Highlight), width=2)


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
