"""Session lists and events kept in the local store, and read back when the API is unreachable."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.errors import NetworkError
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.server import SandboxService
from explorer.services.local_cache import LocalCache
from explorer.services.session_pages import SessionPage
from explorer.services.session_rows import row_from_stored, stored_row
from explorer.services.sessions import Media, SessionService
from explorer.store import Store, open_store
from tests.support import scenario
from tests.support.handmade import NOW, build, ms
from tests.unit.services.sessions_data import DAY

ALGEBRA = Media(scenario.A, "video", "Algebra 1")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3")
    yield opened.store
    opened.store.close()


@pytest.fixture
def online(tmp_path: Path, store: Store) -> Iterator[SessionService]:
    dataset = build(tmp_path / "data", scenario.sessions())
    sandbox = SandboxService(dataset, clock=Clock(ms(NOW))).start()
    client = ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY))
    service = SessionService(client)
    service.cache = LocalCache(store, "acc-1")
    yield service
    client.close()
    sandbox.stop()


def offline(store: Store, account: str = "acc-1") -> SessionService:
    client = ApiVideoClient(
        "http://127.0.0.1:9", Secret("k"), options=ClientOptions(retry=RetryPolicy(attempts=1))
    )
    service = SessionService(client)
    service.cache = LocalCache(store, account)
    return service


def test_rows_survive_the_store_with_their_gaps() -> None:
    row = ("ps1", 1.5, math.nan, 30.0, ("FR", ""), "fr", None, "browser", (("course", "a"),))
    back = row_from_stored(stored_row(row))
    assert back[0] == "ps1" and back[1] == 1.5 and math.isnan(back[2])
    assert back[3:] == row[3:]
    with pytest.raises(ValueError, match="cannot be read"):
        row_from_stored(["ps1", "x"])


def test_offline_the_stored_list_and_events_come_back(online: SessionService, store: Store) -> None:
    listing = online.list_sessions(ALGEBRA, DAY, {})
    first = listing.sessions[0].session.session_id
    events = online.complete_events(first)
    assert listing.stored_at is None and listing.rows and events

    service = offline(store)
    try:
        pages: list[SessionPage] = []
        again = service.list_sessions(ALGEBRA, DAY, {}, deliver=pages.append)
        assert again.stored_at is not None and not again.partial
        assert again.rows == listing.rows
        assert [r for page in pages for r in page.rows] == listing.rows
        stored_events = service.complete_events(first)
        assert [e.model_dump() for e in stored_events] == [e.model_dump() for e in events]
        with pytest.raises(NetworkError):  # another period was never listed here
            service.list_sessions(ALGEBRA, "2026-03-01", {})
        with pytest.raises(NetworkError):  # another metadata filter is another list
            service.list_sessions(ALGEBRA, DAY, {"course": "nope"})
    finally:
        service.client.close()
    stranger = offline(store, account="acc-2")
    try:
        with pytest.raises(NetworkError):
            stranger.list_sessions(ALGEBRA, DAY, {})
    finally:
        stranger.client.close()
