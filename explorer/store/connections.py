"""SQLite connections shared by many threads: one writer behind a lock, a pool of readers.

The file is in WAL mode, so readers see the last committed state while a write is under way and
never wait for it; writes are serialised by ``_write_lock`` (SQLite allows one writer at a time
anyway, and waiting on a Python lock is cheaper and fairer than retrying on SQLITE_BUSY).
Another process writing the same file is covered by the busy timeout.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from explorer.store.errors import StoreError, store_error

BUSY_TIMEOUT_S = 10.0
"""How long a statement waits for another process's lock before failing with "in use"."""


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """An autocommit connection (transactions are explicit) usable from any one thread at a time."""
    db = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    if read_only:
        db.execute("PRAGMA query_only = ON")
    return db


class Connections:
    """The writer and the readers of one store file; ``close`` ends them all."""

    def __init__(self, path: Path, writer: sqlite3.Connection) -> None:
        self._path = path
        self._writer = writer
        self._write_lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @contextmanager
    def transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """The writer inside ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on any exception)."""
        with self._write_lock:
            db = self._open_writer(action)
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.Error as error:
                raise store_error(action, error) from error

    @contextmanager
    def maintenance(self, action: str) -> Iterator[sqlite3.Connection]:
        """The writer outside any transaction (VACUUM, checkpoints), other writers held off."""
        with self._write_lock:
            db = self._open_writer(action)
            try:
                yield db
            except sqlite3.Error as error:
                raise store_error(action, error) from error

    @contextmanager
    def snapshot(self, action: str) -> Iterator[sqlite3.Connection]:
        """A reader inside one read transaction: every query sees the same committed state."""
        db = self._acquire(action)
        try:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")
        except sqlite3.Error as error:
            raise store_error(action, error) from error
        finally:
            self._release(db)

    def close(self) -> None:
        """Close every connection; readers in use are closed when their query ends."""
        with self._write_lock, self._pool_lock:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            for db in [*idle, self._writer]:
                db.close()

    def _open_writer(self, action: str) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(f"The local store could not {action}: it is closed.")
        return self._writer

    def _acquire(self, action: str) -> sqlite3.Connection:
        with self._pool_lock:
            if self._closed:
                raise StoreError(f"The local store could not {action}: it is closed.")
            if self._idle:
                return self._idle.pop()
        try:
            return connect(self._path, read_only=True)
        except sqlite3.Error as error:
            raise store_error(action, error) from error

    def _release(self, db: sqlite3.Connection) -> None:
        with self._pool_lock:
            if not self._closed:
                self._idle.append(db)
                return
        db.close()
