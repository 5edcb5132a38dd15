"""Split by: segments, the one-breakdown shortcut, filtered queries, and missing never zero."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from explorer.domain.catalogue import CONTINENTS, Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult
from explorer.domain.parts import Part, PartState
from explorer.domain.query import Query
from explorer.domain.splits import (
    SPLIT_DIMENSIONS,
    SplitAnswer,
    SplitQuestion,
    ValueGroup,
    parts_from_breakdown,
    split_dimension,
)

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
START, END = NOW - timedelta(days=7), NOW


def metrics(metric: str, aggregation: str, **filters: tuple[str, ...]) -> Query:
    return Query(
        endpoint=Endpoint.METRICS,
        metric=metric,
        aggregation=aggregation,
        start=START,
        end=END,
        filters=dict(filters),
    )


def test_every_breakdown_is_a_dimension_with_its_filter_key() -> None:
    assert SPLIT_DIMENSIONS["device-type"] == "deviceType"
    assert SPLIT_DIMENSIONS["operating-system"] == "operatingSystem"
    assert SPLIT_DIMENSIONS["media-id"] == "mediaId"
    assert split_dimension("deviceType") == "device-type"
    with pytest.raises(ValueError, match="not a dimension to split by; choose"):
        split_dimension("city")


def test_an_aggregate_only_metric_fans_out_one_filtered_query_per_continent() -> None:
    question = SplitQuestion(metrics("impression-time", "average", country=("FR",)), "continent")
    assert question.breakdown_query() is None
    assert not question.needs_discovery
    queries = question.queries()
    assert [g.label for g, _ in queries] == list(CONTINENTS)
    for group, query in queries:
        assert query.filters == {"country": ("FR",), "continent": (group.label,)}
        assert query.metric == "impression-time" and query.aggregation == "average"
        assert query.start == START and query.end == END


def test_a_count_is_answered_by_one_breakdown_over_the_chosen_values() -> None:
    question = SplitQuestion(
        metrics("play", "rate", country=("FR",)), "browser", ("safari", "chrome")
    )
    single = question.breakdown_query()
    assert single is not None
    assert single.endpoint is Endpoint.BUCKETS
    assert (single.metric, single.breakdown) == ("play-rate", "browser")
    assert single.filters == {"country": ("FR",), "browser": ("safari", "chrome")}


def test_groups_are_sent_as_one_filter_with_several_values_and_never_as_a_breakdown() -> None:
    group = ValueGroup("ads", ("vi1", "vi2"))
    question = SplitQuestion(metrics("play", "count"), "media-id", ("vi3",), (group,))
    assert question.breakdown_query() is None
    assert [(g.label, q.filters["mediaId"]) for g, q in question.queries()] == [
        ("ads", ("vi1", "vi2")),
        ("vi3", ("vi3",)),
    ]


def test_the_base_filter_on_the_dimension_gives_the_values() -> None:
    question = SplitQuestion(metrics("watch-time", "sum", continent=("EU", "AS")), "continent")
    assert [g.label for g in question.segments()] == ["EU", "AS"]


def test_an_open_dimension_without_values_is_discovered_from_a_breakdown() -> None:
    question = SplitQuestion(metrics("impression-time", "average", browser=("x",)), "country")
    assert question.needs_discovery
    discovery = question.discovery_query()
    assert (discovery.endpoint, discovery.metric, discovery.breakdown) == (
        Endpoint.BUCKETS,
        "impression",
        "country",
    )
    assert discovery.filters == {"browser": ("x",)}
    assert question.with_values(("FR",)).segments() == (ValueGroup("FR", ("FR",)),)


def test_problems_are_sentences() -> None:
    bad = SplitQuestion(metrics("play", "count"), "continent", ("EU", "XX"))
    assert any("continent must be" in p and "'XX'" in p for p in bad.validate(NOW))
    total = Query(endpoint=Endpoint.METRICS, metric="play", aggregation="total")
    assert any("split it by media-id" in p for p in SplitQuestion(total, "country").validate(NOW))
    same = Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="country", start=START, end=END
    )
    assert any("already broken down" in p for p in SplitQuestion(same, "country").validate(NOW))
    typed = SplitQuestion(
        metrics("play", "count"), "media-type", (), (ValueGroup("g", ("video", "live-stream")),)
    )
    assert any("single value" in p for p in typed.validate(NOW))
    assert SplitQuestion(metrics("play", "count"), "continent").validate(NOW) == []


def _context(metric: str = "play", breakdown: str = "continent") -> ResultContext:
    return ResultContext(Endpoint.BUCKETS, metric, breakdown=breakdown, start=START, end=END)


def test_a_value_absent_from_a_whole_breakdown_is_zero_but_from_a_partial_one_is_missing() -> None:
    question = SplitQuestion(metrics("play", "count"), "continent", ("EU", "AN"))
    whole = BucketFrame.from_records(_context(), [("EU", 12.0)])
    parts = parts_from_breakdown(question, whole)
    assert [(p.key, p.state, p.result.value if p.result else None) for p in parts] == [
        ("EU", PartState.DONE, 12.0),
        ("AN", PartState.DONE, 0.0),
    ]
    cut = BucketFrame.from_records(_context(), [("EU", 12.0)], partial=True, error="page 2 failed")
    parts = parts_from_breakdown(question, cut)
    assert parts[1].state is PartState.FAILED and "page 2 failed" in parts[1].reason
    assert parts[1].result is None


def test_a_split_answer_keeps_missing_parts_missing() -> None:
    question = SplitQuestion(metrics("impression-time", "average"), "continent", ("EU", "AS", "AF"))
    answer = SplitAnswer.pending(question)
    assert not answer.complete and len(answer.missing()) == 3
    context = ResultContext(Endpoint.METRICS, "impression-time", "average")
    eu, as_, af = answer.parts
    answer = answer.with_part(eu.done(ScalarResult(context, 800.0)))
    answer = answer.with_part(as_.failed("server error 500"))
    answer = answer.with_part(af.cancelled())
    assert answer.value("EU") == 800.0
    assert answer.value("AS") is None and answer.value("AF") is None
    assert not answer.complete
    assert answer.summary() == (
        "1 of 3 parts answered; AS: failed (server error 500); "
        "AF: cancelled (cancelled before its answer arrived)"
    )
    with pytest.raises(ValueError):
        Part("x", eu.query, PartState.DONE)  # a done part without a result
    assert not math.isnan(answer.value("EU") or 0)
