"""Server-side export jobs of a VideoCloud source: create, watch, download; the jobs of this run.

`RemoteExports` wraps a `VideoCloudClient` (it is what a data source offers as `exports`).
Every call blocks (run it on a worker) and takes a cancel token and a progress callback
last, so the TaskRunner can call it as it is:

* `create(request)` posts the job (POST /analytics/export) and remembers it;
* `status(job_id)` asks once (GET /analytics/export/{id}) and remembers the answer; a check
  that fails leaves the last known status and says why (`RemoteJob.problem`); a job the
  server no longer knows (404: expired, or the server restarted) is marked gone;
* `download(job_id, path)` waits until the job is ready if it is not yet, then fetches its
  file atomically: it streams into a temporary file beside `path`, which is renamed over
  `path` only once complete (the client's videocloud_export.py), so a cut, a cancel or a full
  disk never leaves half a file under the chosen name, nor destroys the file that was there.
  The new file gets the permissions a file the person creates would (the old file's, when
  one is replaced). Write failures are ExportError, worded as every other export's;
* `jobs()`: the jobs created in this run, newest first, with their last known status.

A job's status in words (`RemoteJob.status_text`): queued, processing, ready, failed (with
the server's message and code), gone; its progress (when the server tells) is `job.progress`.
The seed's POST body takes `type`, `period`, `metrics` and `format`; `videoId` (one video
instead of all) is a sandbox extension. The seed knows no date range, only periods.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from explorer.api.errors import ApiError, NotFound
from explorer.api.videocloud import ExportRequest, VideoCloudClient
from explorer.api.videocloud_export import FileWriteError
from explorer.api.videocloud_models import ExportJob
from explorer.atomic_write import describe_write_error, new_file_mode, target_mode
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.videocloud_catalogue import PERIODS, USER_METRICS, VIDEO_METRICS
from explorer.services.table_files import ExportError

__all__ = [
    "EXPORT_TYPES",
    "FORMATS",
    "PERIODS",
    "PERIOD_TITLES",
    "TYPE_TITLES",
    "ExportJob",
    "ExportRequest",
    "RemoteExports",
    "RemoteJob",
    "describe_request",
    "request_problems",
]

EXPORT_TYPES: dict[str, tuple[str, ...]] = {"video": VIDEO_METRICS, "users": USER_METRICS}
TYPE_TITLES = {"video": "Videos", "users": "Users"}
FORMATS = ("csv",)  # the seed shows csv and no other; the sandbox serves csv only
PERIOD_TITLES = {"1d": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days", "all": "all"}
QUEUED_STATES = frozenset({"queued", "pending", "waiting", "scheduled", "created", "accepted"})
PROCESSING_STATES = frozenset({"processing", "running", "in_progress", "in-progress", "started"})


def _utc_now() -> datetime:
    return datetime.now(UTC)


def request_problems(request: ExportRequest) -> list[str]:
    """What is wrong with a request, in sentences (empty: it can be sent)."""
    problems: list[str] = []
    allowed = EXPORT_TYPES.get(request.type)
    if allowed is None:
        problems.append(f"Choose what to export: {' or '.join(EXPORT_TYPES)}.")
    else:
        unknown = [m for m in request.metrics if m not in allowed]
        if unknown:
            problems.append(
                f"{TYPE_TITLES[request.type]} exports know the metrics {', '.join(allowed)}, "
                f"not {', '.join(unknown)}."
            )
    if request.period not in PERIODS:
        problems.append(f"Choose a period among {', '.join(PERIODS)}.")
    if request.format not in FORMATS:
        problems.append(f"Exports come as {' or '.join(FORMATS)} only.")
    if request.video_id is not None:
        if request.type != "video":
            problems.append("A video can only be chosen for a videos export.")
        elif not request.video_id.strip() or any(c.isspace() for c in request.video_id):
            problems.append("A video id has no spaces in it.")
    return problems


def describe_request(request: ExportRequest) -> str:
    """ "Videos · views, engagement · last 30 days · video vi123", for a table row."""
    parts = [TYPE_TITLES.get(request.type, request.type)]
    parts.append(", ".join(request.metrics) if request.metrics else "all metrics")
    parts.append(PERIOD_TITLES.get(request.period, request.period))
    if request.video_id:
        parts.append(f"video {request.video_id}")
    return " · ".join(parts)


@dataclass(frozen=True)
class RemoteJob:
    """One job of this run: what was asked, and what the server last said of it."""

    request: ExportRequest
    created: datetime  # when this run created it (aware, UTC)
    job: ExportJob  # the last answer about it
    checked: datetime  # when that answer came
    problem: str = ""  # why the last check failed, in words; empty when it did not
    gone: bool = False  # the server no longer knows it (expired, or restarted)
    path: Path | None = None  # where its file was last written
    size: int | None = None  # the bytes written there

    @property
    def export_id(self) -> str:
        return self.job.export_id

    @property
    def state(self) -> str:
        """queued, processing, ready, failed or gone."""
        if self.gone:
            return "gone"
        if self.job.ready:
            return "ready"
        if self.job.failed:
            return "failed"
        return "queued" if self.job.status.lower() in QUEUED_STATES else "processing"

    @property
    def finished(self) -> bool:
        """Nothing more to wait for: ready, failed or gone."""
        return self.state in ("ready", "failed", "gone")

    @property
    def what(self) -> str:
        return describe_request(self.request)

    @property
    def status_text(self) -> str:
        state = self.state
        if state == "gone":
            text = "Gone: the server no longer knows this export (it may have expired)"
        elif state == "failed":
            info = self.job.error
            message = info.message if info is not None and info.message else "no reason given"
            code = info.code if info is not None and info.code else "ANALYTICS_EXPORT_FAILED"
            verb = "Failed" if self.job.status.lower() != "expired" else "Expired"
            text = f"{verb}: {message} ({code})"
        elif state == "ready":
            text = "Ready" if self.path is None else "Ready · downloaded"
        elif state == "queued":
            text = "Queued"
        else:
            known = self.job.status.lower() in PROCESSING_STATES
            text = "Processing" if known else f"Processing (the server says {self.job.status!r})"
        if self.problem:
            text += f" · last check failed: {self.problem}"
        return text


class RemoteExports:
    """The export jobs of one VideoCloud account; see the module docstring. Thread-safe."""

    def __init__(self, client: VideoCloudClient, clock: Callable[[], datetime] = _utc_now) -> None:
        self.client = client
        self._clock = clock
        self._jobs: dict[str, RemoteJob] = {}  # in creation order
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteExports({self.client!r})"

    # --- the jobs of this run ---------------------------------------------------------------

    def jobs(self) -> list[RemoteJob]:
        """The jobs created in this run, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def job(self, job_id: str) -> RemoteJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _update(self, job_id: str, **changes: object) -> None:
        with self._lock:
            known = self._jobs.get(job_id)
            if known is not None:
                self._jobs[job_id] = replace(known, **changes)  # type: ignore[arg-type]

    def _remember(self, job: ExportJob) -> None:
        self._update(job.export_id, job=job, checked=self._clock(), problem="", gone=False)

    # --- blocking calls for workers ---------------------------------------------------------

    def videos(
        self, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressCallback = no_progress
    ) -> list[tuple[str, str]]:
        """(id, title) of the videos the API lists, for choosing one."""
        listed = self.client.videos(cancel=cancel)
        return [(video.id, video.title) for video in listed.videos]

    def create(
        self,
        request: ExportRequest,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> ExportJob:
        """Start a job on the server and remember it; returns its first status."""
        job = self.client.create_export(request, cancel=cancel)
        now = self._clock()
        with self._lock:
            self._jobs[job.export_id] = RemoteJob(request, now, job, now)
        return job

    def status(
        self,
        job_id: str,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> ExportJob:
        """Ask the server once how the job is doing; the answer is remembered, and so is a
        failure to ask (the job keeps its last known status)."""
        try:
            job = self.client.export_status(job_id, cancel=cancel)
        except NotFound:
            self._update(job_id, gone=True, problem="", checked=self._clock())
            raise
        except ApiError as error:
            self._update(job_id, problem=str(error))
            raise
        self._remember(job)
        return job

    def download(
        self,
        job_id: str,
        path: Path,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Path:
        """Wait for the job if need be, then write its file to `path` atomically; returns the
        path written. Raises ExportError (the disk), ApiError (the server, the network, a
        failed job: code ANALYTICS_EXPORT_FAILED) or Cancelled."""
        path = path.expanduser()
        if path.is_dir():
            raise ExportError(f"cannot write {path}: it is a folder; choose a file name in it")
        try:
            job = self.client.wait_for_export(job_id, cancel=cancel, on_status=self._remember)
        except NotFound:
            self._update(job_id, gone=True, problem="", checked=self._clock())
            raise
        try:
            mode = target_mode(path)
        except OSError:  # the file there cannot be read: treat the download as a new file
            mode = new_file_mode()
        try:
            size = self.client.download_export(job, path, cancel=cancel, progress=progress)
        except FileWriteError as error:
            cause = error.__cause__
            if isinstance(cause, OSError):
                raise ExportError(describe_write_error(cause, path)) from error
            raise ExportError(str(error)) from error
        with contextlib.suppress(OSError):  # the file is written; its mode is a courtesy
            os.chmod(path, mode)
        self._update(job_id, path=path, size=size)
        return path
