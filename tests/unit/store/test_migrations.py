"""Schema versions: a v1 file made by hand opens, a later migration upgrades it, a failing one
is rolled back and its file set aside; migrations run in order, once."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from explorer.store import Cached, open_store
from explorer.store.schema import APPLICATION_ID, MIGRATIONS, migrate, user_version
from tests.unit.store.conftest import T0

NOW = datetime(2026, 11, 23, 10, 15, 0, tzinfo=UTC)
T0_US = 1_795_428_900_123_456  # T0 in microseconds since 1970

# Schema v1 exactly as shipped, frozen here: later versions must keep opening such files.
V1_AS_SHIPPED = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE lists (
    id INTEGER PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
    fetched_at_us INTEGER NOT NULL, UNIQUE (account, kind, key));
CREATE TABLE list_items (
    list_id INTEGER NOT NULL, position INTEGER NOT NULL, payload TEXT NOT NULL,
    PRIMARY KEY (list_id, position)) WITHOUT ROWID;
CREATE TABLE results (
    account TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL,
    fetched_at_us INTEGER NOT NULL, PRIMARY KEY (account, key));
CREATE TABLE series (
    id INTEGER PRIMARY KEY, account TEXT NOT NULL, key TEXT NOT NULL, UNIQUE (account, key));
CREATE TABLE points (
    series_id INTEGER NOT NULL, t_ms INTEGER NOT NULL, value REAL,
    fetched_at_us INTEGER NOT NULL, PRIMARY KEY (series_id, t_ms)) WITHOUT ROWID;
PRAGMA user_version = 1;
"""


