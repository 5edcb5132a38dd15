"""VideoCloudClient over MockTransport: requests, the envelope's errors, retries, bad bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from explorer.api.errors import (
    ApiError,
    AuthenticationFailed,
    BadRequest,
    Forbidden,
    MalformedResponse,
    NotFound,
    RateLimited,
    ResponseError,
    ServerError,
)
from explorer.api.secrets import Secret
from explorer.api.videocloud import ExportRequest, VideoCloudClient, VideoCloudOptions
from explorer.api.videocloud_export import ExportPolicy
from tests.unit.api.support import (
    BASE_URL,
    FAST,
    KEY,
    Handler,
    Recorder,
    exposed_text,
    json_response,
    leaks,
)

QUICK_EXPORTS = ExportPolicy(first_poll_s=0.001, max_poll_s=0.002, deadline_s=5.0)


@contextmanager
def client_for(
    answer: Handler, *, export: ExportPolicy = QUICK_EXPORTS
) -> Iterator[tuple[VideoCloudClient, Recorder]]:
    recorder = Recorder(answer)
    client = VideoCloudClient(
        BASE_URL,
        Secret(KEY),
        options=VideoCloudOptions(retry=FAST, export=export),
        transport=httpx.MockTransport(recorder),
    )
    try:
        yield client, recorder
    finally:
        client.close()


def ok(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    return json_response(status, {"success": True, "data": data}, **headers)


def failed(status: int, code: str, message: str = "", **headers: str) -> httpx.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    return json_response(status, {"success": False, "error": error}, **headers)


def sequence(*responses: httpx.Response) -> Handler:
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return answer


# --- requests ----------------------------------------------------------------------------


def test_video_sends_the_seed_parameters_with_the_key_as_bearer() -> None:
    raw_paths: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        raw_paths.append(request.url.raw_path)
        return ok({"views": {"total": 3}})

    with client_for(answer) as (client, seen):
        result = client.video("vid/../1", period="30d", group_by="week", compare=False)
    assert result.views is not None and result.views.total == 3
    request = seen.seen[0]
    assert raw_paths[0].split(b"?")[0] == b"/analytics/videos/vid%2F..%2F1"  # one segment
    assert request.params == {
        "period": "30d",
        "metrics": "views,engagement,performance",
        "groupBy": "week",
        "compare": "false",
    }
    assert request.authorization == f"Bearer {KEY}"


SUMMARY, USERS = "/analytics/videos/summary", "/analytics/users"
PERFORMANCE = "/analytics/system/performance"


@pytest.mark.parametrize(
    ("call", "path", "params"),
    [
        (lambda c: c.summary(), SUMMARY, {"period": "30d"}),
        (lambda c: c.summary(period="7d", limit=5), SUMMARY, {"period": "7d", "limit": "5"}),
        (lambda c: c.users(metrics=["growth"]), USERS, {"period": "30d", "metrics": "growth"}),
        (lambda c: c.user_engagement(), "/analytics/users/engagement", {"period": "7d"}),
        (lambda c: c.system_health(), "/analytics/system/health", {"period": "24h"}),
        (lambda c: c.system_performance(period="24h"), PERFORMANCE, {"period": "24h"}),
        (lambda c: c.export_status("exp_1"), "/analytics/export/exp_1", {}),
    ],
)
def test_each_call_asks_its_endpoint(call: Any, path: str, params: dict[str, str]) -> None:
    body = {"engagement": {}, "exportId": "exp_1"}
    with client_for(lambda r: ok(body)) as (client, seen):
        call(client)
    assert [(s.method, s.path, s.params) for s in seen.seen] == [("GET", path, params)]


def test_user_engagement_is_unwrapped() -> None:
    body = {"engagement": {"bounceRate": 0.3, "byTimeOfDay": [{"hour": 14, "users": 9}]}}
    with client_for(lambda r: ok(body)) as (client, _):
        engagement = client.user_engagement()
    assert engagement.bounce_rate == 0.3
    assert engagement.by_time_of_day[0].users == 9


def test_create_export_posts_the_body() -> None:
    job = {"exportId": "exp_9", "status": "processing"}
    with client_for(lambda r: ok(job)) as (client, seen):
        created = client.create_export(
            ExportRequest(period="7d", metrics=("views", "engagement"), video_id="vid_1")
        )
    assert created.export_id == "exp_9" and not created.ready
    assert seen.seen[0].method == "POST"
    assert seen.seen[0].body == {
        "type": "video",
        "period": "7d",
        "metrics": ["views", "engagement"],
        "format": "csv",
        "videoId": "vid_1",
    }


# --- the list of videos ------------------------------------------------------------------


def test_videos_come_from_the_summary_of_all_time() -> None:
    top = [{"id": "v1", "title": "One", "views": 9}, {"id": "v2", "title": "Two"}]
    with client_for(lambda r: ok({"totalVideos": 2, "topVideos": [*top, top[0]]})) as (c, seen):
        listed = c.videos()
    assert seen.seen[0].params == {"period": "all", "limit": "100"}
    assert [v.id for v in listed.videos] == ["v1", "v2"]  # a repeated id once
    assert listed.complete and listed.total == 2 and listed.note == ""


def test_a_capped_list_of_videos_says_so() -> None:
    with client_for(lambda r: ok({"totalVideos": 50, "topVideos": [{"id": "v1"}]})) as (c, _):
        listed = c.videos()
    assert not listed.complete
    assert "1 of 50 videos" in listed.note
    with client_for(lambda r: ok({"topVideos": []})) as (c, _):
        assert not c.videos().complete  # the server did not say how many


# --- the error codes ---------------------------------------------------------------------


PERIOD, METRICS = "ANALYTICS_INVALID_PERIOD", "ANALYTICS_INVALID_METRICS"
UNAVAILABLE, EXPORT = "ANALYTICS_DATA_UNAVAILABLE", "ANALYTICS_EXPORT_FAILED"


@pytest.mark.parametrize(
    ("response", "kind", "status", "code", "name"),
    [
        (failed(400, PERIOD, "Invalid period"), BadRequest, 400, PERIOD, "period"),
        (failed(400, METRICS), BadRequest, 400, METRICS, "metrics"),
        (failed(404, UNAVAILABLE), NotFound, 404, UNAVAILABLE, ""),
        (failed(500, EXPORT), ServerError, 500, EXPORT, ""),
        # the code decides, whatever the status, even inside a 200
        (failed(200, PERIOD), BadRequest, 400, PERIOD, "period"),
        (failed(422, UNAVAILABLE), NotFound, 422, UNAVAILABLE, ""),
        # unknown codes fall back on the status
        (failed(401, "UNAUTHORIZED", "Bad key"), AuthenticationFailed, 401, "UNAUTHORIZED", ""),
        (failed(403, "PLAN_LIMIT"), Forbidden, 403, "PLAN_LIMIT", ""),
        (failed(404, "NOT_FOUND"), NotFound, 404, "NOT_FOUND", ""),
        (failed(409, "CONFLICT"), ResponseError, 409, "CONFLICT", ""),
        (json_response(400, {"message": "no envelope"}), BadRequest, 400, "", ""),
        (httpx.Response(502, content=b"<html>bad gateway</html>"), ServerError, 502, "", ""),
    ],
)
def test_error_codes_map_into_the_error_tree(
    response: httpx.Response, kind: type[ResponseError], status: int, code: str, name: str
) -> None:
    with client_for(lambda r: response) as (client, _), pytest.raises(kind) as caught:
        client.system_health()
    error = caught.value
    assert type(error) is kind
    assert (error.status, error.type, error.name) == (status, code, name)
    if code:
        assert code in str(error)


def test_the_server_message_is_kept_and_the_parameter_named() -> None:
    body = {
        "success": False,
        "error": {
            "code": "ANALYTICS_INVALID_METRICS",
            "message": "Invalid metrics requested: likes",
            "details": {"parameter": "metrics[0]"},
        },
    }
    with client_for(lambda r: json_response(400, body)) as (c, _), pytest.raises(BadRequest) as e:
        c.video("v1")
    assert e.value.title == "Invalid metrics requested: likes"
    assert e.value.name == "metrics[0]"
    assert str(e.value).startswith("HTTP 400: Invalid metrics requested: likes")
    assert "GET /analytics/videos/v1" in str(e.value)


# --- rate limits -------------------------------------------------------------------------


def test_429s_are_retried_then_succeed() -> None:
    limited = failed(429, "ANALYTICS_RATE_LIMIT", **{"Retry-After": "0"})
    answer = sequence(limited, limited, ok({"uptime": 0.99}))
    with client_for(answer) as (client, seen):
        assert client.system_health().uptime == 0.99
    assert len(seen.seen) == 3


def test_a_rate_limit_code_outside_a_429_is_retried_too() -> None:
    answer = sequence(failed(200, "ANALYTICS_RATE_LIMIT"), ok({"uptime": 0.5}))
    with client_for(answer) as (client, seen):
        assert client.system_health().uptime == 0.5
    assert len(seen.seen) == 2


@pytest.mark.parametrize("status", [429, 400, 200])
def test_rate_limits_are_retried_a_bounded_number_of_times(status: int) -> None:
    limited = failed(status, "ANALYTICS_RATE_LIMIT", "slow down", **{"Retry-After": "0"})
    with client_for(lambda r: limited) as (client, seen), pytest.raises(RateLimited) as caught:
        client.system_health()
    assert len(seen.seen) == FAST.rate_limited_attempts
    assert caught.value.type == "ANALYTICS_RATE_LIMIT"
    assert caught.value.status == (status if status >= 400 else 429)
    assert "too many requests" in str(caught.value) or "slow down" in str(caught.value)


def test_a_rate_limit_asking_too_long_a_wait_is_not_waited_for() -> None:
    limited = failed(200, "ANALYTICS_RATE_LIMIT", **{"Retry-After": "3600"})
    with client_for(lambda r: limited) as (client, seen), pytest.raises(RateLimited) as caught:
        client.system_health()
    assert len(seen.seen) == 1
    assert caught.value.retry_after == 3600


# --- bodies we cannot read ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"<html>maintenance</html>", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"result": {"uptime": 1}}', "not the {success, data} envelope"),
        (b'{"success": true}', "has no data"),
        (b'{"success": [1], "data": {}}', "success flag"),
        (b'{"success": true, "data": {"uptime": "very"}}', "does not have the expected shape"),
        (b'{"success": true, "data": [1]}', "does not have the expected shape"),
        (
            b'{"success": true, "data": {"resources": {"memory": {"available": "lots"}}}}',
            "expected shape",
        ),
    ],
)
def test_malformed_bodies_fail_clearly(content: bytes, says: str) -> None:
    response = httpx.Response(200, content=content)
    with client_for(lambda r: response) as (c, _), pytest.raises(MalformedResponse) as caught:
        c.system_health()
    assert says in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_data_without_the_success_flag_is_accepted() -> None:
    with client_for(lambda r: json_response(200, {"data": {"uptime": 0.9}})) as (c, _):
        assert c.system_health().uptime == 0.9


def test_the_key_never_shows_in_errors() -> None:
    echo = failed(401, "UNAUTHORIZED", f"key {KEY} is not valid (Bearer {KEY})")
    with client_for(lambda r: echo) as (client, _), pytest.raises(ApiError) as caught:
        client.video("v1")
    assert leaks(exposed_text(caught.value), KEY) == []
    assert "not valid" in str(caught.value)
    assert KEY not in repr(client) and KEY not in repr(client.http.auth)


def test_the_request_body_is_json() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content)["type"] == "users"
        return ok({"exportId": "e"})

    with client_for(answer) as (client, _):
        client.create_export(ExportRequest(type="users"))
