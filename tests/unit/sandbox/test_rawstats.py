"""Raw statistics, legacy plays and asset listings over the hand-built scenario."""

from __future__ import annotations

import httpx
import pytest

from explorer.sandbox.rawstats import parse_period
from tests.support.scenario import A, B, C, sessions
from tests.unit.conftest import Serve


@pytest.fixture
def api(serve: Serve) -> httpx.Client:
    return serve(sessions())


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2026-03-10", "2026-03-10", "2026-03-11"),
        ("2026-W11", "2026-03-09", "2026-03-16"),  # ISO week 11 of 2026 starts Monday 9 March
        ("2026-02", "2026-02-01", "2026-03-01"),
        ("2024-02", "2024-02-01", "2024-03-01"),  # leap year
        ("2026", "2026-01-01", "2027-01-01"),
        ("2026-03-01/2026-03-09", "2026-03-01", "2026-03-10"),  # both days included
    ],
)
def test_periods(period: str, start: str, end: str) -> None:
    first, after = parse_period(period)
    assert (first.date().isoformat(), after.date().isoformat()) == (start, end)


@pytest.mark.parametrize(
    "period",
    ["", "2026-13", "2026-W54", "2026-3-1", "2026-03-10/2026-03-01", "last week", "2026-02-30"],
)
def test_bad_periods(api: httpx.Client, period: str) -> None:
    response = api.get(f"/analytics/videos/{A}", params={"period": period})
    assert response.status_code == 400
    assert response.json()["name"] == "period"


def session_ids(api: httpx.Client, path: str, **params: str) -> list[str]:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return [item["session"]["sessionId"] for item in response.json()["data"]]


def test_sessions_of_a_video_by_period_and_metadata(api: httpx.Client) -> None:
    video = f"/analytics/videos/{A}"
    # s6 (13:00) has not loaded yet at noon
    assert session_ids(api, video, period="2026-03-10") == [
        "ps00000000000000000002",
        "ps00000000000000000004",
    ]
    assert len(session_ids(api, video, period="2026-03-09/2026-03-10")) == 3
    assert len(session_ids(api, video, period="2026-W11")) == 3
    assert session_ids(api, video, period="2026-03", **{"metadata[plan]": "premium"}) == [
        "ps00000000000000000004"
    ]
    assert session_ids(api, f"/analytics/live-streams/{C}", period="2026-03-10") == [
        "ps00000000000000000005",
        "ps00000000000000000008",
    ]


def test_a_session_as_the_raw_statistics_spec_shows_it(api: httpx.Client) -> None:
    item = api.get(f"/analytics/videos/{A}", params={"period": "2026-03-10"}).json()["data"][0]
    assert item == {
        "session": {
            "sessionId": "ps00000000000000000002",
            "loadedAt": "2026-03-10T08:00:00.000Z",
            "endedAt": "2026-03-10T08:09:30.000Z",
            "metadata": [],
        },
        "location": {"country": "United States", "city": "Paris"},
        "referrer": {"url": None, "medium": "organic", "source": "unknown", "searchTerm": ""},
        "device": {"type": "phone", "vendor": "Dell", "model": "unknown"},
        "os": {"name": "ios", "shortname": "W10", "version": "10"},
        "client": {"type": "mobile app", "name": "safari", "version": "120.0"},
    }


def test_events_so_far_in_order(api: httpx.Client) -> None:
    events = api.get("/analytics/sessions/ps00000000000000000002/events").json()["data"]
    assert [e["type"] for e in events] == [
        "ready",
        "play",
        "seek.forward",
        "pause",
        "resume",
        "end",
    ]
    assert events[2] == {
        "type": "seek.forward",
        "emittedAt": "2026-03-10T08:01:10.000Z",
        "from": 60,
        "to": 300,
    }
    assert events[5] == {"type": "end", "emittedAt": "2026-03-10T08:09:00.000Z", "at": 600}
    # s5 pauses at 12:30, after now: not yet visible, and the session has no endedAt
    live = api.get("/analytics/sessions/ps00000000000000000005/events").json()["data"]
    assert [e["type"] for e in live] == ["ready", "play"]
    session = api.get(f"/analytics/live-streams/{C}", params={"period": "2026-03-10"}).json()
    assert "endedAt" not in session["data"][0]["session"]
    # s6 has not loaded yet
    assert api.get("/analytics/sessions/ps00000000000000000006/events").status_code == 404


def test_event_pages(api: httpx.Client) -> None:
    page = api.get(
        "/analytics/sessions/ps00000000000000000002/events", params={"pageSize": 4}
    ).json()
    assert len(page["data"]) == 4 and page["pagination"]["pagesTotal"] == 2


def test_the_retired_v1_plays_are_not_served(api: httpx.Client) -> None:
    """Analytics v1's plays (API.md 8.1) are gone from the spec, the product asks v2 (seed 001:
    `play` maps to /data/metrics, /data/buckets and /data/timeseries), so the sandbox serves
    them no more: the path reads as raw statistics of a video named "plays", which needs a
    period."""
    for kind in ("videos", "live-streams"):
        response = api.get(f"/analytics/{kind}/plays", params={"from": "2026-03-09"})
        assert response.status_code in (400, 404), response.text


def test_asset_listings(api: httpx.Client) -> None:
    videos = api.get("/videos", params={"sortBy": "title", "sortOrder": "desc"}).json()
    assert [v["title"] for v in videos["data"]] == ["Spring ad", "Algebra 1"]
    assert videos["pagination"]["itemsTotal"] == 2
    assert [v["videoId"] for v in api.get("/videos", params={"tags[]": "ad"}).json()["data"]] == [B]
    assert api.get("/videos", params={"tags[]": ["maths", "ad"]}).json()["data"] == []
    assert [
        v["videoId"] for v in api.get("/videos", params={"title": "algebra"}).json()["data"]
    ] == [A]
    assert len(api.get("/videos", params={"metadata[level]": "1"}).json()["data"]) == 2
    video = api.get(f"/videos/{A}").json()
    assert video["tags"] == ["maths", "course"] and video["assets"]["player"].endswith(A)
    live = api.get("/live-streams").json()["data"]
    assert [(s["liveStreamId"], s["broadcasting"]) for s in live] == [(C, True)]
    players = api.get("/players").json()["data"]
    assert players[0]["playerId"] == "plDDDDDDDDDDDDDDDDDDDD"
    assert api.get("/videos", params={"sortBy": "views"}).status_code == 400


def test_the_video_status_gives_the_media_length_in_whole_seconds(serve: Serve) -> None:
    """GET /videos/{videoId}/status: encoding.metadata.duration, an integer as the spec types
    it (issue 17: retention reads the length from here)."""
    api = serve(sessions())
    status = api.get(f"/videos/{A}/status").json()
    assert status["encoding"]["metadata"]["duration"] == 600
    assert status["encoding"]["playable"] is True
    assert status["ingest"]["status"] == "uploaded"
    assert api.get(f"/videos/{B}/status").json()["encoding"]["metadata"]["duration"] == 20
    missing = api.get("/videos/viNOPE/status")
    assert missing.status_code == 404 and missing.json()["name"] == "videoId"
