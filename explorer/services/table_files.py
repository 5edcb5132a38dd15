"""Writing tables out: CSV (RFC 4180, UTF-8), JSON or aligned text, atomically.

A file is written to a hidden temporary name beside the destination (``.name.partial-XXXX``),
flushed to disk, then renamed over it, so a failure (a full disk, a killed process) never leaves
half a file at the destination and never destroys the file that was there before. Whole tables
go through `export_table`; long exports stream rows through `atomic_csv` as they arrive.

Only a regular file (or a new one) is written: a device (/dev/null, /dev/stdout), a FIFO, a
socket or a folder is refused, and a symbolic link is followed to the file it names. The
temporary files of an earlier run that was killed (SIGKILL, a power cut) are swept the next
time the same destination is written. Text that cannot be encoded (lone surrogates) is
written escaped (``\\udc80``); CSV cells a spreadsheet would run as formulas are neutralised
(`text_safety.for_spreadsheet`); the aligned-text format shows control characters escaped.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

from explorer.atomic_write import (
    AtomicWriter,
    describe_write_error,
    target_mode,
    temporary_prefix,
)
from explorer.services.text_safety import for_spreadsheet, for_terminal

try:
    import fcntl
except ImportError:  # Windows: stale temporary files are told apart by age alone
    fcntl = None  # type: ignore[assignment]

FORMATS = ("table", "json", "csv")
ENCODING_ERRORS = "backslashreplace"  # a lone surrogate is written as \\udc80, never a crash
RUN_STARTED = time.time()  # a temporary file older than this may be a killed run's leftover


class ExportError(Exception):
    """A file could not be written; the message says where and why, in words."""


class DestinationError(ExportError):
    """The destination is not a regular file: a device, a FIFO, a socket, a folder."""


@dataclass
class Table:
    """Rows of text cells under a header, plus what a JSON export says about them."""

    header: Sequence[str]
    rows: Iterable[Sequence[str]]
    meta: dict[str, Any] = field(default_factory=dict)
    keys: Sequence[str] | None = None  # JSON's row keys, when not the header's words


def spreadsheet_row(cells: Sequence[str]) -> list[str]:
    """A CSV row with formula-like cells neutralised (see `text_safety.for_spreadsheet`)."""
    return [for_spreadsheet(cell) if isinstance(cell, str) else cell for cell in cells]


def write_csv(table: Table, out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(spreadsheet_row(table.header))
    count = 0
    for row in table.rows:
        writer.writerow(spreadsheet_row(row))
        count += 1
    return count


def write_json(table: Table, out: TextIO, ascii_only: bool = False) -> int:
    """The table as JSON, strings as they are; `ascii_only` escapes all but ASCII the JSON way
    (for a stream that cannot encode the rest). A lone surrogate is written as its JSON escape
    by the stream's backslashreplace (``\\udce9``), which reads back as the same string."""
    keys = table.header if table.keys is None else table.keys
    rows = [dict(zip(keys, row, strict=True)) for row in table.rows]
    json.dump({**table.meta, "rows": rows}, out, ensure_ascii=ascii_only, indent=2)
    out.write("\n")
    return len(rows)


def write_text(table: Table, out: TextIO) -> int:
    """Aligned columns for a person at a terminal; control characters are shown escaped."""
    header = [for_terminal(h) for h in table.header]
    rows = [[for_terminal(cell) for cell in row] for row in table.rows]
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out.write(line.rstrip() + "\n")
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(rows)


WRITERS: dict[str, Callable[[Table, TextIO], int]] = {
    "csv": write_csv,
    "json": write_json,
    "table": write_text,
}


def render(table: Table, fmt: str, ascii_only: bool = False) -> str:
    """The table as text in `fmt`; `ascii_only` for a stream that takes ASCII alone (JSON
    then escapes the rest as JSON does; the other formats rely on the stream's escaping)."""
    buffer = io.StringIO(newline="")
    if fmt == "json" and ascii_only:
        write_json(table, buffer, ascii_only=True)
    else:
        WRITERS[fmt](table, buffer)
    return buffer.getvalue()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


_SYSTEM = re.compile(r"/(dev|proc)(/|$)")  # /dev/stdout, /dev/fd/1, /proc/self/fd/1…


def regular_destination(path: Path) -> Path:
    """The file to write for `path`: `path` itself when it is a regular file or does not exist
    yet, the file it names when it is a symbolic link; a device (/dev/null, /dev/stdout), a
    FIFO, a socket or a folder is refused with a DestinationError (renaming over it would
    replace it)."""
    try:
        target = path.resolve() if path.is_symlink() else path
    except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python 3.11)
        raise DestinationError(
            f"refusing to write {path}: it is a symbolic link that leads to no file "
            "(a loop of links), not a regular file; choose a file name to write to"
        ) from None
    if any(_SYSTEM.match(str(p)) for p in (path.absolute(), target)):
        raise DestinationError(
            f"refusing to write {path}: it names a device or a process's file (/dev, /proc), "
            "not a regular file; choose a file name to write to"
        )
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target  # a new file
    except OSError as error:
        raise ExportError(describe_write_error(error, path)) from error
    if stat.S_ISREG(mode):
        return target
    shown = f"{path} ({target})" if target != path else str(path)
    raise DestinationError(
        f"refusing to write {shown}: it is {_kind(mode)}, not a regular file; "
        "choose a file name to write to"
    )


