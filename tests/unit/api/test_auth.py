"""Credentials: the token flow (exchange, refresh, renew on 401, back to the key) and Basic."""

from __future__ import annotations

import base64
import pickle
import threading

import httpx
import pytest

from explorer.api.auth import REFRESH_MARGIN_S, BasicAuth, TokenAuth
from explorer.api.errors import (
    AuthenticationFailed,
    BodyTooLarge,
    MalformedResponse,
    ServerError,
)
from explorer.api.http import Http
from explorer.api.limits import Limits
from explorer.api.secrets import Secret
from tests.unit.api.support import (
    ACCESS,
    KEY,
    REFRESH,
    FakeTime,
    http_for,
    json_response,
    problem,
    token_auth,
    tokens,
)

PATH = "/videos/vi1"
VIDEO = {"videoId": "vi1"}
REFUSED = {
    "type": "https://docs.api.video/reference/authentication-invalid-user-credentials",
    "name": "",
}


class TokenServer:
    """api.video's auth endpoints: every exchange or refresh hands out the next token pair."""

    def __init__(self, *, refuse_refresh: bool = False, refuse_key: bool = False) -> None:
        self.issued = 0
        self.valid: set[str] = set()
        self.refuse_refresh = refuse_refresh
        self.refuse_key = refuse_key
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/auth/api-key":
            if self.refuse_key:
                return problem(400, "The user credentials were incorrect.", **REFUSED)
            return self._issue()
        if path == "/auth/refresh":
            if self.refuse_refresh:
                return problem(400, "The user credentials were incorrect.", **REFUSED)
            return self._issue()
        if request.headers.get("Authorization", "").removeprefix("Bearer ") in self.valid:
            return json_response(200, VIDEO)
        return problem(401, "Unauthorized request.")

    def _issue(self) -> httpx.Response:
        with self.lock:
            answer = tokens(self.issued)
            self.issued += 1
            self.valid.add(answer["access_token"])
        return json_response(200, answer)


def test_the_key_is_exchanged_for_a_token_sent_as_bearer() -> None:
    with http_for(TokenServer(), auth=token_auth()) as (http, server):
        assert http.get_json(PATH) == VIDEO
        assert http.get_json(PATH) == VIDEO  # the token is reused
    exchange, first, second = server.seen
    assert (exchange.method, exchange.path, exchange.body) == (
        "POST",
        "/auth/api-key",
        {"apiKey": KEY},
    )
    assert exchange.authorization is None  # the auth endpoints need none
    assert first.authorization == second.authorization == f"Bearer {ACCESS[0]}"


def test_the_token_is_refreshed_shortly_before_it_expires() -> None:
    clock = FakeTime()
    with http_for(TokenServer(), auth=token_auth(clock)) as (http, server):
        http.get_json(PATH)
        clock.advance(3600 - REFRESH_MARGIN_S - 1)  # 59 s before the margin: still good
        http.get_json(PATH)
        clock.advance(2)  # now inside the last minute
        http.get_json(PATH)
        clock.advance(3600 - REFRESH_MARGIN_S + 1)  # the second token is due too
        http.get_json(PATH)
    assert server.paths == [
        "POST /auth/api-key",
        f"GET {PATH}",
        f"GET {PATH}",
        "POST /auth/refresh",
        f"GET {PATH}",
        "POST /auth/refresh",
        f"GET {PATH}",
    ]
    refreshes = [s.body for s in server.seen if s.path == "/auth/refresh"]
    assert refreshes == [{"refreshToken": REFRESH[0]}, {"refreshToken": REFRESH[1]}]  # the latest
    gets = [s.authorization for s in server.seen if s.method == "GET"]
    assert gets == [f"Bearer {t}" for t in (ACCESS[0], ACCESS[0], ACCESS[1], ACCESS[2])]


