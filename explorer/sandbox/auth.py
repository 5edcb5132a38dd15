"""Authentication as api.video does it: HTTP Basic with the key, or short-lived Bearer tokens."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
import time
from typing import Any

from explorer.sandbox.errors import authentication_failed, bad_request, unauthorized

DEFAULT_API_KEY = "sandbox-local-key"
TOKEN_TTL_S = 3600


class Authenticator:
    """Knows the one API key of the sandbox project and the tokens it handed out.

    Token lifetimes run on the monotonic clock, not the data clock, so a pinned `--now`
    does not make tokens immortal; `token_ttl_s` is short in the refresh tests.
    """

    def __init__(self, api_key: str = DEFAULT_API_KEY, token_ttl_s: float = TOKEN_TTL_S) -> None:
        self._api_key = api_key
        self.token_ttl_s = token_ttl_s
        self._access: dict[str, float] = {}
        self._refresh: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Authenticator(tokens={len(self._access)})"

    def _issue(self) -> dict[str, Any]:
        access, refresh = "sbx." + secrets.token_urlsafe(32), "sbr." + secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._access = {t: exp for t, exp in self._access.items() if exp > now}
            self._access[access] = now + self.token_ttl_s
            self._refresh.add(refresh)
        return {
            "token_type": "Bearer",
            "expires_in": int(self.token_ttl_s),
            "access_token": access,
            "refresh_token": refresh,
        }

    def exchange_key(self, body: Any) -> dict[str, Any]:
        """POST /auth/api-key."""
        if not isinstance(body, dict) or "apiKey" not in body:
            raise bad_request("apiKey", "This attribute is required.")
        if not isinstance(body["apiKey"], str) or not self.key_matches(body["apiKey"]):
            raise authentication_failed()
        return self._issue()

    def refresh(self, body: Any) -> dict[str, Any]:
        """POST /auth/refresh: a refresh token is good for one refresh."""
        if not isinstance(body, dict) or "refreshToken" not in body:
            raise bad_request("refreshToken", "This attribute is required.")
        token = body["refreshToken"]
        with self._lock:
            known = isinstance(token, str) and token in self._refresh
            if known:
                self._refresh.discard(token)
        if not known:
            raise authentication_failed()
        return self._issue()

    def key_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self._api_key.encode())

    def check(self, authorization: str | None) -> str:
        """The caller's identity (for rate limiting), or 401."""
        if not authorization:
            raise unauthorized()
        scheme, _, credentials = authorization.partition(" ")
        scheme = scheme.lower()
        if scheme == "basic":
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                raise unauthorized() from None
            user, _, _password = decoded.partition(":")
            if self.key_matches(user):
                return "key"
        elif scheme == "bearer":
            with self._lock:
                expires = self._access.get(credentials.strip())
            if expires is not None and expires > time.monotonic():
                return "key"
        raise unauthorized()
