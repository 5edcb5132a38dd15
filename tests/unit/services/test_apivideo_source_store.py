"""A workspace with the local store: offline copies of assets and results, and history merged in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.errors import NetworkError
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import ResultContext, TimeseriesFrame
from explorer.domain.query import Query
from explorer.services.history_query import first_whole_bucket
from explorer.services.local_cache import LocalCache, series_key
from explorer.services.sources.apivideo.source import ApiVideoSource
from explorer.store import Store, open_store
from tests.support.handmade import NOW
from tests.support.scenario import sessions
from tests.unit.conftest import Serve

PINNED = datetime.fromisoformat(NOW)
NO_RETRY = ClientOptions(retry=RetryPolicy(attempts=1, base_delay_s=0.0))


class Pinned(ApiVideoSource):
    def now(self) -> datetime:
        return PINNED


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3")
    assert opened.notice is None
    yield opened.store
    opened.store.close()


def online(api: httpx.Client, store: Store) -> ApiVideoSource:
    client = ApiVideoClient(str(api.base_url), Secret("sandbox-local-key"))
    workspace = Pinned(client, "Shop", "LOCAL")
    workspace.account_id = "acc-1"
    workspace.attach_store(store)
    return workspace


def unreachable(store: Store, account: str = "acc-1") -> ApiVideoSource:
    client = ApiVideoClient("http://127.0.0.1:9", Secret("k"), options=NO_RETRY)
    workspace = Pinned(client, "Shop", "LOCAL")
    workspace.account_id = account
    workspace.attach_store(store)
    return workspace


def day_plays(hours: int = 24) -> Query:
    return Query(
        endpoint=Endpoint.BUCKETS,
        metric="play",
        breakdown="country",
        start=PINNED - timedelta(hours=hours),
        end=PINNED,
    )


def test_offline_the_stored_assets_and_results_come_back_marked(serve: Serve, store: Store) -> None:
    api = serve(sessions())
    first = online(api, store)
    assets = first.load_assets()
    assert assets.of_kind("video") and not assets.offline and assets.fetched_at == PINNED
    fresh = first.run_query(day_plays())
    assert fresh.provenance is None
    first.close()

    second = unreachable(store)
    try:
        stored = second.stored_assets()
        assert stored is not None and stored.stored and not stored.offline
        assert [v.asset_id for v in stored.items] == [v.asset_id for v in assets.items]
        assert stored.items == assets.items  # ids, titles, facts and tags, as fetched
        offline = second.load_assets()
        assert offline.offline and offline.fetched_at == PINNED
        assert offline.problems and offline.problems[0].startswith("offline:")
        # the same question over another window: the last answer, with its own timeframe
        answer = second.run_query(day_plays(hours=12))
        assert answer.provenance is not None and answer.provenance.offline
        assert answer.provenance.fetched_at == PINNED
        assert answer.context.start == fresh.context.start
        assert list(answer.dimensions) == list(fresh.dimensions)  # type: ignore[union-attr]
        assert answer.values.tolist() == fresh.values.tolist()  # type: ignore[union-attr]
        other = Query(endpoint=Endpoint.METRICS, metric="play", aggregation="count")
        with pytest.raises(NetworkError):  # never asked before: nothing to fall back on
            second.run_query(other)
    finally:
        second.close()


def test_each_account_sees_only_its_own_copies(serve: Serve, store: Store) -> None:
    first = online(serve(sessions()), store)
    first.load_assets()
    first.close()
    stranger = unreachable(store, account="acc-2")
    try:
        assert stranger.stored_assets() is None
        with pytest.raises(NetworkError):  # nothing of its own to fall back on
            stranger.load_assets()
    finally:
        stranger.close()


def test_partial_results_are_never_stored(store: Store) -> None:
    cache = LocalCache(store, "acc-1")
    query = day_plays()
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country")
    partial = TimeseriesFrame.from_records(context, [], partial=True, error="page 2 failed")
    cache.keep_result(query, partial, PINNED)
    assert cache.result(query) is None


# --- history -------------------------------------------------------------------------------


class FakeApi:
    """`run` answers hourly timeseries from a table of hourly values; records what it asked."""

    concurrency = 1

    def __init__(self, value_at: Any) -> None:
        self.value_at = value_at
        self.asked: list[Query] = []

    def run(self, query: Query, cancel: Any = None, progress: Any = None) -> TimeseriesFrame:
        self.asked.append(query)
        assert query.start is not None and query.end is not None
        assert query.start >= PINNED - timedelta(days=30), "the API refuses this"
        hours = []
        moment = query.start
        while moment < query.end:
            hours.append((moment, float(self.value_at(moment))))
            moment += timedelta(hours=1)
        context = ResultContext(Endpoint.TIMESERIES, query.metric, interval=query.interval)
        return TimeseriesFrame.from_records(context, hours)

    def close(self) -> None:
        pass


def fake_workspace(api: FakeApi, store: Store) -> ApiVideoSource:
    workspace = Pinned(api, "Fake", "LOCAL")  # type: ignore[arg-type]
    workspace.account_id = "acc-1"
    workspace.attach_store(store)
    return workspace


def test_a_range_beyond_the_lookback_takes_its_older_buckets_from_history(store: Store) -> None:
    now_hour = PINNED.replace(minute=0, second=0, microsecond=0)
    # 40 days ago the explorer fetched a week of hourly plays: history now
    then = now_hour - timedelta(days=40)
    week = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="hour",
        start=then, end=then + timedelta(days=7),
    )  # fmt: skip
    cache = LocalCache(store, "acc-1")
    old = [(then + timedelta(hours=h), 1000.0 + h) for h in range(7 * 24)]
    context = ResultContext(Endpoint.TIMESERIES, "play", interval="hour")
    cache.keep_result(week, TimeseriesFrame.from_records(context, old), then + timedelta(days=7))

    api = FakeApi(lambda moment: 1.0)
    workspace = fake_workspace(api, store)
    query = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="hour",
        start=now_hour - timedelta(days=40), end=now_hour,
    )  # fmt: skip
    assert query.validate(PINNED, history=True) == []
    assert query.validate(PINNED) == ["from is more than 30 days ago"]
    merged = workspace.run_query(query)
    assert isinstance(merged, TimeseriesFrame)
    [asked] = api.asked
    assert asked.start is not None
    assert asked.start == first_whole_bucket(asked.start, "hour", asked.start)  # whole hours
    assert PINNED - timedelta(days=30) <= asked.start <= PINNED - timedelta(days=29, hours=23)
    assert merged.provenance is not None and merged.provenance.history_until == asked.start
    stamps = merged.timestamps.astype("int64") // 1000
    history_part = stamps < asked.start.timestamp()
    assert history_part.sum() == 7 * 24  # the stored week, nothing invented for the gap
    assert merged.values[history_part].tolist() == [v for _, v in old]
    assert np.all(merged.values[~history_part] == 1.0)
    assert (~history_part).sum() == (now_hour - asked.start) // timedelta(hours=1)
    assert merged.context.start == query.start and merged.context.end == query.end

    # the fresh part was kept too: asked again, nothing is fetched twice beyond the lookback
    key = series_key(query)
    assert store.points("acc-1", key, int(asked.start.timestamp() * 1000), 2**62)


def test_daily_buckets_start_at_the_ranges_own_midnight() -> None:
    paris = datetime(2026, 3, 10, 15, 30, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Paris")
    )
    moment = datetime(2026, 2, 8, 15, 30, tzinfo=UTC)
    assert first_whole_bucket(moment, "day", paris).isoformat() == "2026-02-09T00:00:00+01:00"
    assert first_whole_bucket(moment, "hour", paris).isoformat() == "2026-02-08T17:00:00+01:00"
    exact = datetime(2026, 2, 8, 15, tzinfo=UTC)
    assert first_whole_bucket(exact, "hour", exact) == exact
