"""The videocloud flavor as a service: auth, the error envelope, limits, faults, system, exports."""

from __future__ import annotations

import csv
import io
import math
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from explorer.sandbox import videocloud_traits as traits
from explorer.sandbox.faults import Fault
from explorer.sandbox.server import SandboxService
from explorer.sandbox.videocloud import VideoCloud
from tests.support.handmade import NOW, ms
from tests.support.videocloud_scenario import A, B, sessions, unit_hash
from tests.unit.conftest import Serve

KEY = "sandbox-local-key"
HEADERS = {"Authorization": f"Bearer {KEY}"}
HOUR, MINUTE = 3_600_000, 60_000


def client_for(base: httpx.Client, **headers: str) -> httpx.Client:
    service: SandboxService = base.service  # type: ignore[attr-defined]
    return httpx.Client(base_url=service.base_url, headers=headers, timeout=10)


@pytest.fixture(scope="module")
def api(serve_module: Serve) -> Iterator[httpx.Client]:
    with client_for(serve_module(sessions(), flavor="videocloud"), **HEADERS) as client:
        yield client


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is False
    assert set(body["error"]) >= {"code", "message"}
    return dict(body["error"])


# --- auth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Authorization": f"Bearer {KEY}"}, 200),
        ({"X-API-Key": KEY}, 200),
        ({"x-api-key": KEY}, 200),
        ({}, 401),
        ({"Authorization": "Bearer not-the-key"}, 401),
        ({"Authorization": "Basic c2FuZGJveC1sb2NhbC1rZXk6"}, 401),  # api.video's way, refused
        ({"X-API-Key": "not-the-key"}, 401),
    ],
)
def test_the_key_is_a_bearer_token_or_an_x_api_key(
    api: httpx.Client, headers: dict[str, str], status: int
) -> None:
    with httpx.Client(base_url=api.base_url, headers=headers) as other:
        response = other.get("/analytics/system/performance")
    assert response.status_code == status
    if status == 401:
        assert error_of(response, 401)["code"] == "UNAUTHORIZED"
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="videocloud"'


# --- the error envelope ------------------------------------------------------------------


PERIOD, METRICS, INVALID = (
    "ANALYTICS_INVALID_PERIOD",
    "ANALYTICS_INVALID_METRICS",
    "INVALID_PARAMETER",
)
UNAVAILABLE, VIDEO = "ANALYTICS_DATA_UNAVAILABLE", f"/analytics/videos/{A}"


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "parameter"),
    [
        (VIDEO, {"period": "2w"}, 400, PERIOD, "period"),
        ("/analytics/videos/summary", {"period": "24h"}, 400, PERIOD, "period"),
        ("/analytics/users", {"period": "90d"}, 400, PERIOD, "period"),
        ("/analytics/system/health", {"period": "2d"}, 400, PERIOD, "period"),
        (VIDEO, {"metrics": "views,likes"}, 400, METRICS, "metrics"),
        ("/analytics/users", {"metrics": "activity,views"}, 400, METRICS, "metrics"),
        (VIDEO, {"groupBy": "month"}, 400, INVALID, "groupBy"),
        (VIDEO, {"compare": "maybe"}, 400, INVALID, "compare"),
        ("/analytics/videos/summary", {"limit": "0"}, 400, INVALID, "limit"),
        ("/analytics/users/engagement", {"colour": "red"}, 400, INVALID, "colour"),
        ("/analytics/system/health", {"period": "all"}, 404, UNAVAILABLE, "period"),
        ("/analytics/system/performance", {"period": "all"}, 404, UNAVAILABLE, "period"),
        ("/analytics/videos/viNOPE", {}, 404, "NOT_FOUND", None),
        ("/data/metrics/play/count", {}, 404, "NOT_FOUND", None),  # api.video's paths are not here
        ("/analytics/export/exp_nope", {}, 404, "NOT_FOUND", None),
    ],
)
def test_errors_come_in_the_envelope(
    api: httpx.Client,
    path: str,
    params: dict[str, str],
    status: int,
    code: str,
    parameter: str | None,
) -> None:
    error = error_of(api.get(path, params=params), status)
    assert error["code"] == code
    assert error["message"]
    if parameter:
        assert error["details"]["parameter"] == parameter


