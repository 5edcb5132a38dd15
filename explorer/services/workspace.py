"""A workspace: one data source (the built-in sandbox or an account) and what the GUI asks of it.

Every method is a plain blocking call meant for a worker thread; long ones take a cancel
token and a progress callback. Nothing here touches Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from explorer.api.client import ApiVideoClient, Result
from explorer.api.models import LiveStream, Player, Video
from explorer.api.pagination import Fetched
from explorer.api.secrets import Secret
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.query import Query
from explorer.services.accounts import Account
from explorer.services.connection import EmbeddedSandbox, SandboxOptions
from explorer.services.sessions import SessionService


@dataclass(frozen=True)
class Assets:
    """The project's assets; `partial` lists what could not be loaded completely."""

    videos: list[Video] = field(default_factory=list)
    live_streams: list[LiveStream] = field(default_factory=list)
    players: list[Player] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

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

        videos = self.client.videos(cancel=cancel, progress=progress)
        complete(videos, "videos")
        streams = self.client.live_streams(cancel=cancel)
        complete(streams, "live streams")
        players = self.client.players(cancel=cancel)
        complete(players, "players")
        return Assets(videos.items, streams.items, players.items, problems)

    def run_query(
        self,
        query: Query,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Result:
        return self.client.run(query, cancel, progress)