def test_the_lifetime_comes_from_expires_in() -> None:
    clock = FakeTime()

    def short_lived(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/auth/"):
            return json_response(200, {**tokens(0), "expires_in": 300})
        return json_response(200, VIDEO)

    with http_for(short_lived, auth=token_auth(clock)) as (http, server):
        http.get_json(PATH)
        clock.advance(300 - REFRESH_MARGIN_S - 1)
        http.get_json(PATH)
        assert server.count("/auth/refresh") == 0
        clock.advance(2)
        http.get_json(PATH)
        assert server.count("/auth/refresh") == 1


def test_a_401_renews_the_token_once_and_retries() -> None:
    tokens_server = TokenServer()
    with http_for(tokens_server, auth=token_auth()) as (http, server):
        http.get_json(PATH)
        tokens_server.valid.clear()  # the server forgets the token early (revoked, restarted)
        assert http.get_json(PATH) == VIDEO
    assert server.paths == [
        "POST /auth/api-key",
        f"GET {PATH}",
        f"GET {PATH}",
        "POST /auth/refresh",
        f"GET {PATH}",
    ]
    assert server.seen[-1].authorization == f"Bearer {ACCESS[1]}"


def test_a_refused_refresh_token_falls_back_to_the_key() -> None:
    tokens_server = TokenServer(refuse_refresh=True)
    with http_for(tokens_server, auth=token_auth()) as (http, server):
        http.get_json(PATH)
        tokens_server.valid.clear()
        assert http.get_json(PATH) == VIDEO
    assert server.paths == [
        "POST /auth/api-key",
        f"GET {PATH}",
        f"GET {PATH}",
        "POST /auth/refresh",
        "POST /auth/api-key",
        f"GET {PATH}",
    ]
    assert server.seen[-2].body == {"apiKey": KEY}
    assert server.seen[-1].authorization == f"Bearer {ACCESS[1]}"


def test_a_refresh_refused_with_401_also_falls_back_to_the_key() -> None:
    clock = FakeTime()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/refresh":
            return problem(401, "Unauthorized request.")
        return json_response(200, tokens(0) if request.url.path == "/auth/api-key" else VIDEO)

    with http_for(answer, auth=token_auth(clock)) as (http, server):
        http.get_json(PATH)
        clock.advance(3600)
        http.get_json(PATH)
    assert server.paths[-3:] == ["POST /auth/refresh", "POST /auth/api-key", f"GET {PATH}"]


def test_a_wrong_key_says_to_check_the_key_and_its_environment() -> None:
    with (
        http_for(TokenServer(refuse_key=True), auth=token_auth()) as (http, server),
        pytest.raises(AuthenticationFailed) as caught,
    ):
        http.get_json(PATH)
    error = caught.value
    assert str(error) == (
        "HTTP 400: The user credentials were incorrect. — check the API key and its environment "
        "(production or sandbox) (POST /auth/api-key)"
    )
    assert error.type.endswith("/authentication-invalid-user-credentials")
    assert server.paths == ["POST /auth/api-key"]  # nothing else is tried with a bad key


def test_a_key_refused_with_401_is_the_same_failure() -> None:
    with (
        http_for(lambda request: problem(401, "Unauthorized."), auth=token_auth()) as (http, _),
        pytest.raises(AuthenticationFailed) as caught,
    ):
        http.get_json(PATH)
    assert caught.value.status == 401
    assert "check the API key" in str(caught.value)


def test_a_server_error_on_the_exchange_is_not_blamed_on_the_key() -> None:
    with (
        http_for(lambda request: problem(503, "Unavailable"), auth=token_auth()) as (http, server),
        pytest.raises(ServerError),
    ):
        http.get_json(PATH)
    assert server.paths == ["POST /auth/api-key"] * 3  # retried like any 5xx


@pytest.mark.parametrize(
    "body",
    [
        {"token_type": "Bearer", "expires_in": 3600},
        {"access_token": 42, "refresh_token": "r"},
        {"access_token": "a", "refresh_token": "r", "expires_in": "soon"},
        {"access_token": "a", "refresh_token": "r", "expires_in": 10**400},
        {"access_token": "", "refresh_token": "r"},
        {"access_token": "two words", "refresh_token": "r"},
        {"access_token": "t\u00f6ken", "refresh_token": "r"},
        {"access_token": "a", "refresh_token": "line\nbreak"},
        ["access_token"],
    ],
    ids=[
        "no-tokens",
        "token-not-a-string",
        "expiry-not-a-number",
        "expiry-beyond-float",
        "empty-token",
        "token-with-a-space",
        "token-not-ascii",
        "token-with-a-newline",
        "not-an-object",
    ],
)
def test_an_unreadable_token_answer_is_malformed(body: object) -> None:
    answer = json_response(200, body)
    with (
        http_for(lambda request: answer, auth=token_auth()) as (http, _),
        pytest.raises(MalformedResponse),
    ):
        http.get_json(PATH)


def test_threads_starting_together_exchange_the_key_once() -> None:
    results: list[object] = []
    with http_for(TokenServer(), auth=token_auth()) as (http, server):
        workers = [
            threading.Thread(target=lambda: results.append(http.get_json(PATH))) for _ in range(8)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=5)
    assert results == [VIDEO] * 8
    assert server.count("/auth/api-key") == 1
    assert server.count(PATH) == 8


def test_basic_auth_sends_the_key_as_user_name_with_an_empty_password() -> None:
    with http_for(lambda request: json_response(200, VIDEO), auth=BasicAuth(Secret("abc"))) as (
        http,
        server,
    ):
        http.get_json(PATH)
    assert server.seen[0].authorization == "Basic YWJjOg=="  # base64("abc:"), worked out by hand
    assert server.paths == [f"GET {PATH}"]  # no token exchange


def test_basic_auth_with_the_test_key() -> None:
    with http_for(lambda request: json_response(200, VIDEO)) as (http, server):
        http.get_json(PATH)
    scheme, _, credentials = (server.seen[0].authorization or "").partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(credentials).decode() == f"{KEY}:"


def test_token_auth_never_shows_its_secrets() -> None:
    auth = TokenAuth(Secret(KEY))
    with http_for(TokenServer(), auth=auth) as (http, _):
        http.get_json(PATH)
    flow = auth.sync_auth_flow(httpx.Request("GET", f"https://ws.test{PATH}"))
    request = next(flow)  # the token is current: the request itself, no exchange first
    assert (request.method, request.url.path) == ("GET", PATH)
    assert request.headers["Authorization"] == f"Bearer {ACCESS[0]}"
    flow.close()
    shown = " ".join([repr(auth), str(auth), repr(request.headers), repr(request)])
    assert KEY not in shown and ACCESS[0] not in shown and REFRESH[0] not in shown
    with pytest.raises(TypeError):
        pickle.dumps(Secret(KEY))


def test_the_token_flow_works_in_a_plain_httpx_client_too() -> None:
    """An httpx.Auth like any other: httpx drives the exchange and the retry after a 401."""
    server = TokenServer()
    with httpx.Client(
        base_url="https://ws.test",
        transport=httpx.MockTransport(server),
        auth=TokenAuth(Secret(KEY)),
    ) as client:
        assert client.get(PATH).json() == VIDEO
        server.valid.clear()
        assert client.get(PATH).json() == VIDEO
    assert server.issued == 2


def test_the_auth_endpoints_are_beside_the_base_url_path() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/auth/api-key"):
            return json_response(200, tokens(0))
        return json_response(200, VIDEO)

    auth = TokenAuth(Secret(KEY), base_url="https://proxy.test/apivideo/")
    with httpx.Client(transport=httpx.MockTransport(answer), auth=auth) as client:
        client.get(f"https://proxy.test/apivideo{PATH}")
    assert seen == ["/apivideo/auth/api-key", f"/apivideo{PATH}"]


def test_basic_auth_is_httpx_basic_auth_and_hides_the_key() -> None:
    auth = BasicAuth(Secret("abc"))
    assert isinstance(auth, httpx.BasicAuth)
    assert "abc" not in repr(auth)


def test_the_token_answer_is_read_within_the_body_limit() -> None:
    """The exchange goes through the same limits as any request: a huge answer is refused."""
    huge = {**tokens(0), "padding": "x" * 5000}
    http = Http(
        "https://ws.test",
        TokenAuth(Secret(KEY)),
        transport=httpx.MockTransport(lambda request: json_response(200, huge)),
        limits=Limits(max_body_bytes=4096, max_wire_bytes=4096),
    )
    try:
        with pytest.raises(BodyTooLarge) as caught:
            http.get_json(PATH)
    finally:
        http.close()
    assert "POST /auth/api-key" in str(caught.value)
    assert KEY not in str(caught.value)
