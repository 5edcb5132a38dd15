"""The secret scan: after a whole run with a known key, no file, export or log line holds a secret.

The GUI run goes through `run_gui` at debug level: the key is typed into the Accounts dialog,
tested, saved, the app switches to the account (a local sandbox that accepts only that key and
hands out short-lived tokens, so they are renewed during the run), runs queries, exports a
result (Ctrl+E) and a period of sessions, logs careless lines and crashes twice (on the GUI
thread and on a worker, with the key and a token in the message and in the frames' locals).
Then every file under the profile's config, data, cache and log dirs, every export, every
captured log record and every crash message is read: none may hold the key (plain or as HTTP
Basic sends it) or any access or refresh token the sandbox issued. The command-line variant
does the same through subprocesses, scanning their stdout and stderr too.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from explorer.app import run_gui
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame
from explorer.domain.query import Query
from explorer.sandbox.database import open_dataset
from explorer.sandbox.server import SandboxService
from explorer.services import app_dirs
from explorer.services.accounts import Account, AccountBook
from explorer.services.diagnostics import LOG_FILE, CrashReport
from explorer.services.vault import SERVICE
from explorer.ui.main_window import MainWindow
from explorer.ui.sessions.sessions_view import SessionsView
from tests.e2e.conftest import Profile
from tests.memory_keyring import MemoryKeyring

KEY = "scanKEY-Vq3Xr8Kt1Wm6Zp4Ly9Hb2Nd7Fc5Gj0Sa"  # distinctive: found only where it leaked
WRONG_KEY = "scanWRONG-Pe5Tu2Io8Qa1Sd4Fg7Hj0Kl3"
TOKEN_TTL_S = 61  # the client renews a token 60 s before it expires: after 1 s here
CRASH = "forced crash"
REPO = Path(__file__).resolve().parents[2]


# --- the sandbox that knows the key, and what it issued ------------------------------------


@dataclass
class KeySandbox:
    service: SandboxService
    tokens: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def secrets(self) -> set[str]:
        """The key, what HTTP Basic would send for it, and every token handed out."""
        basic = base64.b64encode(f"{KEY}:".encode()).decode()
        with self.lock:
            return {KEY, basic, *self.tokens}


@pytest.fixture
def key_sandbox(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeySandbox]:
    """A sandbox over the small dataset (in the profile's own cache) accepting only KEY."""
    monkeypatch.setenv("XDG_STATE_HOME", str(profile.root / "state"))  # the log dir, ours too
    service = SandboxService(open_dataset(1, "small"), api_key=KEY, token_ttl_s=TOKEN_TTL_S)
    sandbox = KeySandbox(service)
    issue = service.auth._issue

    def recording() -> dict[str, Any]:
        answer = issue()
        with sandbox.lock:
            sandbox.tokens += [answer["access_token"], answer["refresh_token"]]
        return answer

    monkeypatch.setattr(service.auth, "_issue", recording)
    service.start()
    yield sandbox
    service.stop()


# --- the scan ---------------------------------------------------------------------------------


def leaks(secrets: set[str], named_texts: Iterable[tuple[str, bytes]]) -> list[str]:
    """Where any secret turns up (as UTF-8 or UTF-16), as "name: secret…" lines."""
    found = []
    for name, data in named_texts:
        for secret in secrets:
            if secret.encode() in data or secret.encode("utf-16-le") in data:
                found.append(f"{name}: {secret[:8]}…")
    return found


def files_under(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())


def read_all(paths: Iterable[Path]) -> list[tuple[str, bytes]]:
    return [(str(p), p.read_bytes()) for p in paths]


def profile_dirs(profile: Profile) -> list[Path]:
    """The app's config, data, cache and log dirs, checked to lie in the profile."""
    dirs = app_dirs.all_dirs()
    for folder in dirs:
        assert profile.root in folder.parents, folder
    return dirs


def test_the_scan_itself_finds_a_planted_secret(tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text(f"look: {KEY}", encoding="utf-16")
    sandbox = KeySandbox(service=None)  # type: ignore[arg-type]
    assert leaks(sandbox.secrets(), read_all([canary])) == [f"{canary}: {KEY[:8]}…"]
    assert leaks(sandbox.secrets(), [("clean", b"look: [redacted]")]) == []


# --- the GUI run --------------------------------------------------------------------------------


def the_window() -> MainWindow:
    [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return window


def idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.in_flight())


def add_and_use_the_account(qtbot: Any, window: MainWindow, base_url: str) -> None:
    qtbot.waitUntil(lambda: window.accounts is not None)
    dialog = window.open_accounts()
    assert dialog is not None
    idle(qtbot, window)
    dialog.start_new()
    dialog.name.setText("Scan")
    dialog.environment.setCurrentIndex(dialog.environment.findData("custom"))
    dialog.url.setText(base_url)
    dialog.key.setText(KEY)
    dialog.test_button.click()  # the real auth call, with the typed key
    idle(qtbot, window)
    assert dialog.status.text().startswith(f"Connected to {base_url}: the key works")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.status.text() == "Saved Scan.")
    assert dialog.key.text() == ""
    dialog.use_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None and window.workspace.label == "Scan")
    idle(qtbot, window)


