"""GUI-test fixtures: a real sandbox over the hand-built scenario, workspaces, the window, and a
guard that fails any test leaving threads running."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.domain.catalogue import CATALOGUE
from explorer.domain.frames import Result
from explorer.domain.query import Query
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from explorer.services.curl import curl_command
from explorer.services.source import Assets, RateBudget
from explorer.services.sources.apivideo.source import ApiVideoSource
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.main_window import MainWindow
from tests.support import scenario
from tests.support.gui_collector import (  # noqa: F401 (fixtures)
    collections_only_on_the_gui_thread,
    gui_collector,
)
from tests.support.handmade import NOW, build, ms
from tests.support.patience import PATIENCE_S

PINNED_NOW = datetime.fromisoformat(NOW)
ZONE = "Europe/Paris"
THREAD_GRACE_S = PATIENCE_S  # threads that must end may end late on a busy machine


# The offscreen platform (CI) says so for every top-level widget shown; it is not our warning.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def leaked_threads(before: set[threading.Thread], grace_s: float) -> list[threading.Thread]:
    """Threads started since ``before`` that are still alive after ``grace_s`` seconds."""
    deadline = time.monotonic() + grace_s
    while True:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not extra or time.monotonic() >= deadline:
            return extra
        time.sleep(0.01)


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail the test if it leaves threads running (a worker, a server, a connection)."""
    before = set(threading.enumerate())
    yield
    extra = leaked_threads(before, THREAD_GRACE_S)
    if extra:
        pytest.fail(f"the test left threads running: {sorted(t.name for t in extra)}")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxService]:
    """The sandbox service over the hand-built scenario, its clock pinned to NOW."""
    dataset = build(tmp_path_factory.mktemp("ui-sandbox"), scenario.sessions())
    service = SandboxService(
        dataset,
        clock=Clock(ms(NOW)),
        country_names={"FR": "France", "US": "United States"},
        faults=FaultPlan(),
    ).start()
    yield service
    service.stop()


class PinnedWorkspace(ApiVideoSource):
    """A workspace whose now is the sandbox's pinned clock."""

    def now(self) -> datetime:
        return PINNED_NOW


@pytest.fixture
def workspace(sandbox: SandboxService) -> Iterator[PinnedWorkspace]:
    client = ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY))
    ws = PinnedWorkspace(client, "Handmade project", "DEMO")
    yield ws
    ws.close()


class FakeWorkspace:
    """A workspace without a network: ``answer(query, cancel)`` decides each query's fate."""

    label = "Fake project"
    kind = "DEMO"
    api = "apivideo"
    account_id = ""
    base_url = "http://127.0.0.1:9"
    has_history = False
    catalogue = CATALOGUE
    sessions = None
    exports = None
    comparisons = None

    def __init__(self, answer: Callable[[Query, CancelToken], Result]) -> None:
        self.answer = answer
        self.queries: list[Query] = []
        self.closed = False

    def now(self) -> datetime:
        return PINNED_NOW

    def rate_budget(self) -> RateBudget:
        return RateBudget(100, 99)

    def load_assets(self, cancel: CancelToken, progress: ProgressCallback) -> Assets:
        return Assets()

    def stored_assets(self, cancel: CancelToken, progress: ProgressCallback) -> Assets | None:
        return None

    def check(self, query: Query) -> list[str]:
        return query.validate(PINNED_NOW)

    def curl(self, query: Query) -> str:
        return curl_command(self.base_url, query)

    def known_values(self, cancel: CancelToken, progress: ProgressCallback) -> dict[str, list[str]]:
        return {}

    def run_query(self, query: Query, cancel: CancelToken, progress: ProgressCallback) -> Result:
        self.queries.append(query)
        return self.answer(query, cancel)

    def attach_store(self, store: object) -> None:
        pass  # a fake keeps nothing

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown(wait=True)
    tasks.deleteLater()


@pytest.fixture
def window(qtbot: Any, settings: QSettings, runner: TaskRunner) -> MainWindow:
    main = MainWindow(settings, runner)
    qtbot.addWidget(main)
    main.builder.time_range.set_zone(ZONE)
    return main


def wait_idle(qtbot: Any, runner: TaskRunner) -> None:
    """Until no task is in flight (results delivered to the window)."""
    qtbot.waitUntil(lambda: not runner.in_flight())


@pytest.fixture
def ready_window(qtbot: Any, window: MainWindow, workspace: PinnedWorkspace) -> MainWindow:
    """The window on the real sandbox, assets loaded, nothing in flight."""
    window.set_workspace(workspace)
    wait_idle(qtbot, window.runner)
    return window
