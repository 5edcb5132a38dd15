"""The sandbox's "apivideo" flavour: api.video's paths, auth and problem bodies.

Analytics v2 (`analytics.py`), the raw statistics (`rawstats.py`) and the asset listings
(`assets.py`) over the simulated dataset (not Analytics v1's retired plays: the product asks
v2, which seed 001 says replaces them). A caller signs
in with its key (`POST /auth/api-key`) and then sends `Authorization: Bearer TOKEN`, or
sends the key as HTTP Basic (`auth.py`); errors are api.video's problem bodies as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from explorer.sandbox.analytics import Analytics
from explorer.sandbox.assets import Assets
from explorer.sandbox.engine import Engine
from explorer.sandbox.flavor import Handler, Route, Served
from explorer.sandbox.rawstats import RawStatistics

SEG = r"([^/]+)"


class ApiVideoFlavor:
    """The apivideo flavour: routes, the key or token check, and errors as they are."""

    challenge = 'Basic realm="api.video"'

    def __init__(self, served: Served) -> None:
        self.auth = served.auth
        self.analytics = Analytics(Engine(served.dataset), served.clock)
        self.assets = Assets(served.dataset.connection)
        self.raw = RawStatistics(served.dataset.connection, served.country_names)

    def routes(self) -> list[Route]:
        a, raw, assets = self.analytics, self.raw, self.assets

        def get(path: str, handler: Handler) -> Route:
            return Route("GET", path, handler)

        return [
            Route("POST", "/auth/api-key", lambda r: self.auth.exchange_key(r.body), True),
            Route("POST", "/auth/refresh", lambda r: self.auth.refresh(r.body), True),
            get(f"/data/metrics/{SEG}/{SEG}", lambda r: a.metrics(r.args[0], r.args[1], r.params)),
            get(
                f"/data/buckets/{SEG}/{SEG}",
                lambda r: a.buckets(r.args[0], r.args[1], r.params, r.path),
            ),
            get(f"/data/timeseries/{SEG}", lambda r: a.timeseries(r.args[0], r.params, r.path)),
            get(
                f"/analytics/videos/{SEG}",
                lambda r: raw.sessions("video", r.args[0], r.params, r.path, r.now_ms, r.shift_ms),
            ),
            get(
                f"/analytics/live-streams/{SEG}",
                lambda r: raw.sessions(
                    "live-stream", r.args[0], r.params, r.path, r.now_ms, r.shift_ms
                ),
            ),
            get(
                f"/analytics/sessions/{SEG}/events",
                lambda r: raw.events(r.args[0], r.params, r.path, r.now_ms, r.shift_ms),
            ),
            get("/videos", lambda r: assets.videos(r.params, r.path, r.shift_ms)),
            get(f"/videos/{SEG}", lambda r: assets.video(r.args[0], r.shift_ms)),
            get(f"/videos/{SEG}/status", lambda r: assets.video_status(r.args[0])),
            get("/live-streams", lambda r: assets.live_streams(r.params, r.path, r.shift_ms)),
            get("/players", lambda r: assets.players(r.params, r.path, r.shift_ms)),
        ]

    def caller(self, headers: Mapping[str, str]) -> str:
        return self.auth.check(headers.get("Authorization"))

    def shape(self, status: int, body: dict[str, Any]) -> dict[str, Any]:
        return body  # the sandbox's errors are api.video's problem bodies already
