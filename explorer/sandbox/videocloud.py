"""The sandbox's "videocloud" flavor: the analytics API of seed 004 over the simulated dataset.

Served by `SandboxService(flavor="videocloud")` (`analytics-explorer sandbox --flavor
videocloud`), with the same dataset, rate limits (X-RateLimit-* headers, 429) and faults.

Auth: the seed's SDKs take an API key and nothing else, so the key is the credential on
every request: `Authorization: Bearer KEY` (what our client sends), or `X-API-Key: KEY`.
The default key is `sandbox-local-key`. A missing or wrong key gets 401 UNAUTHORIZED.

Answers are `{"success": true, "data": …}`. Errors are `{"success": false, "error":
{"code", "message", "details"}}` with a matching status; `details.parameter` names the
parameter at fault. The seed's codes: ANALYTICS_INVALID_PERIOD (400),
ANALYTICS_INVALID_METRICS (400), ANALYTICS_DATA_UNAVAILABLE (404: a system period beyond
the 30 days kept, i.e. `all`; a video that did not exist yet in the period),
ANALYTICS_EXPORT_FAILED (a job with nothing to export: its status says `failed`, its
download answers 500), ANALYTICS_RATE_LIMIT (429). Our own: INVALID_PARAMETER (400: groupBy,
compare, limit, an unknown parameter, a bad export body), UNAUTHORIZED (401), NOT_FOUND
(404: an unknown video, export or path), METHOD_NOT_ALLOWED (405),
ANALYTICS_EXPORT_NOT_READY (409: a download before the job is ready), INTERNAL_ERROR (5xx).

Endpoints and parameters:

    GET  /analytics/videos/{id}     period=1d|7d|30d|all (7d), metrics=views,engagement,
                                    performance (all; comma-separated or repeated),
                                    groupBy=hour|day|week (hour for 1d, else day),
                                    compare=true|false (true; no previous period for all)
    GET  /analytics/videos/summary  period (30d), limit=1..100 (10): how many topVideos
    GET  /analytics/users           period (30d), metrics=activity,growth,retention (all)
    GET  /analytics/users/engagement   period (7d)
    GET  /analytics/system/health      period=1h|24h|1d|7d|30d (24h)
    GET  /analytics/system/performance period (1h)
    POST /analytics/export          {"type": "video"|"users", "period", "metrics", "format":
                                    "csv", "videoId"?}
    GET  /analytics/export/{id}     the job: status processing|ready|failed, progress 0–1
    GET  /analytics/export/{id}/download   the CSV once ready

What each figure means here, and which are simulated: videocloud_periods.py (periods,
buckets), videocloud_videos.py (views, engagement, performance, summary),
videocloud_users.py (users, visits, retention), videocloud_traits.py (the simulated
per-session likes, comments, shares, bitrate, buffering, errors), videocloud_system.py (the
simulated platform), videocloud_exports.py (jobs and files).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from explorer.sandbox.errors import ApiError, unauthorized
from explorer.sandbox.flavor import Answer, Request, Route, Served
from explorer.sandbox.params import Params
from explorer.sandbox.videocloud_exports import EXPORT_TYPES, Exports
from explorer.sandbox.videocloud_periods import (
    GROUP_BY,
    PERIODS,
    SYSTEM_PERIODS,
    Window,
    analytics_window,
    default_group_by,
    system_window,
)
from explorer.sandbox.videocloud_system import SystemFigures
from explorer.sandbox.videocloud_users import UserFigures
from explorer.sandbox.videocloud_videos import VideoFigures

VIDEO_METRICS = ("views", "engagement", "performance")
USER_METRICS = ("activity", "growth", "retention")
SUMMARY_LIMIT, SUMMARY_LIMIT_MAX = 10, 100
_STATUS_CODES = {
    400: "INVALID_PARAMETER",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "ANALYTICS_RATE_LIMIT",
}


def failure(status: int, code: str, message: str, **details: Any) -> ApiError:
    """An error answer in this API's envelope."""
    error = {"code": code, "message": message, "details": details}
    return ApiError(status, {"success": False, "error": error})


def _listed(options: Any) -> str:
    return ", ".join(options)


def _period(params: Params, allowed: Any, default: str) -> str:
    raw = params.get("period")
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        raise failure(
            400,
            "ANALYTICS_INVALID_PERIOD",
            f"Invalid time period {raw!r}: use one of {_listed(allowed)}.",
            parameter="period",
            allowed=list(allowed),
        )
    return raw


