"""Typed calls for the VideoCloud analytics API (seed 004) over the shared `Http`.

`VideoCloudClient` is safe to share between worker threads; every call takes a cancel
token. Requests go through explorer.api.http (pacing from X-RateLimit-* headers, bounded
retries of 5xx, timeouts, resets and 429s, and of ANALYTICS_RATE_LIMIT in any answer, the
limits of explorer.api.limits, secrets redacted from every message); answers go
through the `{success, data}` envelope (videocloud_envelope.py: error codes → the client's
error tree) into the lenient wire models of videocloud_models.py.

Auth: the seed's SDKs are built from an API key alone (`new VideoCloud({apiKey})`) and
document no token exchange, so the key is sent as `Authorization: Bearer KEY` on every
request (the sandbox's videocloud flavor also accepts `X-API-Key: KEY`).

The list of videos: the API has no listing endpoint. `videos()` reads the summary over
`period=all` with `limit=100` and returns its `topVideos` (id, title, views, watch time) with
`totalVideos`; when fewer came back than the total (a server that caps topVideos, or more
than 100 videos) the list is marked incomplete and says so. Videos never watched may be
missing from such a list on a real server; the sandbox ranks every video, zeros included.

Exports: `export()` posts the job, polls `GET /analytics/export/{id}` with growing waits
(bounded, cancellable, with an overall deadline), then downloads the file atomically (see
videocloud_export.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from explorer.api import videocloud_models as vc
from explorer.api.auth import KeyBearerAuth
from explorer.api.errors import MalformedResponse, RateLimited, WaitTooLong
from explorer.api.http import Http, Params, RetryPolicy, Timeouts
from explorer.api.limits import Limits
from explorer.api.secrets import Secret
from explorer.api.videocloud_envelope import RATE_LIMIT, error_info, unwrap
from explorer.api.videocloud_export import ExportPolicy, download, failure, wait_until_ready
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.videocloud_catalogue import (  # the names the API takes, re-exported
    GROUP_BY as GROUP_BY,
)
from explorer.domain.videocloud_catalogue import PERIODS as PERIODS
from explorer.domain.videocloud_catalogue import SYSTEM_PERIODS as SYSTEM_PERIODS
from explorer.domain.videocloud_catalogue import USER_METRICS, VIDEO_METRICS, ReportRequest

VIDEO_LIST_LIMIT = 100

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class VideoCloudOptions:
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    export: ExportPolicy = field(default_factory=ExportPolicy)
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class ExportRequest:
    """The body of POST /analytics/export."""

    type: str = "video"  # the sandbox knows "video" and "users"
    period: str = "30d"
    metrics: Sequence[str] = ()  # none: the server's default (the sandbox: all of the type's)
    format: str = "csv"
    video_id: str | None = None  # a sandbox extension: one video instead of all

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "period": self.period, "format": self.format}
        if self.metrics:
            body["metrics"] = list(self.metrics)
        if self.video_id:
            body["videoId"] = self.video_id
        return body


@dataclass(frozen=True)
class VideoList:
    """The videos the API tells of, from the summary's topVideos."""

    videos: tuple[vc.TopVideo, ...]
    total: int | None  # totalVideos, as the server counts them
    complete: bool
    note: str = ""  # why the list may be incomplete, in words


