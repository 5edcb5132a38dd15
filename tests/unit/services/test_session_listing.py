"""A session list: at most LIST_CONCURRENCY pages in flight, whatever the client allows; rows
that share their texts; pages freed off the thread that drops the list."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.secrets import Secret
from explorer.services import sessions
from explorer.services.sessions import LIST_CONCURRENCY, Media, SessionService

PAGES, SIZE = 8, 100
CITIES = ("Paris", "Lyon", "Nantes")


def client_for() -> ApiVideoClient:
    """A client whose session list has PAGES pages of SIZE sessions, in CITIES in turn."""

    def serve(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["currentPage"])
        data = [
            {"session": {"sessionId": f"ps{page:03d}{n:03d}"},
             "location": {"country": "France", "city": CITIES[n % len(CITIES)]}}
            for n in range(SIZE)
        ]  # fmt: skip
        pagination = {"currentPage": page, "pageSize": SIZE, "pagesTotal": PAGES,
                      "itemsTotal": PAGES * SIZE}  # fmt: skip
        return httpx.Response(200, content=json.dumps({"data": data, "pagination": pagination}))

    return ApiVideoClient(
        "https://ws.api.video", Secret("k"),
        options=ClientOptions(auth="basic", concurrency=8),
        transport=httpx.MockTransport(serve),
    )  # fmt: skip


def test_rows_hold_each_distinct_text_once() -> None:
    client = client_for()
    try:
        listing = SessionService(client).list_sessions(Media("vi1", "video", "V"), "2026-03-10")
    finally:
        client.close()
    records = listing.records
    cities = {id(record.cells[1]) for record in records}
    countries = {id(record.cells[0]) for record in records}
    assert len(records) == PAGES * SIZE and (len(cities), len(countries)) == (len(CITIES), 1)
    assert len({id(record.cells[13]) for record in records}) == len(records)  # ids: all distinct


def test_a_list_hands_its_pages_over_to_be_freed_gradually(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed: list[tuple[object, list[Any]]] = []
    monkeypatch.setattr(
        sessions, "release_when_freed", lambda owner, pieces: handed.append((owner, pieces))
    )
    client = client_for()
    try:
        listing = SessionService(client).list_sessions(Media("vi1", "video", "V"), "2026-03-10")
    finally:
        client.close()
    [(owner, pieces)] = handed
    assert owner is listing and len(pieces) == PAGES
    assert all(isinstance(piece, tuple) for piece in pieces)  # the collector stops walking them
    assert [row for piece in pieces for row in piece] == listing.rows  # all of them, in order


def test_pages_in_flight_stay_within_the_list_concurrency() -> None:
    lock = threading.Lock()
    flight = {"now": 0, "most": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["currentPage"])
        with lock:
            flight["now"] += 1
            flight["most"] = max(flight["most"], flight["now"])
        time.sleep(0.03)  # long enough for every allowed request to be in flight together
        with lock:
            flight["now"] -= 1
        data = [{"session": {"sessionId": f"ps{page:03d}{n:03d}"}} for n in range(SIZE)]
        pagination = {"currentPage": page, "pageSize": SIZE, "pagesTotal": PAGES,
                      "itemsTotal": PAGES * SIZE}  # fmt: skip
        return httpx.Response(200, content=json.dumps({"data": data, "pagination": pagination}))

    client = ApiVideoClient(
        "https://ws.api.video", Secret("k"),
        options=ClientOptions(auth="basic", concurrency=8),
        transport=httpx.MockTransport(answer),
    )  # fmt: skip
    try:
        listing = SessionService(client).list_sessions(Media("vi1", "video", "V"), "2026-03-10")
    finally:
        client.close()
    assert len(listing.rows) == PAGES * SIZE and not listing.partial
    assert [r[0] for r in listing.rows[:2]] == ["ps001000", "ps001001"]  # in page order
    assert flight["most"] == LIST_CONCURRENCY == 2  # the first page alone, then two at a time
