"""TaskRunner: plain service calls on a thread pool, their outcome handed back to the GUI thread.

The one bridge between worker threads and Qt (Anki's taskman, Orange's ConcurrentMixin):

* ``submit(key, fn, *args)`` runs ``fn(*args, cancel, progress)`` on a worker. A newer submit
  with the same key cancels the older one's token, and whatever the older one returns later is
  dropped on arrival: the latest request per key wins.
* Workers never call into Qt, not even to emit a signal: a finished future is posted to a
  `Mailbox` (explorer/ui/bridge/mailbox.py), which hands it over on the GUI thread. What a worker is
  handed refers to no Qt object, not even this runner.
* Progress is written by the worker into a plain slot under a lock and read by a 10 Hz timer on
  the GUI thread, so it is throttled and its last value is never lost.
* ``submit(..., streaming=True)`` also passes ``deliver(chunk)``: chunks (a page of rows, say)
  wait in a plain list under the same lock and reach the GUI thread in order as
  ``task_yielded(key, chunks)`` on the same timer, and always before ``task_finished``; a
  superseded or cancelled task's chunks are dropped like its result.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from explorer.domain.cancel import Cancelled, CancelToken
from explorer.ui.bridge.mailbox import Mailbox

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_MS = 100


@dataclass
class _Ticket:
    key: str
    serial: int
    label: str
    token: CancelToken = field(default_factory=CancelToken)
    progress: tuple[int, int] | None = None  # written by the worker under the runner's lock
    shown: tuple[int, int] | None = None  # what the GUI last announced
    chunks: list[Any] = field(default_factory=list)  # delivered by a streaming worker


@dataclass(frozen=True)
class InFlight:
    """A task still running, as the status bar shows it."""

    key: str
    label: str
    progress: tuple[int, int] | None


class TaskRunner(QObject):
    """Runs blocking calls off the GUI thread; one task per key at a time."""

    task_finished = Signal(str, object)  # key, result
    task_failed = Signal(str, object)  # key, exception
    task_cancelled = Signal(str)  # key: cancelled by the person, not superseded
    task_progressed = Signal(str, int, int)  # key, done, total
    task_yielded = Signal(str, object)  # key, list of chunks a streaming task delivered
    tasks_changed = Signal()  # the set of tasks in flight changed

    def __init__(self, max_workers: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="explorer-task")
        self._lock = threading.Lock()
        self._current: dict[str, _Ticket] = {}
        self._serials = itertools.count(1)
        self._closed = False
        self.dropped = 0  # stale or cancelled results thrown away on arrival (for tests, logs)
        self._mailbox = Mailbox(self)
        self._mailbox.arrived.connect(self._on_mailbox_arrived)
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(PROGRESS_INTERVAL_MS)
        self._progress_timer.timeout.connect(self._on_progress_timer_timeout)

    # --- asking ----------------------------------------------------------------------------

    def submit(
        self,
        key: str,
        fn: Callable[..., Any],
        *args: Any,
        label: str = "",
        streaming: bool = False,
    ) -> CancelToken:
        """Run ``fn(*args, cancel, progress)`` (``fn(*args, cancel, progress, deliver)`` when
        streaming); cancels the task this key had. Returns the new task's token."""
        if self._closed:
            raise RuntimeError("the task runner is shut down")
        previous = self._current.pop(key, None)
        if previous is not None:
            previous.token.cancel()
        ticket = _Ticket(key, next(self._serials), label or key)
        self._current[key] = ticket

        # what the worker is handed refers to no Qt object (not even this runner)
        lock, post = self._lock, self._mailbox.post

        def progress(done: int, total: int) -> None:
            with lock:
                ticket.progress = (done, total)

        def deliver(chunk: Any) -> None:
            with lock:
                ticket.chunks.append(chunk)

        extra = (deliver,) if streaming else ()
        future = self._executor.submit(fn, *args, ticket.token, progress, *extra)
        future.add_done_callback(lambda f: post((ticket, f)))
        self._progress_timer.start()
        self.tasks_changed.emit()
        return ticket.token

    def cancel(self, key: str) -> bool:
        """Cancel the task of this key; ``task_cancelled`` follows at once. False if idle."""
        ticket = self._current.pop(key, None)
        if ticket is None:
            return False
        ticket.token.cancel()
        self.task_cancelled.emit(key)
        self._after_change()
        return True

    def cancel_all(self) -> None:
        for key in list(self._current):
            self.cancel(key)

    def is_running(self, key: str) -> bool:
        return key in self._current

    def in_flight(self) -> list[InFlight]:
        with self._lock:
            return [InFlight(t.key, t.label, t.progress) for t in self._current.values()]

    def shutdown(self, wait: bool = True) -> None:
        """Cancel everything, drop queued work and (if ``wait``) join the workers. Results
        that arrive afterwards are ignored. May be called again with ``wait=True``."""
        self._closed = True
        for ticket in self._current.values():
            ticket.token.cancel()
        self._current.clear()
        self._progress_timer.stop()
        self._mailbox.close()
        self._executor.shutdown(wait=wait, cancel_futures=True)

    # --- the bridge ------------------------------------------------------------------------

    def _on_mailbox_arrived(self, item: tuple[_Ticket, Future[Any]]) -> None:
        ticket, future = item
        if self._closed or self._current.get(ticket.key) is not ticket:
            self.dropped += 1  # superseded or cancelled: a stale result never reaches anyone
            return
        self._hand_over(ticket)  # every chunk before the outcome
        if self._current.get(ticket.key) is not ticket:
            return  # a slot of task_yielded started a newer task of this key, or cancelled it
        del self._current[ticket.key]
        self._after_change()
        if future.cancelled():
            self.task_cancelled.emit(ticket.key)
            return
        error = future.exception()
        if error is None:
            self.task_finished.emit(ticket.key, future.result())
        elif isinstance(error, Cancelled):
            self.task_cancelled.emit(ticket.key)
        else:
            log.debug("task %s failed", ticket.key, exc_info=error)
            self.task_failed.emit(ticket.key, error)

    def _after_change(self) -> None:
        if not self._current:
            self._progress_timer.stop()
        self.tasks_changed.emit()

    def _hand_over(self, ticket: _Ticket) -> None:
        with self._lock:
            chunks, ticket.chunks = ticket.chunks, []
        if chunks:
            self.task_yielded.emit(ticket.key, chunks)

    def _on_progress_timer_timeout(self) -> None:
        for ticket in list(self._current.values()):
            if self._current.get(ticket.key) is ticket:  # a slot may have superseded it
                self._hand_over(ticket)
        with self._lock:
            changed = [
                (t, t.progress)
                for t in self._current.values()
                if t.progress is not None and t.progress != t.shown
            ]
            for ticket, progress in changed:
                ticket.shown = progress
        for ticket, (done, total) in changed:  # type: ignore[misc]
            self.task_progressed.emit(ticket.key, done, total)
