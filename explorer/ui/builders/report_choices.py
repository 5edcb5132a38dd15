"""What the VideoCloud query builder offers per report: `Choice` lists and why-nots (no Qt).

Every rule comes from `VideoCloudCatalogue`; this module only words it for people.
"""

from __future__ import annotations

import re

from explorer.services.videocloud_queries import DEFAULT_PERIODS, VideoCloudCatalogue
from explorer.ui.builders.choices import Choice

TOP_MAX = 100  # the sandbox serves 1..100 top videos
REPORT_HINTS = {
    "video": "One video's views, engagement and performance (GET /analytics/videos/{id})",
    "summary": "Totals, averages and the top videos (GET /analytics/videos/summary)",
    "users": "Active users, growth and retention cohorts (GET /analytics/users)",
    "user-engagement": "How users engage with the videos (GET /analytics/users/engagement)",
    "system-health": "The platform's health (GET /analytics/system/health)",
    "system-performance": "The platform's performance (GET /analytics/system/performance)",
}
METRIC_HINTS = {
    "views": "Total and unique views, the change, by country, device and platform, a timeline",
    "engagement": "Watch time, completion, likes, comments and shares",
    "performance": "Buffering, bitrate and error rate",
    "activity": "Daily, weekly and monthly active users, sessions by device, actions",
    "growth": "New and returning users, churn, growth by source",
    "retention": "Day 1, 7 and 30 retention and the cohorts",
}
_UNITS = {"h": ("hour", "hours"), "d": ("day", "days")}


def period_label(period: str) -> str:
    """``7d`` -> ``Last 7 days``, ``1h`` -> ``Last hour``, ``all`` -> ``All time``."""
    match = re.fullmatch(r"(\d+)([hd])", period)
    if match is None:
        return "All time" if period == "all" else period
    count, (one, many) = int(match[1]), _UNITS[match[2]]
    return f"Last {one}" if count == 1 else f"Last {count} {many}"


def report_choices(catalogue: VideoCloudCatalogue) -> list[Choice]:
    return [
        Choice(r, catalogue.titles.get(r, r), tooltip=REPORT_HINTS.get(r, ""))
        for r in catalogue.reports
    ]


def period_choices(catalogue: VideoCloudCatalogue, report: str) -> list[Choice]:
    """The report's periods, its default one marked."""
    default = DEFAULT_PERIODS.get(report)
    return [
        Choice(p, period_label(p) + (" (default)" if p == default else ""), tooltip=f"period={p}")
        for p in catalogue.periods(report)
    ]


def group_choices(catalogue: VideoCloudCatalogue, report: str) -> tuple[list[Choice], str]:
    """The timeline's grouping ("Default": none sent) and, where there is none, why."""
    groups = catalogue.group_by(report)
    choices = [Choice(None, "Default", tooltip="Let the API choose (hour for 1d, else day)")]
    choices += [Choice(g, g.capitalize(), tooltip=f"One timeline point per {g}") for g in groups]
    return choices, "" if groups else "Only the video report has a timeline to group"


def video_inapplicable(catalogue: VideoCloudCatalogue, report: str) -> str:
    return "" if catalogue.needs_video(report) else "Only the video report is about one video"


def compare_inapplicable(catalogue: VideoCloudCatalogue, report: str, period: str | None) -> str:
    if not catalogue.needs_video(report):
        return "Only the video report compares with the previous period"
    if period == "all":
        return "All time has no previous period to compare with"
    return ""


def top_inapplicable(catalogue: VideoCloudCatalogue, report: str) -> str:
    return "" if catalogue.takes_top(report) else "Only the summary lists top videos"
