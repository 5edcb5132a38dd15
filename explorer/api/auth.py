"""Credentials as httpx.Auth flows: api.video's refreshed tokens, HTTP Basic, a key as Bearer.

Each is an `httpx.Auth` (https://www.python-httpx.org/advanced/authentication/): its flow
sets the Authorization header and yields the requests it needs, the token exchange included,
and is handed back each answer. `explorer.api.http.Http` drives the flows itself, so that
every request a flow yields goes through the same pacing, bounded retries, deadline and body
limits as any other (an httpx.Client given the same auth would work too, without them).
The flows are synchronous only: `TokenAuth` holds a lock while it exchanges the key.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Generator
from typing import Any, NoReturn

import httpx

from explorer.api.body import parse_json
from explorer.api.errors import AuthenticationFailed, MalformedResponse
from explorer.api.secrets import Secret
from explorer.api.statuses import problem_body, raise_for_status

log = logging.getLogger(__name__)

REFRESH_MARGIN_S = 60.0
"""Refresh an access token this long before api.video says it expires (1 hour)."""

Flow = Generator[httpx.Request, httpx.Response, None]
_KEPT_HEADERS = ("user-agent", "accept", "accept-encoding")
_TOKEN = re.compile(r"[!-~]+")  # what can go in an Authorization header: no spaces, no controls


class _SyncOnly(httpx.Auth):
    def async_auth_flow(self, request: httpx.Request) -> NoReturn:
        raise RuntimeError(f"{type(self).__name__} works with a synchronous httpx.Client only")


class BasicAuth(httpx.BasicAuth):
    """httpx's Basic auth with the key as the user name and an empty password (`curl -u KEY:`);
    a key does not expire: a 401 is final."""

    def __init__(self, api_key: Secret) -> None:
        super().__init__(api_key.reveal(), "")

    def __repr__(self) -> str:
        return "BasicAuth(api_key=Secret('********'))"


class KeyBearerAuth(_SyncOnly):
    """The API key itself as a Bearer token (`Authorization: Bearer KEY`), never exchanged;
    a key does not expire: a 401 is final."""

    def __init__(self, api_key: Secret) -> None:
        self._header = Secret(f"Bearer {api_key.reveal()}")

    def __repr__(self) -> str:
        return "KeyBearerAuth(api_key=Secret('********'))"

    def sync_auth_flow(self, request: httpx.Request) -> Flow:
        request.headers["Authorization"] = self._header.reveal()
        yield request


class TokenAuth(_SyncOnly):
    """Exchanges the key at POST /auth/api-key for an access token; refreshes it with
    POST /auth/refresh before it expires, or once after a 401, falling back to the key.

    The auth endpoints are under `base_url` when told, else at the root of the request's
    origin. Threads share one token: one exchanges it while the others wait."""

    requires_response_body = True

    def __init__(
        self,
        api_key: Secret,
        clock: Callable[[], float] = time.monotonic,
        *,
        base_url: str | None = None,
    ) -> None:
        self._api_key = api_key
        self._clock = clock
        self._base_url = base_url.rstrip("/") if base_url else None
        self._lock = threading.Lock()
        self._access: Secret | None = None
        self._refresh: Secret | None = None
        self._expires_at = 0.0

    def __repr__(self) -> str:
        return "TokenAuth(api_key=Secret('********'))"

    def sync_auth_flow(self, request: httpx.Request) -> Flow:
        with self._lock:
            if self._access is None or self._clock() >= self._expires_at - REFRESH_MARGIN_S:
                yield from self._renew(request)
            used = self._bearer()
        request.headers["Authorization"] = used.reveal()
        response = yield request
        if response.status_code != 401:
            return
        with self._lock:  # the token failed early (revoked, a restarted server): renew once
            if self._bearer() == used:  # unless another thread has renewed it meanwhile
                yield from self._renew(request)
            request.headers["Authorization"] = self._bearer().reveal()
        yield request

    def _bearer(self) -> Secret:
        assert self._access is not None
        return Secret(f"Bearer {self._access.reveal()}")

    def _renew(self, request: httpx.Request) -> Flow:
        if self._refresh is not None:
            try:
                answer = yield self._post(request, "/auth/refresh", "refreshToken", self._refresh)
                self._store(answer)
                log.debug("renewed the access token")
                return
            except AuthenticationFailed:
                self._refresh = None  # used or expired: start again from the key
                log.debug("the refresh token was refused; signing in with the API key again")
        answer = yield self._post(request, "/auth/api-key", "apiKey", self._api_key)
        self._store(answer)
        log.debug("signed in with the API key: got an access token")

    def _post(self, request: httpx.Request, path: str, field: str, secret: Secret) -> httpx.Request:
        """The request to an auth endpoint: no Authorization, the request's own User-Agent."""
        url = request.url
        base = self._base_url or f"{url.scheme}://{url.netloc.decode('ascii')}"
        headers = {k: v for k, v in request.headers.items() if k.lower() in _KEPT_HEADERS}
        return httpx.Request("POST", base + path, json={field: secret.reveal()}, headers=headers)

    def _store(self, response: httpx.Response) -> None:
        described = f"POST {response.request.url.path}"
        response.read()
        if response.status_code in (400, 401):
            raise AuthenticationFailed(
                response.status_code, problem_body(response), request=described
            )
        if response.status_code >= 400:
            raise_for_status(response, described)
        try:
            body: Any = parse_json(response.content)
            access, refresh = body["access_token"], body["refresh_token"]
            lifetime = float(body.get("expires_in", 3600))
            if not math.isfinite(lifetime):
                raise ValueError("expires_in is not a number of seconds")
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError, AttributeError):
            raise MalformedResponse(
                "the token answer lacks access_token or refresh_token", request=described
            ) from None
        if not all(isinstance(t, str) and _TOKEN.fullmatch(t) for t in (access, refresh)):
            raise MalformedResponse(
                "the tokens are not strings of printable ASCII", request=described
            )
        self._access, self._refresh = Secret(access), Secret(refresh)
        self._expires_at = self._clock() + lifetime
