"""New group from a rule: every video with a tag, a metadata key=value, or a title search;
it says how many assets the rule holds now before it is saved."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from explorer.domain.asset_groups import AssetGroup, GroupKind
from explorer.services.source import Assets

KINDS = {
    GroupKind.TAG: "every video with the tag",
    GroupKind.METADATA: "every video whose metadata has key=value",
    GroupKind.SEARCH: "every video or live stream whose title contains",
}


class GroupRuleDialog(QDialog):
    """Name, rule, its words; OK is enabled once the group can be saved."""

    def __init__(self, assets: Assets, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New group")
        self.setMinimumWidth(480)  # the sentence of what it holds wraps in few lines
        self.assets, self.names = assets, names
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Group name")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Group rule")
        for kind, label in KINDS.items():
            self.kind_combo.addItem(label, kind.value)
        self.key_edit = QLineEdit(self)
        self.key_edit.setAccessibleName("Metadata key")
        self.key_edit.setPlaceholderText("key (plan)")
        self.term_edit = QLineEdit(self)
        self.term_edit.setAccessibleName("Tag, value or words")
        tags = sorted({t for a in assets.of_kind("video") for t in a.tags})
        self.term_edit.setCompleter(QCompleter(tags, self))
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("What the group holds")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        form = QFormLayout(self)
        form.addRow("&Name", self.name_edit)
        form.addRow("&Rule", self.kind_combo)
        form.addRow("&Key", self.key_edit)
        form.addRow("&Tag, value or words", self.term_edit)
        form.addRow(self.preview)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for edit in (self.name_edit, self.key_edit, self.term_edit):
            edit.textChanged.connect(self._on_changed)
        self.kind_combo.currentIndexChanged.connect(self._on_changed)
        self._on_changed()

    def group(self) -> AssetGroup:
        kind = GroupKind(self.kind_combo.currentData())
        name, term = self.name_edit.text(), self.term_edit.text()
        if kind is GroupKind.TAG:
            return AssetGroup.tagged(name, term)
        if kind is GroupKind.METADATA:
            return AssetGroup.with_metadata(name, self.key_edit.text(), term)
        return AssetGroup.searching(name, term)

    def _on_changed(self, *_args: object) -> None:
        metadata = self.kind_combo.currentData() == GroupKind.METADATA.value
        self.key_edit.setEnabled(metadata)
        group = self.group()
        problems = group.validate(self.names)
        if problems:
            self.preview.setText("⚠ " + "; ".join(problems) + ".")
        else:
            count = len(group.resolve(self.assets.items))
            self.preview.setText(f"The group holds {group.describe(count)}.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
