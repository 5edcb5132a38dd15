"""Error responses of the sandbox, shaped like api.video's (RFC 7807 style bodies)."""

from __future__ import annotations

from typing import Any

DOCS = "https://docs.api.video/reference/"


class ApiError(Exception):
    """Raised by a handler; the server turns it into a JSON error response."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(body.get("title", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}


def invalid_attribute(name: str, detail: str) -> ApiError:
    """A bad path value (metric, aggregation, breakdown)."""
    return ApiError(
        400,
        {
            "type": DOCS + "invalid-attribute",
            "title": "An attribute is invalid.",
            "status": 400,
            "detail": detail,
            "name": name,
        },
    )


def invalid_query(name: str, detail: str) -> ApiError:
    """A bad or unexpected query parameter."""
    return ApiError(
        400,
        {
            "type": DOCS + "request-invalid-query-parameter",
            "title": "A query parameter is invalid.",
            "status": 400,
            "detail": detail,
            "name": name,
        },
    )


def bad_request(name: str, title: str) -> ApiError:
    """The generic 400 of the non-analytics endpoints (`bad-request` schema)."""
    problem = {"type": DOCS + "invalid-attribute", "title": title, "name": name, "status": 400}
    return ApiError(400, {**problem, "problems": [problem]})


def authentication_failed() -> ApiError:
    """POST /auth/api-key or /auth/refresh with a key or token we do not know: 401, as
    api.video's errors page says of a bad key or refresh token, in the body the spec gives
    (whose example says 400; a malformed body, with no key at all, is still 400)."""
    return ApiError(
        401,
        {
            "type": DOCS + "authentication-invalid-user-credentials",
            "title": "The user credentials were incorrect.",
            "name": "",
            "status": 401,
        },
    )


def unauthorized() -> ApiError:
    return ApiError(
        401,
        {
            "type": DOCS + "authentication-failed",
            "title": "Unauthorized request.",
            "status": 401,
        },
        {"WWW-Authenticate": 'Basic realm="api.video", Bearer'},
    )


def not_found(name: str, legacy: bool = False) -> ApiError:
    """A resource that does not exist (the raw-statistics spec used an older `type`)."""
    kind = (
        "https://docs.api.video/docs/resourcenot_found" if legacy else DOCS + "resource-not-found"
    )
    return ApiError(
        404,
        {
            "type": kind,
            "title": "The requested resource was not found.",
            "name": name,
            "status": 404,
        },
    )


def unrecognized_url() -> ApiError:
    return ApiError(
        404,
        {
            "type": DOCS + "unrecognized-request-url",
            "title": "Unrecognized request URL.",
            "status": 404,
        },
    )


def method_not_allowed() -> ApiError:
    return ApiError(
        405,
        {
            "type": DOCS + "method-not-allowed",
            "title": "Method is not allowed for this route.",
            "status": 405,
        },
    )


def too_many_requests() -> ApiError:
    return ApiError(
        429,
        {"type": DOCS + "too-many-requests", "title": "Too many requests.", "status": 429},
    )


def server_error() -> ApiError:
    return ApiError(
        500,
        {"type": DOCS + "server-error", "title": "Server error.", "status": 500},
    )
