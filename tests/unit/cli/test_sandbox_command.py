"""`analytics-explorer sandbox` as a person runs it: where it serves, answers, stops on signals."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest


def start(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "explorer",
            "sandbox",
            "--scale",
            "small",
            "--data-dir",
            str(tmp_path),
            "--now",
            "2026-03-10T12:00:00+00:00",
            "--api-key",
            "cli-test-key",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_a_signal(tmp_path: Path, stop: signal.Signals) -> None:
    process = start(tmp_path)
    try:
        assert process.stdout is not None
        base_line = process.stdout.readline().strip()
        key_line = process.stdout.readline().strip()
        assert base_line.startswith("base URL: http://127.0.0.1:")
        assert key_line == "API key: cli-test-key"
        base_url = base_line.removeprefix("base URL: ")
        answer = httpx.get(f"{base_url}/data/metrics/play/count", auth=("cli-test-key", ""))
        assert answer.status_code == 200
        assert answer.json()["context"]["timeframe"]["to"] == "2026-03-10T12:00:00+00:00"
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


def test_refuses_a_non_loopback_host(tmp_path: Path) -> None:
    process = start(tmp_path, "--host", "0.0.0.0")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "loopback" in err
