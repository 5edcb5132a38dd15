"""The one atomic-write helper: the old file survives every failure, no temporary file is left."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from explorer.atomic_write import AtomicWriter, atomic_path, atomic_write, describe_write_error

OLD = b"the file that was there"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "out.csv"
    path.write_bytes(OLD)
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_finished_write_replaces_the_file_and_leaves_no_temporary(target: Path) -> None:
    with atomic_write(target) as out:
        out.write("new\n")
        assert names(target.parent)[0].startswith(".out.csv.partial-")
        assert target.read_bytes() == OLD  # not yet: the rename comes at the end
    assert target.read_text(encoding="utf-8") == "new\n"
    assert names(target.parent) == ["out.csv"]


def test_an_error_in_the_block_keeps_the_old_file(target: Path) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_write(target, binary=True) as out:
        out.write(b"half")
        raise KeyboardInterrupt
    assert target.read_bytes() == OLD
    assert names(target.parent) == ["out.csv"]


def test_a_full_disk_at_the_sync_is_said_in_words_and_keeps_the_old_file(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as caught, atomic_write(target) as out:
        out.write("new")
    assert caught.value.errno == errno.ENOSPC
    assert describe_write_error(caught.value, target) == (
        f"cannot write {target}: no space left on the disk; the file that was there, "
        "if any, is untouched"
    )
    assert target.read_bytes() == OLD
    assert names(target.parent) == ["out.csv"]


def test_a_failed_rename_removes_the_temporary(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(os, "replace", refused)
    writer = AtomicWriter(target)
    writer.file.write("new")
    with pytest.raises(PermissionError):
        writer.commit()
    assert target.read_bytes() == OLD
    assert names(target.parent) == ["out.csv"]


def test_a_commit_elsewhere_and_a_mode(target: Path) -> None:
    other = target.with_name("other.csv")
    writer = AtomicWriter(target)
    writer.file.write("x")
    assert writer.commit(other, mode=0o640) == other
    assert other.read_text(encoding="utf-8") == "x" and target.read_bytes() == OLD
    assert other.stat().st_mode & 0o777 == 0o640


def test_a_missing_folder_fails_at_once_in_words(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "out.csv"
    with pytest.raises(OSError) as caught:
        AtomicWriter(path)
    assert "does not exist" in describe_write_error(caught.value, path)


def test_a_path_for_sqlite_is_published_only_when_complete(target: Path) -> None:
    with pytest.raises(sqlite3.Error), atomic_path(target) as temp:
        db = sqlite3.connect(temp)
        db.execute("CREATE TABLE t (x)")
        db.close()
        raise sqlite3.Error("the build failed")
    assert target.read_bytes() == OLD
    assert names(target.parent) == ["out.csv"]
    with atomic_path(target) as temp:
        db = sqlite3.connect(temp)
        with db:
            db.execute("CREATE TABLE t (x)")
        db.close()
    db = sqlite3.connect(target)
    assert db.execute("SELECT count(*) FROM t").fetchone() == (0,)
    db.close()
    assert names(target.parent) == ["out.csv"]
