"""The signals that end a headless command, turned into exceptions that unwind it cleanly.

SIGINT (Ctrl+C) raises KeyboardInterrupt and SIGTERM / SIGHUP raise `Stopped`, so every
`finally` and `except BaseException` on the way out runs: a temporary export file is removed,
the embedded sandbox stops. The first signal wins; later ones are ignored until the command
has unwound, so a second Ctrl+C cannot cut the clean-up short. The exit code is the shell's
128 + the signal's number: 130, 143, 129.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

HANDLED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(BaseException):
    """A signal (SIGTERM, SIGHUP) asked the command to stop; like KeyboardInterrupt, it is
    not an Exception, so no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def exit_code(signum: int) -> int:
    """What a shell reports for a command ended by `signum`: 128 + its number."""
    return 128 + signum


@contextmanager
def raised_as_exceptions() -> Iterator[None]:
    """While inside, SIGINT, SIGTERM and SIGHUP raise (once) in the main thread; outside,
    the previous handlers are back. Elsewhere than the main thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_signal(signum: int, frame: FrameType | None) -> None:
        for other in HANDLED:
            signal.signal(other, signal.SIG_IGN)  # the clean-up runs to its end
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Stopped(signum)

    previous: dict[int, Any] = {number: signal.signal(number, on_signal) for number in HANDLED}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
