"""The sandbox dataset on disk: generated once per seed and scale, then reopened read-only."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import platformdirs

from explorer.atomic_write import atomic_path
from explorer.sandbox.derive import Progress, derive_all
from explorer.sandbox.schema import SCHEMA_VERSION, create_raw_tables

ANCHOR_MS = 1_767_225_600_000
"""2026-01-01T00:00:00Z. Stored data is laid out around this fixed instant whatever the day it
is generated on, so a seed always gives the same data; the service shifts it to today."""


def default_data_dir() -> Path:
    return Path(platformdirs.user_cache_dir("analytics-explorer")) / "sandbox"


class Dataset:
    """A finished sandbox database file; each thread gets its own read-only connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        meta = dict(self.connection().execute("SELECT key, value FROM meta"))
        self.anchor_ms = int(meta["anchor_ms"])
        self.meta = meta

    def connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            db.execute("PRAGMA query_only = ON")
            db.execute("PRAGMA cache_size = -65536")
            db.execute("PRAGMA mmap_size = 1073741824")
            self._local.db = db
        return db


def build_dataset(
    path: Path, populate: Callable[[sqlite3.Connection], None], progress: Progress = None
) -> Dataset:
    """Write raw data with `populate`, derive the analytics tables, and publish the file;
    ``progress(done, total)`` hears how far deriving is (as the second half of the work).

    The file is built under a temporary name and renamed, so a crash never leaves a
    half-built dataset where the next start would trust it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            create_raw_tables(db)
            with db:
                populate(db)
            with db:
                derive_all(db, None if progress is None else _second_half(progress))
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('derived_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            db.execute("ANALYZE")
        finally:
            db.close()
    return Dataset(path)


def _is_complete(path: Path) -> bool:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'derived_version'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == str(SCHEMA_VERSION)


def open_dataset(
    seed: int,
    scale: str,
    data_dir: Path | None = None,
    progress: Progress = None,
    assets_ready: Callable[[sqlite3.Connection], None] | None = None,
) -> Dataset:
    """The simulated dataset for this seed and scale, generating it on first use (then
    ``progress(done, total)`` hears how far, in percent; generating takes seconds, and
    ``assets_ready(db)`` is called as soon as the assets are written, before the sessions:
    `explorer.sandbox.assets.listing_bodies` reads them from ``db``)."""
    from explorer.sandbox.scales import SCALES, SIMULATOR_VERSION

    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    directory = data_dir or default_data_dir()
    version = f"v{SCHEMA_VERSION}.{SIMULATOR_VERSION}"
    path = directory / f"sandbox-{scale}-seed{seed}-{version}.sqlite"
    if path.exists() and _is_complete(path):
        return Dataset(path)

    if progress is not None:
        progress(0, 100)  # said at once: what follows takes seconds
    from explorer.sandbox.simulator import generate  # only to generate: numpy and tables

    def populate(db: sqlite3.Connection) -> None:
        first_half = None if progress is None else _first_half(progress)
        generate(
            db, seed=seed, scale=SCALES[scale], anchor_ms=ANCHOR_MS, progress=first_half,
            assets_ready=assets_ready,
        )  # fmt: skip

    dataset = build_dataset(path, populate, progress)
    if progress is not None:
        progress(100, 100)
    return dataset


def _first_half(progress: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """Simulating the sessions as 0-50% of the whole (it takes about as long as deriving)."""
    return lambda done, total: progress(50 * done // max(total, 1), 100)


def _second_half(progress: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """Deriving the analytics tables as 50-99% of the whole (then the file is published)."""
    return lambda done, total: progress(50 + 49 * done // max(total, 1), 100)
