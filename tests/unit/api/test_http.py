"""Http over MockTransport: errors map to their class, retries are bounded, secrets never show."""

from __future__ import annotations

import gzip
import json
import time
from typing import Literal

import httpx
import pytest

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.errors import (
    ApiError,
    AuthenticationFailed,
    BadRequest,
    Forbidden,
    MalformedResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ResponseError,
    ServerError,
    Timeout,
)
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from tests.unit.api.support import (
    ACCESS,
    ALL_SECRETS,
    BASE_URL,
    BASIC,
    FAST,
    KEY,
    REFRESH,
    FakeTime,
    Handler,
    exposed_text,
    fake_paced,
    http_for,
    json_response,
    leaks,
    problem,
    token_auth,
    tokens,
)

PATH = "/data/metrics/play/count"
METRIC = {"context": {"metric": "play", "aggregation": "count"}, "data": 3.0}


def ok(request: httpx.Request) -> httpx.Response:
    return json_response(200, METRIC)


def always(response: httpx.Response) -> Handler:
    return lambda request: response


def sequence(*responses: httpx.Response | Exception) -> Handler:
    """Answer with each in turn (raising the exceptions), then repeat the last one."""
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return answer


# --- error statuses ----------------------------------------------------------------------------


def test_a_400_is_a_bad_request_carrying_name_and_detail() -> None:
    answer = problem(
        400,
        "A query parameter is invalid.",
        type="https://docs.api.video/reference/request-invalid-query-parameter",
        name="interval",
        detail="This value must be one of minute, hour, day.",
    )
    with http_for(always(answer)) as (http, server), pytest.raises(BadRequest) as caught:
        http.get_json("/data/timeseries/play", {"interval": "week"})
    error = caught.value
    assert (error.status, error.name) == (400, "interval")
    assert error.detail == "This value must be one of minute, hour, day."
    assert error.title == "A query parameter is invalid."
    assert error.type.endswith("/request-invalid-query-parameter")
    assert str(error) == (
        "HTTP 400: A query parameter is invalid. — parameter interval — "
        "This value must be one of minute, hour, day. (GET /data/timeseries/play)"
    )
    assert len(server.seen) == 1  # a 400 is final: never retried


@pytest.mark.parametrize(
    ("status", "kind"),
    [(403, Forbidden), (404, NotFound), (405, ResponseError), (418, ResponseError)],
)
def test_other_client_errors_map_to_their_class(status: int, kind: type[ResponseError]) -> None:
    with (
        http_for(always(problem(status, "Nope."))) as (http, server),
        pytest.raises(ResponseError) as caught,
    ):
        http.get_json("/videos/vi1")
    assert type(caught.value) is kind
    assert caught.value.status == status
    assert str(caught.value) == f"HTTP {status}: Nope. (GET /videos/vi1)"
    assert len(server.seen) == 1


def test_a_403_says_what_the_project_may_not_do() -> None:
    answer = problem(
        403,
        "You cannot get analytics from this project.",
        type="https://docs.api.video/reference/authorization-disabled-analytics",
    )
    with http_for(always(answer)) as (http, _), pytest.raises(Forbidden) as caught:
        http.get_json(PATH)
    assert "You cannot get analytics from this project." in str(caught.value)


def test_an_error_without_a_json_body_still_maps_by_status() -> None:
    html = httpx.Response(404, content=b"<html>Not Found</html>")
    with http_for(always(html)) as (http, _), pytest.raises(NotFound) as caught:
        http.get_json("/nowhere")
    assert str(caught.value) == "HTTP 404: error (GET /nowhere)"


def test_a_401_with_a_token_renews_it_once_then_fails() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/api-key":
            return json_response(200, tokens(0))
        if request.url.path == "/auth/refresh":
            return json_response(200, tokens(1))
        return problem(401, "Unauthorized request.")

    with (
        http_for(answer, auth=token_auth()) as (http, server),
        pytest.raises(AuthenticationFailed) as caught,
    ):
        http.get_json(PATH)
    assert server.paths == [
        "POST /auth/api-key",
        f"GET {PATH}",
        "POST /auth/refresh",
        f"GET {PATH}",
    ]
    assert [s.authorization for s in server.seen if s.method == "GET"] == [
        f"Bearer {ACCESS[0]}",
        f"Bearer {ACCESS[1]}",
    ]
    assert "check the API key and its environment" in str(caught.value)
    assert caught.value.status == 401


def test_a_401_with_basic_auth_is_final() -> None:
    with (
        http_for(always(problem(401, "Unauthorized request."))) as (http, server),
        pytest.raises(AuthenticationFailed),
    ):
        http.get_json(PATH)
    assert server.paths == [f"GET {PATH}"]


