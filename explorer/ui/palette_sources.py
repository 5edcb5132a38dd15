"""What the command palette offers in the main window: one small function per source, each
giving ``(title, kind, run)`` triples — the menu actions, the assets, the asset groups, and the
questions of the query history (read on a worker, shown when they arrive).

A new source is one line in `palette_sources` (and its function here)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from explorer.domain.timerange import describe_duration
from explorer.ui.dialogs.command_palette import CommandPalette, Provider, Triple

if TYPE_CHECKING:
    from explorer.services.query_history import HistoryEntry, QueryHistory
    from explorer.ui.main_window import MainWindow

ASSET_KINDS = {"video": "Video", "live-stream": "Live stream"}  # players have no figures
STAR = "★"


def palette_sources(window: MainWindow) -> dict[str, Provider]:
    """The sources in the order an empty search lists them (questions fill in later)."""
    return {
        "questions": lambda: [],  # read from the store on a worker: see `open_palette`
        "actions": lambda: action_entries(window),
        "assets": lambda: asset_entries(window),
        "groups": lambda: group_entries(window),
    }


def open_palette(window: MainWindow) -> CommandPalette:
    """The palette over ``window``, its questions asked for at once."""
    palette = CommandPalette(window, palette_sources(window))
    history = window.query_history()
    if history is not None:
        window.runner.run(
            _read_questions, history, owner=palette, slot="questions",
            label="Reading the query history",
            done=functools.partial(_show_questions, palette, window.rerun_question),
        )  # fmt: skip
    palette.popup()
    return palette


# --- actions --------------------------------------------------------------------------------


def _menu_actions(
    actions: Iterable[QAction], prefix: str = "", top: bool = True
) -> Iterator[tuple[str, QAction]]:
    """(prefix, action) of every action of the menus: a submenu's name is its actions' prefix
    ("Theme: "), a menu of the menu bar's is not."""
    for action in actions:
        menu = action.menu()
        if isinstance(menu, QMenu):
            name = "" if top else f"{prefix}{action.text().replace('&', '')}: "
            yield from _menu_actions(menu.actions(), name, top=False)
        elif not action.isSeparator():
            yield prefix, action


def action_entries(window: MainWindow) -> list[Triple]:
    """Every enabled action of the menus (and any the window holds outside them), with its
    shortcut; a submenu's actions are named with it ("Theme: Dark")."""
    seen: set[int] = set()
    found: list[Triple] = []
    every = [*_menu_actions(window.menuBar().actions()), *(("", a) for a in window.actions())]
    for prefix, action in every:
        if id(action) in seen or action is getattr(window, "palette_action", None):
            continue
        seen.add(id(action))
        title = action.text().replace("&", "").rstrip("…").strip()
        if not title or not action.isEnabled() or not action.isVisible():
            continue
        found.append((prefix + title, action_kind(action), action.trigger))
    return found


def action_kind(action: QAction) -> str:
    """ "Action · Ctrl+E"; a checkable one says whether it is on."""
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    kind = f"Action · {keys}" if keys else "Action"
    if action.isCheckable():
        kind += " (on)" if action.isChecked() else " (off)"
    return kind


# --- assets ---------------------------------------------------------------------------------


def asset_entries(window: MainWindow) -> list[Triple]:
    """The project (every asset) and each video and live stream, by title: choosing one scopes
    the builder as a click on its row in the tree does."""
    assets = window.asset_panel.assets
    if not assets.items or window.workspace is None:
        return []
    found: list[Triple] = [
        (
            window.workspace.label,
            "Project · every asset",
            functools.partial(window.choose_asset, ""),
        )
    ]
    for asset in assets.items:
        if asset.kind in ASSET_KINDS:
            choose = functools.partial(window.choose_asset, asset.asset_id)
            found.append((asset.label, ASSET_KINDS[asset.kind], choose))
    return found


def group_entries(window: MainWindow) -> list[Triple]:
    """The account's saved asset groups: choosing one scopes the builder to its videos as a
    click on its row under Groups does."""
    found: list[Triple] = []
    for name, ids in window.asset_panel.resolved_groups().items():
        plural = "" if len(ids) == 1 else "s"
        scope = functools.partial(window.asset_panel.scope_ids_chosen.emit, ids, name)
        found.append((name, f"Asset group · {len(ids)} video{plural}", scope))
    return found


# --- questions asked ------------------------------------------------------------------------


def _read_questions(history: QueryHistory, _cancel: Any, _progress: Any) -> list[HistoryEntry]:
    starred = history.entries(starred_only=True)
    recent = [entry for entry in history.entries(limit=50) if not entry.starred]
    return starred + recent


def question_entries(
    entries: Iterable[HistoryEntry], rerun: Callable[[Any], Any], now: datetime
) -> list[Triple]:
    """Starred questions first, then the others newest first; one that can no longer be read
    is left out (the history panel says why)."""
    chosen = sorted(
        (entry for entry in entries if entry.question is not None),
        key=lambda entry: not entry.starred,  # stable: newest first within each
    )
    return [
        (
            entry.label,
            f"Starred question {STAR}"
            if entry.starred
            else f"Question asked {ago(entry.asked_at, now)}",
            functools.partial(rerun, entry.question),
        )
        for entry in chosen
    ]


def ago(moment: datetime, now: datetime) -> str:
    """ "just now", "5 minutes ago", "2 days ago": the largest unit."""
    age = now - moment
    if age.total_seconds() < 60:
        return "just now"
    return " ".join(describe_duration(age).split()[:2]) + " ago"


def _show_questions(
    palette: CommandPalette, rerun: Callable[[Any], Any], entries: list[HistoryEntry]
) -> None:
    palette.set_entries("questions", question_entries(entries, rerun, datetime.now(UTC)))
