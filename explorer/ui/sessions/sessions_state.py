"""What a Sessions tab remembers between launches: period, metadata filter, text filter, sort.

Kept in the window's QSettings under ``sessions/``; the last tab changed speaks for all, and the
next tab opened (in this launch or the next) starts from it. A value that cannot be read is
ignored, in the log, and the tab starts from its defaults.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QSettings, Qt

from explorer.domain.period import Period

log = logging.getLogger(__name__)

GROUP = "sessions"
_ORDERS = {"ascending": Qt.SortOrder.AscendingOrder, "descending": Qt.SortOrder.DescendingOrder}


@dataclass(frozen=True)
class SessionsState:
    """A tab's choices; ``sort_column`` -1 is the API's order, ``period`` None today's."""

    period: Period | None = None
    metadata: str = ""
    text_filter: str = ""
    sort_column: int = -1
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder


def read_state(settings: QSettings, columns: int) -> SessionsState:
    """The state saved in ``settings``; ``columns`` bounds the sort column."""
    settings.beginGroup(GROUP)
    try:
        raw = {key: settings.value(key) for key in settings.childKeys()}
    finally:
        settings.endGroup()
    period = None
    if raw.get("period"):
        try:
            period = Period.parse(str(raw["period"]))
        except ValueError as error:
            log.warning("ignoring the saved sessions period: %s", error)
    column = -1
    try:
        column = int(str(raw.get("sort_column", -1)))
    except ValueError:
        log.warning("ignoring the saved sessions sort column %r", raw.get("sort_column"))
    if not -1 <= column < columns:
        column = -1
    order = _ORDERS.get(str(raw.get("sort_order", "")), Qt.SortOrder.AscendingOrder)
    return SessionsState(
        period, str(raw.get("metadata") or ""), str(raw.get("filter") or ""), column, order
    )


def write_state(settings: QSettings, state: SessionsState) -> None:
    """Remember ``state`` (written to disk with the window's own state, or by Qt at exit)."""
    order = next(name for name, value in _ORDERS.items() if value == state.sort_order)
    values = {
        "period": state.period.wire if state.period else "",
        "metadata": state.metadata,
        "filter": state.text_filter,
        "sort_column": state.sort_column,
        "sort_order": order,
    }
    settings.beginGroup(GROUP)
    try:
        for key, value in values.items():
            settings.setValue(key, value)
    finally:
        settings.endGroup()
