"""Signals end a command with a sentence and the shell's code (130, 143, 129), its temporary
file removed and the old file untouched; a killed run's temporary files are swept later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from explorer import commands
from tests.support.handmade import NOW
from tests.support.scenario import A, sessions
from tests.unit.conftest import Serve

REPO = Path(__file__).resolve().parents[3]
KEY_VAR = "EXPLORER_TEST_KEY"
SESSIONS = ["sessions", "--video", A, "--period", "2026-03-10", "--format", "csv"]
WAIT_S = 120  # generous: the machine may be busy


@pytest.fixture
def api(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> httpx.Client:
    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))
    return serve(sessions())


@pytest.fixture
def connection(api: httpx.Client) -> list[str]:
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR, "--tz", "UTC"]


def spawn(module: str, argv: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *argv],
        cwd=REPO,
        env={**os.environ, KEY_VAR: "sandbox-local-key", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"ended early ({process.returncode}): {process.communicate()}")
        assert time.monotonic() < deadline, "the command never got there"
        time.sleep(0.05)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name)


@pytest.mark.parametrize(
    ("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_at_the_final_write_removes_the_temporary_file(
    stop: signal.Signals, code: int, connection: list[str], tmp_path: Path
) -> None:
    target = tmp_path / "sessions.csv"
    target.write_text("precious\n")
    ready = tmp_path / "ready"
    process = spawn(
        "tests.unit.cli.slow_write",
        [*SESSIONS, "--out", str(target), *connection],
        SLOW_WRITE_READY=str(ready),
    )
    try:
        wait_for(ready.exists, process)
        assert len(temporaries(tmp_path)) == 1  # the export is under way, in its temporary file
        process.send_signal(stop)
        _, err = process.communicate(timeout=WAIT_S)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == code, err
    assert f"stopped by {stop.name}" in err and "Traceback" not in err, err
    assert target.read_text() == "precious\n"
    assert temporaries(tmp_path) == []


def test_ctrl_c_during_a_fetch_is_a_sentence_and_130(
    api: httpx.Client, connection: list[str]
) -> None:
    faults = api.service.faults  # type: ignore[attr-defined]
    arrived = threading.Event()
    pick = faults.pick

    def noted() -> object:
        arrived.set()
        return pick()

    faults.pick = noted
    faults.latency_ms = 30_000  # the request hangs in the sandbox
    process = spawn("explorer", [*SESSIONS, *connection])
    try:
        wait_for(arrived.is_set, process)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT_S)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, err
    assert "stopped by SIGINT (Ctrl+C)" in err and "Traceback" not in err, err
    assert out == ""


def test_a_killed_runs_temporary_file_is_swept_by_the_next_run(
    connection: list[str], tmp_path: Path
) -> None:
    target = tmp_path / "sessions.csv"
    ready = tmp_path / "ready"
    process = spawn(
        "tests.unit.cli.slow_write",
        [*SESSIONS, "--out", str(target), *connection],
        SLOW_WRITE_READY=str(ready),
    )
    try:
        wait_for(ready.exists, process)
    finally:
        process.kill()  # SIGKILL: nothing can clean up
        process.wait()
    left = temporaries(tmp_path)
    assert len(left) == 1
    other = tmp_path / ".other.csv.partial-abcd1234"  # another destination's: not ours to sweep
    other.write_text("x")
    os.utime(other, (0, 0))
    process = spawn("explorer", [*SESSIONS, "--out", str(target), *connection])
    _, err = process.communicate(timeout=WAIT_S)
    assert process.returncode == 0, err
    assert target.read_text().startswith("media_id,")
    assert temporaries(tmp_path) == [other.name]


def test_the_sweep_leaves_a_temporary_file_a_live_writer_holds(tmp_path: Path) -> None:
    from explorer.services.table_files import AtomicFile, sweep_stale_temporaries

    target = tmp_path / "report.csv"
    writing = AtomicFile(target)  # holds its lock while open
    os.utime(writing.temp, (0, 0))
    stale = tmp_path / ".report.csv.partial-zz99yy88"
    stale.write_text("left by a killed run")
    os.utime(stale, (0, 0))
    fresh = tmp_path / ".report.csv.partial-fresh123"
    fresh.write_text("written after this run began")
    lookalike = tmp_path / ".report.csv.partial-toolongname"
    lookalike.write_text("not tempfile's pattern")
    os.utime(lookalike, (0, 0))
    assert sweep_stale_temporaries(target) == [stale]
    assert writing.temp.exists() and fresh.exists() and lookalike.exists()
    writing.write("a\r\n")
    writing.commit()
    assert target.read_bytes() == b"a\r\n"
