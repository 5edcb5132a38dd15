"""The query history's table: every question asked, per account, searchable, with a star.

A question is kept once per account (its canonical JSON is the key): asking it again moves it
to the top and counts it. At most `MAX_ENTRIES` unstarred entries are kept per account, the
oldest forgotten first; starred ones stay until unstarred or forgotten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from explorer.store.store import Store

MAX_ENTRIES = 1_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class StoredEntry:
    """One row of the history, its question still a JSON-ready dict."""

    entry_id: int
    question: dict[str, Any]
    label: str
    asked_at: datetime
    times: int
    starred: bool


def _us(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"asked_at must carry a time zone, got {moment!r}")
    return (moment - _EPOCH) // _ONE_US


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class HistoryTable:
    """The history of a store (any thread; writes serialised by the store)."""

    def __init__(self, store: Store) -> None:
        self._db = store._db  # the store package's own connections

    def record(self, account: str, question: dict[str, Any], label: str, asked_at: datetime) -> int:
        """Keep the question (or move it to the top); its entry's id."""
        text = json.dumps(question, sort_keys=True, separators=(",", ":"))
        with self._db.transaction("save the query history") as db:
            row = db.execute(
                "INSERT INTO history (account, question, label, asked_at_us, times, starred) "
                "VALUES (?, ?, ?, ?, 1, 0) ON CONFLICT (account, question) DO UPDATE SET "
                "label = excluded.label, asked_at_us = excluded.asked_at_us, times = times + 1 "
                "RETURNING id",
                (account, text, label, _us(asked_at)),
            ).fetchone()
            db.execute(
                "DELETE FROM history WHERE account = ? AND starred = 0 AND id NOT IN ("
                " SELECT id FROM history WHERE account = ? AND starred = 0"
                " ORDER BY asked_at_us DESC, id DESC LIMIT ?)",
                (account, account, MAX_ENTRIES),
            )
        return int(row[0])

    def entries(
        self, account: str, search: str = "", *, starred_only: bool = False, limit: int = 200
    ) -> list[StoredEntry]:
        """Newest first; `search`: every word must appear in the line that says the question
        (any case)."""
        clauses, args = ["account = ?"], [account]
        for word in search.split():
            clauses.append("label LIKE ? ESCAPE '\\'")
            args.append(f"%{_escape_like(word)}%")
        if starred_only:
            clauses.append("starred = 1")
        with self._db.snapshot("read the query history") as db:
            rows = db.execute(
                "SELECT id, question, label, asked_at_us, times, starred FROM history "
                f"WHERE {' AND '.join(clauses)} ORDER BY asked_at_us DESC, id DESC LIMIT ?",
                (*args, max(0, limit)),
            ).fetchall()
        found = []
        for entry_id, question, label, asked, times, starred in rows:
            try:
                data = json.loads(question)
            except ValueError:
                continue  # unreadable: skipped, never a crash
            found.append(
                StoredEntry(entry_id, data, label, _EPOCH + asked * _ONE_US, times, bool(starred))
            )
        return found

    def star(self, account: str, entry_id: int, starred: bool) -> bool:
        """Star (or unstar) an entry; False if there is no such entry."""
        with self._db.transaction("star a question") as db:
            done = db.execute(
                "UPDATE history SET starred = ? WHERE account = ? AND id = ?",
                (int(starred), account, entry_id),
            ).rowcount
        return done > 0

    def forget(self, account: str, entry_id: int) -> bool:
        """Remove an entry; False if there was none."""
        with self._db.transaction("forget a question") as db:
            done = db.execute(
                "DELETE FROM history WHERE account = ? AND id = ?", (account, entry_id)
            ).rowcount
        return done > 0
