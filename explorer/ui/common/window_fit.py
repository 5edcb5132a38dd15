"""The main window's size on a first launch: the preferred one, never larger than the screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1280, 860)  # the size the window is laid out for, where the screen allows


def first_size(available: QRect, preferred: QSize = PREFERRED) -> QSize:
    """The preferred size, bounded by the screen's available area (a 1024x700 laptop gets
    the whole of it rather than a window whose right side is off screen)."""
    return preferred.boundedTo(available.size())


def available_area(window: QWidget) -> QRect:
    """The available geometry of the window's screen (the primary one before it is shown)."""
    screen = window.screen()
    return screen.availableGeometry() if screen is not None else QRect(QPoint(), PREFERRED)
