"""VideoCloud sandbox figures on the hand-built scenario: every expected number worked out by hand.

The scenario and its timeline are in videocloud_scenario.py; comments below show the sums.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from explorer.sandbox import videocloud_traits as traits
from tests.support.videocloud_scenario import A, B, sessions, unit_hash
from tests.unit.conftest import Serve

HEADERS = {"Authorization": "Bearer sandbox-local-key"}


@pytest.fixture(scope="module")
def api(serve_module: Serve) -> Iterator[httpx.Client]:
    service = serve_module(sessions(), flavor="videocloud").service  # type: ignore[attr-defined]
    with httpx.Client(base_url=service.base_url, headers=HEADERS, timeout=10) as client:
        yield client


def data(api: httpx.Client, path: str, **params: Any) -> Any:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def days(timeline: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return {point["date"]: point[key] for point in timeline}


# --- one video ---------------------------------------------------------------------------


def test_views_of_a_video_over_7_days(api: httpx.Client) -> None:
    # window [03-04, 03-11), cut at now (03-10 12:00); previous [02-25, 03-04)
    body = data(api, f"/analytics/videos/{A}", period="7d", metrics="views")
    assert body["period"] == {
        "start": "2026-03-04T00:00:00Z",
        "end": "2026-03-11T00:00:00Z",
        "previous": {"start": "2026-02-25T00:00:00Z", "end": "2026-03-04T00:00:00Z"},
    }
    views = body["views"]
    assert views["total"] == 4  # s1 s2 s5 s9 (s7 played 3 s, s3 never, s6 the week before)
    assert views["unique"] == 3  # v1, v2 (twice), v3
    assert views["change"] == 3.0  # (4 - 1) / 1: s6 the week before
    assert views["byCountry"] == {"US": 3, "FR": 1}
    assert views["byDevice"] == {"mobile": 2, "desktop": 1, "tablet": 1}
    assert views["byPlatform"] == {"android": 2, "web": 2}  # s2 s9 app; s1 s5 browsers
    assert list(days(views["timeline"], "views").values()) == [0, 0, 0, 0, 1, 1, 2]
    # every day up to today, zeros included
    assert list(days(views["timeline"], "date")) == [f"2026-03-{d:02d}" for d in range(4, 11)]
    assert days(views["timeline"], "unique")["2026-03-10"] == 2  # v2 and v3
    assert "engagement" not in body and "performance" not in body


def test_engagement_of_a_video_over_7_days(api: httpx.Client) -> None:
    engagement = data(api, f"/analytics/videos/{A}", metrics="engagement")["engagement"]
    # playback: s1 120 + s2 600 + s5 598 (11:50:02 to now) + s7 3 + s9 240 = 1561 s, 5 sessions
    assert engagement["averageWatchTime"] == 312.2
    assert engagement["completionRate"] == 0.2  # started s1 s2 s5 s7 s9; ended s2
    watch = days(engagement["timeline"], "watchTime")
    # 03-08: s9's first 118 s; 03-09: s9's other 122 s + s1 120; 03-10: s2 600 + s5 598
    assert watch == {
        "2026-03-04": 0.0,
        "2026-03-05": 3.0,
        "2026-03-06": 0.0,
        "2026-03-07": 0.0,
        "2026-03-08": 118.0,
        "2026-03-09": 242.0,
        "2026-03-10": 1198.0,
    }
    completion = days(engagement["timeline"], "completionRate")
    assert completion["2026-03-10"] == 0.5  # s2 ended, s5 not yet
    assert completion["2026-03-05"] == 0.0
    assert completion["2026-03-04"] is None  # nothing started


def test_reactions_are_the_documented_hash_of_the_views(api: httpx.Client) -> None:
    engagement = data(api, f"/analytics/videos/{A}", metrics="engagement")["engagement"]
    viewed = [1, 2, 5, 9]  # the sids of the 7-day views of A
    for key, trait, share in (
        ("likes", "like", 0.10),
        ("comments", "comment", 0.02),
        ("shares", "share", 0.015),
    ):
        expected = sum(unit_hash(sid, traits.MULTIPLIERS[trait]) < share for sid in viewed)
        assert engagement[key] == expected, key


def test_performance_follows_its_formulas(api: httpx.Client) -> None:
    performance = data(api, f"/analytics/videos/{A}", metrics="performance")["performance"]
    # watch-time weights: s1 120 (computer), s2 600 (phone), s5 598 (tablet), s7 3 (computer),
    # s9 240 (phone)
    spans = [(1, 120, "computer"), (2, 600, "phone"), (5, 598, "tablet"), (7, 3, "computer")]
    spans.append((9, 240, "phone"))
    bitrate = {"computer": 4500, "phone": 1800, "tablet": 3000}
    buffering = {"computer": 0.01, "phone": 0.03, "tablet": 0.02}
    kbps = sum(
        w * round(bitrate[d] * (0.75 + 0.5 * unit_hash(sid, traits.MULTIPLIERS["bitrate"])))
        for sid, w, d in spans
    )
    rebuffer = sum(
        w * buffering[d] * 2 * unit_hash(sid, traits.MULTIPLIERS["buffering"])
        for sid, w, d in spans
    )
    assert performance["averageBitrate"] == f"{round(kbps / 1561)}k"
    assert performance["bufferingRate"] == pytest.approx(rebuffer / 1561, abs=1e-6)
    loaded = [1, 2, 3, 5, 7, 9]  # A's loads in the window
    errors = sum(unit_hash(sid, traits.MULTIPLIERS["error"]) < 0.01 for sid in loaded)
    assert performance["errorRate"] == pytest.approx(errors / 6, abs=1e-6)
    assert len(performance["timeline"]) == 7


def test_one_day_by_hour_and_the_day_before(api: httpx.Client) -> None:
    # 1d: [03-09 12:00, 03-10 12:00), by hour; previous: [03-08 12:00, 03-09 12:00)
    views = data(api, f"/analytics/videos/{A}", period="1d", metrics="views")["views"]
    assert views["total"] == 2  # s2, s5
    assert views["change"] == 0.0  # s1 and s9 the day before
    timeline = days(views["timeline"], "views")
    assert len(timeline) == 24
    assert next(iter(timeline)) == "2026-03-09T12:00:00Z"
    assert {k: v for k, v in timeline.items() if v} == {
        "2026-03-10T08:00:00Z": 1,
        "2026-03-10T11:00:00Z": 1,
    }


def test_weeks_start_on_monday_and_count_only_inside_the_window(api: httpx.Client) -> None:
    views = data(api, f"/analytics/videos/{A}", metrics="views", groupBy="week")["views"]
    # week of 03-02 holds [03-04, 03-09): s9; week of 03-09 holds s1 s2 s5 (v1 v2 v3)
    assert days(views["timeline"], "views") == {"2026-03-02": 1, "2026-03-09": 3}
    assert days(views["timeline"], "unique") == {"2026-03-02": 1, "2026-03-09": 3}


def test_all_time_has_no_previous_period(api: httpx.Client) -> None:
    body = data(api, f"/analytics/videos/{A}", period="all", metrics="views")
    assert body["period"] == {"start": "2026-03-02T00:00:00Z", "end": "2026-03-11T00:00:00Z"}
    assert body["views"]["total"] == 5  # + s6
    assert body["views"]["change"] is None


def test_compare_off_leaves_out_the_previous_period(api: httpx.Client) -> None:
    body = data(api, f"/analytics/videos/{A}", metrics="views", compare="false")
    assert "previous" not in body["period"]
    assert body["views"]["change"] is None


# --- summary -----------------------------------------------------------------------------


def test_summary_over_7_days(api: httpx.Client) -> None:
    summary = data(api, "/analytics/videos/summary", period="7d")
    assert summary["totalVideos"] == 2
    assert summary["totalViews"] == 5  # A 4, B 1 (s4)
    assert summary["totalWatchTime"] == 1581.0  # A 1561 + B 20
    average = summary["averageEngagement"]
    assert average["watchTime"] == 263.5  # 1581 / 6 sessions that played
    assert average["completionRate"] == 0.3333  # s2 s4 of 6 starts
    likes = sum(unit_hash(s, traits.MULTIPLIERS["like"]) < 0.1 for s in (1, 2, 4, 5, 9))
    assert average["likes"] == likes / 2  # per video
    assert summary["topVideos"] == [
        {"id": A, "title": "Algebra 1", "views": 4, "watchTime": 1561.0, "engagement": 0.2},
        {"id": B, "title": "Spring ad", "views": 1, "watchTime": 20.0, "engagement": 1.0},
    ]
    # the week before: s6 alone, 1 view, 60 s, started, not ended
    assert summary["trends"] == {"views": 4.0, "watchTime": 25.35, "engagement": None}


def test_summary_limit_ranks_every_video(api: httpx.Client) -> None:
    top = data(api, "/analytics/videos/summary", period="1d", limit=1)["topVideos"]
    assert [v["id"] for v in top] == [A]
    quiet = data(api, "/analytics/videos/summary", period="all")["topVideos"]
    assert [v["id"] for v in quiet] == [A, B]


# --- users -------------------------------------------------------------------------------


def test_user_activity_over_7_days(api: httpx.Client) -> None:
    activity = data(api, "/analytics/users", period="7d", metrics="activity")["activity"]
    # loads in the last 24 h: v1 (s3), v2 (s2), v3 (s4 s10 s5); the last 7 and 30 days add v4
    assert activity["activeUsers"] == {"daily": 3, "weekly": 4, "monthly": 4}
    # visits from 03-04: v1 300 + 60, v2 300 + 630, v3 1260 + 2, v4 60 = 2612 s over 7
    assert activity["sessions"] == {
        "total": 7,
        "averageDuration": 373.1,
        "byDevice": {"desktop": 3, "mobile": 2, "tablet": 2},
    }
    assert activity["actions"]["uploads"] == 0
    likes = sum(unit_hash(s, traits.MULTIPLIERS["like"]) < 0.1 for s in (1, 2, 4, 5, 9))
    assert activity["actions"]["likes"] == likes


def test_user_growth_and_retention_over_7_days(api: httpx.Client) -> None:
    body = data(api, "/analytics/users", period="7d", metrics="growth,retention")
    assert body["growth"] == {
        "newUsers": 3,  # v2 03-08, v1 03-09, v3 03-10
        "returningUsers": 1,  # v4, first seen 03-02
        "churnRate": 0.0,  # the week before: v4 alone, still active
        "bySource": {"direct": 1, "organic": 1, "social": 1},
    }
    retention = body["retention"]
    # v2's day 1 (03-09) is over and v2 did not load then; the other days are not over yet
    assert retention["cohorts"] == [
        {"date": "2026-03-08", "size": 1, "day1": 0.0, "day7": None, "day30": None},
        {"date": "2026-03-09", "size": 1, "day1": None, "day7": None, "day30": None},
        {"date": "2026-03-10", "size": 1, "day1": None, "day7": None, "day30": None},
    ]
    assert (retention["day1"], retention["day7"], retention["day30"]) == (0.0, None, None)


def test_retention_over_30_days_pools_the_cohorts(api: httpx.Client) -> None:
    body = data(api, "/analytics/users", period="30d", metrics="retention,growth")
    assert "activity" not in body
    assert body["growth"]["newUsers"] == 4
    assert body["growth"]["bySource"] == {"direct": 1, "organic": 1, "referral": 1, "social": 1}
    assert body["growth"]["churnRate"] is None  # nobody was active the 30 days before
    # v4 (03-02) came back on 03-03 (s11) but not on 03-09; v2 (03-08) not on 03-09
    assert body["retention"]["cohorts"][0] == {
        "date": "2026-03-02",
        "size": 1,
        "day1": 1.0,
        "day7": 0.0,
        "day30": None,
    }
    assert body["retention"]["day1"] == 0.5
    assert body["retention"]["day7"] == 0.0


def test_user_engagement_over_7_days(api: httpx.Client) -> None:
    engagement = data(api, "/analytics/users/engagement", period="7d")["engagement"]
    assert engagement["averageSessionDuration"] == 373.1
    assert engagement["pagesPerSession"] == 1.14  # 8 player sessions in 7 visits
    assert engagement["bounceRate"] == 0.2857  # v1's s3 and v4's s7 alone, never a view
    assert engagement["byUserType"] == {
        "new": {"sessionDuration": 620.0, "pagesPerSession": 1.33},  # 300 300 1260; 1 1 2
        "returning": {"sessionDuration": 188.0, "pagesPerSession": 1.0},  # 60 630 2 60
    }
    hours = {h["hour"]: (h["users"], h["engagement"]) for h in engagement["byTimeOfDay"]}
    assert len(hours) == 24
    assert {h: v for h, v in hours.items() if v[0]} == {
        8: (1, 1.0),
        9: (2, 0.0),  # both bounced
        10: (2, 1.0),
        11: (1, 1.0),
        23: (1, 1.0),
    }
    assert hours[12] == (0, None)
