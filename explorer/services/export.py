"""Writing tables out: CSV (RFC 4180, UTF-8), JSON or aligned text, atomically.

A file is written to a temporary name beside the destination, flushed to disk, then renamed
over it, so a failure (a full disk, a killed process) never leaves half a file and never
destroys the file that was there before.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

FORMATS = ("table", "json", "csv")


class ExportError(Exception):
    """A file could not be written; the message says where and why, in words."""


@dataclass
class Table:
    """Rows of text cells under a header, plus what a JSON export says about them."""

    header: Sequence[str]
    rows: Iterable[Sequence[str]]
    meta: dict[str, Any] = field(default_factory=dict)


def write_csv(table: Table, out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    count = 0
    for row in table.rows:
        writer.writerow(row)
        count += 1
    return count


def write_json(table: Table, out: TextIO) -> int:
    rows = [dict(zip(table.header, row, strict=True)) for row in table.rows]
    json.dump({**table.meta, "rows": rows}, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(rows)


def write_text(table: Table, out: TextIO) -> int:
    rows = [list(row) for row in table.rows]
    widths = [len(h) for h in table.header]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(table.header, widths, strict=True))
    out.write(line.rstrip() + "\n")
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(rows)


WRITERS: dict[str, Callable[[Table, TextIO], int]] = {
    "csv": write_csv,
    "json": write_json,
    "table": write_text,
}


def render(table: Table, fmt: str) -> str:
    buffer = io.StringIO(newline="")
    WRITERS[fmt](table, buffer)
    return buffer.getvalue()


def _explain(error: OSError, path: Path) -> str:
    if error.errno == errno.ENOSPC:
        return f"no space left on the disk while writing {path}; the previous file is untouched"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: permission denied or read-only folder"
    if error.errno == errno.ENOENT:
        return f"cannot write {path}: the folder {path.parent} does not exist"
    return f"cannot write {path}: {error.strerror or error}"


def write_atomically(path: Path, write: Callable[[TextIO], int]) -> int:
    """Write through `write(file)` into a temporary file, then rename it over `path`."""
    path = path.expanduser()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise ExportError(_explain(error, path)) from error
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise ExportError(_explain(error, path)) from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def export_table(table: Table, fmt: str, path: Path) -> int:
    """Write `table` to `path` in `fmt` (csv, json or table); returns the number of rows."""
    writer = WRITERS[fmt]
    return write_atomically(path, lambda out: writer(table, out))
