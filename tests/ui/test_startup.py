"""Start-up: the window before the heavy imports, the stored tree at once, first-launch progress."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSettings

from explorer.api.models import Video
from explorer.app import NOW_VARIABLE, PREPARING_DEMO, SCALE_VARIABLE, DemoFactory, Explorer
from explorer.services.apivideo_assets import DEMO_LABEL
from explorer.services.local_cache import DEMO_SCOPE, LocalCache
from explorer.store import open_store
from tests.support.patience import PATIENCE_S
from tests.ui.conftest import FakeWorkspace
from tests.ui.test_app import idle_fake

NOT_BEFORE_THE_FIRST_PAINT = (
    "httpx",
    "explorer.api.client",
    "explorer.api.models",
    "explorer.store",
    "explorer.sandbox.server",
    "explorer.sandbox.simulator",
    "explorer.services.account_manager",
    "explorer.commands",
    "pyqtgraph",
)

FIRST_PAINT = f"""
import sys
import explorer.cli
explorer.cli.build_parser()  # as `python -m explorer` does before the window
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from explorer.app import Explorer
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.main_window import MainWindow

app = QApplication(sys.argv[:1])
runner = TaskRunner()
window = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat), runner)
window.show()
app.processEvents()
print(" ".join(m for m in {NOT_BEFORE_THE_FIRST_PAINT!r} if m in sys.modules))
runner.shutdown(wait=True)
"""


class GatedDemo(DemoFactory):
    """The demo's factory, held at a gate: the sandbox is starting (or generating) meanwhile."""

    def __init__(self, steps: tuple[int, ...] = ()) -> None:
        super().__init__({})
        self.gate = threading.Event()
        self.steps = steps
        self.made: list[FakeWorkspace] = []

    def __call__(self, progress: Any = None) -> Any:  # as before: no first assets
        for done in self.steps:
            progress(done, 100)
        self.gate.wait(PATIENCE_S)
        self.made.append(idle_fake())
        return self.made[0]