# --- rate limits -------------------------------------------------------------------------------


def _limited(retry_after: str) -> httpx.Response:
    return json_response(
        429,
        {
            "type": "https://docs.api.video/reference/too-many-requests",
            "title": "Too many requests.",
        },
        **{"X-RateLimit-Remaining": "0", "X-RateLimit-Retry-After": retry_after},
    )


def test_a_429_waits_for_the_announced_reset_then_retries() -> None:
    time_ = FakeTime()
    stamps: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        stamps.append(time_())
        return _limited("30") if len(stamps) == 1 else json_response(200, METRIC)

    with http_for(answer) as (http, _):
        cancel = fake_paced(http, time_)
        assert http.get_json(PATH, cancel=cancel) == METRIC
    assert len(stamps) == 2
    assert 30.0 <= stamps[1] - stamps[0] <= 30.5


def test_a_429_waits_even_when_its_headers_say_budget_is_left() -> None:
    """A 429 from another limit (a burst) with X-RateLimit-Remaining above 0."""
    time_ = FakeTime()
    stamps: list[float] = []
    burst = json_response(
        429,
        {"title": "Too many requests."},
        **{"X-RateLimit-Remaining": "7", "X-RateLimit-Retry-After": "3"},
    )

    def answer(request: httpx.Request) -> httpx.Response:
        stamps.append(time_())
        return burst if len(stamps) == 1 else json_response(200, METRIC)

    with http_for(answer) as (http, _):
        assert http.get_json(PATH, cancel=fake_paced(http, time_)) == METRIC
    assert stamps[1] - stamps[0] >= 3.0


def test_a_429_waits_in_real_time_too() -> None:
    with http_for(sequence(_limited("1"), json_response(200, METRIC))) as (http, server):
        started = time.monotonic()
        assert http.get_json(PATH) == METRIC
        elapsed = time.monotonic() - started
    assert len(server.seen) == 2
    assert elapsed >= 0.9  # waited the second asked for
    assert elapsed < 30  # and not a rate-limit window's minute (a busy machine is slow)


def test_rate_limit_retries_are_bounded() -> None:
    time_ = FakeTime()
    with http_for(always(_limited("7"))) as (http, server):
        cancel = fake_paced(http, time_)
        started = time_()
        with pytest.raises(RateLimited) as caught:
            http.get_json(PATH, cancel=cancel)
    assert len(server.seen) == FAST.rate_limited_attempts == 3
    assert caught.value.retry_after == 7.0
    assert caught.value.status == 429
    assert "try again in 7 s" in str(caught.value)
    assert 14.0 <= time_() - started <= 15.0  # waited out two windows, not the third


def test_a_wait_longer_than_the_policy_allows_fails_at_once() -> None:
    with http_for(always(_limited("600"))) as (http, server), pytest.raises(RateLimited) as caught:
        http.get_json(PATH)
    assert len(server.seen) == 1
    assert caught.value.retry_after == 600.0


def test_the_standard_retry_after_header_is_honoured_when_it_is_the_only_one() -> None:
    response = json_response(429, {"title": "Too many requests."}, **{"Retry-After": "12"})
    with http_for(always(response)) as (http, _):
        cancel = fake_paced(http, FakeTime())
        with pytest.raises(RateLimited) as caught:
            http.get_json(PATH, cancel=cancel)
    assert caught.value.retry_after == 12.0


# --- server errors and transport failures -------------------------------------------------------


