"""Referrers grouped by site (issue 15.15): host names, sums, and metrics that do not add up."""

from __future__ import annotations

import math

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext
from explorer.domain.referrers import SITE_BREAKDOWN, can_group_by_site, group_by_site, site_of


@pytest.mark.parametrize(
    ("referrer", "site"),
    [
        ("https://www.Blog.example.com/post?x=1#top", "blog.example.com"),
        ("http://blog.example.com:8080/", "blog.example.com"),
        ("https://user:pw@news.example.org/a", "news.example.org"),
        ("blog.example.com/path", "blog.example.com"),  # no scheme
        ("", ""),
        ("android-app://com.example.player", "com.example.player"),
        ("https://[::1", "https://[::1"),  # not a URL: kept as is
    ],
)
def test_the_site_of_a_referrer(referrer: str, site: str) -> None:
    assert site_of(referrer) == site


def frame(metric: str, rows: list[tuple[str, float]], **context: str) -> BucketFrame:
    return BucketFrame.from_records(
        ResultContext(Endpoint.BUCKETS, metric, breakdown="referrer", **context), rows
    )


def test_views_of_one_site_add_up_largest_first() -> None:
    plays = frame(
        "play",
        [
            ("https://blog.example.com/a", 5.0),
            ("https://news.example.org/", 7.0),
            ("https://www.blog.example.com/b", 4.0),
            ("", 2.0),
            ("https://news.example.org/x", math.nan),
        ],
    )
    grouped = group_by_site(plays)
    assert grouped.context.breakdown == SITE_BREAKDOWN
    assert grouped.to_rows() == [("blog.example.com", "9"), ("", "2"), ("news.example.org", "")]
    assert not grouped.partial


def test_metrics_that_do_not_add_up_are_not_grouped() -> None:
    unique = frame("unique-view-5", [("https://a.example/", 3.0), ("https://a.example/b", 2.0)])
    reason = can_group_by_site(unique)
    assert "do not add up across referrers" in reason
    with pytest.raises(ValueError, match="do not add up"):
        group_by_site(unique)
    by_country = BucketFrame.from_records(
        ResultContext(Endpoint.BUCKETS, "play", breakdown="country"), [("FR", 1.0)]
    )
    assert can_group_by_site(by_country) == "only a breakdown by referrer can be grouped by site"
