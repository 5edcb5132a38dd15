"""VideoCloud exports over MockTransport: polling, failures, deadlines, atomic downloads, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from explorer.api.errors import (
    MalformedResponse,
    NetworkError,
    RateLimited,
    ServerError,
    Timeout,
)
from explorer.api.videocloud import ExportRequest
from explorer.api.videocloud_export import ExportPolicy, FileWriteError
from explorer.api.videocloud_models import ExportJob
from explorer.domain.cancel import Cancelled, CancelToken
from tests.unit.api.support import BASE_URL, KEY, json_response
from tests.unit.api.test_videocloud_client import QUICK_EXPORTS, client_for, failed, ok

CSV = b"date,views\r\n2026-03-09,1\r\n2026-03-10,2\r\n"
OWN_URL = f"{BASE_URL}/analytics/export/exp_1/download"
FOREIGN_URL = "https://exports.videocloud.example/exp_1.csv?signature=abc"


def job(status: str, url: str | None = OWN_URL, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"exportId": "exp_1", "status": status, **fields}
    if url:
        body["downloadUrl"] = url
    return body


class Server:
    """An export API: the job is processing for `polls` status requests, then `final`."""

    def __init__(self, polls: int = 2, final: str = "ready", url: str = OWN_URL) -> None:
        self.polls = polls
        self.final = final
        self.url = url
        self.file: httpx.Response = httpx.Response(
            200, content=CSV, headers={"Content-Type": "text/csv"}
        )
        self.downloads: list[httpx.Request] = []
        self.statuses = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return ok(job("processing", self.url))
        if request.url.path == "/analytics/export/exp_1":
            self.statuses += 1
            status = "processing" if self.statuses <= self.polls else self.final
            extra = {"error": {"code": "ANALYTICS_EXPORT_FAILED", "message": "disk full"}}
            return ok(job(status, self.url, **(extra if status == "failed" else {})))
        self.downloads.append(request)
        return self.file


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "export.csv"
    path.write_bytes(b"the previous file")
    yield path
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "export.csv"]
    assert leftovers == []  # never a temporary file left behind


def test_export_polls_until_ready_then_downloads(target: Path) -> None:
    server = Server(polls=2)
    statuses: list[str] = []
    progress: list[tuple[int, int]] = []
    with client_for(server) as (client, _):
        done = client.export(
            ExportRequest(),
            target,
            on_status=lambda j: statuses.append(j.status),
            progress=lambda d, t: progress.append((d, t)),
        )
    assert done.ready
    assert statuses == ["processing", "processing", "processing", "ready"]  # created + 3 polls
    assert target.read_bytes() == CSV
    assert progress[-1] == (len(CSV), len(CSV))
    assert server.downloads[0].headers["Authorization"] == f"Bearer {KEY}"  # our own origin


def test_a_link_on_another_host_gets_no_credentials(target: Path) -> None:
    server = Server(polls=0, url=FOREIGN_URL)
    with client_for(server) as (client, _):
        client.export(ExportRequest(), target)
    assert "Authorization" not in server.downloads[0].headers
    assert str(server.downloads[0].url) == FOREIGN_URL
    assert target.read_bytes() == CSV


def test_a_failed_job_raises_the_export_failure(target: Path) -> None:
    with client_for(Server(polls=1, final="failed")) as (c, _), pytest.raises(ServerError) as e:
        c.export(ExportRequest(), target)
    assert e.value.type == "ANALYTICS_EXPORT_FAILED"
    assert "disk full" in str(e.value)
    assert target.read_bytes() == b"the previous file"


def test_a_job_failed_at_creation_is_not_polled() -> None:
    created = {"exportId": "e", "status": "failed"}
    with client_for(lambda r: ok(created)) as (c, seen), pytest.raises(ServerError) as e:
        c.export(ExportRequest(), Path("unused.csv"))
    assert len(seen.seen) == 1
    assert e.value.type == "ANALYTICS_EXPORT_FAILED"


def test_polling_gives_up_at_the_deadline(target: Path) -> None:
    policy = ExportPolicy(first_poll_s=0.01, max_poll_s=0.02, deadline_s=0.1)
    server = Server(polls=10**9)
    with client_for(server, export=policy) as (client, _), pytest.raises(Timeout) as caught:
        client.export(ExportRequest(), target)
    assert "still 'processing'" in str(caught.value)
    assert 3 <= server.statuses < 40  # waits grew and stopped
    assert server.downloads == []


def test_cancel_while_polling(target: Path) -> None:
    token = CancelToken()

    def on_status(current: ExportJob) -> None:
        if current.status == "processing":
            token.cancel()

    server = Server(polls=5)
    with client_for(server) as (client, _), pytest.raises(Cancelled):
        client.export(ExportRequest(), target, cancel=token, on_status=on_status)
    assert server.statuses <= 1
    assert target.read_bytes() == b"the previous file"


class Chunks(httpx.SyncByteStream):
    """A body in pieces that may break off after `fail_after` pieces."""

    def __init__(self, pieces: list[bytes], fail_after: int | None = None) -> None:
        self.pieces = pieces
        self.fail_after = fail_after

    def __iter__(self) -> Iterator[bytes]:
        for index, piece in enumerate(self.pieces):
            if self.fail_after is not None and index >= self.fail_after:
                raise httpx.ReadError("connection reset by peer")
            yield piece


def test_cancel_during_the_download_keeps_the_previous_file(target: Path) -> None:
    token = CancelToken()
    server = Server(polls=0)
    server.file = httpx.Response(200, stream=Chunks([b"a" * 10] * 5))
    with client_for(server) as (client, _), pytest.raises(Cancelled):
        client.export(ExportRequest(), target, cancel=token, progress=lambda d, t: token.cancel())
    assert target.read_bytes() == b"the previous file"


def test_a_download_that_breaks_is_taken_again(target: Path) -> None:
    bodies = [
        httpx.Response(200, headers={"Content-Length": "20"}, stream=Chunks([b"x" * 10] * 2, 1)),
        httpx.Response(200, headers={"Content-Length": "20"}, stream=Chunks([b"y" * 10] * 2)),
    ]
    server = Server(polls=0)

    def answer(request: httpx.Request) -> httpx.Response:
        response = server(request)
        return bodies.pop(0) if response is server.file else response

    with client_for(answer) as (client, _):
        client.export(ExportRequest(), target)
    assert target.read_bytes() == b"y" * 20


def test_a_download_cut_short_every_time_fails_and_keeps_the_old_file(target: Path) -> None:
    server = Server(polls=0)
    tries = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal tries
        response = server(request)
        if response is not server.file:
            return response
        tries += 1  # says 100 bytes, sends 10
        return httpx.Response(200, headers={"Content-Length": "100"}, content=b"z" * 10)

    with client_for(answer) as (client, _), pytest.raises(NetworkError) as caught:
        client.export(ExportRequest(), target)
    assert tries == QUICK_EXPORTS.download_attempts
    assert "cut short" in str(caught.value)
    assert target.read_bytes() == b"the previous file"


def test_a_download_refused_for_a_failed_export_is_not_retried(target: Path) -> None:
    server = Server(polls=0)
    server.file = failed(500, "ANALYTICS_EXPORT_FAILED", "generation failed")
    with client_for(server) as (client, _), pytest.raises(ServerError) as caught:
        client.export(ExportRequest(), target)
    assert len(server.downloads) == 1
    assert caught.value.type == "ANALYTICS_EXPORT_FAILED"
    assert target.read_bytes() == b"the previous file"


def test_a_folder_that_does_not_exist_is_said_in_words(tmp_path: Path) -> None:
    with client_for(Server(polls=0)) as (client, _), pytest.raises(FileWriteError) as caught:
        client.export(ExportRequest(), tmp_path / "missing" / "export.csv")
    assert "does not exist" in str(caught.value)


def test_a_ready_job_without_a_link_is_malformed() -> None:
    ready = job("ready", url=None)
    with client_for(lambda r: ok(ready)) as (client, _), pytest.raises(MalformedResponse):
        client.export(ExportRequest(), Path("unused.csv"))


def test_status_words_are_read_leniently() -> None:
    for word, ready, failure in (
        ("completed", True, False),
        ("DONE", True, False),
        ("queued", False, False),
        ("error", False, True),
    ):
        parsed = ExportJob.model_validate({"exportId": "e", "status": word})
        assert (parsed.ready, parsed.failed) == (ready, failure), word
    assert json_response(200, {}).status_code == 200


def test_a_download_asked_to_wait_past_the_longest_wait_is_not_waited(target: Path) -> None:
    """A 429 on the download is waited out like any other, within the same bound."""
    server = Server(polls=0)
    server.file = httpx.Response(
        429,
        json={"success": False, "error": {"code": "ANALYTICS_RATE_LIMIT", "message": "slow"}},
        headers={"Retry-After": "100000"},
    )
    with client_for(server) as (client, _), pytest.raises(RateLimited) as caught:
        client.export(ExportRequest(), target)
    assert caught.value.limit.startswith("max_rate_limit_wait_s")
    assert "asked to wait 100000 s" in str(caught.value)
    assert len(server.downloads) == 1
    assert target.read_bytes() == b"the previous file"