def _in_use(path: str) -> bool:
    """Whether a live writer holds the temporary file at `path` (its lock, where there are)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return True  # cannot tell: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases the lock
    return False


def sweep_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files an earlier, killed run left for `path`: only names of its
    pattern (``.name.partial-`` and tempfile's 8 characters), regular files owned by this
    user, last written before this run started, and held by no live writer. Returns them."""
    pattern = re.compile(re.escape(temporary_prefix(path)) + r"[a-z0-9_]{8}")
    swept: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return swept  # the folder's own problem is told when the file is created
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not (stat.S_ISREG(info.st_mode) and mine and info.st_mtime < RUN_STARTED):
            continue
        if _in_use(entry.path):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            swept.append(Path(entry.path))
    return swept


class AtomicFile:
    """A text file written under a hidden temporary name beside `path` (``.name.partial-XXXX``)
    and renamed into place by `commit`; `discard` removes it. Every OSError on the way becomes
    an ExportError naming the destination and the cause."""

    def __init__(self, path: Path) -> None:
        self.path = regular_destination(path.expanduser())
        sweep_stale_temporaries(self.path)
        try:
            self._writer = AtomicWriter(self.path, errors=ENCODING_ERRORS, newline="")
        except OSError as error:
            raise ExportError(describe_write_error(error, self.path)) from error
        if fcntl is not None:  # held while writing: a sweep in another process leaves it be
            fcntl.flock(self._writer.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.temp = self._writer.temp
        self.out = cast(TextIO, self._writer.file)  # opened in text mode

    @property
    def closed(self) -> bool:
        return self._writer.closed

    def failed(self, error: OSError, target: Path | None = None) -> ExportError:
        """Discard the temporary file; the ExportError to raise for `error`."""
        self.discard()
        return ExportError(describe_write_error(error, target or self.path))

    def write(self, text: str) -> None:
        try:
            self.out.write(text)
        except OSError as error:
            raise self.failed(error) from error

    def commit(self, target: Path | None = None) -> Path:
        """Flush to disk and rename over `target` (the destination unless told); returns it."""
        final = regular_destination((target or self.path).expanduser())
        try:
            self.out.flush()
            return self._writer.commit(final, mode=target_mode(final))
        except OSError as error:
            raise self.failed(error, final) from error

    def discard(self) -> None:
        """Close and remove the temporary file (quietly: this runs on the way out of a failure)."""
        self._writer.discard()


@contextmanager
def atomic_file(path: Path) -> Iterator[AtomicFile]:
    """Yield an AtomicFile for `path`; leaving the block commits it (unless the block did),
    leaving it by an exception (an error, Cancelled, KeyboardInterrupt) discards it."""
    file = AtomicFile(path)
    try:
        yield file
    except BaseException:
        file.discard()
        raise
    if not file.closed:
        file.commit()


class CsvSink:
    """Rows streamed into an AtomicFile as CSV (RFC 4180, CRLF, UTF-8), counted; cells a
    spreadsheet would run as formulas are neutralised."""

    def __init__(self, file: AtomicFile) -> None:
        self.file = file
        self.rows = 0
        self._writer = csv.writer(file.out, lineterminator="\r\n")

    def header(self, cells: Sequence[str]) -> None:
        self._write(self._writer.writerow, spreadsheet_row(cells))

    def writerow(self, cells: Sequence[str]) -> None:
        self._write(self._writer.writerow, spreadsheet_row(cells))
        self.rows += 1

    def writerows(self, rows: Iterable[Sequence[str]]) -> None:
        for cells in rows:
            self.writerow(cells)

    def _write(self, write: Callable[[Sequence[str]], object], cells: Sequence[str]) -> None:
        try:
            write(cells)
        except OSError as error:
            raise self.file.failed(error) from error

    def commit(self, target: Path | None = None) -> Path:
        return self.file.commit(target)


@contextmanager
def atomic_csv(path: Path, header: Sequence[str]) -> Iterator[CsvSink]:
    """Stream CSV rows to `path` atomically: the header is written at once, rows as they come;
    the block's normal end renames the file into place (or `sink.commit(other)` elsewhere),
    an exception removes the temporary file and leaves `path` as it was."""
    with atomic_file(path) as file:
        sink = CsvSink(file)
        sink.header(header)
        yield sink


def write_atomically(path: Path, write: Callable[[TextIO], int]) -> int:
    """Write through `write(file)` into a temporary file, then rename it over `path`."""
    with atomic_file(path) as file:
        try:
            count = write(file.out)
        except OSError as error:
            raise file.failed(error) from error
        file.commit()
    return count


def export_table(table: Table, fmt: str, path: Path) -> int:
    """Write `table` to `path` in `fmt` (csv, json or table); returns the number of rows."""
    writer = WRITERS[fmt]
    return write_atomically(path, lambda out: writer(table, out))
