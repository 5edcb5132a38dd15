"""Fetch every page of a list: the first alone, the rest concurrently within the rate limit.

A failure after the first page does not throw away what arrived: the pages that came back are
returned in order with the error, and `partial` says so. Items fewer than `itemsTotal` are
reported the same way. Cancel stops between pages (a request in flight finishes or times out);
only a few pages per worker are asked for ahead of the one awaited (WINDOW_PER_WORKER).
An optional `on_page` callback receives each page's items on the calling thread as soon as
the page can be placed in order, so a caller can show a long list while it arrives; what it
receives, concatenated, is exactly `Fetched.items`, unless `keep_items=False` says that the
caller keeps what it needs of each page (then `items` stays empty; `items_received` counts).

Pagination is checked, not trusted (limits: explorer.api.limits): the pages fetched are
`pagesTotal`, bounded by what `itemsTotal` needs at the page size (a list whose pages, so
bounded, pass `Limits.max_pages` is refused); each page must be the page asked for (`currentPage`,
when the answer gives it); an empty page before the last ends the listing; a walk along
`next` links stops at a link seen before, at `max_pages`, at an empty page, or once the
items announced have arrived. The whole listing ends by `Limits.listing_deadline_s`. Each of
these ends the list as partial, with an error that says which.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
from pydantic import ValidationError

from explorer.api.deadline import deadline
from explorer.api.errors import ApiError, DeadlineExceeded, MalformedResponse, TooManyPages
from explorer.api.http import Http
from explorer.api.limits import DEFAULT_LIMITS, Limits, seconds
from explorer.api.models import Page, Pagination
from explorer.domain.cancel import (
    NEVER_CANCELLED,
    CancelToken,
    ProgressCallback,
    no_progress,
)

T = TypeVar("T")
PageCallback = Callable[[list[T]], None]
PAGE_SIZE = 100
DEFAULT_CONCURRENCY = 4
WINDOW_PER_WORKER = 2
"""Pages asked for ahead of the one awaited, per worker: enough to keep every worker busy
while pages come back out of order. Asking for all of them at once (`pool.map`) held a
thousand futures with their locks for the whole list, and every full garbage collection,
whichever thread ran it, walked them all."""
BACKGROUND_NICENESS = 10
"""The page workers' nice value (run_in_background): the GUI thread gets about nine tenths of
a core it shares with one of them."""


@dataclass
class Fetched(Generic[T]):
    items: list[T]
    first: dict[str, Any]  # page 1 as it came (its `context` describes the whole result)
    pages_fetched: int
    pages_total: int
    items_total: int | None
    error: ApiError | None = None
    items_received: int = 0  # equals len(items) unless the items were not kept

    @property
    def partial(self) -> bool:
        return self.error is not None


def _page(
    http: Http,
    path: str,
    params: Sequence[tuple[str, str]],
    parse: Callable[[dict[str, Any]], T],
    cancel: CancelToken,
    number: int | None = None,
) -> tuple[dict[str, Any], list[T], Pagination]:
    """Page `number` (when known: its answer must say it is that page, if it says)."""
    body = http.get_json(path, params, cancel)
    try:
        page = Page.model_validate(body)
        items = [parse(item) for item in page.data]
    except (ValidationError, ValueError, TypeError, OverflowError) as error:
        raise MalformedResponse(
            f"a page of {path} does not have the expected shape ({_first_line(error)})",
            excerpt=str(body),
            request=f"GET {path}",
        ) from None
    answered = page.pagination.current_page
    if number is not None and answered is not None and answered != number:
        raise MalformedResponse(
            f"page {number} was asked for but the answer says it is page {answered}; "
            "the server's pagination cannot be trusted, so the list stops here",
            request=f"GET {path}",
        )
    return body, items, page.pagination


def _empty(path: str, number: int, total: int | None) -> MalformedResponse:
    of = f" of {total}" if total else ""
    return MalformedResponse(
        f"page {number}{of} is empty although more pages were announced; the list stops here",
        request=f"GET {path}",
    )


def _limits(http: Http) -> Limits:
    """The client's limits (a stand-in for Http without any gets the defaults)."""
    limits = getattr(http, "limits", DEFAULT_LIMITS)
    return limits if isinstance(limits, Limits) else DEFAULT_LIMITS


