"""Python's cyclic garbage collector runs on the GUI thread only, on a timer.

CPython collects on whichever thread happens to allocate past the collector's threshold. A
collection on a worker that finds a cycle holding a Qt wrapper (a closed tab, a dialog, a
slot's closure) destroys that Qt object on the worker, and Qt objects belong to the GUI
thread. That is how the test suite hung with the GIL held: a worker was inside a collection
set off by an allocation (`threading.Condition.__init__`, opening an httpx connection pool)
while the GUI thread waited for the GIL, and neither pytest-timeout (a Python thread) nor
pytest-qt's `waitUntil` could run again.

So automatic collection is switched off once the QApplication exists, and a timer on the GUI
thread collects each generation when its count has passed the collector's own threshold.
That is what pyqtgraph's `GarbageCollector` does; it is written again here (a dozen lines)
because importing pyqtgraph on the way to the first window would cost the start-up what the
charts' late loading saves (explorer/ui/charts/chart_preload.py). `explorer.app.run_gui` and the
self-test install it; the GUI tests install it too (tests/support/gui_collector.py) and fail
any test during which a collection ran on another thread.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

INTERVAL_MS = 100
"""How often the GUI thread looks at the collector's counts. A young generation collected this
often stays small while workers parse pages (at 250 ms, listing 100,000 sessions let it grow to
collections of up to 350 ms on a loaded machine); a look that finds nothing due costs a
microsecond."""

FULL_EVERY_S = 60.0
"""The least time between two full collections. CPython itself collects the oldest generation
only once the objects that survived into it have grown by a quarter since the last full
collection, a count Python code cannot read; without such a rule, every tenth collection of the
middle generation walked the whole heap (13 full collections of up to 160 ms in one 100,000-
session listing). Cycles that reach the oldest generation wait this long at most."""


class GuiCollector(QObject):
    """Collects on a GUI-thread timer what automatic collection would have collected."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._last_full = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collect the generations whose counts have passed their thresholds, youngest first,
        as the interpreter would on allocation; the oldest no more than once a FULL_EVERY_S."""
        counts = gc.get_count()
        if counts[0] <= self.threshold[0]:
            return
        generation = 1 if counts[1] > self.threshold[1] else 0
        now = time.monotonic()
        if (
            generation == 1
            and counts[2] > self.threshold[2]
            and now - self._last_full >= FULL_EVERY_S
        ):
            generation = 2
            self._last_full = now
        gc.collect(generation)


def collect_on_gui_thread() -> GuiCollector:
    """Switch automatic collection off and collect on a GUI-thread timer from now on, once per
    application (a second call returns the first collector). Call it on the GUI thread, with
    the QApplication made."""
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        raise RuntimeError("collect_on_gui_thread() must be called on the GUI thread")
    gc.disable()  # also where something enabled it again since
    collector = app.findChild(GuiCollector)
    return collector if isinstance(collector, GuiCollector) else GuiCollector(app)
