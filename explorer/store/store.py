"""The store's operations: cached lists, results and timeseries points, per account."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar, cast

from explorer.store.connections import Connections

log = logging.getLogger(__name__)

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_ROW_OVERHEAD = 16
"""Bytes counted per stored row by ``account_size_bytes`` beside its text (ids, times, header)."""

_LIST_KINDS = ("assets", "sessions", "events")
_ACCOUNT_SIZE = """
SELECT
  (SELECT COALESCE(SUM(length(CAST(i.payload AS BLOB)) + ?1), 0)
     FROM list_items AS i JOIN lists AS l ON l.id = i.list_id WHERE l.account = ?2)
  + (SELECT COALESCE(SUM(length(CAST(key AS BLOB)) + ?1), 0) FROM lists WHERE account = ?2)
  + (SELECT COALESCE(SUM(length(CAST(key AS BLOB)) + length(CAST(payload AS BLOB)) + ?1), 0)
     FROM results WHERE account = ?2)
  + (SELECT COALESCE(SUM(length(CAST(key AS BLOB)) + ?1), 0) FROM series WHERE account = ?2)
  + (SELECT COUNT(*) * (24 + ?1)
     FROM points AS p JOIN series AS s ON s.id = p.series_id WHERE s.account = ?2)
"""


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A stored value and when it was fetched from the API (aware, UTC)."""

    value: T
    fetched_at: datetime


def _to_us(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"fetched_at must carry a time zone, got {moment!r}")
    return (moment - _EPOCH) // _ONE_US


def _from_us(micros: int) -> datetime:
    return _EPOCH + micros * _ONE_US


_ENCODER = json.JSONEncoder(separators=(",", ":"))  # json.dumps(**options) builds one per call


def _dump(payload: Any) -> str:
    return _ENCODER.encode(payload)


