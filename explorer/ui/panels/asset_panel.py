"""The asset tree panel: search as you type, selection scopes the query (one asset, several
Ctrl/Shift-clicked, or a saved group), a context menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.asset_groups import MAX_MEMBERS, AssetGroup
from explorer.services.source import Assets
from explorer.ui.panels import tree_state
from explorer.ui.panels.asset_model import (
    GROUP_ROLE,
    GROUPS_TITLE,
    ID_ROLE,
    KIND_ROLE,
    ON_AIR_ROLE,
    PLAYER_URL_ROLE,
    TITLE_ROLE,
    AssetFilterProxy,
    AssetTreeModel,
    NodeKind,
    tree_media,
)
from explorer.ui.panels.group_dialog import GroupRuleDialog
from explorer.ui.panels.group_shelf import GroupShelf

if TYPE_CHECKING:
    from explorer.services.sessions import Media

MEDIA_KINDS = (NodeKind.VIDEO.value, NodeKind.LIVE_STREAM.value)


class AssetPanel(QWidget):
    """``scope_chosen(media_id or "")``: a video or live stream, or "" for the whole project."""

    scope_chosen = Signal(str)
    scope_ids_chosen = Signal(object, str)  # several media ids, and the group's name or ""
    groups_changed = Signal(object)  # {group name: its media ids}
    analyze_requested = Signal(str)
    sessions_requested = Signal(str, str, str)  # media id, kind (video/live-stream), title
    group_sessions_requested = Signal(str)  # a saved group's name
    retention_requested = Signal(str, str)  # a video's id and title
    export_requested = Signal(str)  # sessions with events of this media id ("": every asset)
    live_requested = Signal(str, str)  # a live stream's id and title: its live view
    message_posted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assets = Assets()  # what the tree shows
        self.model = AssetTreeModel(self)
        self.has_sessions = True  # the data source has player sessions (set by the window)
        self.proxy = AssetFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search title, id or tag")
        self.search.setAccessibleName("Search assets")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeView(self)
        self.tree.setAccessibleName("Assets")
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setIndentation(12)  # titles two levels down keep their width on a laptop
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._announcing = False  # the selection is being announced to the builder
        self._pending: tuple[str, ...] | None = None  # the builder's scope meanwhile
        self.shelf = GroupShelf(self)  # the account's saved groups (the window sets its book)
        self.status = QLabel("Loading assets…", self)
        self.status.setAccessibleName("Asset list status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)
        self.shelf.changed.connect(self._show_groups)
        self.shelf.message.connect(self.message_posted)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        self.tree.doubleClicked.connect(self._on_tree_double_clicked)

    def clear(self, text: str) -> None:
        """An empty tree, saying why (loading, or why the account has no assets shown)."""
        self.assets = Assets()
        self.model.clear()
        self.set_loading(text)

    def set_loading(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

    def set_assets(self, project: str, assets: Assets, zone: str) -> None:
        """Show ``assets``; a new listing in place of one shown keeps the branches expanded,
        the rows selected and the current row (those it still lists)."""
        state = tree_state.keep(self.tree, self.model, self.proxy)
        self.assets = assets
        self.model.set_assets(project, assets, zone)
        self.tree.expandToDepth(0)
        tree_state.restore(self.tree, self.model, self.proxy, state)
        self._show_groups()
        if assets.problems:
            self.status.setText("Some assets could not be loaded: " + "; ".join(assets.problems))
            self.status.show()
        else:
            self.status.hide()

    def select_media(self, media_id: str | None) -> None:
        """Put the current row on this asset (or the project) without announcing it."""
        match = self._find(media_id or "")
        if match.isValid():
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(match)
            self.tree.selectionModel().blockSignals(False)

    def show_scope(self, ids: tuple[str, ...]) -> None:
        """Make the tree agree with a question's scope: its video, the project when it names
        none, no current row when it names several (or one the tree does not list)."""
        if self._announcing:  # the tree chose it: agree once the builder has it all
            self._pending = ids
            return
        if len(ids) > 1 and set(ids) == set(self.selected_scope()[0]):
            return  # the rows or the group chosen stand for it already
        match = self._find(ids[0]) if len(ids) == 1 else self._find("") if not ids else None
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        if match is not None and match.isValid():  # whatever keys are held: that row only
            flags = QItemSelectionModel.SelectionFlag
            selection.setCurrentIndex(match, flags.ClearAndSelect | flags.Rows)
        else:
            selection.clear()
            self.tree.setCurrentIndex(QModelIndex())
        selection.blockSignals(False)

    def current_media(self) -> tuple[str, str, str] | None:
        """(id, kind, title) of the video or live stream on the current row, if it is one."""
        index = self.tree.currentIndex()
        if index.data(KIND_ROLE) not in MEDIA_KINDS:
            return None
        return (
            str(index.data(ID_ROLE)),
            str(index.data(KIND_ROLE)),
            str(index.data(TITLE_ROLE) or ""),
        )

    def current_group(self) -> str:
        """The saved group's name when the current row is a group's, else ""."""
        index = self.tree.currentIndex()
        if index.data(KIND_ROLE) != NodeKind.ASSET_GROUP.value:
            return ""
        return str(index.data(GROUP_ROLE) or "")

    def searched_videos(self) -> tuple[str, list[Media]]:
        """The search box's text and the videos the tree shows for it, in its order (none
        while the box is empty): a set of videos to compare."""
        text = self.search.text().strip()
        if not text:
            return "", []
        return text, [m for m in tree_media(self.proxy) if m.media_type == "video"]

    def selected_media(self) -> tuple[str, ...]:
        """The videos and live streams selected, in the tree's order, once each."""
        rows = sorted(self.tree.selectionModel().selectedIndexes(), key=self._tree_order)
        ids = (str(i.data(ID_ROLE)) for i in rows if i.data(KIND_ROLE) in MEDIA_KINDS)
        return tuple(dict.fromkeys(ids))

    def _tree_order(self, index: QModelIndex) -> tuple[int, ...]:
        path: list[int] = []
        while index.isValid():
            path.insert(0, index.row())
            index = index.parent()
        return tuple(path)

    def selected_scope(self) -> tuple[tuple[str, ...], str]:
        """The media ids the selection stands for, and the group's name when it is one
        saved group's row."""
        media = self.selected_media()
        if len(media) > 1:
            return media, ""
        rows = self.tree.selectionModel().selectedIndexes()
        if len(rows) == 1 and rows[0].data(KIND_ROLE) == NodeKind.ASSET_GROUP.value:
            name = str(rows[0].data(GROUP_ROLE))
            return self.resolved_groups().get(name, ()), name
        return media, ""

    def resolved_groups(self) -> dict[str, tuple[str, ...]]:
        """Each saved group's media ids among the assets the tree lists."""
        return self.shelf.resolved(self.assets)

    def _show_groups(self) -> None:
        resolved = self.resolved_groups()
        rows = [(g.name, len(ids), g.describe(len(ids))) for g, ids in zip(
            self.shelf.groups, resolved.values(), strict=True)]  # fmt: skip
        self.model.set_groups(rows)
        self.tree.expand(self.proxy.index(0, 0))
        branch = self._find_group_branch()
        if branch.isValid():
            self.tree.expand(branch)
        self.groups_changed.emit(resolved)

    def _find_group_branch(self) -> QModelIndex:
        top = self.proxy.index(0, 0)
        for row in range(self.proxy.rowCount(top)):
            index = self.proxy.index(row, 0, top)
            if self.model.group_base(self.proxy.mapToSource(index)) == GROUPS_TITLE:
                return index
        return QModelIndex()

    def _find(self, media_id: str) -> QModelIndex:
        top = self.proxy.index(0, 0)
        if not media_id:
            return top
        hits = self.proxy.match(
            top, ID_ROLE, media_id, 1, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
        )
        return hits[0] if hits else QModelIndex()

    # --- slots -----------------------------------------------------------------------------

    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
        empty = self.proxy.rowCount() == 0 and self.model.rowCount() > 0
        self.status.setVisible(empty)
        if empty:
            self.status.setText(f"No asset matches “{text.strip()}”.")

    def _on_tree_selection_changed(self, new: QItemSelection, _old: QItemSelection) -> None:
        """One row scopes to it (as a click always did); several videos, or a group's row,
        to all of theirs. The builder's changes meanwhile do not move the selection; the
        tree shows its final scope afterwards."""
        self._announcing, self._pending = True, None
        try:
            self._choose_scope(new)
        finally:
            self._announcing = False
        if self._pending is not None:
            self.show_scope(self._pending)

    def _choose_scope(self, new: QItemSelection) -> None:
        ids, group = self.selected_scope()
        if group:
            saved = self.shelf.named(group)
            problems = saved.scope_problems(ids) if saved is not None else []
            if problems:
                self.message_posted.emit(problems[0][0].upper() + problems[0][1:] + ".")
            else:
                self.scope_ids_chosen.emit(ids, group)
            return
        if len(ids) > 1:
            problems = AssetGroup.picked("selection", ids).scope_problems(ids)
            if problems:  # the same limit as a group's
                self.message_posted.emit(
                    f"{len(ids)} videos selected; a query takes at most "
                    f"{MAX_MEMBERS}: choose fewer."
                )
            else:
                self.scope_ids_chosen.emit(ids, "")
            return
        fresh = new.indexes()  # the row just clicked (the current row is set after this)
        rows = self.tree.selectionModel().selectedIndexes()
        media = [i for i in rows if i.data(KIND_ROLE) in MEDIA_KINDS]
        if len(fresh) == 1:
            self._announce(fresh[0])
        elif len(rows) == 1 or len(media) == 1:
            self._announce(media[0] if media else rows[0])

    def _announce(self, current: QModelIndex) -> None:
        kind = current.data(KIND_ROLE)
        if kind == NodeKind.PROJECT.value:
            self.scope_chosen.emit("")
        elif kind in MEDIA_KINDS:
            self.scope_chosen.emit(str(current.data(ID_ROLE)))
        elif kind == NodeKind.PLAYER.value:
            self.message_posted.emit(
                "Analytics are per video or live stream; a player has no figures of its own."
            )

    def _on_tree_double_clicked(self, index: QModelIndex) -> None:
        """Analyze the asset; a live stream on air opens its live view instead."""
        kind = index.data(KIND_ROLE)
        if index.data(ON_AIR_ROLE):
            self.live_requested.emit(str(index.data(ID_ROLE)), str(index.data(TITLE_ROLE) or ""))
        elif kind == NodeKind.PROJECT.value or kind in MEDIA_KINDS:
            self.analyze_requested.emit(str(index.data(ID_ROLE) or ""))

    def _on_tree_context_menu_requested(self, position: QPoint) -> None:
        index = self.tree.indexAt(position)
        if not index.isValid():
            return
        menu = self.context_menu(index)
        self.add_group_actions(menu, index)
        menu.exec(self.tree.viewport().mapToGlobal(position))
        menu.deleteLater()

    def context_menu(self, index: QModelIndex) -> QMenu:
        """Analyze, Open sessions, Copy id, Copy player URL, Export sessions with events; what
        does not apply is disabled, saying why."""
        kind = index.data(KIND_ROLE)
        asset_id = str(index.data(ID_ROLE) or "")
        url = str(index.data(PLAYER_URL_ROLE) or "")
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        analyze = menu.addAction("Analyze")
        analyze.setEnabled(kind == NodeKind.PROJECT.value or kind in MEDIA_KINDS)
        if not analyze.isEnabled():
            analyze.setToolTip("Analytics are per video, live stream or the whole project.")
        analyze.triggered.connect(lambda: self.analyze_requested.emit(asset_id))
        sessions = menu.addAction("Open sessions")
        sessions.setEnabled(self.has_sessions and kind in MEDIA_KINDS)
        if not sessions.isEnabled():
            sessions.setToolTip(self._no_sessions_reason())
        title = str(index.data(TITLE_ROLE) or "")
        sessions.triggered.connect(lambda: self.sessions_requested.emit(asset_id, str(kind), title))
        retention = menu.addAction("Where viewers drop off…")
        retention.setEnabled(self.has_sessions and kind == NodeKind.VIDEO.value)
        if not retention.isEnabled():
            retention.setToolTip(
                self._no_sessions_reason()
                if not self.has_sessions
                else "Retention is drawn over a video's length: choose a video."
            )
        retention.triggered.connect(lambda: self.retention_requested.emit(asset_id, title))
        live = menu.addAction("Live view")
        live.setEnabled(kind == NodeKind.LIVE_STREAM.value)
        live.setToolTip(
            "Concurrent viewers now, the last hour and where they watch from, refreshed"
            if live.isEnabled()
            else "Only a live stream has a live view."
        )
        live.triggered.connect(lambda: self.live_requested.emit(asset_id, title))
        copy_id = menu.addAction("Copy id")
        copy_id.setEnabled(bool(asset_id))
        copy_id.triggered.connect(lambda: self._copy(asset_id, "id"))
        copy_url = menu.addAction("Copy player URL")
        copy_url.setEnabled(bool(url))
        if not url:
            copy_url.setToolTip("Only videos and live streams have a player URL.")
        copy_url.triggered.connect(lambda: self._copy(url, "player URL"))
        export = menu.addAction("Export sessions with events…")
        export.setEnabled(
            self.has_sessions and (kind == NodeKind.PROJECT.value or kind in MEDIA_KINDS)
        )
        if not export.isEnabled():
            export.setToolTip(self._no_sessions_reason())
        export.triggered.connect(lambda: self.export_requested.emit(asset_id))
        return menu

    def add_group_actions(self, menu: QMenu, index: QModelIndex) -> None:
        """The groups' entries below an asset's (save the selection, a rule, rename, delete)."""
        group = str(index.data(GROUP_ROLE) or "")
        if group:
            menu.addSeparator()
            sessions = menu.addAction("Open sessions of the group")
            sessions.setEnabled(self.has_sessions)
            sessions.setToolTip(
                "The period's sessions of every video of the group, in one list"
                if self.has_sessions
                else self._no_sessions_reason()
            )
            sessions.triggered.connect(lambda: self.group_sessions_requested.emit(group))
        self.shelf.add_actions(menu, self.selected_media(), group, self.ask_rule_group)

    def ask_rule_group(self) -> None:
        """New group from tag / metadata / search…: the dialog, then the group saved."""
        dialog = GroupRuleDialog(self.assets, [g.name for g in self.shelf.groups], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.shelf.add(dialog.group())
        dialog.deleteLater()

    def _no_sessions_reason(self) -> str:
        if not self.has_sessions:
            return "This data source's API has no player sessions."
        return "Player sessions belong to a video or a live stream."

    def _copy(self, text: str, what: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.message_posted.emit(f"Copied the {what}: {text}")
