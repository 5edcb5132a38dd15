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
from explorer.services.workspace import Assets

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


@dataclass(eq=False)
class _Node:
    kind: NodeKind
    title: str
    asset_id: str = ""
    tooltip: str = ""
    search: str = ""
    player_url: str = ""
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


def _tooltip(lines: list[tuple[str, str]]) -> str:
    return "\n".join(f"{name}: {value}" if name else value for name, value in lines if value)


class AssetTreeModel(QAbstractItemModel):
    """Project root; Videos (n), Live streams (n), Players (n); one row per asset."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(NodeKind.GROUP, "")  # invisible

    def set_assets(self, project: str, assets: Assets, zone: str) -> None:
        self.beginResetModel()
        self._root = _Node(NodeKind.GROUP, "")
        top = self._root.add(_Node(NodeKind.PROJECT, project, tooltip=f"{project}\nAll assets"))
        videos = top.add(_Node(NodeKind.GROUP, f"Videos ({len(assets.videos)})"))
        for v in assets.videos:
            tip = [
                ("", v.title),
                ("Video id", v.video_id),
                ("Created", _when(v.created_at, zone)),
                ("Published", _when(v.published_at, zone)),
                ("Tags", ", ".join(v.tags) or "none"),
            ]
            videos.add(
                _Node(
                    NodeKind.VIDEO,
                    v.title or v.video_id,
                    v.video_id,
                    _tooltip(tip),
                    " ".join([v.title, v.video_id, *v.tags]),
                    v.assets.player or "",
                )
            )
        streams = top.add(_Node(NodeKind.GROUP, f"Live streams ({len(assets.live_streams)})"))
        for s in assets.live_streams:
            tip = [
                ("", s.name),
                ("Live stream id", s.live_stream_id),
                ("Created", _when(s.created_at, zone)),
                ("Broadcasting", "yes" if s.broadcasting else "no"),
            ]
            streams.add(
                _Node(
                    NodeKind.LIVE_STREAM,
                    s.name or s.live_stream_id,
                    s.live_stream_id,
                    _tooltip(tip),
                    " ".join([s.name, s.live_stream_id]),
                    s.assets.player or "",
                )
            )
        players = top.add(_Node(NodeKind.GROUP, f"Players ({len(assets.players)})"))
        for p in assets.players:
            tip = [("", p.name), ("Player id", p.player_id), ("Created", _when(p.created_at, zone))]
            players.add(
                _Node(
                    NodeKind.PLAYER,
                    p.name or p.player_id,
                    p.player_id,
                    _tooltip(tip),
                    " ".join([p.name, p.player_id]),
                )
            )
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
            return node.tooltip or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{node.kind.value.replace('-', ' ')}: {node.title}"
        if role == KIND_ROLE:
            return node.kind.value
        if role == ID_ROLE:
            return node.asset_id
        if role == SEARCH_ROLE:
            return node.search
        if role == PLAYER_URL_ROLE:
            return node.player_url
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
    """Search as you type on title, id and tags; a group shows when any child matches."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.filterRegularExpression().pattern():
            return True
        return super().filterAcceptsRow(source_row, source_parent)
