"""RemoteExports: jobs against the videocloud sandbox; failures, cuts and disk errors by mock."""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from explorer.api.errors import BadRequest, NetworkError, NotFound, ServerError
from explorer.api.http import RetryPolicy
from explorer.api.videocloud import VideoCloudClient, VideoCloudOptions
from explorer.api.videocloud_export import ExportPolicy
from explorer.domain.cancel import Cancelled, CancelToken
from explorer.sandbox.videocloud import VideoCloud
from explorer.services.connection import EmbeddedSandbox, SandboxOptions
from explorer.services.table_files import ExportError
from explorer.services.videocloud_export_jobs import (
    ExportJob,
    ExportRequest,
    RemoteExports,
    RemoteJob,
    describe_request,
    request_problems,
)
from tests.unit.api.support import BASE_URL
from tests.unit.api.test_videocloud_client import client_for, failed, ok

QUICK = VideoCloudOptions(
    retry=RetryPolicy(attempts=3, rate_limited_attempts=3, base_delay_s=0.01, max_delay_s=0.02),
    export=ExportPolicy(first_poll_s=0.02, max_poll_s=0.05, deadline_s=20),
)
PREVIOUS = b"the previous file\n"
CSV = b"date,views\r\n2026-03-09,1\r\n2026-03-10,2\r\n"
URL = f"{BASE_URL}/analytics/export/exp_1/download"
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- against the sandbox's videocloud flavor -----------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[EmbeddedSandbox]:
    started = EmbeddedSandbox(SandboxOptions(flavor="videocloud"))
    flavour = started.service.served
    assert isinstance(flavour, VideoCloud)
    flavour.exports.delay_s = 0.3
    yield started
    started.stop()


@pytest.fixture
def exports(sandbox: EmbeddedSandbox) -> Iterator[RemoteExports]:
    client = VideoCloudClient(sandbox.base_url, sandbox.api_key, options=QUICK)
    yield RemoteExports(client)
    client.close()


def poll_until_finished(exports: RemoteExports, job_id: str, limit_s: float = 10) -> RemoteJob:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        exports.status(job_id)
        known = exports.job(job_id)
        assert known is not None
        if known.finished:
            return known
        time.sleep(0.05)
    raise AssertionError(f"{job_id} did not finish in {limit_s} s")


def test_a_job_goes_from_processing_to_ready_and_downloads(
    exports: RemoteExports, tmp_path: Path
) -> None:
    request = ExportRequest(type="video", period="7d", metrics=("views",))
    created = exports.create(request)
    assert created.status == "processing"
    (listed,) = exports.jobs()
    assert (listed.export_id, listed.request, listed.state) == (
        created.export_id,
        request,
        "processing",
    )
    assert listed.status_text.startswith("Processing")

    done = poll_until_finished(exports, created.export_id)
    assert done.state == "ready" and done.status_text == "Ready"

    seen: list[tuple[int, int]] = []
    target = tmp_path / "views.csv"
    written = exports.download(created.export_id, target, progress=lambda d, t: seen.append((d, t)))
    assert written == target
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["date", "video_id", "title", "views", "unique_viewers"]
    assert len(rows) > 1
    size = target.stat().st_size
    assert seen[-1] == (size, size)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask()  # not the temp file's 0600
    assert names(tmp_path) == ["views.csv"]
    after = exports.job(created.export_id)
    assert after is not None
    assert (after.path, after.size, after.status_text) == (target, size, "Ready · downloaded")


def test_jobs_are_listed_newest_first_and_download_waits_for_ready(
    exports: RemoteExports, tmp_path: Path
) -> None:
    first = exports.create(ExportRequest(type="users", period="30d"))
    second = exports.create(ExportRequest(type="video", period="1d", metrics=("engagement",)))
    assert [j.export_id for j in exports.jobs()] == [second.export_id, first.export_id]
    target = tmp_path / "users.csv"
    exports.download(first.export_id, target)  # still processing: it waits, then downloads
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header == "date,active_users,new_users,returning_users,sessions,average_session_s"
    known = exports.job(first.export_id)
    assert known is not None and known.state == "ready"


