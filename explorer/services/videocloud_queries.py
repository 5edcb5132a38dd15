"""VideoCloud questions (the catalogue, `ReportRequest`) and one asked of the API as a `Report`."""

from __future__ import annotations

from explorer.api.videocloud import VideoCloudClient
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken
from explorer.domain.report import Report
from explorer.domain.videocloud_catalogue import (
    CATALOGUE,
    DEFAULT_PERIODS,
    REPORT_TITLES,
    REPORTS,
    USER_METRICS,
    VIDEO_METRICS,
    ReportRequest,
    VideoCloudCatalogue,
)
from explorer.services.videocloud_reports import (
    summary_report,
    system_health_report,
    system_performance_report,
    user_engagement_report,
    users_report,
    video_report,
)

__all__ = [  # the questions are defined in the domain; here for the callers of this module
    "CATALOGUE", "DEFAULT_PERIODS", "REPORTS", "REPORT_TITLES", "ReportRequest",
    "VideoCloudCatalogue", "fetch_report",
]  # fmt: skip


def fetch_report(
    client: VideoCloudClient, request: ReportRequest, cancel: CancelToken = NEVER_CANCELLED
) -> Report:
    """Ask the API for one report and turn the answer into a `Report` (videocloud_reports.py);
    `explorer.services.result_tables.report_table` makes its table."""
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
            period=period,
            metrics=list(metrics),
            group_by=request.group_by,
            compare=request.compare,
        )
    if request.report == "summary":
        summary = client.summary(period=period, limit=request.top, cancel=cancel)
        return summary_report(summary, period=period)
    if request.report == "users":
        metrics = request.metrics or USER_METRICS
        users = client.users(period=period, metrics=metrics, cancel=cancel)
        return users_report(users, period=period, metrics=list(metrics))
    if request.report == "user-engagement":
        engagement = client.user_engagement(period=period, cancel=cancel)
        return user_engagement_report(engagement, period=period)
    if request.report == "system-health":
        return system_health_report(
            client.system_health(period=period, cancel=cancel), period=period
        )
    if request.report == "system-performance":
        figures = client.system_performance(period=period, cancel=cancel)
        return system_performance_report(figures, period=period)
    raise ValueError(f"unknown VideoCloud report {request.report!r}")
