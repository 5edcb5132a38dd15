"""Diagnostics: a rotating log file with every secret redacted, and crash reports for the rest.

Redaction happens where a log record is made (a record factory), so every handler sees the
same scrubbed record: the arguments are formatted into the message, the exception's text and
traceback are formatted once and kept as text (the exception object, and with it its frames'
locals, is dropped), and all of it goes through `explorer.api.errors.redact`, which knows
every key and token wrapped in a `Secret`. The file's formatter redacts once more.

A crash report holds the version, the platform and the traceback (never the frames' locals),
redacted, in ``crash-YYYYmmddTHHMMSS.txt`` beside the log. `CrashHandler` writes one for an
exception nobody caught (``sys.excepthook``, ``threading.excepthook``) and tells the person
through `notify` (a message box in the GUI, a line on stderr in the CLI). Nothing here
imports Qt.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from explorer import __version__
from explorer.api.errors import redact
from explorer.services import app_dirs

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
LEVEL_VARIABLE = "EXPLORER_LOG_LEVEL"
DEFAULT_LEVEL = "info"
LOG_FILE = "analytics-explorer.log"
MAX_LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 3  # at most ~8 MB of logs
LINE_FORMAT = "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s"
# They log whole URLs (a signed download link) and headers at debug; http.py logs what matters.
QUIET_LOGGERS = ("httpx", "httpcore")
MAX_CRASH_REPORTS = 5  # per run: a fault that repeats on every repaint must not fill the disk

log = logging.getLogger(__name__)
_formatter = logging.Formatter()


def level_named(name: str) -> int:
    """The logging level for ``debug``, ``info`` or ``warning``; ValueError otherwise."""
    try:
        return LEVELS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"log level {name!r}: choose one of {', '.join(LEVELS)}") from None


def scrub(record: logging.LogRecord) -> None:
    """Redact a record in place: message with its arguments, exception text, stack."""
    try:
        message = record.getMessage()
    except Exception:  # a format string that does not match its arguments: keep both, as text
        message = f"{record.msg!r} with arguments {record.args!r}"
    record.msg, record.args = redact(message), ()
    if record.exc_info:
        if not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        record.exc_info = None  # the exception (its frames, their locals) goes no further
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactingFormatter(logging.Formatter):
    """Formats a line, then removes every known secret from the whole of it."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _redacting_factory(
    make: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        scrub(record)
        return record

    factory.redacting = True  # type: ignore[attr-defined]
    return factory


