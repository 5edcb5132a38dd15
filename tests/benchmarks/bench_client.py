"""The client's full fetches through a slow, rate-limited sandbox (100 ms added, 500/minute).

Two jobs: every player session of the busiest video of the `large` scale, and a breakdown of
10,000 rows (referrer pages of a dataset built here for the purpose). Each is run by our client
(pageSize 100, pages after the first fetched concurrently, paced by X-RateLimit-*) and by the
loop api.video's Python client makes you write (sequential pages of 25, sleeping through
429s), each against its own fresh server so that neither spends the other's budget. The floor
is the least time the rate limit allows for our number of requests: each full window of 500
requests costs a minute, the last partial window one round trip. A smoke run (`run.py --smoke`)
does both at the small scale, 200 rows wide, with 5 ms added; its figures keep the full names.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from explorer.api.client import ApiVideoClient
from explorer.api.pagination import DEFAULT_CONCURRENCY
from explorer.api.secrets import Secret
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import ANCHOR_MS, Dataset, build_dataset, open_dataset
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from tests.benchmarks import Figure, benchmark, sized, smoke

LATENCY_MS = sized(100, 5)
RATE_LIMIT = 500
WIDE_ROWS = sized(10_000, 200)
SCALE = sized("large", "small")
CACHE = Path(tempfile.gettempdir()) / "explorer-bench"  # the large dataset, kept between runs


def _service(dataset: Dataset, clock: Clock | None = None) -> SandboxService:
    return SandboxService(
        dataset, clock=clock, rate_limit=RATE_LIMIT, faults=FaultPlan(latency_ms=LATENCY_MS)
    ).start()


def floor_s(requests: int) -> float:
    return (requests - 1) // RATE_LIMIT * 60 + LATENCY_MS / 1000


def plain_loop(base_url: str, path: str, params: dict[str, str]) -> tuple[int, int]:
    """Sequential pages of 25, sleeping through 429s: (items, requests)."""
    items = requests = 0
    with httpx.Client(base_url=base_url, auth=(DEFAULT_API_KEY, ""), timeout=60) as client:
        page = 1
        while True:
            response = client.get(path, params={**params, "currentPage": page, "pageSize": 25})
            requests += 1
            if response.status_code == 429:
                time.sleep(int(response.headers["X-RateLimit-Retry-After"]) or 1)
                continue
            body = response.json()
            items += len(body["data"])
            if page >= body["pagination"]["pagesTotal"]:
                return items, requests
            page += 1


def _run(
    name: str,
    dataset: Dataset,
    ours: Callable[[ApiVideoClient], int],
    path: str,
    params: dict[str, str],
    clock: Clock | None = None,
) -> list[Figure]:
    service = _service(dataset, clock)
    try:
        client = ApiVideoClient(service.base_url, Secret(DEFAULT_API_KEY))
        started = time.perf_counter()
        count = ours(client)
        our_time = time.perf_counter() - started
        our_requests = client.http.requests_sent
        client.close()
    finally:
        service.stop()
    service = _service(dataset, clock)
    try:
        started = time.perf_counter()
        their_count, their_requests = plain_loop(service.base_url, path, params)
        their_time = time.perf_counter() - started
    finally:
        service.stop()
    assert their_count == count, (their_count, count)
    print(f"# {name}: {count} items; ours {our_requests} requests, loop {their_requests}")
    concurrency = DEFAULT_CONCURRENCY
    return [
        Figure(f"client.{name}.time", our_time, "s", their_time),
        Figure(f"client.{name}.requests", our_requests, "requests", their_requests),
        Figure(f"client.{name}.time_vs_rate_limit_floor", our_time, "s", floor_s(our_requests)),
        # below the budget the round trips bind: requests x latency / concurrent requests
        Figure(
            f"client.{name}.time_vs_latency_floor",
            our_time,
            "s",
            our_requests * LATENCY_MS / 1000 / concurrency,
        ),
    ]


@benchmark("client.busiest_video_sessions")
def _sessions() -> list[Figure]:
    if smoke():  # nothing left behind
        with tempfile.TemporaryDirectory(prefix="bench-client-") as folder:
            return _busiest_video_sessions(open_dataset(1, SCALE, Path(folder)))
    return _busiest_video_sessions(open_dataset(1, SCALE, CACHE))


def _busiest_video_sessions(dataset: Dataset) -> list[Figure]:
    db = dataset.connection()
    (media_id,) = db.execute(
        "SELECT media_id FROM sessions WHERE media_type = 'video' "
        "GROUP BY media_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    now = datetime.now(UTC)
    today = now.date()
    period = f"{today - timedelta(days=31)}/{today}"
    path = f"/analytics/videos/{media_id}"
    return _run(
        "busiest_video_sessions",
        dataset,
        lambda c: len(c.sessions("video", media_id, period).items),
        path,
        {"period": period},
        Clock(int(now.timestamp() * 1000)),  # both runs see the same sessions
    )


def _wide_dataset(folder: Path) -> Dataset:
    """WIDE_ROWS referrer pages, each with three sessions that loaded and played yesterday."""

    def populate(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO meta VALUES ('anchor_ms', ?)", (str(ANCHOR_MS),))
        db.execute(
            "INSERT INTO videos VALUES ('viWIDEWIDEWIDEWIDEWIDE','Wide','',0,0,0,'[]','[]',"
            "1,0,1,NULL,'en',60,NULL,0)"
        )
        sessions, events = [], []
        for sid in range(WIDE_ROWS * 3):
            t = ANCHOR_MS - 3_600_000 + sid * 10
            page = f"https://news.example.com/articles/{sid % WIDE_ROWS:05d}"
            sessions.append((sid, f"ps{sid:020d}", t, page))
            events += [
                (sid, 0, "ready", t + 200),
                (sid, 1, "play", t + 500),
                (sid, 2, "pause", t + 20_500),
            ]
        db.executemany(
            "INSERT INTO sessions VALUES (?,?,'viWIDEWIDEWIDEWIDEWIDE','video',?,?,NULL,'EU',"
            "'FR','Paris','computer','Dell','x','windows','W10','10','chrome','131.0','browser',"
            "?,'unknown','unknown','unknown','[]')",
            [(sid, name, sid, t, page) for sid, name, t, page in sessions],
        )
        db.executemany("INSERT INTO events VALUES (?,?,?,?,NULL,NULL,NULL)", events)

    return build_dataset(folder / "wide.sqlite", populate)


@benchmark("client.breakdown_10k")
def _breakdown() -> list[Figure]:
    from explorer.domain.catalogue import Endpoint
    from explorer.domain.query import Query

    clock = Clock(ANCHOR_MS)
    query = Query(endpoint=Endpoint.BUCKETS, metric="play", breakdown="referrer")
    with tempfile.TemporaryDirectory(prefix="bench-wide-") as folder:
        return _run(
            "breakdown_10k",
            _wide_dataset(Path(folder)),
            lambda c: len(c.buckets(query)),
            "/data/buckets/play/referrer",
            {},
            clock,
        )