def run_every_kind_of_query(qtbot: Any, window: MainWindow) -> None:
    builder = window.builder
    for button in builder.kind_buttons.buttons():
        button.click()
        assert builder.problems() == [], builder.problems()
        builder.run_button.click()
        page = window.results.current_page()
        assert page is not None
        qtbot.waitUntil(lambda page=page: not page.running)
        assert page.result is not None, page.header.text()


def busiest_video(window: MainWindow) -> str:
    """The video (not a live stream) with the most plays over the builder's range."""
    workspace = window.workspace
    assert workspace is not None
    videos = {v.asset_id for v in workspace.load_assets().of_kind("video")}
    start, end = window.builder.time_range.resolve()
    plays = workspace.run_query(
        Query(endpoint=Endpoint.BUCKETS, metric="play", breakdown="media-id", start=start, end=end)
    )
    assert isinstance(plays, BucketFrame)
    ranked = [str(d) for d in plays.sorted_by("value").dimensions if str(d) in videos]
    assert ranked, "no video was played over the range"
    return ranked[0]


def export_result_and_sessions(qtbot: Any, window: MainWindow, exports: Path) -> None:
    result_csv, sessions_csv = exports / "result.csv", exports / "sessions.csv"
    window.ask_export_path = lambda suggested: result_csv  # type: ignore[method-assign]
    window.export_action.trigger()  # Ctrl+E
    idle(qtbot, window)
    assert result_csv.stat().st_size > 0, window.status.currentMessage()
    view = window.open_sessions(busiest_video(window), "video", "busiest")
    assert isinstance(view, SessionsView)
    qtbot.waitUntil(lambda: view.listing is not None)
    view.ask_export_path = lambda suggested: sessions_csv  # type: ignore[method-assign]
    view.export_period()
    idle(qtbot, window)
    assert sessions_csv.stat().st_size > 0, window.status.currentMessage()


def crash_with_secrets(token: str) -> None:
    """Raise with the key and a token in the message and in this frame's locals."""
    key, bearer = KEY, f"Bearer {token}"  # noqa: F841 (locals a careless report would show)
    raise RuntimeError(f"{CRASH} with key {KEY} and token {token}")


