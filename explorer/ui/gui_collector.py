"""Python's cyclic garbage collector runs on the GUI thread only, on a timer.

CPython collects on whichever thread happens to allocate past the collector's threshold. A
collection on a worker that finds a cycle holding a Qt wrapper (a closed tab, a dialog, a
slot's closure) destroys that Qt object on the worker, and Qt objects belong to the GUI
thread. That is how the test suite hung with the GIL held: a worker was inside a collection
set off by an allocation (`threading.Condition.__init__`, opening an httpx connection pool)
while the GUI thread waited for the GIL, and neither pytest-timeout (a Python thread) nor
pytest-qt's `waitUntil` could run again.

So automatic collection is switched off once the QApplication exists, and a timer on the GUI
thread collects each generation when its count has passed the collector's usual threshold:
pyqtgraph's `GarbageCollector` does exactly this. Garbage made on workers waits at most one
interval. `explorer.app.run_gui` installs it for the app; the GUI tests install it too
(tests/support/gui_collector.py) and fail any test during which a collection ran elsewhere.
"""

from __future__ import annotations

import gc

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QCoreApplication, QThread

INTERVAL_S = 0.25
"""How often the GUI thread looks at the collector's counts: a collection that is due waits at
most this long; a look that finds nothing due costs a few microseconds."""

_installed: list[GarbageCollector] = []


def collect_on_gui_thread() -> GarbageCollector:
    """Switch automatic collection off and collect on a GUI-thread timer from now on, once per
    process (a second call returns the first collector). Call it on the GUI thread, with the
    QApplication made."""
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        raise RuntimeError("collect_on_gui_thread() must be called on the GUI thread")
    if not _installed:
        _installed.append(GarbageCollector(interval=INTERVAL_S))  # it calls gc.disable()
    gc.disable()  # also if something enabled it again since
    return _installed[0]
