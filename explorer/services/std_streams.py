"""The process's standard streams for the headless commands: stdout that may be a closed pipe,
a full device or closed altogether; stderr that may be gone; text escaped for a terminal."""

from __future__ import annotations

import errno
import os
import sys
from contextlib import suppress

from explorer.services.table_files import ExportError
from explorer.services.text_safety import for_terminal


class PipeClosed(Exception):
    """The reader of standard output went away (`| head` has what it wanted)."""


def say(message: str) -> None:
    """One line to stderr, control characters escaped; nothing if stderr is gone."""
    if sys.stderr is None:
        return
    with suppress(OSError, ValueError):  # stderr closed or broken: no one left to tell
        print(for_terminal(message), file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point fd 1 at the null device, so that the flush at exit has nowhere to fail (the
    Python docs' advice for SIGPIPE); what is still buffered goes nowhere."""
    with suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def write_stdout(text: str) -> None:
    """Write and flush `text` to stdout; PipeClosed if the reader went away, an ExportError
    with a sentence if stdout cannot take it (a full device, a closed descriptor)."""
    if sys.stdout is None:
        raise ExportError("cannot write to standard output: it is closed; give --out FILE")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise PipeClosed from None
    except OSError as error:
        _silence_stdout()
        if error.errno == errno.ENOSPC:
            cause = "no space left on the device"
        elif error.errno == errno.EBADF:
            cause = "it is closed"
        else:
            cause = error.strerror or str(error)
        raise ExportError(
            f"cannot write to standard output: {cause}; give --out FILE to write to a file"
        ) from None


def stdout_takes_unicode() -> bool:
    """Whether stdout encodes all of Unicode (else JSON escapes what ASCII lacks)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf16", "utf32")
