"""What pointing at a chart's bar or point offers: the sessions behind it (one video or live
stream), or the assets that contribute most (a project-wide number), or why neither."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget

from explorer.domain.conditions import Condition, condition
from explorer.domain.query import Query
from explorer.services.drill_targets import Pointed, single_media, why_not_countable

SESSIONS, CONTRIBUTORS = "sessions", "contributors"


@dataclass(frozen=True)
class Pick:
    """A bar (its dimension and value, the query's range) or a point (its bucket's window)."""

    value: float
    what: str  # "the bucket of 2026-03-10 00:00", "the bar country=FR"
    start: datetime | None = None  # a point's bucket; None: the question's range
    end: datetime | None = None
    dimension: str | None = None  # a bar's breakdown
    dimension_value: str | None = None
    question: Query | None = None  # the query the number answered, if not the page's own


def pointed(
    query: Any, context_start: datetime | None, context_end: datetime | None, pick: Pick
) -> Pointed | str:
    """The number pointed at, or why it cannot be drilled into (in words)."""  # fmt: skip
    if not isinstance(query, Query):
        return "only a question's chart can be drilled into"
    reason = why_not_countable(query)
    if reason:
        return reason
    start, end = pick.start or context_start, pick.end or context_end
    if start is None or end is None:
        return "this number has no window (all-time totals cannot be drilled into)"
    bar: tuple[Condition, ...] = ()
    if pick.dimension is not None and pick.dimension_value is not None:
        try:
            bar = (condition(pick.dimension, pick.dimension_value),)
        except ValueError as error:
            return str(error)
    return Pointed(query, start, end, pick.value, pick.what, bar)


def default_action(target: Pointed) -> str:
    return SESSIONS if single_media(target.query, target.bar) else CONTRIBUTORS


def build_menu(parent: QWidget, target: Pointed | str, noun: str) -> QMenu:
    """The context menu of a bar or point; each enabled action's data is what it asks for."""
    menu = QMenu(parent)
    menu.setAccessibleName("Drill-down menu")
    if isinstance(target, str):
        menu.addAction(f"No sessions behind this {noun}: {target}").setEnabled(False)
        return menu
    one = default_action(target) == SESSIONS
    text = f"Sessions behind this {noun}…" if one else (
        f"Sessions behind this {noun}: choose one of the assets first"
    )  # fmt: skip
    sessions = menu.addAction(text)
    sessions.setData(SESSIONS)
    sessions.setEnabled(one)
    contributors = menu.addAction("Assets that contribute most…")
    contributors.setData(CONTRIBUTORS)
    return menu


def show_menu(parent: QWidget, target: Pointed | str, noun: str, where: QPoint) -> str | None:
    """The context menu at `where`; the action chosen, None if none."""
    menu = build_menu(parent, target, noun)
    chosen = menu.exec(where)
    data = chosen.data() if chosen is not None else None
    menu.deleteLater()
    return data if isinstance(data, str) else None