def crash_twice(qtbot: Any, token: str, shown: list[CrashReport]) -> None:
    try:
        crash_with_secrets(token)
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)  # as Qt does for a slot
    worker = threading.Thread(target=crash_with_secrets, args=(token,), name="scan-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown) == 2)


def log_carelessly(token: str) -> None:
    careless = logging.getLogger("explorer.scan")
    careless.debug("a careless line: key %s, token %s", KEY, token)
    try:
        crash_with_secrets(token)
    except RuntimeError:
        careless.exception("a careless traceback for %s", KEY)


def drive(qtbot: Any, sandbox: KeySandbox, exports: Path, shown: list[CrashReport]) -> None:
    window = the_window()
    qtbot.waitUntil(lambda: window.workspace is not None)  # the demo
    idle(qtbot, window)
    add_and_use_the_account(qtbot, window, sandbox.service.base_url)
    run_every_kind_of_query(qtbot, window)
    export_result_and_sessions(qtbot, window, exports)
    qtbot.wait(1200)  # past the token's renewal time: the next request renews it
    run_every_kind_of_query(qtbot, window)
    with sandbox.lock:
        token = sandbox.tokens[-2]  # the access token in use
    log_carelessly(token)
    crash_twice(qtbot, token, shown)


@pytest.mark.qt_no_exception_capture  # the app's own crash handler is under test here
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_no_file_export_or_log_line_holds_the_key_or_a_token(
    qtbot: Any,
    profile: Profile,
    key_sandbox: KeySandbox,
    memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    config = profile.folder("XDG_CONFIG_HOME") / "analytics-explorer"
    config.mkdir()
    settings = QSettings(str(config / "settings.ini"), QSettings.Format.IniFormat)
    exports = tmp_path / "exports"
    exports.mkdir()
    shown: list[CrashReport] = []
    failures: list[BaseException] = []

    def session() -> None:
        try:
            drive(qtbot, key_sandbox, exports, shown)
        except BaseException as error:  # re-raised below, once the application has quit
            failures.append(error)
        finally:
            the_window().close()

    QTimer.singleShot(0, session)
    args = argparse.Namespace(log_level="debug")
    code = run_gui(args, settings=settings, show_crash=shown.append)
    if failures:
        raise failures[0]
    assert code == 0

    # the run did what it says: key in the keyring only, tokens renewed, two crash reports
    [account] = AccountBook()
    assert memory_keyring.passwords == {(SERVICE, account.id): KEY}
    secrets = key_sandbox.secrets()
    assert len(secrets) >= 2 + 2 * 3  # key, Basic, and the test's, the workspace's, a renewal
    assert [r.summary for r in shown] == [
        f"RuntimeError: {CRASH} with key [redacted] and token [redacted]"
    ] * 2
    assert {r.thread for r in shown} == {threading.main_thread().name, "scan-worker"}
    log_file = app_dirs.log_dir() / LOG_FILE
    log_text = log_file.read_text(encoding="utf-8")
    for line in (
        "signed in with the API key: got an access token",
        "renewed the access token",
        "GET /videos answered 200",
        "a careless line: key [redacted], token [redacted]",
        "Traceback (most recent call last)",
    ):
        assert line in log_text
    for report in shown:
        assert report.path is not None and report.path.parent == app_dirs.log_dir()
        assert f"{CRASH} with key [redacted]" in report.path.read_text(encoding="utf-8")

    # the scan
    scanned = files_under(*profile_dirs(profile), exports)
    names = {p.name for p in scanned}
    assert {LOG_FILE, "accounts.json", "settings.ini", "result.csv", "sessions.csv"} <= names
    assert any(n.endswith(".sqlite") for n in names)  # the sandbox's data in the cache
    texts = read_all(scanned)
    texts += [(f"log record {r.name}:{r.lineno}", record_text(r)) for r in caplog.records]
    texts += [("captured log text", caplog.text.encode())]
    texts += [(f"crash message {r.thread}", json.dumps(r.__dict__, default=str).encode())
              for r in shown]  # fmt: skip
    assert any(r.levelno == logging.DEBUG and "answered 200" in r.getMessage()
               for r in caplog.records)  # fmt: skip
    assert leaks(secrets, texts) == []


def record_text(record: logging.LogRecord) -> bytes:
    parts = [record.getMessage(), record.exc_text or "", record.stack_info or ""]
    parts += [str(v) for v in record.__dict__.values()]
    return "\n".join(parts).encode()


# --- the command line ------------------------------------------------------------------------


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "explorer", "--log-level", "debug", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_the_command_line_leaves_no_key_or_token_behind(
    profile: Profile, key_sandbox: KeySandbox, tmp_path: Path
) -> None:
    AccountBook().save(Account.new("Scan CLI", "apivideo", "custom", key_sandbox.service.base_url))
    exports = tmp_path / "exports"
    exports.mkdir()
    env = dict(os.environ)  # the profile's HOME and XDG dirs, set by the fixtures
    env.update(
        SCAN_KEY=KEY,
        SCAN_WRONG_KEY=WRONG_KEY,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # never the machine's keyring
    )
    env.pop("EXPLORER_LOG_LEVEL", None)
    account = ("--account", "Scan CLI", "--api-key-env", "SCAN_KEY")
    runs = [
        run_cli("query", "metrics", "play", "count", "--last", "7d", *account,
                "--format", "csv", "--out", str(exports / "metrics.csv"), env=env),
        run_cli("query", "buckets", "view", "country", "--last", "7d", *account,
                "--format", "json", env=env),
        run_cli("assets", "videos", *account, "--format", "json", env=env),
    ]  # fmt: skip
    assert [r.returncode for r in runs] == [0, 0, 0], [r.stderr for r in runs]
    video_id = json.loads(runs[2].stdout)["rows"][0]["video_id"]
    today = datetime.now(UTC).date().isoformat()
    runs.append(
        run_cli("sessions", "--video", str(video_id), "--period", today,
                "--with-events", *account, "--format", "csv",
                "--out", str(exports / "events.csv"), env=env)
    )  # fmt: skip
    wrong = ("--account", "Scan CLI", "--api-key-env", "SCAN_WRONG_KEY")
    runs.append(run_cli("assets", "videos", *wrong, env=env))
    assert runs[3].returncode == 0, runs[3].stderr
    assert runs[4].returncode == 3 and "API key" in runs[4].stderr, runs[4].stderr

    log_text = (app_dirs.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    assert "signed in with the API key: got an access token" in log_text
    assert re.search(
        r"^.* DEBUG explorer\.api\.http: GET /\S+ answered 200 in \d+ ms$", log_text, re.M
    )
    assert re.search(r"POST /auth/api-key answered 40[01] in \d+ ms", log_text)
    secrets = key_sandbox.secrets() | {WRONG_KEY}
    assert len(secrets) >= 3 + 2 * 4  # a sign-in per successful command
    scanned = files_under(*profile_dirs(profile), exports)
    assert {LOG_FILE, "accounts.json", "metrics.csv", "events.csv"} <= {p.name for p in scanned}
    texts = read_all(scanned)
    for n, run in enumerate(runs):
        texts += [
            (f"run {n} stdout", run.stdout.encode()),
            (f"run {n} stderr", run.stderr.encode()),
        ]
    assert leaks(secrets, texts) == []
