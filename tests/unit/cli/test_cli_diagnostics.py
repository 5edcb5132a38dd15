"""The command line's --log-level and crash reports: a log file at the level asked, a bug told
in one line with the report's path (exit 70), never a traceback or a key."""

from __future__ import annotations

import logging
import logging.handlers
import sys

import httpx
import pytest

from explorer import cli, commands
from explorer.api.secrets import Secret
from explorer.services import app_dirs
from explorer.services.diagnostics import LOG_FILE
from tests.support.scenario import sessions
from tests.unit.conftest import Serve

KEY_VAR = "EXPLORER_TEST_KEY"
CRASH_KEY = "cliCrash-Wm4Ty7Ui1Op3As6Df9"


@pytest.fixture
def connection(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    api: httpx.Client = serve(sessions())
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR]


def log_text() -> str:
    return (app_dirs.log_dir() / LOG_FILE).read_text(encoding="utf-8")


def test_debug_logs_each_request_to_the_log_file(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--log-level", "debug", "assets", "videos", *connection]) == 0
    err = capsys.readouterr().err
    text = log_text()
    assert "DEBUG explorer.api.http: POST /auth/api-key answered 200 in" in text
    assert "DEBUG explorer.api.http: GET /videos answered 200 in" in text
    assert "sandbox-local-key" not in text and "explorer.api" not in err  # the file, not stderr
    handlers = logging.getLogger().handlers  # taken down after the command
    assert not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in handlers)


def test_the_default_level_leaves_debug_lines_out(
    connection: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXPLORER_LOG_LEVEL", raising=False)
    assert cli.main(["assets", "videos", *connection]) == 0
    assert not (app_dirs.log_dir() / LOG_FILE).exists() or "DEBUG" not in log_text()
    monkeypatch.setenv("EXPLORER_LOG_LEVEL", "debug")
    assert cli.main(["assets", "videos", *connection]) == 0
    assert "GET /videos answered 200" in log_text()


def test_an_unknown_level_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--log-level", "loud", "assets", "videos"])
    assert exited.value.code == 2
    assert "--log-level: invalid choice: 'loud'" in capsys.readouterr().err


def test_a_bug_writes_a_crash_report_and_says_so_in_one_line(
    connection: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    Secret(CRASH_KEY)  # a key the app holds, as every key it holds is wrapped

    def broken(args: object) -> None:
        raise ZeroDivisionError(f"a bug near {CRASH_KEY}")

    monkeypatch.setattr(commands, "run_assets", broken)
    hooks = sys.excepthook
    assert cli.main(["assets", "videos", *connection]) == cli.EXIT_CRASH == 70
    assert sys.excepthook is hooks  # put back
    err = capsys.readouterr().err
    [report] = sorted(app_dirs.log_dir().glob("crash-*.txt"))
    assert err == (
        "analytics-explorer: unexpected error: ZeroDivisionError: a bug near [redacted] "
        f"(a crash report is in {report})\n"
    )
    text = report.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in broken" in text
    assert CRASH_KEY not in text and CRASH_KEY not in log_text()
    assert "unexpected error, crash report:" in log_text()
