"""Telling the person about a crash: a short, non-blocking message box naming the report file.

`CrashNotifier.notify` may be called from any thread (the crash handler runs on the thread
that crashed); it hands the report to the GUI thread through a `Mailbox`. What is shown
is injectable (`show`): tests record reports instead of opening boxes. One box at a time:
further crashes while it is open are counted in it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from explorer.services.diagnostics import CrashReport
from explorer.ui.bridge.mailbox import Mailbox

TITLE = "Analytics Explorer: unexpected error"

ShowCrash = Callable[[CrashReport], object]


def crash_text(report: CrashReport) -> tuple[str, str]:
    """The box's text and its informative text, in words."""
    text = f"Something went wrong inside the app: {report.summary}"
    if report.path is not None:
        where = f"A crash report was saved to:\n{report.path}\n\n"
    else:
        where = f"No crash report could be saved ({report.problem}).\n\n"
    advice = (
        "It holds no API key or token: attach it when you report the problem. "
        "The app may not work properly now; restart it if anything looks wrong."
    )
    return text, where + advice


class CrashMessage:
    """Shows one message box at a time, parented to whatever `parent` returns."""

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self.parent = parent
        self.box: QMessageBox | None = None
        self.text = ""
        self.more = 0

    def __call__(self, report: CrashReport) -> QMessageBox:
        if self.box is not None:
            self.more += 1
            self.box.setText(f"{self.text}\n(and {self.more} more unexpected error(s) since)")
            return self.box
        text, details = crash_text(report)
        box = QMessageBox(
            QMessageBox.Icon.Critical, TITLE, text, QMessageBox.StandardButton.Ok, self.parent()
        )
        box.setInformativeText(details)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setWindowModality(Qt.WindowModality.NonModal)  # never blocks the event loop
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._on_box_finished)
        self.box, self.text, self.more = box, text, 0
        box.show()
        return box

    def _on_box_finished(self, _result: int) -> None:
        self.box = None


class CrashNotifier(QObject):
    """Receives crash reports from any thread and shows them on the GUI thread.

    ``notify`` is a plain callable (no Qt object behind it): the crash handler calls it from
    whichever thread crashed, and a report from another thread goes through a `Mailbox`."""

    def __init__(self, show: ShowCrash | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show = show or CrashMessage()
        self._mailbox = Mailbox(self)
        self._mailbox.arrived.connect(self.show)
        self.notify = _notifier(self.show, self._mailbox.post)


def _notifier(show: ShowCrash, post: ShowCrash) -> ShowCrash:
    """On the creating (GUI) thread, show at once; from any other, post."""
    home = threading.get_ident()

    def notify(report: CrashReport) -> None:
        (show if threading.get_ident() == home else post)(report)

    return notify
