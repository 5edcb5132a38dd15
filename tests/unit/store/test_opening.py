"""Opening the store: a missing folder, damaged files, newer schemas, unwritable places."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from explorer.store import Cached, StoreError, default_store_path, open_store, opening
from explorer.store import connections as connections_module
from explorer.store.opening import _set_aside
from explorer.store.schema import MIGRATIONS, user_version
from tests.unit.store.conftest import T0

NOW = datetime(2026, 11, 23, 10, 15, 0, tzinfo=UTC)


def _now() -> datetime:
    return NOW


def _a_full_store(path: Path) -> bytes:
    """A closed store with some data in it; its bytes."""
    store = open_store(path).store
    rows = [{"sessionId": f"ps{i}", "referrer": "https://example.com/"} for i in range(3000)]
    store.put_sessions("acc", "vi1", "2026-W47", rows, T0)
    store.put_points("acc", "s", [(i, float(i)) for i in range(3000)], T0)
    store.close()
    assert not path.with_name(path.name + "-wal").exists()  # all of it is in the file
    return path.read_bytes()


def test_the_default_path_is_in_the_user_data_folder() -> None:
    path = default_store_path()
    assert path.name == "store.sqlite3"
    assert path.parent.name == "analytics-explorer"


def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "store.sqlite3"
    opened = open_store(path)
    try:
        assert opened.notice is None
        assert opened.store.path == path and path.is_file()
        opened.store.put_result("acc", "k", 1, T0)
        assert opened.store.result("acc", "k") == Cached(1, T0)
    finally:
        opened.store.close()


def _damaged(path: Path, how: str) -> None:
    if how == "empty-is-fine":
        path.write_bytes(b"")
        return
    good = _a_full_store(path)
    if how == "garbage":
        path.write_bytes(os.urandom(3 * 4096))
    elif how == "text":
        path.write_text("videoId,title\nvi1,hello\n" * 100, encoding="utf-8")
    elif how == "truncated-header":
        path.write_bytes(good[:50])
    elif how == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif how == "damaged-page":
        # Overwrite a b-tree page: the header reads fine, the check trips over the page.
        damaged = bytearray(good)
        damaged[2 * 4096 : 3 * 4096] = os.urandom(4096)
        path.write_bytes(bytes(damaged))
    elif how == "quick-check-report":
        # A wrong free-page count in the header: every query works, only the check reports it.
        damaged = bytearray(good)
        damaged[36:40] = (5).to_bytes(4, "big")
        path.write_bytes(bytes(damaged))


@pytest.mark.parametrize(
    "how",
    ["garbage", "text", "truncated-header", "truncated", "damaged-page", "quick-check-report"],
)
def test_a_damaged_file_is_moved_aside_and_rebuilt(tmp_path: Path, how: str) -> None:
    path = tmp_path / "store.sqlite3"
    _damaged(path, how)
    damaged_bytes = path.read_bytes()
    opened = open_store(path, now=_now)
    try:
        aside = tmp_path / "store.sqlite3.corrupt-20261123T101500"
        assert aside.read_bytes() == damaged_bytes  # kept as it was, for a look later
        assert opened.notice is not None
        assert opened.notice.startswith(f"The local store {path} is damaged (")
        assert "moved to store.sqlite3.corrupt-20261123T101500" in opened.notice
        assert "new, empty store was created" in opened.notice
        if how == "quick-check-report":
            assert "(integrity check: *** in database main *** Main freelist: size is 0" in (
                opened.notice
            )
        store = opened.store
        assert store.accounts() == []
        store.put_result("acc", "k", 1, T0)
        assert store.result("acc", "k") == Cached(1, T0)
    finally:
        opened.store.close()
    again = open_store(path, now=_now)  # the rebuilt file is healthy: nothing more to say
    again.store.close()
    assert again.notice is None


def test_an_empty_file_is_simply_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _damaged(path, "empty-is-fine")
    opened = open_store(path)
    opened.store.close()
    assert opened.notice is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite3"]


def test_two_damaged_files_in_one_second_get_two_names(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    for _ in range(2):
        path.write_bytes(b"not a database at all" * 100)
        open_store(path, now=_now).store.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == [
        "store.sqlite3.corrupt-20261123T101500",
        "store.sqlite3.corrupt-20261123T101500-2",
    ]


def test_a_stale_write_ahead_log_never_reaches_the_new_store(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_text("not a database\n" * 100, encoding="utf-8")
    wal = tmp_path / "store.sqlite3-wal"
    wal.write_bytes(b"an old log that must not be replayed into the new file")
    opened = open_store(path, now=_now)
    try:
        assert opened.store.accounts() == []
        opened.store.put_result("acc", "k", 1, T0)
    finally:
        opened.store.close()
    assert not wal.exists() or b"an old log" not in wal.read_bytes()
    again = open_store(path, now=_now)
    again.store.close()
    assert again.notice is None


def test_setting_aside_takes_the_side_files_along(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    for name, text in [("", "db"), ("-wal", "log"), ("-shm", "index"), ("-journal", "journal")]:
        (tmp_path / f"store.sqlite3{name}").write_text(text)
    aside = _set_aside(path, "corrupt", NOW)
    assert aside == tmp_path / "store.sqlite3.corrupt-20261123T101500"
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "store.sqlite3.corrupt-20261123T101500": "db",
        "store.sqlite3.corrupt-20261123T101500-wal": "log",
        "store.sqlite3.corrupt-20261123T101500-shm": "index",
        "store.sqlite3.corrupt-20261123T101500-journal": "journal",
    }


def test_another_programs_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE lists (whatever TEXT)")
    other.commit()
    other.close()
    opened = open_store(path, now=_now)
    opened.store.close()
    assert opened.notice is not None and "database of another program" in opened.notice
    assert (tmp_path / "store.sqlite3.unrecognised-20261123T101500").exists()


def _make_newer(path: Path, version: int) -> None:
    store = open_store(path).store
    store.put_result("acc", "k", "from the newer app", T0)
    store.close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {version}")
    raw.close()


def test_a_store_from_a_newer_version_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    latest = len(MIGRATIONS)
    _make_newer(path, latest + 1)
    before = path.read_bytes()
    opened = open_store(path, now=_now)
    beside = tmp_path / f"store.schema{latest}.sqlite3"
    try:
        assert opened.store.path == beside
        assert opened.notice is not None
        assert "written by a newer version of Analytics Explorer" in opened.notice
        assert f"(schema {latest + 1}; this version reads up to {latest})" in opened.notice
        assert f"left untouched; this version keeps its cache in {beside}" in opened.notice
        assert opened.store.result("acc", "k") is None
        opened.store.put_result("acc", "k", "from this app", T0)
    finally:
        opened.store.close()
    assert path.read_bytes() == before
    raw = sqlite3.connect(path)
    assert user_version(raw) == latest + 1
    raw.close()
    # Next start: the same words, and this version's cache is still there.
    again = open_store(path, now=_now)
    try:
        assert again.notice == opened.notice
        assert again.store.result("acc", "k") == Cached("from this app", T0)
    finally:
        again.store.close()


def test_an_unwritable_place_raises_a_store_error_in_words(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file, not a folder")
    with pytest.raises(
        StoreError, match=r"The folder for the local store, .* could not be created"
    ):
        open_store(blocker / "data" / "store.sqlite3")
    with pytest.raises(StoreError, match="is a folder, not a file"):
        (tmp_path / "dir.sqlite3").mkdir()
        open_store(tmp_path / "dir.sqlite3")


def test_a_name_the_system_refuses_raises_a_store_error_in_words(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"The local store .* cannot be used: File name too long"):
        open_store(tmp_path / ("x" * 300))


def test_a_file_sqlite_cannot_create_raises_a_store_error_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root-proof stand-in for a read-only folder (root writes anywhere): skip making the folder,
    # so SQLite itself fails to create the file (SQLITE_CANTOPEN).
    monkeypatch.setattr(opening, "_make_folder", lambda folder: None)
    with pytest.raises(StoreError) as raised:
        open_store(tmp_path / "missing" / "store.sqlite3")
    assert str(raised.value) == (
        f"The local store could not open {tmp_path / 'missing' / 'store.sqlite3'}:"
        " the file could not be opened (check that its folder is writable)."
    )
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders anyway")
def test_a_read_only_folder_raises_a_store_error_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="could not"):
            open_store(folder / "store.sqlite3")
    finally:
        folder.chmod(0o700)


def test_a_file_locked_by_another_program_is_not_moved_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite3"
    _a_full_store(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = DELETE")  # rollback journal: an exclusive lock bars readers
    raw.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(connections_module, "BUSY_TIMEOUT_S", 0.2)
    try:
        with pytest.raises(StoreError, match="in use by another program"):
            open_store(path, now=_now)
    finally:
        raw.execute("ROLLBACK")
        raw.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite3"]
    opened = open_store(path)
    try:
        assert opened.notice is None
        assert opened.store.sessions("acc", "vi1", "2026-W47") is not None
    finally:
        opened.store.close()
