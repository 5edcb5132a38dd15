"""TaskRunner: results on the GUI thread, latest request per key wins, cancel, progress."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread

from explorer.domain.cancel import Cancelled, CancelToken, ProgressCallback
from explorer.ui.bridge.tasks import PROGRESS_INTERVAL_MS, TaskRunner
from tests.support.patience import PATIENCE_S
from tests.ui.conftest import leaked_threads


def test_a_result_arrives_on_the_gui_thread(qtbot: Any, runner: TaskRunner) -> None:
    threads: list[QThread] = []
    runner.task_finished.connect(lambda key, result: threads.append(QThread.currentThread()))
    with qtbot.waitSignal(runner.task_finished) as signal:
        runner.submit("k", lambda x, cancel, progress: x * 2, 21)
    assert signal.args == ["k", 42]
    assert threads == [runner.thread()]
    assert not runner.in_flight()


def test_a_failure_is_handed_over_not_raised(qtbot: Any, runner: TaskRunner) -> None:
    def boom(cancel: CancelToken, progress: ProgressCallback) -> None:
        raise ValueError("no such thing")

    with qtbot.waitSignal(runner.task_failed) as signal:
        runner.submit("k", boom)
    key, error = signal.args
    assert key == "k" and isinstance(error, ValueError) and str(error) == "no such thing"


def test_a_newer_submit_cancels_the_older_and_its_late_result_is_dropped(
    qtbot: Any, runner: TaskRunner
) -> None:
    release = threading.Event()
    seen_cancel: list[bool] = []

    def slow(cancel: CancelToken, progress: ProgressCallback) -> str:
        release.wait(PATIENCE_S)
        seen_cancel.append(cancel.cancelled)
        return "old"  # ignores its token on purpose: the runner must drop it anyway

    finished: list[tuple[str, Any]] = []
    runner.task_finished.connect(lambda key, result: finished.append((key, result)))
    runner.submit("query", slow)
    with qtbot.waitSignal(runner.task_finished):
        runner.submit("query", lambda cancel, progress: "new")
    release.set()
    qtbot.waitUntil(lambda: runner.dropped == 1)
    assert finished == [("query", "new")]
    assert seen_cancel == [True]


def test_other_keys_run_side_by_side(qtbot: Any, runner: TaskRunner) -> None:
    finished: dict[str, Any] = {}
    runner.task_finished.connect(lambda key, result: finished.__setitem__(key, result))
    runner.submit("a", lambda cancel, progress: 1)
    runner.submit("b", lambda cancel, progress: 2)
    qtbot.waitUntil(lambda: len(finished) == 2)
    assert finished == {"a": 1, "b": 2}


def test_cancel_is_announced_at_once_and_the_worker_stops(qtbot: Any, runner: TaskRunner) -> None:
    stopped = threading.Event()

    def patient(cancel: CancelToken, progress: ProgressCallback) -> None:
        while not cancel.wait(0.01):
            pass
        stopped.set()
        raise Cancelled()

    finished: list[str] = []
    runner.task_finished.connect(lambda key, result: finished.append(key))
    runner.submit("k", patient)
    with qtbot.waitSignal(runner.task_cancelled) as signal:
        assert runner.cancel("k")
    assert signal.args == ["k"]
    assert stopped.wait(PATIENCE_S)
    qtbot.waitUntil(lambda: runner.dropped == 1)
    assert finished == [] and not runner.is_running("k")
    assert not runner.cancel("k")


def test_progress_is_throttled_and_its_last_value_shown(qtbot: Any, runner: TaskRunner) -> None:
    release = threading.Event()

    def chatty(cancel: CancelToken, progress: ProgressCallback) -> None:
        for done in range(1, 2001):
            progress(done, 2000)
        release.wait(PATIENCE_S)

    reports: list[tuple[int, int]] = []
    runner.task_progressed.connect(lambda key, done, total: reports.append((done, total)))
    started = time.monotonic()
    runner.submit("k", chatty)
    qtbot.waitUntil(lambda: bool(reports) and reports[-1] == (2000, 2000))
    qtbot.wait(3 * PROGRESS_INTERVAL_MS)  # ticks with nothing new to say: no signal
    with qtbot.waitSignal(runner.task_finished):
        release.set()
    ticks = (time.monotonic() - started) * 1000 / PROGRESS_INTERVAL_MS
    assert len(reports) <= ticks + 1  # 2000 calls, at most one signal a tick (10 Hz)
    assert len(reports) < 2000
    assert reports[-1] == (2000, 2000)
    assert runner.in_flight() == []


def test_shutdown_drops_queued_work_and_joins_the_workers(qtbot: Any) -> None:
    before = set(threading.enumerate())
    tasks = TaskRunner(max_workers=1)
    started = threading.Event()
    ran: list[str] = []

    def first(cancel: CancelToken, progress: ProgressCallback) -> None:
        started.set()
        cancel.wait(PATIENCE_S)
        ran.append("first")

    tasks.submit("a", first)
    tasks.submit("b", lambda cancel, progress: ran.append("second"))  # queued behind "a"
    assert started.wait(PATIENCE_S)
    begun = time.monotonic()
    tasks.shutdown(wait=True)
    assert time.monotonic() - begun < PATIENCE_S / 4  # the token woke the worker up
    assert ran == ["first"]
    with pytest.raises(RuntimeError):
        tasks.submit("c", lambda cancel, progress: None)
    tasks.deleteLater()
    assert leaked_threads(before, 1.0) == []


def test_the_thread_guard_sees_a_thread_left_running() -> None:
    before = set(threading.enumerate())
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="left-behind")
    thread.start()
    try:
        assert [t.name for t in leaked_threads(before, 0.05)] == ["left-behind"]
    finally:
        stop.set()
        thread.join()
    assert leaked_threads(before, 1.0) == []


def test_workers_never_emit_a_qt_signal(qtbot: Any, runner: TaskRunner) -> None:
    """Every signal of the runner, its private ones included, is emitted on the GUI thread:
    PySide's signals emitted from threads Qt did not start are fragile."""
    from PySide6.QtCore import QMetaMethod, QObject, Qt

    emitted_on: list[str] = []
    meta = runner.metaObject()
    names = [
        bytes(meta.method(i).name().data()).decode()
        for i in range(QObject.staticMetaObject.methodCount(), meta.methodCount())
        if meta.method(i).methodType() == QMetaMethod.MethodType.Signal
    ]
    assert "task_finished" in names and "task_yielded" in names
    for name in names:
        getattr(runner, name).connect(
            lambda *args: emitted_on.append(threading.current_thread().name),
            Qt.ConnectionType.DirectConnection,
        )

    def streaming(cancel: CancelToken, progress: ProgressCallback, deliver: Any) -> str:
        progress(1, 2)
        deliver("chunk")
        return "done"

    def failing(cancel: CancelToken, progress: ProgressCallback) -> None:
        raise ValueError("no")

    with qtbot.waitSignal(runner.task_finished):
        runner.submit("a", streaming, streaming=True)
    with qtbot.waitSignal(runner.task_failed):
        runner.submit("b", failing)
    assert emitted_on and set(emitted_on) == {threading.main_thread().name}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_a_runner_leaves_no_descriptor_open(qtbot: Any) -> None:
    before = len(list(Path("/proc/self/fd").iterdir()))
    runner = TaskRunner()
    with qtbot.waitSignal(runner.task_finished):
        runner.submit("k", lambda cancel, progress: 1)
    runner.shutdown(wait=True)
    runner.deleteLater()
    assert len(list(Path("/proc/self/fd").iterdir())) == before


def test_a_shut_down_runner_is_freed_once_dropped(qtbot: Any) -> None:
    runner = TaskRunner()
    with qtbot.waitSignal(runner.task_finished):
        runner.submit("k", lambda cancel, progress: 1)
    runner.shutdown(wait=True)
    gone = weakref.ref(runner)
    del runner
    gc.collect()
    assert gone() is None  # nothing of its own (its mailbox) holds it in a cycle
