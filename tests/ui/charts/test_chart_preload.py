"""Start-up leaves the chart code out; a worker loads it afterwards without touching Qt objects."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

from PySide6.QtCore import QTimer

from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.charts.chart_preload import CHART_MODULES, preload_charts_later


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_window_and_the_app_load_without_pyqtgraph() -> None:
    done = run_python(
        """
        import sys
        import explorer.app, explorer.ui.main_window
        from explorer.ui.charts.chart_preload import CHART_MODULES
        loaded = [m for m in sys.modules if m.startswith("pyqtgraph")]
        charts = [m for m in CHART_MODULES if m in sys.modules]
        print(len(loaded), charts)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "[]"]


def test_a_worker_loads_the_charts_without_a_qt_warning() -> None:
    done = run_python(
        """
        import sys, threading
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtWidgets import QApplication
        from explorer.domain.cancel import CancelToken
        from explorer.ui.charts.chart_preload import load_chart_modules
        messages = []
        qInstallMessageHandler(lambda kind, context, text: messages.append(text))
        app = QApplication([])
        loaded = []
        worker = threading.Thread(
            target=lambda: loaded.extend(load_chart_modules(CancelToken(), None))
        )
        worker.start()
        worker.join()
        from explorer.ui.results.overlay_view import OverlayView
        view = OverlayView()  # usable on the UI thread afterwards
        print(len(loaded), "pyqtgraph" in sys.modules, messages)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(CHART_MODULES)), "True", "[]"]


def test_the_preload_runs_on_the_runner_after_a_delay(qtbot: Any) -> None:
    runner = TaskRunner()
    try:
        labels: list[str] = []
        runner.tasks_changed.connect(lambda: labels.extend(t.label for t in runner.in_flight()))
        preload_charts_later(runner, delay_ms=10)
        qtbot.waitUntil(lambda: "Loading the charts" in labels and not runner.in_flight())
        assert all(name in sys.modules for name in CHART_MODULES)
    finally:
        runner.shutdown(wait=True)
        runner.deleteLater()


def test_no_preload_once_the_runner_is_shut_down(qtbot: Any) -> None:
    runner = TaskRunner()
    preload_charts_later(runner, delay_ms=10)
    runner.shutdown(wait=True)
    later: list[bool] = []
    QTimer.singleShot(20, lambda: later.append(True))  # due after the preload's timer
    qtbot.waitUntil(lambda: bool(later))  # so that one fired into a closed runner: no error
    assert not runner.in_flight()
    runner.deleteLater()
