"""The VideoCloud `{success, data}` envelope: unwrapping answers and mapping its error codes.

The seed lists the error codes but not the shape of an error answer; we assume the common
one, `{"success": false, "error": {"code": "…", "message": "…", "details": {…}}}`, sent with
a matching HTTP status, and read `details.parameter` (or `param`, `field`) as the parameter
at fault. The code decides the class, whatever the status (a `success: false` inside a 200
included); an unknown code falls back on the status. Into the client's error tree
(explorer.api.errors)::

    ANALYTICS_INVALID_PERIOD    → BadRequest   (parameter "period")
    ANALYTICS_INVALID_METRICS   → BadRequest   (parameter "metrics")
    ANALYTICS_DATA_UNAVAILABLE  → NotFound     (no data for this period)
    ANALYTICS_EXPORT_FAILED     → ServerError  (the export job failed)
    ANALYTICS_RATE_LIMIT        → RateLimited  (retried with backoff first, like a 429)
    other codes                 → by status: 400 BadRequest, 401 AuthenticationFailed,
                                  403 Forbidden, 404 NotFound, 429 RateLimited, 5xx ServerError

Every such error has `type` = the code, `title` = the server's message (or ours when it has
none), `name` = the parameter. A 2xx answer that is not JSON, not an object, has neither
`success` nor `data`, or says `success: true` without data is a MalformedResponse.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import ValidationError

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
from explorer.api.http import json_object
from explorer.api.videocloud_models import Envelope, ErrorInfo

INVALID_PERIOD = "ANALYTICS_INVALID_PERIOD"
INVALID_METRICS = "ANALYTICS_INVALID_METRICS"
DATA_UNAVAILABLE = "ANALYTICS_DATA_UNAVAILABLE"
EXPORT_FAILED = "ANALYTICS_EXPORT_FAILED"
RATE_LIMIT = "ANALYTICS_RATE_LIMIT"

_CODES: dict[str, tuple[type[ResponseError], int, str, str]] = {
    # code: (class, the status it stands for, what it means, the parameter at fault)
    INVALID_PERIOD: (BadRequest, 400, "invalid time period", "period"),
    INVALID_METRICS: (BadRequest, 400, "invalid metrics requested", "metrics"),
    DATA_UNAVAILABLE: (NotFound, 404, "data not available for this period", ""),
    EXPORT_FAILED: (ServerError, 500, "the export could not be generated", ""),
    RATE_LIMIT: (RateLimited, 429, "too many requests", ""),
}


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from Retry-After or X-RateLimit-Retry-After, if the answer says."""
    raw = response.headers.get("Retry-After") or response.headers.get("X-RateLimit-Retry-After")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


def _parameter(details: dict[str, Any]) -> str:
    for key in ("parameter", "param", "field"):
        value = details.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def error_for(
    status: int, info: ErrorInfo, *, request: str, wait: float | None = None
) -> ResponseError:
    """The ApiError subclass for an error answer (`status`, the envelope's `error`)."""
    known = _CODES.get(info.code)
    if known:
        kind, nominal, meaning, parameter = known
    else:
        kind, nominal, meaning, parameter = _by_status(status), status, "", ""
    if status < 400:
        status = nominal  # a failure reported inside a 2xx: show the status its code means
    body = {
        "type": info.code,
        "title": info.message or meaning or "error",
        "name": _parameter(info.details) or parameter,
        "detail": f"code {info.code}" if info.code else "",
    }
    if kind is RateLimited:
        return RateLimited(
            status, body, retry_after=wait if wait is not None else 1.0, request=request
        )
    if kind is AuthenticationFailed:
        return AuthenticationFailed(status, body, request=request)
    return kind(status, body, request=request)


def _by_status(status: int) -> type[ResponseError]:
    if status == 400:
        return BadRequest
    if status == 401:
        return AuthenticationFailed
    if status == 403:
        return Forbidden
    if status == 404:
        return NotFound
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    return ResponseError


def error_info(response: httpx.Response) -> ErrorInfo | None:
    """The envelope's error of a failed answer, or None if the body does not carry one."""
    try:
        body = json_object(response, "")
        envelope = Envelope.model_validate(body)
    except (ApiError, ValidationError):
        return None
    if envelope.success and response.status_code < 400:
        return None
    return envelope.error or ErrorInfo()


def unwrap(response: httpx.Response, request: str) -> Any:
    """The `data` of a successful answer, or raise the mapped error."""
    status = response.status_code
    if status >= 400:
        info = error_info(response) or ErrorInfo()
        raise error_for(status, info, request=request, wait=retry_after(response))
    body = json_object(response, request)
    if "success" not in body:
        if "data" in body:  # lenient: the data without the flag
            return body["data"]
        raise MalformedResponse(
            "the body is not the {success, data} envelope",
            excerpt=response.content,
            request=request,
        )
    try:
        envelope = Envelope.model_validate(body)
    except ValidationError:
        raise MalformedResponse(
            "the envelope's success flag is not a boolean",
            excerpt=response.content,
            request=request,
        ) from None
    if not envelope.success:
        raise error_for(
            status, envelope.error or ErrorInfo(), request=request, wait=retry_after(response)
        )
    if envelope.data is None:
        raise MalformedResponse("the answer has no data", excerpt=response.content, request=request)
    return envelope.data
