"""A figures section as a row of cards: each figure's name above its value, unit made readable."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from explorer.domain.report import Entry, Section
from explorer.ui.results.report_format import MISSING_TIP, exact, figure_text, label_of

PER_ROW = 6  # cards in one row before the next row starts (fewer where they do not fit)
SPACING = 8
FEW = 20  # a change against fewer than this many in the previous period is flagged


def change_warning(entries: dict[str, Entry]) -> str:
    """What a change against the previous period is worth when that period held almost
    nothing: +1,774 % from about 5 views means little. The previous count is the total over
    one plus the change; "" when it is not small or cannot be told."""
    change, total = entries.get("change"), entries.get("total")
    if change is None or total is None:
        return ""
    ratio, now = change.value, total.value
    if not isinstance(ratio, float | int) or not isinstance(now, float | int) or ratio <= -1:
        return ""
    previous = float(now) / (1.0 + float(ratio))
    if previous >= FEW:
        return ""
    return f"Against a previous period of about {previous:,.0f}: a change from so few means little."


class FigureCard(QFrame):
    """One figure; its tooltip says the exact value (or that the server left it out)."""

    def __init__(self, entry: Entry, section: str, zone: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.entry_name = entry.name
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.name = QLabel(label_of(entry.name), self)
        self.value = QLabel(figure_text(entry, section, zone), self)
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.value.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        missing = entry.value is None and entry.date is None
        tip = MISSING_TIP if missing else exact(entry.value, entry.unit)
        if entry.value is None and entry.date is not None:
            tip = entry.date.isoformat()
        self.setToolTip(tip)
        self.value.setToolTip(tip)
        self.value.setAccessibleName(f"{self.name.text()}: {self.value.text()}")
        self.value.setAccessibleDescription(tip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.name)
        layout.addWidget(self.value)


class FigureCards(QWidget):
    """The cards of one figures section, ``PER_ROW`` to a row, or as many as fit the width
    (at 1024 px four date cards ran off the right of a VideoCloud report)."""

    def __init__(self, section: Section, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(f"{section.title} figures")
        last = {e.name: e for e in section.entries}  # a repeated name: its last entry
        self.cards = [FigureCard(e, section.name, zone, self) for e in last.values()]
        warning = change_warning(last)
        for card in self.cards:
            if warning and card.entry_name == "change":
                card.value.setText(f"{card.value.text()} ⚠")
                card.setToolTip(f"{card.toolTip()}\n{warning}")
                card.value.setToolTip(card.toolTip())
                card.value.setAccessibleDescription(card.toolTip())
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(SPACING)
        self.grid.setVerticalSpacing(SPACING)
        self.columns = 0
        self._arrange(min(len(self.cards), PER_ROW))

    def _fitting(self, width: int) -> int:
        """How many cards a row of ``width`` pixels holds (at least one, at most PER_ROW): the
        most columns whose widest cards, side by side, fit."""
        widths = [card.sizeHint().width() for card in self.cards]
        for columns in range(min(len(widths), PER_ROW), 1, -1):
            needed = sum(max(widths[c::columns]) for c in range(columns))
            if needed + SPACING * (columns - 1) <= width:
                return columns
        return 1

    def _arrange(self, columns: int) -> None:
        """The cards ``columns`` to a row; the row's end stays empty (cards keep their size)."""
        if columns == self.columns or not self.cards:
            return
        self.grid.setColumnStretch(self.columns, 0)
        for card in self.cards:
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards):
            self.grid.addWidget(card, i // columns, i % columns)
        self.grid.setColumnStretch(columns, 1)
        self.columns = columns

    def minimumSizeHint(self) -> QSize:
        """One card wide: on a narrow window the cards wrap rather than run off the right."""
        widest = max((card.minimumSizeHint().width() for card in self.cards), default=0)
        return QSize(widest, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        """Wide enough for a full row, so that a wider window gets the cards back in one."""
        row = self.cards[: min(len(self.cards), PER_ROW)]
        width = sum(card.sizeHint().width() for card in row) + SPACING * max(len(row) - 1, 0)
        return QSize(width, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self._fitting(self.width()))

    def texts(self) -> dict[str, str]:
        """Each card's shown name and value (tests read this)."""
        return {card.name.text(): card.value.text() for card in self.cards}