def test_metrics_may_be_repeated_or_bracketed(api: httpx.Client) -> None:
    for params in (
        [("metrics", "views"), ("metrics", "performance")],
        [("metrics[]", "views"), ("metrics[]", "performance")],
        [("metrics", "views, performance")],
    ):
        body = api.get(f"/analytics/videos/{A}", params=params).json()["data"]
        assert set(body) == {"period", "views", "performance"}, params


def test_a_wrong_method_and_a_bad_body(api: httpx.Client) -> None:
    assert error_of(api.post("/analytics/users"), 405)["code"] == "METHOD_NOT_ALLOWED"
    response = api.post("/analytics/export", content=b"{not json")
    assert error_of(response, 400)["code"] == "INVALID_PARAMETER"


def test_the_rate_limit_speaks_the_envelope(serve: Serve) -> None:
    with client_for(serve(sessions(), flavor="videocloud", rate_limit=2), **HEADERS) as api:
        assert api.get("/analytics/system/health").status_code == 200
        assert api.get("/analytics/system/health").headers["X-RateLimit-Remaining"] == "0"
        limited = api.get("/analytics/system/health")
    assert error_of(limited, 429)["code"] == "ANALYTICS_RATE_LIMIT"
    assert int(limited.headers["X-RateLimit-Retry-After"]) > 0


def test_faults_speak_the_envelope(serve: Serve) -> None:
    base = serve(sessions(), flavor="videocloud")
    service: SandboxService = base.service  # type: ignore[attr-defined]
    service.faults.inject(Fault.SERVER_ERROR)
    service.faults.inject(Fault.RATE_LIMITED)
    with client_for(base, **HEADERS) as api:
        failed = api.get("/analytics/system/health")
        limited = api.get("/analytics/system/health")
        fine = api.get("/analytics/system/health")
    assert error_of(failed, failed.status_code)["code"] == "INTERNAL_ERROR"
    assert failed.status_code in (500, 502, 503)
    assert error_of(limited, 429)["code"] == "ANALYTICS_RATE_LIMIT"
    assert fine.status_code == 200


def test_a_video_that_did_not_exist_yet_has_no_data(serve: Serve) -> None:
    # the hand-built videos were created on 2026-01-05
    base = serve([], now="2026-01-03T12:00:00+00:00", flavor="videocloud")
    with client_for(base, **HEADERS) as api:
        error = error_of(api.get(f"/analytics/videos/{A}", params={"period": "30d"}), 404)
    assert error["code"] == "ANALYTICS_DATA_UNAVAILABLE"


def test_an_unknown_flavor_is_refused(serve: Serve) -> None:
    with pytest.raises(ValueError, match="unknown flavor"):
        serve([], flavor="youtube")


# --- system figures ----------------------------------------------------------------------


def data(api: httpx.Client, path: str, **params: Any) -> Any:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_performance_over_24_hours(api: httpx.Client) -> None:
    body = data(api, "/analytics/system/performance", period="24h")
    # [03-09 12:00, 03-10 12:00): loads s2 s3 s4 s10 s5; viewer-days v1 v2 v3 on 03-10;
    # events: s2 3, s3 1, s4 3, s5 2, s10 1
    requests = body["api"]["requests"]
    assert requests["byEndpoint"] == {"/videos": 5, "/users": 3, "/analytics": 10}
    assert requests["total"] == 18
    assert requests["perSecond"] == pytest.approx(18 / 86_400, abs=1e-6)
    # a load so light that the times are the bases: (80·5 + 120·3 + 150·10) / 18
    times = body["api"]["responseTime"]
    assert times == {
        "average": 125.6,
        "byEndpoint": {"/videos": 80.0, "/users": 120.0, "/analytics": 150.0},
    }
    assert body["processing"]["videos"] == {"queued": 0, "processing": 0, "averageTime": 155.0}
    assert body["processing"]["thumbnails"]["averageTime"] == 5.1  # (2 + 6 + 2 + 0.2) / 2
    # reads: 5 loads + (600 + 20 + 598 s) / 6-s segments; writes: 10 events
    assert body["storage"]["operations"] == {"reads": 208, "writes": 10, "errors": 0}
    kbps = {"phone": 1800, "tablet": 3000}
    played = [(2, 600, "phone"), (4, 20, "tablet"), (5, 598, "tablet")]
    bytes_out = sum(
        w * round(kbps[d] * (0.75 + 0.5 * unit_hash(sid, traits.MULTIPLIERS["bitrate"]))) * 125
        for sid, w, d in played
    )
    assert body["storage"]["bandwidth"] == {"in": "0B/s", "out": f"{bytes_out / 86_400e3:.1f}KB/s"}


