"""A finished request leaves no reference cycle behind: nothing waits for the collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import httpx
import pytest

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.secrets import Secret
from tests.unit.api.support import BASE_URL, FAST, KEY


def answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/auth/api-key"):
        return httpx.Response(
            200, json={"access_token": "t", "refresh_token": "r", "expires_in": 3600}
        )
    body = {"data": [], "pagination": {"currentPage": 1, "pageSize": 25, "itemsTotal": 0}}
    return httpx.Response(200, json=body)


@pytest.fixture
def saved_garbage() -> Iterator[list[object]]:
    """What the collector finds unreachable (kept, not freed) while the test runs."""
    gc.collect()
    gc.garbage.clear()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_a_request_leaves_no_cyclic_garbage(saved_garbage: list[object]) -> None:
    with ApiVideoClient(
        BASE_URL,
        Secret(KEY),
        options=ClientOptions(retry=FAST),
        transport=httpx.MockTransport(answer),
    ) as client:
        client.http.get_json("/videos", {"pageSize": "25"})  # signs in first
        gc.collect()
        saved_garbage.clear()
        for _ in range(3):
            client.http.get_json("/videos", {"pageSize": "25"})
        gc.collect()
        left = sorted({type(o).__module__ + "." + type(o).__qualname__ for o in saved_garbage})
    assert left == []
