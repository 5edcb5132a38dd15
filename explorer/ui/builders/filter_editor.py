"""Filter rows of the query builder: a key, its values (completed from known ones), remove."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from explorer.domain import catalogue as cat
from explorer.ui.builders.choice_combo import ChoiceCombo
from explorer.ui.builders.choices import Choice

COMPLETION_VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()  # the invisible root, as a default argument


def split_values(text: str) -> tuple[str, ...]:
    """``FR, US ,`` -> ``("FR", "US")``."""
    return tuple(v.strip() for v in text.split(",") if v.strip())


class KnownValuesModel(QAbstractListModel):
    """The values known for one filter key, as "value — label", sorted; plain Python rows, so
    that thousands of media ids arrive in one reset rather than one Qt call per item."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []  # (shown text, value)
        self._values: set[str] = set()

    def add(self, values: list[tuple[str, str]]) -> None:
        new = []
        for value, label in values:
            if value and value not in self._values:
                self._values.add(value)
                new.append((f"{value} — {label}" if label else value, value))
        if new:
            self.beginResetModel()
            self._rows = sorted(self._rows + new)
            self.endResetModel()

    def values(self) -> list[str]:
        return [value for _, value in self._rows]

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        text, value = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == COMPLETION_VALUE_ROLE:
            return value
        return None


class ListCompleter(QCompleter):
    """Completes the value after the last comma, matching anywhere in "value — label" (so a
    title finds its media id), and inserts the bare value."""

    def __init__(self, line_edit: QLineEdit) -> None:
        super().__init__(line_edit)
        self.setWidget(line_edit)
        self.multiple = True
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip() if self.multiple else path.strip()]

    def pathFromIndex(self, index: Index) -> str:
        value = str(index.data(COMPLETION_VALUE_ROLE) or index.data())
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        if not self.multiple or "," not in text:
            return value
        return f"{text.rsplit(',', 1)[0]}, {value}"


class FilterRow(QWidget):
    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = ChoiceCombo("Filter key", self, keep_disabled=True)
        self.values = QLineEdit(self)
        self.values.setClearButtonEnabled(True)
        self.completer = ListCompleter(self.values)
        self.values.setCompleter(self.completer)
        self.remove = QToolButton(self)
        self.remove.setText("−")
        self.remove.setToolTip("Remove this filter")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.key, 1)
        layout.addWidget(self.values, 3)
        layout.addWidget(self.remove)
        self.key.value_changed.connect(self._on_key_value_changed)
        self.values.textChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))

    def number(self, position: int) -> None:
        self.key.setAccessibleName(f"Filter {position} key")
        self.values.setAccessibleName(f"Filter {position} values")
        self.remove.setAccessibleName(f"Remove filter {position}")

    def key_name(self) -> str | None:
        return self.key.value()

    def entries(self) -> tuple[str, ...]:
        return split_values(self.values.text())

    def _on_key_value_changed(self) -> None:
        spec = cat.FILTER_KEYS.get(self.key_name() or "")
        many = spec is None or spec.is_list
        self.completer.multiple = many
        hint = "values, separated by commas" if many else "one value"
        if spec is not None and spec.values:
            hint += f": {', '.join(spec.values)}"
        self.values.setPlaceholderText(hint)
        self.values.setToolTip(hint)
        self.changed.emit()


class FilterEditor(QWidget):
    """The filter rows; ``filters()`` merges rows that share a key."""

    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FilterRow] = []
        self._key_choices: list[Choice] = []
        self._known: dict[str, KnownValuesModel] = {}
        self._labels: dict[str, dict[str, str]] = {}
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("Add filter", self)
        self.add_button.setAccessibleName("Add filter")
        self.add_button.setToolTip("Narrow the query with a filterBy[…] parameter")
        self.add_button.clicked.connect(lambda: self.add_row())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_box)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        for name, spec in cat.FILTER_KEYS.items():
            if spec.values:
                self.set_known(name, [(v, "") for v in spec.values])
        self.set_known("deviceType", [(v, "") for v in cat.DEVICE_TYPES])

    # --- known values ----------------------------------------------------------------------

    def set_known(self, key: str, values: list[tuple[str, str]]) -> None:
        """Values offered for ``key`` as ``(value, label)``; adds to what is already known."""
        model = self._known.get(key)
        if model is None:
            model = self._known[key] = KnownValuesModel(self)
        self._labels.setdefault(key, {}).update((v, label) for v, label in values if label)
        model.add(values)

    def label_of(self, key: str, value: str) -> str:
        """The label a known value came with (a media id's title), else ``""``."""
        return self._labels.get(key, {}).get(value, "")

    def known_values(self, key: str) -> list[str]:
        model = self._known.get(key)
        return [] if model is None else model.values()

    # --- rows ------------------------------------------------------------------------------

    def rows(self) -> list[FilterRow]:
        return list(self._rows)

    def add_row(self, key: str | None = None, values: tuple[str, ...] = ()) -> FilterRow:
        row = FilterRow(self)
        row.key.set_choices(self._key_choices)
        used = {r.key_name() for r in self._rows}
        if key is None:
            key = next(
                (c.value for c in self._key_choices if c.enabled and c.value not in used), None
            )
        row.key.set_value(key)
        row.values.setText(", ".join(values))
        row.changed.connect(self._on_row_changed)
        row.key.value_changed.connect(lambda: self._attach_completer(row))
        row.remove_requested.connect(self._on_row_remove_requested)
        self._attach_completer(row)
        self._rows.append(row)
        self._rows_box.addWidget(row)
        self._renumber()
        self.filters_changed.emit()
        return row

    def remove_row(self, row: FilterRow) -> None:
        self._rows.remove(row)
        self._rows_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.filters_changed.emit()

    def clear(self) -> None:
        for row in list(self._rows):
            self.remove_row(row)

    def _renumber(self) -> None:
        for position, row in enumerate(self._rows, start=1):
            row.number(position)

    def _attach_completer(self, row: FilterRow) -> None:
        key = row.key_name()
        model = self._known.get(key or "")
        row.completer.setModel(model if model is not None else KnownValuesModel(row))

    # --- the query's filters ---------------------------------------------------------------

    def filters(self) -> dict[str, tuple[str, ...]]:
        merged: dict[str, tuple[str, ...]] = {}
        for row in self._rows:
            key = row.key_name()
            entries = row.entries()
            if key and entries:
                merged[key] = tuple(dict.fromkeys(merged.get(key, ()) + entries))
        return merged

    def set_filters(self, filters: dict[str, tuple[str, ...]]) -> None:
        self.clear()
        for key, values in filters.items():
            if values:
                self.add_row(key, tuple(values))

    def set_key_choices(self, choices: list[Choice]) -> None:
        """The keys this query accepts; rows keep their key (a disabled one says why)."""
        self._key_choices = choices
        for row in self._rows:
            row.key.set_choices(choices)

    def set_scope(self, media_id: str | None) -> None:
        """The asset tree's selection: one mediaId row holds it; None removes that row."""
        rows = [r for r in self._rows if r.key_name() == "mediaId"]
        if media_id is None:
            for row in rows:
                self.remove_row(row)
            return
        if rows:
            rows[0].values.setText(media_id)
            for row in rows[1:]:
                self.remove_row(row)
        else:
            self.add_row("mediaId", (media_id,))

    # --- slots -----------------------------------------------------------------------------

    def _on_row_changed(self) -> None:
        self.filters_changed.emit()

    def _on_row_remove_requested(self, row: FilterRow) -> None:
        self.remove_row(row)
