"""The client's limits against a stub server that answers badly on purpose (small limits).

Bodies: bombs, endless and huge bodies stop at the largest body accepted, in memory bounded
by it. Time: a trickle or a silence ends at the request deadline. Waits: a server asking
too long a wait is refused at once, short 429s are ridden out within the wait budget.
Pagination: pages that lie end the list as partial. Numbers and text: non-finite numbers are
refused, unwritable text is kept escaped.
"""

from __future__ import annotations

import json
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from explorer.api.auth import BasicAuth
from explorer.api.errors import (
    BodyTooLarge,
    DeadlineExceeded,
    MalformedResponse,
    RateLimited,
    TooManyPages,
    WaitTooLong,
)
from explorer.api.http import Http, Timeouts
from explorer.api.limits import Limits, RetryPolicy
from explorer.api.pagination import fetch_all
from explorer.api.secrets import Secret
from tests.unit.api.badserver import (
    BadServer,
    Endless,
    Huge,
    Pages,
    Reply,
    Request,
    Silent,
    Trickle,
    Whole,
    bomb_reply,
    gzipped,
    json_reply,
    raw_json,
)

KiB = 1024
SMALL = Limits(
    max_body_bytes=256 * KiB,
    max_wire_bytes=256 * KiB,
    request_deadline_s=1.5,
    listing_deadline_s=2.0,
    max_pages=20,
    wait_budget_s=3.0,
)
QUICK = RetryPolicy(
    attempts=3,
    rate_limited_attempts=10,
    base_delay_s=0.01,
    max_delay_s=0.02,
    max_rate_limit_wait_s=2,
)
MARGIN = 1024 * KiB  # what reading may hold beyond the limit: a network read, a piece inflated
SLOW_ENOUGH_S = 20.0  # far below the stub's own GIVE_UP_S: a client that waits for it fails


@contextmanager
def client_of(
    answer: Callable[[Request], Reply], limits: Limits = SMALL, retry: RetryPolicy = QUICK
) -> Iterator[tuple[Http, BadServer]]:
    with BadServer(answer) as server:
        http = Http(
            server.base_url,
            BasicAuth(Secret("Zq7vK2mW9xR4tL8p")),
            timeouts=Timeouts(connect_s=2.0, read_s=1.0),
            retry=retry,
            limits=limits,
        )
        try:
            yield http, server
        finally:
            http.close()


def always(reply: Reply) -> Callable[[Request], Reply]:
    return lambda request: reply


