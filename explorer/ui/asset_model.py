"""The asset tree as a QAbstractItemModel over `Assets`, and its search-as-you-type proxy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from explorer.domain.timerange import as_zone
from explorer.services.workspace import Assets, LiveStream, Player, Video

Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()  # the invisible root, as a default argument
KIND_ROLE = Qt.ItemDataRole.UserRole + 10
ID_ROLE = Qt.ItemDataRole.UserRole + 11
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 12
PLAYER_URL_ROLE = Qt.ItemDataRole.UserRole + 13


class NodeKind(StrEnum):
    PROJECT = "project"
    GROUP = "group"
    VIDEO = "video"
    LIVE_STREAM = "live-stream"
    PLAYER = "player"


Asset = Video | LiveStream | Player


@dataclass(eq=False, slots=True)
class _Node:
    """A row. Its tooltip, search text and player URL come from ``asset`` when asked for, so
    that thousands of rows are built in a few milliseconds on the UI thread."""

    kind: NodeKind
    title: str
    asset_id: str = ""
    asset: Asset | None = None
    note: str = ""  # the tooltip of a row without an asset
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    row: int = 0

    def add(self, child: _Node) -> _Node:
        child.parent, child.row = self, len(self.children)
        self.children.append(child)
        return child


def _when(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return "unknown"
    return moment.astimezone(as_zone(zone)).strftime("%Y-%m-%d %H:%M %Z")


def _tooltip(node: _Node, zone: str) -> str:
    asset = node.asset
    if isinstance(asset, Video):
        lines = [
            ("", asset.title),
            ("Video id", asset.video_id),
            ("Created", _when(asset.created_at, zone)),
            ("Published", _when(asset.published_at, zone)),
            ("Tags", ", ".join(asset.tags) or "none"),
        ]
    elif isinstance(asset, LiveStream):
        lines = [
            ("", asset.name),
            ("Live stream id", asset.live_stream_id),
            ("Created", _when(asset.created_at, zone)),
            ("Broadcasting", "yes" if asset.broadcasting else "no"),
        ]
    elif isinstance(asset, Player):
        lines = [
            ("", asset.name),
            ("Player id", asset.player_id),
            ("Created", _when(asset.created_at, zone)),
        ]
    else:
        return node.note
    return "\n".join(f"{name}: {value}" if name else value for name, value in lines if value)


def _search_text(asset: Asset | None) -> str:
    if isinstance(asset, Video):
        return " ".join([asset.title, asset.video_id, *asset.tags])
    if isinstance(asset, LiveStream):
        return f"{asset.name} {asset.live_stream_id}"
    if isinstance(asset, Player):
        return f"{asset.name} {asset.player_id}"
    return ""


def _player_url(asset: Asset | None) -> str:
    if isinstance(asset, Video | LiveStream):
        return asset.assets.player or ""
    return ""


class AssetTreeModel(QAbstractItemModel):
    """Project root; Videos (n), Live streams (n), Players (n); one row per asset."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(NodeKind.GROUP, "")  # invisible
        self._zone = "UTC"

    def set_assets(self, project: str, assets: Assets, zone: str) -> None:
        self.beginResetModel()
        self._zone = zone
        self._root = _Node(NodeKind.GROUP, "")
        top = self._root.add(_Node(NodeKind.PROJECT, project, note=f"{project}\nAll assets"))
        videos = top.add(_Node(NodeKind.GROUP, f"Videos ({len(assets.videos)})"))
        for v in assets.videos:
            videos.add(_Node(NodeKind.VIDEO, v.title or v.video_id, v.video_id, v))
        streams = top.add(_Node(NodeKind.GROUP, f"Live streams ({len(assets.live_streams)})"))
        for s in assets.live_streams:
            streams.add(
                _Node(NodeKind.LIVE_STREAM, s.name or s.live_stream_id, s.live_stream_id, s)
            )
        players = top.add(_Node(NodeKind.GROUP, f"Players ({len(assets.players)})"))
        for p in assets.players:
            players.add(_Node(NodeKind.PLAYER, p.name or p.player_id, p.player_id, p))
        self.endResetModel()

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
        if role == Qt.ItemDataRole.DisplayRole:
            return node.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(node, self._zone) or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{node.kind.value.replace('-', ' ')}: {node.title}"
        if role == KIND_ROLE:
            return node.kind.value
        if role == ID_ROLE:
            return node.asset_id
        if role == SEARCH_ROLE:
            return _search_text(node.asset)
        if role == PLAYER_URL_ROLE:
            return _player_url(node.asset)
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


class AssetFilterProxy(QSortFilterProxyModel):
    """Search as you type on title, id and tags; a group shows when any child matches. (No
    Python filterAcceptsRow: Qt's accepts every row of an empty search without asking.)"""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
