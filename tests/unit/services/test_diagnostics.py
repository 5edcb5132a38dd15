"""Diagnostics: the redacted rotating log, the level choice, crash reports and the hooks."""

from __future__ import annotations

import logging
import logging.handlers
import re
import stat
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from explorer import __version__
from explorer.api.auth import TokenAuth
from explorer.api.http import Http, RetryPolicy
from explorer.api.secrets import Secret
from explorer.services import app_dirs, diagnostics
from explorer.services.diagnostics import (
    LOG_FILE,
    CrashHandler,
    CrashReport,
    LogSetup,
    level_named,
    setup_logging,
    write_crash_report,
)

KEY = "Dg4kQ9vW2zX7mP1rT6yB3nC8hJ5sF0aL"  # random-looking: never turns up by chance
TOKEN = "dgAcc.Nf7Kq2Wx9Rm4Tz1Vb6"
REFRESH = "dgRef.Hs3Lp8Yc5Ge0Ju2Ow7"
WHEN = datetime(2026, 3, 10, 14, 5, 9, tzinfo=timezone(timedelta(hours=1)))
log = logging.getLogger("explorer.test_diagnostics")


@pytest.fixture(autouse=True)
def known_secrets() -> None:
    for value in (KEY, TOKEN, REFRESH):
        Secret(value)  # registers it with `redact`, as every credential in the app is


@pytest.fixture
def logs() -> Iterator[LogSetup]:
    setup = setup_logging("debug")
    yield setup
    setup.close()


def written(setup: LogSetup) -> str:
    setup.handler.flush()
    return setup.path.read_text(encoding="utf-8")


def raise_with(message: str) -> BaseException:
    """An exception carrying a traceback, whose frames hold the key in a local variable."""
    local_key = KEY  # noqa: F841 (a local a traceback with locals would show)
    try:
        try:
            raise KeyError(f"inner {TOKEN}")
        except KeyError as inner:
            raise RuntimeError(message) from inner
    except RuntimeError as error:
        return error


# --- levels ---------------------------------------------------------------------------------


def test_levels_are_named_in_words() -> None:
    assert level_named("debug") == logging.DEBUG and level_named(" WARNING ") == logging.WARNING
    with pytest.raises(ValueError, match="choose one of debug, info, warning"):
        level_named("verbose")


def test_the_level_comes_from_the_flag_then_the_variable_then_the_default(tmp_path: Path) -> None:
    setup = setup_logging("warning", directory=tmp_path, environ={"EXPLORER_LOG_LEVEL": "debug"})
    assert setup.level == logging.WARNING
    setup = setup_logging(None, directory=tmp_path, environ={"EXPLORER_LOG_LEVEL": "debug"})
    assert setup.level == logging.DEBUG
    setup = setup_logging(None, directory=tmp_path, environ={})
    assert setup.level == logging.INFO
    setup.close()


def test_a_bad_variable_falls_back_to_the_default_and_says_so(tmp_path: Path) -> None:
    setup = setup_logging(None, directory=tmp_path, environ={"EXPLORER_LOG_LEVEL": "loud"})
    try:
        assert setup.level == logging.INFO
        assert "EXPLORER_LOG_LEVEL='loud' is not a log level; using info" in written(setup)
    finally:
        setup.close()


# --- the file -------------------------------------------------------------------------------


def test_the_log_goes_to_the_log_dir_rotating(logs: LogSetup) -> None:
    assert logs.path == app_dirs.log_dir() / LOG_FILE
    assert isinstance(logs.handler, logging.handlers.RotatingFileHandler)
    assert logs.handler.maxBytes == 2 * 1024 * 1024 and logs.handler.backupCount == 3
    log.debug("a debug line %d", 7)
    log.info("an info line")
    text = written(logs)
    assert re.search(r" DEBUG explorer\.test_diagnostics: a debug line 7$", text, re.M), text
    assert "INFO explorer.test_diagnostics: an info line" in text


def test_nothing_is_written_below_the_level(tmp_path: Path) -> None:
    setup = setup_logging("warning", directory=tmp_path)
    try:
        log.info("not this")
        log.warning("but this")
        assert "not this" not in written(setup) and "but this" in written(setup)
    finally:
        setup.close()


