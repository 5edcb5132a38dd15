"""Where the explorer's data comes from: a base URL and a key, or the built-in sandbox."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from explorer.api.client import PRODUCTION_URL, SANDBOX_URL, ApiVideoClient, ClientOptions
from explorer.api.secrets import Secret
from explorer.domain.cancel import ProgressCallback
from explorer.sandbox.assets import listing_bodies
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock, day_shift_ms
from explorer.sandbox.database import ANCHOR_MS, open_dataset
from explorer.sandbox.server import SandboxService

ENVIRONMENTS = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}
_HOST = re.compile(rb"[A-Za-z0-9._:-]+")  # a name, an IPv4 or an IPv6 address
Listings = dict[str, list[dict[str, Any]]]  # "videos", "live_streams", "players": API bodies


class ConnectionSetupError(Exception):
    """The connection could not be set up (a missing key variable, a bad URL)."""


@dataclass(frozen=True)
class SandboxOptions:
    scale: str = "default"
    seed: int = 1
    data_dir: Path | None = None
    now_ms: int | None = None
    flavor: str = "apivideo"  # or "videocloud": the API the sandbox serves


class EmbeddedSandbox:
    """The built-in sandbox, served in-process on a free loopback port."""

    def __init__(
        self,
        options: SandboxOptions | None = None,
        progress: ProgressCallback | None = None,
        listings: Callable[[Listings], None] | None = None,
    ) -> None:
        """``progress(done, total)`` hears how far generating the data is, on first use;
        ``listings`` is then handed the api.video bodies of `/videos`, `/live-streams` and
        `/players` (in their default order, times as the service will shift them) as soon as
        the assets are generated, seconds before the service starts (never called when the
        data exists already)."""
        options = options or SandboxOptions()
        clock = Clock(options.now_ms)

        def assets_ready(db: Any) -> None:
            if listings is not None:
                listings(listing_bodies(db, day_shift_ms(ANCHOR_MS, clock.now_ms())))

        dataset = open_dataset(
            options.seed, options.scale, options.data_dir, progress,
            None if listings is None else assets_ready,
        )  # fmt: skip
        self.service = SandboxService(dataset, clock=clock, flavor=options.flavor).start()
        self.base_url = self.service.base_url
        self.api_key = Secret(DEFAULT_API_KEY)

    def client(self, options: ClientOptions | None = None) -> ApiVideoClient:
        return ApiVideoClient(self.base_url, self.api_key, options=options or ClientOptions())

    def now(self) -> datetime:
        """The sandbox's now: real time, or the instant its clock is pinned to."""
        return datetime.fromtimestamp(self.service.clock.now_ms() / 1000, UTC)

    def stop(self) -> None:
        self.service.stop()


def key_from_environment(variable: str) -> Secret:
    """The API key from an environment variable (never from a command-line argument)."""
    value = os.environ.get(variable, "").strip()
    if not value:
        raise ConnectionSetupError(f"the environment variable {variable} is empty or not set")
    if not value.isprintable() or any("\ud800" <= c <= "\udfff" for c in value):
        raise ConnectionSetupError(
            f"the environment variable {variable} holds control characters or bytes that are "
            "not valid UTF-8: set it to the key alone"
        )
    return Secret(value)


def resolve_base_url(text: str) -> str:
    """`production`, `sandbox` or an http(s) URL with a host httpx can reach (checked here,
    so that `http://[::1` or `http://256.256.256.256` is a sentence, not a crash)."""
    if text in ENVIRONMENTS:
        return ENVIRONMENTS[text]
    shown = text if len(text) <= 200 else text[:200] + "…"
    if not text.startswith(("http://", "https://")):
        raise ConnectionSetupError(f"{shown!r} is not a URL (or 'production' / 'sandbox')")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        raise ConnectionSetupError(f"{shown!r} is not a valid URL: {error}") from None
    if not _HOST.fullmatch(url.raw_host):  # raw_host: IDNA-encoded, IPv6 without brackets
        raise ConnectionSetupError(f"{shown!r} is not a valid URL: it names no host")
    return text.rstrip("/")
