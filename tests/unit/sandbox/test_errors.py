"""Invalid requests get the spec's 400 bodies naming the parameter; unknown URLs 404; 405."""

from __future__ import annotations

import httpx
import pytest

from tests.support.scenario import sessions
from tests.unit.conftest import Serve

INVALID_ATTRIBUTE = "https://docs.api.video/reference/invalid-attribute"
INVALID_QUERY = "https://docs.api.video/reference/request-invalid-query-parameter"


@pytest.fixture
def api(serve: Serve) -> httpx.Client:
    return serve(sessions())


@pytest.mark.parametrize(
    ("path", "params", "kind", "name"),
    [
        ("/data/metrics/nope/count", {}, INVALID_ATTRIBUTE, "metric"),
        ("/data/metrics/watch-time/count", {}, INVALID_ATTRIBUTE, "aggregation"),
        ("/data/metrics/play/peak", {}, INVALID_ATTRIBUTE, "aggregation"),
        ("/data/buckets/play-total/country", {}, INVALID_ATTRIBUTE, "breakdown"),
        ("/data/buckets/play/city", {}, INVALID_ATTRIBUTE, "breakdown"),
        ("/data/buckets/watch-time/country", {}, INVALID_ATTRIBUTE, "metric"),
        ("/data/timeseries/play-total", {}, INVALID_ATTRIBUTE, "metric"),
        ("/data/timeseries/play", {"interval": "week"}, INVALID_QUERY, "interval"),
        ("/data/timeseries/play", {"interval": "minute"}, INVALID_QUERY, "interval"),
        ("/data/metrics/play/count", {"unique": "true"}, INVALID_QUERY, "unique"),
        ("/data/metrics/ccv/peak", {"unique": "maybe"}, INVALID_QUERY, "unique"),
        ("/data/metrics/ccv/peak", {"viewDuration": "5s"}, INVALID_QUERY, "viewDuration"),
        ("/data/metrics/view/count", {"viewDuration": "7s"}, INVALID_QUERY, "viewDuration"),
        ("/data/metrics/play/count", {"from": "yesterday"}, INVALID_QUERY, "from"),
        ("/data/metrics/play/count", {"from": "2026-03-10T00:00:00"}, INVALID_QUERY, "from"),
        ("/data/metrics/play/count", {"from": "2026-02-07T11:00:00+00:00"}, INVALID_QUERY, "from"),
        (
            "/data/metrics/play/count",
            {"from": "2026-03-10T10:00:00+00:00", "to": "2026-03-10T09:00:00+00:00"},
            INVALID_QUERY,
            "from",
        ),
        ("/data/metrics/play/count", {"colour": "red"}, INVALID_QUERY, "colour"),
        (
            "/data/metrics/play/count",
            {"filterBy[city][]": "Paris"},
            INVALID_QUERY,
            "filterBy[city]",
        ),
        (
            "/data/metrics/play/count",
            {"filterBy[continent][]": "EUROPE"},
            INVALID_QUERY,
            "filterBy[continent]",
        ),
        ("/data/metrics/play/count", {"filterBy[tag]": ["a", "b"]}, INVALID_QUERY, "filterBy[tag]"),
        (
            "/data/metrics/play/count",
            {"filterBy[referrer][]": "https://x.example/" + "a" * 2040},
            INVALID_QUERY,
            "filterBy[referrer]",
        ),
        (
            "/data/metrics/play/total",
            {"filterBy[country][]": "FR"},
            INVALID_QUERY,
            "filterBy[country]",
        ),
        ("/data/metrics/play/count", {"currentPage": "2"}, INVALID_QUERY, "currentPage"),
        ("/data/buckets/play/country", {"pageSize": "101"}, INVALID_QUERY, "pageSize"),
        ("/data/buckets/play/country", {"pageSize": "0"}, INVALID_QUERY, "pageSize"),
        ("/data/buckets/play/country", {"sortBy": "emittedAt"}, INVALID_QUERY, "sortBy"),
        ("/data/timeseries/play", {"sortOrder": "up"}, INVALID_QUERY, "sortOrder"),
        (
            "/data/timeseries/play",
            {"interval": "day", "breakdown": "x"},
            INVALID_QUERY,
            "breakdown",
        ),
    ],
)
def test_bad_requests_name_the_parameter(
    api: httpx.Client, path: str, params: dict[str, object], kind: str, name: str
) -> None:
    response = api.get(path, params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["type"], body["name"], body["status"]) == (kind, name, 400)
    assert body["title"] and body["detail"]


def test_a_minute_interval_under_an_hour_is_fine(api: httpx.Client) -> None:
    window = {"from": "2026-03-10T11:00:00+00:00", "to": "2026-03-10T11:59:00+00:00"}
    response = api.get("/data/timeseries/play", params={"interval": "minute", **window})
    assert response.status_code == 200
    assert response.json()["pagination"]["itemsTotal"] == 59  # s5 plays the whole hour


def test_unknown_url_and_wrong_method(api: httpx.Client) -> None:
    missing = api.get("/data/nothing")
    assert missing.status_code == 404
    assert missing.json()["type"] == "https://docs.api.video/reference/unrecognized-request-url"
    wrong = api.delete("/videos")
    assert wrong.status_code == 405
    assert wrong.json()["title"] == "Method is not allowed for this route."


def test_unknown_resources_are_404(api: httpx.Client) -> None:
    assert api.get("/videos/viNOPE").status_code == 404
    raw = api.get("/analytics/videos/viNOPE", params={"period": "2026-03-10"})
    assert raw.status_code == 404
    assert raw.json()["name"] == "videoId"
    assert api.get("/analytics/sessions/psNOPE/events").status_code == 404
