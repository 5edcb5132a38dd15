"""TaskRunner streaming: chunks reach the GUI thread in order, before the result; stale never."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread

from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.ui.bridge.tasks import TaskRunner
from tests.support.patience import PATIENCE_S

Deliver = Callable[[Any], None]


def test_chunks_arrive_in_order_on_the_gui_thread_while_the_task_runs(
    qtbot: Any, runner: TaskRunner
) -> None:
    gates = [threading.Event() for _ in range(3)]
    seen: list[tuple[str, Any]] = []
    threads: list[QThread] = []

    def pages(cancel: CancelToken, progress: ProgressCallback, deliver: Deliver) -> str:
        for n, gate in enumerate(gates):
            assert gate.wait(PATIENCE_S)
            deliver([n, n])
            progress(n + 1, len(gates))
        return "done"

    def yielded(key: str, chunks: list[Any]) -> None:
        threads.append(QThread.currentThread())
        seen.extend(("chunk", c) for c in chunks)

    runner.task_yielded.connect(yielded)
    runner.task_finished.connect(lambda key, result: seen.append(("result", result)))
    runner.submit("list", pages, streaming=True)
    gates[0].set()
    qtbot.waitUntil(lambda: seen == [("chunk", [0, 0])])
    assert runner.is_running("list")  # the first page shows before the task ends
    gates[1].set()
    gates[2].set()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][0] == "result")
    assert seen == [("chunk", [0, 0]), ("chunk", [1, 1]), ("chunk", [2, 2]), ("result", "done")]
    assert set(threads) == {runner.thread()}


def test_the_last_chunks_come_before_the_result_even_between_ticks(
    qtbot: Any, runner: TaskRunner
) -> None:
    order: list[str] = []
    runner.task_yielded.connect(lambda key, chunks: order.extend(chunks))
    runner.task_finished.connect(lambda key, result: order.append(result))

    def burst(cancel: CancelToken, progress: ProgressCallback, deliver: Deliver) -> str:
        for n in range(50):
            deliver(f"c{n}")
        return "end"

    with qtbot.waitSignal(runner.task_finished):
        runner.submit("list", burst, streaming=True)
    assert order == [*(f"c{n}" for n in range(50)), "end"]


def test_a_superseded_or_cancelled_task_delivers_nothing_more(
    qtbot: Any, runner: TaskRunner
) -> None:
    release = threading.Event()
    delivered = threading.Event()
    got: list[Any] = []
    runner.task_yielded.connect(lambda key, chunks: got.extend(chunks))

    def stale(cancel: CancelToken, progress: ProgressCallback, deliver: Deliver) -> None:
        release.wait(PATIENCE_S)
        deliver("stale")  # deaf to its token on purpose
        delivered.set()

    runner.submit("list", stale, streaming=True)
    with qtbot.waitSignal(runner.task_finished):
        runner.submit("list", lambda cancel, progress, deliver: deliver("fresh"), streaming=True)
    release.set()
    assert delivered.wait(PATIENCE_S)
    qtbot.waitUntil(lambda: runner.dropped == 1)
    # a later task's chunk comes through the same ticks: the stale one would have come first
    with qtbot.waitSignal(runner.task_finished):
        runner.submit("list", lambda c, p, deliver: deliver("after"), streaming=True)
    assert got == ["fresh", "after"]

    again = threading.Event()
    runner.submit(
        "list", lambda c, p, deliver: (again.wait(PATIENCE_S), deliver("late")), streaming=True
    )
    runner.cancel("list")
    again.set()
    qtbot.waitUntil(lambda: runner.dropped == 2)
    assert got == ["fresh", "after"]