def _hand_made_v1(path: Path) -> None:
    """A v1 file written with plain SQL (no store code), as an older release left it."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.executescript(V1_AS_SHIPPED)
    raw.executescript(
        f"""
        INSERT INTO lists VALUES (7, 'acc', 'assets', 'videos', {T0_US});
        INSERT INTO list_items VALUES (7, 0, '{{"videoId":"vi1"}}'), (7, 1, '{{"videoId":"vi2"}}');
        INSERT INTO results VALUES ('acc', 'q', '{{"total":3}}', {T0_US});
        INSERT INTO series VALUES (1, 'acc', 'play|hour');
        INSERT INTO points VALUES (1, 1000, 1.5, {T0_US}), (1, 2000, NULL, {T0_US});
        """
    )
    raw.close()


def test_t0_us_is_t0() -> None:
    assert datetime.fromtimestamp(T0_US / 1e6, UTC).replace(microsecond=0) == T0.replace(
        microsecond=0
    )
    assert T0.microsecond == T0_US % 1_000_000


def test_the_shipped_v1_migration_matches_the_frozen_copy(tmp_path: Path) -> None:
    def schema(db: sqlite3.Connection) -> list[object]:
        rows = db.execute("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
        tables = [
            (n, " ".join(sql.replace("(", " ( ").replace(")", " ) ").split())) for n, sql in rows
        ]
        header = [
            db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version")
        ]
        return [*tables, header]

    made = sqlite3.connect(tmp_path / "made.sqlite3", isolation_level=None)
    migrate(made, MIGRATIONS[:1])
    _hand_made_v1(tmp_path / "frozen.sqlite3")
    frozen = sqlite3.connect(tmp_path / "frozen.sqlite3")
    try:
        assert schema(made) == schema(frozen)
        assert schema(made)[-1] == [APPLICATION_ID, 1]
    finally:
        made.close()
        frozen.close()


def test_a_hand_made_v1_file_opens_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _hand_made_v1(path)
    opened = open_store(path)
    try:
        assert opened.notice is None
        store = opened.store
        assert store.assets("acc", "videos") == Cached([{"videoId": "vi1"}, {"videoId": "vi2"}], T0)
        assert store.result("acc", "q") == Cached({"total": 3}, T0)
        (t1, v1), (t2, v2) = store.points("acc", "play|hour", 0, 10_000)
        assert (t1, v1, t2) == (1000, 1.5, 2000) and v2 != v2  # NULL reads as NaN
        # Made without auto_vacuum: clearing falls back to VACUUM, and still shrinks the file.
        store.put_sessions("acc", "vi1", "p", [{"n": "x" * 100}] * 5000, T0)
        big = store.size_bytes()
        store.clear("acc")
        assert store.size_bytes() < big / 10
    finally:
        opened.store.close()


def _v2_adds_a_note_to_results(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE results ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE results SET note = 'from v1'")


def _v2_fails_on_old_data(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE results ADD COLUMN count INTEGER")
    for key, payload in db.execute("SELECT key, payload FROM results").fetchall():
        count = json.loads(payload)["count"]  # a bug: v1 results have no "count"
        db.execute("UPDATE results SET count = ? WHERE key = ?", (count, key))


def test_a_later_migration_upgrades_a_v1_file_in_place(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _hand_made_v1(path)
    opened = open_store(path, migrations=(*MIGRATIONS[:1], _v2_adds_a_note_to_results))
    try:
        assert opened.notice is None  # an upgrade is routine: nothing to tell the person
        assert opened.store.result("acc", "q") == Cached({"total": 3}, T0)
    finally:
        opened.store.close()
    raw = sqlite3.connect(path)
    assert user_version(raw) == 2
    assert raw.execute("SELECT note FROM results").fetchall() == [("from v1",)]
    raw.close()
    # Opened again with v2 code: nothing runs twice (a second ALTER TABLE would fail).
    again = open_store(path, migrations=(*MIGRATIONS[:1], _v2_adds_a_note_to_results))
    again.store.close()
    assert again.notice is None
    # And v1 code now sees a newer store: it leaves it be.
    older = open_store(path, migrations=MIGRATIONS[:1])
    older.store.close()
    assert older.notice is not None and "newer version" in older.notice


def test_a_v1_file_gains_the_query_history_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _hand_made_v1(path)
    opened = open_store(path)
    try:
        assert opened.notice is None
        assert opened.store.result("acc", "q") == Cached({"total": 3}, T0)
    finally:
        opened.store.close()
    raw = sqlite3.connect(path)
    assert user_version(raw) == len(MIGRATIONS) >= 2
    assert raw.execute("SELECT COUNT(*) FROM history").fetchone() == (0,)
    raw.close()


def test_migrations_run_in_order_each_in_its_own_transaction(tmp_path: Path) -> None:
    seen: list[int] = []

    def step(n: int):  # type: ignore[no-untyped-def]
        def run(db: sqlite3.Connection) -> None:
            assert db.in_transaction
            assert user_version(db) == n
            seen.append(n)

        return run

    raw = sqlite3.connect(tmp_path / "s.sqlite3", isolation_level=None)
    assert migrate(raw, [step(0), step(1), step(2)]) == [1, 2, 3]
    assert migrate(raw, [step(0), step(1), step(2), step(3)]) == [4]
    assert migrate(raw, [step(0), step(1), step(2), step(3)]) == []
    assert seen == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="newer"):
        migrate(raw, [step(0)])
    raw.close()


def test_a_failing_migration_is_rolled_back_and_its_file_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _hand_made_v1(path)
    opened = open_store(path, migrations=(*MIGRATIONS[:1], _v2_fails_on_old_data), now=lambda: NOW)
    aside = tmp_path / "store.sqlite3.upgrade-failed-20261123T101500"
    try:
        assert opened.notice is not None
        assert "could not be upgraded (KeyError: 'count')" in opened.notice
        assert "moved to store.sqlite3.upgrade-failed-20261123T101500" in opened.notice
        assert opened.store.accounts() == []
    finally:
        opened.store.close()
    raw = sqlite3.connect(aside)  # still the v1 file, data and all: the step left no trace
    assert user_version(raw) == 1
    assert [c[1] for c in raw.execute("PRAGMA table_info(results)")] == [
        "account",
        "key",
        "payload",
        "fetched_at_us",
    ]
    assert raw.execute("SELECT count(*) FROM list_items").fetchone()[0] == 2
    raw.close()
