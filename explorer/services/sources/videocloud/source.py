"""The VideoCloud analytics API (seed 004) as a data source (`explorer.services.source`); its
kind (key, demo, probe, key variable…) is `explorer.services.sources.VIDEOCLOUD`.

Its questions are `ReportRequest`s of `videocloud_queries.CATALOGUE` and every answer is a
`Report`. It lists only videos, and only those its summary names (the API has no listing:
`VideoCloudClient.videos`); it has no player sessions, and it has server-side export jobs
(`exports`). With a local store attached, the video list and complete reports are kept, and
offline (a `NetworkError`) the stored copies come back marked with their fetch time.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from explorer.api.errors import NetworkError
from explorer.api.secrets import Secret
from explorer.api.videocloud import VideoCloudClient, VideoList
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.report import Report
from explorer.services.connection import EmbeddedSandbox, SandboxOptions
from explorer.services.curl import videocloud_curl
from explorer.services.local_cache import LocalCache
from explorer.services.source import Asset, Assets, RateBudget
from explorer.services.videocloud_export_jobs import RemoteExports
from explorer.services.videocloud_queries import CATALOGUE, ReportRequest, fetch_report
from explorer.store import Store, StoreError

log = logging.getLogger(__name__)

VIDEOS_KIND = "videocloud-videos"  # where the store keeps the video list


def video_asset(record: dict[str, Any]) -> Asset:
    """A video of the list as stored: id, title, views and watch time (s) over all time."""
    video_id = str(record["id"])
    facts = (
        ("Video id", video_id),
        ("Views (all time)", record.get("views")),
        ("Watch time (s)", record.get("watch_time")),
    )
    return Asset("video", video_id, str(record.get("title") or ""), facts)


class VideoCloudSource:
    """A VideoCloud account (or the sandbox's VideoCloud flavor) as a `DataSource`."""

    api = "videocloud"  # its kind (`explorer.services.sources.VIDEOCLOUD`)
    catalogue = CATALOGUE
    sessions = None  # the API has no player sessions
    comparisons = None  # no split, comparison or ranking across its reports (issue 18)

    def __init__(
        self,
        client: VideoCloudClient,
        label: str,
        kind: str,
        sandbox: EmbeddedSandbox | None = None,
    ) -> None:
        self.client = client
        self.label = label
        self.kind = kind
        self.account_id = ""
        self.exports = RemoteExports(client)
        self.cache: LocalCache | None = None
        self._sandbox = sandbox
        self._titles: dict[str, str] = {}  # video id -> title, from the last list

    @classmethod
    def demo(
        cls, options: SandboxOptions | None = None, progress: ProgressCallback | None = None
    ) -> VideoCloudSource:
        """The built-in sandbox serving the VideoCloud API, in-process (generating its data
        on first use, which ``progress`` hears)."""
        options = replace(options or SandboxOptions(), flavor=cls.api)
        sandbox = EmbeddedSandbox(options, progress)
        client = VideoCloudClient(sandbox.base_url, sandbox.api_key)
        return cls(client, "Demo project (built-in sandbox, VideoCloud API)", "DEMO", sandbox)

    @classmethod
    def connect(
        cls, base_url: str, key: Secret, label: str = "", badge: str = "PRODUCTION"
    ) -> VideoCloudSource:
        """The account behind ``key`` at ``base_url`` (nothing is sent yet)."""
        return cls(VideoCloudClient(base_url, key), label or base_url, badge)

    @property
    def base_url(self) -> str:
        return self.client.http.base_url

    @property
    def has_history(self) -> bool:
        return self.cache is not None

    def now(self) -> datetime:
        """The built-in sandbox's now for the demo (its clock may be pinned), else real time."""
        return self._sandbox.now() if self._sandbox is not None else datetime.now(UTC)

    def rate_budget(self) -> RateBudget:
        pacer = self.client.http.pacer
        return RateBudget(pacer.limit, pacer.remaining)

    def attach_store(self, store: Store) -> None:
        self.cache = LocalCache(store, self.account_id)

    def close(self) -> None:
        self.client.close()
        if self._sandbox is not None:
            self._sandbox.stop()

    # --- assets ----------------------------------------------------------------------------

    def load_assets(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> Assets:
        fetched_at = self.now()
        try:
            listed = self.client.videos(cancel=cancel)
        except NetworkError as error:
            stored = self.stored_assets(cancel, progress)
            if stored is None:
                raise
            return replace(stored, offline=True, problems=[f"offline: {error}"])
        records = [
            {"id": v.id, "title": v.title, "views": v.views, "watch_time": v.watch_time}
            for v in listed.videos
        ]
        self._keep_videos(records, fetched_at)
        return self._assets(records, listed, fetched_at)

    def stored_assets(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> Assets | None:
        if self.cache is None:
            return None
        try:
            entry = self.cache.store.assets(self.cache.scope, VIDEOS_KIND)
        except StoreError as error:
            log.warning("stored videos unreadable, ignored: %s", error)
            return None
        if entry is None:
            return None
        return replace(self._assets(entry.value, None, entry.fetched_at), stored=True)

    def _keep_videos(self, records: list[dict[str, Any]], fetched_at: datetime) -> None:
        if self.cache is None:
            return
        try:
            self.cache.store.put_assets(self.cache.scope, VIDEOS_KIND, records, fetched_at)
        except StoreError as error:
            log.warning("videos not stored: %s", error)

    def _assets(
        self, records: list[dict[str, Any]], listed: VideoList | None, fetched_at: datetime
    ) -> Assets:
        items = tuple(video_asset(r) for r in records)
        self._titles = {a.asset_id: a.title for a in items if a.title}
        problems = [listed.note] if listed is not None and listed.note else []
        return Assets(items, ("video",), problems, fetched_at)

    def _titled(self, report: Report, question: ReportRequest) -> Report:
        """A video's report named by the video's title, where the list gave one."""
        title = self._titles.get(question.video_id, "")
        if question.report != "video" or not title:
            return report
        return replace(report, title=f"{title} · {question.chosen_period}")

    # --- questions -------------------------------------------------------------------------

    def check(self, question: ReportRequest) -> list[str]:
        return question.problems()

    def curl(self, question: ReportRequest) -> str:
        return videocloud_curl(self.base_url, question)

    def run_query(
        self,
        question: ReportRequest,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Report:
        fetched_at = self.now()
        try:
            report = fetch_report(self.client, question, cancel=cancel)
        except NetworkError:
            stored = self.cache.result(question) if self.cache is not None else None
            if not isinstance(stored, Report):
                raise
            return self._titled(stored, question)
        if self.cache is not None:
            self.cache.keep_result(question, report, fetched_at)
        return self._titled(report, question)

    def known_values(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> dict[str, list[str]]:
        return {}  # the reports take no filters to complete
