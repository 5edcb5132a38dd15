"""TaskRunner streaming: chunks reach ``yielded`` in order on the GUI thread, before the outcome;
a superseded or cancelled task's chunks never."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QObject

from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.ui.bridge.tasks import TaskRunner
from tests.support.patience import PATIENCE_S
from tests.ui.bridge.calls import Calls

Deliver = Callable[[Any], None]


@pytest.fixture
def owner(qtbot: Any) -> QObject:
    return QObject()


def test_chunks_arrive_in_order_on_the_gui_thread_while_the_task_runs(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    gates = [threading.Event() for _ in range(3)]

    def pages(cancel: CancelToken, progress: ProgressCallback, deliver: Deliver) -> str:
        for n, gate in enumerate(gates):
            assert gate.wait(PATIENCE_S)
            deliver([n, n])
            progress(n + 1, len(gates))
        return "done"

    calls = Calls()
    task = runner.run(pages, owner=owner, slot="list", label="list", **calls.streaming())
    gates[0].set()
    qtbot.waitUntil(lambda: calls.of("yielded") == [[[0, 0]]])
    assert task.running  # the first page shows before the task ends
    gates[1].set()
    gates[2].set()
    qtbot.waitUntil(calls.ended)
    chunks = [c for batch in calls.of("yielded") for c in batch]
    assert chunks == [[0, 0], [1, 1], [2, 2]]
    assert calls.of("done") == ["done"]
    order = [kind for kind, _ in calls.seen if kind in ("yielded", "done")]
    assert order[-1] == "done"
    assert calls.threads == {threading.main_thread().name}


def test_the_last_chunks_come_before_the_result_even_between_ticks(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    def burst(cancel: CancelToken, progress: ProgressCallback, deliver: Deliver) -> str:
        for n in range(50):
            deliver(f"c{n}")
        return "end"

    calls = Calls()
    runner.run(burst, owner=owner, slot="list", label="list", **calls.streaming())
    qtbot.waitUntil(calls.ended)
    order = [
        item
        for kind, value in calls.seen
        if kind in ("yielded", "done")
        for item in (value if kind == "yielded" else [value])
    ]
    assert order == [*(f"c{n}" for n in range(50)), "end"]


def test_a_superseded_or_cancelled_task_delivers_nothing_more(
    qtbot: Any, runner: TaskRunner, owner: QObject
) -> None:
    release = threading.Event()
    delivered = threading.Event()

    def stale(cancel: CancelToken, progress: ProgressCallback, deliver: Deliver) -> None:
        release.wait(PATIENCE_S)
        deliver("stale")  # deaf to its token on purpose
        delivered.set()

    def stream(fn: Any) -> Calls:
        calls = Calls()
        runner.run(fn, owner=owner, slot="list", label="list", **calls.streaming())
        return calls

    old = stream(stale)
    fresh = stream(lambda cancel, progress, deliver: deliver("fresh"))
    qtbot.waitUntil(fresh.ended)
    release.set()
    assert delivered.wait(PATIENCE_S)
    qtbot.waitUntil(lambda: runner.dropped == 1)
    # a later task's chunk comes through the same ticks: the stale one would have come first
    after = stream(lambda c, p, deliver: deliver("after"))
    qtbot.waitUntil(after.ended)
    assert old.seen == [] and fresh.of("yielded") == [["fresh"]]
    assert after.of("yielded") == [["after"]]

    again = threading.Event()
    late = stream(lambda c, p, deliver: (again.wait(PATIENCE_S), deliver("late")))
    runner.cancel(runner.running(owner, "list"))
    again.set()
    qtbot.waitUntil(lambda: runner.dropped == 2)
    assert late.seen == [("cancelled", None), ("always", None)]
