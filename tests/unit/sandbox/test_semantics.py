"""Analytics semantics on the hand-built scenario: every expected figure is worked out by hand."""

from __future__ import annotations

import httpx
import pytest

from tests.support.scenario import A, B, C, sessions
from tests.unit.conftest import Serve


@pytest.fixture
def api(serve: Serve) -> httpx.Client:
    return serve(sessions())


def value(api: httpx.Client, path: str, **params: object) -> object:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


# The default window is the day before now: [03-09 12:00, 03-10 12:00).
@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/data/metrics/impression/count", {}, 7),  # s1 s2 s3 s4 s5 s7 s8; s6 is in the future
        ("/data/metrics/impression-time/sum", {}, 9500),  # 1000+2000+3000+500+1000+1000+1000
        ("/data/metrics/impression-time/average", {}, 1357.142857),  # 9500 / 7
        ("/data/metrics/start/count", {}, 6),  # all that played: s1 s2 s4 s5 s7 s8
        ("/data/metrics/end/count", {}, 2),  # s2 s7
        ("/data/metrics/play/count", {}, 6),
        ("/data/metrics/play/rate", {}, 0.857143),  # 6 of 7 impressions played
        # 1200 + 360 + 4 + 3595 (s5 until now) + 20 + 600
        ("/data/metrics/watch-time/sum", {}, 5779),
        ("/data/metrics/watch-time/average", {}, 963.166667),  # 5779 / 6 sessions that played
        ("/data/metrics/view/count", {}, 5),  # 5 s watched: all but s4 (4 s)
        ("/data/metrics/view/count", {"viewDuration": "3s"}, 6),
        # unique viewers a day: v1 on 03-09 (s1), v2 and v3 on 03-10
        ("/data/metrics/view/count", {"unique": "true"}, 3),
        ("/data/metrics/view/count", {"unique": "true", "viewDuration": "3s"}, 4),  # + v1 03-10
        ("/data/metrics/ccv/peak", {}, 2),  # s2 and s4 at 08:01:05, s5 and s8 at 11:10:02
        ("/data/metrics/ccv/live", {}, 1),  # s5 is still playing
        ("/data/metrics/play/count", {"filterBy[referrer][]": ""}, 1),  # s2, a mobile app
        ("/data/metrics/impression/count", {"filterBy[tag]": "ad"}, 2),  # s3 s7
        ("/data/metrics/play/count", {"filterBy[mediaType]": "live-stream"}, 2),
        ("/data/metrics/play/count", {"filterBy[country][]": ["FR", "US"]}, 6),
        ("/data/metrics/play/count", {"filterBy[continent][]": "EU"}, 2),  # s1 s4
        ("/data/metrics/play/count", {"filterBy[browser][]": "safari"}, 1),
        ("/data/metrics/play/count", {"filterBy[mediaId][]": B}, 1),
    ],
)
def test_aggregated_metrics(api: httpx.Client, path: str, params: dict, expected: float) -> None:
    assert value(api, path, **params) == pytest.approx(expected)


def test_ccv_unique_counts_a_viewer_in_two_tabs_once(api: httpx.Client) -> None:
    window = {"from": "2026-03-10T11:00:00+00:00", "to": "2026-03-10T12:00:00+00:00"}
    assert value(api, "/data/metrics/ccv/peak", **window) == 2
    assert value(api, "/data/metrics/ccv/peak", unique="true", **window) == 1


def test_play_total_ignores_the_window_and_adds_history(api: httpx.Client) -> None:
    # A: 1000 before retention + s1 s2 s4; B: s7; C: 5 + s5 s8. s6 has not started yet.
    assert value(api, "/data/metrics/play/total", **{"from": "2020-01-01T00:00:00+00:00"}) == 1011
    assert value(api, "/data/metrics/play/total", **{"filterBy[mediaType]": "video"}) == 1004
    rows = value(api, "/data/buckets/play-total/media-id")
    assert rows == [
        {"dimensionValue": A, "metricValue": 1003},
        {"dimensionValue": C, "metricValue": 7},
        {"dimensionValue": B, "metricValue": 1},
    ]


def test_the_documented_midnight_example(api: httpx.Client) -> None:
    """One session playing across midnight: the aggregate counts it once, days count it twice."""
    window = {
        "from": "2026-03-09T12:00:00+00:00",
        "to": "2026-03-10T06:00:00+00:00",
        "filterBy[mediaId][]": A,
    }
    assert value(api, "/data/metrics/play/count", **window) == 1
    assert value(api, "/data/timeseries/play", interval="day", **window) == [
        {"emittedAt": "2026-03-09T00:00:00+00:00", "metricValue": 1},
        {"emittedAt": "2026-03-10T00:00:00+00:00", "metricValue": 1},
    ]


