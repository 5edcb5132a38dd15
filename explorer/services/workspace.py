"""A workspace: one data source (the built-in sandbox or an account) and what the GUI asks of it.

Every method is a plain blocking call meant for a worker thread; long ones take a cancel
token and a progress callback. Nothing here touches Qt.

With a local store attached (`attach_store`), assets and complete results are kept as they
arrive; when the API cannot be reached (a `NetworkError`) the stored copies are returned,
marked offline with their fetch time; a timeseries reaching back beyond the API's lookback
takes its older buckets from the stored history (`explorer.services.history_query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from explorer.api.client import ApiVideoClient, Result
from explorer.api.errors import NetworkError
from explorer.api.models import LiveStream, Player, Video
from explorer.api.pagination import Fetched
from explorer.api.secrets import Secret
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from explorer.services.accounts import Account
from explorer.services.connection import EmbeddedSandbox, SandboxOptions
from explorer.services.history_query import needs_history, run_with_history
from explorer.services.local_cache import LocalCache
from explorer.services.sessions import SessionService
from explorer.store import Store


@dataclass(frozen=True)
class Assets:
    """The project's assets; `partial` lists what could not be loaded completely."""

    videos: list[Video] = field(default_factory=list)
    live_streams: list[LiveStream] = field(default_factory=list)
    players: list[Player] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    fetched_at: datetime | None = None  # when the lists were fetched
    stored: bool = False  # read from the local store, not from the API just now
    offline: bool = False  # the API could not be reached: these are the stored lists

    def title_of(self, media_id: str) -> str:
        for video in self.videos:
            if video.video_id == media_id:
                return video.title
        for stream in self.live_streams:
            if stream.live_stream_id == media_id:
                return stream.name
        return media_id


@dataclass(frozen=True)
class RateBudget:
    limit: int | None
    remaining: int | None


class Workspace:
    """What the main window works with. `label` names it; `kind` is DEMO, LOCAL, SANDBOX or
    PRODUCTION, shown as a badge so nobody mistakes demo data for their own."""

    def __init__(
        self, client: ApiVideoClient, label: str, kind: str, sandbox: EmbeddedSandbox | None = None
    ) -> None:
        self.client = client
        self.label = label
        self.kind = kind
        self._sandbox = sandbox
        self.account_id = ""  # the saved account's id; empty for the demo
        self.cache: LocalCache | None = None
        self.sessions = SessionService(client)  # player sessions and their events

    @classmethod
    def demo(cls, options: SandboxOptions | None = None) -> Workspace:
        """The built-in sandbox, started in-process (generates its data on first use)."""
        sandbox = EmbeddedSandbox(options)
        return cls(sandbox.client(), "Demo project (built-in sandbox)", "DEMO", sandbox)

    @classmethod
    def for_account(cls, account: Account, key: Secret) -> Workspace:
        """A saved account's project; `account_id` keys what the store keeps of it."""
        workspace = cls(ApiVideoClient(account.url, key), account.name, account.badge)
        workspace.account_id = account.id
        return workspace

    def attach_store(self, store: Store) -> None:
        """Keep what is fetched in `store`, under this workspace's account."""
        self.cache = LocalCache(store, self.account_id)
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
        return datetime.now(UTC)

    def rate_budget(self) -> RateBudget:
        pacer = self.client.http.pacer
        return RateBudget(pacer.limit, pacer.remaining)

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
        assets = Assets(videos.items, streams.items, players.items, problems, fetched_at)
        if self.cache is not None and not problems:
            lists: dict[str, list[Any]] = {
                "videos": assets.videos,
                "live_streams": assets.live_streams,
                "players": assets.players,
            }
            self.cache.keep_assets(lists, fetched_at)
        return assets

    def stored_assets(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> Assets | None:
        """The assets as last stored (instant, no network), or None."""
        found = self.cache.assets() if self.cache is not None else None
        if found is None:
            return None
        lists, fetched_at = found
        return Assets(
            lists["videos"], lists["live_streams"], lists["players"], [], fetched_at, stored=True
        )

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
            if stored is None:
                raise
            return stored
        if self.cache is not None:
            self.cache.keep_result(query, result, now)
        return result