class Store:
    """An open store file; built by ``explorer.store.opening.open_store``. Thread-safe."""

    def __init__(self, path: Path, connections: Connections) -> None:
        self.path = path
        self._db = connections

    # --- assets, sessions, events: lists replaced whole -----------------------------------------

    def put_assets(
        self, account: str, kind: str, items: Sequence[Mapping[str, Any]], fetched_at: datetime
    ) -> None:
        """Replace the stored assets of ``kind`` (videos, live streams, players...)."""
        self._put_list(account, "assets", kind, items, fetched_at, f"save the {kind}")

    def assets(self, account: str, kind: str) -> Cached[list[dict[str, Any]]] | None:
        return self._list(account, "assets", kind, f"read the {kind}")

    def put_sessions(
        self,
        account: str,
        media_id: str,
        period: str,
        rows: Sequence[Mapping[str, Any]],
        fetched_at: datetime,
    ) -> None:
        """Replace the stored player sessions of one video or live stream over one period."""
        key = _dump([media_id, period])
        self._put_list(account, "sessions", key, rows, fetched_at, "save the sessions")

    def sessions(
        self, account: str, media_id: str, period: str
    ) -> Cached[list[dict[str, Any]]] | None:
        key = _dump([media_id, period])
        return self._list(account, "sessions", key, "read the sessions")

    def put_events(
        self,
        account: str,
        session_id: str,
        events: Sequence[Mapping[str, Any]],
        fetched_at: datetime,
    ) -> None:
        """Replace the stored events of one player session."""
        self._put_list(account, "events", session_id, events, fetched_at, "save the events")

    def events(self, account: str, session_id: str) -> Cached[list[dict[str, Any]]] | None:
        return self._list(account, "events", session_id, "read the events")

    # --- results: one JSON document per key -----------------------------------------------------

    def put_result(self, account: str, key: str, payload: Any, fetched_at: datetime) -> None:
        """Replace the result stored under ``key`` (the caller's canonical query text)."""
        micros, text = _to_us(fetched_at), _dump(payload)
        with self._db.transaction("save the result") as db:
            db.execute(
                "INSERT INTO results (account, key, payload, fetched_at_us) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (account, key) DO UPDATE"
                " SET payload = excluded.payload, fetched_at_us = excluded.fetched_at_us",
                (account, key, text, micros),
            )

    def result(self, account: str, key: str) -> Cached[Any] | None:
        with self._db.snapshot("read the result") as db:
            row = db.execute(
                "SELECT payload, fetched_at_us FROM results WHERE account = ? AND key = ?",
                (account, key),
            ).fetchone()
        if row is None:
            return None
        payload = _load_all([row[0]], f"result {key!r}")
        return None if payload is None else Cached(payload[0], _from_us(row[1]))

    # --- timeseries history ---------------------------------------------------------------------

    def put_points(
        self,
        account: str,
        series: str,
        points: Iterable[tuple[int, float]],
        fetched_at: datetime,
    ) -> None:
        """Upsert ``(bucket start, epoch ms; value)`` points of a series (a query minus its range).

        A bucket already stored takes the new value; the others are kept, so history builds up
        beyond the API's retention.
        """
        micros = _to_us(fetched_at)
        rows = [(int(t), None if math.isnan(v) else float(v)) for t, v in points]
        if not rows:
            return
        with self._db.transaction("save the timeseries") as db:
            series_id = _series_id(db, account, series, create=True)
            db.executemany(
                "INSERT INTO points (series_id, t_ms, value, fetched_at_us) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (series_id, t_ms) DO UPDATE"
                " SET value = excluded.value, fetched_at_us = excluded.fetched_at_us",
                ((series_id, t, v, micros) for t, v in rows),
            )

    def points(
        self, account: str, series: str, start_ms: int, end_ms: int
    ) -> list[tuple[int, float]]:
        """Stored points with ``start_ms <= t < end_ms``, by time (NaN where the value was NaN)."""
        with self._db.snapshot("read the timeseries") as db:
            series_id = _series_id(db, account, series, create=False)
            if series_id is None:
                return []
            rows = db.execute(
                "SELECT t_ms, value FROM points"
                " WHERE series_id = ? AND t_ms >= ? AND t_ms < ? ORDER BY t_ms",
                (series_id, start_ms, end_ms),
            ).fetchall()
        return [(t, math.nan if v is None else v) for t, v in rows]

    # --- size, accounts, clearing ---------------------------------------------------------------

    def size_bytes(self) -> int:
        """Bytes on disk: the database file plus its write-ahead log."""
        total = 0
        for file in (self.path, self.path.with_name(self.path.name + "-wal")):
            with contextlib.suppress(FileNotFoundError):
                total += file.stat().st_size
        return total

    def account_size_bytes(self, account: str) -> int:
        """Approximate bytes of one account: the UTF-8 length of its stored text (JSON payloads,
        keys) plus 16 bytes per row; indexes, page slack and free pages are not counted, so the
        accounts together come to somewhat less than ``size_bytes``."""
        with self._db.snapshot("measure an account") as db:
            row = db.execute(_ACCOUNT_SIZE, (_ROW_OVERHEAD, account)).fetchone()
        return int(row[0])

    def accounts(self) -> list[str]:
        """Every account with something stored, sorted."""
        with self._db.snapshot("list the accounts") as db:
            rows = db.execute(
                "SELECT account FROM lists UNION SELECT account FROM results"
                " UNION SELECT account FROM series ORDER BY 1"
            ).fetchall()
        return [account for (account,) in rows]

    def clear(self, account: str) -> None:
        """Forget everything stored for ``account``, then give the freed space back to the disk."""
        with self._db.transaction("clear the account") as db:
            db.execute(
                "DELETE FROM list_items WHERE list_id IN (SELECT id FROM lists WHERE account = ?)",
                (account,),
            )
            db.execute(
                "DELETE FROM points WHERE series_id IN (SELECT id FROM series WHERE account = ?)",
                (account,),
            )
            for table in ("lists", "results", "series"):
                db.execute(f"DELETE FROM {table} WHERE account = ?", (account,))
        self.reclaim()

    def reclaim(self) -> None:
        """Shrink the file to what it holds: incremental vacuum (VACUUM on files made without it),
        then a checkpoint that truncates the write-ahead log."""
        with self._db.maintenance("give free space back") as db:
            if db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:  # INCREMENTAL
                # execute() steps it once (one page); executescript steps it to the end
                db.executescript("PRAGMA incremental_vacuum;")
            else:
                db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        """Close the file; any later call raises ``StoreError``. Closing twice is harmless."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # --- helpers --------------------------------------------------------------------------------

    def _put_list(
        self,
        account: str,
        kind: str,
        key: str,
        items: Sequence[Mapping[str, Any]],
        fetched_at: datetime,
        action: str,
    ) -> None:
        assert kind in _LIST_KINDS
        micros = _to_us(fetched_at)
        payloads = [_dump(item) for item in items]  # encoded before taking the write lock
        with self._db.transaction(action) as db:
            (list_id,) = db.execute(
                "INSERT INTO lists (account, kind, key, fetched_at_us) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (account, kind, key) DO UPDATE"
                " SET fetched_at_us = excluded.fetched_at_us RETURNING id",
                (account, kind, key, micros),
            ).fetchone()
            db.execute("DELETE FROM list_items WHERE list_id = ?", (list_id,))
            db.executemany(
                "INSERT INTO list_items (list_id, position, payload) VALUES (?, ?, ?)",
                ((list_id, position, text) for position, text in enumerate(payloads)),
            )

    def _list(
        self, account: str, kind: str, key: str, action: str
    ) -> Cached[list[dict[str, Any]]] | None:
        with self._db.snapshot(action) as db:
            row = db.execute(
                "SELECT id, fetched_at_us FROM lists WHERE account = ? AND kind = ? AND key = ?",
                (account, kind, key),
            ).fetchone()
            if row is None:
                return None
            texts = [
                text
                for (text,) in db.execute(
                    "SELECT payload FROM list_items WHERE list_id = ? ORDER BY position", (row[0],)
                )
            ]
        items = _load_all(texts, f"{kind} {key!r}")  # decoded after the read transaction
        if items is None:
            return None
        return Cached(cast(list[dict[str, Any]], items), _from_us(row[1]))


def _series_id(db: sqlite3.Connection, account: str, series: str, *, create: bool) -> int | None:
    row = db.execute(
        "SELECT id FROM series WHERE account = ? AND key = ?", (account, series)
    ).fetchone()
    if row is not None:
        return int(row[0])
    if not create:
        return None
    (series_id,) = db.execute(
        "INSERT INTO series (account, key) VALUES (?, ?) RETURNING id", (account, series)
    ).fetchone()
    return int(series_id)


def _load_all(texts: list[str], what: str) -> list[Any] | None:
    """Decode stored JSON; a damaged entry is logged and read as a cache miss."""
    try:
        items = json.loads("[" + ",".join(texts) + "]")  # one parse: twice as fast as one per item
    except ValueError:
        items = None
    if not isinstance(items, list) or len(items) != len(texts):
        log.warning("the local store holds a damaged entry (%s); it is treated as missing", what)
        return None
    return items
