"""fetch_all over MockTransport: order, concurrency, links, partial results, cancel, progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from explorer.api.errors import Forbidden, MalformedResponse, NotFound, ServerError
from explorer.api.pagination import fetch_all
from explorer.domain.cancel import Cancelled, CancelToken
from tests.unit.api.support import BASE_URL, http_for, json_response, problem

PATH = "/videos"


def number(item: dict[str, Any]) -> int:
    return int(item["n"])


class Listing:
    """A paginated list of items {"n": 0..total-1}, served like api.video's lists.

    `announce` overrides itemsTotal, `links_only` leaves pagesTotal out so that only the
    `next` links tell how to go on, and `before(page)` runs first (to fail or to wait).
    """

    def __init__(
        self,
        total: int,
        *,
        announce: int | None = None,
        links_only: bool = False,
        absolute_links: bool = False,
        before: Callable[[int], httpx.Response | None] | None = None,
    ) -> None:
        self.total = total
        self.announce = total if announce is None else announce
        self.links_only = links_only
        self.absolute_links = absolute_links
        self.before = before
        self.pages: list[int] = []
        self.sizes: set[str] = set()
        self.hosts: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self.done: set[int] = set()
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("currentPage", "1"))
        size = int(request.url.params.get("pageSize", "25"))
        with self.lock:
            self.pages.append(page)
            self.sizes.add(request.url.params.get("pageSize", ""))
            self.hosts.add(request.url.host)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            early = self.before(page) if self.before else None
            if early is not None:
                return early
            return json_response(200, self.body(page, size))
        finally:
            with self.lock:
                self.in_flight -= 1
                self.done.add(page)

    def body(self, page: int, size: int) -> dict[str, Any]:
        pages = max(1, -(-self.total // size))
        items = [{"n": n} for n in range((page - 1) * size, min(page * size, self.total))]
        links = [{"rel": "self", "uri": self.uri(page, size)}]
        if page < pages:
            links.append({"rel": "next", "uri": self.uri(page + 1, size)})
        pagination: dict[str, Any] = {
            "currentPage": page,
            "currentPageItems": len(items),
            "pageSize": size,
            "itemsTotal": self.announce,
            "links": links,
        }
        if not self.links_only:
            pagination["pagesTotal"] = pages
        return {"data": items, "pagination": pagination}

    def uri(self, page: int, size: int) -> str:
        relative = f"{PATH}?currentPage={page}&pageSize={size}"
        # the spec's examples use both; api.video's own host differs from ours here
        if self.absolute_links and page % 2:
            return "https://ws.api.video" + relative
        return relative


def test_all_pages_arrive_in_order_with_page_size_100() -> None:
    listing = Listing(450)
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [("title", "maths")], number)
    assert fetched.items == list(range(450))
    assert (fetched.pages_fetched, fetched.pages_total, fetched.items_total) == (5, 5, 450)
    assert not fetched.partial and fetched.error is None
    assert sorted(listing.pages) == [1, 2, 3, 4, 5]
    assert listing.sizes == {"100"}
    assert fetched.first["pagination"]["currentPage"] == 1


def test_other_parameters_are_kept_and_paging_ones_replaced() -> None:
    seen: list[list[tuple[str, str]]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(list(request.url.params.multi_items()))
        return json_response(200, {"data": [], "pagination": {"pagesTotal": 1}})

    with http_for(answer) as (http, _):
        fetch_all(http, PATH, [("tags[]", "a"), ("tags[]", "b"), ("currentPage", "7")], number)
    assert seen == [[("tags[]", "a"), ("tags[]", "b"), ("currentPage", "1"), ("pageSize", "100")]]


def test_the_first_page_comes_alone_then_the_rest_concurrently() -> None:
    barrier = threading.Barrier(4, timeout=3)
    order_problems: list[str] = []
    listing: Listing

    def meet(page: int) -> None:
        if page == 1:
            return None
        if 1 not in listing.done:
            order_problems.append(f"page {page} asked before page 1 was answered")
        barrier.wait()  # pages 2..5 must all be in flight at once to get past this
        return None

    listing = Listing(450, before=meet)
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number, concurrency=4)
    assert fetched.items == list(range(450)) and not fetched.partial
    assert order_problems == []
    assert listing.max_in_flight == 4
    assert listing.pages[0] == 1


def test_concurrency_one_fetches_one_page_at_a_time() -> None:
    listing = Listing(450)
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number, concurrency=1)
    assert fetched.items == list(range(450))
    assert listing.max_in_flight == 1
    assert listing.pages == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_next_links_are_followed_when_pages_total_is_missing(absolute: bool) -> None:
    listing = Listing(250, links_only=True, absolute_links=absolute)
    progress: list[tuple[int, int]] = []
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number, progress=lambda d, t: progress.append((d, t)))
    assert fetched.items == list(range(250))
    assert listing.pages == [1, 2, 3]
    assert listing.hosts == {httpx.URL(BASE_URL).host}  # never sent to the link's own host
    assert (fetched.pages_fetched, fetched.items_total, fetched.partial) == (3, 250, False)
    assert progress == [(1, 1), (2, 3), (3, 3)]


def test_a_failing_link_keeps_the_pages_before_it() -> None:
    listing = Listing(
        250, links_only=True, before=lambda p: problem(404, "Gone") if p == 3 else None
    )
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number)
    assert fetched.items == list(range(200))
    assert fetched.partial and isinstance(fetched.error, NotFound)


@pytest.mark.parametrize(
    "link",
    ["http://[::1/videos?currentPage=2", "0\x1f"],  # no URL at all; a character no URL holds
)
def test_a_next_link_that_is_not_a_url_ends_the_walk(link: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        links = [{"rel": "next", "uri": link}]
        return json_response(200, {"data": [{"n": 0}], "pagination": {"links": links}})

    with http_for(answer) as (http, server):
        fetched = fetch_all(http, PATH, [], number)
    assert fetched.items == [0]
    assert fetched.partial and isinstance(fetched.error, MalformedResponse)
    assert "the link to the next page is not a URL" in str(fetched.error)
    assert len(server.seen) == 1


def test_fewer_items_than_announced_is_partial() -> None:
    listing = Listing(200, announce=250)
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number)
    assert fetched.items == list(range(200))
    assert fetched.partial
    assert isinstance(fetched.error, MalformedResponse)
    assert str(fetched.error) == (
        f"unreadable response, 250 items were announced but 200 arrived (GET {PATH})"
    )


def test_a_failure_on_page_3_of_5_keeps_the_other_pages() -> None:
    barrier = threading.Barrier(4, timeout=3)
    failed_once: list[int] = []

    def page_3_fails(page: int) -> httpx.Response | None:
        if page == 1:
            return None
        if not (page == 3 and failed_once):
            barrier.wait()  # all four later pages are in flight before page 3 fails
        if page == 3:
            failed_once.append(page)
            return problem(500, "Server error")
        return None

    listing = Listing(450, before=page_3_fails)
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number, concurrency=4)
    assert fetched.items == [*range(200), *range(300, 450)]
    assert fetched.partial
    assert isinstance(fetched.error, ServerError) and fetched.error.status == 500
    assert (fetched.pages_fetched, fetched.pages_total) == (4, 5)
    assert listing.pages.count(3) == 3  # retried to the policy's bound


def test_a_failure_on_page_1_raises() -> None:
    listing = Listing(450, before=lambda p: problem(403, "No analytics."))
    with http_for(listing) as (http, _), pytest.raises(Forbidden):
        fetch_all(http, PATH, [], number)
    assert listing.pages == [1]


def test_a_malformed_first_page_raises() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"data": {"n": 1}, "pagination": {"pagesTotal": 1}})

    with http_for(answer) as (http, _), pytest.raises(MalformedResponse) as caught:
        fetch_all(http, PATH, [], number)
    assert str(caught.value) == (
        f"unreadable response, a page of {PATH} does not have the expected shape "
        "(1 validation error for Page): \"{'data': {'n': 1}, 'pagination': {'pagesTotal': 1}}\" "
        f"(GET {PATH})"
    )


def test_cancel_between_pages_raises_cancelled() -> None:
    listing = Listing(450)
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        token.cancel()  # the person cancels as soon as the first page shows

    with http_for(listing) as (http, _), pytest.raises(Cancelled):
        fetch_all(http, PATH, [], number, cancel=token, progress=progress)
    assert listing.pages == [1]  # no later page was asked for


def test_cancel_while_following_links_raises_cancelled() -> None:
    listing = Listing(450, links_only=True)
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done == 2:
            token.cancel()

    with http_for(listing) as (http, _), pytest.raises(Cancelled):
        fetch_all(http, PATH, [], number, cancel=token, progress=progress)
    assert listing.pages == [1, 2]


def test_cancel_before_the_first_page_sends_nothing() -> None:
    listing = Listing(10)
    token = CancelToken()
    token.cancel()
    with http_for(listing) as (http, _), pytest.raises(Cancelled):
        fetch_all(http, PATH, [], number, cancel=token)
    assert listing.pages == []


def test_progress_counts_pages_up_to_the_total() -> None:
    progress: list[tuple[int, int]] = []
    with http_for(Listing(450)) as (http, _):
        fetch_all(http, PATH, [], number, progress=lambda d, t: progress.append((d, t)))
    assert progress == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


@pytest.mark.parametrize(
    ("total", "pages"), [(0, 1), (1, 1), (100, 1), (101, 2)], ids=["empty", "one", "full", "spill"]
)
def test_edges_of_a_page(total: int, pages: int) -> None:
    progress: list[tuple[int, int]] = []
    listing = Listing(total)
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number, progress=lambda d, t: progress.append((d, t)))
    assert fetched.items == list(range(total)) and not fetched.partial
    assert sorted(listing.pages) == list(range(1, pages + 1))
    assert progress[-1] == (pages, pages)


def test_a_next_link_that_loops_ends_the_walk_as_partial() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"data": [{"n": 1}], "pagination": {"links": [{"rel": "next", "uri": "/v?x=1"}]}}
        return json_response(200, body)

    with http_for(handler) as (http, _):
        fetched = fetch_all(http, PATH, [], dict)
    assert fetched.partial and isinstance(fetched.error, MalformedResponse)
    assert "circle" in str(fetched.error)
    assert len(fetched.items) == 2  # the first page and the one the link led to


def test_an_absurd_page_count_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"data": [], "pagination": {"pagesTotal": 10**9}})

    with http_for(handler) as (http, _), pytest.raises(MalformedResponse):
        fetch_all(http, PATH, [], dict)


def test_on_page_receives_every_page_in_order_as_it_arrives() -> None:
    pages: list[list[int]] = []
    progress_when: list[int] = []
    with http_for(Listing(450)) as (http, _):
        fetched = fetch_all(
            http,
            PATH,
            [],
            number,
            on_page=pages.append,
            progress=lambda d, t: progress_when.append(len(pages)),
        )
    assert [len(p) for p in pages] == [100, 100, 100, 100, 50]
    assert [n for page in pages for n in page] == fetched.items
    assert progress_when == [1, 2, 3, 4, 5]  # each page is handed over before its progress


def test_on_page_along_next_links_and_around_a_failed_page() -> None:
    linked: list[list[int]] = []
    with http_for(Listing(250, links_only=True)) as (http, _):
        fetch_all(http, PATH, [], number, on_page=linked.append)
    assert [p[0] for p in linked] == [0, 100, 200]

    holed: list[list[int]] = []
    listing = Listing(450, before=lambda p: problem(404, "Gone") if p == 3 else None)
    with http_for(listing) as (http, _):
        fetched = fetch_all(http, PATH, [], number, on_page=holed.append, concurrency=1)
    assert fetched.partial
    assert [n for page in holed for n in page] == fetched.items  # never the failed page


@pytest.mark.parametrize("links_only", [False, True], ids=["pages-total", "links"])
def test_a_streamed_list_need_not_be_held_twice(links_only: bool) -> None:
    pages: list[list[int]] = []
    with http_for(Listing(250, links_only=links_only)) as (http, _):
        fetched = fetch_all(http, PATH, [], number, on_page=pages.append, keep_items=False)
    assert fetched.items == [] and fetched.items_received == 250
    assert [n for page in pages for n in page] == list(range(250))
    assert not fetched.partial
    with http_for(Listing(200, announce=250)) as (http, _):
        short = fetch_all(http, PATH, [], number, on_page=pages.append, keep_items=False)
    assert short.partial and "250 items were announced but 200 arrived" in str(short.error)
