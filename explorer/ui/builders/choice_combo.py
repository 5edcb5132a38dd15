"""A combo box over `Choice` lists: disabled entries say why, headers group, None is a value."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWidget

from explorer.ui.builders.choices import Choice

VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
_NONE = "\x00none"  # Qt cannot store None in a role; this stands for "leave it to the API"


class ChoiceCombo(QComboBox):
    """``value()`` / ``set_value()`` speak in choice values; ``value_changed`` fires on a real
    change only. When the whole combo does not apply it is disabled, shows ``—`` and says why.

    With ``keep_disabled`` a chosen entry that stops applying stays chosen (disabled, its
    tooltip saying why) instead of silently becoming another one: the query's validation
    then names the problem."""

    value_changed = Signal()

    def __init__(
        self, accessible_name: str, parent: QWidget | None = None, *, keep_disabled: bool = False
    ) -> None:
        super().__init__(parent)
        self._keep_disabled = keep_disabled  # stay on an entry that stopped applying
        self.setAccessibleName(accessible_name)
        self.setModel(QStandardItemModel(self))
        # size to a few characters, not to the longest entry: the builder must fit a laptop
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self._wanted: str | None = None  # the value to come back to once it applies again
        self._last: object = object()
        self.currentIndexChanged.connect(self._on_self_current_index_changed)

    def _items(self) -> QStandardItemModel:
        model = self.model()
        assert isinstance(model, QStandardItemModel)
        return model

    def set_choices(self, choices: list[Choice], inapplicable: str = "") -> None:
        """Replace the entries, keeping the chosen value when it is still enabled, else the one
        chosen before it stopped applying, else the first enabled entry."""
        keep = self._wanted
        self.blockSignals(True)
        try:
            model = self._items()
            model.clear()
            indent = "    " if any(c.header for c in choices) else ""
            for choice in choices:
                item = QStandardItem(choice.label if choice.header else indent + choice.label)
                item.setData(_NONE if choice.value is None else choice.value, VALUE_ROLE)
                item.setToolTip(choice.tooltip)
                item.setEnabled(choice.enabled and not choice.header)
                if choice.header:
                    font = QFont(self.font())
                    font.setBold(True)
                    item.setFont(font)
                    item.setSelectable(False)
                    item.setAccessibleText(f"{choice.label} group")
                model.appendRow(item)
            self.setEnabled(not inapplicable)
            if inapplicable:
                self.setPlaceholderText("—")
                self.setCurrentIndex(-1)
                self.setToolTip(inapplicable)
            else:
                self.setToolTip("")
                row = self._row_of(keep)
                if row is None or not (self._keep_disabled or self._is_enabled(row)):
                    row = next((r for r in range(model.rowCount()) if self._is_enabled(r)), -1)
                self.setCurrentIndex(row)
                self._show_current_tooltip()
        finally:
            self.blockSignals(False)
        self._announce()

    def _row_of(self, value: str | None) -> int | None:
        wanted = _NONE if value is None else value
        model = self._items()
        for row in range(model.rowCount()):
            item = model.item(row)
            if item.data(VALUE_ROLE) == wanted and item.isSelectable():
                return row
        return None

    def _is_enabled(self, row: int) -> bool:
        item = self._items().item(row)
        return item is not None and item.isEnabled() and item.isSelectable()

    def value(self) -> str | None:
        """The chosen value; None for "default"/"auto" or when the combo does not apply."""
        if not self.isEnabled() or self.currentIndex() < 0:
            return None
        raw = self.currentData(VALUE_ROLE)
        return None if raw in (None, _NONE) else str(raw)

    def set_value(self, value: str | None) -> bool:
        """Choose ``value`` if it is offered and enabled (else remember it for later)."""
        self._wanted = value
        row = self._row_of(value)
        usable = row is not None and (self._keep_disabled or self._is_enabled(row))
        if row is None or not usable or not self.isEnabled():
            return False
        self.setCurrentIndex(row)
        return True

    def enabled_values(self) -> list[str | None]:
        """The values a person can pick right now (nothing when the combo is disabled)."""
        if not self.isEnabled():
            return []
        model = self._items()
        values: list[str | None] = []
        for row in range(model.rowCount()):
            if self._is_enabled(row):
                raw = model.item(row).data(VALUE_ROLE)
                values.append(None if raw == _NONE else str(raw))
        return values

    def tooltip_of(self, value: str | None) -> str:
        row = self._row_of(value)
        if row is None:
            model = self._items()
            wanted = _NONE if value is None else value
            row = next(
                (r for r in range(model.rowCount()) if model.item(r).data(VALUE_ROLE) == wanted),
                None,
            )
        return "" if row is None else self._items().item(row).toolTip()

    def _show_current_tooltip(self) -> None:
        if self.isEnabled() and self.currentIndex() >= 0:
            self.setToolTip(self._items().item(self.currentIndex()).toolTip())

    def _on_self_current_index_changed(self, _index: int) -> None:
        if self.isEnabled() and self.currentIndex() >= 0:
            self._wanted = self.value()
        self._show_current_tooltip()
        self._announce()

    def _announce(self) -> None:
        current = (self.isEnabled(), self.value())
        if current != self._last:
            self._last = current
            self.value_changed.emit()
