"""The composition root: the Qt application, settings, the task runner, the workspace, the window.

The window shows at once, before the API client, the models, the store or the sandbox are
imported; the workspace (the built-in sandbox, whose dataset takes seconds to generate on
first launch, said in words: "Preparing the demo data, 60%") is built on a worker. Meanwhile
the demo's tree as last stored is read from the local store and shown, so that a later launch
is interactive as soon as the window is; on a first launch the tree shows the demo's assets as
soon as the generator has made them (a chunk the workspace's task yields), while its sessions
are generated. The fresh lists replace either when they arrive. The
chart views and pyqtgraph are not imported on the way to an interactive window: a worker
loads them once the fresh asset tree shows (``explorer.ui.charts.chart_preload``). On quit,
in this order: cancel every task, shut the executor down (queued work dropped), close the
workspace (its HTTP client and sandbox), join the workers, and only then destroy the widgets.

Four environment variables, for tests, benchmarks and demonstrations:

* ``EXPLORER_SANDBOX_SCALE`` (small, default or large): the size of the built-in sandbox's
  simulated project; ``small`` generates in well under a second on a fresh profile.
* ``EXPLORER_SANDBOX_FLAVOR`` (apivideo, the default, or videocloud): which API the built-in
  sandbox speaks, and so which data source the demo is (the same window serves both).
* ``EXPLORER_SANDBOX_NOW`` (an RFC 3339 instant with its offset, e.g. 2026-03-10T13:00:00Z):
  pins the built-in sandbox's clock, and so the demo's now: the same answers at every run.
* ``EXPLORER_EXIT_WHEN_READY=1``: once the window is shown with the workspace's asset tree
  (the stored one, the one a first launch has just generated, or else the fresh one), print
  ``READY_LINE`` on stdout and quit (exit code 0, once the work under way is done): how long
  the app takes to become interactive, measured from outside. ``=steps`` also prints
  ``SHOWN_LINE`` once the window is shown, and each progress text the first launch shows
  while it generates the demo's data; ``=fresh`` waits for the freshly loaded tree instead
  of the stored (or first generated) one.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

# httpx imports its command line (click, rich: tens of milliseconds) whenever they are
# installed, as in a development environment; the app never uses it, so it is left out
# (httpx then defines a stub `main`). Before anything imports httpx.
sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]

# What the first paint needs besides Qt (numpy, pydantic, the domain) is imported before
# PySide6: once loaded, PySide6 reads the source of every module imported after it (its
# `__feature__` check, ui/bridge/feature_check.py); modules loaded before are not read.
import explorer.domain.frames  # noqa: E402, I001
import explorer.domain.query  # noqa: E402
import explorer.domain.report  # noqa: E402, F401

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from explorer.domain.cancel import (  # noqa: E402
    NEVER_CANCELLED,
    Cancelled,
    CancelToken,
    ProgressCallback,
    no_progress,
)
from explorer.ui.bridge.feature_check import lighten_feature_check  # noqa: E402

lighten_feature_check()  # before the imports below, and the worker's

from explorer.ui.bridge.gui_collector import collect_on_gui_thread  # noqa: E402
from explorer.ui.bridge.tasks import TaskRunner  # noqa: E402
from explorer.ui.charts.chart_preload import preload_charts_later  # noqa: E402
from explorer.ui.common.app_icon import app_icon  # noqa: E402
from explorer.ui.main_window import MainWindow  # noqa: E402

if TYPE_CHECKING:  # imported on a worker once the window shows, never before its first paint
    from explorer.services.account_manager import AccountManager
    from explorer.services.source import Assets, DataSource
    from explorer.store import Store

ORGANIZATION = "analytics-explorer"
APPLICATION = "analytics-explorer"
LAST_WORKSPACE_SETTING = "workspace/last"  # "" for the demo, else the account's id
STARTING_DEMO = "Starting the built-in sandbox…"
PREPARING_DEMO = "Preparing the demo data"  # first launch: "Preparing the demo data, 60%"
SCALE_VARIABLE = "EXPLORER_SANDBOX_SCALE"
FLAVOR_VARIABLE = "EXPLORER_SANDBOX_FLAVOR"
NOW_VARIABLE = "EXPLORER_SANDBOX_NOW"
EXIT_WHEN_READY_VARIABLE = "EXPLORER_EXIT_WHEN_READY"
READY_LINE = "analytics-explorer: interactive"
SHOWN_LINE = "analytics-explorer: window shown"  # EXPLORER_EXIT_WHEN_READY=steps
ACCOUNTS_AT_THE_LATEST_MS = 1000  # the saved accounts are read by then, tree or not

SourceFactory = Callable[[], "DataSource"]
DEMO_SCALE, DEMO_FLAVOR = "default", "apivideo"  # explorer.services.connection.SandboxOptions


class DemoFactory:
    """Builds the built-in sandbox at the scale ``EXPLORER_SANDBOX_SCALE`` names (default:
    default), speaking the API ``EXPLORER_SANDBOX_FLAVOR`` names (default: api.video's);
    ``progress`` hears how far generating its data is (on first launch: seconds), and
    ``first_assets`` (api.video's demo only) the assets as soon as they are generated."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.scale = environ.get(SCALE_VARIABLE, "").strip() or DEMO_SCALE
        self.flavor = environ.get(FLAVOR_VARIABLE, "").strip() or DEMO_FLAVOR
        self.now = environ.get(NOW_VARIABLE, "").strip()

    def __call__(
        self,
        progress: ProgressCallback = no_progress,
        first_assets: Callable[[Assets], object] | None = None,
    ) -> DataSource:
        from explorer.sandbox.scales import SCALES
        from explorer.services.connection import SandboxOptions
        from explorer.services.sources import keys, kind_named

        if self.scale not in SCALES:
            raise ValueError(f"{SCALE_VARIABLE}={self.scale!r}: choose one of {', '.join(SCALES)}")
        if self.flavor not in keys():
            known = ", ".join(keys())
            raise ValueError(f"{FLAVOR_VARIABLE}={self.flavor!r}: choose one of {known}")
        options = SandboxOptions(scale=self.scale, now_ms=_pinned_ms(self.now))
        if first_assets is not None and self.flavor == DEMO_FLAVOR:
            from explorer.services.sources.apivideo.source import ApiVideoSource

            return ApiVideoSource.demo(options, progress, first_assets)
        demo: DataSource = kind_named(self.flavor).demo(options, progress)
        return demo


def demo_factory(environ: Mapping[str, str] = os.environ) -> DemoFactory:
    """The built-in sandbox as the environment chooses it (see `DemoFactory`)."""
    return DemoFactory(environ)


def _pinned_ms(text: str) -> int | None:
    if not text:
        return None
    from explorer.sandbox.clock import instant_ms

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
        factory: SourceFactory,
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
        self._accounts_requested = False
        self.told: Callable[[str], object] = lambda text: None  # progress said in words
        self.runner = TaskRunner()
        self.window = MainWindow(settings, self.runner)
        self.window.workspace_requested.connect(self.switch)

    def start(self) -> None:
        self.window.show()
        self.window.assets_loaded.connect(self._on_window_assets_loaded)
        if not self._choice and not self._store_tried and self._factory_is_apivideo_demo():
            self.runner.run(
                self._stored_demo_assets, owner=self.window, slot="assets/first",
                label="Reading the stored assets", done=self.window.show_first_assets,
            )  # fmt: skip
        self._open(self._choice)
        # The switcher's list of saved accounts is not part of the first screen: it is read
        # once the tree shows (or the source fails, or a second has passed on a first launch
        # generating the demo's data), so that its imports do not delay the tree.
        self.window.assets_loaded.connect(self._read_accounts)
        self.window.not_ready.connect(self._read_accounts)
        QTimer.singleShot(ACCOUNTS_AT_THE_LATEST_MS, self._read_accounts)

    def _read_accounts(self, *_: object) -> None:
        if self._accounts_requested or self._closed:
            return
        self._accounts_requested = True
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
            progressed=self._on_workspace_progressed, yielded=self._on_workspace_yielded,
        )  # fmt: skip

    def _on_workspace_progressed(self, done: int, total: int) -> None:
        """The demo's data is being generated (first launch): say how far, in words."""
        if total > 0 and self._workspace is None:
            text = f"{PREPARING_DEMO}, {100 * done // total}%"
            self.window.show_connecting(text)
            self.told(text)

    def _on_workspace_yielded(self, chunks: list[Any]) -> None:
        """The demo's assets, generated before the rest of its data (first launch): the tree
        shows them while the sessions are generated; the workspace's own listing, the same
        titles in the same order, replaces them when it opens."""
        for label, assets in chunks:
            if self._workspace is None:
                self.window.show_first_assets((label, assets))

    def _factory_is_apivideo_demo(self) -> bool:
        return isinstance(self._factory, DemoFactory) and self._factory.flavor == "apivideo"

    def _stored_demo_assets(self, cancel: CancelToken, progress: Any) -> tuple[str, Assets] | None:
        """Worker side: the demo's tree as last stored, read while the sandbox starts (it needs
        the store and the models, not the HTTP client or the sandbox); None if none is."""
        store = self._open_store()
        if store is None:
            return None
        from explorer.services.apivideo_assets import DEMO_LABEL, stored_demo_assets

        assets = stored_demo_assets(store)
        return None if assets is None else (DEMO_LABEL, assets)

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
        self,
        choice: str,
        generation: int,
        cancel: CancelToken,
        progress: Any,
        deliver: Callable[[Any], None],
    ) -> DataSource:
        """Worker side: build, and hand over unless another choice or quitting came first
        (the demo's first assets are delivered as a chunk while its data is generated)."""
        if choice:
            workspace = self._accounts(cancel, progress).open(choice)
        elif isinstance(self._factory, DemoFactory):
            from explorer.services.apivideo_assets import DEMO_LABEL

            def first_assets(assets: Assets) -> None:
                if generation == self._generation and not cancel.cancelled:
                    deliver((DEMO_LABEL, assets))

            # generating its data tells how far it is, and hands the assets over first (a
            # subclass whose call takes no `first_assets` is called as before)
            if "first_assets" in inspect.signature(self._factory).parameters:
                workspace = self._factory(progress, first_assets)
            else:
                workspace = self._factory(progress)
        else:
            workspace = self._factory()
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


