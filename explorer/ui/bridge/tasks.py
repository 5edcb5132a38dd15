"""TaskRunner: service calls on a thread pool, each outcome handed to its own call's continuations.

The one bridge between worker threads and Qt (as Anki's ``QueryOp(...).success(...)``, or
Orange's one watcher per future), seen from a call site::

    runner.run(
        service.load_assets, owner=self, slot="assets", label="Loading assets",
        done=self._on_assets_loaded, failed=self._on_assets_failed,
    )

* ``fn(*args, cancel, progress)`` runs on a worker (``fn(*args, cancel, progress, deliver)``
  when ``yielded`` is given). Its outcome reaches one continuation, on the GUI thread:
  ``done(result)``, ``failed(error)`` or ``cancelled()``, then ``always()``. Chunks reach
  ``yielded(chunks)`` in order and always before the outcome; ``progressed(done, total)`` is
  throttled to 10 Hz and its last value is never lost.
* The owner (a QObject, or any object) is held weakly. When it is destroyed its tasks are
  cancelled and their continuations dropped: a closed tab or dialog is never called back.
* Latest wins per owner and slot: a newer call with the same ``(owner, slot)`` cancels the older
  one, whose outcome is then dropped on arrival. Without a slot, calls are independent.
* Workers never call into Qt, not even to emit a signal: a finished future is posted to a
  `Mailbox` (explorer/ui/bridge/mailbox.py), which hands it over on the GUI thread. What a
  worker is handed refers to no Qt object, not even this runner.
* A failure that is a bug (not one of the errors services expect) is logged here with its
  traceback, once, whoever called; what the person is told is the caller's ``failed``.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from explorer.domain.cancel import Cancelled, CancelToken
from explorer.services.errors import is_expected
from explorer.ui.bridge.mailbox import Mailbox

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_MS = 100

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progressed = Callable[[int, int], None]
Yielded = Callable[[list[Any]], None]


def _alive(owner: object) -> bool:
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _weak(callback: Callable[..., Any] | None) -> Callable[[], Callable[..., Any] | None]:
    """A bound method is held weakly (it would keep its object alive) and given only while its
    object lives (a builder replaced meanwhile is never called); anything else as is."""
    if callback is None:
        return lambda: None
    if inspect.ismethod(callback):
        method = weakref.WeakMethod(callback)

        def live() -> Callable[..., Any] | None:
            found = method()
            return found if found is not None and _alive(found.__self__) else None

        return live
    return lambda: callback


def _owner_gone(runner: weakref.ref[TaskRunner], ident: int, *_: Any) -> None:
    alive = runner()
    if alive is not None:
        alive.drop_owned(ident)


class _Inbox:
    """What a worker writes while it runs (under the runner's lock): all it refers to."""

    def __init__(self) -> None:
        self.progress: tuple[int, int] | None = None
        self.chunks: list[Any] = []


class Task:
    """One call in flight: its label and progress for the status bar, and a way to cancel it.
    Only the GUI thread refers to it: the continuations it holds may hold widgets."""

    def __init__(
        self,
        runner: TaskRunner,
        owner: object,
        slot: str | None,
        label: str,
        continuations: dict[str, Callable[[], Callable[..., Any] | None]],
    ) -> None:
        self.label = label
        self.token = CancelToken()
        self.inbox = _Inbox()
        self.owner_id = id(owner)
        self.slot = (self.owner_id, slot) if slot is not None else None
        self._owner = weakref.ref(owner)
        self._runner = weakref.ref(runner)
        self._continuations = continuations
        self.shown: tuple[int, int] | None = None  # what was last handed to `progressed`

    @property
    def progress(self) -> tuple[int, int] | None:
        return self.inbox.progress

    @property
    def running(self) -> bool:
        runner = self._runner()
        return runner is not None and runner.is_current(self)

    def cancel(self) -> bool:
        """Cancel it; its ``cancelled`` continuation runs at once. False if it had ended."""
        runner = self._runner()
        return runner is not None and runner.cancel(self)

    def owner_alive(self) -> bool:
        owner = self._owner()
        return owner is not None and _alive(owner)

    def call(self, name: str, *args: Any) -> None:
        """Run one continuation, if it was given and its owner is still there."""
        callback = self._continuations[name]()
        if callback is not None and self.owner_alive():
            callback(*args)


class TaskRunner(QObject):
    """Runs blocking calls off the GUI thread and hands each outcome to its call's continuations."""

    tasks_changed = Signal()  # the set of tasks in flight changed (for the status bar)

    def __init__(self, max_workers: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="explorer-task")
        self._lock = threading.Lock()
        self._tasks: dict[_Inbox, Task] = {}  # in flight, oldest first
        self._slots: dict[tuple[int, str], Task] = {}  # (id(owner), slot) -> its latest task
        self._watched: set[int] = set()  # ids of the owners whose destruction is watched
        self._closed = False
        self.dropped = 0  # stale or cancelled results thrown away on arrival (for tests, logs)
        self._mailbox = Mailbox(self)
        self._mailbox.arrived.connect(self._on_mailbox_arrived)
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(PROGRESS_INTERVAL_MS)
        self._progress_timer.timeout.connect(self._on_progress_timer_timeout)

    # --- asking ----------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        owner: object,
        label: str,
        slot: str | None = None,
        done: Done | None = None,
        failed: Failed | None = None,
        cancelled: Callable[[], None] | None = None,
        progressed: Progressed | None = None,
        yielded: Yielded | None = None,
        always: Callable[[], None] | None = None,
    ) -> Task:
        """Run ``fn(*args, cancel, progress[, deliver])`` on a worker; see the module's text."""
        if self._closed:
            raise RuntimeError("the task runner is shut down")
        if slot is not None and (previous := self._slots.get((id(owner), slot))) is not None:
            previous.token.cancel()  # superseded: its outcome is dropped, nobody is told
            self._forget(previous)
        self._watch(owner)
        continuations = {
            "done": _weak(done),
            "failed": _weak(failed),
            "cancelled": _weak(cancelled),
            "progressed": _weak(progressed),
            "yielded": _weak(yielded),
            "always": _weak(always),
        }
        task = Task(self, owner, slot, label, continuations)
        inbox = task.inbox
        self._tasks[inbox] = task
        if task.slot is not None:
            self._slots[task.slot] = task

        # what the worker is handed refers to no Qt object (not this runner, not the task)
        lock, post = self._lock, self._mailbox.post

        def progress(done: int, total: int) -> None:
            with lock:
                inbox.progress = (done, total)

        def deliver(chunk: Any) -> None:
            with lock:
                inbox.chunks.append(chunk)

        extra = (deliver,) if yielded is not None else ()
        future = self._executor.submit(fn, *args, task.token, progress, *extra)
        future.add_done_callback(lambda f: post((inbox, f)))
        self._progress_timer.start()
        self.tasks_changed.emit()
        return task

    def running(self, owner: object, slot: str) -> Task | None:
        """The task in flight for this owner and slot, if any."""
        return self._slots.get((id(owner), slot))

    def is_current(self, task: Task) -> bool:
        return self._tasks.get(task.inbox) is task

    def cancel(self, task: Task | None) -> bool:
        """Cancel a task; its ``cancelled`` continuation runs at once. False if not running."""
        if task is None or not self._forget(task):
            return False
        task.token.cancel()
        self._after_change()
        task.call("cancelled")
        task.call("always")
        return True

    def cancel_owned(self, owner: object) -> None:
        """Cancel every task of this owner (each is told)."""
        for task in [t for t in self._tasks.values() if t.owner_id == id(owner)]:
            self.cancel(task)

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            self.cancel(task)

    def in_flight(self) -> list[Task]:
        """The tasks in flight, oldest first (their label and progress)."""
        return list(self._tasks.values())

    def shutdown(self, wait: bool = True) -> None:
        """Cancel everything, drop queued work and (if ``wait``) join the workers. Results
        that arrive afterwards are ignored. May be called again with ``wait=True``."""
        self._closed = True
        for task in self._tasks.values():
            task.token.cancel()
        self._tasks.clear()
        self._slots.clear()
        self._progress_timer.stop()
        self._mailbox.close()
        self._executor.shutdown(wait=wait, cancel_futures=True)

    # --- owners ----------------------------------------------------------------------------

    def _watch(self, owner: object) -> None:
        """Drop the owner's tasks when it goes: a QObject's destruction, or its last reference."""
        ident = id(owner)
        if ident in self._watched:
            return
        self._watched.add(ident)
        gone = functools.partial(_owner_gone, weakref.ref(self), ident)  # never keeps the runner
        if isinstance(owner, QObject):
            owner.destroyed.connect(gone)
        else:
            weakref.finalize(owner, gone)

    def drop_owned(self, ident: int) -> None:
        """The owner ``id`` went: its tasks are cancelled and nobody is told."""
        self._watched.discard(ident)
        if self._closed:
            return
        mine = [t for t in self._tasks.values() if t.owner_id == ident]
        for task in mine:
            task.token.cancel()
            self._forget(task)
        if mine:
            self._after_change()

    def _forget(self, task: Task) -> bool:
        if not self.is_current(task):
            return False
        del self._tasks[task.inbox]
        if task.slot is not None and self._slots.get(task.slot) is task:
            del self._slots[task.slot]
        return True

    # --- the bridge ------------------------------------------------------------------------

    def _on_mailbox_arrived(self, item: tuple[_Inbox, Future[Any]]) -> None:
        inbox, future = item
        task = self._tasks.get(inbox)
        if self._closed or task is None or not task.owner_alive():
            self.dropped += 1  # superseded, cancelled or orphaned: it never reaches anyone
            if task is not None:
                self._forget(task)
            return
        self._hand_over(task)  # every chunk before the outcome
        if not self._forget(task):
            return  # a `yielded` continuation started a newer task of this slot, or cancelled it
        self._after_change()
        self._conclude(task, future)
        task.call("always")

    def _conclude(self, task: Task, future: Future[Any]) -> None:
        if future.cancelled():
            task.call("cancelled")
            return
        error = future.exception()
        if error is None:
            task.call("done", future.result())
        elif isinstance(error, Cancelled):
            task.call("cancelled")
        else:
            if is_expected(error):
                log.debug("%s failed", task.label, exc_info=error)
            else:  # a bug: its traceback is kept, whoever asked
                log.error("%s failed", task.label, exc_info=error)
            task.call("failed", error)

    def _after_change(self) -> None:
        if not self._tasks:
            self._progress_timer.stop()
        self.tasks_changed.emit()

    def _hand_over(self, task: Task) -> None:
        with self._lock:
            chunks, task.inbox.chunks = task.inbox.chunks, []
        if chunks:
            task.call("yielded", chunks)

    def _on_progress_timer_timeout(self) -> None:
        for task in list(self._tasks.values()):
            if self.is_current(task):  # a continuation may have superseded it
                self._hand_over(task)
        with self._lock:
            changed = [
                (t, t.progress)
                for t in self._tasks.values()
                if t.progress is not None and t.progress != t.shown
            ]
            for task, progress in changed:
                task.shown = progress
        for task, (done, total) in changed:
            task.call("progressed", done, total)
        if changed:
            self.tasks_changed.emit()
