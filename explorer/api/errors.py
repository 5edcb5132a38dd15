"""Errors of the api.video client, each carrying what a person needs to act on it.

The tree (catch the branch you can handle)::

    ApiError                      any failure talking to the API
    ├── ResponseError             the API answered with an error status
    │   ├── BadRequest            400: a parameter is wrong (`name`, `detail`)
    │   ├── AuthenticationFailed  401, or a refused key/refresh token: check the key
    │   ├── Forbidden             403: the project may not use this (e.g. analytics off)
    │   ├── NotFound              404: no such resource, or the path is not offered
    │   ├── RateLimited           429 after the bounded retries (`retry_after` seconds), or
    │   │   │                     asking to wait past a limit (`limit` names it)
    │   │   └── WaitTooLong       a limit: the X-RateLimit-* headers of any answer ask to
    │   │                         wait past the longest wait or the request's wait budget
    │   └── ServerError           5xx after the bounded retries
    ├── NetworkError              no usable answer: refused, reset, DNS, TLS, cut short
    │   └── Timeout               no answer in time
    │       └── DeadlineExceeded  a limit: the request or listing deadline passed
    └── MalformedResponse         an answer we cannot read (`excerpt`, secrets removed)
        ├── BodyTooLarge          a limit: the body passed the largest body accepted
        └── TooManyPages          a limit: a list announces or walks more pages than allowed

The limits and their values: explorer.api.limits. Each limit error names its limit (`limit`)
and what to do; on the command line they end with exit 3, or 4 for the deadlines.

`Cancelled` (explorer.domain.cancel) is not an ApiError: it is the person's own decision.
Messages never contain an API key or a token: `redact` scrubs every text we keep.
"""

from __future__ import annotations

import re
from typing import Any

_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r'(?i)("?(?:apiKey|api_key|access_token|refresh_token|refreshToken)"?\s*[:=]\s*)"[^"]*"'
    ),
    re.compile(r"(?i)((?:apiKey|api_key|access_token|refresh_token|refreshToken)=)[^&\s]+"),
)
_known_secrets: set[str] = set()


def remember_secret(value: str) -> None:
    """Register a key or token so that `redact` removes it wherever it appears."""
    if len(value) >= 4:
        _known_secrets.add(value)


def redact(text: str) -> str:
    for secret in sorted(_known_secrets, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    text = _SECRET_PATTERNS[0].sub(r"\1 [redacted]", text)
    text = _SECRET_PATTERNS[1].sub(r'\1"[redacted]"', text)
    return _SECRET_PATTERNS[2].sub(r"\1[redacted]", text)


class ApiError(Exception):
    """Base of every client failure. `str()` is a sentence for a person."""

    def __init__(self, message: str, *, request: str = "") -> None:
        self.message = redact(message)
        self.request = redact(request)  # "GET /data/…", never with credentials
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} ({self.request})" if self.request else self.message


class ResponseError(ApiError):
    """The API answered with an error status and (usually) a problem body."""

    def __init__(
        self, status: int, body: dict[str, Any] | None, *, request: str = "", hint: str = ""
    ) -> None:
        body = body or {}
        self.status = status
        self.type = redact(str(body.get("type") or ""))
        self.title = redact(str(body.get("title") or ""))
        self.detail = redact(str(body.get("detail") or ""))
        self.name = redact(str(body.get("name") or ""))
        parts = [f"HTTP {status}", self.title or "error"]
        if self.name:
            parts.append(f"parameter {self.name}")
        if self.detail:
            parts.append(self.detail)
        if hint:
            parts.append(hint)
        super().__init__(
            ": ".join(parts[:2]) + "".join(f" — {p}" for p in parts[2:]), request=request
        )


class BadRequest(ResponseError):
    pass


class AuthenticationFailed(ResponseError):
    def __init__(self, status: int, body: dict[str, Any] | None, *, request: str = "") -> None:
        super().__init__(
            status,
            body,
            request=request,
            hint="check the API key and its environment (production or sandbox)",
        )


class Forbidden(ResponseError):
    pass


class NotFound(ResponseError):
    pass


class RateLimited(ResponseError):
    """`limit` names the limit that ended the waiting, if one did (explorer.api.limits)."""

    def __init__(
        self,
        status: int,
        body: dict[str, Any] | None,
        *,
        retry_after: float,
        request: str = "",
        limit: str = "",
        allowed: float = 0.0,
    ) -> None:
        self.retry_after = retry_after
        self.limit = limit
        self.allowed = allowed
        hint = (
            wait_beyond(retry_after, limit, allowed)
            if limit
            else f"try again in {retry_after:.0f} s"
        )
        super().__init__(status, body, request=request, hint=hint)


def wait_beyond(asked: float, limit: str, allowed: float) -> str:
    return (
        f"the server asked to wait {asked:.0f} s, more than the {allowed:.0f} s limit "
        f"({limit}); try again later"
    )


class ServerError(ResponseError):
    pass


class NetworkError(ApiError):
    pass


class Timeout(NetworkError):
    pass


class MalformedResponse(ApiError):
    def __init__(self, message: str, *, excerpt: bytes | str = b"", request: str = "") -> None:
        text = excerpt.decode("utf-8", "replace") if isinstance(excerpt, bytes) else excerpt
        self.excerpt = redact(text)[:200]  # cut after: a secret across the cut stays hidden
        suffix = f": {self.excerpt!r}" if self.excerpt else ""
        super().__init__(f"unreadable response, {message}{suffix}", request=request)


class WaitTooLong(RateLimited):
    """Any answer (a 200 too) whose X-RateLimit-* headers ask for a wait beyond a limit."""

    def __init__(self, asked: float, limit: str, allowed: float, *, request: str = "") -> None:
        super().__init__(429, None, retry_after=asked, request=request, limit=limit)
        ApiError.__init__(self, wait_beyond(asked, limit, allowed), request=request)


class DeadlineExceeded(Timeout):
    """A request or a listing took longer than its deadline (`limit`: its name)."""

    def __init__(self, message: str, *, limit: str, request: str = "") -> None:
        self.limit = limit
        super().__init__(message, request=request)


class BodyTooLarge(MalformedResponse):
    """An answer's body passed the largest body accepted (`limit`: its name)."""

    def __init__(self, message: str, *, limit: str, request: str = "") -> None:
        self.limit = limit
        super().__init__(message, request=request)


class TooManyPages(MalformedResponse):
    """A list announced or walked more pages than a listing may take."""

    def __init__(self, message: str, *, request: str = "") -> None:
        self.limit = "max_pages"
        super().__init__(message, request=request)
