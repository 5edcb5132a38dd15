"""Store fixtures: a fresh store in a temporary folder, closed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from explorer.store import Store, open_store

T0 = datetime(2026, 11, 23, 10, 15, 0, 123456, tzinfo=UTC)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    opened = open_store(store_path)
    assert opened.notice is None
    yield opened.store
    opened.store.close()
