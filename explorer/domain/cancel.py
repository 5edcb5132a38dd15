"""Cooperative cancellation and progress reporting for long calls (shared by GUI and CLI)."""

from __future__ import annotations

import threading
from collections.abc import Callable

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) units of work, e.g. pages; total may grow as it becomes known."""


class Cancelled(Exception):
    """The person (or a newer request) asked this work to stop."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class CancelToken:
    """Checked between pages and retries; setting it never interrupts a request in flight,
    but every request has a timeout, so a cancel is honoured within one timeout."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early on cancel; True if cancelled."""
        return self._event.wait(seconds)


NEVER_CANCELLED = CancelToken()


def no_progress(done: int, total: int) -> None:
    """The progress callback for callers that do not show progress."""