def test_breakdowns_sort_by_value_descending(api: httpx.Client) -> None:
    assert value(api, "/data/buckets/play/country") == [
        {"dimensionValue": "US", "metricValue": 4},
        {"dimensionValue": "FR", "metricValue": 2},
    ]
    assert value(api, "/data/buckets/impression/device-type", sortBy="dimensionValue") == [
        {"dimensionValue": "computer", "metricValue": 4},
        {"dimensionValue": "phone", "metricValue": 1},
        {"dimensionValue": "tv", "metricValue": 2},
    ]
    assert value(api, "/data/buckets/play/referrer", sortBy="dimensionValue") == [
        {"dimensionValue": "", "metricValue": 1},
        {"dimensionValue": "https://blog.example.com/", "metricValue": 5},
    ]


def test_breakdown_of_unique_views_and_ccv(api: httpx.Client) -> None:
    assert value(api, "/data/buckets/view/media-id", unique="true") == [
        {"dimensionValue": A, "metricValue": 2},  # v1 on 03-09 (s1), v2 (s2)
        {"dimensionValue": C, "metricValue": 1},  # v3 once, in two tabs
        {"dimensionValue": B, "metricValue": 1},  # v2 (s7)
    ]
    assert value(api, "/data/buckets/ccv-peak/media-id", sortBy="dimensionValue") == [
        {"dimensionValue": C, "metricValue": 2},  # 'li…' sorts before 'vi…'
        {"dimensionValue": A, "metricValue": 2},
        {"dimensionValue": B, "metricValue": 1},
    ]


def test_hourly_impressions_and_rates(api: httpx.Client) -> None:
    assert value(api, "/data/timeseries/impression") == [
        {"emittedAt": "2026-03-09T23:00:00+00:00", "metricValue": 1},
        {"emittedAt": "2026-03-10T08:00:00+00:00", "metricValue": 3},
        {"emittedAt": "2026-03-10T09:00:00+00:00", "metricValue": 1},
        {"emittedAt": "2026-03-10T11:00:00+00:00", "metricValue": 2},
    ]
    rates = value(api, "/data/timeseries/play-rate")
    assert [r["metricValue"] for r in rates] == pytest.approx([1, 2 / 3, 1, 1])


def test_buckets_follow_the_offset_of_from(api: httpx.Client) -> None:
    """Days in +01:00 start at 23:00 UTC, and are shown in that offset."""
    rows = value(
        api,
        "/data/timeseries/impression",
        interval="day",
        **{"from": "2026-03-09T00:00:00+01:00", "to": "2026-03-11T00:00:00+01:00"},
    )
    # s1's ready at 23:50:01 UTC is 00:50 on 03-10 in +01:00: all seven on one day
    assert rows == [{"emittedAt": "2026-03-10T00:00:00+01:00", "metricValue": 7}]


def test_ccv_average_per_hour(api: httpx.Client) -> None:
    rows = value(
        api,
        "/data/timeseries/ccv-average",
        **{"from": "2026-03-10T11:00:00+00:00", "to": "2026-03-10T12:00:00+00:00"},
        interval="hour",
    )
    # s5 plays 3595 s, s8 600 s in the hour: (3595 + 600) / 3600
    assert rows == [{"emittedAt": "2026-03-10T11:00:00+00:00", "metricValue": 1.165278}]


def test_context_echoes_the_metric_variant(api: httpx.Client) -> None:
    body = api.get(
        "/data/metrics/view/count", params={"unique": "true", "viewDuration": "10s"}
    ).json()
    assert body["context"]["metric"] == "unique-view-10"
    assert body["context"]["aggregation"] == "count"
    assert body["context"]["timeframe"] == {
        "from": "2026-03-09T12:00:00+00:00",
        "to": "2026-03-10T12:00:00+00:00",
    }


def test_pagination_of_buckets(api: httpx.Client) -> None:
    first = api.get("/data/buckets/impression/device-type", params={"pageSize": 2}).json()
    assert [r["dimensionValue"] for r in first["data"]] == ["computer", "tv"]
    pagination = first["pagination"]
    assert pagination["itemsTotal"] == 3 and pagination["pagesTotal"] == 2
    next_link = next(link["uri"] for link in pagination["links"] if link["rel"] == "next")
    second = api.get(next_link).json()
    assert [r["dimensionValue"] for r in second["data"]] == ["phone"]
    assert not any(link["rel"] == "next" for link in second["pagination"]["links"])
