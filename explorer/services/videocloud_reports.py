"""VideoCloud answers as `Report`s: each endpoint's sections, their shapes, names and units.

A report (a video's analytics, the summary, users, user engagement, system health, system
performance) has sections of different shapes (`explorer.domain.report.Shape`): totals are
FIGURES, breakdowns (by country, device, platform, source, endpoint, user type, hour of the
day as the server counts it, the top videos keyed by id) are BREAKDOWNs, timelines are
TIMELINEs, and the retention cohorts a MATRIX (date = the cohort's day, names size, day1,
day7, day30). Sections are dotted (`views.by_country`); names are snake_case
(`average_watch_time`, `day7`). The "period" section's start and end are value-less entries
with a date.

Units are base units: `s` seconds, `ms` milliseconds, `ratio` a fraction (0.15 is 15 %, also
for changes against the previous period), `bit/s`, `B`, `B/s`, `1/s` (per second); empty
for counts. Strings with units ("2500k", "4GB", "100MB/s") are given in these base units.
A figure the server left out is None. Times stay aware datetimes: the zone is applied when a
table is made (`explorer.services.result_tables.report_table`, the long layout of the CLI and the
exports). The list of videos (`video_list_table`) is a plain wide table instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from explorer.api import videocloud_models as vc
from explorer.api.videocloud import VideoList
from explorer.api.videocloud_units import Quantity
from explorer.domain.frames import format_value
from explorer.domain.report import Report, ReportBuilder, Shape, Value
from explorer.services.table_files import Table

VIDEO_LIST_HEADER = ["video_id", "title", "views", "watch_time_s"]

Figure = int | float | Quantity | str | None
Figures = Sequence[tuple[str, Figure, str]]


def base_value(value: Figure, unit: str = "") -> tuple[Value, str]:
    """A figure as a report value and its unit: a `Quantity` in its base unit, a number as
    a float, text as is."""
    if isinstance(value, Quantity):
        return value.base, value.base_unit
    if value is None or isinstance(value, str):
        return value, unit
    return float(value), unit


def _title(name: str, request: Mapping[str, Any]) -> str:
    """``Video vi1 · 7d``: the report's name and, when asked for one, its period."""
    period = request.get("period")
    return f"{name} · {period}" if period else name


class _Entries:
    """Adds figures (`Quantity`s in base units) to a `ReportBuilder`, shape by section."""

    def __init__(self, kind: str, title: str) -> None:
        self.builder = ReportBuilder(kind, title)

    def add(
        self, section: str, name: str, value: Figure, unit: str = "", *, key: str = "",
        date: datetime | None = None, shape: Shape = Shape.FIGURES,
    ) -> None:  # fmt: skip
        cell, unit = base_value(value, unit)
        self.builder.add(section, name, cell, unit, key=key, date=date, shape=shape)

    def figures(self, section: str, figures: Figures) -> None:
        for name, value, unit in figures:
            self.add(section, name, value, unit)

    def at(
        self, section: str, date: datetime, figures: Figures, shape: Shape = Shape.TIMELINE
    ) -> None:
        for name, value, unit in figures:
            self.add(section, name, value, unit, date=date, shape=shape)

    def member(self, section: str, key: str, figures: Figures) -> None:
        """A breakdown's figures for one member (a video, a user type, an hour)."""
        for name, value, unit in figures:
            self.add(section, name, value, unit, key=key, shape=Shape.BREAKDOWN)

    def breakdown(
        self, section: str, name: str, counts: Mapping[str, Figure], unit: str = ""
    ) -> None:
        for key, value in counts.items():
            self.add(section, name, value, unit, key=str(key), shape=Shape.BREAKDOWN)

    def build(self, request: Mapping[str, Any]) -> Report:
        return self.builder.build(request)


# --- GET /analytics/videos/{id} ------------------------------------------------------------