def peak_while(action: Callable[[], Any]) -> tuple[int, BaseException | None]:
    """The most memory Python allocated during `action` (tracemalloc), and what it raised."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        raised: BaseException | None = None
        try:
            action()
        except Exception as error:  # returned for the test to check
            raised = error
        return tracemalloc.get_traced_memory()[1] - before, raised
    finally:
        tracemalloc.stop()


# --- bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_decompression_bomb_stops_at_the_largest_body_in_bounded_memory(encoding: str) -> None:
    with client_of(always(bomb_reply(encoding, 64))) as (http, _):
        peak, raised = peak_while(lambda: http.get_json("/data"))
    assert isinstance(raised, BodyTooLarge)
    assert raised.limit == "max_body_bytes"
    assert "past 256 KiB, the largest answer accepted (max_body_bytes)" in str(raised)
    assert peak < SMALL.max_body_bytes + MARGIN, f"{peak:,} bytes held"


def test_an_endless_chunked_body_stops_at_the_limit_in_bounded_memory() -> None:
    with client_of(always(Endless())) as (http, _):
        peak, raised = peak_while(lambda: http.get_json("/data"))
    assert isinstance(raised, BodyTooLarge), raised
    assert raised.limit in ("max_wire_bytes", "max_body_bytes")
    assert peak < SMALL.max_body_bytes + MARGIN, f"{peak:,} bytes held"


def test_a_huge_valid_body_is_refused_by_its_length_or_while_it_streams() -> None:
    with client_of(always(Huge(100 * 1024 * KiB))) as (http, _):
        peak, raised = peak_while(lambda: http.get_json("/data"))
    assert isinstance(raised, BodyTooLarge)
    assert "announces 104,857,598 bytes, more than 256 KiB" in str(raised)
    assert raised.limit == "max_wire_bytes"
    assert peak < MARGIN
    with client_of(always(Huge(100 * 1024 * KiB, announce=False))) as (http, _):
        peak, raised = peak_while(lambda: http.get_json("/data"))
    assert isinstance(raised, BodyTooLarge)
    assert peak < SMALL.max_body_bytes + MARGIN, f"{peak:,} bytes held"


def test_a_body_within_the_limits_is_read_compressed_or_not() -> None:
    body = {"data": [{"n": n} for n in range(1000)]}
    with client_of(always(json_reply(200, body))) as (http, _):
        assert http.get_json("/data") == body
    with client_of(always(gzipped(body))) as (http, _):
        assert http.get_json("/data") == body
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)  # deflate without its header
    raw = packer.compress(json.dumps(body).encode()) + packer.flush()
    with client_of(always(Whole(200, raw, {"Content-Encoding": "deflate"}))) as (http, _):
        assert http.get_json("/data") == body


@pytest.mark.parametrize("encoding", ["gzip, gzip", "br", "zstd", "compress"])
def test_encodings_we_did_not_ask_for_are_refused(encoding: str) -> None:
    reply = Whole(200, b"{}", {"Content-Encoding": encoding})
    with client_of(always(reply)) as (http, _), pytest.raises(MalformedResponse) as caught:
        http.get_json("/data")
    assert f"encoded as {encoding!r}" in str(caught.value)


def test_bad_gzip_data_is_unreadable_not_a_crash() -> None:
    reply = Whole(200, b"\x1f\x8b\x08\x00not gzip at all", {"Content-Encoding": "gzip"})
    with client_of(always(reply)) as (http, _), pytest.raises(MalformedResponse) as caught:
        http.get_json("/data")
    assert "could not be decoded (bad gzip data)" in str(caught.value)


# --- time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply", [Trickle(), Trickle(headers_too=True), Silent()], ids=["body", "headers", "silent"]
)
def test_a_trickle_or_a_silence_ends_at_the_request_deadline(reply: Reply) -> None:
    with client_of(always(reply)) as (http, _):
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded) as caught:
            http.get_json("/data")
        took = time.monotonic() - started
    assert caught.value.limit == "request_deadline_s"
    assert "within 1.5 s, the request deadline (request_deadline_s)" in str(caught.value)
    assert took < SLOW_ENOUGH_S  # the stub trickles for 30 s: the per-read timeout never fires


def test_the_request_deadline_counts_retries() -> None:
    """Each try stalls past the read timeout; the deadline ends the tries, not their count."""
    many = replace(QUICK, attempts=100)
    with (
        client_of(always(Silent()), retry=many) as (http, server),
        pytest.raises(DeadlineExceeded),
    ):
        http.get_json("/data")
    assert 1 <= len(server.seen) <= 3


def test_a_listing_ends_at_its_deadline_as_partial() -> None:
    pages = Pages(total=10)

    def slow(request: Request) -> Reply:
        if request.params.get("currentPage") != "1":
            time.sleep(0.6)
        return pages(request)

    with client_of(slow) as (http, _):
        fetched = fetch_all(http, "/list", [], dict, page_size=1, concurrency=1)
    assert fetched.partial
    assert isinstance(fetched.error, DeadlineExceeded)
    assert fetched.error.limit == "listing_deadline_s"
    assert 1 <= fetched.pages_fetched < 10


# --- waits -----------------------------------------------------------------------------------


def test_a_429_asking_too_long_a_wait_is_refused_at_once() -> None:
    reply = json_reply(429, {"title": "Too many requests"}, **{"Retry-After": "3600"})
    with client_of(always(reply)) as (http, server):
        started = time.monotonic()
        with pytest.raises(RateLimited) as caught:
            http.get_json("/data")
        assert time.monotonic() - started < SLOW_ENOUGH_S
    assert len(server.seen) == 1
    assert caught.value.limit.startswith("max_rate_limit_wait_s")
    assert "the server asked to wait 3600 s, more than the 2 s limit" in str(caught.value)


def test_a_200_asking_to_wait_a_day_is_refused_not_slept() -> None:
    reply = json_reply(
        200, {"ok": 1}, **{"X-RateLimit-Remaining": "0", "X-RateLimit-Retry-After": "86400"}
    )
    with client_of(always(reply)) as (http, server):
        assert http.get_json("/data") == {"ok": 1}
        started = time.monotonic()
        with pytest.raises(WaitTooLong) as caught:
            http.get_json("/data")
        assert time.monotonic() - started < SLOW_ENOUGH_S
        assert "asked to wait 86400 s, more than the 2 s limit" in str(caught.value)
        assert len(server.seen) == 1
        # the next command asks the server afresh rather than inheriting the refusal
        assert http.get_json("/data") == {"ok": 1}


def test_429s_that_never_end_stop_at_the_wait_budget() -> None:
    reply = json_reply(429, {"title": "Too many requests"}, **{"Retry-After": "1"})
    with client_of(always(reply)) as (http, server), pytest.raises(RateLimited) as caught:
        http.get_json("/data")
    assert caught.value.limit.startswith("wait_budget_s")
    assert "more than the 3 s limit (wait_budget_s" in str(caught.value)
    assert 2 <= len(server.seen) <= 4


def test_bursts_of_short_429s_are_ridden_out() -> None:
    """A dozen 429s in a row for one request (four bursts of three): the default policy waits
    them out (the old limit of 6 tries gave up)."""
    answers = iter([json_reply(429, {}, **{"Retry-After": "0"})] * 12)

    def answer(request: Request) -> Reply:
        return next(answers, json_reply(200, {"ok": 1}))

    with client_of(answer, retry=replace(RetryPolicy(), base_delay_s=0.01)) as (http, server):
        assert http.get_json("/data") == {"ok": 1}
    assert len(server.seen) == 13


# --- pagination ------------------------------------------------------------------------------


def test_pages_that_all_say_page_1_end_the_list_as_partial() -> None:
    def lie(page: int, body: dict[str, Any]) -> dict[str, Any]:
        first = Pages(15)(Request("GET", "/list", {"currentPage": "1", "pageSize": "3"}))
        assert isinstance(first, Whole)
        return dict(json.loads(first.body))

    with client_of(Pages(15, lie)) as (http, _):
        fetched = fetch_all(http, "/list", [], dict, page_size=3, concurrency=1)
    assert fetched.partial
    assert isinstance(fetched.error, MalformedResponse)
    assert "page 2 was asked for but the answer says it is page 1" in str(fetched.error)
    assert [item["n"] for item in fetched.items] == [0, 1, 2]  # never the same page twice


def test_a_page_count_beyond_the_limit_is_refused() -> None:
    def claim(page: int, body: dict[str, Any]) -> dict[str, Any]:
        pagination = {**body["pagination"], "pagesTotal": 99999}
        pagination.pop("itemsTotal")
        return {"data": [] if page > 1 else body["data"], "pagination": pagination}

    with client_of(Pages(3, claim)) as (http, server), pytest.raises(TooManyPages) as caught:
        fetch_all(http, "/list", [], dict)
    assert "announces 99,999 pages, more than the 20 a listing may take (max_pages)" in str(
        caught.value
    )
    assert len(server.seen) == 1


def test_an_empty_page_before_the_last_ends_the_list() -> None:
    def hollow(page: int, body: dict[str, Any]) -> dict[str, Any]:
        pagination = {**body["pagination"], "pagesTotal": 10}
        pagination.pop("itemsTotal")
        return {"data": body["data"] if page == 1 else [], "pagination": pagination}

    with client_of(Pages(3, hollow)) as (http, server):
        fetched = fetch_all(http, "/list", [], dict, page_size=3, concurrency=1)
    assert fetched.partial
    assert "page 2 of 10 is empty" in str(fetched.error)
    assert len(server.seen) < 10


@pytest.mark.parametrize("claimed", [15, 99999])
def test_items_total_bounds_the_pages_asked_for(claimed: int) -> None:
    def inflate(page: int, body: dict[str, Any]) -> dict[str, Any]:
        pagination = {**body["pagination"], "pagesTotal": claimed}
        return {"data": body["data"] if page == 1 else [], "pagination": pagination}

    with client_of(Pages(3, inflate)) as (http, server):
        fetched = fetch_all(http, "/list", [], dict)
    assert not fetched.partial and len(fetched.items) == 3
    assert len(server.seen) == 1


def test_next_links_that_go_on_forever_stop_at_the_page_limit() -> None:
    def answer(request: Request) -> Reply:
        page = int(request.params.get("currentPage", "1"))
        link = {"rel": "next", "uri": f"/list?currentPage={page + 1}"}
        return json_reply(200, {"data": [{"n": page}], "pagination": {"links": [link]}})

    with client_of(answer) as (http, server):
        fetched = fetch_all(http, "/list", [], dict)
    assert fetched.partial and isinstance(fetched.error, TooManyPages)
    assert "past 20 pages" in str(fetched.error)
    assert len(server.seen) == 20


def test_next_links_whose_page_never_advances_end_the_walk() -> None:
    def answer(request: Request) -> Reply:
        page = int(request.params.get("currentPage", "1"))
        link = {"rel": "next", "uri": f"/list?currentPage={page + 1}"}
        body = {"data": [{"n": 1}], "pagination": {"currentPage": 1, "links": [link]}}
        return json_reply(200, body)

    with client_of(answer) as (http, server):
        fetched = fetch_all(http, "/list", [], dict)
    assert fetched.partial
    assert "page 2 was asked for but the answer says it is page 1" in str(fetched.error)
    assert len(server.seen) == 2


# --- numbers and text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("NaN", "that is not finite (NaN)"),
        ("Infinity", "that is not finite (Infinity)"),
        ("-Infinity", "that is not finite (-Infinity)"),
        ("1e999", "beyond a float's range (1e999)"),
        ("-1e999", "beyond a float's range (-1e999)"),
        ("1" * 500, "of 500 digits"),
    ],
)
def test_numbers_that_are_not_finite_are_refused(number: str, says: str) -> None:
    reply = raw_json(f'{{"context": {{}}, "data": {number}}}')
    with client_of(always(reply)) as (http, _), pytest.raises(MalformedResponse) as caught:
        http.get_json("/data/metrics/play/count")
    assert f"unreadable response, the body holds a number {says}" in str(caught.value)


def test_text_no_encoder_can_write_is_kept_escaped() -> None:
    body = '{"title": "a\\ud800b", "ok": "caf\\u00e9 \\ud83d\\ude00", "\\udfff": 1}'
    with client_of(always(raw_json(body))) as (http, _):
        got = http.get_json("/data")
    assert got == {"title": "a\\ud800b", "ok": "café 😀", "\\udfff": 1}
    for text in (*got, *[v for v in got.values() if isinstance(v, str)]):
        text.encode("utf-8")  # every string can be written now
    bad_bytes = Whole(200, b'{"title": "a\xffb\xed\xa0\x80c"}')
    with client_of(always(bad_bytes)) as (http, _):
        title = http.get_json("/data")["title"]
    assert title == "a\\udcffb\\udced\\udca0\\udc80c"


# --- the limits themselves -------------------------------------------------------------------


def test_the_default_limits_are_the_documented_ones() -> None:
    """The values a person never meets (explorer/api/limits.py, the README's Limits table)."""
    assert Limits() == Limits(
        max_body_bytes=8 * 1024 * KiB,
        max_wire_bytes=8 * 1024 * KiB,
        request_deadline_s=60.0,
        listing_deadline_s=3600.0,
        max_pages=10_000,
        wait_budget_s=120.0,
        max_download_bytes=1024 * 1024 * KiB,
    )
    retry = RetryPolicy()
    assert (retry.attempts, retry.rate_limited_attempts, retry.max_rate_limit_wait_s) == (5, 30, 90)
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    for name in [*Limits.__dataclass_fields__, "max_rate_limit_wait_s", "rate_limited_attempts"]:
        assert f"`{name}`" in readme, f"{name} is not in the README's Limits table"


def test_the_clients_take_the_limits_given() -> None:
    from explorer.api.client import ApiVideoClient, ClientOptions
    from explorer.api.videocloud import VideoCloudClient, VideoCloudOptions

    options = ClientOptions(limits=SMALL)
    with ApiVideoClient("http://127.0.0.1:9", Secret("k"), options=options) as a:
        assert a.http.limits is SMALL
    with VideoCloudClient(
        "http://127.0.0.1:9", Secret("k"), options=VideoCloudOptions(limits=SMALL)
    ) as v:
        assert v.http.limits is SMALL
        assert v.http.pacer.max_wait_s == RetryPolicy().max_rate_limit_wait_s


def test_the_environment_s_proxy_is_still_used_with_the_deadline_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Our own transport (deadline.py) would lose httpx's HTTPS_PROXY / NO_PROXY handling;
    Http reads them itself."""
    from explorer.api.http import _env_proxy

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    assert _env_proxy("https://ws.api.video") == "http://proxy.example:3128"
    assert _env_proxy("https://internal.example") is None
    assert _env_proxy("http://127.0.0.1:8080") is None  # no HTTP_PROXY
