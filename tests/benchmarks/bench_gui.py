"""The GUI: start-up to an interactive window, and the longest UI-thread stall under load."""

# gui.startup: `python -m explorer` (EXPLORER_EXIT_WHEN_READY=1: it prints a line and quits once
# the window shows the demo's asset tree, as stored by the previous launch) against a bare
# PySide6 + pyqtgraph window started the same way, in turns, on a fresh profile whose
# default-scale dataset is generated beforehand (and whose bytecode cache, shared by both
# programs, is filled by those first launches). gui.startup.fresh_tree: the same launch until
# the tree shows the lists freshly fetched from the sandbox (EXPLORER_EXIT_WHEN_READY=fresh).
# gui.first_launch.*: that uncounted first launch (EXPLORER_EXIT_WHEN_READY=steps), which
# generates the demo's data: until the window shows (against the bare window's p50), until
# it first says how far the data is ("Preparing the demo data, 0%"), and until the tree shows
# (the demo's assets, generated before its sessions, which are then generated under it);
# gui.first_launch.progress_said: how many progress texts it printed on the way.
# gui.stall.*: a 5 ms heartbeat QTimer on the UI thread records its longest gap while the real
# window loads 5,000 videos into its tree; while the timeseries view of a result tab shows one
# hourly 30-day series (720 points); and while the Overlay button of the result tabs, with 50 such
# results open (one per tab), opens the Overlay tab and draws the 50 series in it (a new Overlay
# tab each run, as the first click makes). Each run starts after a full garbage collection, so
# that one run's leftovers are not collected during the next; within it, garbage is collected as
# the app collects it (ui/bridge/gui_collector.py: on a GUI-thread timer, automatic collection
# off), and those collections count in the stalls as they do in the app.
# In a smoke run (`run.py --smoke`): one start-up each on the small sandbox, no warm-up; one run
# of each stall with 200 videos and 3 series of 48 points.

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from tests.benchmarks import Figure, benchmark, p50, p95, sized, smoke

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STARTUP_RUNS = sized(8, 1)
STALL_RUNS = sized(5, 1)
HEARTBEAT_MS = 5
SETTLE_MS = sized(300, 50)  # after the work is done, keep beating while the window repaints
VIDEOS = sized(5_000, 200)
SERIES, POINTS = sized((50, 720), (3, 48))
PROCESS_TIMEOUT_S = 120

BARE_WINDOW = """
import sys
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
window = pg.PlotWidget()
window.plot([0, 1, 2, 3], [1, 3, 2, 4])
window.resize(1280, 860)
window.show()

def ready():
    print("bare window: interactive", flush=True)
    app.quit()

QTimer.singleShot(0, ready)
sys.exit(app.exec())
"""


# --- start-up --------------------------------------------------------------------------------


def _profile(root: Path) -> dict[str, str]:
    """A fresh profile under ``root``. Compiled bytecode is kept (in ``root``, for both
    programs alike), as an installation keeps it: pip compiles on install and a packaged app
    ships it. Without this, a shell with PYTHONDONTWRITEBYTECODE=1 would time compiling every
    changed module of the working tree, which no user's launch does."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for variable in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        folder = root / variable.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    env.pop("EXPLORER_SANDBOX_SCALE", None)  # the scale a person gets: default
    if smoke():
        env["EXPLORER_SANDBOX_SCALE"] = "small"  # generated in well under a second
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")  # filled by the uncounted first launches
    return env


def _time_to_line(command: list[str], env: dict[str, str], expected: str) -> float:
    """Seconds from starting the process to its line on stdout; the process must exit 0."""
    return _lines_until(command, env, expected)[-1][0]


def _lines_until(command: list[str], env: dict[str, str], last: str) -> list[tuple[float, str]]:
    """(seconds from the start, line) of each line on stdout until ``last``, which must be the
    last one; the process must exit 0."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    lines: list[tuple[float, str]] = []
    for line in process.stdout:
        lines.append((time.perf_counter() - started, line.strip()))
        if line.strip() == last:
            break
    _, errors = process.communicate(timeout=PROCESS_TIMEOUT_S)
    if not lines or lines[-1][1] != last or process.returncode != 0:
        raise RuntimeError(f"{command} said {lines!r}, exit {process.returncode}:\n{errors}")
    return lines


