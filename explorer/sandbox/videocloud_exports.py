"""Export jobs of the VideoCloud sandbox: POST a job, watch it become ready, download a CSV.

A job is computed when it is created (a snapshot at that instant) and reports `processing`
until `delay_s` of real time has passed, then `ready` (or `failed`); `progress` goes from 0
to 1 meanwhile. The file is CSV (RFC 4180, UTF-8, a header row):

* type "video": one row per video and UTC day of the period (all videos, or `videoId`):
  date, video_id, title, then per metric asked: views → views, unique_viewers;
  engagement → watch_time_s, completion_rate, likes, comments, shares (the day's);
  performance → buffering_rate, average_bitrate_kbps, error_rate;
* type "users": one row per UTC day: date, active_users, new_users, returning_users,
  sessions, average_session_s.

A job with nothing to export (no views and no playback for "video", no visits for
"users") fails with ANALYTICS_EXPORT_FAILED. Jobs live in memory (the last 100) and their
link expires an hour after creation. `downloadUrl` is this service's own
`/analytics/export/{id}/download`, which wants the same key as the API.
"""

from __future__ import annotations

import csv
import io
import itertools
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from explorer.sandbox.flavor import FileBody
from explorer.sandbox.videocloud_periods import HOUR_MS, Window, iso
from explorer.sandbox.videocloud_users import UserFigures
from explorer.sandbox.videocloud_videos import VideoFigures

EXPORT_TYPES = ("video", "users")
VIDEO_COLUMNS = {
    "views": ["views", "unique_viewers"],
    "engagement": ["watch_time_s", "completion_rate", "likes", "comments", "shares"],
    "performance": ["buffering_rate", "average_bitrate_kbps", "error_rate"],
}
USER_COLUMNS = ["active_users", "new_users", "returning_users", "sessions", "average_session_s"]
KEEP_JOBS = 100


@dataclass
class Job:
    export_id: str
    created: float  # monotonic seconds
    created_ms: int  # shown time
    ready_after_s: float
    rows: int
    content: bytes | None  # None: the job failed
    message: str = ""

    def state(self, now_s: float) -> tuple[str, float]:
        elapsed = now_s - self.created
        if elapsed < self.ready_after_s:
            return "processing", round(elapsed / self.ready_after_s, 2)
        return ("ready" if self.content is not None else "failed"), 1.0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


class Exports:
    def __init__(
        self,
        videos: VideoFigures,
        users: UserFigures,
        base_url: Callable[[], str],
        delay_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.videos = videos
        self.users = users
        self.base_url = base_url
        self.delay_s = delay_s
        self.clock = clock
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def create(
        self, kind: str, window: Window, metrics: list[str], video: str | None
    ) -> dict[str, Any]:
        if kind == "video":
            header, rows, has_data = self._video_rows(window, metrics, video)
        else:
            header, rows = ["date", *USER_COLUMNS], self.users.daily_rows(window)
            has_data = any(row[4] != "0" for row in rows)
        export_id = f"exp_{next(self._ids):04d}{secrets.token_hex(4)}"
        job = Job(
            export_id,
            self.clock(),
            window.now,
            self.delay_s,
            len(rows),
            _csv(header, rows) if has_data else None,
            "" if has_data else "nothing to export: no data in this period",
        )
        with self._lock:
            self._jobs[export_id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
        return self.describe(job)

    def _video_rows(
        self, window: Window, metrics: list[str], video: str | None
    ) -> tuple[list[str], list[list[str]], bool]:
        columns = [name for metric in metrics for name in VIDEO_COLUMNS[metric]]
        rows: list[list[str]] = []
        has_data = False
        for vid, title, _, _ in self.videos.catalogue():
            if video is not None and vid != video:
                continue
            if len(self.videos.views(window.lo, window.hi, vid).sid) or len(
                self.videos.spans(window.lo, window.hi, vid).sid
            ):
                has_data = True
            for day in self.videos.day_rows(window, metrics, vid):
                rows.append([day["date"], vid, title, *(_cell(day[c]) for c in columns)])
        return ["date", "video_id", "title", *columns], rows, has_data

    def find(self, export_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(export_id)

    def describe(self, job: Job) -> dict[str, Any]:
        status, progress = job.state(self.clock())
        body: dict[str, Any] = {
            "exportId": job.export_id,
            "status": status,
            "downloadUrl": f"{self.base_url()}/analytics/export/{job.export_id}/download",
            "expiresAt": iso(job.created_ms + HOUR_MS),
            "progress": progress,
        }
        if status == "ready":
            body["rows"] = job.rows
        if status == "failed":
            body["error"] = {"code": "ANALYTICS_EXPORT_FAILED", "message": job.message}
        return body

    def file(self, job: Job) -> FileBody:
        assert job.content is not None
        return FileBody("text/csv; charset=utf-8", job.content, f"{job.export_id}.csv")

    def expired(self, job: Job, now_ms: int) -> bool:
        return now_ms >= job.created_ms + HOUR_MS