class _Clock:
    """The listing deadline: how long the listing has left."""

    def __init__(self, http: Http, path: str) -> None:
        self.allowed = _limits(http).listing_deadline_s
        self.until = time.monotonic() + self.allowed
        self.path = path

    def left(self) -> float:
        return self.until - time.monotonic()

    def error(self, fetched: int) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"the list was not complete within {seconds(self.allowed)}, the listing deadline "
            f"(listing_deadline_s), after {fetched} pages; ask for less (a shorter period)",
            limit="listing_deadline_s",
            request=f"GET {self.path}",
        )


def _pages_needed(pagination: Pagination, page_size: int) -> int:
    """pagesTotal, bounded by the pages itemsTotal fills at the page size."""
    total = max(1, pagination.pages_total or 1)
    if pagination.items_total is not None:
        size = max(1, pagination.page_size or page_size)
        total = min(total, max(1, math.ceil(pagination.items_total / size)))
    return total


def run_in_background() -> None:
    """Lower the calling thread's CPU priority to BACKGROUND_NICENESS (Linux, where a thread
    has a nice value of its own; elsewhere nothing changes). Page workers parse while the GUI
    thread paints: at equal priority, in the GUI's longest stalls of a 100,000-session list
    (2 cores, the sandbox busy on one), it waited 9 to 20 ms for a core; at this priority 5 to
    6 ms. A lowered worker still gets any core the GUI leaves idle."""
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):  # not allowed, or not this kernel's way: leave it
        if os.getpriority(os.PRIO_PROCESS, thread) < BACKGROUND_NICENESS:
            os.setpriority(os.PRIO_PROCESS, thread, BACKGROUND_NICENESS)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _ignore(items: list[Any]) -> None:
    """The page callback of callers that only want the whole list."""


def _with_page(params: Sequence[tuple[str, str]], page: int, size: int) -> list[tuple[str, str]]:
    rest = [(k, v) for k, v in params if k not in ("currentPage", "pageSize")]
    return [*rest, ("currentPage", str(page)), ("pageSize", str(size))]


def fetch_all(
    http: Http,
    path: str,
    params: Sequence[tuple[str, str]] | Mapping[str, str],
    parse: Callable[[dict[str, Any]], T],
    *,
    page_size: int = PAGE_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
    on_page: PageCallback[T] | None = None,
    keep_items: bool = True,
) -> Fetched[T]:
    """All items of a paginated list; raises on a failure of the first page only.

    `on_page(items)` is called with each page in page order, from the calling thread; with
    `keep_items=False` the pages are not gathered into `Fetched.items` (a long list streamed
    into another form need not be held twice)."""
    deliver = on_page or _ignore
    base = list(params.items()) if isinstance(params, Mapping) else list(params)
    clock = _Clock(http, path)
    with deadline(clock.left()):
        first, items, pagination = _page(
            http, path, _with_page(base, 1, page_size), parse, cancel, 1
        )
    total_pages = _pages_needed(pagination, page_size)
    limit = _limits(http).max_pages
    if total_pages > limit:
        raise TooManyPages(
            f"the answer announces {total_pages:,} pages, more than the {limit:,} a listing may "
            "take (max_pages); ask for less (a shorter period, a filter)",
            request=f"GET {path}",
        )
    if total_pages > 1 and not items:
        raise _empty(path, 1, total_pages)
    deliver(items)
    progress(1, total_pages)
    if pagination.pages_total is None and pagination.link("next"):
        return _follow_links(
            http, path, first, items, pagination, parse, cancel, progress, deliver, keep_items,
            clock,
        )  # fmt: skip

    pages: dict[int, list[T]] = {1: items if keep_items else []}
    received = len(items)
    error: ApiError | None = None
    failed = threading.Event()

    def fetch(number: int) -> tuple[int, list[T] | ApiError | None]:
        if failed.is_set() or cancel.cancelled:
            return number, None  # skipped
        try:
            if clock.left() <= 0:
                raise clock.error(len(pages))
            with deadline(clock.left()):
                _, page_items, _ = _page(
                    http, path, _with_page(base, number, page_size), parse, cancel, number
                )
            if not page_items and number < total_pages:
                raise _empty(path, number, total_pages)
            return number, page_items
        except ApiError as exc:
            failed.set()
            if clock.left() <= 0 and not isinstance(exc, DeadlineExceeded):
                exc = clock.error(len(pages))
            return number, exc

    if total_pages > 1:
        workers = max(1, concurrency)
        numbers = iter(range(2, total_pages + 1))
        window: deque[Future[tuple[int, list[T] | ApiError | None]]] = deque()
        with ThreadPoolExecutor(
            workers, thread_name_prefix="pages", initializer=run_in_background
        ) as pool:
            while True:
                while len(window) < workers * WINDOW_PER_WORKER and not (
                    failed.is_set() or cancel.cancelled
                ):
                    number = next(numbers, None)
                    if number is None:
                        break
                    window.append(pool.submit(fetch, number))
                if not window:
                    break
                number, result = window.popleft().result()
                if isinstance(result, ApiError):
                    error = error or result
                elif result is not None:
                    pages[number] = result if keep_items else []
                    received += len(result)
                    deliver(result)
                progress(len(pages), total_pages)
    cancel.raise_if_cancelled()
    collected = [item for number in sorted(pages) for item in pages[number]]
    expected = pagination.items_total
    if error is None and expected is not None and received < expected:
        error = MalformedResponse(
            f"{expected} items were announced but {received} arrived", request=f"GET {path}"
        )
    return Fetched(collected, first, len(pages), total_pages, expected, error, received)


