"""A one-line label that elides its text to its width (the whole text in its tooltip)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidingLabel(QLabel):
    """Asks for its whole text's width but takes what the layout gives, ending in "…" there,
    so that a long text (a video's title) never widens its window past a laptop's screen."""

    def __init__(
        self, parent: QWidget | None = None, *, least: str = "…", tip: bool = True
    ) -> None:
        """``least``: the text whose width it never goes below; ``tip``: whether its tooltip
        is its whole text when elided (else its owner sets the tooltip)."""
        super().__init__(parent)
        self._least = least
        self._tip = tip
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._show_tip()

    def minimumSizeHint(self) -> QSize:
        least = self.fontMetrics().horizontalAdvance(self._least)
        return QSize(least, super().sizeHint().height())

    def shown_text(self) -> str:
        """The text as drawn at the current width."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def is_elided(self) -> bool:
        return self.shown_text() != self.text()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_tip()

    def _show_tip(self) -> None:
        if self._tip:
            self.setToolTip(self.text() if self.is_elided() else "")

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text())
