"""Credentials: api.video's refreshed Bearer tokens or HTTP Basic; a key sent as a Bearer token."""

from __future__ import annotations

import base64
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from explorer.api.body import parse_json
from explorer.api.errors import AuthenticationFailed, MalformedResponse
from explorer.api.secrets import Secret

log = logging.getLogger(__name__)

REFRESH_MARGIN_S = 60.0
"""Refresh an access token this long before api.video says it expires (1 hour)."""

Send = Callable[[str, dict[str, Any]], httpx.Response]
_TOKEN = re.compile(r"[!-~]+")  # what can go in an Authorization header: no spaces, no controls


class BasicAuth:
    """The key as the user name and an empty password, like `curl -u KEY:`."""

    def __init__(self, api_key: Secret) -> None:
        token = base64.b64encode(f"{api_key.reveal()}:".encode()).decode()
        self._header = Secret(f"Basic {token}")

    def header(self, send: Send) -> Secret:
        return self._header

    def invalidate(self, used: Secret) -> bool:
        return False  # a key does not expire: a 401 is final


class KeyBearerAuth:
    """The API key itself as a Bearer token (`Authorization: Bearer KEY`), never exchanged."""

    def __init__(self, api_key: Secret) -> None:
        self._header = Secret(f"Bearer {api_key.reveal()}")

    def __repr__(self) -> str:
        return "KeyBearerAuth(api_key=Secret('********'))"

    def header(self, send: Send) -> Secret:
        return self._header

    def invalidate(self, used: Secret) -> bool:
        return False  # a key does not expire: a 401 is final


class TokenAuth:
    """Exchanges the key at POST /auth/api-key for an access token; refreshes it with
    POST /auth/refresh before it expires or once after a 401, falling back to the key."""

    def __init__(self, api_key: Secret, clock: Callable[[], float] = time.monotonic) -> None:
        self._api_key = api_key
        self._clock = clock
        self._lock = threading.Lock()
        self._access: Secret | None = None
        self._refresh: Secret | None = None
        self._expires_at = 0.0

    def __repr__(self) -> str:
        return "TokenAuth(api_key=Secret('********'))"

    def header(self, send: Send) -> Secret:
        with self._lock:
            if self._access is None or self._clock() >= self._expires_at - REFRESH_MARGIN_S:
                self._renew(send)
            assert self._access is not None
            return Secret(f"Bearer {self._access.reveal()}")

    def invalidate(self, used: Secret) -> bool:
        """After a 401: forget the token that failed. True if a retry may succeed."""
        with self._lock:
            if self._access is not None and used.reveal() == f"Bearer {self._access.reveal()}":
                self._expires_at = 0.0
                return True
            return self._access is not None  # another thread already renewed it

    def _renew(self, send: Send) -> None:
        if self._refresh is not None:
            try:
                self._store(send("/auth/refresh", {"refreshToken": self._refresh.reveal()}))
                log.debug("renewed the access token")
                return
            except AuthenticationFailed:
                self._refresh = None  # used or expired: start again from the key
                log.debug("the refresh token was refused; signing in with the API key again")
        self._store(send("/auth/api-key", {"apiKey": self._api_key.reveal()}))
        log.debug("signed in with the API key: got an access token")

    def _store(self, response: httpx.Response) -> None:
        try:
            body = parse_json(response.content)
            access, refresh = body["access_token"], body["refresh_token"]
            lifetime = float(body.get("expires_in", 3600))
            if not math.isfinite(lifetime):
                raise ValueError("expires_in is not a number of seconds")
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
            raise MalformedResponse(
                "the token answer lacks access_token or refresh_token"
            ) from None
        if not all(isinstance(t, str) and _TOKEN.fullmatch(t) for t in (access, refresh)):
            raise MalformedResponse("the tokens are not strings of printable ASCII")
        self._access, self._refresh = Secret(access), Secret(refresh)
        self._expires_at = self._clock() + lifetime


Auth = BasicAuth | TokenAuth | KeyBearerAuth