def test_one_video_only(exports: RemoteExports, tmp_path: Path) -> None:
    videos = exports.videos()
    assert len(videos) > 2
    video_id, _ = videos[1]
    job = exports.create(ExportRequest(period="all", metrics=("views",), video_id=video_id))
    target = tmp_path / "one.csv"
    exports.download(job.export_id, target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows and {row["video_id"] for row in rows} == {video_id}


def test_the_server_refuses_a_bad_request_in_words(exports: RemoteExports) -> None:
    with pytest.raises(BadRequest) as caught:
        exports.create(ExportRequest(period="2w"))
    assert "period" in str(caught.value).lower()
    assert exports.jobs() == []  # nothing was created


def test_an_unknown_job_is_not_found(exports: RemoteExports, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        exports.download("exp_nope", tmp_path / "x.csv")
    assert names(tmp_path) == []


# --- by MockTransport ---------------------------------------------------------------------


def job_body(status: str, **fields: Any) -> dict[str, Any]:
    return {"exportId": "exp_1", "status": status, "downloadUrl": URL, **fields}


class Server:
    """The job answers the statuses in turn (the last one for ever); the file is `file`."""

    def __init__(self, *statuses: httpx.Response, file: httpx.Response | None = None) -> None:
        self.statuses = list(statuses) or [ok(job_body("ready"))]
        self.file = file or httpx.Response(200, content=CSV)
        self.downloads = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return ok(job_body("processing", progress=0))
        if request.url.path.endswith("/download"):
            self.downloads += 1
            return self.file
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "export.csv"
    path.write_bytes(PREVIOUS)
    yield path
    assert names(tmp_path) == ["export.csv"]  # never a temporary file left behind


@contextmanager
def started(server: Server) -> Iterator[RemoteExports]:
    """A RemoteExports over `server` with one job created (exp_1)."""
    with client_for(server) as (client, _):
        exports = RemoteExports(client, clock=lambda: T0)
        exports.create(ExportRequest())
        yield exports


def test_a_failed_job_says_why_and_writes_nothing(target: Path) -> None:
    failure = {"code": "ANALYTICS_EXPORT_FAILED", "message": "nothing to export"}
    server = Server(ok(job_body("processing", progress=0.5)), ok(job_body("failed", error=failure)))
    with started(server) as exports:
        exports.status("exp_1")
        (job,) = exports.jobs()
        assert (job.status_text, job.job.progress) == ("Processing", 0.5)
        exports.status("exp_1")
        (job,) = exports.jobs()
        assert job.state == "failed" and job.finished
        assert job.status_text == "Failed: nothing to export (ANALYTICS_EXPORT_FAILED)"
        with pytest.raises(ServerError) as caught:
            exports.download("exp_1", target)
    assert caught.value.type == "ANALYTICS_EXPORT_FAILED"
    assert "nothing to export" in str(caught.value)
    assert server.downloads == 0
    assert target.read_bytes() == PREVIOUS


def test_a_download_cut_short_keeps_the_previous_file(target: Path) -> None:
    cut = httpx.Response(200, headers={"Content-Length": "100"}, content=b"z" * 10)
    server = Server(file=cut)
    with started(server) as exports, pytest.raises(NetworkError) as caught:
        exports.download("exp_1", target)
    assert "cut short" in str(caught.value)
    assert server.downloads == QUICK.export.download_attempts
    assert target.read_bytes() == PREVIOUS
    job = exports.job("exp_1")
    assert job is not None and job.path is None


def test_a_cancelled_download_keeps_the_previous_file(target: Path) -> None:
    token = CancelToken()
    server = Server(file=httpx.Response(200, content=CSV * 100))
    with started(server) as exports, pytest.raises(Cancelled):
        exports.download("exp_1", target, token, lambda done, total: token.cancel())
    assert target.read_bytes() == PREVIOUS


def test_a_replaced_file_keeps_its_permissions(target: Path) -> None:
    target.chmod(0o640)
    with started(Server()) as exports:
        exports.download("exp_1", target)
    assert target.read_bytes() == CSV
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("where", "says"),
    [
        (lambda folder: folder / "missing" / "x.csv", "does not exist"),
        (lambda folder: folder / "export.csv" / "x.csv", "is not a folder"),
        (lambda folder: folder, "is a folder"),
    ],
)
def test_a_path_that_cannot_be_written_is_said_in_words(
    target: Path, where: Any, says: str
) -> None:
    path = where(target.parent)
    with started(Server()) as exports, pytest.raises(ExportError) as caught:
        exports.download("exp_1", path)
    assert says in str(caught.value)
    assert str(path) in str(caught.value)
    assert target.read_bytes() == PREVIOUS


def test_a_full_disk_is_said_in_words(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("os.fsync", full)
    with started(Server()) as exports, pytest.raises(ExportError) as caught:
        exports.download("exp_1", target)
    assert "no space left on the disk" in str(caught.value)
    assert "untouched" in str(caught.value)
    assert target.read_bytes() == PREVIOUS


def test_a_failed_check_keeps_the_last_status_and_says_why() -> None:
    server = Server(failed(503, "INTERNAL_ERROR", "down for maintenance"))
    with started(server) as exports:
        with pytest.raises(ServerError):
            exports.status("exp_1")
        (job,) = exports.jobs()
        assert job.state == "processing" and not job.finished
        assert "last check failed" in job.status_text and "maintenance" in job.status_text
        server.statuses = [ok(job_body("ready"))]
        exports.status("exp_1")
        (job,) = exports.jobs()
        assert (job.state, job.problem) == ("ready", "")


def test_a_job_the_server_forgot_is_gone() -> None:
    server = Server(failed(404, "NOT_FOUND", "No such export (or it has expired)."))
    with started(server) as exports, pytest.raises(NotFound):
        exports.status("exp_1")
    (job,) = exports.jobs()
    assert job.gone and job.finished and job.status_text.startswith("Gone:")


def test_queued_and_unknown_statuses_read_in_words() -> None:
    def shown(status: str) -> str:
        job = ExportJob.model_validate(job_body(status))
        return RemoteJob(ExportRequest(), T0, job, T0).status_text

    assert shown("queued") == "Queued"
    assert shown("baking") == "Processing (the server says 'baking')"
    assert shown("expired").startswith("Expired:")


def test_requests_are_checked_and_described() -> None:
    assert request_problems(ExportRequest()) == []
    assert request_problems(ExportRequest(type="users", metrics=("growth",))) == []
    problems = request_problems(
        ExportRequest(type="users", metrics=("views",), period="2w", format="xml", video_id="v")
    )
    assert len(problems) == 4
    assert "not views" in problems[0]
    assert describe_request(ExportRequest()) == "Videos · all metrics · last 30 days"
    assert (
        describe_request(ExportRequest(metrics=("views", "engagement"), period="7d", video_id="v1"))
        == "Videos · views, engagement · last 7 days · video v1"
    )
