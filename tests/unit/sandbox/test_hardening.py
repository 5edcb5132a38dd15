"""The sandbox under odd or hostile requests: 401 for bad credentials, 400 for out-of-range
numbers and unreadable bodies (never 500), bounded connections with a clean refusal."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from tests.support.scenario import A, sessions
from tests.unit.conftest import Serve

PAGED = [
    "/videos",
    "/live-streams",
    "/players",
    "/data/buckets/play/country",
    "/data/timeseries/play",
    f"/analytics/videos/{A}?period=2026-03-10",
    "/analytics/sessions/ps00000000000000000002/events",
]


def test_a_wrong_key_or_refresh_token_is_401_in_the_spec_body(serve: Serve) -> None:
    api = serve(sessions())
    bare = httpx.Client(base_url=str(api.base_url))
    for path, body in (
        ("/auth/api-key", {"apiKey": "wrong"}),
        ("/auth/refresh", {"refreshToken": "x"}),
    ):
        answer = bare.post(path, json=body)
        assert answer.status_code == 401, path
        assert answer.json() == {
            "type": "https://docs.api.video/reference/authentication-invalid-user-credentials",
            "title": "The user credentials were incorrect.",
            "name": "",
            "status": 401,
        }
    assert bare.post("/auth/api-key", json={}).status_code == 400  # no key at all: malformed
    assert bare.get("/videos", auth=("wrong", "")).status_code == 401


@pytest.mark.parametrize("path", PAGED)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("currentPage", "20000000000000000000"),
        ("currentPage", "9223372036854775807"),
        ("currentPage", "2e19"),
        ("currentPage", "0"),
        ("pageSize", "20000000000000000000"),
        ("pageSize", "101"),
        ("pageSize", "-1"),
    ],
)
def test_out_of_range_pages_are_400(serve_module: Serve, path: str, name: str, value: str) -> None:
    api = serve_module(sessions())
    sep = "&" if "?" in path else "?"
    answer = api.get(f"{path}{sep}{name}={value}")
    assert answer.status_code == 400, answer.text
    assert answer.json()["status"] == 400


@pytest.mark.parametrize(
    "query",
    [
        "/data/metrics/play/count?to=0001-01-01T00:00:00%2B00:00",
        "/data/timeseries/play?to=0001-01-01T00:00:00%2B14:00",
        "/data/buckets/play/country?to=0001-01-01T00:00:00%2B00:00",
        f"/analytics/videos/{A}?period=9999-12",
        f"/analytics/videos/{A}?period=9999-W52",
        f"/analytics/videos/{A}?period=9999-12-31/9999-12-31",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_400(serve_module: Serve, query: str) -> None:
    answer = serve_module(sessions()).get(query)
    assert answer.status_code == 400, answer.text


def test_unreadable_bodies_are_400_or_413_not_500(serve: Serve) -> None:
    from explorer.sandbox.server import MAX_BODY_BYTES

    api = serve(sessions())
    bare = httpx.Client(base_url=str(api.base_url))
    nested = b"[" * 30_000 + b"]" * 30_000  # under the body limit, deeper than Python recurses
    assert len(nested) < MAX_BODY_BYTES
    headers = {"Content-Type": "application/json"}
    answer = bare.post("/auth/api-key", content=nested, headers=headers)
    assert answer.status_code == 400 and answer.json()["status"] == 400
    huge = bare.post("/auth/api-key", content=b" " * (MAX_BODY_BYTES + 1), headers=headers)
    assert huge.status_code == 413 and huge.json()["status"] == 413
    assert api.get("/videos").status_code == 200  # still serving


def raw_request(port: int, head: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_bad_content_length_is_400(serve: Serve) -> None:
    api = serve(sessions())
    port = httpx.URL(str(api.base_url)).port or 80
    answer = raw_request(
        port, b"POST /auth/api-key HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]


def test_idle_connections_neither_stop_the_service_nor_spin(serve: Serve) -> None:
    """1,025 idle connections: those over the bound are refused at once (503), those served
    are closed once idle too long, none is left hanging, and then a request is answered."""
    api = serve(sessions(), max_connections=16, idle_timeout_s=1.0)
    port = httpx.URL(str(api.base_url)).port or 80
    cpu_before = time.process_time()
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(1025)]
    try:
        serving = [t for t in threading.enumerate() if "process_request" in t.name]
        assert len(serving) < 200  # a thread per connection served (16 here), not 1,025
        endings = [sock.recv(4096) for sock in idle]  # a refusal or an idle close, never a hang
        refused = [e for e in endings if e]
        assert refused and all(e.startswith(b"HTTP/1.1 503 ") for e in refused)
        assert all(b"Retry-After: 1" in e for e in refused)
        fresh = httpx.Client(base_url=str(api.base_url), auth=("sandbox-local-key", ""))
        deadline = time.monotonic() + 120
        while (answer := _try(fresh)) != 200:
            assert time.monotonic() < deadline, answer
            time.sleep(0.2)
    finally:
        for sock in idle:
            sock.close()
    # not a core spinning: the whole test used far less CPU than the time it took
    assert time.process_time() - cpu_before < 30


def _try(client: httpx.Client) -> int | str:
    try:
        return client.get("/videos").status_code
    except httpx.TransportError as error:
        return repr(error)
