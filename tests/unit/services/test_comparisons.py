"""Split, comparison and ranking through an api.video source on the hand-built sandbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import httpx

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.domain.comparison import Shift
from explorer.domain.frames import ResultContext, ScalarResult, TimeseriesFrame
from explorer.domain.parts import Part, PartState
from explorer.domain.query import Query
from explorer.domain.splits import SplitQuestion
from explorer.sandbox.faults import Fault
from explorer.services.comparisons import Comparisons
from explorer.services.local_cache import LocalCache
from explorer.services.sources.apivideo.source import ApiVideoSource
from explorer.store import open_store
from tests.support.handmade import NOW
from tests.support.scenario import sessions
from tests.unit.conftest import Serve
from tests.unit.services.test_apivideo_source_store import FakeApi, fake_workspace

PINNED = datetime.fromisoformat(NOW)
QUICK = ClientOptions(retry=RetryPolicy(attempts=2, base_delay_s=0.0))


def source(api: httpx.Client) -> ApiVideoSource:
    client = ApiVideoClient(str(api.base_url), Secret("sandbox-local-key"), options=QUICK)
    return ApiVideoSource(client, "Shop", "LOCAL")


def metrics(metric: str, aggregation: str) -> Query:
    return Query(
        endpoint=Endpoint.METRICS,
        metric=metric,
        aggregation=aggregation,
        start=PINNED - timedelta(days=1),
        end=PINNED,
    )


def test_a_failed_part_is_missing_not_zero_and_the_others_match_direct_queries(
    serve: Serve,
) -> None:
    api = serve(sessions())
    shop = source(api)
    # one request at a time, so the two 500s (both tries of the first request) hit EU alone
    comparisons = Comparisons(shop.run_query, shop.rate_budget, lambda: PINNED, concurrency=1)
    question = SplitQuestion(metrics("impression-time", "average"), "continent", ("EU", "NA"))
    api.service.faults.inject(Fault.SERVER_ERROR, 2)  # type: ignore[attr-defined]
    seen: list[Part] = []
    answer = comparisons.run_split(question, deliver=seen.append)
    eu, na = answer.parts
    assert eu.state is PartState.FAILED and eu.result is None and answer.value("EU") is None
    assert "500" in eu.reason or "server" in eu.reason.lower()
    assert not answer.complete
    direct = shop.run_query(na.query)
    assert isinstance(direct, ScalarResult) and direct.value > 0
    assert answer.value("NA") == direct.value
    assert [p.key for p in seen] == ["EU", "NA"]
    shop.close()


def test_the_window_s_source_offers_comparisons_and_videocloud_does_not(serve: Serve) -> None:
    from explorer.services.sources.videocloud.source import VideoCloudSource

    shop = source(serve(sessions()))
    assert isinstance(shop.comparisons, Comparisons)
    assert VideoCloudSource.comparisons is None
    question = SplitQuestion(metrics("impression-time", "average"), "continent")
    assert shop.comparisons.split_cost(question).assumed  # nothing asked yet
    shop.comparisons.run_split(question)
    cost = shop.comparisons.split_cost(question)
    budget = shop.rate_budget()
    assert not cost.assumed and budget.limit is not None and budget.remaining is not None
    assert budget.reset_s is not None and 0 <= budget.reset_s <= 60
    assert f"({budget.limit} a minute, {budget.remaining} left)" in cost.sentence()
    assert cost.sentence().startswith("7 requests, about 1 s at the current rate budget")
    shop.close()


def test_an_earlier_period_beyond_the_lookback_comes_from_the_store_and_says_so(
    tmp_path: Path,
) -> None:
    opened = open_store(tmp_path / "store.sqlite3")
    store = opened.store
    now_hour = PINNED.replace(minute=0, second=0, microsecond=0)
    then = now_hour - timedelta(days=40)
    week = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="hour",
        start=then, end=then + timedelta(days=7),
    )  # fmt: skip
    context = ResultContext(Endpoint.TIMESERIES, "play", interval="hour")
    old = [(then + timedelta(hours=h), 1000.0 + h) for h in range(7 * 24)]
    LocalCache(store, "acc-1").keep_result(
        week, TimeseriesFrame.from_records(context, old), then + timedelta(days=7)
    )
    workspace = fake_workspace(FakeApi(lambda moment: 1.0), store)
    comparisons = workspace.comparisons
    assert comparisons is not None
    query = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="hour",
        start=now_hour - timedelta(days=3), end=now_hour,
    )  # fmt: skip
    answer = comparisons.run_comparison(query, Shift.parse("36d"))
    assert answer.warnings == ()
    assert answer.notes and "local store's history" in answer.notes[0]
    assert isinstance(answer.earlier, TimeseriesFrame)
    first_hour = int((now_hour - timedelta(days=39) - then) / timedelta(hours=1))
    assert answer.earlier.values.tolist() == [
        1000.0 + h for h in range(first_hour, first_hour + 72)
    ]
    aligned = answer.aligned_earlier()
    assert aligned is not None and isinstance(answer.current, TimeseriesFrame)
    assert aligned.timestamps.tolist() == answer.current.timestamps.tolist()
    store.close()


def test_an_earlier_period_with_no_history_is_cut_at_the_lookback_and_warns(
    tmp_path: Path,
) -> None:
    opened = open_store(tmp_path / "store.sqlite3")
    api = FakeApi(lambda moment: 2.0)
    workspace = fake_workspace(api, opened.store)
    comparisons = workspace.comparisons
    assert comparisons is not None
    now_hour = PINNED.replace(minute=0, second=0, microsecond=0)
    query = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="hour",
        start=now_hour - timedelta(days=4), end=now_hour,
    )  # fmt: skip
    answer = comparisons.run_comparison(query, Shift.parse("28d"))
    (warning,) = answer.warnings
    assert "too little data to compare" in warning and "not in the local store's history" in warning
    assert answer.earlier_range[0] >= PINNED - timedelta(days=30)  # never asked beyond it
    assert all(q.start is not None and q.start >= PINNED - timedelta(days=30) for q in api.asked)
    opened.store.close()


def test_the_ranking_delivers_rows_before_it_ends(serve: Serve) -> None:
    from explorer.domain.impact import RankRequest
    from explorer.services.ranking import Ranking

    shop = source(serve(sessions()))
    comparisons = Comparisons(shop.run_query, shop.rate_budget, lambda: PINNED)
    snapshots: list[Ranking] = []
    request = RankRequest(PINNED - timedelta(days=1), PINNED, min_volume=1)
    final = comparisons.rank(request, deliver=snapshots.append)
    assert final.complete and final.rows
    first_with_rows = next(i for i, s in enumerate(snapshots) if s.rows)
    assert snapshots[first_with_rows].parts_done < final.parts_total  # early, not at the end
    assert snapshots[-1] == final
    link = request.split_for(final.rows[0])
    assert link.dimension == final.rows[0].breakdown
    assert (link.base.metric, link.base.aggregation) == final.rows[0].ranked.view_metric
    assert (link.base.start, link.base.end) == (request.start, request.end)
    shop.close()