def _metric_list(raw: Any, allowed: tuple[str, ...], default: tuple[str, ...]) -> list[str]:
    pieces = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not all(isinstance(p, str) for p in pieces):
        raise failure(400, "ANALYTICS_INVALID_METRICS", "Metrics must be strings.")
    names: list[str] = []
    for piece in pieces:
        names += [n.strip() for n in piece.split(",") if n.strip() and n.strip() not in names]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise failure(
            400,
            "ANALYTICS_INVALID_METRICS",
            f"Invalid metrics requested: {_listed(unknown)}; choose from {_listed(allowed)}.",
            parameter="metrics",
            allowed=list(allowed),
        )
    return names or list(default)


def _metrics(params: Params, allowed: tuple[str, ...]) -> list[str]:
    params.get("metrics")
    params.deep("metrics")
    raw = [v for k, v in params.pairs if k in ("metrics", "metrics[]")]
    return _metric_list(raw, allowed, allowed)


def _choice(params: Params, name: str, allowed: dict[str, Any], default: Any) -> Any:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in allowed:
        raise failure(
            400,
            "INVALID_PARAMETER",
            f"Invalid {name} {raw!r}: use one of {_listed(allowed)}.",
            parameter=name,
        )
    return allowed[raw.lower()]


def _limit(params: Params) -> int:
    raw = params.get("limit")
    if raw is None:
        return SUMMARY_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= SUMMARY_LIMIT_MAX:
        raise failure(
            400,
            "INVALID_PARAMETER",
            f"limit must be a whole number from 1 to {SUMMARY_LIMIT_MAX}.",
            parameter="limit",
        )
    return int(raw)


