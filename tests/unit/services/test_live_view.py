"""One live refresh: the four questions asked of the source, and a stored copy never passed
off as live."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import (
    BucketFrame,
    Provenance,
    ResultContext,
    ScalarResult,
    TimeseriesFrame,
)
from explorer.domain.query import Query
from explorer.services.errors import NetworkError
from explorer.services.live_view import fetch_live

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class Source:
    def __init__(self, offline: bool = False) -> None:
        self.asked: list[Query] = []
        self.offline = offline

    def now(self) -> datetime:
        return NOW

    def run_query(self, query: Query, cancel: Any, progress: Any) -> Any:
        self.asked.append(query)
        if query.endpoint is Endpoint.METRICS:
            kept = Provenance(datetime(2026, 3, 9, 8, tzinfo=UTC), offline=True)
            context = ResultContext(Endpoint.METRICS, "ccv", aggregation="live")
            return ScalarResult(context, 3, provenance=kept if self.offline else None)
        if query.endpoint is Endpoint.TIMESERIES:
            context = ResultContext(Endpoint.TIMESERIES, "ccv-peak", interval="minute")
            return TimeseriesFrame.empty(context)
        return BucketFrame.empty(ResultContext(Endpoint.BUCKETS, "ccv-peak", breakdown="country"))


def test_a_refresh_asks_the_four_questions_of_the_stream() -> None:
    source = Source()
    snapshot = fetch_live(source, "liX")  # type: ignore[arg-type]
    assert snapshot.viewers_now == 3 and snapshot.asked_at == NOW
    assert [q.endpoint for q in source.asked] == [
        Endpoint.METRICS, Endpoint.TIMESERIES, Endpoint.BUCKETS, Endpoint.BUCKETS,
    ]  # fmt: skip
    assert all(q.filters == {"mediaId": ("liX",)} for q in source.asked)


def test_a_stored_copy_offline_is_a_failure_not_live_figures() -> None:
    with pytest.raises(NetworkError, match="stored copy from 2026-03-09 08:00:00 UTC"):
        fetch_live(Source(offline=True), "liX")  # type: ignore[arg-type]
