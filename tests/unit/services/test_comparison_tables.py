"""The tables of splits, comparisons and rankings: missing parts refuse, JSON has no NaN."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.comparison import ComparisonAnswer, Shift
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult
from explorer.domain.parts import Part
from explorer.domain.query import Query
from explorer.domain.splits import SplitAnswer, SplitQuestion
from explorer.services.comparison_tables import (
    IncompleteAnswer,
    comparison_table,
    ranking_table,
    split_table,
)
from explorer.services.ranking import Ranking
from explorer.services.table_files import write_csv, write_json

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_split_with_a_missing_part_refuses_to_become_a_table() -> None:
    base = Query(
        endpoint=Endpoint.METRICS, metric="play", aggregation="count", start=NOW - DAY, end=NOW
    )
    answer = SplitAnswer.pending(SplitQuestion(base, "continent", ("EU", "AS")))
    context = ResultContext(Endpoint.METRICS, "play", "count", start=NOW - DAY, end=NOW)
    answer = answer.with_part(answer.parts[0].done(ScalarResult(context, 4.0)))
    answer = answer.with_part(answer.parts[1].failed("server error 500"))
    with pytest.raises(IncompleteAnswer, match="1 of 2 parts missing: AS: failed"):
        split_table(answer, "UTC")
    answer = answer.with_part(answer.parts[1].done(ScalarResult(context, 0.0)))
    out = io.StringIO()
    write_csv(split_table(answer, "UTC"), out)
    assert out.getvalue().splitlines() == [
        "continent,metric,aggregation,from (UTC),to (UTC),play count (events)",
        "EU,play,count,2026-03-09T12:00:00+00:00,2026-03-10T12:00:00+00:00,4",
        "AS,play,count,2026-03-09T12:00:00+00:00,2026-03-10T12:00:00+00:00,0",
    ]


def test_a_comparison_s_json_names_a_value_one_period_lacks_with_null() -> None:
    query = Query(endpoint=Endpoint.BUCKETS, metric="play", breakdown="country")
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country")
    current = BucketFrame.from_records(context, [("FR", 3.0), ("US", 1.0)])
    earlier = BucketFrame.from_records(context, [("FR", 2.0)])
    answer = ComparisonAnswer(
        current,
        earlier,
        Shift.parse("previous"),
        DAY,
        (NOW - DAY, NOW),
        (NOW - 2 * DAY, NOW - DAY),
        parts=(Part("current", query).done(current), Part("previous", query).done(earlier)),
    )
    out = io.StringIO()
    write_json(comparison_table(answer, "UTC"), out)
    data = json.loads(out.getvalue())
    assert data["change"] == [
        {"key": "FR", "current": 3.0, "previous": 2.0, "absolute": 1.0, "percent": 50.0},
        {"key": "US", "current": 1.0, "previous": None, "absolute": None, "percent": None},
    ]
    assert [r["series"] for r in data["rows"]] == ["current", "current", "previous"]


def test_a_ranking_with_missing_parts_refuses() -> None:
    ranking = Ranking((), "7 days", 50, 3, 4, ("browser:play: failed (server error)",), True)
    with pytest.raises(IncompleteAnswer, match="browser:play: failed"):
        ranking_table(ranking)
