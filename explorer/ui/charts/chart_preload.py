"""The chart views (and pyqtgraph) load on a worker once the window is up, not at start-up.

Nothing on screen needs them until a result or a Sessions tab shows, and importing pyqtgraph
costs about 0.2 s: the window becomes interactive that much sooner, and a worker loads them
while the person looks at it, so that the first chart does not wait for the import either.
The import creates no Qt object (checked by tests/ui/charts/test_chart_preload.py); had a chart been
asked for first, the UI thread simply imports what it needs itself.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Any

from PySide6.QtCore import QTimer

from explorer.domain.cancel import CancelToken
from explorer.ui.bridge.tasks import TaskRunner

CHART_MODULES = (
    "explorer.ui.results.timeseries_view",
    "explorer.ui.results.breakdown_view",
    "explorer.ui.results.overlay_view",
    "explorer.ui.results.report_charts",
    "explorer.ui.results.split_view",  # compare & rank: a fan-out's first snapshot draws at once
    "explorer.ui.results.comparison_view",
    "explorer.ui.results.ranking_view",
    "explorer.ui.sessions.sessions_view",
)
PRELOAD_DELAY_MS = 500  # after the window is interactive: its first paints go first


def load_chart_modules(cancel: CancelToken, progress: Any) -> list[str]:
    """Worker side: import the chart modules not loaded yet; the names it imported."""
    loaded = []
    for name in CHART_MODULES:
        if cancel.cancelled:
            break
        if name not in sys.modules:
            importlib.import_module(name)
            loaded.append(name)
    return loaded


def preload_charts_later(runner: TaskRunner, delay_ms: int = PRELOAD_DELAY_MS) -> None:
    """In ``delay_ms``, have ``runner`` load the chart modules (unless it is shut down)."""

    def submit() -> None:
        with contextlib.suppress(RuntimeError):  # shut down meanwhile: no chart to come
            runner.run(load_chart_modules, owner=runner, slot="preload", label="Loading the charts")

    QTimer.singleShot(delay_ms, runner, submit)
