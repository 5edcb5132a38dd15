"""Every spec example of the operations we call: 2xx parse, 4xx raise the right exception."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import httpx
import pytest

from explorer.api import models
from explorer.api.errors import (
    ApiError,
    AuthenticationFailed,
    BadRequest,
    Forbidden,
    NotFound,
    RateLimited,
    ResponseError,
)
from explorer.api.models import Page
from tests.spec_support import ResponseExample, iter_response_examples
from tests.unit.api.support import ACCESS, http_for, json_response, token_auth, tokens

TOKEN = "token"  # the auth endpoints' answer is read by TokenAuth, not by a wire model

# (method, path template) -> (response model, item model for lists or None)
WIRE: dict[tuple[str, str], tuple[type[models.Wire], type[models.Wire] | None] | str] = {
    ("get", "/data/metrics/{metric}/{aggregation}"): (models.MetricsResponse, None),
    ("get", "/data/buckets/{metric}/{breakdown}"): (models.BucketsResponse, models.Bucket),
    ("get", "/data/timeseries/{metric}"): (models.TimeseriesResponse, models.Point),
    ("get", "/videos"): (Page, models.Video),
    ("get", "/videos/{videoId}"): (models.Video, None),
    ("get", "/live-streams"): (Page, models.LiveStream),
    ("get", "/players"): (Page, models.Player),
    ("get", "/analytics/videos/{videoId}"): (Page, models.PlayerSession),
    ("get", "/analytics/live-streams/{liveStreamId}"): (Page, models.PlayerSession),
    ("get", "/analytics/sessions/{sessionId}/events"): (Page, models.SessionEvent),
    ("post", "/auth/api-key"): TOKEN,
    ("post", "/auth/refresh"): TOKEN,
}

# Operations we no longer call (the v1 plays, gone since 2024-07, API.md §8.1): their error
# examples still check the mapping of error answers, which is the same for every path.
RETIRED = {("get", "/analytics/videos/plays"), ("get", "/analytics/live-streams/plays")}

ERRORS: dict[str, type[ResponseError]] = {
    "400": BadRequest,
    "403": Forbidden,
    "404": NotFound,
    "429": RateLimited,
}

# Observed on the specs of API.md §0 (33 success examples of the operations we call, 80 error
# examples with the retired ones): a walker that loses examples fails here instead of passing
# on an empty list.
MIN_SUCCESS_EXAMPLES = 33
MIN_ERROR_EXAMPLES = 80


@pytest.fixture(scope="module")
def examples() -> list[ResponseExample]:
    return [e for e in iter_response_examples() if (e.method, e.path) in WIRE.keys() | RETIRED]


def _name(example: ResponseExample) -> str:
    where = f"{example.method.upper()} {example.path} {example.status}"
    return f"{example.spec} {where} {example.example_name!r}"


def _concrete(template: str) -> str:
    """A request path for a template: `{videoId}` -> `vi1`-like stand-ins."""
    return (
        template.replace("{metric}", "play")
        .replace("{aggregation}", "count")
        .replace("{breakdown}", "country")
        .replace("{videoId}", "vi4blUQJFrYWbaG44NChkH27")
        .replace("{liveStreamId}", "li400mYKSgQ6xs7taUeSaEKr")
        .replace("{sessionId}", "psEmFwGQUAXR2lFHj5nDOpy")
    )


def _read_success(example: ResponseExample) -> None:
    """Parse one 2xx example; raises on any problem."""
    wire = WIRE[(example.method, example.path)]
    if wire == TOKEN:
        _read_token(example.value)
        return
    assert isinstance(wire, tuple)
    model, item = wire
    parsed = model.model_validate(example.value)
    if item is not None:
        rows = example.value["data"]
        assert isinstance(rows, list) and rows, "a list example without items"
        parsed_items = [item.model_validate(row) for row in rows]
        assert len(parsed_items) == len(rows)
    assert parsed is not None


def _read_token(body: dict[str, Any]) -> None:
    """Serve the example as the answer of POST /auth/api-key; the next GET carries its token."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/api-key":
            return json_response(200, body)
        return json_response(200, {"ok": request.headers.get("Authorization")})

    with http_for(answer, auth=token_auth()) as (http, _):
        assert http.get_json("/videos") == {"ok": f"Bearer {body['access_token']}"}