def video_report(video_id: str, analytics: vc.VideoAnalytics, **request: Any) -> Report:
    """Views (total, unique, change; by country, device, platform; timeline), engagement
    and performance of one video. `request` (period, metrics…) goes into `Report.request`
    with the video's id and its period's ``from`` and ``to``."""
    out = _Entries("videocloud-video", _title(f"Video {video_id}", request))
    span = analytics.period
    previous = span.previous or vc.Span()
    for name, moment in (
        ("start", span.start),
        ("end", span.end),
        ("previous_start", previous.start),
        ("previous_end", previous.end),
    ):
        if moment is not None:
            out.add("period", name, None, date=moment)
    views = analytics.views
    if views is not None:
        out.figures(
            "views",
            [
                ("total", views.total, ""),
                ("unique", views.unique, ""),
                ("change", views.change, "ratio"),
            ],
        )
        out.breakdown("views.by_country", "views", views.by_country)
        out.breakdown("views.by_device", "views", views.by_device)
        out.breakdown("views.by_platform", "views", views.by_platform)
        for views_at in views.timeline:
            out.at(
                "views.timeline",
                views_at.date,
                [("views", views_at.views, ""), ("unique", views_at.unique, "")],
            )
    engagement = analytics.engagement
    if engagement is not None:
        out.figures(
            "engagement",
            [
                ("average_watch_time", engagement.average_watch_time, "s"),
                ("completion_rate", engagement.completion_rate, "ratio"),
                ("likes", engagement.likes, ""),
                ("comments", engagement.comments, ""),
                ("shares", engagement.shares, ""),
            ],
        )
        for watched in engagement.timeline:
            out.at(
                "engagement.timeline",
                watched.date,
                [
                    ("watch_time", watched.watch_time, "s"),
                    ("completion_rate", watched.completion_rate, "ratio"),
                ],
            )
    performance = analytics.performance
    if performance is not None:
        out.figures(
            "performance",
            [
                ("buffering_rate", performance.buffering_rate, "ratio"),
                ("average_bitrate", performance.average_bitrate, "bit/s"),
                ("error_rate", performance.error_rate, "ratio"),
            ],
        )
        for sample in performance.timeline:
            out.at(
                "performance.timeline",
                sample.date,
                [
                    ("buffering_rate", sample.buffering_rate, "ratio"),
                    ("error_rate", sample.error_rate, "ratio"),
                ],
            )
    return out.build({"video_id": video_id, **request, "from": span.start, "to": span.end})


# --- GET /analytics/videos/summary ---------------------------------------------------------


def summary_report(summary: vc.VideoSummary, **request: Any) -> Report:
    """Totals, average engagement, trends, and the top videos (key: the video's id)."""
    out = _Entries("videocloud-summary", _title("Summary", request))
    out.figures(
        "totals",
        [
            ("videos", summary.total_videos, ""),
            ("views", summary.total_views, ""),
            ("watch_time", summary.total_watch_time, "s"),
        ],
    )
    average = summary.average_engagement
    out.figures(
        "average_engagement",
        [
            ("watch_time", average.watch_time, "s"),
            ("completion_rate", average.completion_rate, "ratio"),
            ("likes", average.likes, ""),
            ("comments", average.comments, ""),
        ],
    )
    trends = summary.trends
    out.figures(
        "trends",
        [
            ("views", trends.views, "ratio"),
            ("watch_time", trends.watch_time, "ratio"),
            ("engagement", trends.engagement, "ratio"),
        ],
    )
    for video in summary.top_videos:
        out.member(
            "top_videos",
            video.id,
            [
                ("title", video.title, ""),
                ("views", video.views, ""),
                ("watch_time", video.watch_time, "s"),
                ("engagement", video.engagement, "ratio"),
            ],
        )
    return out.build(request)


# --- GET /analytics/users, /analytics/users/engagement -------------------------------------


def users_report(users: vc.UserAnalytics, **request: Any) -> Report:
    """Activity (active users, sessions by device, actions), growth (by source) and
    retention (with its cohorts, a matrix: date = the cohort's day)."""
    out = _Entries("videocloud-users", _title("Users", request))
    activity = users.activity
    if activity is not None:
        active = activity.active_users
        out.figures(
            "activity.active_users",
            [
                ("daily", active.daily, ""),
                ("weekly", active.weekly, ""),
                ("monthly", active.monthly, ""),
            ],
        )
        sessions = activity.sessions
        out.figures(
            "activity.sessions",
            [("total", sessions.total, ""), ("average_duration", sessions.average_duration, "s")],
        )
        out.breakdown("activity.sessions.by_device", "sessions", sessions.by_device)
        actions = activity.actions
        out.figures(
            "activity.actions",
            [
                ("uploads", actions.uploads, ""),
                ("comments", actions.comments, ""),
                ("likes", actions.likes, ""),
                ("shares", actions.shares, ""),
            ],
        )
    growth = users.growth
    if growth is not None:
        out.figures(
            "growth",
            [
                ("new_users", growth.new_users, ""),
                ("returning_users", growth.returning_users, ""),
                ("churn_rate", growth.churn_rate, "ratio"),
            ],
        )
        out.breakdown("growth.by_source", "new_users", growth.by_source)
    retention = users.retention
    if retention is not None:
        out.figures(
            "retention",
            [
                ("day1", retention.day1, "ratio"),
                ("day7", retention.day7, "ratio"),
                ("day30", retention.day30, "ratio"),
            ],
        )
        for cohort in retention.cohorts:
            out.at(
                "retention.cohorts",
                cohort.date,
                [
                    ("size", cohort.size, ""),
                    ("day1", cohort.day1, "ratio"),
                    ("day7", cohort.day7, "ratio"),
                    ("day30", cohort.day30, "ratio"),
                ],
                shape=Shape.MATRIX,
            )
    return out.build(request)


