"""Structured filters of the session list: `column = value` chips, several at once, each
removable; a column box, a value box (offering the list's own values) and an Add button."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from explorer.ui.sessions.session_table_model import COLUMNS, FIRST_TEXT, METADATA_HELP


class ColumnFilters(QWidget):
    """``changed(conditions)``: the (column, value) pairs now chosen."""

    changed = Signal(object)

    def __init__(
        self,
        values_of: Callable[[int], list[str]],
        parent: QWidget | None = None,
        columns: Sequence[str] = COLUMNS,
    ):
        super().__init__(parent)
        self.columns = tuple(columns)
        self._values_of = values_of
        self._conditions: list[tuple[int, str]] = []
        self.column = QComboBox(self)
        self.column.setAccessibleName("Filter column")
        for index in range(FIRST_TEXT, len(self.columns)):
            self.column.addItem(self.columns[index], index)
        self.value = QComboBox(self)
        self.value.setEditable(True)
        self.value.setAccessibleName("Filter value")
        self.value.setMinimumWidth(120)
        self.value.setToolTip(
            f"Only the sessions whose column has exactly this value (any case). {METADATA_HELP}."
        )
        self.value.lineEdit().setPlaceholderText("value (Metadata: key=value)")
        self.add_button = QPushButton("Add filter", self)
        self.add_button.setAccessibleName("Add column filter")
        self.add_button.setToolTip("Keep only the sessions with this column = value")
        self.chips: list[QPushButton] = []
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Where", self), self.column, self.value, self.add_button):
            self._row.addWidget(widget)
        self._row.addStretch(1)
        self.column.currentIndexChanged.connect(self.refresh_values)
        self.value.activated.connect(self._on_value_activated)
        self.add_button.clicked.connect(self.add_current)

    @property
    def conditions(self) -> list[tuple[int, str]]:
        return list(self._conditions)

    def refresh_values(self, *_args: object) -> None:
        """Offer the chosen column's values among the sessions listed."""
        text = self.value.currentText()
        self.value.clear()
        self.value.addItems(self._values_of(int(self.column.currentData())))
        self.value.setEditText(text)

    def add_current(self) -> None:
        self.add(int(self.column.currentData()), self.value.currentText())

    def add(self, column: int, value: str) -> None:
        """Add `column = value` (a column of COLUMNS; an empty value: no value given)."""
        pair = (column, value.strip())
        if pair in self._conditions:
            return
        self._conditions.append(pair)
        self._show_chips()
        self.changed.emit(self.conditions)

    def remove(self, pair: tuple[int, str]) -> None:
        if pair in self._conditions:
            self._conditions.remove(pair)
            self._show_chips()
            self.changed.emit(self.conditions)

    def set_conditions(self, pairs: Sequence[tuple[int, str]]) -> None:
        self._conditions = list(dict.fromkeys(pairs))
        self._show_chips()
        self.changed.emit(self.conditions)

    def _show_chips(self) -> None:
        for chip in self.chips:
            self._row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for at, pair in enumerate(self._conditions):
            text = f"{self.columns[pair[0]]} = {pair[1] or '(none)'}  ✕"
            chip = QPushButton(text, self)
            chip.setAccessibleName(f"Remove filter {self.columns[pair[0]]} = {pair[1]}")
            chip.setToolTip("Remove this filter")
            chip.setFlat(True)
            chip.clicked.connect(lambda _checked=False, p=pair: self.remove(p))
            self._row.insertWidget(4 + at, chip)
            self.chips.append(chip)

    def _on_value_activated(self, _index: int) -> None:
        self.add_current()
