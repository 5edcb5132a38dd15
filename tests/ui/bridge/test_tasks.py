"""TaskRunner: each call's outcome reaches its own continuations on the GUI thread; latest wins
per owner and slot; cancel; progress; an owner that goes is never called back."""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject

from explorer.api.errors import NotFound
from explorer.domain.cancel import Cancelled, CancelToken, ProgressCallback
from explorer.ui.bridge.tasks import PROGRESS_INTERVAL_MS, TaskRunner
from tests.support.patience import PATIENCE_S
from tests.ui.bridge.calls import Calls
from tests.ui.conftest import leaked_threads

GUI = threading.main_thread().name


@pytest.fixture
def owner(qtbot: Any) -> QObject:
    return QObject()


def test_a_result_reaches_its_own_done_on_the_gui_thread(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    calls = Calls()
    task = calls.run(runner, lambda x, cancel, progress: x * 2, 21, owner=owner)
    assert task.running and runner.in_flight() == [task]
    qtbot.waitUntil(calls.ended)
    assert calls.seen == [("done", 42), ("always", None)]
    assert calls.threads == {GUI}
    assert not task.running and not runner.in_flight()


def test_a_failure_reaches_failed_and_a_bug_is_logged_with_its_traceback(
    qtbot: Any, runner: TaskRunner, owner: QObject, caplog: Any
) -> None:
    def boom(cancel: CancelToken, progress: ProgressCallback) -> None:
        raise ValueError("no such thing")

    def gone(cancel: CancelToken, progress: ProgressCallback) -> None:
        raise NotFound(404, {"title": "no such video"})

    calls, expected = Calls(), Calls()
    with caplog.at_level(logging.DEBUG, logger="explorer.ui.bridge.tasks"):
        calls.run(runner, boom, owner=owner)
        expected.run(runner, gone, owner=owner)
        qtbot.waitUntil(lambda: calls.ended() and expected.ended())
    [error] = calls.of("failed")
    assert isinstance(error, ValueError) and str(error) == "no such thing"
    assert isinstance(expected.of("failed")[0], NotFound)
    bugs = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(bugs) == 1 and bugs[0].exc_info is not None  # the bug, not the expected error
    assert bugs[0].exc_info[1] is error


def test_a_newer_call_in_the_same_slot_wins_and_the_older_result_is_dropped(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    release = threading.Event()
    seen_cancel: list[bool] = []

    def slow(cancel: CancelToken, progress: ProgressCallback) -> str:
        release.wait(PATIENCE_S)
        seen_cancel.append(cancel.cancelled)
        return "old"  # ignores its token on purpose: the runner must drop it anyway

    old, new = Calls(), Calls()
    first = old.run(runner, slow, owner=owner, slot="query")
    second = new.run(runner, lambda cancel, progress: "new", owner=owner, slot="query")
    assert not first.running and runner.running(owner, "query") is second
    qtbot.waitUntil(new.ended)
    release.set()
    qtbot.waitUntil(lambda: runner.dropped == 1)
    assert new.seen == [("done", "new"), ("always", None)]
    assert old.seen == []  # superseded: nobody is told, not even "cancelled"
    assert seen_cancel == [True]


def test_slots_and_owners_are_independent(qtbot: Any, runner: TaskRunner) -> None:
    one, other = QObject(), QObject()
    a, b, c, d = Calls(), Calls(), Calls(), Calls()
    a.run(runner, lambda cancel, progress: 1, owner=one, slot="x")
    b.run(runner, lambda cancel, progress: 2, owner=one, slot="y")
    c.run(runner, lambda cancel, progress: 3, owner=other, slot="x")  # same slot, other owner
    d.run(runner, lambda cancel, progress: 4, owner=one)  # no slot: never superseded
    qtbot.waitUntil(lambda: all(x.ended() for x in (a, b, c, d)))
    assert [x.of("done") for x in (a, b, c, d)] == [[1], [2], [3], [4]]


def test_cancel_is_said_at_once_and_the_worker_stops(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    stopped = threading.Event()

    def patient(cancel: CancelToken, progress: ProgressCallback) -> None:
        while not cancel.wait(0.01):
            pass
        stopped.set()
        raise Cancelled()

    calls = Calls()
    task = calls.run(runner, patient, owner=owner, slot="k")
    assert task.cancel()
    assert calls.seen == [("cancelled", None), ("always", None)]  # at once, not on arrival
    assert stopped.wait(PATIENCE_S)
    qtbot.waitUntil(lambda: runner.dropped == 1)
    assert calls.seen == [("cancelled", None), ("always", None)]  # nothing more on arrival
    assert runner.running(owner, "k") is None and not task.cancel()


def test_an_owner_destroyed_meanwhile_is_never_called_back(qtbot: Any, runner: TaskRunner) -> None:
    release = threading.Event()
    tokens: list[CancelToken] = []
    owner = QObject()

    def slow(cancel: CancelToken, progress: ProgressCallback) -> str:
        tokens.append(cancel)
        release.wait(PATIENCE_S)
        return "late"

    calls = Calls()
    calls.run(runner, slow, owner=owner, slot="query")
    qtbot.waitUntil(lambda: bool(tokens))
    with qtbot.waitSignal(owner.destroyed):
        owner.deleteLater()  # a closed tab, a dialog gone
    assert tokens[0].cancelled and runner.in_flight() == []  # its work is told to stop
    release.set()
    qtbot.waitUntil(lambda: runner.dropped == 1)
    assert calls.seen == []


def test_a_plain_owner_is_held_weakly_with_its_bound_continuations(
    qtbot: Any, runner: TaskRunner
) -> None:
    class Panel:
        def __init__(self) -> None:
            self.shown: list[str] = []

        def show(self, result: str) -> None:
            self.shown.append(result)

    release = threading.Event()
    panel = Panel()
    runner.run(
        lambda cancel, progress: release.wait(PATIENCE_S) and "late",
        owner=panel, label="test", done=panel.show,
    )  # fmt: skip
    gone = weakref.ref(panel)
    del panel
    gc.collect()
    assert gone() is None  # neither the runner nor the task kept it
    assert runner.in_flight() == []
    release.set()
    qtbot.waitUntil(lambda: runner.dropped == 1)


def test_the_worker_is_handed_nothing_that_reaches_a_continuation(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    """A worker dropping the last reference to a widget would destroy it off the GUI thread:
    what a worker holds (its progress and deliver callables) must not lead to the continuations
    (which hold widgets)."""
    handed: list[Any] = []
    release = threading.Event()

    def worker(cancel: CancelToken, progress: ProgressCallback, deliver: Any) -> None:
        handed.extend((cancel, progress, deliver))
        release.wait(PATIENCE_S)

    calls = Calls()
    continuations = calls.streaming()
    runner.run(worker, owner=owner, label="test", **continuations)
    qtbot.waitUntil(lambda: len(handed) == 3)
    reachable = _reachable(handed)
    release.set()
    qtbot.waitUntil(calls.ended)
    assert not any(id(c) in reachable for c in continuations.values())
    assert id(owner) not in reachable and id(runner) not in reachable


def _reachable(roots: list[Any], limit: int = 20_000) -> set[int]:
    """Ids of the objects reachable from ``roots`` through gc's referents (modules and classes
    left out: everything reaches them)."""
    seen: set[int] = set()
    stack = list(roots)
    while stack and len(seen) < limit:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type | type(gc)):
            continue
        seen.add(id(item))
        stack.extend(gc.get_referents(item))
    return seen


def test_progress_is_throttled_and_its_last_value_shown(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    release = threading.Event()

    def chatty(cancel: CancelToken, progress: ProgressCallback) -> None:
        for done in range(1, 2001):
            progress(done, 2000)
        release.wait(PATIENCE_S)

    calls = Calls()
    started = time.monotonic()
    task = calls.run(runner, chatty, owner=owner)
    qtbot.waitUntil(lambda: calls.of("progressed")[-1:] == [(2000, 2000)])
    assert task.progress == (2000, 2000)  # what the status bar reads
    qtbot.wait(3 * PROGRESS_INTERVAL_MS)  # ticks with nothing new to say: no call
    release.set()
    qtbot.waitUntil(calls.ended)
    reports = calls.of("progressed")
    ticks = (time.monotonic() - started) * 1000 / PROGRESS_INTERVAL_MS
    assert len(reports) <= ticks + 1  # 2000 calls, at most one report a tick (10 Hz)
    assert len(reports) < 2000
    assert reports[-1] == (2000, 2000)
    assert runner.in_flight() == []


def test_shutdown_drops_queued_work_and_joins_the_workers(qtbot: Any, owner: QObject) -> None:
    before = set(threading.enumerate())
    tasks = TaskRunner(max_workers=1)
    started = threading.Event()
    ran: list[str] = []

    def first(cancel: CancelToken, progress: ProgressCallback) -> None:
        started.set()
        cancel.wait(PATIENCE_S)
        ran.append("first")

    tasks.run(first, owner=owner, label="a")
    tasks.run(lambda cancel, progress: ran.append("second"), owner=owner, label="b")  # queued
    assert started.wait(PATIENCE_S)
    begun = time.monotonic()
    tasks.shutdown(wait=True)
    assert time.monotonic() - begun < PATIENCE_S / 4  # the token woke the worker up
    assert ran == ["first"]
    with pytest.raises(RuntimeError):
        tasks.run(lambda cancel, progress: None, owner=owner, label="c")
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


def test_workers_never_emit_a_qt_signal(qtbot: Any, runner: TaskRunner, owner: QObject) -> None:
    """Every signal of the runner and its mailbox is emitted on the GUI thread: PySide's
    signals emitted from threads Qt did not start are fragile."""
    from PySide6.QtCore import QMetaMethod, Qt

    emitted_on: list[str] = []
    for emitter in (runner, *runner.findChildren(QObject)):
        meta = emitter.metaObject()
        for i in range(QObject.staticMetaObject.methodCount(), meta.methodCount()):
            if meta.method(i).methodType() == QMetaMethod.MethodType.Signal:
                name = bytes(meta.method(i).name().data()).decode()
                getattr(emitter, name).connect(
                    lambda *args: emitted_on.append(threading.current_thread().name),
                    Qt.ConnectionType.DirectConnection,
                )

    def streaming(cancel: CancelToken, progress: ProgressCallback, deliver: Any) -> str:
        progress(1, 2)
        deliver("chunk")
        return "done"

    def failing(cancel: CancelToken, progress: ProgressCallback) -> None:
        raise ValueError("no")

    good, bad = Calls(), Calls()
    runner.run(streaming, owner=owner, label="a", **good.streaming())
    bad.run(runner, failing, owner=owner)
    qtbot.waitUntil(lambda: good.ended() and bad.ended())
    assert emitted_on and set(emitted_on) == {GUI}
    assert good.threads == bad.threads == {GUI}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_a_runner_leaves_no_descriptor_open(qtbot: Any, owner: QObject) -> None:
    before = len(list(Path("/proc/self/fd").iterdir()))
    runner = TaskRunner()
    calls = Calls()
    calls.run(runner, lambda cancel, progress: 1, owner=owner)
    qtbot.waitUntil(calls.ended)
    runner.shutdown(wait=True)
    runner.deleteLater()
    assert len(list(Path("/proc/self/fd").iterdir())) == before


def test_a_shut_down_runner_is_freed_once_dropped(qtbot: Any, owner: QObject) -> None:
    runner = TaskRunner()
    calls = Calls()
    calls.run(runner, lambda cancel, progress: 1, owner=owner)
    qtbot.waitUntil(calls.ended)
    runner.shutdown(wait=True)
    gone = weakref.ref(runner)
    del runner
    gc.collect()
    assert gone() is None  # nothing of its own (its mailbox) holds it in a cycle


def test_a_continuation_bound_to_a_widget_deleted_meanwhile_is_not_called(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    """The owner lives on, but the object a continuation belongs to (a builder replaced when
    another kind of source opens) is gone: calling into it would raise from Qt."""

    class Receiver(QObject):
        def take(self, value: object) -> None:
            raise AssertionError("a deleted receiver was called")

    receiver = Receiver()
    release = threading.Event()
    runner.run(
        lambda cancel, progress: release.wait(PATIENCE_S) and "late",
        owner=owner, label="test", done=receiver.take,
    )  # fmt: skip
    with qtbot.waitSignal(receiver.destroyed):
        receiver.deleteLater()
    release.set()
    qtbot.waitUntil(lambda: not runner.in_flight())