def _ok(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


class VideoCloud:
    """The videocloud flavor: routes, the key check and the error envelope."""

    challenge = 'Bearer realm="videocloud"'

    def __init__(self, served: Served, export_delay_s: float = 1.0) -> None:
        self.clock = served.clock
        self.auth = served.auth
        dataset = served.dataset
        self.videos = VideoFigures(dataset)
        self.users = UserFigures(dataset, self.videos)
        self.system = SystemFigures(dataset, self.videos)
        self.exports = Exports(self.videos, self.users, served.base_url, export_delay_s)
        self._first_data = self.videos.first_data()
        self._created = {vid: created for vid, _, created, _ in self.videos.catalogue()}

    # --- what the server asks -------------------------------------------------------------

    def routes(self) -> list[Route]:
        seg = r"([^/]+)"
        return [
            Route("GET", "/analytics/videos/summary", self.summary),
            Route("GET", f"/analytics/videos/{seg}", self.video),
            Route("GET", "/analytics/users", self.user_analytics),
            Route("GET", "/analytics/users/engagement", self.user_engagement),
            Route("GET", "/analytics/system/health", self.health),
            Route("GET", "/analytics/system/performance", self.performance),
            Route("POST", "/analytics/export", self.create_export),
            Route("GET", f"/analytics/export/{seg}", self.export_status),
            Route("GET", f"/analytics/export/{seg}/download", self.export_download),
        ]

    def caller(self, headers: Mapping[str, str]) -> str:
        lowered = {name.lower(): value for name, value in headers.items()}
        scheme, _, credentials = lowered.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.auth.key_matches(credentials.strip()):
            return "key"
        key = lowered.get("x-api-key")
        if key is not None and self.auth.key_matches(key.strip()):
            return "key"
        raise unauthorized()

    def shape(self, status: int, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("success") is False:
            return body
        code = _STATUS_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "ERROR")
        message = " ".join(str(body[k]) for k in ("title", "detail") if body.get(k)) or "Error."
        details = {"parameter": body["name"]} if body.get("name") else {}
        return {"success": False, "error": {"code": code, "message": message, "details": details}}

    # --- windows --------------------------------------------------------------------------

    def _window(self, request: Request, period: str) -> Window:
        return analytics_window(period, request.now_ms, request.shift_ms, self._first_data)

    def _system_window(self, request: Request, default: str) -> Window:
        params = request.params
        if params.get("period") == "all":
            raise failure(
                404,
                "ANALYTICS_DATA_UNAVAILABLE",
                "System figures are kept for 30 days: ask for 1h, 24h, 7d or 30d.",
                parameter="period",
            )
        period = _period(params, SYSTEM_PERIODS, default)
        params.refuse_leftovers()
        return system_window(period, request.now_ms, request.shift_ms)

    # --- videos ---------------------------------------------------------------------------

    def video(self, request: Request) -> Answer:
        video_id, params = request.args[0], request.params
        period = _period(params, PERIODS, "7d")
        metrics = _metrics(params, VIDEO_METRICS)
        unit = _choice(params, "groupBy", {g: g for g in GROUP_BY}, default_group_by(period))
        truth = {"true": True, "1": True, "previous": True, "false": False, "0": False}
        compare = _choice(params, "compare", {**truth, "none": False}, True)
        params.refuse_leftovers()
        if video_id not in self._created:
            raise failure(404, "NOT_FOUND", f"No video has the id {video_id!r}.")
        window = self._window(request, period)
        if self._created[video_id] >= window.hi:
            raise failure(
                404,
                "ANALYTICS_DATA_UNAVAILABLE",
                "The video did not exist yet in this period.",
                parameter="period",
            )
        compare = compare and period != "all"
        return _ok(self.videos.video(video_id, window, metrics, unit, compare))

    def summary(self, request: Request) -> Answer:
        params = request.params
        period = _period(params, PERIODS, "30d")
        limit = _limit(params)
        params.refuse_leftovers()
        window = self._window(request, period)
        return _ok(self.videos.summary(window, period != "all", limit))

    # --- users ----------------------------------------------------------------------------

    def user_analytics(self, request: Request) -> Answer:
        params = request.params
        period = _period(params, PERIODS, "30d")
        metrics = _metrics(params, USER_METRICS)
        params.refuse_leftovers()
        window = self._window(request, period)
        return _ok(self.users.users(window, metrics, period != "all"))

    def user_engagement(self, request: Request) -> Answer:
        params = request.params
        period = _period(params, PERIODS, "7d")
        params.refuse_leftovers()
        return _ok(self.users.engagement(self._window(request, period)))

    # --- system ---------------------------------------------------------------------------

    def health(self, request: Request) -> Answer:
        return _ok(self.system.health(self._system_window(request, "24h")))

    def performance(self, request: Request) -> Answer:
        return _ok(self.system.performance(self._system_window(request, "1h")))

    # --- exports --------------------------------------------------------------------------

    def create_export(self, request: Request) -> Answer:
        body = request.body
        if not isinstance(body, dict):
            raise failure(400, "INVALID_PARAMETER", "The body must be a JSON object.")
        kind = body.get("type", "video")
        if kind not in EXPORT_TYPES:
            raise failure(
                400,
                "INVALID_PARAMETER",
                f"Invalid export type {kind!r}: use one of {_listed(EXPORT_TYPES)}.",
                parameter="type",
            )
        period = body.get("period", "30d")
        if period not in PERIODS:
            raise failure(
                400,
                "ANALYTICS_INVALID_PERIOD",
                f"Invalid time period {period!r}: use one of {_listed(PERIODS)}.",
                parameter="period",
            )
        allowed = VIDEO_METRICS if kind == "video" else USER_METRICS
        metrics = _metric_list(body.get("metrics"), allowed, allowed)
        if body.get("format", "csv") != "csv":
            raise failure(
                400, "INVALID_PARAMETER", "Only csv exports are offered.", parameter="format"
            )
        video = body.get("videoId")
        if video is not None and (kind != "video" or video not in self._created):
            raise failure(404, "NOT_FOUND", f"No video has the id {video!r}.")
        window = self._window(request, period)
        return _ok(self.exports.create(kind, window, metrics, video))

    def _job(self, request: Request) -> Any:
        request.params.refuse_leftovers()
        job = self.exports.find(request.args[0])
        if job is None or self.exports.expired(job, request.now_ms):
            raise failure(404, "NOT_FOUND", "No such export (or it has expired).")
        return job

    def export_status(self, request: Request) -> Answer:
        return _ok(self.exports.describe(self._job(request)))

    def export_download(self, request: Request) -> Answer:
        job = self._job(request)
        status = self.exports.describe(job)["status"]
        if status == "processing":
            raise failure(409, "ANALYTICS_EXPORT_NOT_READY", "The export is still processing.")
        if status == "failed":
            raise failure(500, "ANALYTICS_EXPORT_FAILED", job.message)
        return self.exports.file(job)
