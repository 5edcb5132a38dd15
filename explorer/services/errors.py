"""The errors the GUI shows, re-exported for `explorer.ui`, and how to put them in words."""

from __future__ import annotations

from dataclasses import dataclass

from explorer.api.errors import (
    ApiError,
    AuthenticationFailed,
    BadRequest,
    MalformedResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ResponseError,
    Timeout,
)
from explorer.domain.cancel import Cancelled
from explorer.services.accounts import AccountError
from explorer.services.table_files import ExportError
from explorer.services.vault import VaultError

__all__ = [
    "AccountError",
    "ApiError",
    "AuthenticationFailed",
    "BadRequest",
    "Cancelled",
    "ErrorReport",
    "ExportError",
    "MalformedResponse",
    "NetworkError",
    "NotFound",
    "RateLimited",
    "ResponseError",
    "Timeout",
    "VaultError",
    "describe_error",
    "is_expected",
]

_HEADLINES: tuple[tuple[type[BaseException], str], ...] = (
    (BadRequest, "The API refused a parameter"),
    (AuthenticationFailed, "The API key was refused"),
    (RateLimited, "Too many requests"),
    (ResponseError, "The API answered with an error"),
    (Timeout, "No answer in time"),
    (NetworkError, "The API could not be reached"),
    (MalformedResponse, "The answer could not be read"),
    (ExportError, "The file could not be written"),
    (AccountError, "The account cannot be used"),
    (VaultError, "The keyring did not cooperate"),
)


@dataclass(frozen=True)
class ErrorReport:
    """An error as a person reads it: a headline, the sentence, and details one click away."""

    headline: str
    message: str
    details: str


def is_expected(error: BaseException) -> bool:
    """A failure of the world (the API, the disk, the keyring, an account), not a bug: it is
    said in words; anything else also leaves its traceback in the log."""
    return isinstance(error, (ApiError, ExportError, AccountError, VaultError))


def describe_error(error: BaseException) -> ErrorReport:
    """Words for any failure; never a traceback (those go to the log)."""
    headline = next(
        (text for kind, text in _HEADLINES if isinstance(error, kind)), "Something went wrong"
    )
    known = is_expected(error)
    message = str(error) if known else f"{type(error).__name__}: {error}"
    lines = [f"Kind: {type(error).__name__}"]
    if isinstance(error, ResponseError):
        lines.append(f"HTTP status: {error.status}")
        for label, value in (
            ("Title", error.title),
            ("Parameter", error.name),
            ("Detail", error.detail),
            ("Problem type", error.type),
        ):
            if value:
                lines.append(f"{label}: {value}")
    if isinstance(error, RateLimited):
        lines.append(f"Retry after: {error.retry_after:.0f} s")
    if isinstance(error, MalformedResponse) and error.excerpt:
        lines.append(f"Excerpt: {error.excerpt}")
    if isinstance(error, ApiError) and error.request:
        lines.append(f"Request: {error.request}")
    lines.append(f"Message: {message}")
    return ErrorReport(headline, message, "\n".join(lines))
