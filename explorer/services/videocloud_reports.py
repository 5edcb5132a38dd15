"""Tables of what the VideoCloud analytics API returned: one flat layout for every report.

A report (a video's analytics, the summary, users, user engagement, system health, system
performance) has several sections of different shapes: totals, breakdowns, timelines,
cohorts. To stay one valid CSV (and one readable table, and one JSON list) every report is
written in the same long layout, one figure per row::

    section               key      date                       name     value    unit
    views                                                     total    88
    views.by_country      DE                                  views    16
    views.timeline                 2026-03-09T01:00:00+01:00  views    14
    performance                                               average_bitrate  2528000  bit/s

* `section`: where the figure sits in the answer, dotted (`views.by_country`, `retention.cohorts`).
* `key`: the member of a breakdown (a country, a device, a source, an endpoint, an hour of
  the day as the server counts it, a video id); empty for totals and timelines.
* `date`: the timeline point or cohort, RFC 3339 in the chosen zone; empty otherwise.
* `name`: the figure, snake_case (`average_watch_time`, `day7`).
* `value`: numbers as in the api.video tables (`12`, `0.1892`: whole numbers without a
  point, others in their shortest exact form); a figure the server left out (null) is an
  empty cell. Text (a video's title) is written as is.
* `unit`: `s` seconds, `ms` milliseconds, `ratio` a fraction (0.15 is 15 %, also for
  changes against the previous period), `bit/s`, `B`, `B/s`, `1/s` (per second); empty for
  counts. Strings with units ("2500k", "4GB", "100MB/s") are given in these base units.

The JSON export carries the request beside the rows (`kind`, `period`, the video's `from`
and `to`…). The list of videos (`video_list_table`) is a plain wide table instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from explorer.api import videocloud_models as vc
from explorer.api.videocloud import VideoList
from explorer.api.videocloud_units import Quantity
from explorer.domain.frames import format_value
from explorer.domain.timerange import as_zone
from explorer.services.export import Table
from explorer.services.reports import when

HEADER = ["section", "key", "date", "name", "value", "unit"]
VIDEO_LIST_HEADER = ["video_id", "title", "views", "watch_time_s"]

Figure = int | float | Quantity | str | None


class _Rows:
    """Collects the long layout's rows; times are rendered in `zone`."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.rows: list[list[str]] = []

    def add(
        self,
        section: str,
        name: str,
        value: Figure,
        unit: str = "",
        *,
        key: str = "",
        date: datetime | None = None,
    ) -> None:
        if isinstance(value, Quantity):
            cell, unit = format_value(value.base), value.base_unit
        elif isinstance(value, str):
            cell = value
        else:
            cell = "" if value is None else format_value(float(value))
        self.rows.append([section, key, when(date, self.zone), name, cell, unit])

    def figures(self, section: str, figures: Sequence[tuple[str, Figure, str]]) -> None:
        for name, value, unit in figures:
            self.add(section, name, value, unit)

    def at(self, section: str, date: datetime, figures: Sequence[tuple[str, Figure, str]]) -> None:
        for name, value, unit in figures:
            self.add(section, name, value, unit, date=date)

    def breakdown(
        self, section: str, name: str, counts: Mapping[str, float], unit: str = ""
    ) -> None:
        for key, value in counts.items():
            self.add(section, name, value, unit, key=key)


# --- GET /analytics/videos/{id} ------------------------------------------------------------


def video_report(
    video_id: str, analytics: vc.VideoAnalytics, tz: str | ZoneInfo, **request: Any
) -> Table:
    """Views (total, unique, change; by country, device, platform; timeline), engagement
    and performance of one video. `request` (period, metrics…) goes into the JSON's meta."""
    zone = as_zone(tz)
    out = _Rows(zone)
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
    meta = {
        "kind": "videocloud-video",
        "video_id": video_id,
        **request,
        "from": when(span.start, zone),
        "to": when(span.end, zone),
    }
    return Table(HEADER, out.rows, {k: v for k, v in meta.items() if v is not None})


# --- GET /analytics/videos/summary ---------------------------------------------------------


def summary_report(summary: vc.VideoSummary, tz: str | ZoneInfo, **request: Any) -> Table:
    """Totals, average engagement, trends, and the top videos (key: the video's id)."""
    out = _Rows(as_zone(tz))
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
        out.add("top_videos", "title", video.title, key=video.id)
        out.add("top_videos", "views", video.views, key=video.id)
        out.add("top_videos", "watch_time", video.watch_time, "s", key=video.id)
        out.add("top_videos", "engagement", video.engagement, "ratio", key=video.id)
    return Table(HEADER, out.rows, {"kind": "videocloud-summary", **request})


# --- GET /analytics/users, /analytics/users/engagement -------------------------------------


def users_report(users: vc.UserAnalytics, tz: str | ZoneInfo, **request: Any) -> Table:
    """Activity (active users, sessions by device, actions), growth (by source) and
    retention (with its cohorts: date = the cohort's day)."""
    out = _Rows(as_zone(tz))
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
            )
    return Table(HEADER, out.rows, {"kind": "videocloud-users", **request})


def user_engagement_report(
    engagement: vc.UserEngagement, tz: str | ZoneInfo, **request: Any
) -> Table:
    """Session figures overall, by user type, and by hour of the day (key: the hour)."""
    out = _Rows(as_zone(tz))
    out.figures(
        "engagement",
        [
            ("average_session_duration", engagement.average_session_duration, "s"),
            ("pages_per_session", engagement.pages_per_session, ""),
            ("bounce_rate", engagement.bounce_rate, "ratio"),
        ],
    )
    for kind, figures in engagement.by_user_type.items():
        out.add("by_user_type", "session_duration", figures.session_duration, "s", key=kind)
        out.add("by_user_type", "pages_per_session", figures.pages_per_session, key=kind)
    for hour in engagement.by_time_of_day:
        out.add("by_time_of_day", "users", hour.users, key=str(hour.hour))
        out.add("by_time_of_day", "engagement", hour.engagement, "ratio", key=str(hour.hour))
    return Table(HEADER, out.rows, {"kind": "videocloud-user-engagement", **request})


# --- GET /analytics/system/health, /analytics/system/performance ---------------------------


def system_health_report(health: vc.SystemHealth, tz: str | ZoneInfo, **request: Any) -> Table:
    """Uptime, response times, error rates (by type) and resources (cpu, memory, storage)."""
    out = _Rows(as_zone(tz))
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
    return Table(HEADER, out.rows, {"kind": "videocloud-system-health", **request})


def _queue(out: _Rows, section: str, queue: vc.Queue) -> None:
    out.figures(
        section,
        [
            ("queued", queue.queued, ""),
            ("processing", queue.processing, ""),
            ("average_time", queue.average_time, "s"),
        ],
    )


def system_performance_report(
    performance: vc.SystemPerformance, tz: str | ZoneInfo, **request: Any
) -> Table:
    """API requests and response times (by endpoint), processing queues, storage I/O."""
    out = _Rows(as_zone(tz))
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
    return Table(HEADER, out.rows, {"kind": "videocloud-system-performance", **request})


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