def _read(model: type[M], data: Any, what: str, request: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        detail = str(error).splitlines()[0]
        raise MalformedResponse(
            f"{what} does not have the expected shape ({detail})",
            excerpt=str(data),
            request=request,
        ) from None


class VideoCloudClient:
    def __init__(
        self,
        base_url: str,
        api_key: Secret,
        *,
        options: VideoCloudOptions = VideoCloudOptions(),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.http = Http(
            base_url,
            KeyBearerAuth(api_key),
            transport=transport,
            timeouts=options.timeouts,
            retry=options.retry,
            limits=options.limits,
            rate_limited=_rate_limited,
        )
        self.options = options

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> VideoCloudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VideoCloudClient({self.http.base_url!r})"

    # --- one request through the envelope -------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> Any:
        """The envelope's data. Http retries 429s and ANALYTICS_RATE_LIMIT in any answer
        (`_rate_limited`) within its bounds; past them, the error says it in our words."""
        request = f"{method} {httpx.URL(path).path}"
        try:
            response = self.http.send(
                method, path, params=params, json_body=json_body, cancel=cancel
            )
        except RateLimited as error:
            if isinstance(error, WaitTooLong):  # the X-RateLimit-* headers asked too much
                raise
            raise RateLimited(
                error.status if error.status >= 400 else 429,
                {"type": RATE_LIMIT, "title": "too many requests", "detail": f"code {RATE_LIMIT}"},
                retry_after=error.retry_after,
                request=request,
                limit=error.limit,
                allowed=error.allowed,
            ) from None
        return unwrap(response, request)

    def _get(self, path: str, params: Params, model: type[M], what: str, cancel: CancelToken) -> M:
        data = self._call("GET", path, params=params, cancel=cancel)
        return _read(model, data, what, f"GET {path}")

    # --- videos ---------------------------------------------------------------------------

    def video(
        self,
        video_id: str,
        *,
        period: str = "7d",
        metrics: Sequence[str] = VIDEO_METRICS,
        group_by: str | None = None,
        compare: bool = True,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> vc.VideoAnalytics:
        """GET /analytics/videos/{id}: views, engagement and performance of one video."""
        asked = ReportRequest("video", period, video_id, tuple(metrics), group_by, compare)
        path, params = asked.target()
        return self._get(path, params, vc.VideoAnalytics, "the video's analytics", cancel)

    def summary(
        self,
        *,
        period: str = "30d",
        limit: int | None = None,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> vc.VideoSummary:
        """GET /analytics/videos/summary: totals, averages, top videos and trends.
        `limit` (how many top videos) is a sandbox extension a real server may ignore."""
        path, params = ReportRequest("summary", period, top=limit).target()
        return self._get(path, params, vc.VideoSummary, "the summary", cancel)

    def videos(self, *, cancel: CancelToken = NEVER_CANCELLED) -> VideoList:
        """The videos of the account, as far as the API lets us see them (see the module)."""
        summary = self.summary(period="all", limit=VIDEO_LIST_LIMIT, cancel=cancel)
        seen: dict[str, vc.TopVideo] = {}
        for video in summary.top_videos:
            seen.setdefault(video.id, video)
        total = summary.total_videos
        complete = total is not None and len(seen) >= total
        note = ""
        if not complete:
            told = f"{total}" if total is not None else "an unknown number of"
            note = (
                f"{len(seen)} of {told} videos: this API only lists the top videos of its "
                "summary; the others can still be opened by id"
            )
        return VideoList(tuple(seen.values()), total, complete, note)

    # --- users ----------------------------------------------------------------------------

    def users(
        self,
        *,
        period: str = "30d",
        metrics: Sequence[str] = USER_METRICS,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> vc.UserAnalytics:
        """GET /analytics/users: activity, growth and retention."""
        path, params = ReportRequest("users", period, metrics=tuple(metrics)).target()
        return self._get(path, params, vc.UserAnalytics, "the user analytics", cancel)

    def user_engagement(
        self, *, period: str = "7d", cancel: CancelToken = NEVER_CANCELLED
    ) -> vc.UserEngagement:
        """GET /analytics/users/engagement (its `engagement` object)."""
        path, params = ReportRequest("user-engagement", period).target()
        wrapper = self._get(path, params, vc.UserEngagementResponse, "the user engagement", cancel)
        return wrapper.engagement

    # --- system ---------------------------------------------------------------------------

    def system_health(
        self, *, period: str = "24h", cancel: CancelToken = NEVER_CANCELLED
    ) -> vc.SystemHealth:
        """GET /analytics/system/health: uptime, response times, errors, resources."""
        path, params = ReportRequest("system-health", period).target()
        return self._get(path, params, vc.SystemHealth, "the health", cancel)

    def system_performance(
        self, *, period: str = "1h", cancel: CancelToken = NEVER_CANCELLED
    ) -> vc.SystemPerformance:
        """GET /analytics/system/performance: API requests, processing queues, storage."""
        path, params = ReportRequest("system-performance", period).target()
        return self._get(
            path,
            params,
            vc.SystemPerformance,
            "the performance figures",
            cancel,
        )

    # --- exports --------------------------------------------------------------------------

    def create_export(
        self, request: ExportRequest, *, cancel: CancelToken = NEVER_CANCELLED
    ) -> vc.ExportJob:
        """POST /analytics/export: start a job (it is usually still processing)."""
        data = self._call("POST", "/analytics/export", json_body=request.body(), cancel=cancel)
        return _read(vc.ExportJob, data, "the export job", "POST /analytics/export")

    def export_status(
        self, export_id: str, *, cancel: CancelToken = NEVER_CANCELLED
    ) -> vc.ExportJob:
        """GET /analytics/export/{id}."""
        path = f"/analytics/export/{_segment(export_id)}"
        return self._get(path, [], vc.ExportJob, "the export job", cancel)

    def wait_for_export(
        self,
        export_id: str,
        *,
        cancel: CancelToken = NEVER_CANCELLED,
        on_status: Callable[[vc.ExportJob], None] | None = None,
    ) -> vc.ExportJob:
        """Poll until the job is ready (returned), failed (ServerError, code
        ANALYTICS_EXPORT_FAILED) or past the policy's deadline (Timeout)."""
        return wait_until_ready(
            lambda: self.export_status(export_id, cancel=cancel),
            self.options.export,
            cancel,
            on_status,
        )

    def download_export(
        self,
        job: vc.ExportJob,
        path: Path,
        *,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> int:
        """Download a ready job's file to `path` atomically; returns the bytes written."""
        if not job.download_url:
            raise MalformedResponse(
                "the export is ready but has no downloadUrl",
                request=f"GET /analytics/export/{job.export_id}",
            )
        return download(self.http, job.download_url, path, self.options.export, cancel, progress)

    def export(
        self,
        request: ExportRequest,
        path: Path,
        *,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        on_status: Callable[[vc.ExportJob], None] | None = None,
    ) -> vc.ExportJob:
        """Create, wait for and download an export to `path`; returns the finished job."""
        job = self.create_export(request, cancel=cancel)
        if on_status:
            on_status(job)
        if job.failed:
            raise failure(job)
        if not job.ready:
            job = self.wait_for_export(job.export_id, cancel=cancel, on_status=on_status)
        self.download_export(job, path, cancel=cancel, progress=progress)
        return job


def _rate_limited(response: httpx.Response) -> bool:
    """An answer whose envelope says ANALYTICS_RATE_LIMIT, whatever its status."""
    if response.status_code < 400 and b"RATE_LIMIT" not in response.content:
        return False  # a success: no need to read it twice
    info = error_info(response)
    return info is not None and info.code == RATE_LIMIT


def _segment(value: str) -> str:
    """An id as one path segment: no slash can steer the request elsewhere."""
    return quote(value, safe="")
