"""The crash message: reports from any thread reach the GUI thread; one box, never blocking."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from explorer.services.diagnostics import CrashReport
from explorer.ui.dialogs.crash_dialog import TITLE, CrashMessage, CrashNotifier, crash_text

REPORT = CrashReport(Path("/logs/crash-20260310T140509.txt"), "ValueError: x", "MainThread")


def test_a_report_from_a_worker_thread_is_shown_on_the_gui_thread(qtbot: Any) -> None:
    shown: list[tuple[CrashReport, threading.Thread]] = []
    notifier = CrashNotifier(lambda report: shown.append((report, threading.current_thread())))
    worker = threading.Thread(target=notifier.notify, args=(REPORT,), name="crasher")
    worker.start()
    worker.join()
    assert shown == []  # queued, not called on the worker
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert shown[0] == (REPORT, threading.main_thread())


def test_a_report_on_the_gui_thread_is_shown_at_once() -> None:
    shown: list[CrashReport] = []
    CrashNotifier(shown.append).notify(REPORT)
    assert shown == [REPORT]


def test_what_the_crash_handler_holds_keeps_no_qt_object_alive(qtbot: Any) -> None:
    """The handler calls ``notify`` from any thread: were it the last owner of the notifier,
    that thread would destroy a QObject of the GUI thread."""
    notifier = CrashNotifier(lambda report: None)
    notify, gone = notifier.notify, weakref.ref(notifier)
    del notifier
    gc.collect()
    assert gone() is None
    late = threading.Thread(target=notify, args=(REPORT,))  # its mailbox is closed: dropped
    late.start()
    late.join()


def test_the_box_names_the_file_and_does_not_block(qtbot: Any) -> None:
    message = CrashMessage()
    box = message(REPORT)
    qtbot.addWidget(box)
    assert box.isVisible() and box.windowModality() == Qt.WindowModality.NonModal
    assert box.windowTitle() == TITLE and box.icon() == QMessageBox.Icon.Critical
    assert box.text() == "Something went wrong inside the app: ValueError: x"
    assert str(REPORT.path) in box.informativeText() and "no API key" in box.informativeText()
    again = message(CrashReport(None, "OSError: y", "worker", "the report could not be written"))
    assert again is box and box.text().endswith("(and 1 more unexpected error(s) since)")
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: message.box is None)
    fresh = message(REPORT)
    qtbot.addWidget(fresh)
    assert fresh is not box and "more" not in fresh.text()
    fresh.close()


def test_without_a_file_the_text_says_why() -> None:
    text, details = crash_text(CrashReport(None, "OSError: y", "w", "disk full"))
    assert text.endswith("OSError: y") and details.startswith("No crash report could be saved")
    assert "(disk full)" in details