class LogSetup:
    """The installed log file; `close()` takes it all back (handler, levels, record factory)."""

    def __init__(self, path: Path, level: int, warning: str | None = None) -> None:
        self.path = path
        self.level = level
        self.handler = logging.handlers.RotatingFileHandler(
            path,
            maxBytes=MAX_LOG_BYTES,
            backupCount=LOG_BACKUPS,
            encoding="utf-8",
            errors="backslashreplace",  # a lone surrogate (an odd file name) is logged escaped
            delay=True,
        )
        self.handler.setFormatter(RedactingFormatter(LINE_FORMAT))
        self.handler.setLevel(level)
        root = logging.getLogger()
        self._root_level = root.level
        self._quiet_levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
        self._factory = logging.getLogRecordFactory()
        self._installed: Callable[..., logging.LogRecord] | None = None
        if not getattr(self._factory, "redacting", False):
            self._installed = _redacting_factory(self._factory)
            logging.setLogRecordFactory(self._installed)
        self._closed = False
        root.addHandler(self.handler)
        root.setLevel(level)
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(max(level, logging.WARNING))
        if warning:
            log.warning("%s", warning)

    def close(self) -> None:
        """Undo the set-up; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        root = logging.getLogger()
        root.removeHandler(self.handler)
        self.handler.close()
        root.setLevel(self._root_level)
        for name, level in self._quiet_levels.items():
            logging.getLogger(name).setLevel(level)
        if self._installed is not None and logging.getLogRecordFactory() is self._installed:
            logging.setLogRecordFactory(self._factory)


_current: LogSetup | None = None
_current_lock = threading.Lock()


def setup_logging(
    level: str | None = None,
    *,
    directory: Path | None = None,
    environ: Mapping[str, str] = os.environ,
) -> LogSetup:
    """Log at `level` (``debug``, ``info``, ``warning``; None: ``EXPLORER_LOG_LEVEL``, else
    ``info``) to a rotating file in the log dir. A second call replaces the first set-up.
    A bad ``EXPLORER_LOG_LEVEL`` is not fatal: the default applies and the log says why."""
    global _current
    warning = None
    name = level
    if name is None:
        name = environ.get(LEVEL_VARIABLE, "").strip() or DEFAULT_LEVEL
        if name.lower() not in LEVELS:
            warning = f"{LEVEL_VARIABLE}={name!r} is not a log level; using {DEFAULT_LEVEL}"
            name = DEFAULT_LEVEL
    number = level_named(name)
    folder = directory or app_dirs.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with _current_lock:
        if _current is not None:
            _current.close()
        _current = LogSetup(folder / LOG_FILE, number, warning)
        return _current


# --- crash reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CrashReport:
    """A crash as the person is told of it: where the report is (None if it could not be
    written, `problem` says why) and one redacted line saying what happened."""

    path: Path | None
    summary: str
    thread: str
    problem: str = ""


def _summary(error: BaseException) -> str:
    text = redact("".join(traceback.format_exception_only(type(error), error))).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return first if len(first) <= 200 else first[:199] + "…"


def report_text(error: BaseException, thread: str, when: datetime) -> str:
    """The report's contents, redacted: what, when, which version and platform, the traceback."""
    lines = [
        "Analytics Explorer crash report",
        f"When: {when.isoformat(timespec='seconds')}",
        f"Version: {__version__}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"Platform: {platform.platform()}",
        f"Thread: {thread}",
        "",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    return redact("\n".join(line.rstrip("\n") for line in lines)) + "\n"


def write_crash_report(
    error: BaseException,
    *,
    thread: str | None = None,
    directory: Path | None = None,
    now: datetime | None = None,
) -> CrashReport:
    """Write ``crash-YYYYmmddTHHMMSS.txt`` (readable by its owner only) in the log dir."""
    when = now or datetime.now().astimezone()
    name = thread or threading.current_thread().name
    summary = _summary(error)
    try:
        folder = directory or app_dirs.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        data = report_text(error, name, when).encode("utf-8", "backslashreplace")
        stem = f"crash-{when:%Y%m%dT%H%M%S}"
        for attempt in range(1, 100):
            path = folder / (f"{stem}.txt" if attempt == 1 else f"{stem}-{attempt}.txt")
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            return CrashReport(path, summary, name)
        raise FileExistsError(f"too many crash reports named {stem}* in {folder}")
    except OSError as problem:
        reason = redact(f"{problem.strerror or problem}")
        return CrashReport(None, summary, name, f"the report could not be written: {reason}")


Notify = Callable[[CrashReport], None]


class CrashHandler:
    """Turns uncaught exceptions into crash reports and a word to the person (`notify`,
    called on the thread that crashed). `install()` hooks ``sys.excepthook`` and
    ``threading.excepthook``; a hook that was there before and is not Python's default
    (a debugger, a test harness) is still called after the report."""

    def __init__(
        self,
        notify: Notify | None = None,
        *,
        directory: Path | None = None,
        limit: int = MAX_CRASH_REPORTS,
    ) -> None:
        self.notify = notify
        self.directory = directory
        self.limit = limit
        self.reports: list[CrashReport] = []
        self._lock = threading.Lock()
        self._previous_sys: Callable[..., Any] | None = None
        self._previous_thread: Callable[..., Any] | None = None

    def install(self) -> CrashHandler:
        self._previous_sys, sys.excepthook = sys.excepthook, self._on_sys_excepthook
        self._previous_thread, threading.excepthook = threading.excepthook, self._on_thread_hook
        return self

    def uninstall(self) -> None:
        """Put back the hooks found at `install()` (unless someone replaced ours since)."""
        if sys.excepthook == self._on_sys_excepthook and self._previous_sys is not None:
            sys.excepthook = self._previous_sys
        if threading.excepthook == self._on_thread_hook and self._previous_thread is not None:
            threading.excepthook = self._previous_thread

    def report(self, error: BaseException, thread: str | None = None) -> CrashReport | None:
        """Write the report, log it and notify; None past `limit` reports (only logged)."""
        with self._lock:
            over = len(self.reports) >= self.limit
        if over:
            log.error("another unexpected error (%d already reported)", self.limit, exc_info=error)
            return None
        report = write_crash_report(error, thread=thread, directory=self.directory)
        with self._lock:
            self.reports.append(report)
        where = report.path or report.problem
        log.critical("unexpected error, crash report: %s", where, exc_info=error)
        if self.notify is not None:
            try:
                self.notify(report)
            except Exception as problem:  # telling the person must not crash in turn
                log.error("could not show the crash report: %s", problem)
        return report

    def _on_sys_excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        previous = self._previous_sys
        if not issubclass(kind, KeyboardInterrupt):
            if error.__traceback__ is None:
                error = error.with_traceback(tb)
            self.report(error)
            if previous is sys.__excepthook__:
                return  # the default would print the traceback: the report holds it
        if previous is not None:
            previous(kind, error, tb)

    def _on_thread_hook(self, args: threading.ExceptHookArgs) -> None:
        error, previous = args.exc_value, self._previous_thread
        if error is not None and not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else "a thread"
            self.report(error, thread=name)
            if previous is threading.__excepthook__:
                return
        if previous is not None:
            previous(args)
