"""fetch_all asks for a few pages ahead of the one awaited, on workers of background priority."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import httpx

from explorer.api.pagination import (
    BACKGROUND_NICENESS,
    WINDOW_PER_WORKER,
    fetch_all,
    run_in_background,
)
from tests.unit.api.support import http_for, json_response

PATH = "/analytics/videos/vi1"
PAGES, SIZE, WORKERS = 30, 100, 2


def number(item: dict[str, Any]) -> int:
    return int(item["n"])


def test_pages_are_asked_for_only_a_few_ahead_of_the_one_awaited() -> None:
    """Page 2 answers last of all: meanwhile the workers may run ahead by the window only
    (all the pages at once, as `pool.map` asked for them, would be 30)."""
    page_2_answered = threading.Event()
    lock = threading.Lock()
    asked_while_waiting: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["currentPage"])
        with lock:
            if not page_2_answered.is_set():
                asked_while_waiting.append(page)
        if page == 2:  # holds its worker until the other worker has gone as far as it may
            threading.Event().wait(0.3)
            page_2_answered.set()
        items = [{"n": n} for n in range((page - 1) * SIZE, page * SIZE)]
        pagination = {"currentPage": page, "pageSize": SIZE, "pagesTotal": PAGES,
                      "itemsTotal": PAGES * SIZE}  # fmt: skip
        return json_response(200, {"data": items, "pagination": pagination})

    delivered: list[int] = []
    with http_for(answer) as (http, _):
        fetched = fetch_all(
            http, PATH, [], number, concurrency=WORKERS, on_page=lambda p: delivered.append(p[0])
        )
    assert fetched.items == list(range(PAGES * SIZE)) and not fetched.partial
    assert delivered == [page * SIZE for page in range(PAGES)]  # in order all the same
    ahead = 1 + WORKERS * WINDOW_PER_WORKER  # page 1, then the window from page 2 on
    assert max(asked_while_waiting) == ahead, asked_while_waiting


def test_a_background_thread_gets_a_lower_cpu_priority_on_linux() -> None:
    seen: dict[str, int] = {}

    def work() -> None:
        thread = threading.get_native_id()
        seen["before"] = os.getpriority(os.PRIO_PROCESS, thread)
        run_in_background()
        seen["after"] = os.getpriority(os.PRIO_PROCESS, thread)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    if sys.platform.startswith("linux"):
        assert seen["after"] == max(seen["before"], BACKGROUND_NICENESS)
        assert os.getpriority(os.PRIO_PROCESS, 0) == seen["before"]  # this thread: untouched
    else:  # elsewhere a thread has no priority of its own to lower this way
        assert seen["after"] == seen["before"]