def test_a_5xx_is_retried_with_backoff_then_succeeds() -> None:
    answer = sequence(
        problem(503, "Unavailable"), problem(502, "Bad gateway"), json_response(200, METRIC)
    )
    time_ = FakeTime()
    with http_for(answer) as (http, server):
        cancel = fake_paced(http, time_)
        assert http.get_json(PATH, cancel=cancel) == METRIC
    assert len(server.seen) == 3
    # full jitter: try n waits at most base * 2^n
    assert len(cancel.waits) == 2
    assert 0 <= cancel.waits[0] <= 0.002 and 0 <= cancel.waits[1] <= 0.002


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=5.0)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 5.0), (10, 5.0)]:
        draws = [policy.backoff(attempt) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8  # jitter spreads over the whole range


def test_a_persistent_5xx_becomes_a_server_error() -> None:
    with (
        http_for(always(problem(500, "Server error"))) as (http, server),
        pytest.raises(ServerError) as caught,
    ):
        http.get_json(PATH)
    assert len(server.seen) == FAST.attempts
    assert caught.value.status == 500
    assert str(caught.value) == f"HTTP 500: Server error (GET {PATH})"


def test_timeouts_are_retried_then_reported() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with http_for(answer) as (http, server), pytest.raises(Timeout) as caught:
        http.get_json(PATH)
    assert len(server.seen) == FAST.attempts
    assert isinstance(caught.value, NetworkError)
    assert str(caught.value) == f"no answer in time after 3 tries (GET {PATH})"


def test_a_timeout_then_an_answer_is_a_success() -> None:
    calls: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectTimeout("slow", request=request)
        return json_response(200, METRIC)

    with http_for(answer) as (http, _):
        assert http.get_json(PATH) == METRIC
    assert len(calls) == 2


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadError("Connection reset by peer"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        httpx.ConnectError("Connection refused"),
    ],
    ids=["reset", "cut-short", "refused"],
)
def test_connection_failures_are_retried_then_reported(failure: Exception) -> None:
    with http_for(sequence(failure)) as (http, server), pytest.raises(NetworkError) as caught:
        http.get_json(PATH)
    assert not isinstance(caught.value, Timeout)
    assert len(server.seen) == FAST.attempts
    assert str(caught.value) == (
        f"the connection failed after 3 tries ({type(failure).__name__}) (GET {PATH})"
    )


def test_a_reset_then_an_answer_is_a_success() -> None:
    answer = sequence(httpx.ReadError("reset"), json_response(200, METRIC))
    with http_for(answer) as (http, server):
        assert http.get_json(PATH) == METRIC
    assert len(server.seen) == 2


# --- bodies we cannot read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason", "excerpt"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "the body is not JSON", "<html><body>502"),
        (b'{"data": [1, 2', "the body is not JSON", '{"data": [1, 2'),
        (b"\xff\xfe\x00garbage", "the body is not JSON", "garbage"),
        (b"", "the body is not JSON", ""),
        (b"[1, 2, 3]", "the body is not a JSON object", "[1, 2, 3]"),
        (b'"a string"', "the body is not a JSON object", '"a string"'),
        (b"null", "the body is not a JSON object", "null"),
        (b"[" * 100_000, "the body is not JSON", "[[["),
    ],
    ids=["html", "cut", "binary", "empty", "list", "string", "null", "deep"],
)
def test_a_200_that_is_not_a_json_object_is_malformed(
    content: bytes, reason: str, excerpt: str
) -> None:
    with (
        http_for(always(httpx.Response(200, content=content))) as (http, server),
        pytest.raises(MalformedResponse) as caught,
    ):
        http.get_json(PATH)
    error = caught.value
    assert str(error).startswith(f"unreadable response, {reason}")
    assert str(error).endswith(f"(GET {PATH})")
    assert excerpt in error.excerpt
    assert len(error.excerpt) <= 200
    assert len(server.seen) == 1  # a readable answer that says nonsense is not retried


def test_a_body_that_cannot_be_decoded_is_malformed() -> None:
    """Content-Encoding gzip over bytes that are not gzip: httpx raises DecodingError."""
    response = httpx.Response(
        200, stream=httpx.ByteStream(b"not gzip at all"), headers={"Content-Encoding": "gzip"}
    )
    with http_for(always(response)) as (http, _), pytest.raises(MalformedResponse) as caught:
        http.get_json(PATH)
    assert "could not be decoded" in str(caught.value)


def test_a_gzip_body_is_read() -> None:
    packed = gzip.compress(json.dumps(METRIC).encode())
    response = httpx.Response(
        200, stream=httpx.ByteStream(packed), headers={"Content-Encoding": "gzip"}
    )
    with http_for(always(response)) as (http, _):
        assert http.get_json(PATH) == METRIC


def _client_for(answer: Handler) -> ApiVideoClient:
    return ApiVideoClient(
        BASE_URL,
        Secret(KEY),
        options=ClientOptions(auth="basic", retry=FAST),
        transport=httpx.MockTransport(answer),
    )


@pytest.mark.parametrize(
    "body",
    [
        {"context": {"metric": "play"}, "data": "many"},
        {"context": {"metric": "play"}},
        {"data": 3},
        {"context": [], "data": 3},
        {"context": {"metric": "play", "timeframe": {"from": "last tuesday"}}, "data": 3},
    ],
    ids=["value-not-a-number", "no-data", "no-context", "context-not-object", "bad-timestamp"],
)
def test_a_metric_of_the_wrong_shape_is_malformed(body: dict[str, object]) -> None:
    query = Query(Endpoint.METRICS, "play", aggregation="count")
    with (
        _client_for(always(json_response(200, body))) as client,
        pytest.raises(MalformedResponse) as caught,
    ):
        client.metrics(query)
    assert "the metric does not have the expected shape" in str(caught.value)
    assert caught.value.excerpt.startswith("{")


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"videoId": "vi1"}},
        {"data": [{"title": "no id"}]},
        {"data": [], "pagination": {"pagesTotal": "several"}},
        {"items": []},
    ],
    ids=["data-not-a-list", "item-without-id", "pages-not-a-number", "no-data"],
)
def test_a_page_of_the_wrong_shape_is_malformed(body: dict[str, object]) -> None:
    with (
        _client_for(always(json_response(200, body))) as client,
        pytest.raises(MalformedResponse) as caught,
    ):
        client.videos()
    assert "a page of /videos does not have the expected shape" in str(caught.value)


