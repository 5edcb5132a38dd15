"""A single figure split by country: one question per country seen, at most MAX_COUNTRIES,
a cut result said partial; questions that take no country filter are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult
from explorer.domain.query import Query
from explorer.services import country_split
from explorer.services.country_split import can_split, split_by_country

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SEEN = {"US": 9.0, "FR": 5.0, "DE": 2.0}


class Source:
    def __init__(self) -> None:
        self.asked: list[Query] = []

    def now(self) -> datetime:
        return NOW

    def run_query(self, query: Query, cancel: Any, progress: Any) -> Any:
        self.asked.append(query)
        if query.endpoint is Endpoint.BUCKETS:
            context = ResultContext(Endpoint.BUCKETS, "impression", breakdown="country")
            return BucketFrame.from_records(context, list(SEEN.items()))
        (country,) = query.filters["country"]
        context = ResultContext(Endpoint.METRICS, "impression-time", aggregation="average")
        return ScalarResult(context, 100 * SEEN[country] + (5 if "tag" in query.filters else 0))


def question(**filters: tuple[str, ...]) -> Query:
    return Query(
        endpoint=Endpoint.METRICS, metric="impression-time", aggregation="average",
        filters=dict(filters),
    )  # fmt: skip


def test_each_country_is_asked_with_the_question_s_other_filters() -> None:
    source = Source()
    frame = split_by_country(source, question(tag=("x",)))  # type: ignore[arg-type]
    assert dict(zip(frame.dimensions, frame.values.tolist(), strict=True)) == {
        "US": 905.0, "FR": 505.0, "DE": 205.0,
    }  # fmt: skip
    assert frame.context.breakdown == "country" and frame.context.unit is not None
    assert frame.context.unit.value == "ms" and not frame.partial
    listing, *per_country = source.asked
    assert listing.filters == {"tag": ("x",)}
    assert all(q.start == listing.start and q.end == listing.end for q in per_country)
    assert [q.filters["country"] for q in per_country] == [("US",), ("FR",), ("DE",)]


def test_a_country_filter_narrows_the_split_and_a_cap_is_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = split_by_country(Source(), question(country=("FR", "DE")))  # type: ignore[arg-type]
    assert list(frame.dimensions) == ["FR", "DE"]
    monkeypatch.setattr(country_split, "MAX_COUNTRIES", 2)
    cut = split_by_country(Source(), question())  # type: ignore[arg-type]
    assert list(cut.dimensions) == ["US", "FR"]
    assert cut.partial and cut.error == "only the 2 busiest of 3 countries were asked"


def test_what_cannot_be_split_says_why() -> None:
    assert can_split(question()) == ""
    total = Query(endpoint=Endpoint.METRICS, metric="play", aggregation="total")
    live = Query(endpoint=Endpoint.METRICS, metric="ccv", aggregation="live")
    assert "no country filter" in can_split(total) and "no country filter" in can_split(live)
    with pytest.raises(ValueError, match="Cannot split"):
        split_by_country(Source(), live)  # type: ignore[arg-type]
