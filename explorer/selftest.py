"""`analytics-explorer --self-test`: the real window, offscreen, on a throwaway built-in sandbox.

It proves that this copy of the app (from source, or a frozen package) has everything it loads
at run time: it starts the composition root (`explorer.app.Explorer`) on the ``small`` sandbox
generated into a temporary folder, runs one query of each kind (metrics, buckets, timeseries)
through the window's task runner and the workspace, lets the real result views draw and checks
their pixels, exports the last result to CSV through the services, and prints one line. The
temporary folder (sandbox data, settings, the CSV) is removed afterwards.

This module sits beside `explorer.app` in the layers (it composes the app) and is the only one
there besides it that imports Qt.
"""

from __future__ import annotations

import csv
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QMessageLogContext,
    QSettings,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from explorer.app import Explorer
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ScalarResult, TimeseriesFrame
from explorer.domain.query import Query
from explorer.domain.timerange import Preset, TimeRange
from explorer.services.connection import SandboxOptions
from explorer.services.errors import describe_error
from explorer.services.sources.apivideo.source import ApiVideoSource
from explorer.ui.bridge.gui_collector import collect_on_gui_thread
from explorer.ui.common.app_icon import app_icon, icon_files
from explorer.ui.main_window import MainWindow
from explorer.ui.results.result_tabs import ResultPage

SCALE = "small"
ZONE = "Europe/Paris"  # not UTC: the frozen app must carry the IANA database (tzdata)
STEP_TIMEOUT_S = 60.0
MIN_INK_PIXELS = 20
# Qt warnings fail the self-test (a missing plugin or font shows up as one), except these, which
# say something about the machine rather than the app: the offscreen platform's note on every
# window shown, a non-UTF-8 locale (Qt switches to C.UTF-8), an unset XDG_RUNTIME_DIR.
QT_NOISE = (
    "This plugin does not support propagateSizeHints",
    "which is not UTF-8. Qt depends on a UTF-8 locale",
    "XDG_RUNTIME_DIR",
)

log = logging.getLogger(__name__)


class SelfTestFailed(Exception):
    """A step failed; the message says which and why, in one line."""


@dataclass(frozen=True)
class Summary:
    queries: int
    charts: int
    csv_rows: int
    seconds: float

    def line(self) -> str:
        return (
            f"self-test ok: {self.queries} queries, {self.charts} charts, "
            f"csv {self.csv_rows} rows, {self.seconds:.1f} s"
        )


def self_test_queries(now: datetime, zone: str = ZONE) -> list[Query]:
    """One query of each kind, as the query builder would make them."""
    week = TimeRange.of(Preset.LAST_7_DAYS).resolve(now, zone)
    day = TimeRange.of(Preset.LAST_24_HOURS).resolve(now, zone)
    return [
        Query(Endpoint.METRICS, "play", aggregation="count", start=week[0], end=week[1]),
        Query(Endpoint.BUCKETS, "play", breakdown="country", start=week[0], end=week[1]),
        Query(Endpoint.TIMESERIES, "play", interval="hour", start=day[0], end=day[1]),
    ]


def one_line(text: str) -> str:
    return " ".join(text.split())


def run_self_test() -> int:
    """Run it and print one line (stdout when it passes, stderr when not); the exit code."""
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    quiet = logging.NullHandler()  # the window logs failed tasks; the reason is our one line
    logging.getLogger().addHandler(quiet)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="analytics-explorer-self-test-") as folder,
            _qt_messages() as messages,
        ):
            queries, charts, rows = _exercise(Path(folder), messages)
    except SelfTestFailed as error:
        print(f"self-test failed: {one_line(str(error))}", file=sys.stderr, flush=True)
        return 1
    except Exception as error:  # a bug or a missing module: say what, on one line
        log.debug("self-test crashed", exc_info=error)
        report = describe_error(error)
        print(f"self-test failed: {one_line(report.message)}", file=sys.stderr, flush=True)
        return 1
    finally:
        logging.getLogger().removeHandler(quiet)
    print(Summary(queries, charts, rows, time.perf_counter() - started).line(), flush=True)
    return 0


@contextmanager
def _qt_messages() -> Iterator[list[str]]:
    """Collect Qt's warnings (all but known noise) instead of printing them; a fatal message
    is printed as the one failure line before Qt aborts."""
    messages: list[str] = []

    def handler(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            print(f"self-test failed: Qt: {one_line(text)}", file=sys.stderr, flush=True)
        elif kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg) and not any(
            noise in text for noise in QT_NOISE
        ):
            messages.append(one_line(text))

    previous = qInstallMessageHandler(handler)
    try:
        yield messages
    finally:
        qInstallMessageHandler(previous)


