"""Compare and rank (issue 18): a split's fan-out against a sequential loop and its latency
floor, and "what hurts most" over the default sandbox.

* `compare.split_continents`: impression-time average (aggregate-only) split over the 7
  continents, last 7 days, through a sandbox that adds 100 ms to every request at the default
  rate limit (500 a minute). Ours sends the 7 filtered requests concurrently within the rate
  budget (explorer.services.fanout); the baseline asks them one after the other in the same
  run, on the same client. The latency floor is the slowest of those 7 requests asked alone
  (the sequential loop's longest): with every request in flight at once, the split cannot end
  sooner. Each figure is the median of `REPEAT` runs.
* `compare.rank`: the ranking over the default sandbox (default scale, no added latency, last
  7 days): time to the first rows and to the whole ranking.

A smoke run (`run.py --smoke`) uses the small scale and 5 ms added; its figures keep the names.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.domain.impact import RankRequest
from explorer.domain.query import Query
from explorer.domain.splits import SplitQuestion
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.database import open_dataset
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.ratelimit import DEFAULT_RATE_LIMIT
from explorer.sandbox.server import SandboxService
from explorer.services.comparisons import Comparisons
from explorer.services.ranking import Ranking
from explorer.services.sources.apivideo.source import ApiVideoSource
from tests.benchmarks import Figure, benchmark, sized

LATENCY_MS = sized(100, 5)
SCALE = sized("default", "small")
REPEAT = sized(5, 1)


def _source(latency_ms: int) -> tuple[ApiVideoSource, SandboxService]:
    service = SandboxService(
        open_dataset(1, SCALE),
        rate_limit=DEFAULT_RATE_LIMIT,
        faults=FaultPlan(latency_ms=latency_ms),
    ).start()
    client = ApiVideoClient(service.base_url, Secret(DEFAULT_API_KEY))
    return ApiVideoSource(client, "bench", "LOCAL"), service


@benchmark("compare.split_continents")
def _split() -> list[Figure]:
    source, service = _source(LATENCY_MS)
    try:
        now = source.now()
        base = Query(
            endpoint=Endpoint.METRICS,
            metric="impression-time",
            aggregation="average",
            start=now - timedelta(days=7),
            end=now,
        )
        question = SplitQuestion(base, "continent")
        comparisons = Comparisons(source.run_query, source.rate_budget, source.now)
        source.run_query(base)  # the connection and the token, outside the timings
        ours, loop, floors = [], [], []
        for _ in range(REPEAT):
            started = time.perf_counter()
            answer = comparisons.run_split(question)
            ours.append(time.perf_counter() - started)
            assert answer.complete, answer.summary()
            each = []
            started = time.perf_counter()
            for _, query in question.queries():
                one = time.perf_counter()
                source.run_query(query)
                each.append(time.perf_counter() - one)
            loop.append(time.perf_counter() - started)
            floors.append(max(each))
        our_s, loop_s, floor_s = (statistics.median(v) for v in (ours, loop, floors))
        return [
            Figure("compare.split_continents.time", our_s, "s", loop_s),
            Figure("compare.split_continents.time_vs_latency_floor", our_s, "s", floor_s),
        ]
    finally:
        source.close()
        service.stop()


@benchmark("compare.rank")
def _rank() -> list[Figure]:
    source, service = _source(0)
    try:
        now = source.now()
        comparisons = Comparisons(source.run_query, source.rate_budget, source.now)
        request = RankRequest(now - timedelta(days=7), now)
        first: list[float] = []
        started = time.perf_counter()

        def arrived(ranking: Ranking) -> None:
            if ranking.rows and not first:
                first.append(time.perf_counter() - started)

        ranking = comparisons.rank(request, deliver=arrived)
        total = time.perf_counter() - started
        assert ranking.complete and ranking.rows, ranking.missing
        return [
            Figure("compare.rank.first_rows", first[0], "s"),
            Figure("compare.rank.total", total, "s"),
            Figure("compare.rank.requests", float(ranking.parts_total), "requests"),
        ]
    finally:
        source.close()
        service.stop()
