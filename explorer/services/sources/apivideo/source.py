"""api.video as a data source (`explorer.services.source`): analytics v2, raw statistics
and the asset listings, through `explorer.api.client.ApiVideoClient`.
Its kind (key, demo, probe, key variable…) is `explorer.services.sources.APIVIDEO`.

Every method is a plain blocking call meant for a worker thread; long ones take a cancel
token and a progress callback. Nothing here touches Qt.

With a local store attached (`attach_store`), assets and complete results are kept as they
arrive; when the API cannot be reached (a `NetworkError`) the stored copies are returned,
marked offline with their fetch time; a timeseries reaching back beyond the API's lookback
takes its older buckets from the stored history (`explorer.services.history_query`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from explorer.api.client import ApiVideoClient
from explorer.api.errors import NetworkError
from explorer.api.pagination import Fetched
from explorer.api.secrets import Secret
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.catalogue import CATALOGUE, Endpoint
from explorer.domain.frames import BucketFrame, Result
from explorer.domain.query import Query
from explorer.domain.report import Report
from explorer.domain.timerange import Preset, TimeRange
from explorer.services.apivideo_assets import ASSET_KINDS as ASSET_KINDS  # re-exported
from explorer.services.apivideo_assets import (
    DEMO_LABEL,
    assets_from_bodies,
    assets_of,
    stored_assets_in,
)
from explorer.services.apivideo_assets import live_stream_asset as live_stream_asset
from explorer.services.apivideo_assets import player_asset as player_asset
from explorer.services.apivideo_assets import video_asset as video_asset
from explorer.services.comparisons import Comparisons
from explorer.services.connection import EmbeddedSandbox, Listings, SandboxOptions
from explorer.services.curl import curl_command
from explorer.services.history_query import needs_history, run_with_history
from explorer.services.local_cache import LocalCache
from explorer.services.sessions import SessionService
from explorer.services.source import Assets, RateBudget
from explorer.store import Store

log = logging.getLogger(__name__)


def discovery_query(now: datetime, zone: str = "UTC") -> Query:
    """Which countries the data has seen lately (for the country filter's completions)."""
    start, end = TimeRange.of(Preset.LAST_30_DAYS).resolve(now, zone)
    return Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="country", start=start, end=end
    )


