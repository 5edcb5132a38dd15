"""The store's schema, versioned with ``PRAGMA user_version``, and the migrations between versions.

``MIGRATIONS[i]`` takes a database at version ``i`` to version ``i + 1``; ``migrate`` runs the
missing ones in order, each in its own transaction together with the new ``user_version``, so a
crash mid-way leaves the file at the last version that completed. Version 0 is an empty file.
Once released, a migration is never edited: a change of layout is a new function appended here
(tests/unit/store/test_migrations.py keeps a frozen copy of v1 as shipped and opens it).

Layout (v1):

* ``lists``/``list_items``: assets of one kind, sessions of one media and period, events of one
  session. A list is replaced whole: its fetch time in ``lists``, one JSON document per item in
  ``list_items`` in the caller's order (WITHOUT ROWID: one b-tree in list order; writing and
  reading 100,000 session rows measured 1.2-2x and 2-5x faster than a rowid table and its index).
* ``results``: one JSON document per (account, key), e.g. an aggregate or a breakdown.
* ``series``/``points``: timeseries history, one row per bucket start (epoch ms), upserted.
  A value of NaN is stored as NULL (SQLite has no NaN) and read back as NaN.

v2 adds ``history``: one row per (account, question as canonical JSON), with a line that says
it (searched), when it was last asked and how often, and whether it is starred.

Times are integers: fetch times in microseconds since 1970 UTC (exact round trip of a Python
``datetime``), bucket starts in milliseconds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

APPLICATION_ID = 0x41455850  # "AEXP": marks the file as ours (``PRAGMA application_id``)

Migration = Callable[[sqlite3.Connection], None]


def _v1(db: sqlite3.Connection) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for statement in (
        """CREATE TABLE lists (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            fetched_at_us INTEGER NOT NULL,
            UNIQUE (account, kind, key)
        )""",
        """CREATE TABLE list_items (
            list_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (list_id, position)
        ) WITHOUT ROWID""",
        """CREATE TABLE results (
            account TEXT NOT NULL,
            key TEXT NOT NULL,
            payload TEXT NOT NULL,
            fetched_at_us INTEGER NOT NULL,
            PRIMARY KEY (account, key)
        )""",
        """CREATE TABLE series (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            key TEXT NOT NULL,
            UNIQUE (account, key)
        )""",
        """CREATE TABLE points (
            series_id INTEGER NOT NULL,
            t_ms INTEGER NOT NULL,
            value REAL,
            fetched_at_us INTEGER NOT NULL,
            PRIMARY KEY (series_id, t_ms)
        ) WITHOUT ROWID""",
    ):
        db.execute(statement)


def _v2(db: sqlite3.Connection) -> None:
    """The query history: every question asked, per account, with its star."""
    db.execute(
        """CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            question TEXT NOT NULL,
            label TEXT NOT NULL,
            asked_at_us INTEGER NOT NULL,
            times INTEGER NOT NULL,
            starred INTEGER NOT NULL,
            UNIQUE (account, question)
        )"""
    )
    db.execute("CREATE INDEX history_by_time ON history (account, asked_at_us)")


MIGRATIONS: tuple[Migration, ...] = (_v1, _v2)
"""The shipped migrations, oldest first; ``len(MIGRATIONS)`` is the current schema version."""


def user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Bring ``db`` (autocommit mode) up to ``len(migrations)``; the versions reached, in order.

    A failing step is rolled back and its exception propagates; the file stays at the version
    before it. A file newer than ``migrations`` is the caller's to refuse: this raises
    ``ValueError`` rather than touch it.
    """
    current = user_version(db)
    if current > len(migrations):
        raise ValueError(f"schema {current} is newer than this code ({len(migrations)})")
    reached: list[int] = []
    for version in range(current, len(migrations)):
        db.execute("BEGIN IMMEDIATE")
        try:
            migrations[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            if db.in_transaction:  # SQLite already rolled back after some errors (a full disk)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        reached.append(version + 1)
    return reached
