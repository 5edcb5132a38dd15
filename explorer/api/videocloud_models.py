"""Wire models of the VideoCloud analytics API (seed 004), lenient, with unit-string parsers.

Every object ignores unknown fields and tolerates missing ones (a figure the server leaves
out is None, a breakdown or a timeline is empty). Names are snake_case in Python and
camelCase on the wire (`byCountry` → `by_country`). Strings with units ("2500k", "4GB",
"100MB/s") become a `Quantity` (videocloud_units.py) that keeps the number and unit as written
beside the value in base units (bit/s, bytes, bytes/s); a string that cannot be read fails
the parse rather than be guessed. Timeline `date`s and cohort dates ("2024-03-24", or a full
timestamp for hourly points) become aware datetimes (UTC when no offset is given).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from explorer.api.models import Timestamp, Wire
from explorer.api.videocloud_units import Bitrate, Rate, Size

Counts = dict[str, int]  # a breakdown of counts (views by country…)
Figures = dict[str, float]  # a breakdown of rates or times


# --- the envelope ------------------------------------------------------------------------


class ErrorInfo(Wire):
    code: str = ""
    message: str = ""
    details: dict[str, Any] = Field(default_factory=dict)


class Envelope(Wire):
    """`{"success": true, "data": …}` or `{"success": false, "error": {code, message}}`."""

    success: bool
    data: Any = None
    error: ErrorInfo | None = None


# --- GET /analytics/videos/{id} ------------------------------------------------------------


class Span(Wire):
    start: Timestamp | None = None
    end: Timestamp | None = None


class Period(Span):
    previous: Span | None = None


class ViewsPoint(Wire):
    date: Timestamp
    views: int = 0
    unique: int | None = None


class Views(Wire):
    total: int = 0
    unique: int | None = None
    change: float | None = None  # relative to the previous period: 0.15 is +15 %
    by_country: Counts = Field(default_factory=dict, alias="byCountry")
    by_device: Counts = Field(default_factory=dict, alias="byDevice")
    by_platform: Counts = Field(default_factory=dict, alias="byPlatform")
    timeline: list[ViewsPoint] = Field(default_factory=list)


class EngagementPoint(Wire):
    date: Timestamp
    watch_time: float | None = Field(None, alias="watchTime")  # seconds
    completion_rate: float | None = Field(None, alias="completionRate")


class Engagement(Wire):
    average_watch_time: float | None = Field(None, alias="averageWatchTime")  # seconds
    completion_rate: float | None = Field(None, alias="completionRate")
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    timeline: list[EngagementPoint] = Field(default_factory=list)


class PerformancePoint(Wire):
    date: Timestamp
    buffering_rate: float | None = Field(None, alias="bufferingRate")
    error_rate: float | None = Field(None, alias="errorRate")


class Performance(Wire):
    buffering_rate: float | None = Field(None, alias="bufferingRate")
    average_bitrate: Bitrate | None = Field(None, alias="averageBitrate")
    error_rate: float | None = Field(None, alias="errorRate")
    timeline: list[PerformancePoint] = Field(default_factory=list)


class VideoAnalytics(Wire):
    period: Period = Field(default_factory=Period)
    views: Views | None = None
    engagement: Engagement | None = None
    performance: Performance | None = None


# --- GET /analytics/videos/summary ---------------------------------------------------------


class AverageEngagement(Wire):
    watch_time: float | None = Field(None, alias="watchTime")
    completion_rate: float | None = Field(None, alias="completionRate")
    likes: float | None = None
    comments: float | None = None


class TopVideo(Wire):
    id: str
    title: str = ""
    views: int = 0
    watch_time: float | None = Field(None, alias="watchTime")  # seconds
    engagement: float | None = None


class Trends(Wire):
    views: float | None = None
    watch_time: float | None = Field(None, alias="watchTime")
    engagement: float | None = None


class VideoSummary(Wire):
    total_videos: int | None = Field(None, alias="totalVideos")
    total_views: int | None = Field(None, alias="totalViews")
    total_watch_time: float | None = Field(None, alias="totalWatchTime")
    average_engagement: AverageEngagement = Field(
        default_factory=AverageEngagement, alias="averageEngagement"
    )
    top_videos: list[TopVideo] = Field(default_factory=list, alias="topVideos")
    trends: Trends = Field(default_factory=Trends)


# --- GET /analytics/users ------------------------------------------------------------------


class ActiveUsers(Wire):
    daily: int | None = None
    weekly: int | None = None
    monthly: int | None = None


class UserSessions(Wire):
    total: int | None = None
    average_duration: float | None = Field(None, alias="averageDuration")  # seconds
    by_device: Counts = Field(default_factory=dict, alias="byDevice")


class Actions(Wire):
    uploads: int | None = None
    comments: int | None = None
    likes: int | None = None
    shares: int | None = None


class Activity(Wire):
    active_users: ActiveUsers = Field(default_factory=ActiveUsers, alias="activeUsers")
    sessions: UserSessions = Field(default_factory=UserSessions)
    actions: Actions = Field(default_factory=Actions)


class Growth(Wire):
    new_users: int | None = Field(None, alias="newUsers")
    returning_users: int | None = Field(None, alias="returningUsers")
    churn_rate: float | None = Field(None, alias="churnRate")
    by_source: Counts = Field(default_factory=dict, alias="bySource")


class Cohort(Wire):
    date: Timestamp
    size: int | None = None  # not in the seed; the sandbox sends it
    day1: float | None = None
    day7: float | None = None
    day30: float | None = None


class Retention(Wire):
    day1: float | None = None
    day7: float | None = None
    day30: float | None = None
    cohorts: list[Cohort] = Field(default_factory=list)


class UserAnalytics(Wire):
    activity: Activity | None = None
    growth: Growth | None = None
    retention: Retention | None = None


# --- GET /analytics/users/engagement -------------------------------------------------------


class UserTypeFigures(Wire):
    session_duration: float | None = Field(None, alias="sessionDuration")
    pages_per_session: float | None = Field(None, alias="pagesPerSession")


class HourFigures(Wire):
    hour: int
    users: int | None = None
    engagement: float | None = None


class UserEngagement(Wire):
    average_session_duration: float | None = Field(None, alias="averageSessionDuration")
    pages_per_session: float | None = Field(None, alias="pagesPerSession")
    bounce_rate: float | None = Field(None, alias="bounceRate")
    by_user_type: dict[str, UserTypeFigures] = Field(default_factory=dict, alias="byUserType")
    by_time_of_day: list[HourFigures] = Field(default_factory=list, alias="byTimeOfDay")


class UserEngagementResponse(Wire):
    engagement: UserEngagement = Field(default_factory=UserEngagement)


# --- GET /analytics/system/health ----------------------------------------------------------


class ResponseTimes(Wire):
    average: float | None = None  # milliseconds
    p95: float | None = None
    p99: float | None = None


class Errors(Wire):
    rate: float | None = None
    by_type: Figures = Field(default_factory=dict, alias="byType")


class Cpu(Wire):
    usage: float | None = None
    load: list[float] = Field(default_factory=list)  # 1, 5 and 15 minutes


class Capacity(Wire):
    usage: float | None = None
    available: Size | None = None


class Resources(Wire):
    cpu: Cpu = Field(default_factory=Cpu)
    memory: Capacity = Field(default_factory=Capacity)
    storage: Capacity = Field(default_factory=Capacity)


class SystemHealth(Wire):
    uptime: float | None = None
    response_time: ResponseTimes = Field(default_factory=ResponseTimes, alias="responseTime")
    errors: Errors = Field(default_factory=Errors)
    resources: Resources = Field(default_factory=Resources)


# --- GET /analytics/system/performance -----------------------------------------------------


class Requests(Wire):
    total: int | None = None
    per_second: float | None = Field(None, alias="perSecond")
    by_endpoint: Counts = Field(default_factory=dict, alias="byEndpoint")


class EndpointTimes(Wire):
    average: float | None = None
    by_endpoint: Figures = Field(default_factory=dict, alias="byEndpoint")


class ApiFigures(Wire):
    requests: Requests = Field(default_factory=Requests)
    response_time: EndpointTimes = Field(default_factory=EndpointTimes, alias="responseTime")


class Queue(Wire):
    queued: int | None = None
    processing: int | None = None
    average_time: float | None = Field(None, alias="averageTime")  # seconds


class Processing(Wire):
    videos: Queue = Field(default_factory=Queue)
    thumbnails: Queue = Field(default_factory=Queue)


class Operations(Wire):
    reads: int | None = None
    writes: int | None = None
    errors: int | None = None


class Bandwidth(Wire):
    inbound: Rate | None = Field(None, alias="in")
    outbound: Rate | None = Field(None, alias="out")


class StorageFigures(Wire):
    operations: Operations = Field(default_factory=Operations)
    bandwidth: Bandwidth = Field(default_factory=Bandwidth)


class SystemPerformance(Wire):
    api: ApiFigures = Field(default_factory=ApiFigures)
    processing: Processing = Field(default_factory=Processing)
    storage: StorageFigures = Field(default_factory=StorageFigures)


# --- POST /analytics/export, GET /analytics/export/{id} ------------------------------------

READY_STATES = frozenset({"ready", "completed", "complete", "done", "succeeded", "success"})
FAILED_STATES = frozenset({"failed", "error", "errored", "cancelled", "canceled", "expired"})


class ExportJob(Wire):
    export_id: str = Field(alias="exportId")
    status: str = "processing"
    download_url: str | None = Field(None, alias="downloadUrl")
    expires_at: Timestamp | None = Field(None, alias="expiresAt")
    progress: float | None = None  # 0 to 1; not in the seed, the sandbox sends it
    error: ErrorInfo | None = None

    @property
    def ready(self) -> bool:
        return self.status.lower() in READY_STATES

    @property
    def failed(self) -> bool:
        return self.status.lower() in FAILED_STATES