def _follow_links(
    http: Http,
    path: str,
    first: dict[str, Any],
    items: list[T],
    pagination: Pagination,
    parse: Callable[[dict[str, Any]], T],
    cancel: CancelToken,
    progress: ProgressCallback,
    deliver: PageCallback[T],
    keep_items: bool,
    clock: _Clock,
) -> Fetched[T]:
    """No pagesTotal: walk the `next` links (relative or absolute) one by one."""
    collected, fetched, received = list(items) if keep_items else [], 1, len(items)
    error: ApiError | None = None
    total = pagination.items_total
    next_uri = pagination.link("next")
    seen: set[str] = set()
    while next_uri and (total is None or received < total):
        if next_uri in seen:
            error = MalformedResponse(
                "the next-page links go round in a circle", excerpt=next_uri, request=f"GET {path}"
            )
            break
        if fetched >= _limits(http).max_pages:
            error = TooManyPages(
                f"the next-page links go on past {_limits(http).max_pages:,} pages, the most a "
                "listing may take (max_pages); ask for less (a shorter period, a filter)",
                request=f"GET {path}",
            )
            break
        if clock.left() <= 0:
            error = clock.error(fetched)
            break
        seen.add(next_uri)
        try:
            target = urlsplit(urljoin(http.base_url + "/", next_uri))
            httpx.URL(target.path)  # a character no URL may hold (a control character)
        except (ValueError, httpx.InvalidURL):  # e.g. "http://[::1": not a URL at all
            error = MalformedResponse(
                "the link to the next page is not a URL", excerpt=next_uri, request=f"GET {path}"
            )
            break
        try:
            with deadline(clock.left()):
                _, page_items, pagination = _page(
                    http,
                    target.path,
                    parse_qsl(target.query, keep_blank_values=True),
                    parse,
                    cancel,
                    fetched + 1,
                )
        except ApiError as exc:
            error = clock.error(fetched) if clock.left() <= 0 else exc
            break
        if not page_items:
            if pagination.link("next"):
                error = _empty(path, fetched + 1, None)
            break
        if keep_items:
            collected.extend(page_items)
        received += len(page_items)
        deliver(page_items)
        fetched += 1
        progress(fetched, fetched + (1 if pagination.link("next") else 0))
        next_uri = pagination.link("next")
    return Fetched(collected, first, fetched, fetched, total, error, received)