# --- secrets -----------------------------------------------------------------------------------


def _echo(request: httpx.Request) -> str:
    """Everything the client sent that is secret, as a hostile or buggy server would echo it."""
    sent = request.content.decode() if request.content else ""
    return f"{request.headers.get('Authorization', '')} {sent} {KEY}"


def _tokens_or(answer: Handler) -> Handler:
    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/auth/"):
            return json_response(200, tokens(0))
        return answer(request)

    return serve


def _bad_request(request: httpx.Request) -> httpx.Response:
    echo = _echo(request)
    return problem(400, f"Bad {echo}", name=f"apiKey {KEY}", detail=echo)


def _refused_key(request: httpx.Request) -> httpx.Response:
    return problem(400, f"The user credentials were incorrect: {_echo(request)}", name="")


def _not_json_at_the_cut(request: httpx.Request) -> httpx.Response:
    # the key straddles the 200th character, where the excerpt is cut
    return httpx.Response(200, content=("x" * 190 + KEY + " " + _echo(request)).encode())


def _wrong_shape_at_the_cut(request: httpx.Request) -> httpx.Response:
    return json_response(200, {"context": {"metric": "x" * 170 + KEY}, "data": "n/a"})


def _server_error(request: httpx.Request) -> httpx.Response:
    return problem(500, _echo(request), detail=f"token {ACCESS[0]} refresh {REFRESH[0]}")


def _limited_echo(request: httpx.Request) -> httpx.Response:
    return json_response(429, {"title": _echo(request)}, **{"X-RateLimit-Retry-After": "3600"})


def _unauthorized(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/auth/api-key":
        return json_response(200, tokens(0))
    if request.url.path == "/auth/refresh":
        return problem(400, f"refresh token {REFRESH[0]} is spent", detail=_echo(request))
    return problem(401, f"Unauthorized {_echo(request)}")


# (answer, exception with a token, exception with HTTP Basic)
LEAK_CASES: dict[str, tuple[Handler, type[ApiError], type[ApiError]]] = {
    "bad-request": (_tokens_or(_bad_request), BadRequest, BadRequest),
    "refused-key": (_refused_key, AuthenticationFailed, BadRequest),
    "not-json": (_tokens_or(_not_json_at_the_cut), MalformedResponse, MalformedResponse),
    "wrong-shape": (_tokens_or(_wrong_shape_at_the_cut), MalformedResponse, MalformedResponse),
    "server-error": (_tokens_or(_server_error), ServerError, ServerError),
    "rate-limited": (_tokens_or(_limited_echo), RateLimited, RateLimited),
    "unauthorized": (_unauthorized, AuthenticationFailed, AuthenticationFailed),
}


@pytest.mark.parametrize("auth", ["bearer", "basic"])
@pytest.mark.parametrize("case", list(LEAK_CASES))
def test_no_error_shows_the_key_or_a_token(case: str, auth: Literal["bearer", "basic"]) -> None:
    answer, with_token, with_basic = LEAK_CASES[case]
    query = Query(Endpoint.METRICS, "play", aggregation="count")
    with (
        ApiVideoClient(
            BASE_URL,
            Secret(KEY),
            options=ClientOptions(auth=auth, retry=FAST),
            transport=httpx.MockTransport(answer),
        ) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.metrics(query)
    assert type(caught.value) is (with_token if auth == "bearer" else with_basic)
    text = exposed_text(caught.value)
    assert leaks(text, *ALL_SECRETS) == []
    assert "[redac" in text  # the echo was there and was scrubbed (maybe cut), not merely absent


def test_the_client_and_its_parts_do_not_show_the_key() -> None:
    with ApiVideoClient(BASE_URL, Secret(KEY), transport=httpx.MockTransport(ok)) as client:
        shown = " ".join(
            [repr(client), repr(client.http), repr(client.http.auth), str(Secret(KEY))]
        )
    assert leaks(shown, KEY, BASIC) == []
    assert BASE_URL in shown
