"""The builder's "Split by" and "Compare with" fields: a query asked per value, or against an
earlier period (explorer.domain.splits, explorer.domain.comparison).

Split by a dimension turns an aggregate into one bar per value, a timeseries into one line per
value, and a breakdown into a cross-tab (rows: the split's values; columns: the breakdown's).
Split by asset groups asks it once per saved group (one mediaId filter of the group's videos
each): one bar per group. Compare with asks the same query over an earlier period. One or the
other: a split of comparisons is not offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from explorer.domain.asset_groups import MAX_MEMBERS
from explorer.domain.catalogue import BREAKDOWNS
from explorer.domain.query import Query, or_list
from explorer.domain.splits import CLOSED_VALUES, SPLIT_DIMENSIONS, SplitQuestion, ValueGroup
from explorer.ui.builders.choice_combo import ChoiceCombo
from explorer.ui.builders.choices import Choice

if TYPE_CHECKING:  # loads with the first comparison asked, not at start-up
    from explorer.domain.comparison import ComparisonQuestion

Question = Union[Query, SplitQuestion, "ComparisonQuestion"]

SHIFTS: dict[str, str] = {
    "previous": "the previous period",
    "week": "a week earlier",
    "offset": "an offset…",
}
BOTH = "choose Split by or Compare with, not both"
GROUPS = "asset-groups"  # Split by the account's saved asset groups


def split_choices() -> list[Choice]:
    """No split, then each dimension by its label."""
    choices = [Choice(None, "(no split)", tooltip="Ask the query once")]
    for name in SPLIT_DIMENSIONS:
        known = CLOSED_VALUES.get(name)
        hint = f"One request or answer per {BREAKDOWNS[name].label.lower()}" + (
            f": {', '.join(known)}" if known else "; the values seen are listed first"
        )
        choices.append(Choice(name, BREAKDOWNS[name].label, tooltip=hint))
    tip = "One bar per saved asset group (the tree's Groups): each group's videos together"
    choices.append(Choice(GROUPS, "Asset groups", tooltip=tip))
    return choices


def shift_choices() -> list[Choice]:
    """Nothing, then each kind of earlier period."""
    choices = [Choice(None, "(nothing)", tooltip="Ask the current period only")]
    for name, label in SHIFTS.items():
        choices.append(Choice(name, label, tooltip=f"Compare with {label.rstrip('…')}"))
    return choices


class CompareEditor(QWidget):
    """Split by [dimension] [values] · Compare with [period] [offset]; ``wrap`` turns the
    builder's query into the question they make."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.split_combo = ChoiceCombo("Split by", self)
        self.split_combo.set_choices(split_choices())
        self.values_edit = QLineEdit(self)
        self.values_edit.setAccessibleName("Split values")
        self.values_edit.setPlaceholderText("values, comma-separated (empty: every value)")
        self.values_edit.setToolTip(
            "The values to split over, comma-separated (FR, DE, US); empty: every value of the "
            "dimension (the closed lists, or the values a first breakdown finds)"
        )
        self.shift_combo = ChoiceCombo("Compare with", self)
        self.shift_combo.set_choices(shift_choices())
        self.offset_edit = QLineEdit(self)
        self.offset_edit.setAccessibleName("Offset")
        self.offset_edit.setPlaceholderText("7d")
        self.offset_edit.setToolTip("How far back the earlier period lies: 7d, 30d, 12h")
        self.offset_edit.setMaximumWidth(64)
        self.groups: dict[str, tuple[str, ...]] = {}  # the saved asset groups, by name
        self.compare_label = QLabel("Compare &with", self)
        self.compare_label.setBuddy(self.shift_combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.split_combo)
        row.addWidget(self.values_edit, 1)
        row.addSpacing(8)
        row.addWidget(self.compare_label)
        row.addWidget(self.shift_combo)
        row.addWidget(self.offset_edit)
        self.split_combo.value_changed.connect(self._on_changed)
        self.shift_combo.value_changed.connect(self._on_changed)
        self.values_edit.textChanged.connect(self._on_changed)
        self.offset_edit.textChanged.connect(self._on_changed)
        self._on_changed()

    # --- reading ---------------------------------------------------------------------------

    def values(self) -> tuple[str, ...]:
        words = (v.strip() for v in self.values_edit.text().split(","))
        return tuple(dict.fromkeys(v for v in words if v))

    def chosen_groups(self) -> tuple[ValueGroup, ...]:
        """The saved groups named in the values (all of them when none is named)."""
        names = self.values() or tuple(self.groups)
        return tuple(ValueGroup(n, self.groups[n]) for n in names if n in self.groups)

    def problems(self) -> list[str]:
        """What stops the fields from making a question (the query's own problems aside)."""
        found: list[str] = []
        if self.split_combo.value() == GROUPS:
            unknown = [n for n in self.values() if n not in self.groups]
            if not self.groups:
                found.append(
                    "no asset group is saved: select videos in the tree and choose "
                    "Save selection as group… (right-click)"
                )
            elif unknown:
                found.append(
                    f"there is no group named {or_list(repr(n) for n in unknown)}; "
                    f"the groups are {or_list(repr(n) for n in self.groups)}"
                )
            found += [
                f"the group '{g.label}' holds {len(g.values)} videos; a query takes at most "
                f"{MAX_MEMBERS}: narrow its rule or split it into several groups"
                for g in self.chosen_groups()
                if len(g.values) > MAX_MEMBERS
            ]
        if self.split_combo.value() and self.shift_combo.value():
            found.append(BOTH)
        if self.shift_combo.value() == "offset":
            try:
                from explorer.domain.comparison import Shift  # loads when first chosen

                Shift.parse(self.offset_edit.text() or "?")
            except ValueError as error:
                found.append(str(error))
        return found

    def wrap(self, query: Query) -> Question:
        """The question the fields make of ``query``: itself, a split, or a comparison."""
        dimension = self.split_combo.value()
        if dimension == GROUPS:
            return SplitQuestion(query, "media-id", groups=self.chosen_groups())
        if dimension:
            return SplitQuestion(query, dimension, self.values())
        shift = self.shift_combo.value()
        if shift:
            text = self.offset_edit.text() if shift == "offset" else shift
            try:
                from explorer.domain.comparison import ComparisonQuestion, Shift

                return ComparisonQuestion(query, Shift.parse(text))
            except ValueError:
                return query  # `problems` says why
        return query

    # --- writing ---------------------------------------------------------------------------

    def set_groups(self, groups: dict[str, tuple[str, ...]]) -> None:
        self.groups = dict(groups)
        self.changed.emit()

    def clear(self) -> None:
        self.split_combo.set_value(None)
        self.shift_combo.set_value(None)

    def state(self) -> dict[str, Any]:
        return {
            "split": self.split_combo.value(),
            "values": self.values_edit.text(),
            "compare": self.shift_combo.value(),
            "offset": self.offset_edit.text(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.values_edit.setText(str(state.get("values") or ""))
        self.offset_edit.setText(str(state.get("offset") or ""))
        self.split_combo.set_value(state.get("split"))
        self.shift_combo.set_value(state.get("compare"))
        self._on_changed()

    def _on_changed(self, *_args: object) -> None:
        self.values_edit.setEnabled(bool(self.split_combo.value()))
        self.values_edit.setPlaceholderText(
            "group names, comma-separated (empty: every group)"
            if self.split_combo.value() == GROUPS
            else "values, comma-separated (empty: every value)"
        )
        self.offset_edit.setVisible(self.shift_combo.value() == "offset")
        self.changed.emit()