def _forget_data(env: dict[str, str]) -> None:
    """Empty the profile's cache and data folders (the sandbox's dataset, the local store)."""
    for variable in ("XDG_CACHE_HOME", "XDG_DATA_HOME"):
        folder = Path(env[variable])
        shutil.rmtree(folder)
        folder.mkdir()


def _first_launch(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """The first launch's milestones (s): window shown, first progress said, tree shown; and
    how many progress texts it said."""
    from explorer.app import PREPARING_DEMO, READY_LINE, SHOWN_LINE

    lines = _lines_until(command, env, READY_LINE)
    said = [at for at, line in lines if line.startswith(f"analytics-explorer: {PREPARING_DEMO}")]
    if not said:
        raise RuntimeError(f"the first launch never said how far the demo's data is: {lines}")
    return {
        "window_shown": next(at for at, line in lines if line == SHOWN_LINE),
        "progress_first_said": said[0],
        "interactive": lines[-1][0],
        "progress_said": len(said),
    }


@benchmark("gui.startup")
def _startup() -> list[Figure]:
    from explorer.app import EXIT_WHEN_READY_VARIABLE, READY_LINE

    with tempfile.TemporaryDirectory(prefix="bench-gui-") as folder:
        env = _profile(Path(folder))
        ours = ([sys.executable, "-m", "explorer"], {**env, EXIT_WHEN_READY_VARIABLE: "1"})
        bare = ([sys.executable, "-c", BARE_WINDOW], env)
        fresh = ([sys.executable, "-m", "explorer"], {**env, EXIT_WHEN_READY_VARIABLE: "fresh"})
        steps = {**env, EXIT_WHEN_READY_VARIABLE: "steps"}
        if not smoke():  # a smoke run measures nothing: no warm-up
            _time_to_line(*ours, READY_LINE)  # compiles the bytecode, as an installation has
            _time_to_line(*bare, "bare window: interactive")  # it; warms the caches alike
            _forget_data(env)  # then a person's first launch: no dataset, nothing stored
        first = _first_launch(ours[0], steps)  # generates the dataset: not in gui.startup
        mine: list[float] = []
        theirs: list[float] = []
        fresh_trees: list[float] = []
        for _ in range(STARTUP_RUNS):
            mine.append(_time_to_line(*ours, READY_LINE))
            theirs.append(_time_to_line(*bare, "bare window: interactive"))
            fresh_trees.append(_time_to_line(*fresh, READY_LINE))
    bare_p50 = p50(theirs) * 1000
    return [
        *(
            Figure(f"gui.startup.{label}", stat(mine) * 1000, "ms", stat(theirs) * 1000)
            for label, stat in (("p50", p50), ("p95", p95))
        ),
        Figure("gui.startup.fresh_tree.p50", p50(fresh_trees) * 1000, "ms", bare_p50),
        Figure("gui.first_launch.window_shown", first["window_shown"] * 1000, "ms", bare_p50),
        Figure("gui.first_launch.progress_first_said", first["progress_first_said"], "s"),
        Figure("gui.first_launch.interactive", first["interactive"], "s"),
        Figure("gui.first_launch.progress_said", first["progress_said"], "texts"),
    ]


# --- stalls ----------------------------------------------------------------------------------


OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"

SLOT_ERRORS: list[BaseException] = []
"""Exceptions raised in slots: Qt prints them and carries on, so `spin` raises the first."""


def _app() -> Any:
    """The QApplication, made as the app makes it: Qt's messages forwarded, garbage collected
    on the GUI thread (ui/bridge/gui_collector.py), a slot's exception ending the benchmark."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from explorer.ui.bridge.gui_collector import collect_on_gui_thread

    def forward(kind: Any, context: Any, message: str) -> None:
        if OFFSCREEN_NOISE not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(forward)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    collect_on_gui_thread()
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _slot_error
    return app


def _slot_error(kind: type[BaseException], error: BaseException, trace: Any) -> None:
    SLOT_ERRORS.append(error)
    sys.__excepthook__(kind, error, trace)


class Heartbeat:
    """A fast timer on the UI thread; the longest gap between two beats is the worst stall."""

    def __init__(self, interval_ms: int = HEARTBEAT_MS) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._on_timer_timeout()  # a stall still going on counts too
        self._timer.stop()
        return self.longest

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def spin(until: Callable[[], bool], settle_ms: int = SETTLE_MS, timeout_s: float = 60) -> None:
    """Run the event loop until ``until()`` holds, then for ``settle_ms`` more."""
    from PySide6.QtCore import QEventLoop, QTimer

    if gc.isenabled():  # what would make the stalls differ from the app's
        raise RuntimeError("automatic garbage collection is on: call _app() first, as the app")
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    poll = QTimer()

    def check() -> None:
        if SLOT_ERRORS:
            poll.stop()
            loop.quit()
        elif until() or time.monotonic() > deadline:
            poll.stop()
            QTimer.singleShot(settle_ms, loop.quit)

    poll.timeout.connect(check)
    poll.start(1)
    loop.exec()
    if SLOT_ERRORS:
        error = SLOT_ERRORS[0]
        SLOT_ERRORS.clear()  # the next benchmark in this process starts afresh
        raise RuntimeError("a slot raised an exception (its traceback is above)") from error
    if not until():
        raise RuntimeError(f"timed out after {timeout_s:.0f} s")


def _measure(done: Callable[[], bool], work: Callable[[], None]) -> float:
    """The longest UI-thread gap (s) from ``work``, run by the event loop as a slot is, until
    ``done()`` and the repaints after it."""
    from PySide6.QtCore import QTimer

    heartbeat = Heartbeat()
    spin(lambda: True, settle_ms=100)  # idle, shown, painted
    gc.collect()
    heartbeat.start()
    QTimer.singleShot(0, work)
    spin(done)
    return heartbeat.stop()


def _videos(count: int) -> list[Any]:
    from explorer.api.models import Video

    rng = np.random.default_rng(5)
    tags = [f"topic-{n}" for n in range(40)]
    base = datetime(2025, 6, 1, tzinfo=UTC)
    made = []
    for n in range(count):
        video_id = f"vi{n:020d}"
        created = base + timedelta(minutes=int(rng.integers(0, 300_000)))
        made.append(
            Video.model_validate(
                {
                    "videoId": video_id,
                    "title": f"Course {n // 12}, lesson {n % 12 + 1}: a title of a usual length",
                    "createdAt": created.isoformat(),
                    "publishedAt": (created + timedelta(hours=3)).isoformat(),
                    "tags": [str(t) for t in rng.choice(tags, size=3, replace=False)],
                    "assets": {"player": f"https://embed.api.video/vod/{video_id}"},
                }
            )
        )
    return made


class _ManyVideos:
    """A data source (explorer/services/source.py's `DataSource`) of 5,000 api.video videos and
    no network: the tree insertion is the window's own."""

    label = "Five thousand videos"
    kind = "DEMO"
    api = "apivideo"
    account_id = ""
    base_url = "http://127.0.0.1:9"
    has_history = False
    sessions = None
    exports = None
    comparisons = None

    def __init__(self, videos: list[Any]) -> None:
        from explorer.domain.catalogue import CATALOGUE

        self.videos = videos
        self.catalogue = CATALOGUE

    def now(self) -> datetime:
        return datetime.now(UTC)

    def rate_budget(self) -> Any:
        from explorer.services.source import RateBudget

        return RateBudget(None, None)

    def attach_store(self, store: Any) -> None:
        pass  # nothing is stored

    def load_assets(self, cancel: Any, progress: Any) -> Any:
        from explorer.services.sources.apivideo.source import assets_of

        return assets_of(self.videos, [], [])

    def stored_assets(self, cancel: Any, progress: Any) -> Any:
        return None

    def check(self, query: Any) -> list[str]:
        return list(query.validate(self.now()))

    def curl(self, query: Any) -> str:
        from explorer.services.curl import curl_command

        return curl_command(self.base_url, query)

    def run_query(self, query: Any, cancel: Any, progress: Any) -> Any:
        from explorer.domain.frames import BucketFrame, ResultContext

        context = ResultContext(query.endpoint, query.metric, breakdown=query.breakdown)
        return BucketFrame.empty(context)

    def known_values(self, cancel: Any, progress: Any) -> dict[str, list[str]]:
        return {}

    def close(self) -> None:
        pass


@contextmanager
def _window() -> Iterator[Any]:
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from explorer.ui.bridge.tasks import TaskRunner
    from explorer.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="bench-gui-") as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        runner = TaskRunner()
        window = MainWindow(settings, runner)
        window.show()
        try:
            yield window
        finally:
            runner.shutdown(wait=True)
            window.close()
            window.deleteLater()
            runner.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _assets_stall(videos: list[Any]) -> float:
    with _window() as window:
        loaded: list[bool] = []
        window.assets_loaded.connect(lambda: loaded.append(True))
        workspace = _ManyVideos(videos)
        stall = _measure(
            lambda: bool(loaded) and not window.runner.in_flight(),
            lambda: window.set_workspace(workspace),
        )
        assert window.asset_panel.model.rowCount() == 1
        return stall


def _hourly_frames() -> list[Any]:
    from explorer.domain.catalogue import Endpoint
    from explorer.domain.frames import ResultContext, TimeseriesFrame

    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(hours=POINTS)
    context = ResultContext(Endpoint.TIMESERIES, "play", interval="hour", start=start, end=end)
    rng = np.random.default_rng(7)
    hours = [start + timedelta(hours=h) for h in range(POINTS)]
    daily = 1 + np.sin(np.arange(POINTS) * 2 * np.pi / 24)
    return [
        TimeseriesFrame.from_records(
            context, list(zip(hours, (rng.poisson(daily * (s + 1))).astype(float), strict=True))
        )
        for s in range(SERIES)
    ]


def _chart_stall(frames: list[Any]) -> float:
    """One series through the timeseries view's ``set_result``: what a result tab does."""
    from explorer.ui.results.timeseries_view import TimeseriesView

    view = TimeseriesView()
    view.resize(1280, 700)
    view.show()
    drawn: list[bool] = []

    def draw() -> None:
        view.set_result(frames[0], "UTC")
        drawn.append(True)

    try:
        return _measure(lambda: bool(drawn), draw)
    finally:
        assert len(view.curve.xData) == POINTS
        view.close()
        view.deleteLater()


@contextmanager
def _result_tabs(frames: list[Any]) -> Iterator[Any]:
    """Result tabs with one timeseries result per frame, as after running one query per tab."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from explorer.domain.catalogue import Endpoint
    from explorer.domain.query import Query
    from explorer.ui.results.result_tabs import ResultTabs

    tabs = ResultTabs()
    tabs.resize(1280, 700)
    tabs.show()
    fetched = datetime.now(UTC)
    for n, frame in enumerate(frames):
        context = frame.context
        query = Query(
            endpoint=Endpoint.TIMESERIES,
            metric=context.metric,
            interval=context.interval,
            start=context.start,
            end=context.end,
            filters={"mediaId": (f"vi{n:020d}",)},
        )
        page = tabs.new_page()
        page.show_running(query, "UTC")
        page.show_result(frame, fetched)
    spin(lambda: True)
    try:
        yield tabs
    finally:
        tabs.close()
        tabs.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _overlay_stall(tabs: Any) -> float:
    """The Overlay button: a new Overlay tab drawing every tab's series, as a click does."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from explorer.ui.results.overlay_view import OverlayView

    def overlay() -> Any:
        found = [tabs.widget(i) for i in range(tabs.count())]
        return next((w for w in found if isinstance(w, OverlayView)), None)

    def drawn() -> bool:
        view = overlay()
        return view is not None and not view.drawing and len(view.series) == SERIES

    stall = _measure(drawn, tabs.overlay_button.click)
    view = overlay()
    assert sum(len(s.curve.xData) == POINTS for s in view.series) == SERIES
    assert view.legend.count() == SERIES
    tabs.removeTab(tabs.indexOf(view))  # the next run opens a new one, like this one did
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return stall


def _idle_gap() -> float:
    return _measure(lambda: True, lambda: None)


def _stall_figures(name: str, run: Callable[[], float]) -> list[Figure]:
    gaps = [run() * 1000 for _ in range(STALL_RUNS)]
    return [
        Figure(f"gui.stall.{name}.p50", p50(gaps), "ms"),
        Figure(f"gui.stall.{name}.max", max(gaps), "ms"),
    ]


@benchmark("gui.stall")
def _stalls() -> list[Figure]:
    _app()
    videos = _videos(VIDEOS)
    frames = _hourly_frames()
    figures: list[Figure] = []
    for name, run in (
        ("idle", _idle_gap),
        (f"assets_{VIDEOS}", lambda: _assets_stall(videos)),
        (f"chart_1x{POINTS}", lambda: _chart_stall(frames)),
    ):
        figures += _stall_figures(name, run)
    with _result_tabs(frames) as tabs:
        figures += _stall_figures(f"overlay_{SERIES}x{POINTS}", lambda: _overlay_stall(tabs))
    return figures
