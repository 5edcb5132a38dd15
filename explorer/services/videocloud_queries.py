"""One VideoCloud report asked of the API and turned into its table (videocloud_reports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from explorer.api.videocloud import USER_METRICS, VIDEO_METRICS, VideoCloudClient
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken
from explorer.services.export import Table
from explorer.services.videocloud_reports import (
    summary_report,
    system_health_report,
    system_performance_report,
    user_engagement_report,
    users_report,
    video_report,
)

# Each report's period when none is given: the API's (and the client's) defaults.
DEFAULT_PERIODS = {
    "video": "7d",
    "summary": "30d",
    "users": "30d",
    "user-engagement": "7d",
    "system-health": "24h",
    "system-performance": "1h",
}
REPORTS = tuple(DEFAULT_PERIODS)


@dataclass(frozen=True)
class ReportRequest:
    """One report of REPORTS, with its parameters (None: the report's default period)."""

    report: str
    period: str | None = None
    video_id: str = ""
    metrics: tuple[str, ...] = ()  # video and users: none means all
    group_by: str | None = None  # video only
    compare: bool = True  # video only
    top: int | None = None  # summary only: how many top videos

    @property
    def chosen_period(self) -> str:
        return self.period or DEFAULT_PERIODS[self.report]


def fetch_report(
    client: VideoCloudClient,
    request: ReportRequest,
    tz: str | ZoneInfo,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Table:
    """Ask the API for one report and turn the answer into its table."""
    period = request.chosen_period
    if request.report == "video":
        metrics = request.metrics or VIDEO_METRICS
        analytics = client.video(
            request.video_id,
            period=period,
            metrics=metrics,
            group_by=request.group_by,
            compare=request.compare,
            cancel=cancel,
        )
        return video_report(
            request.video_id,
            analytics,
            tz,
            period=period,
            metrics=list(metrics),
            group_by=request.group_by,
            compare=request.compare,
        )
    if request.report == "summary":
        summary = client.summary(period=period, limit=request.top, cancel=cancel)
        return summary_report(summary, tz, period=period)
    if request.report == "users":
        metrics = request.metrics or USER_METRICS
        users = client.users(period=period, metrics=metrics, cancel=cancel)
        return users_report(users, tz, period=period, metrics=list(metrics))
    if request.report == "user-engagement":
        engagement = client.user_engagement(period=period, cancel=cancel)
        return user_engagement_report(engagement, tz, period=period)
    if request.report == "system-health":
        return system_health_report(
            client.system_health(period=period, cancel=cancel), tz, period=period
        )
    if request.report == "system-performance":
        figures = client.system_performance(period=period, cancel=cancel)
        return system_performance_report(figures, tz, period=period)
    raise ValueError(f"unknown VideoCloud report {request.report!r}")
