"""The live view's questions stay within the API's rules, and its pace within the budget."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from explorer.domain.catalogue import MINUTE_INTERVAL_MAX_RANGE, Endpoint
from explorer.domain.live import (
    BUDGET_SHARE,
    REQUESTS_PER_REFRESH,
    live_questions,
    next_refresh,
)

NOW = datetime.fromisoformat("2026-03-10T12:00:42.5+00:00")


def test_the_questions_are_valid_and_the_minute_series_is_under_an_hour() -> None:
    questions = live_questions("liX", NOW)
    for question in questions.all():
        assert question.validate(NOW) == [], question
        assert question.filters == {"mediaId": ("liX",)}
    assert (questions.now.metric, questions.now.aggregation) == ("ccv", "live")
    series = questions.series
    assert series.endpoint is Endpoint.TIMESERIES and series.interval == "minute"
    assert series.start is not None and series.end == NOW
    assert series.end - series.start < MINUTE_INTERVAL_MAX_RANGE  # the API refuses 60 min
    assert series.start == datetime.fromisoformat("2026-03-10T11:01:00+00:00")  # whole minutes
    for by, question in (("country", questions.countries), ("device-type", questions.devices)):
        assert question.breakdown == by and question.metric == "ccv-peak"
        assert question.start == NOW - timedelta(minutes=5)
    assert REQUESTS_PER_REFRESH == 4


def test_the_asked_interval_holds_while_the_budget_allows_it() -> None:
    assert next_refresh(10, 500, 480).delay_s == 10
    assert next_refresh(10, None, None).delay_s == 10  # budget not known yet
    assert next_refresh(10, 500, 480).reason == ""


@pytest.mark.parametrize("limit", [100, 40, 20])
def test_a_small_budget_stretches_the_interval_to_a_quarter_of_it(limit: int) -> None:
    pace = next_refresh(1, limit, limit)
    per_minute = 60 / pace.delay_s * REQUESTS_PER_REFRESH
    assert per_minute == pytest.approx(limit * BUDGET_SHARE)
    assert str(limit) in pace.reason


def test_a_nearly_spent_budget_waits_for_the_refill() -> None:
    pace = next_refresh(10, 500, 30)
    assert pace.delay_s == 30 and "30 of 500" in pace.reason
    assert next_refresh(10, 500, 200).delay_s == 10


def test_a_shorter_rate_window_scales_the_pace() -> None:
    assert next_refresh(0.1, 40, 40, window_s=3).delay_s == pytest.approx(1.2)
