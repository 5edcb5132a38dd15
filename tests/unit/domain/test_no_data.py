"""Why an empty answer may be empty (issues 15.6 and 15.7): unknown ids, a range past retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from explorer.domain.catalogue import Endpoint
from explorer.domain.no_data import before_retention, unknown_media, why_no_data
from explorer.domain.query import Query

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
KNOWN = {"vi4blUQJFrYWbaG44NChkH27", "li400mYKSgQ6xs7taUeSaEKr"}


def plays(*ids: str, days_ago: float = 1) -> Query:
    start = NOW - timedelta(days=days_ago)
    return Query(
        Endpoint.TIMESERIES, "play", interval="hour", start=start, end=start + timedelta(hours=6),
        filters={"mediaId": ids} if ids else {},
    )  # fmt: skip


def test_an_id_the_account_does_not_list_is_named() -> None:
    query = plays("vi4blUQJFrYWbaG44NChkH27", "nonsense!!")
    assert unknown_media(query, KNOWN) == ["nonsense!!"]
    assert why_no_data(query, NOW, KNOWN) == [
        "'nonsense!!' is not a video or live stream of this account (a mistyped or deleted id?)"
    ]
    two = plays("nonsense!!", "viNOPE")
    assert why_no_data(two, NOW, KNOWN)[0].startswith(
        "'nonsense!!', 'viNOPE' are not videos or live streams of this account"
    )


def test_without_the_accounts_list_no_id_is_called_unknown() -> None:
    assert why_no_data(plays("nonsense!!"), NOW, set()) == []
    assert why_no_data(plays("nonsense!!"), NOW, None) == []


def test_a_range_older_than_the_retention_says_why() -> None:
    old = plays(days_ago=40)
    assert before_retention(old, NOW) == datetime(2026, 11, 7, 10, 0, tzinfo=UTC)
    (reason,) = why_no_data(old, NOW, KNOWN)
    assert reason.startswith("the range starts before 2026-11-07 10:00 UTC, and the API keeps")
    assert "30 days by default" in reason and "3 or 12 months" in reason
    assert why_no_data(plays(days_ago=29), NOW, KNOWN) == []  # inside: nothing to explain