def _exit_when_ready(app: QApplication, explorer: Explorer, mode: str = "1") -> None:
    """Print ``READY_LINE`` and quit on the event loop's next turn after the assets show
    (mode ``fresh``: the freshly loaded ones, not the stored ones); exit with 1 if the
    workspace or its assets fail instead. Mode ``steps`` also prints ``SHOWN_LINE`` on the
    loop's first turn (the window is shown) and each progress text."""
    if mode == "steps":
        QTimer.singleShot(0, lambda: print(SHOWN_LINE, flush=True))
        explorer.told = lambda text: print(f"analytics-explorer: {text}", flush=True)

    def ready() -> None:
        print(READY_LINE, flush=True)
        app.quit()

    def failed(error: BaseException) -> None:
        print(f"analytics-explorer: not ready: {error}", file=sys.stderr, flush=True)
        app.exit(1)

    shown = explorer.window.assets_loaded if mode == "fresh" else explorer.window.assets_shown
    shown.connect(lambda: QTimer.singleShot(0, ready))
    explorer.window.not_ready.connect(failed)


def run_gui(
    args: argparse.Namespace | None = None,
    *,
    workspace_factory: SourceFactory | None = None,
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
        exit_when_ready = os.environ.get(EXIT_WHEN_READY_VARIABLE)
        if exit_when_ready in ("1", "steps", "fresh"):
            _exit_when_ready(app, explorer, exit_when_ready)
        explorer.start()
        exploration = getattr(args, "exploration_file", None)  # `open FILE`
        if exploration is not None:
            from pathlib import Path

            from explorer.ui.window_explorations import open_file

            open_file(explorer.window, Path(exploration))
        gc.freeze()  # start-up's objects live as long as the app: collections skip them
        collect_on_gui_thread()  # never on a worker, where it would destroy Qt objects
        with _quit_on_sigint(app):
            code = app.exec()
        explorer.shutdown()
    finally:
        crashes.uninstall()
        logs.close()
    return int(code)