def user_engagement_report(engagement: vc.UserEngagement, **request: Any) -> Report:
    """Session figures overall, by user type, and by hour of the day (key: the hour)."""
    out = _Entries("videocloud-user-engagement", _title("User engagement", request))
    out.figures(
        "engagement",
        [
            ("average_session_duration", engagement.average_session_duration, "s"),
            ("pages_per_session", engagement.pages_per_session, ""),
            ("bounce_rate", engagement.bounce_rate, "ratio"),
        ],
    )
    for kind, figures in engagement.by_user_type.items():
        out.member(
            "by_user_type",
            kind,
            [
                ("session_duration", figures.session_duration, "s"),
                ("pages_per_session", figures.pages_per_session, ""),
            ],
        )
    for hour in engagement.by_time_of_day:
        out.member(
            "by_time_of_day",
            str(hour.hour),
            [("users", hour.users, ""), ("engagement", hour.engagement, "ratio")],
        )
    return out.build(request)


# --- GET /analytics/system/health, /analytics/system/performance ---------------------------


def system_health_report(health: vc.SystemHealth, **request: Any) -> Report:
    """Uptime, response times, error rates (by type) and resources (cpu, memory, storage)."""
    out = _Entries("videocloud-system-health", _title("System health", request))
    out.add("health", "uptime", health.uptime, "ratio")
    times = health.response_time
    out.figures(
        "response_time",
        [("average", times.average, "ms"), ("p95", times.p95, "ms"), ("p99", times.p99, "ms")],
    )
    out.add("errors", "rate", health.errors.rate, "ratio")
    out.breakdown("errors.by_type", "rate", health.errors.by_type, "ratio")
    cpu = health.resources.cpu
    out.add("resources.cpu", "usage", cpu.usage, "ratio")
    for index, load in enumerate(cpu.load):
        name = ("load_1m", "load_5m", "load_15m")[index] if index < 3 else f"load_{index + 1}"
        out.add("resources.cpu", name, load)
    for part, capacity in (
        ("memory", health.resources.memory),
        ("storage", health.resources.storage),
    ):
        out.add(f"resources.{part}", "usage", capacity.usage, "ratio")
        out.add(f"resources.{part}", "available", capacity.available, "B")
    return out.build(request)


def _queue(out: _Entries, section: str, queue: vc.Queue) -> None:
    out.figures(
        section,
        [
            ("queued", queue.queued, ""),
            ("processing", queue.processing, ""),
            ("average_time", queue.average_time, "s"),
        ],
    )


def system_performance_report(performance: vc.SystemPerformance, **request: Any) -> Report:
    """API requests and response times (by endpoint), processing queues, storage I/O."""
    out = _Entries("videocloud-system-performance", _title("System performance", request))
    requests = performance.api.requests
    out.figures(
        "api.requests", [("total", requests.total, ""), ("per_second", requests.per_second, "1/s")]
    )
    out.breakdown("api.requests.by_endpoint", "requests", requests.by_endpoint)
    times = performance.api.response_time
    out.add("api.response_time", "average", times.average, "ms")
    out.breakdown("api.response_time.by_endpoint", "average", times.by_endpoint, "ms")
    _queue(out, "processing.videos", performance.processing.videos)
    _queue(out, "processing.thumbnails", performance.processing.thumbnails)
    operations = performance.storage.operations
    out.figures(
        "storage.operations",
        [
            ("reads", operations.reads, ""),
            ("writes", operations.writes, ""),
            ("errors", operations.errors, ""),
        ],
    )
    bandwidth = performance.storage.bandwidth
    out.add("storage.bandwidth", "in", bandwidth.inbound, "B/s")
    out.add("storage.bandwidth", "out", bandwidth.outbound, "B/s")
    return out.build(request)


# --- the list of videos ------------------------------------------------------------------


def video_list_table(listed: VideoList) -> Table:
    """id, title, views and watch time (over all time) of the videos the API lists."""
    rows = [
        [
            v.id,
            v.title,
            format_value(float(v.views)),
            "" if v.watch_time is None else format_value(v.watch_time),
        ]
        for v in listed.videos
    ]
    meta: dict[str, Any] = {"kind": "videos", "period": "all", "complete": listed.complete}
    if listed.total is not None:
        meta["total"] = listed.total
    if listed.note:
        meta["note"] = listed.note
    return Table(VIDEO_LIST_HEADER, rows, meta)
