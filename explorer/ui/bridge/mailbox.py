"""Hand items from any thread to the GUI thread without calling into Qt on the sending side.

PySide's signals emitted from threads Qt did not start (a ThreadPoolExecutor's workers, a
crashing thread) are fragile: with them this suite once segfaulted inside the event loop, and
a CI run hung. A `Mailbox` is a QObject living on the GUI thread; what other threads are given
is its `post`, a plain Python callable that appends to a list under a lock and writes one byte
to a socket pair. A QSocketNotifier on the other end wakes the GUI thread, which emits the
items, in order, as ``arrived``. The senders hold no reference to any Qt object.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Signal


class _Box:
    """The thread-safe half: a queue and a socket pair. Closed, it drops what is posted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: deque[Any] = deque()
        self.reader, self._writer = socket.socketpair()
        self.reader.setblocking(False)
        self._writer.setblocking(False)
        self._closed = False

    def post(self, item: Any) -> None:
        with self._lock:
            if self._closed:
                return
            self._items.append(item)
            # a full buffer already holds a wake-up; closed meanwhile: nobody is waiting
            with contextlib.suppress(OSError):
                self._writer.send(b"\0")

    def drain(self) -> None:
        with contextlib.suppress(OSError):
            while self.reader.recv(4096):
                pass

    def next(self) -> tuple[bool, Any]:
        with self._lock:
            return (True, self._items.popleft()) if self._items else (False, None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._items.clear()
            self.reader.close()
            self._writer.close()


class Mailbox(QObject):
    """``post(item)`` from any thread; ``arrived(item)`` is emitted on this object's thread."""

    arrived = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._box = _Box()
        self.post: Callable[[Any], None] = self._box.post  # what other threads are handed
        weakref.finalize(self, self._box.close)  # never left open, even if not closed
        self._notifier = QSocketNotifier(self._box.reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)
        self._open = True

    def close(self) -> None:
        """Stop delivering; what is posted from now on is dropped. Idempotent."""
        if self._open:
            self._open = False
            self._notifier.setEnabled(False)
            self._box.close()

    def _on_notifier_activated(self) -> None:
        self._box.drain()
        # one at a time: a slot may run a nested event loop that takes the next ones
        while self._open:
            found, item = self._box.next()
            if not found:
                return
            self.arrived.emit(item)
