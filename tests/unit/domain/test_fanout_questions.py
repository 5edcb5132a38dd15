"""Splits, comparisons and rankings (issue 18) are questions like any other: the query history
and the exploration files keep them and read them back the same (explorer/domain/questions.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.comparison import ComparisonQuestion, Shift
from explorer.domain.impact import RankRequest
from explorer.domain.query import Query
from explorer.domain.questions import describe, question_dict, question_from, source_kind
from explorer.domain.splits import SplitQuestion, ValueGroup

START = datetime(2026, 12, 1, tzinfo=UTC)
END = START + timedelta(days=7)
BASE = Query(Endpoint.METRICS, "impression-time", "average", start=START, end=END)

QUESTIONS = [
    SplitQuestion(BASE, "continent", ("AS", "EU")),
    SplitQuestion(BASE, "media-id", groups=(ValueGroup("ads", ("vi1", "vi2")),)),
    ComparisonQuestion(BASE, Shift.parse("previous")),
    ComparisonQuestion(BASE, Shift.parse("week")),
    ComparisonQuestion(BASE, Shift.parse("30d")),
    RankRequest(START, END, {"mediaType": ("video",)}, 200.0),
]


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: type(q).__name__)
def test_a_fan_out_question_reads_back_the_same(question: object) -> None:
    data = question_dict(question)  # type: ignore[arg-type]
    assert question_from(data) == question
    assert source_kind(question) == "apivideo"
    assert describe(question)  # type: ignore[arg-type]


def test_a_malformed_split_says_what_is_wrong() -> None:
    data = question_dict(QUESTIONS[0])
    data["values"] = "AS"
    with pytest.raises(ValueError, match="a split's 'values' must be a list of strings"):
        question_from(data)


def test_a_ranking_checks_its_period() -> None:
    backwards = RankRequest(END, START)
    assert any("must end after it starts" in p for p in backwards.validate(END))
    assert RankRequest(START, END).validate(END + timedelta(hours=1)) == []
