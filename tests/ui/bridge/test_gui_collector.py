"""Garbage is collected on the GUI thread only: never on a worker, where it would destroy Qt
objects (explorer/ui/bridge/gui_collector.py)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import weakref
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject

from explorer import cli
from explorer.ui.bridge import gui_collector
from explorer.ui.bridge.gui_collector import GuiCollector, collect_on_gui_thread
from tests.support.gui_collector import CollectionWatch

CYCLES = 50_000  # far past the collector's first threshold (700 new containers)


class _Node:
    """A cycle: a node that refers to itself."""

    def __init__(self) -> None:
        self.me = self


def _make_cycles(out: list[weakref.ref[_Node]]) -> None:
    for _ in range(CYCLES):
        _Node()
    node = _Node()
    out.append(weakref.ref(node))


def _on_a_worker(target: Any) -> None:
    worker = threading.Thread(target=target, name="cycle-maker")
    worker.start()
    worker.join()


def _watch() -> CollectionWatch:
    watch = CollectionWatch()
    gc.callbacks.append(watch)
    return watch


def test_the_watch_sees_what_automatic_collection_does_on_a_worker(
    gui_collector: tuple[Any, CollectionWatch],
) -> None:
    """The check the GUI tests rely on can fail: with automatic collection on, a worker that
    makes cycles collects them itself."""
    _, watch = gui_collector
    refs: list[weakref.ref[_Node]] = []
    gc.enable()
    try:
        _on_a_worker(lambda: _make_cycles(refs))
    finally:
        gc.disable()
    assert "cycle-maker" in watch.elsewhere
    watch.elsewhere.clear()  # expected here: the guard that fails other tests for it passes


def test_a_worker_never_collects_and_the_gui_thread_does(qtbot: Any) -> None:
    collect_on_gui_thread()
    assert not gc.isenabled()
    watch = _watch()
    refs: list[weakref.ref[_Node]] = []
    try:
        _on_a_worker(lambda: _make_cycles(refs))
        assert watch.elsewhere == []
        assert refs[0]() is not None  # garbage, but not collected yet
        qtbot.waitUntil(lambda: refs[0]() is None)  # the GUI thread's timer
    finally:
        gc.callbacks.remove(watch)
    assert watch.elsewhere == []


def test_a_qt_object_in_a_cycle_dropped_on_a_worker_is_destroyed_on_the_gui_thread(
    qtbot: Any,
) -> None:
    destroyed_on: list[str] = []
    holder: list[Any] = []

    def make() -> None:
        # made here, parked in a cycle, and dropped by the worker
        box: dict[str, Any] = {}
        box["self"] = box
        holder.append(box)

    obj = QObject()
    obj.destroyed.connect(lambda: destroyed_on.append(threading.current_thread().name))
    _on_a_worker(make)
    holder[0]["object"] = obj
    del obj

    def drop() -> None:
        holder.clear()  # the last outside reference: only the cycle holds the QObject now
        for _ in range(CYCLES):
            _Node()

    _on_a_worker(drop)
    qtbot.waitUntil(lambda: bool(destroyed_on))
    assert destroyed_on == [threading.main_thread().name]


def test_a_command_run_in_process_leaves_the_collector_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command line pauses the collector for its start-up and puts it back as it found it:
    off, where the window's collector runs."""
    collect_on_gui_thread()
    code = cli.main(["query", "metrics", "play", "rate", "--base-url", "http://127.0.0.1:9"])
    assert code == 2 and "--api-key-env" in capsys.readouterr().err
    assert not gc.isenabled()


VIEWS = [
    "explorer.ui.results.timeseries_view:TimeseriesView",
    "explorer.ui.results.breakdown_view:BreakdownView",
    "explorer.ui.sessions.compare_view:CompareView",
    "explorer.ui.results.overlay_view:OverlayView",
    "explorer.ui.sessions.timeline_chart:TimelineChart",
    "explorer.ui.sessions.session_inspector:SessionInspector",
    "explorer.ui.results.scalar_view:ScalarView",
    "explorer.ui.results.report_view:ReportView",
]
_COLLECT_ONE = """
import gc, importlib, sys
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
app = QApplication([])
module, name = sys.argv[1].split(":")
view = getattr(importlib.import_module(module), name)()
view.resize(800, 500)
view.show()
if name == "ReportView":  # its charts are made for a report: one of every shape
    from tests.ui.results.test_report_view import video_report
    view.show_report(video_report(), "UTC")
    while view.pending:
        app.processEvents()
app.processEvents()
view.cycle = view  # garbage only the collector can free
if sys.argv[2] == "closed":  # as a closed tab is: Qt deletes it first
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
del view
gc.collect()
app.processEvents()
print("collected")
"""


def collect_one(view: str, how: str) -> subprocess.CompletedProcess[str]:
    """In a child process: a crash here would end the test run."""
    return subprocess.run(
        [sys.executable, "-c", _COLLECT_ONE, view, how],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=Path(__file__).resolve().parents[3],  # the repository: `tests` imports
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("view", VIEWS)
def test_a_closed_view_is_deleted_by_qt_then_collected_without_a_crash(view: str) -> None:
    """The app's way with a view it is done with (a closed tab: deleteLater) leaves the
    collector only Python objects whose Qt side is gone."""
    result = collect_one(view, "closed")
    assert (result.returncode, result.stdout.strip()) == (0, "collected"), result.stderr[-2000:]


def test_a_timeseries_view_dropped_in_a_cycle_is_collected_without_a_crash() -> None:
    """Its hover tip held the view: freeing the cycle deleted a chart item twice. Any widget
    freed by the collector instead of by Qt risks the same (the session inspector, dropped
    that way, crashes in its layouts), which is why the app and the GUI tests delete widgets
    with deleteLater (tests/support/gui_collector.py)."""
    result = collect_one("explorer.ui.results.timeseries_view:TimeseriesView", "dropped")
    assert (result.returncode, result.stdout.strip()) == (0, "collected"), result.stderr[-2000:]


def test_the_timer_collects_what_is_due_and_the_whole_heap_at_most_once_a_minute(
    qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    collector = GuiCollector()
    collector.deleteLater()  # its own timer must not run during the test
    collected: list[int] = []
    counts = [(0, 0, 0)]
    clock = [1_000.0]
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
    monkeypatch.setattr(gc, "get_count", lambda: counts[0])
    monkeypatch.setattr(gui_collector.time, "monotonic", lambda: clock[0])
    young, middle, old = collector.threshold
    collector._last_full = clock[0] - gui_collector.FULL_EVERY_S  # a minute since the last

    counts[0] = (young, 0, 0)
    collector.check()  # nothing due yet
    counts[0] = (young + 1, 0, 0)
    collector.check()
    counts[0] = (young + 1, middle + 1, 0)
    collector.check()
    counts[0] = (young + 1, middle + 1, old + 1)
    collector.check()  # the whole heap: a minute has passed
    collector.check()  # due again by the counts, but not a minute since
    clock[0] += gui_collector.FULL_EVERY_S
    collector.check()
    assert collected == [0, 1, 2, 1, 2]