def test_health_over_24_hours(api: httpx.Client) -> None:
    health = data(api, "/analytics/system/health")  # 24h by default
    assert health["responseTime"] == {"average": 125.6, "p95": 251.2, "p99": 376.8}
    # nothing in the last 15 minutes but s5's load, ready and play: an idle 4-core machine
    assert health["resources"]["cpu"] == {"usage": 0.15, "load": [0.6, 0.6, 0.6]}
    assert health["resources"]["memory"] == {"usage": 0.4525, "available": "8.8GB"}
    # 620 s of video at 12 Mbit/s = 0.93 GB of 2000 GB
    assert health["resources"]["storage"] == {"usage": 0.000465, "available": "1999.1GB"}
    shares = health["errors"]["byType"]
    assert sum(shares.values()) == pytest.approx(health["errors"]["rate"], abs=1e-6)


def test_uptime_follows_the_incident_hash(api: httpx.Client) -> None:
    health = data(api, "/analytics/system/health", period="30d")
    now = ms(NOW)
    lo, hi = now - 30 * 24 * HOUR, now
    down = 0
    for hour in range(lo // HOUR, hi // HOUR):
        if unit_hash(hour, traits.MULTIPLIERS["incident"]) < 0.02:
            minutes = 1 + math.floor(5 * unit_hash(hour, traits.MULTIPLIERS["outage"]))
            down += min(hour * HOUR + minutes * MINUTE, hi) - max(hour * HOUR, lo)
    assert down > 0  # the 30 days hold some outages, so the test means something
    assert health["uptime"] == round(1 - down / (hi - lo), 6)
    assert health["errors"]["rate"] >= 1 - health["uptime"]


# --- exports -----------------------------------------------------------------------------


def wait_ready(api: httpx.Client, export_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job: dict[str, Any] = data(api, f"/analytics/export/{export_id}")
        if job["status"] != "processing":
            return job
        time.sleep(0.02)
    raise AssertionError("the export never finished")


@pytest.fixture
def quick(serve: Serve) -> Iterator[httpx.Client]:
    base = serve(sessions(), flavor="videocloud")
    service: SandboxService = base.service  # type: ignore[attr-defined]
    assert isinstance(service.served, VideoCloud)
    service.served.exports.delay_s = 0.2
    with client_for(base, **HEADERS) as api:
        yield api


def rows_of(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_a_video_export_becomes_ready_then_downloads(quick: httpx.Client) -> None:
    request = {"type": "video", "period": "7d", "metrics": ["views"], "videoId": A}
    job = data_post(quick, request)
    assert job["status"] == "processing"
    base_url = str(quick.base_url).rstrip("/")
    assert job["downloadUrl"] == f"{base_url}/analytics/export/{job['exportId']}/download"
    assert job["expiresAt"] == "2026-03-10T13:00:00Z"
    early = quick.get(job["downloadUrl"])
    assert error_of(early, 409)["code"] == "ANALYTICS_EXPORT_NOT_READY"
    done = wait_ready(quick, job["exportId"])
    assert done["status"] == "ready" and done["progress"] == 1.0 and done["rows"] == 7
    rows = rows_of(quick.get(done["downloadUrl"]))
    assert rows[0] == ["date", "video_id", "title", "views", "unique_viewers"]
    assert [(r[0], r[3], r[4]) for r in rows[1:]] == [
        ("2026-03-04", "0", "0"),
        ("2026-03-05", "0", "0"),
        ("2026-03-06", "0", "0"),
        ("2026-03-07", "0", "0"),
        ("2026-03-08", "1", "1"),
        ("2026-03-09", "1", "1"),
        ("2026-03-10", "2", "2"),
    ]
    assert {r[2] for r in rows[1:]} == {"Algebra 1"}
    unauthenticated = httpx.get(done["downloadUrl"])
    assert error_of(unauthenticated, 401)["code"] == "UNAUTHORIZED"


def data_post(api: httpx.Client, body: Any) -> Any:
    response = api.post("/analytics/export", json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_an_export_of_every_video_with_engagement(quick: httpx.Client) -> None:
    job = wait_ready(quick, data_post(quick, {"period": "1d", "metrics": "engagement"})["exportId"])
    rows = rows_of(quick.get(job["downloadUrl"]))
    header = rows[0]
    assert header[3:] == ["watch_time_s", "completion_rate", "likes", "comments", "shares"]
    assert len(rows) == 1 + 2 * 2  # 1d spans 03-09 (from 12:00) and 03-10, for A and B
    today = {r[1]: r[3:5] for r in rows[1:] if r[0] == "2026-03-10"}
    assert today == {A: ["1198", "0.5"], B: ["20", "1"]}  # A: s2 600 + s5 598; s2 ended


def test_a_users_export(quick: httpx.Client) -> None:
    job = wait_ready(quick, data_post(quick, {"type": "users", "period": "7d"})["exportId"])
    rows = rows_of(quick.get(job["downloadUrl"]))
    assert rows[0] == [
        "date",
        "active_users",
        "new_users",
        "returning_users",
        "sessions",
        "average_session_s",
    ]
    non_empty = {r[0]: r[1:] for r in rows[1:] if r[1] != "0"}
    assert non_empty == {
        "2026-03-05": ["1", "0", "1", "1", "60"],  # v4's bounce
        "2026-03-08": ["1", "1", "0", "1", "300"],  # v2 arrives
        "2026-03-09": ["1", "1", "0", "1", "300"],  # v1 arrives
        "2026-03-10": ["3", "1", "2", "4", "488"],  # v1 v2 v3; visits 60 630 1260 2
    }


def test_an_export_with_nothing_in_it_fails(serve: Serve) -> None:
    base = serve([], flavor="videocloud")
    flavour = base.service.served  # type: ignore[attr-defined]
    assert isinstance(flavour, VideoCloud)
    flavour.exports.delay_s = 0.05
    with client_for(base, **HEADERS) as api:
        job = wait_ready(api, data_post(api, {"type": "video", "period": "30d"})["exportId"])
        assert job["status"] == "failed"
        assert job["error"]["code"] == "ANALYTICS_EXPORT_FAILED"
        assert "nothing to export" in job["error"]["message"]
        download = api.get(job["downloadUrl"])
    assert error_of(download, 500)["code"] == "ANALYTICS_EXPORT_FAILED"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ([], 400, "INVALID_PARAMETER"),
        ({"type": "players"}, 400, "INVALID_PARAMETER"),
        ({"period": "1w"}, 400, "ANALYTICS_INVALID_PERIOD"),
        ({"metrics": ["views", "growth"]}, 400, "ANALYTICS_INVALID_METRICS"),
        ({"type": "users", "metrics": ["views"]}, 400, "ANALYTICS_INVALID_METRICS"),
        ({"format": "xlsx"}, 400, "INVALID_PARAMETER"),
        ({"videoId": "viNOPE"}, 404, "NOT_FOUND"),
    ],
)
def test_export_requests_are_checked(api: httpx.Client, body: Any, status: int, code: str) -> None:
    assert error_of(api.post("/analytics/export", json=body), status)["code"] == code
