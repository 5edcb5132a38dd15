"""The asset tree's expanded branches, selection and current row, kept across a new listing."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QTreeView

from explorer.ui.panels.asset_model import (
    GROUP_ROLE,
    ID_ROLE,
    KIND_ROLE,
    AssetFilterProxy,
    AssetTreeModel,
    NodeKind,
)

Key = tuple[str, str]  # how a row is found again: ("id", asset id), ("group", name), ("base", …)


@dataclass(frozen=True)
class TreeState:
    expanded: tuple[Key, ...] = ()
    selected: tuple[Key, ...] = ()
    current: Key | None = None


def _key(model: AssetTreeModel, proxy: AssetFilterProxy, index: QModelIndex) -> Key:
    kind = str(index.data(KIND_ROLE))
    if kind == NodeKind.PROJECT.value:
        return ("project", "")
    if kind == NodeKind.ASSET_GROUP.value:
        return ("group", str(index.data(GROUP_ROLE)))
    if kind == NodeKind.GROUP.value:
        return ("base", model.group_base(proxy.mapToSource(index)))
    return ("id", f"{kind}:{index.data(ID_ROLE)}")


def _branches(proxy: AssetFilterProxy, parent: QModelIndex) -> list[QModelIndex]:
    """The rows with children (the project, its kinds, the saved groups): a handful."""
    found: list[QModelIndex] = []
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, 0, parent)
        if proxy.rowCount(index):
            found += [index, *_branches(proxy, index)]
    return found


def keep(tree: QTreeView, model: AssetTreeModel, proxy: AssetFilterProxy) -> TreeState:
    """What the person sees of the tree now (nothing when it is empty)."""
    if not model.rowCount():
        return TreeState()
    expanded = tuple(
        _key(model, proxy, i) for i in _branches(proxy, QModelIndex()) if tree.isExpanded(i)
    )
    selected = tuple(_key(model, proxy, i) for i in tree.selectionModel().selectedRows())
    current = tree.currentIndex()
    return TreeState(expanded, selected, _key(model, proxy, current) if current.isValid() else None)


def _find(model: AssetTreeModel, proxy: AssetFilterProxy, key: Key) -> QModelIndex:
    top = proxy.index(0, 0)
    what, value = key
    if what == "project":
        return top
    if what == "base":
        for row in range(proxy.rowCount(top)):
            index = proxy.index(row, 0, top)
            if model.group_base(proxy.mapToSource(index)) == value:
                return index
        return QModelIndex()
    if what == "group":
        role, wanted = GROUP_ROLE, value
    else:
        role, wanted = ID_ROLE, value.partition(":")[2]
    flags = Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
    for hit in proxy.match(top, role, wanted, -1, flags):
        if what == "group" or f"{hit.data(KIND_ROLE)}:{wanted}" == value:
            return hit
    return QModelIndex()


def restore(
    tree: QTreeView, model: AssetTreeModel, proxy: AssetFilterProxy, state: TreeState
) -> None:
    """Expand, select and make current the rows ``state`` names that the new listing has,
    without announcing the selection (the query's scope is already what it stands for)."""
    for key in state.expanded:
        index = _find(model, proxy, key)
        if index.isValid():
            tree.expand(index)
    if not state.selected and state.current is None:
        return
    selection = tree.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    selection.blockSignals(True)
    try:
        if state.current is not None and (current := _find(model, proxy, state.current)).isValid():
            selection.setCurrentIndex(current, flags.NoUpdate)
        for key in state.selected:
            index = _find(model, proxy, key)
            if index.isValid():
                selection.select(index, flags.Select | flags.Rows)
    finally:
        selection.blockSignals(False)
    tree.viewport().update()
