"""`analytics-explorer sandbox` as a person runs it: where it serves, answers, stops on signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from explorer.cli import build_parser


def start(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    """The sandbox on a pinned clock with a known key (`serve_with` for the key options)."""
    return serve_with(
        tmp_path, "--now", "2026-03-10T12:00:00+00:00", "--api-key", "cli-test-key", *extra
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


def serve_with(tmp_path: Path, *options: str, **env: str) -> subprocess.Popen[str]:
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
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def answers_with(process: subprocess.Popen[str]) -> tuple[str, str]:
    """(base URL, what the key line says), read as a person would."""
    assert process.stdout is not None
    base_url = process.stdout.readline().strip().removeprefix("base URL: ")
    return base_url, process.stdout.readline().strip().removeprefix("API key: ")


def command_line(process: subprocess.Popen[str]) -> str:
    """What every user of the machine sees of the process (ps, /proc)."""
    return Path(f"/proc/{process.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_a_key_is_generated_by_default_and_never_in_the_process_list(tmp_path: Path) -> None:
    process = serve_with(tmp_path)
    try:
        base_url, key = answers_with(process)
        assert len(key) >= 32 and key != "sandbox-local-key"
        assert key not in command_line(process)
        assert httpx.get(f"{base_url}/videos", auth=(key, "")).status_code == 200
        assert httpx.get(f"{base_url}/videos", auth=("sandbox-local-key", "")).status_code == 401
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()
    again = serve_with(tmp_path)
    try:
        assert answers_with(again)[1] != key  # a new key each run
    finally:
        again.kill()
        again.wait()


def test_the_key_from_an_environment_variable(tmp_path: Path) -> None:
    process = serve_with(
        tmp_path, "--api-key-env", "SANDBOX_TEST_KEY", SANDBOX_TEST_KEY="env-key-1"
    )
    try:
        base_url, said = answers_with(process)
        assert "SANDBOX_TEST_KEY" in said and "env-key-1" not in said
        assert "env-key-1" not in command_line(process)
        assert httpx.get(f"{base_url}/videos", auth=("env-key-1", "")).status_code == 200
        process.send_signal(signal.SIGHUP)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()


def test_an_unset_key_variable_is_a_usage_error(tmp_path: Path) -> None:
    process = serve_with(tmp_path, "--api-key-env", "SANDBOX_NO_SUCH_VARIABLE")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "SANDBOX_NO_SUCH_VARIABLE is empty or not set" in err


def test_the_help_warns_that_api_key_shows_in_the_process_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["sandbox", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--api-key-env" in text and "process list" in text
