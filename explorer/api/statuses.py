"""An answer's error status as the ApiError that tells it, and the wait a 429 asks for."""

from __future__ import annotations

from typing import Any, NoReturn

import httpx

from explorer.api.body import parse_json
from explorer.api.errors import (
    AuthenticationFailed,
    BadRequest,
    Forbidden,
    NotFound,
    RateLimited,
    ResponseError,
    ServerError,
)


def problem_body(response: httpx.Response) -> dict[str, Any] | None:
    """The answer's body as a JSON object (a problem+json error), or None."""
    try:
        body = parse_json(response.content)
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep to read
        return None
    return body if isinstance(body, dict) else None


def retry_after(response: httpx.Response) -> float:
    """The seconds a 429 asks to wait (X-RateLimit-Retry-After, else Retry-After; 1 s)."""
    raw = response.headers.get("X-RateLimit-Retry-After") or response.headers.get("Retry-After")
    try:
        return max(0.0, float(raw)) if raw is not None else 1.0
    except ValueError:
        return 1.0


def raise_for_status(response: httpx.Response, described: str) -> NoReturn:
    """Raise the ApiError for an answer with an error status (400 and above)."""
    status = response.status_code
    body = problem_body(response)
    kind: type[ResponseError]
    if status == 400:
        kind = BadRequest
    elif status == 401:
        raise AuthenticationFailed(status, body, request=described)
    elif status == 403:
        kind = Forbidden
    elif status == 404:
        kind = NotFound
    elif status == 429:
        raise RateLimited(status, body, retry_after=retry_after(response), request=described)
    elif status >= 500:
        kind = ServerError
    else:
        kind = ResponseError
    raise kind(status, body, request=described)
