"""The "Export jobs" dialog: create on the sandbox, poll to ready, download, cancel, failures."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.api.videocloud import VideoCloudClient, VideoCloudOptions
from explorer.api.videocloud_export import ExportPolicy
from explorer.sandbox.videocloud import VideoCloud
from explorer.services.connection import EmbeddedSandbox, SandboxOptions
from explorer.services.videocloud_export_jobs import ExportRequest, RemoteExports
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.dialogs.remote_exports_dialog import RemoteExportsDialog
from explorer.ui.dialogs.remote_jobs_model import PROGRESS, STATUS, format_size
from tests.support.patience import PATIENCE_S

OPTIONS = VideoCloudOptions(
    retry=RetryPolicy(attempts=2, rate_limited_attempts=2, base_delay_s=0.01, max_delay_s=0.02),
    export=ExportPolicy(first_poll_s=0.02, max_poll_s=0.05, deadline_s=10),
)
MOCK_URL = "https://videocloud.test"
PREVIOUS = b"the previous file\n"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[EmbeddedSandbox]:
    started = EmbeddedSandbox(SandboxOptions(flavor="videocloud"))
    flavour = started.service.served
    assert isinstance(flavour, VideoCloud)
    flavour.exports.delay_s = 0.4
    yield started
    started.stop()


@pytest.fixture
def exports(sandbox: EmbeddedSandbox) -> Iterator[RemoteExports]:
    client = VideoCloudClient(sandbox.base_url, sandbox.api_key, options=OPTIONS)
    yield RemoteExports(client)
    client.close()


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def mocked() -> Iterator[Callable[[Handler], RemoteExports]]:
    clients: list[VideoCloudClient] = []

    def make(handler: Handler) -> RemoteExports:
        transport = httpx.MockTransport(handler)
        client = VideoCloudClient(
            MOCK_URL, Secret("mock-key-123"), options=OPTIONS, transport=transport
        )
        clients.append(client)
        return RemoteExports(client)

    yield make
    for client in clients:
        client.close()


def dialog_for(qtbot: Any, exports: RemoteExports, runner: TaskRunner) -> RemoteExportsDialog:
    dialog = RemoteExportsDialog(exports, runner, "Europe/Paris")
    dialog.poll_interval_ms = 100
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cell(dialog: RemoteExportsDialog, row: int, column: int) -> str:
    return str(dialog.model.index(row, column).data())


def envelope(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json={"success": True, "data": data})


def job(status: str, **fields: Any) -> dict[str, Any]:
    url = f"{MOCK_URL}/analytics/export/exp_1/download"
    return {"exportId": "exp_1", "status": status, "downloadUrl": url, **fields}


class SlowFile(httpx.SyncByteStream):
    """A body of 2,000 chunks of 1 KB, 50 ms apart (100 s in all): time enough to cancel, and a
    download that ends far sooner was cancelled, however busy the machine."""

    def __init__(self) -> None:
        self.started = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(2000):
            self.started.set()
            yield b"x" * 1024
            time.sleep(0.05)


def ready_server(file: Callable[[], httpx.Response]) -> Handler:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return envelope(job("ready"))
        if request.url.path.endswith("/download"):
            return file()
        if request.url.path == "/analytics/videos/summary":
            return envelope({"totalVideos": 0, "topVideos": []})
        return envelope(job("ready"))

    return answer


def create_ready_job(qtbot: Any, dialog: RemoteExportsDialog) -> None:
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.download_button.isEnabled())


# --- against the sandbox ------------------------------------------------------------------


def test_a_job_is_created_polled_until_ready_and_downloaded(
    qtbot: Any, runner: TaskRunner, exports: RemoteExports, tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, exports, runner)
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("7d"))
    dialog.metric_boxes[2].setChecked(False)  # no performance
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert cell(dialog, 0, STATUS).startswith("Processing")
    assert "Videos · views, engagement · last 7 days" in cell(dialog, 0, 1)
    assert cell(dialog, 0, 2) == "CSV"
    assert not dialog.download_button.isEnabled()  # not ready yet

    qtbot.waitUntil(lambda: cell(dialog, 0, STATUS) == "Ready")
    assert "is ready" in dialog.notice.text()
    qtbot.waitUntil(lambda: not dialog.poll_timer.isActive())  # nothing to follow
    assert dialog.download_button.isEnabled()  # the new job was selected

    target = tmp_path / "out.csv"
    asked: list[Path] = []

    def ask(suggested: Path) -> Path:
        asked.append(suggested)
        return target

    dialog.ask_download_path = ask  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.text().startswith("Downloaded"))
    assert asked[0].name.startswith("videocloud-video-exp_") and asked[0].suffix == ".csv"
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("date,video_id,title,views,unique_viewers,watch_time_s")
    assert "performance" not in header and "buffering_rate" not in header
    assert str(target) in dialog.notice.text()
    assert cell(dialog, 0, STATUS) == "Ready · downloaded"
    assert cell(dialog, 0, PROGRESS).endswith("KB")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert dialog.progress.isHidden()
    dialog.close()


def test_the_form_follows_the_type_and_lists_the_videos(
    qtbot: Any, runner: TaskRunner, exports: RemoteExports
) -> None:
    dialog = dialog_for(qtbot, exports, runner)
    qtbot.waitUntil(lambda: dialog.video_combo.count() > 2)
    video_id = str(dialog.video_combo.itemData(2))
    dialog.video_combo.setCurrentIndex(2)
    request = dialog.build_request()
    assert isinstance(request, ExportRequest) and request.video_id == video_id
    dialog.video_combo.setEditText("vi-typed-id")
    request = dialog.build_request()
    assert isinstance(request, ExportRequest) and request.video_id == "vi-typed-id"

    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("users"))
    assert [box.text() for box in dialog.metric_boxes] == ["activity", "growth", "retention"]
    assert not dialog.video_combo.isEnabled()
    request = dialog.build_request()
    assert isinstance(request, ExportRequest)
    assert (request.type, request.video_id) == ("users", None)

    for box in dialog.metric_boxes:
        box.setChecked(False)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.notice.text() == "Tick at least one metric."
    assert exports.jobs() == []
    dialog.close()


def test_a_job_the_server_refuses_is_said_in_words(
    qtbot: Any, runner: TaskRunner, exports: RemoteExports
) -> None:
    dialog = dialog_for(qtbot, exports, runner)
    dialog.video_combo.setEditText("no-such-video")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.text().startswith("The job was not created"))
    assert "no-such-video" in dialog.notice.text()
    assert dialog.model.rowCount() == 0
    dialog.close()


# --- by MockTransport -------------------------------------------------------------------------


def test_a_failed_job_shows_the_servers_message(
    qtbot: Any, runner: TaskRunner, mocked: Callable[[Handler], RemoteExports]
) -> None:
    error = {"code": "ANALYTICS_EXPORT_FAILED", "message": "generation failed: out of workers"}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return envelope(job("processing", progress=0.25))
        if request.url.path.startswith("/analytics/export/"):
            return envelope(job("failed", error=error))
        return envelope({"topVideos": []})

    dialog = dialog_for(qtbot, mocked(answer), runner)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    qtbot.waitUntil(lambda: cell(dialog, 0, STATUS).startswith("Failed"))
    shown = "Failed: generation failed: out of workers (ANALYTICS_EXPORT_FAILED)"
    assert cell(dialog, 0, STATUS) == shown
    assert dialog.notice.text() == f"exp_1: {shown}"
    assert not dialog.download_button.isEnabled()
    dialog.close()


def test_a_download_that_cannot_be_written_says_why(
    qtbot: Any, runner: TaskRunner, mocked: Callable[[Handler], RemoteExports], tmp_path: Path
) -> None:
    server = ready_server(lambda: httpx.Response(200, content=b"a,b\r\n1,2\r\n"))
    dialog = dialog_for(qtbot, mocked(server), runner)
    create_ready_job(qtbot, dialog)
    target = tmp_path / "missing" / "out.csv"
    dialog.ask_download_path = lambda suggested: target  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.text().startswith("Nothing was written"))
    text = dialog.notice.text()
    assert "The file could not be written" in text and "does not exist" in text
    assert "Traceback" not in text
    assert dialog.download_button.isEnabled()  # try again elsewhere
    dialog.close()


def test_a_network_failure_is_said_in_words(
    qtbot: Any, runner: TaskRunner, mocked: Callable[[Handler], RemoteExports]
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    dialog = dialog_for(qtbot, mocked(refuse), runner)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.text().startswith("The job was not created"))
    assert "The API could not be reached" in dialog.notice.text()
    assert "mock-key-123" not in dialog.notice.text()
    dialog.close()


def test_escape_cancels_a_download_and_keeps_the_previous_file(
    qtbot: Any, runner: TaskRunner, mocked: Callable[[Handler], RemoteExports], tmp_path: Path
) -> None:
    slow = SlowFile()
    server = ready_server(lambda: httpx.Response(200, stream=slow))
    dialog = dialog_for(qtbot, mocked(server), runner)
    create_ready_job(qtbot, dialog)
    target = tmp_path / "out.csv"
    target.write_bytes(PREVIOUS)
    dialog.ask_download_path = lambda suggested: target  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(dialog, 0, PROGRESS).endswith("so far"))
    assert cell(dialog, 0, STATUS) == "Ready · downloading"
    assert dialog.progress.isVisible() and dialog.cancel_button.isEnabled()
    started = time.monotonic()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # Esc stopped the download, not the dialog
    assert dialog.notice.text().startswith("Download cancelled")
    assert "out.csv is as it was" in dialog.notice.text()
    qtbot.waitUntil(lambda: not runner.in_flight())
    assert time.monotonic() - started < 50  # the whole body takes 100 s
    assert target.read_bytes() == PREVIOUS
    # the worker removes its temporary file as it stops
    qtbot.waitUntil(lambda: sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"])
    assert (cell(dialog, 0, STATUS), cell(dialog, 0, PROGRESS)) == ("Ready", "")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing runs: Esc closes
    assert not dialog.isVisible()


def test_closing_the_dialog_cancels_its_tasks(
    qtbot: Any, runner: TaskRunner, mocked: Callable[[Handler], RemoteExports], tmp_path: Path
) -> None:
    slow = SlowFile()
    polled: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/download"):
            return httpx.Response(200, stream=slow)
        if request.url.path == "/analytics/export/exp_1":
            return envelope(job("ready"))
        if request.url.path == "/analytics/export/exp_2":
            polled.append(request.url.path)
            return envelope(job("processing") | {"exportId": "exp_2"})
        if request.method == "POST":
            body = json.loads(request.content)
            name = "exp_1" if body.get("period") == "30d" else "exp_2"
            status = "ready" if name == "exp_1" else "processing"
            return envelope(job(status) | {"exportId": name})
        return envelope({"topVideos": []})

    dialog = dialog_for(qtbot, mocked(answer), runner)
    create_ready_job(qtbot, dialog)
    dialog.ask_download_path = lambda suggested: tmp_path / "out.csv"  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("7d"))
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2 and bool(polled))
    assert slow.started.wait(PATIENCE_S)
    assert dialog.downloading and dialog.poll_timer.isActive()

    dialog.close()
    assert not dialog.isVisible()
    assert not dialog.poll_timer.isActive()
    assert not [t for t in runner.in_flight() if t.owner_id == id(dialog)]
    count = len(polled)
    qtbot.wait(400)  # four poll intervals: nobody asks any more
    assert len(polled) == count
    assert not (tmp_path / "out.csv").exists()


def test_sizes_and_download_progress_read_in_words(
    qtbot: Any, runner: TaskRunner, mocked: Callable[[Handler], RemoteExports]
) -> None:
    assert [format_size(n) for n in (1, 512, 2048, 150 * 1024, 2 * 1024 * 1024)] == [
        "1 byte",
        "512 bytes",
        "2.0 KB",
        "150 KB",
        "2.0 MB",
    ]
    server = ready_server(lambda: httpx.Response(200, content=b""))
    dialog = dialog_for(qtbot, mocked(server), runner)
    create_ready_job(qtbot, dialog)
    dialog.model.set_download("exp_1", 512 * 1024, 2 * 1024 * 1024)
    assert cell(dialog, 0, PROGRESS) == "512 KB of 2.0 MB (25 %)"
    assert cell(dialog, 0, STATUS) == "Ready · downloading"
    dialog.model.set_download(None)
    assert cell(dialog, 0, PROGRESS) == ""
    tip = str(dialog.model.index(0, STATUS).data(Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("exp_1: Videos · views, engagement, performance · last 30 days")
    dialog.close()


def test_polling_stops_quietly_once_the_runner_is_shut_down(
    qtbot: Any, mocked: Callable[[Handler], RemoteExports]
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" or request.url.path.startswith("/analytics/export/"):
            return envelope(job("processing"))
        return envelope({"topVideos": []})

    runner = TaskRunner()
    dialog = dialog_for(qtbot, mocked(answer), runner)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.poll_timer.isActive())
    runner.shutdown(wait=True)  # the application quits before the dialog is destroyed
    qtbot.waitUntil(lambda: not dialog.poll_timer.isActive())
    dialog.close()
    runner.deleteLater()
