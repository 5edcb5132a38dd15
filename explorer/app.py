"""The composition root: the Qt application, settings, the task runner, the workspace, the window.

The window shows at once; the workspace (the built-in sandbox, whose dataset may take seconds
to generate on first launch) is built on a worker. The chart views and pyqtgraph are not
imported on the way to an interactive window: a worker loads them once the asset tree shows
(``explorer.ui.charts.chart_preload``). On quit, in this order: cancel every task,
shut the executor down (queued work dropped), close the workspace (its HTTP client and
sandbox), join the workers, and only then destroy the widgets.

Four environment variables, for tests, benchmarks and demonstrations:

* ``EXPLORER_SANDBOX_SCALE`` (small, default or large): the size of the built-in sandbox's
  simulated project; ``small`` generates in well under a second on a fresh profile.
* ``EXPLORER_SANDBOX_FLAVOR`` (apivideo, the default, or videocloud): which API the built-in
  sandbox speaks, and so which data source the demo is (the same window serves both).
* ``EXPLORER_SANDBOX_NOW`` (an RFC 3339 instant with its offset, e.g. 2026-03-10T13:00:00Z):
  pins the built-in sandbox's clock, and so the demo's now: the same answers at every run.
* ``EXPLORER_EXIT_WHEN_READY=1``: once the window is shown with the workspace's asset tree
  loaded, print ``READY_LINE`` on stdout and quit (exit code 0): how long the app takes to
  become interactive, measured from outside.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from explorer.domain.cancel import NEVER_CANCELLED, Cancelled, CancelToken
from explorer.sandbox.clock import instant_ms
from explorer.services.connection import SandboxOptions
from explorer.services.source import DataSource
from explorer.ui.bridge.gui_collector import collect_on_gui_thread
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.charts.chart_preload import preload_charts_later
from explorer.ui.common.app_icon import app_icon
from explorer.ui.main_window import MainWindow

if TYPE_CHECKING:
    from explorer.services.account_manager import AccountManager
    from explorer.store import Store

ORGANIZATION = "analytics-explorer"
APPLICATION = "analytics-explorer"
LAST_WORKSPACE_SETTING = "workspace/last"  # "" for the demo, else the account's id
STARTING_DEMO = "Starting the built-in sandbox…"
SCALE_VARIABLE = "EXPLORER_SANDBOX_SCALE"
FLAVOR_VARIABLE = "EXPLORER_SANDBOX_FLAVOR"
NOW_VARIABLE = "EXPLORER_SANDBOX_NOW"
EXIT_WHEN_READY_VARIABLE = "EXPLORER_EXIT_WHEN_READY"
READY_LINE = "analytics-explorer: interactive"

WorkspaceFactory = Callable[[], DataSource]


def demo_factory(environ: Mapping[str, str] = os.environ) -> WorkspaceFactory:
    """The built-in sandbox at the scale ``EXPLORER_SANDBOX_SCALE`` names (default: default),
    speaking the API ``EXPLORER_SANDBOX_FLAVOR`` names (default: api.video's)."""
    scale = environ.get(SCALE_VARIABLE, "").strip() or SandboxOptions.scale
    flavor = environ.get(FLAVOR_VARIABLE, "").strip() or SandboxOptions.flavor
    now = environ.get(NOW_VARIABLE, "").strip()

    def build() -> DataSource:
        from explorer.sandbox.simulator import SCALES
        from explorer.services.apivideo_source import ApiVideoSource
        from explorer.services.videocloud_source import VideoCloudSource

        if scale not in SCALES:
            raise ValueError(f"{SCALE_VARIABLE}={scale!r}: choose one of {', '.join(SCALES)}")
        demos = {"apivideo": ApiVideoSource.demo, "videocloud": VideoCloudSource.demo}
        if flavor not in demos:
            raise ValueError(f"{FLAVOR_VARIABLE}={flavor!r}: choose one of {', '.join(demos)}")
        return demos[flavor](SandboxOptions(scale=scale, now_ms=_pinned_ms(now)))

    return build


def _pinned_ms(text: str) -> int | None:
    if not text:
        return None
    try:
        return instant_ms(text)
    except ValueError as error:
        raise ValueError(f"{NOW_VARIABLE}={error}") from None


class Explorer:
    """Owns the runner, the window and the workspace, and takes them down in order.

    The workspace is the demo (built by ``factory``) or a saved account (opened through the
    account manager, whose book and keyring are read on a worker); the choice is remembered.
    Switching drops the old workspace's tasks, closes it on a worker and opens the new one;
    a workspace built for a choice already abandoned is closed, never shown.
    """

    def __init__(
        self,
        settings: QSettings,
        factory: WorkspaceFactory,
        starting: str = STARTING_DEMO,
        *,
        store: bool = True,
    ) -> None:
        self._factory = factory
        self._starting = starting
        self.settings = settings
        self._lock = threading.Lock()
        self._workspace: DataSource | None = None  # whatever was built, even if never shown
        self._manager: AccountManager | None = None
        self._store: Store | None = None
        self._store_tried = not store  # the self-test keeps nothing
        self.store_notice: str | None = None  # what opening the store had to do, in words
        self._choice = str(settings.value(LAST_WORKSPACE_SETTING, "") or "")
        self._generation = 0
        self._retired: list[DataSource] = []  # switched away from, not closed yet
        self._closed = False
        self.runner = TaskRunner()
        self.window = MainWindow(settings, self.runner)
        self.window.workspace_requested.connect(self.switch)

    def start(self) -> None:
        self.window.show()
        self.window.assets_loaded.connect(self._on_window_assets_loaded)
        self._open(self._choice)
        self.runner.run(
            self._accounts, owner=self.window, slot="accounts", label="Reading the saved accounts",
            done=lambda manager: self.window.set_account_manager(manager, self._choice),
            failed=lambda error: self.window.status.showMessage(
                f"Saved accounts unavailable: {error}", 15000
            ),
        )  # fmt: skip

    def switch(self, choice: str) -> None:
        """Open the demo (``""``) or the account ``choice`` in place of the current workspace."""
        self._choice = choice
        self.settings.setValue(LAST_WORKSPACE_SETTING, choice)
        with self._lock:
            old, self._workspace = self._workspace, None
        self.window.leave_workspace("Switching…")
        if old is not None:
            self._retired.append(old)
            self.runner.run(self._retire, old, owner=self.runner, label="Closing")
        self._open(choice)

    def _retire(self, workspace: DataSource, cancel: CancelToken, progress: Any) -> None:
        """Worker side: close a workspace switched away from (once: quitting may race it)."""
        with self._lock:
            if workspace not in self._retired:
                return
            self._retired.remove(workspace)
        workspace.close()

    def _open(self, choice: str) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        text = self._starting if not choice else "Opening the account…"
        self.window.show_connecting(text)
        self.runner.run(
            self._build_workspace, choice, generation, owner=self.window, slot="workspace",
            label=text, done=self._on_workspace_built, failed=self.window.show_connection_failure,
        )  # fmt: skip

    def _accounts(self, cancel: CancelToken, progress: Any) -> AccountManager:
        """Worker side: the account book (a file) and the keyring, read once."""
        with self._lock:
            if self._manager is None:
                from explorer.services.account_manager import AccountManager
                from explorer.services.accounts import AccountBook
                from explorer.services.vault import Vault

                self._manager = AccountManager(AccountBook(), Vault())
            return self._manager

    def _open_store(self) -> Store | None:
        """Worker side: the local store, opened once; None (and a notice) if it cannot be."""
        with self._lock:
            if not self._store_tried:
                self._store_tried = True
                from explorer.store import StoreError, open_store

                try:
                    opened = open_store()
                except StoreError as error:
                    self.store_notice = f"Working without the local store: {error}"
                else:
                    self._store, self.store_notice = opened.store, opened.notice
            return self._store

    def _build_workspace(
        self, choice: str, generation: int, cancel: CancelToken, progress: Any
    ) -> DataSource:
        """Worker side: build, and hand over unless another choice or quitting came first."""
        workspace = self._accounts(cancel, progress).open(choice) if choice else self._factory()
        store = self._open_store()
        if store is not None:
            workspace.attach_store(store)
        with self._lock:
            if self._closed or generation != self._generation:
                workspace.close()
                raise Cancelled()
            self._workspace = workspace
        return workspace

    def _on_window_assets_loaded(self) -> None:
        """Interactive: now load the chart code, left out of start-up, on a worker (once)."""
        self.window.assets_loaded.disconnect(self._on_window_assets_loaded)
        preload_charts_later(self.runner)

    def _on_workspace_built(self, workspace: DataSource) -> None:
        self.window.set_workspace(workspace)
        if self._store is not None and self.window.store_admin is None:
            from explorer.services.store_admin import StoreAdmin

            self.window.store_admin = StoreAdmin(self._store)
        if self.store_notice:
            self.window.status.showMessage(self.store_notice, 20_000)
            self.store_notice = None

    def shutdown(self) -> None:
        """Cancel, stop the executor, close the workspace, join, then destroy the widgets."""
        self.window.save_state()  # also when quitting without closing the window (Ctrl+C)
        self.runner.cancel_all()
        self.runner.shutdown(wait=False)
        with self._lock:
            self._closed = True
            workspace, self._workspace = self._workspace, None
        if workspace is not None:
            workspace.close()
        self.runner.shutdown(wait=True)
        for retired in list(self._retired):  # their close was still queued: do it here
            self._retire(retired, NEVER_CANCELLED, None)
        if self._store is not None:
            self._store.close()
        self.window.hide()
        self.window.deleteLater()
        self.runner.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@contextmanager
def _quit_on_sigint(app: QApplication) -> Iterator[None]:
    """Ctrl+C in the terminal quits cleanly: Python handles signals only when it runs, so a
    timer lets it run a few times a second. The previous handler comes back afterwards."""
    previous = signal.signal(signal.SIGINT, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    try:
        yield
    finally:
        timer.stop()
        timer.deleteLater()
        signal.signal(signal.SIGINT, previous)


def _exit_when_ready(app: QApplication, explorer: Explorer) -> None:
    """Print ``READY_LINE`` and quit on the event loop's next turn after the assets show;
    exit with 1 if the workspace or its assets fail instead."""

    def ready() -> None:
        print(READY_LINE, flush=True)
        app.quit()

    def failed(error: BaseException) -> None:
        print(f"analytics-explorer: not ready: {error}", file=sys.stderr, flush=True)
        app.exit(1)

    explorer.window.assets_loaded.connect(lambda: QTimer.singleShot(0, ready))
    explorer.window.not_ready.connect(failed)


def run_gui(
    args: argparse.Namespace | None = None,
    *,
    workspace_factory: WorkspaceFactory | None = None,
    settings: QSettings | None = None,
    show_crash: Callable[[Any], object] | None = None,
) -> int:
    """Open the window on the built-in sandbox (or ``workspace_factory``); the exit code.
    Logs go to the log dir at ``args.log_level`` (else ``EXPLORER_LOG_LEVEL``); an uncaught
    error writes a crash report and is shown by ``show_crash`` (default: a message box)."""
    from explorer.services.diagnostics import CrashHandler, setup_logging  # lazy: start-up
    from explorer.ui.dialogs.crash_dialog import CrashNotifier

    logs = setup_logging(getattr(args, "log_level", None))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    notifier = CrashNotifier(show_crash)
    crashes = CrashHandler(notifier.notify).install()
    try:
        app.setOrganizationName(ORGANIZATION)
        app.setApplicationName(APPLICATION)
        app.setApplicationDisplayName("Analytics Explorer")
        app.setWindowIcon(app_icon())
        explorer = Explorer(
            settings or QSettings(ORGANIZATION, APPLICATION), workspace_factory or demo_factory()
        )
        if os.environ.get(EXIT_WHEN_READY_VARIABLE) == "1":
            _exit_when_ready(app, explorer)
        explorer.start()
        gc.freeze()  # start-up's objects live as long as the app: collections skip them
        collect_on_gui_thread()  # never on a worker, where it would destroy Qt objects
        with _quit_on_sigint(app):
            code = app.exec()
        explorer.shutdown()
    finally:
        crashes.uninstall()
        logs.close()
    return int(code)
