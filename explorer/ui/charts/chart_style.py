"""Chart colours from the application palette, so light and dark themes both read well."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable

import numpy as np
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


CATEGORY_COUNT = 8  # past this many, golden-angle hues come round close to earlier ones


def series_colors(palette: QPalette, count: int) -> list[QColor]:
    """``count`` colours for overlaid series: the category colours for a few; for more, each
    next colour is the candidate (hue, saturation, lightness readable on the base) farthest,
    in CIELAB, from all those already taken, so that 50 lines still differ by more than a
    shade."""
    few = category_colors(palette, min(count, CATEGORY_COUNT))
    if count <= CATEGORY_COUNT:
        return few
    dark = palette.color(Role.Base).lightnessF() < 0.5
    rgbs = _spread(tuple(c.rgb() for c in few), dark, count)
    return [QColor.fromRgb(rgb) for rgb in rgbs]


@functools.cache
def _spread(seeds: tuple[int, ...], dark: bool, count: int) -> tuple[int, ...]:
    lightness = (0.58, 0.70, 0.82) if dark else (0.28, 0.40, 0.52)
    candidates = []
    for step in range(48):
        for saturation in (0.55, 0.9):
            for level in lightness:
                color = QColor()
                color.setHslF(step / 48, saturation, level)
                candidates.append(color.rgb())
    lab = _lab(np.array(candidates))
    readable = lab[:, 0] >= 45 if dark else lab[:, 0] <= 72  # no pale yellow on white
    candidates = [c for c, keep in zip(candidates, readable, strict=True) if keep]
    lab = lab[readable]
    chosen = list(seeds)
    nearest = np.min(
        np.linalg.norm(lab[:, None, :] - _lab(np.array(seeds))[None, :, :], axis=2), axis=1
    )
    while len(chosen) < count:
        best = int(np.argmax(nearest))
        chosen.append(candidates[best])
        nearest = np.minimum(nearest, np.linalg.norm(lab - lab[best], axis=1))
    return tuple(chosen)


def _lab(rgb: np.ndarray) -> np.ndarray:
    """0xAARRGGBB integers to CIELAB (D65), rows of (L*, a*, b*)."""
    channels = np.stack([(rgb >> shift) & 0xFF for shift in (16, 8, 0)], axis=1) / 255.0
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array(
        [[0.4124, 0.2126, 0.0193], [0.3576, 0.7152, 0.1192], [0.1805, 0.0722, 0.9505]]
    )
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1
    )


FEW_SERIES = 6  # up to this many overlaid lines keep the usual 2-pixel pen


def overlay_pen(color: QColor, count: int) -> pg.QtGui.QPen:
    """An overlaid series' line: 2 pixels for a few series; for more, a 1-pixel cosmetic pen,
    which Qt draws several times faster (no wide-line stroking), and many lines stay legible."""
    return pg.mkPen(color, width=2 if count <= FEW_SERIES else 1)


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


def weak_tip(method: Callable[[float, float, object], str]) -> Callable[..., str]:
    """A hover tip for a scatter plot item that calls its view's ``method`` without holding
    the view. A tip that held it would put the view, its scene and the item in one cycle,
    and the collector frees such a cycle by deleting the item's C++ object while its scene
    still holds it: a crash (ui/bridge/gui_collector.py, tests/ui/bridge/test_gui_collector.py)."""
    ref = weakref.WeakMethod(method)

    def tip(x: float, y: float, data: object) -> str:
        bound = ref()
        return "" if bound is None else bound(x, y, data)

    return tip
