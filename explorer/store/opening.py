"""Opening the store file: create, check, migrate, and set aside what cannot be used, saying so."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from explorer.store.connections import Connections, connect
from explorer.store.errors import StoreError, is_corruption, is_environmental, store_error
from explorer.store.schema import APPLICATION_ID, MIGRATIONS, Migration, migrate, user_version
from explorer.store.store import Store

log = logging.getLogger(__name__)

_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Opened:
    """The open store, and what ``open_store`` had to do to get it, in words (None if nothing)."""

    store: Store
    notice: str | None


class _Unusable(Exception):
    """The file is not a store this code can use; ``label`` goes into the set-aside name."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(reason)
        self.label = label
        self.reason = reason


class _Newer(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(f"schema {version}")
        self.version = version


def default_store_path() -> Path:
    return Path(platformdirs.user_data_dir("analytics-explorer")) / "store.sqlite3"


def open_store(
    path: Path | None = None,
    *,
    migrations: Sequence[Migration] = MIGRATIONS,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Opened:
    """Open (or create) the store at ``path``, default ``default_store_path()``.

    * missing folder: created;
    * damaged file (not SQLite, truncated, failing ``PRAGMA quick_check``), a SQLite file that
      is not ours, or one whose upgrade failed: renamed to ``<name>.<label>-<UTC time>`` with
      its ``-wal``/``-shm`` files, and a fresh store is built in its place;
    * a file from a newer version of the app: left untouched, and a store for this version is
      opened beside it, ``<stem>.schema<N><suffix>`` (the newer app still finds its own);
    * a folder or file that cannot be written, or a file locked by another program: StoreError.

    ``migrations`` is the schema's history (tests pass their own); ``now`` names set-aside files.
    """
    path = path or default_store_path()
    notices: list[str] = []
    try:
        store = _open_or_rebuild(path, migrations, now, notices)
    except _Newer as newer:
        beside = path.with_name(f"{path.stem}.schema{len(migrations)}{path.suffix}")
        notices.append(
            f"The local store {path} was written by a newer version of Analytics Explorer"
            f" (schema {newer.version}; this version reads up to {len(migrations)}). It was left"
            f" untouched; this version keeps its cache in {beside} instead."
        )
        try:
            store = _open_or_rebuild(beside, migrations, now, notices)
        except _Newer as twice:
            raise StoreError(
                f"The local store {beside} is also from a newer version (schema {twice.version})."
            ) from twice
    notice = " ".join(notices) or None
    if notice:
        log.warning("%s", notice)
    return Opened(store, notice)


def _open_or_rebuild(
    path: Path, migrations: Sequence[Migration], now: Callable[[], datetime], notices: list[str]
) -> Store:
    _make_folder(path.parent)
    try:
        is_folder = path.is_dir()
    except OSError as error:  # a name too long, a loop of links...
        raise StoreError(f"The local store {path} cannot be used: {error.strerror}.") from error
    if is_folder:
        raise StoreError(f"The local store {path} is a folder, not a file; move it away.")
    try:
        return _open(path, migrations)
    except _Unusable as unusable:
        aside = _set_aside(path, unusable.label, now())
        notices.append(
            f"The local store {path} {unusable.reason}. It was moved to {aside.name}"
            " and a new, empty store was created; data will be fetched again."
        )
    try:
        return _open(path, migrations)
    except _Unusable as again:  # a fresh file that fails its own checks: the disk, not the file
        message = f"The local store {path} could not be created: it {again.reason}."
        raise StoreError(message) from again


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"The folder for the local store, {folder}, could not be created: {error.strerror}."
        ) from error


def _open(path: Path, migrations: Sequence[Migration]) -> Store:
    """Check and migrate ``path``; raises _Unusable, _Newer or StoreError."""
    try:
        db = connect(path)
    except sqlite3.Error as error:
        raise store_error(f"open {path}", error) from error
    try:
        fresh = _check(db, path, len(migrations))
        if fresh:  # before any table exists: space freed by `clear` can be given back
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            log.warning("the local store %s runs without WAL (journal mode %s)", path, mode)
        db.execute("PRAGMA synchronous = NORMAL")  # durable enough for a cache, in WAL mode
        db.execute("PRAGMA journal_size_limit = 8388608")  # a big write's log shrinks back after
        _migrate(db, path, migrations)
    except BaseException:
        db.close()
        raise
    return Store(path, Connections(path, db))


def _check(db: sqlite3.Connection, path: Path, latest: int) -> bool:
    """Whether the file is new and empty; raises if it is damaged, foreign or newer."""
    try:
        version = user_version(db)
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        problems = [row[0] for row in db.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as error:
        if is_corruption(error):
            raise _Unusable("corrupt", f"is damaged ({error})") from error
        raise store_error(f"open {path}", error) from error
    if problems != ["ok"]:
        first = " ".join(problems[0].split())[:200]
        raise _Unusable("corrupt", f"is damaged (integrity check: {first})")
    if version == 0 and tables == 0:
        return True
    if application_id != APPLICATION_ID:
        raise _Unusable("unrecognised", "is a database of another program, not a store")
    if version > latest:
        raise _Newer(version)
    return False


def _migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> None:
    before = user_version(db)
    try:
        reached = migrate(db, migrations)
    except sqlite3.Error as error:
        if is_environmental(error):
            raise store_error(f"upgrade {path}", error) from error
        raise _Unusable("upgrade-failed", f"could not be upgraded ({error})") from error
    except Exception as error:  # a migration's bug must not keep the app from starting
        why = f"{type(error).__name__}: {error}"
        raise _Unusable("upgrade-failed", f"could not be upgraded ({why})") from error
    if reached and before:
        log.info("the local store %s was upgraded from schema %d to %d", path, before, reached[-1])


def _set_aside(path: Path, label: str, moment: datetime) -> Path:
    """Rename ``path`` (and its side files) to ``<name>.<label>-<UTC time>``; the new path."""
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
    try:
        path.rename(aside)
        for suffix in _SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
    except OSError as error:
        raise StoreError(
            f"The local store {path} is unusable and could not be moved aside: {error.strerror}."
        ) from error
    return aside