class ApiVideoSource:
    """An api.video project as a `DataSource`. `label` names it; `kind` is DEMO, LOCAL,
    SANDBOX or PRODUCTION, shown as a badge so nobody mistakes demo data for their own."""

    api = "apivideo"  # its kind (`explorer.services.sources.APIVIDEO`)
    catalogue = CATALOGUE
    exports = None  # api.video has no server-side export jobs

    def __init__(
        self, client: ApiVideoClient, label: str, kind: str, sandbox: EmbeddedSandbox | None = None
    ) -> None:
        self.client = client
        self.label = label
        self.kind = kind
        self._sandbox = sandbox
        self.account_id = ""  # the saved account's id; empty for the demo
        self.cache: LocalCache | None = None
        self.sessions: SessionService | None = SessionService(client)  # sessions, events
        self.comparisons: Comparisons | None = Comparisons(
            self.run_query, self.rate_budget, self.now, self._stored_from
        )

    @classmethod
    def demo(
        cls,
        options: SandboxOptions | None = None,
        progress: ProgressCallback | None = None,
        first_assets: Callable[[Assets], None] | None = None,
    ) -> ApiVideoSource:
        """The built-in sandbox, started in-process (generates its data on first use, which
        ``progress`` hears; ``first_assets`` is then handed the assets as `load_assets` will
        list them, as soon as they are generated, before the sessions)."""

        def listed(bodies: Listings) -> None:
            assert first_assets is not None
            try:
                assets = assets_from_bodies(bodies)
            except ValueError as error:  # the tree then fills when the sandbox answers
                log.warning("the demo's first assets were not shown: %s", error)
                return
            first_assets(assets)

        options = replace(options or SandboxOptions(), flavor=cls.api)
        sandbox = EmbeddedSandbox(options, progress, None if first_assets is None else listed)
        return cls(sandbox.client(), DEMO_LABEL, "DEMO", sandbox)

    @classmethod
    def connect(
        cls, base_url: str, key: Secret, label: str = "", badge: str = "PRODUCTION"
    ) -> ApiVideoSource:
        """The project behind ``key`` at ``base_url`` (nothing is sent yet)."""
        return cls(ApiVideoClient(base_url, key), label or base_url, badge)

    def attach_store(self, store: Store) -> None:
        """Keep what is fetched in `store`, under this source's account."""
        self.cache = LocalCache(store, self.account_id)
        if self.sessions is not None:
            self.sessions.cache = self.cache

    @property
    def has_history(self) -> bool:
        """Whether timeseries may reach back beyond the API's lookback (a store is attached)."""
        return self.cache is not None

    def close(self) -> None:
        self.client.close()
        if self._sandbox is not None:
            self._sandbox.stop()

    @property
    def base_url(self) -> str:
        """Where requests go (for "copy as curl"); never includes the key."""
        return self.client.http.base_url

    def now(self) -> datetime:
        """The built-in sandbox's now for the demo (its clock may be pinned), else real time."""
        return self._sandbox.now() if self._sandbox is not None else datetime.now(UTC)

    def rate_budget(self) -> RateBudget:
        pacer = self.client.http.pacer
        return RateBudget(pacer.limit, pacer.remaining, pacer.resets_in())

    def load_assets(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> Assets:
        problems: list[str] = []

        def complete(fetched: Fetched[Any], what: str) -> None:
            if fetched.error is not None:
                problems.append(f"{what}: {fetched.error}")

        fetched_at = self.now()
        try:
            videos = self.client.videos(cancel=cancel, progress=progress)
        except NetworkError as error:
            stored = self.stored_assets(cancel, progress)
            if stored is None:
                raise
            return replace(stored, offline=True, problems=[f"offline: {error}"])
        complete(videos, "videos")
        streams = self.client.live_streams(cancel=cancel)
        complete(streams, "live streams")
        players = self.client.players(cancel=cancel)
        complete(players, "players")
        if self.cache is not None and not problems:
            lists: dict[str, list[Any]] = {
                "videos": videos.items,
                "live_streams": streams.items,
                "players": players.items,
            }
            self.cache.keep_assets(lists, fetched_at)
        return assets_of(
            videos.items, streams.items, players.items, problems=problems, fetched_at=fetched_at
        )

    def stored_assets(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> Assets | None:
        """The assets as last stored (instant, no network), or None."""
        return stored_assets_in(self.cache)

    def run_query(
        self,
        query: Query,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Result:
        now = self.now()
        if query.endpoint is Endpoint.TIMESERIES:
            query = replace(query, interval=query.effective_interval(now))
        if self.cache is not None and needs_history(query, now):
            return run_with_history(self.client.run, self.cache, query, now, cancel, progress)
        try:
            result = self.client.run(query, cancel, progress)
        except NetworkError:
            stored = self.cache.result(query) if self.cache is not None else None
            if stored is None or isinstance(stored, Report):  # a query's answer is never one
                raise
            return stored
        if self.cache is not None:
            self.cache.keep_result(query, result, now)
        return result

    def _stored_from(self, query: Query, start: datetime, end: datetime) -> datetime | None:
        """The oldest bucket the local store keeps of this timeseries in ``[start, end)``."""
        if self.cache is None:
            return None
        points = self.cache.history(query, _ms(start), _ms(end))
        if len(points.ms) == 0:
            return None
        return datetime.fromtimestamp(int(min(points.ms)) / 1000, UTC)

    def check(self, question: Query) -> list[str]:
        return question.validate(self.now(), history=self.has_history)

    def curl(self, question: Query) -> str:
        return curl_command(self.base_url, question)

    def known_values(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> dict[str, list[str]]:
        """The countries plays came from over the last 30 days (the country filter's values)."""
        result = self.run_query(discovery_query(self.now()), cancel, progress)
        if not isinstance(result, BucketFrame):
            return {}
        return {"country": [str(d) for d in result.dimensions if str(d)]}


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