def test_secrets_in_arguments_exceptions_and_stacks_are_redacted(
    logs: LogSetup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    log.info("signed in with %s, got %s", KEY, {"access_token": TOKEN})
    log.warning("header Bearer %s", "a-token-nobody-registered")
    log.error("it failed", exc_info=raise_with(f"refused {KEY} (refresh {REFRESH})"))
    log.info("where am I %s", KEY, stack_info=True)
    log.info("a broken format %s %s", KEY)  # one argument short: kept as text, redacted
    text = written(logs)
    for secret in (KEY, TOKEN, REFRESH, "a-token-nobody-registered"):
        assert secret not in text
        assert secret not in caplog.text  # any other handler gets the scrubbed record too
        for record in caplog.records:
            assert secret not in record.getMessage() and secret not in (record.exc_text or "")
            assert secret not in (record.stack_info or "")
    assert "signed in with [redacted], got {'access_token': '[redacted]'}" in text
    assert "header Bearer [redacted]" in text
    assert "RuntimeError: refused [redacted] (refresh [redacted])" in text
    assert "KeyError: 'inner [redacted]'" in text  # the chained cause too
    assert "The above exception was the direct cause" in text  # the traceback is kept
    assert "Stack (most recent call last)" in text
    assert "a broken format" in text
    assert all(r.exc_info is None and r.args == () for r in caplog.records)


def test_the_formatter_redacts_the_whole_line() -> None:
    formatter = diagnostics.RedactingFormatter("%(message)s %(custom)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    record.custom = f"extra={KEY}"
    assert formatter.format(record) == "hello extra=[redacted]"


def test_closing_puts_everything_back(tmp_path: Path) -> None:
    root = logging.getLogger()
    handlers, level, factory = list(root.handlers), root.level, logging.getLogRecordFactory()
    httpx_level = logging.getLogger("httpx").level
    setup = setup_logging("debug", directory=tmp_path)
    assert logging.getLogRecordFactory() is not factory
    assert logging.getLogger("httpx").level == logging.WARNING  # whole URLs: not at debug
    assert root.level == logging.DEBUG and setup.handler in root.handlers
    setup.close()
    setup.close()  # twice is harmless
    assert root.handlers == handlers and root.level == level
    assert logging.getLogRecordFactory() is factory
    assert logging.getLogger("httpx").level == httpx_level
    record = logging.getLogRecordFactory()("x", logging.INFO, __file__, 1, "%s", (KEY,), None)
    assert record.args == (KEY,)  # no longer scrubbed: the set-up is gone


def test_a_second_set_up_replaces_the_first(tmp_path: Path) -> None:
    first = setup_logging("debug", directory=tmp_path / "a")
    second = setup_logging("info", directory=tmp_path / "b")
    try:
        assert first.handler not in logging.getLogger().handlers
        log.info("once")
        assert written(second).count("once") == 1
        assert not first.path.exists()
    finally:
        second.close()
        first.close()  # already replaced: must not undo the second's factory twice


# --- requests and tokens at debug -------------------------------------------------------------


def token_server(request: httpx.Request) -> httpx.Response:
    if request.url.path.startswith("/auth/"):
        body = {"access_token": TOKEN, "refresh_token": REFRESH, "expires_in": 61}
        return httpx.Response(200, json=body)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    return httpx.Response(200, json={"data": [], "echo": request.headers["Authorization"]})


def test_requests_are_logged_with_method_path_status_and_time_never_credentials(
    logs: LogSetup,
) -> None:
    clock = [1000.0]
    http = Http(
        "https://api.test",
        TokenAuth(Secret(KEY), clock=lambda: clock[0]),
        transport=httpx.MockTransport(token_server),
        retry=RetryPolicy(attempts=1),
    )
    try:
        http.get_json("/videos", {"pageSize": "1", "apiKey": "not-in-the-log"})
        clock[0] += 2  # past expires_in - 60 s: the next call refreshes
        http.get_json("/videos")
    finally:
        http.close()
    text = written(logs)
    assert re.search(r"POST /auth/api-key answered 200 in \d+ ms", text), text
    assert re.search(r"GET /videos answered 200 in \d+ ms", text)
    assert "signed in with the API key: got an access token" in text
    assert "renewed the access token" in text
    for secret in (KEY, TOKEN, REFRESH, "not-in-the-log", "pageSize", "Authorization"):
        assert secret not in text


# --- crash reports ----------------------------------------------------------------------------


def test_a_crash_report_names_version_platform_and_traceback_redacted(tmp_path: Path) -> None:
    error = raise_with(f"boom with {KEY} and token {TOKEN}")
    report = write_crash_report(error, thread="worker-1", directory=tmp_path, now=WHEN)
    assert report.path == tmp_path / "crash-20260310T140509.txt"
    assert report.summary == "RuntimeError: boom with [redacted] and token [redacted]"
    text = report.path.read_text(encoding="utf-8")
    assert text.startswith("Analytics Explorer crash report\nWhen: 2026-03-10T14:05:09+01:00\n")
    assert f"Version: {__version__}\n" in text and "\nPlatform: " in text
    assert "Thread: worker-1" in text and "Traceback (most recent call last):" in text
    assert 'raise KeyError(f"inner {TOKEN}")' in text and "in raise_with" in text
    assert "RuntimeError: boom with [redacted] and token [redacted]" in text
    for secret in (KEY, TOKEN):
        assert secret not in text  # not the message, not the locals (never written)
    assert stat.S_IMODE(report.path.stat().st_mode) == 0o600


def test_reports_in_the_same_second_do_not_overwrite_each_other(tmp_path: Path) -> None:
    paths = [
        write_crash_report(ValueError(str(n)), directory=tmp_path, now=WHEN).path for n in range(3)
    ]
    assert [p.name for p in paths if p] == [
        "crash-20260310T140509.txt",
        "crash-20260310T140509-2.txt",
        "crash-20260310T140509-3.txt",
    ]
    assert paths[2] is not None and paths[2].read_text().rstrip().endswith("ValueError: 2")


def test_a_report_that_cannot_be_written_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    report = write_crash_report(ValueError(KEY), directory=blocker / "logs")
    assert report.path is None and report.summary == "ValueError: [redacted]"
    assert report.problem.startswith("the report could not be written: ")


def test_the_handler_hooks_sys_and_threads_and_puts_them_back(tmp_path: Path) -> None:
    seen: list[CrashReport] = []
    before_sys, before_thread = sys.excepthook, threading.excepthook
    handler = CrashHandler(seen.append, directory=tmp_path).install()
    try:
        assert sys.excepthook != before_sys and threading.excepthook != before_thread
    finally:
        handler.uninstall()
    assert sys.excepthook == before_sys and threading.excepthook == before_thread


def test_an_uncaught_error_is_reported_logged_and_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)  # as in the real app
    seen: list[CrashReport] = []
    handler = CrashHandler(seen.append, directory=tmp_path).install()
    error = raise_with(f"uncaught {KEY}")
    try:
        sys.excepthook(type(error), error, error.__traceback__)
    finally:
        handler.uninstall()
    [report] = seen
    assert report.path is not None and report.path.parent == tmp_path
    assert report.thread == threading.current_thread().name
    assert "uncaught [redacted]" in report.path.read_text()
    [record] = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert record.getMessage() == f"unexpected error, crash report: {report.path}"


def test_a_custom_previous_hook_still_runs_but_not_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    called: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: called.append(kind))
    handler = CrashHandler(directory=tmp_path).install()
    try:
        sys.excepthook(ValueError, ValueError("x"), None)
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)  # no report for Ctrl+C
    finally:
        handler.uninstall()
    assert called == [ValueError, KeyboardInterrupt]
    assert len(handler.reports) == 1
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    handler = CrashHandler(directory=tmp_path).install()
    try:
        sys.excepthook(ValueError, ValueError(f"quiet {KEY}"), None)
    finally:
        handler.uninstall()
    assert capsys.readouterr().err == ""  # no traceback on stderr: the report holds it


def test_a_crash_in_a_thread_is_reported_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)
    seen: list[CrashReport] = []
    handler = CrashHandler(seen.append, directory=tmp_path).install()

    def crash() -> None:
        raise OSError(f"worker lost {TOKEN}")

    def leave() -> None:
        raise SystemExit(3)  # a thread may end like this: not a crash

    try:
        for target, name in ((crash, "fetcher"), (leave, "leaver")):
            thread = threading.Thread(target=target, name=name)
            thread.start()
            thread.join()
    finally:
        handler.uninstall()
    [report] = seen
    assert report.thread == "fetcher" and report.summary == "OSError: worker lost [redacted]"
    assert report.path is not None and "Thread: fetcher" in report.path.read_text()


def test_reports_stop_after_the_limit_and_a_failing_notify_is_contained(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def notify(report: CrashReport) -> None:
        raise RuntimeError("no display")

    handler = CrashHandler(notify, directory=tmp_path, limit=2)
    results = [handler.report(ValueError(str(n))) for n in range(4)]
    assert [r is not None for r in results] == [True, True, False, False]
    assert len(list(tmp_path.glob("crash-*.txt"))) == 2
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("could not show the crash report: no display") == 2
    assert messages.count("another unexpected error (2 already reported)") == 2
