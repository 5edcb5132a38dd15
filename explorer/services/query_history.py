"""The query history: every question asked (in the window or on the command line), kept per
account in the local store, searchable, re-runnable, with a star to keep it.

An account's history is scoped like everything else the store keeps for it: a saved account
by its id, a demo or an address by its label (`history_scope`). The history is a convenience:
a failure of the store is logged and the question still runs (`record` returns None).
Every call is a short blocking call to the store: the window makes it on a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from explorer.domain.questions import Question, describe, question_dict, question_from
from explorer.store import Store, StoreError
from explorer.store.history import HistoryTable

log = logging.getLogger(__name__)


def history_scope(account_id: str, label: str) -> str:
    """Whose history: a saved account's id, else ``demo:<label>`` (the window's key too)."""
    return account_id or f"demo:{label}"


@dataclass(frozen=True)
class HistoryEntry:
    """One question of the history; `question` is None when it cannot be read any more (then
    `problem` says why), e.g. written by a newer version of the app."""

    entry_id: int
    label: str
    asked_at: datetime
    times: int
    starred: bool
    question: Question | None
    problem: str = ""


class QueryHistory:
    """One account's history in a store."""

    def __init__(
        self, store: Store, scope: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._table = HistoryTable(store)
        self.scope = scope
        self._clock = clock

    def record(self, question: Question) -> int | None:
        """Keep `question` as asked now (again: moved to the top); its entry's id, or None
        when the store failed (logged)."""
        try:
            return self._table.record(
                self.scope, question_dict(question), describe(question), self._clock()
            )
        except (StoreError, TypeError, ValueError) as error:
            log.warning("the query history could not keep a question: %s", error)
            return None

    def entries(
        self, search: str = "", *, starred_only: bool = False, limit: int = 200
    ) -> list[HistoryEntry]:
        """Newest first; `search`: words that must all appear in the question's line."""
        found = []
        for stored in self._table.entries(
            self.scope, search, starred_only=starred_only, limit=limit
        ):
            try:
                question: Question | None = question_from(stored.question)
                problem = ""
            except ValueError as error:
                question, problem = None, str(error)
            found.append(
                HistoryEntry(
                    stored.entry_id, stored.label, stored.asked_at, stored.times,
                    stored.starred, question, problem,
                )
            )  # fmt: skip
        return found

    def star(self, entry_id: int, starred: bool = True) -> bool:
        """Star (keep) or unstar an entry; False if it is not in this history."""
        return self._table.star(self.scope, entry_id, starred)

    def forget(self, entry_id: int) -> bool:
        """Remove an entry; False if it was not in this history."""
        return self._table.forget(self.scope, entry_id)


def remember(account_id: str, label: str, question: Question) -> None:
    """Keep a question the command line asked in the app's store (opened and closed here);
    a store that cannot be opened is logged, never an error of the command."""
    from explorer.store import open_store

    try:
        opened = open_store()
    except (StoreError, OSError) as error:
        log.warning("the query history is not kept: %s", error)
        return
    if opened.notice:
        log.warning("%s", opened.notice)
    try:
        QueryHistory(opened.store, history_scope(account_id, label)).record(question)
    finally:
        opened.store.close()
