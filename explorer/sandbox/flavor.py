"""What a sandbox flavor other than api.video gives the server: routes, callers, error bodies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from explorer.sandbox.server import Request

FLAVORS = ("apivideo", "videocloud")


@dataclass(frozen=True)
class FileBody:
    """An answer that is a file (an export), not JSON."""

    content_type: str
    data: bytes
    filename: str = ""


Answer = dict[str, Any] | FileBody
Handler = Callable[["Request"], Answer]


class Flavor(Protocol):
    """The server asks a flavor for its routes, who is calling, and how errors look."""

    challenge: str  # the WWW-Authenticate header of a 401

    def routes(self) -> list[tuple[str, str, Handler]]:
        """(method, path regex without anchors, handler), tried in order."""
        ...

    def caller(self, headers: Mapping[str, str]) -> str:
        """The caller's identity for rate limiting, or raise a 401 ApiError."""
        ...

    def shape(self, status: int, body: dict[str, Any]) -> dict[str, Any]:
        """An error body in this flavor's shape (from an api.video-style problem body)."""
        ...
