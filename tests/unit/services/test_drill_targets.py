"""From a chart's number to its drill-down: which questions have sessions behind them, the
conditions a bar and the query's filters make, the contributors query, and the words that say
how a list relates to the chart's number."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from explorer.api.errors import ApiError
from explorer.domain.catalogue import Endpoint
from explorer.domain.conditions import Condition
from explorer.domain.query import Query
from explorer.services.drill_targets import (
    Pointed,
    contributors_query,
    drill_down,
    relation,
    why_not_countable,
)
from explorer.services.drilldown import CountedSessions, DrillDown
from explorer.services.sessions import Media

DAY = datetime(2026, 3, 10, tzinfo=UTC)
NEXT = DAY + timedelta(days=1)


def query(metric: str = "play", **changes: object) -> Query:
    fields: dict[str, object] = {
        "endpoint": Endpoint.TIMESERIES, "metric": metric, "interval": "day",
        "start": DAY - timedelta(days=3), "end": NEXT, "filters": {"mediaId": ("viA",)},
    }  # fmt: skip
    fields.update(changes)
    return Query(**fields)  # type: ignore[arg-type]


def test_only_counts_of_sessions_can_be_drilled_into() -> None:
    assert why_not_countable(query()) is None
    assert why_not_countable(query("view")) is None
    assert "play-rate is not a count of sessions" in (why_not_countable(query("play-rate")) or "")
    assert "unique views" in (why_not_countable(query("view", unique=True)) or "")
    total = query(endpoint=Endpoint.METRICS, interval=None, aggregation="total")
    assert why_not_countable(total) is not None


def test_a_point_of_one_video_asks_its_window_metric_and_filters() -> None:
    asked = query("view", view_duration="10s", filters={"mediaId": ("viA",), "country": ("FR",)})
    request = drill_down(Pointed(asked, DAY, NEXT, 3.0, "the day"), {"viA": "Algebra"})
    assert request == DrillDown(
        Media("viA", "video", "Algebra"), DAY, NEXT, "view", (Condition("country", "FR"),), 10
    )


def test_a_bar_adds_its_condition_and_a_live_stream_is_told_by_its_id() -> None:
    asked = query(
        endpoint=Endpoint.BUCKETS, interval=None, breakdown="device-type",
        filters={"mediaId": ("liC",), "browser": ("chrome",), "tag": ("ads",)},
    )  # fmt: skip
    bar = (Condition("device-type", "tv"),)
    request = drill_down(Pointed(asked, DAY, NEXT, 2.0, "the bar tv", bar), {})
    assert request.media == Media("liC", "live-stream", "")
    assert request.conditions == (Condition("device-type", "tv"), Condition("browser", "chrome"))


def test_what_cannot_be_drilled_into_is_said() -> None:
    several = query(filters={"mediaId": ("viA", "viB")})
    with pytest.raises(ValueError, match="several videos and live streams"):
        drill_down(Pointed(several, DAY, NEXT, 3.0, "the day"), {})
    countries = query(filters={"mediaId": ("viA",), "country": ("FR", "US")})
    with pytest.raises(ValueError, match="country has 2 values"):
        drill_down(Pointed(countries, DAY, NEXT, 3.0, "the day"), {})


def test_the_contributors_are_one_breakdown_by_media_of_the_same_number() -> None:
    asked = query(filters={"country": ("FR",)})
    bar = (Condition("device-type", "phone"),)
    found = contributors_query(Pointed(asked, DAY, NEXT, 9.0, "the bar phone", bar))
    assert (found.endpoint, found.metric, found.breakdown) == (Endpoint.BUCKETS, "play", "media-id")
    assert (found.start, found.end, found.interval) == (DAY, NEXT, None)
    assert found.filters == {"country": ("FR",), "deviceType": ("phone",)}
    assert (found.sort_by, found.sort_order) == ("metricValue", "desc")
    assert found.validate(NEXT) == []


def counted(listed: int, **extra: object) -> CountedSessions:
    request = DrillDown(Media("viA", "video", ""), DAY, NEXT, "play")
    sessions: list[object] = [object()] * listed
    return CountedSessions(request, sessions, {}, "2026-03-09/2026-03-10", listed, **extra)  # type: ignore[arg-type]


def test_the_relation_says_both_numbers_and_why_they_differ() -> None:
    same = relation(36.0, "the day of 2026-03-10 00:00", counted(36))
    assert same == "36 plays in the day of 2026-03-10 00:00 (from the chart), 36 sessions listed."
    fewer = relation(38.0, "the bucket", counted(36, missing=["ps1"]))
    assert fewer.startswith("38 plays in the bucket (from the chart), 36 sessions listed: they")
    assert "the events of 1 sessions could not be read" in fewer
    assert "loaded more than 24 hours before the window" in fewer
    partial = relation(40.0, "the bucket", counted(1, error=ApiError("page 2 failed")))
    assert "some pages of sessions could not be read" in partial
    assert relation(math.nan, "the bucket", counted(0)).startswith("no value in the bucket")