class _Steps:
    """The run's failures so far (failed tasks, Qt warnings), and waiting on the event loop."""

    def __init__(self, qt_messages: list[str]) -> None:
        self.failed_tasks: list[str] = []
        self.qt_messages = qt_messages

    def on_failed(self, error: BaseException) -> None:
        self.failed_tasks.append(describe_error(error).message)

    def wait(self, done: Callable[[], bool], step: str) -> None:
        """Run the event loop until ``done()`` or a task fails (a timer wakes it to look),
        then fail if anything went wrong."""
        deadline = time.monotonic() + STEP_TIMEOUT_S
        ticker = QTimer()
        ticker.start(20)
        try:
            while not done() and not self.failed_tasks:
                if time.monotonic() > deadline:
                    raise SelfTestFailed(f"{step}: no answer within {STEP_TIMEOUT_S:.0f} s")
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        finally:
            ticker.stop()
        if self.failed_tasks:
            raise SelfTestFailed(f"{step}: {self.failed_tasks[0]}")
        if self.qt_messages:
            raise SelfTestFailed(f"{step}: Qt warned: {self.qt_messages[0]}")


def _exercise(folder: Path, qt_messages: list[str]) -> tuple[int, int, int]:
    """Queries run, views drawn, CSV rows written."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if getattr(sys, "frozen", False) and not icon_files():
        raise SelfTestFailed("the app icon is missing from the package (resources/icons)")
    app.setWindowIcon(app_icon())
    collect_on_gui_thread()  # as the app does: never on a worker
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    options = SandboxOptions(scale=SCALE, data_dir=folder / "sandbox")
    explorer = Explorer(settings, lambda: ApiVideoSource.demo(options), store=False)
    steps = _Steps(qt_messages)
    explorer.window.not_ready.connect(steps.on_failed)
    runner, window = explorer.runner, explorer.window
    try:
        explorer.start()
        steps.wait(
            lambda: window.workspace is not None and not runner.in_flight(),
            "starting the built-in sandbox",
        )
        workspace = window.workspace
        assert workspace is not None
        charts = 0
        queries = self_test_queries(workspace.now())
        for query in queries:
            page = window.results.new_page()
            window.ask(page, query, ZONE)
            steps.wait(lambda: not runner.in_flight(), page.title)
            charts += _check_drawn(page)
        rows = _export(window, folder, steps)
        return len(queries), charts, rows
    finally:
        explorer.shutdown()


def _check_drawn(page: ResultPage) -> int:
    """The page shows the view of its result's kind, and that view drew its data."""
    result = page.result
    if result is None:
        said = page.error.message.text() if page.current_view() is page.error else ""
        raise SelfTestFailed(f"{page.title}: no result reached the window {said}".rstrip())
    if result.partial:
        raise SelfTestFailed(f"{page.title}: partial result: {result.error}")
    view = page.current_view()
    palette = view.palette()
    if isinstance(result, ScalarResult):
        expected: QWidget | None = page.scalar_view
        target, ink = getattr(view, "number", view), palette.color(QPalette.ColorRole.WindowText)
    elif isinstance(result, BucketFrame):
        expected, ink = page.breakdown_view, palette.color(QPalette.ColorRole.Highlight)
        target = getattr(view, "plot", view)
    else:
        assert isinstance(result, TimeseriesFrame)
        expected, ink = page.timeseries_view, palette.color(QPalette.ColorRole.Highlight)
        target = getattr(view, "plot", view)
    if view is not expected:
        raise SelfTestFailed(f"{page.title}: the page shows {type(view).__name__}")
    if len(result.to_rows(ZONE)) == 0:
        raise SelfTestFailed(f"{page.title}: the sandbox returned no data")
    image = target.grab().toImage()
    if image.isNull() or image.width() == 0 or image.height() == 0:
        raise SelfTestFailed(f"{page.title}: the view drew nothing")
    count = ink_pixels(image, ink)
    if count < MIN_INK_PIXELS:
        raise SelfTestFailed(
            f"{page.title}: {count} pixels of the data's colour {ink.name()} in the "
            f"{image.width()}x{image.height()} picture of {type(target).__name__}"
        )
    return 1


def ink_pixels(image: QImage, ink: QColor, tolerance: int = 60) -> int:
    """Pixels of ``image`` within ``tolerance`` (sum of RGB differences) of ``ink``, allowing
    for a translucent brush: the colour blended 50-100 % over the picture's background."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    raw = np.frombuffer(bytes(rgb.constBits()), dtype=np.uint8, count=stride * height)
    pixels = raw.reshape(height, stride // 4, 4)[:, :width, 2::-1].astype(np.int32)  # BGRA->RGB
    flat = pixels.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    background = colours[int(np.argmax(counts))]
    target = np.array([ink.red(), ink.green(), ink.blue()], dtype=np.int32)
    found = np.zeros(len(flat), dtype=bool)
    for alpha in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5):
        blended = np.rint(alpha * target + (1 - alpha) * background).astype(np.int32)
        found |= np.abs(flat - blended).sum(axis=1) <= tolerance
    return int(found.sum())


def _export(window: MainWindow, folder: Path, steps: _Steps) -> int:
    """Ctrl+E on the current tab, the file dialog answered with a path in ``folder``."""
    exported = folder / "export.csv"
    window.ask_export_path = lambda suggested: exported  # type: ignore[method-assign]
    window.export_current()
    steps.wait(lambda: not window.runner.in_flight(), "exporting to CSV")
    if not exported.is_file():
        said = window.status.currentMessage()
        raise SelfTestFailed(f"exporting to CSV: no file was written. {said}".rstrip())
    with exported.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        raise SelfTestFailed(f"exporting to CSV: {len(rows)} lines, expected a header and data")
    return len(rows) - 1
