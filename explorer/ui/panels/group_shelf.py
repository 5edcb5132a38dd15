"""The asset tree's saved groups: kept per account in the settings, shown in the tree, made
from the selection or a rule, renamed, deleted (explorer.domain.asset_groups)."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from explorer.domain.asset_groups import AssetGroup, groups_from_list
from explorer.services.source import Assets

SETTINGS_KEY = "assets/groups"  # one JSON object: account key -> its groups


class GroupBook:
    """Every account's groups in the settings file (they survive a relaunch)."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def _all(self) -> dict[str, list[object]]:
        try:
            data = json.loads(str(self.settings.value(SETTINGS_KEY, "{}") or "{}"))
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def read(self, account: str) -> tuple[list[AssetGroup], list[str]]:
        """The account's groups, and a sentence per saved one that could not be read."""
        entries = self._all().get(account) or []
        return groups_from_list(entries if isinstance(entries, list) else [])

    def write(self, account: str, groups: list[AssetGroup]) -> None:
        data = self._all()
        data[account] = [g.to_dict() for g in groups]
        self.settings.setValue(SETTINGS_KEY, json.dumps(data))
        self.settings.sync()


class GroupShelf(QObject):
    """The current account's groups. ``changed`` when they are (re)read or edited;
    ``message`` says what happened or why not."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.book: GroupBook | None = None
        self.account = ""
        self.groups: list[AssetGroup] = []

    def use(self, book: GroupBook, account: str) -> None:
        """Show ``account``'s groups (never another account's)."""
        self.book, self.account = book, account
        self.groups, problems = book.read(account) if account else ([], [])
        if problems:
            self.message.emit("Some saved groups were left out: " + "; ".join(problems))
        self.changed.emit()

    def named(self, name: str) -> AssetGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def resolved(self, assets: Assets) -> dict[str, tuple[str, ...]]:
        """Each group's media ids among ``assets``, by name, in the groups' order."""
        return {g.name: g.resolve(assets.items) for g in self.groups}

    def add(self, group: AssetGroup) -> list[str]:
        """Save a new group; its problems (then nothing is saved)."""
        problems = group.validate(g.name for g in self.groups)
        if not problems:
            self._save([*self.groups, group])
            self.message.emit(f"Saved the group '{group.name}'.")
        return problems

    def rename(self, old: str, new: str) -> list[str]:
        group = self.named(old)
        if group is None:
            return [f"there is no group named '{old}'"]
        renamed = group.renamed(new)
        problems = renamed.validate(g.name for g in self.groups if g is not group)
        if not problems:
            self._save([renamed if g is group else g for g in self.groups])
        return problems

    def delete(self, name: str) -> None:
        self._save([g for g in self.groups if g.name != name])

    def _save(self, groups: list[AssetGroup]) -> None:
        self.groups = groups
        if self.book is not None and self.account:
            self.book.write(self.account, groups)
        self.changed.emit()

    # --- the tree's context menu -----------------------------------------------------------

    def add_actions(
        self, menu: QMenu, selected: tuple[str, ...], group: str, rule_dialog: Callable[[], None]
    ) -> None:
        """Save selection as group…, New group from tag / metadata / search…, and on a group
        row Rename… and Delete."""
        menu.addSeparator()
        save = menu.addAction("Save selection as group…")
        save.setEnabled(bool(selected) and bool(self.account))
        if not selected:
            save.setToolTip("Select videos first (Ctrl-click or Shift-click in the tree).")
        save.triggered.connect(lambda: self._ask_name_and_save(menu.parentWidget(), selected))
        rule = menu.addAction("New group from tag / metadata / search…")
        rule.setEnabled(bool(self.account))
        rule.triggered.connect(rule_dialog)
        if group:
            rename = menu.addAction("Rename group…")
            rename.triggered.connect(lambda: self._ask_rename(menu.parentWidget(), group))
            delete = menu.addAction("Delete group")
            delete.triggered.connect(lambda: self._ask_delete(menu.parentWidget(), group))

    def _ask_name_and_save(self, parent: QWidget | None, ids: tuple[str, ...]) -> None:
        name, ok = QInputDialog.getText(parent, "Save selection as group", "Group name:")
        while ok:
            problems = self.add(AssetGroup.picked(name, ids))
            if not problems:
                return
            name, ok = QInputDialog.getText(
                parent, "Save selection as group", f"{problems[0]}.\nGroup name:", text=name
            )

    def _ask_rename(self, parent: QWidget | None, old: str) -> None:
        name, ok = QInputDialog.getText(parent, "Rename group", "New name:", text=old)
        while ok:
            problems = self.rename(old, name)
            if not problems:
                return
            name, ok = QInputDialog.getText(
                parent, "Rename group", f"{problems[0]}.\nNew name:", text=name
            )

    def _ask_delete(self, parent: QWidget | None, name: str) -> None:
        answer = QMessageBox.question(
            parent, "Delete group", f"Delete the group '{name}'? Its videos stay as they are."
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(name)
