"""The asset tree as a QAbstractItemModel over `Assets`, and its search-as-you-type proxy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from explorer.domain.timerange import as_zone
from explorer.services.asset_search import search_text
from explorer.services.source import KIND_TITLES, Asset, Assets

if TYPE_CHECKING:  # the sessions service (the API client) is not part of the first paint
    from explorer.services.sessions import Media

Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()  # the invisible root, as a default argument
KIND_ROLE = Qt.ItemDataRole.UserRole + 10
ID_ROLE = Qt.ItemDataRole.UserRole + 11
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 12
PLAYER_URL_ROLE = Qt.ItemDataRole.UserRole + 13
TITLE_ROLE = Qt.ItemDataRole.UserRole + 14  # the asset's title, without a badge
ON_AIR_ROLE = Qt.ItemDataRole.UserRole + 15  # a live stream broadcasting: True
ON_AIR = "on air"  # the badge after a broadcasting live stream's title
GROUP_ROLE = Qt.ItemDataRole.UserRole + 16  # a saved asset group's name
GROUPS_TITLE = "Groups"


class NodeKind(StrEnum):
    PROJECT = "project"
    GROUP = "group"
    VIDEO = "video"
    LIVE_STREAM = "live-stream"
    PLAYER = "player"
    ASSET_GROUP = "asset-group"  # a saved group of videos (explorer.domain.asset_groups)


@dataclass(eq=False, slots=True)
class _Node:
    """A row. Its tooltip, search text and player URL come from ``asset`` when asked for, so
    that thousands of rows are built in a few milliseconds on the UI thread."""

    kind: NodeKind
    title: str
    asset_id: str = ""
    asset: Asset | None = None
    note: str = ""  # the tooltip of a row without an asset
    base: str = ""  # a group's name without its count ("Videos")
    group: str = ""  # a saved asset group's name
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    row: int = 0

    def add(self, child: _Node) -> _Node:
        child.parent, child.row = self, len(self.children)
        self.children.append(child)
        return child


def _fact(value: Any, zone: str) -> str:
    if isinstance(value, datetime):
        return value.astimezone(as_zone(zone)).strftime("%Y-%m-%d %H:%M %Z")
    return "unknown" if value is None else str(value)


def _tooltip(node: _Node, zone: str) -> str:
    asset = node.asset
    if asset is None:
        return node.note
    lines = [asset.title] if asset.title else []
    lines += [f"{name}: {_fact(value, zone)}" for name, value in asset.facts]
    return "\n".join(lines)


def _search_text(node: _Node) -> str:
    asset = node.asset
    if asset is None:
        return node.group
    return search_text(asset.title, asset.asset_id, asset.tags)  # the command line's --search


class AssetTreeModel(QAbstractItemModel):
    """Project root; one group per kind the source lists (Videos (n), Live streams (n),
    Players (n)); one row per asset."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(NodeKind.GROUP, "")  # invisible
        self._zone = "UTC"
        self._groups: list[tuple[str, int, str]] = []  # saved groups: name, count, sentence

    def clear(self) -> None:
        """No project and no assets (another account's are never shown under this one)."""
        self.beginResetModel()
        self._root = _Node(NodeKind.GROUP, "")
        self.endResetModel()

    def set_assets(self, project: str, assets: Assets, zone: str) -> None:
        self.beginResetModel()
        self._zone = zone
        self._root = _Node(NodeKind.GROUP, "")
        top = self._root.add(_Node(NodeKind.PROJECT, project, note=f"{project}\nAll assets"))
        for kind in assets.kinds:
            members = assets.of_kind(kind)
            title = KIND_TITLES.get(kind, kind)
            group = top.add(_Node(NodeKind.GROUP, f"{title} ({len(members)})", base=title))
            node_kind = NodeKind(kind)
            for asset in members:
                group.add(_Node(node_kind, asset.label, asset.asset_id, asset))
        self._add_groups(top)
        self.endResetModel()

    def set_groups(self, groups: list[tuple[str, int, str]]) -> None:
        """The saved groups (name, how many assets, what it is) under the project."""
        self._groups = groups
        if not self._root.children:
            return
        top = self._root.children[0]  # the branch is its last row: the others keep theirs
        top_index = self.createIndex(0, 0, top)
        old = next((c for c in top.children if c.base == GROUPS_TITLE), None)
        if old is not None:
            self.beginRemoveRows(top_index, old.row, old.row)
            top.children.remove(old)
            self.endRemoveRows()
        if groups:
            self.beginInsertRows(top_index, len(top.children), len(top.children))
            self._add_groups(top)
            self.endInsertRows()

    def _add_groups(self, top: _Node) -> None:
        if not self._groups:
            return
        note = "Your saved groups: choose one to scope the query to its videos"
        branch = top.add(_Node(NodeKind.GROUP, f"{GROUPS_TITLE} ({len(self._groups)})", note=note))
        branch.base = GROUPS_TITLE
        for name, count, sentence in self._groups:
            branch.add(_Node(NodeKind.ASSET_GROUP, f"{name} ({count})", note=sentence, group=name))

    # --- QAbstractItemModel ----------------------------------------------------------------

    def _node(self, index: Index) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, _Node)
            return node
        return self._root

    def index(self, row: int, column: int, parent: Index = _NO_PARENT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: Index = _NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        on_air = node.asset is not None and node.asset.on_air
        if role == Qt.ItemDataRole.DisplayRole:
            return f"● {ON_AIR} · {node.title}" if on_air else node.title
        if role == TITLE_ROLE:
            return node.title
        if role == ON_AIR_ROLE:
            return on_air
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = _tooltip(node, self._zone)
            return (f"{tip}\nOn air: double-click for the live view" if on_air else tip) or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            badge = f", {ON_AIR}" if on_air else ""
            return f"{node.kind.value.replace('-', ' ')}: {node.title}{badge}"
        if role == KIND_ROLE:
            return node.kind.value
        if role == ID_ROLE:
            return node.asset_id
        if role == SEARCH_ROLE:
            return _search_text(node)
        if role == GROUP_ROLE:
            return node.group
        if role == PLAYER_URL_ROLE:
            return node.asset.player_url if node.asset is not None else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return "Assets" if section == 0 else None
        return None

    def group_base(self, index: Index) -> str:
        """A group row's name without its count ("" for any other row)."""
        return self._node(index).base if index.isValid() else ""


class AssetFilterProxy(QSortFilterProxyModel):
    """Search as you type on title, id and tags; a group shows when any child matches. (No
    Python filterAcceptsRow: Qt's accepts every row of an empty search without asking.)"""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """While a search narrows the tree, a group says how many of its assets match:
        "Videos (3 of 40)"."""
        if role == Qt.ItemDataRole.DisplayRole and self.filterRegularExpression().pattern():
            source, inner = self.sourceModel(), self.mapToSource(index)
            if isinstance(source, AssetTreeModel) and (base := source.group_base(inner)):
                return f"{base} ({self.rowCount(index)} of {source.rowCount(inner)})"
        return super().data(index, role)


def tree_media(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[Media]:
    """Every video and live stream of the asset tree, in the tree's order."""
    parent = parent or QModelIndex()
    from explorer.services.sessions import Media

    found: list[Media] = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        kind = index.data(KIND_ROLE)
        if kind in (NodeKind.VIDEO.value, NodeKind.LIVE_STREAM.value):
            media_type = "video" if kind == NodeKind.VIDEO.value else "live-stream"
            title = str(index.data(TITLE_ROLE) or "")
            found.append(Media(str(index.data(ID_ROLE)), media_type, title))
        found += tree_media(model, index)
    return found


def videos_by_tag(assets: Assets) -> dict[str, list[Media]]:
    """The videos of each tag, tags in order (a course's lessons, a campaign's ads)."""
    from explorer.services.sessions import Media  # not at start-up (see tree_media)

    groups: dict[str, list[Media]] = {}
    for video in assets.of_kind("video"):
        for tag in video.tags:
            groups.setdefault(tag, []).append(Media(video.asset_id, "video", video.title))
    return dict(sorted(groups.items()))
