"""What a sandbox flavour gives the server (its routes, who is calling, how errors look), and
what the server gives a flavour (a request, and the parts a flavour is built from).

A flavour is one API served over the simulated dataset: api.video's (`sandbox/apivideo.py`)
or VideoCloud's (`sandbox/videocloud.py`); `sandbox/flavors.py` lists them by name. This
module imports no flavour and not the server, so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from explorer.sandbox.auth import Authenticator
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import Dataset
from explorer.sandbox.params import Params


@dataclass
class Request:
    """One request as a handler sees it: `args` are the path's captured segments."""

    method: str
    path: str
    params: Params
    args: tuple[str, ...]
    body: Any
    now_ms: int
    shift_ms: int


@dataclass(frozen=True)
class FileBody:
    """An answer that is a file (an export), not JSON."""

    content_type: str
    data: bytes
    filename: str = ""


Answer = dict[str, Any] | FileBody
Handler = Callable[[Request], Answer]


@dataclass(frozen=True)
class Route:
    """`path` is a regex without anchors; the server tries the routes in order."""

    method: str
    path: str
    handler: Handler
    public: bool = False  # no credentials needed (api.video's auth endpoints)


@dataclass(frozen=True)
class Served:
    """What the server builds a flavour from."""

    dataset: Dataset
    clock: Clock
    auth: Authenticator  # the sandbox's key (and api.video's tokens)
    base_url: Callable[[], str]  # where the server listens, once it does
    country_names: Mapping[str, str]  # code -> name, as api.video's raw statistics give them


class Flavor(Protocol):
    """The server asks a flavour for its routes, who is calling, and how errors look."""

    challenge: str  # the WWW-Authenticate header of a 401

    def routes(self) -> list[Route]: ...

    def caller(self, headers: Mapping[str, str]) -> str:
        """The caller's identity for rate limiting, or raise a 401 ApiError."""
        ...

    def shape(self, status: int, body: dict[str, Any]) -> dict[str, Any]:
        """An error body in this flavour's shape (from an api.video-style problem body)."""
        ...


FlavorFactory = Callable[[Served], Flavor]