def _map_error(example: ResponseExample) -> ApiError:
    """Serve a 4xx example with its status; return the exception the client raised."""
    status = int(example.status)
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Retry-After": "600"}
    body = json.dumps(example.value).encode()
    if example.method == "post":
        return _map_auth_error(example, status, body)
    path = _concrete(example.path)
    with http_for(lambda request: httpx.Response(status, content=body, headers=headers)) as (
        http,
        server,
    ):
        try:
            http.get_json(path)
        except ApiError as error:
            assert server.paths == [f"GET {path}"]  # mapped at once: no retry for these
            return error
    raise AssertionError("no exception")


def _map_auth_error(example: ResponseExample, status: int, body: bytes) -> ApiError:
    """The example as the answer of the key exchange; a refresh example must also make
    TokenAuth give up the refresh token and go back to the key."""
    if example.path == "/auth/refresh":
        _check_refresh_fallback(status, body)
    refused = httpx.Response(status, content=body)
    with http_for(lambda request: refused, auth=token_auth()) as (http, server):
        try:
            http.get_json("/videos")
        except ApiError as error:
            assert server.paths == ["POST /auth/api-key"]
            return error
    raise AssertionError("no exception")


def _check_refresh_fallback(status: int, body: bytes) -> None:
    issued: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/refresh":
            return httpx.Response(status, content=body)
        if request.url.path == "/auth/api-key":
            issued.append(1)
            return json_response(200, tokens(len(issued) - 1))
        if request.headers["Authorization"] == f"Bearer {ACCESS[0]}":
            return json_response(401, {"title": "Unauthorized"})
        return json_response(200, {})

    with http_for(answer, auth=token_auth()) as (http, server):
        http.get_json("/videos")
    assert server.paths == [
        "POST /auth/api-key",
        "GET /videos",
        "POST /auth/refresh",
        "POST /auth/api-key",
        "GET /videos",
    ]


def test_every_success_example_parses(examples: list[ResponseExample]) -> None:
    parsed, failures = Counter[tuple[str, str]](), []
    for example in examples:
        if not example.status.startswith("2") or (example.method, example.path) in RETIRED:
            continue
        try:
            _read_success(example)
        except Exception as error:  # collect every failure, not just the first
            failures.append(f"{_name(example)}: {type(error).__name__}: {error}")
        else:
            parsed[(example.method, example.path)] += 1
    assert failures == []
    assert sum(parsed.values()) >= MIN_SUCCESS_EXAMPLES
    assert set(parsed) == set(WIRE)  # every operation we call has an example that parsed


def test_every_error_example_maps_to_its_exception(examples: list[ResponseExample]) -> None:
    mapped, failures = Counter[str](), []
    for example in examples:
        if not example.status.startswith("4"):
            continue
        expected = AuthenticationFailed if example.method == "post" else ERRORS[example.status]
        try:
            error = _map_error(example)
            assert type(error) is expected, f"{type(error).__name__}, not {expected.__name__}"
            assert isinstance(error, ResponseError)
            assert error.status == int(example.status)
            title = example.value.get("title")
            assert error.title == (title if isinstance(title, str) else "")
            assert f"HTTP {example.status}" in str(error)
        except AssertionError as problem:
            failures.append(f"{_name(example)}: {problem}")
        else:
            mapped[example.status] += 1
    assert failures == []
    assert sum(mapped.values()) >= MIN_ERROR_EXAMPLES
    assert set(mapped) == {"400", "403", "404", "429"}


def test_the_odd_timeseries_example_reads_as_hours(examples: list[ResponseExample]) -> None:
    (example,) = [
        e for e in examples if e.path == "/data/timeseries/{metric}" and e.status == "200"
    ]
    parsed = models.TimeseriesResponse.model_validate(example.value)
    assert [p.emitted_at.isoformat() for p in parsed.data] == [
        "2024-05-29T07:00:00+00:00",
        "2024-05-29T08:00:00+00:00",
        "2024-05-29T09:00:00+00:00",
    ]
    assert [p.metric_value for p in parsed.data] == [2.0, 1.0, 1.0]


def test_the_raw_statistics_examples_read_their_millisecond_times(
    examples: list[ResponseExample],
) -> None:
    (example,) = [
        e for e in examples if e.path == "/analytics/videos/{videoId}" and e.status == "200"
    ]
    first = models.PlayerSession.model_validate(example.value["data"][0])
    assert first.session.session_id == "psEmFwGQUAXR2lFHj5nDOpy"
    assert first.session.loaded_at is not None
    assert first.session.loaded_at.isoformat() == "2019-06-24T11:45:01.109000+00:00"