def test_the_window_is_painted_before_the_client_models_store_or_sandbox_are_imported(
    tmp_path: Any,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(tmp_path / "settings.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"imported before the first paint: {done.stdout}"


def _store_demo_assets(titles: list[str]) -> None:
    opened = open_store()
    try:
        videos = [
            Video.model_validate(
                {"videoId": f"vi{n:020d}", "title": title, "createdAt": "2026-01-02T03:04:05Z"}
            )
            for n, title in enumerate(titles)
        ]
        lists: dict[str, list[Any]] = {"videos": videos, "live_streams": [], "players": []}
        LocalCache(opened.store, DEMO_SCOPE).keep_assets(lists, datetime.now(UTC))
    finally:
        opened.store.close()


def _tree_titles(explorer: Explorer) -> list[str]:
    model = explorer.window.asset_panel.model
    found: list[str] = []

    def walk(parent: Any) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            found.append(str(model.data(index)))
            walk(index)

    walk(explorer.window.asset_panel.model.index(-1, -1))
    return found


def test_a_later_launch_shows_the_stored_tree_while_the_sandbox_starts(
    qtbot: Any, settings: QSettings
) -> None:
    _store_demo_assets(["Stored lesson one", "Stored lesson two"])
    demo = GatedDemo()
    explorer = Explorer(settings, demo)
    shown: list[bool] = []
    explorer.window.assets_shown.connect(lambda: shown.append(True))
    explorer.start()
    window = explorer.window
    try:
        qtbot.waitUntil(lambda: bool(shown), timeout=PATIENCE_S * 1000)
        assert window.workspace is None  # the sandbox is still starting
        titles = _tree_titles(explorer)
        assert DEMO_LABEL in titles[0]
        assert {"Stored lesson one", "Stored lesson two"} <= set(titles)
        assert window.asset_panel.status.text().startswith("Stored assets from ")
        demo.gate.set()
        qtbot.waitUntil(lambda: window.workspace is not None, timeout=PATIENCE_S * 1000)
        qtbot.waitUntil(lambda: not explorer.runner.in_flight(), timeout=PATIENCE_S * 1000)
        assert "Stored lesson one" not in _tree_titles(explorer)  # the fresh list replaced it
    finally:
        demo.gate.set()
        explorer.shutdown()


def test_nothing_stored_shows_the_tree_when_the_sandbox_has_it(
    qtbot: Any, settings: QSettings
) -> None:
    demo = GatedDemo()
    explorer = Explorer(settings, demo)
    shown: list[bool] = []
    explorer.window.assets_shown.connect(lambda: shown.append(True))
    explorer.start()
    try:
        qtbot.waitUntil(lambda: not explorer.runner.running(explorer.window, "assets/first"))
        assert not shown and explorer.window.asset_panel.model.rowCount() == 0
        demo.gate.set()
        qtbot.waitUntil(lambda: bool(shown), timeout=PATIENCE_S * 1000)
    finally:
        demo.gate.set()
        explorer.shutdown()


def test_a_first_launch_says_how_far_the_demo_data_is(qtbot: Any, settings: QSettings) -> None:
    demo = GatedDemo(steps=(0, 25, 60))
    explorer = Explorer(settings, demo)
    told: list[str] = []
    explorer.told = told.append
    explorer.start()
    window = explorer.window
    try:
        assert window.isVisible()
        qtbot.waitUntil(
            lambda: window.asset_panel.status.text() == f"{PREPARING_DEMO}, 60%",
            timeout=PATIENCE_S * 1000,
        )
        assert told[-1] == "Preparing the demo data, 60%"
        demo.gate.set()
        qtbot.waitUntil(lambda: window.workspace is not None, timeout=PATIENCE_S * 1000)
    finally:
        demo.gate.set()
        explorer.shutdown()


class PausedAfterAssets(DemoFactory):
    """The real demo (small, clock pinned) generating its data, held at a gate just after its
    assets are handed over: the sessions are not generated until the gate opens."""

    def __init__(self) -> None:
        super().__init__({SCALE_VARIABLE: "small", NOW_VARIABLE: "2026-03-10T13:00:00Z"})
        self.gate = threading.Event()
        self.handed: list[Any] = []

    def __call__(self, progress: Any = None, first_assets: Any = None) -> Any:
        def held(assets: Any) -> None:
            self.handed.append(assets)
            first_assets(assets)
            self.gate.wait(PATIENCE_S)

        return super().__call__(progress, held)


def _row(explorer: Explorer, text: str, parent: Any = None) -> Any:
    """The tree's (proxy) row whose title starts with ``text``, under ``parent``."""
    proxy, tree = explorer.window.asset_panel.proxy, explorer.window.asset_panel.tree
    parent = parent if parent is not None else proxy.index(0, 0)
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, 0, parent)
        if str(index.data()).startswith(text):
            return index
    raise AssertionError(f"no row {text!r} in the tree: {_tree_titles(explorer)} ({tree})")


def test_a_first_launch_fills_the_tree_as_soon_as_the_assets_are_generated(
    qtbot: Any, settings: QSettings, tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))  # no dataset yet
    demo = PausedAfterAssets()
    explorer = Explorer(settings, demo)
    loaded: list[bool] = []
    explorer.window.assets_loaded.connect(lambda: loaded.append(True))
    explorer.start()
    window, panel = explorer.window, explorer.window.asset_panel
    try:
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=PATIENCE_S * 1000)
        assert window.workspace is None and not demo.gate.is_set()  # sessions not generated
        early = _tree_titles(explorer)
        assert DEMO_LABEL in early[0]
        assert any(t.startswith("Videos (") for t in early)
        assert any(t.startswith("Players (") for t in early)
        assert panel.status.text().startswith(PREPARING_DEMO)  # the rest is still coming
        # the person expands two groups and chooses a video meanwhile
        videos, players = _row(explorer, "Videos ("), _row(explorer, "Players (")
        panel.tree.expand(videos)
        panel.tree.expand(players)
        video = panel.proxy.index(2, 0, videos)
        chosen = str(video.data())
        panel.tree.setCurrentIndex(video)
        assert panel.selected_media()
        picked = panel.selected_media()
        demo.gate.set()
        qtbot.waitUntil(lambda: bool(loaded), timeout=PATIENCE_S * 1000)
        assert window.workspace is not None
        assert _tree_titles(explorer) == early  # the real listing: the same titles, in order
        assert panel.tree.isExpanded(_row(explorer, "Videos ("))
        assert panel.tree.isExpanded(_row(explorer, "Players ("))
        assert not panel.tree.isExpanded(_row(explorer, "Live streams ("))
        assert panel.selected_media() == picked
        assert str(panel.tree.currentIndex().data()) == chosen
    finally:
        demo.gate.set()
        explorer.shutdown()
    assert len(demo.handed) == 1
