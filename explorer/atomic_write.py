"""Writing a file atomically: a hidden temporary file beside it, synced to disk, renamed over it.

Every file the app writes for keeps (exports, downloads, the account book, the sandbox's
database) goes through here, so a failure (a full disk, a cancel, a killed process) never
leaves half a file at the destination and never destroys the file that was there: the
temporary file lives in the destination's own folder (a rename across disks is not atomic),
is flushed and fsynced before `os.replace`, and is removed on any failure. The folder is
synced after the rename (best effort) so that the rename itself survives a power cut.

This module sits below every layer (stdlib only): any package may import it.
`describe_write_error` says in words why a file could not be written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "AtomicWriter",
    "atomic_path",
    "atomic_write",
    "describe_write_error",
    "new_file_mode",
    "target_mode",
    "temporary_prefix",
]


def temporary_prefix(path: Path) -> str:
    """The start of the hidden temporary files written for `path`: ``.name.partial-``."""
    return f".{path.name}.partial-"


def describe_write_error(error: OSError, path: Path) -> str:
    """Why `path` could not be written, in words; the file already there is never touched."""
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        cause = "no space left on the disk" if code == errno.ENOSPC else "disk quota exceeded"
    elif code == errno.EROFS:
        cause = f"the folder {path.parent} is on a read-only disk"
    elif code in (errno.EACCES, errno.EPERM):
        cause = f"permission denied in the folder {path.parent}"
    elif code == errno.ENOENT:
        cause = f"the folder {path.parent} does not exist (any more)"
    elif code == errno.ENOTDIR:
        cause = f"{path.parent} is not a folder"
    elif code == errno.EISDIR:
        cause = f"{path} is a folder"
    else:
        cause = error.strerror or str(error)
    return f"cannot write {path}: {cause}; the file that was there, if any, is untouched"


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """What the umask allows a new file, like any file the person creates."""
    return 0o666 & ~_umask()


def target_mode(path: Path) -> int:
    """The permissions a file written to `path` should get: those of the file it replaces,
    or `new_file_mode()` where there is none."""
    if path.is_file():
        return stat.S_IMODE(path.stat().st_mode)
    return new_file_mode()


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (best effort: some file systems cannot open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(temp: Path, final: Path, mode: int | None) -> None:
    if mode is not None:
        os.chmod(temp, mode)
    os.replace(temp, final)
    _sync_folder(final.parent)


class AtomicWriter:
    """A file opened under a hidden temporary name beside `path` (``.name.partial-XXXXXXXX``,
    private to this user until committed); `commit` syncs it and renames it over the
    destination, `discard` removes it. OSErrors pass through untouched (their errno intact):
    `describe_write_error` turns one into a sentence."""

    def __init__(self, path: Path, *, binary: bool = False, **text: Any) -> None:
        """`text`: open()'s encoding, errors and newline for a text file (UTF-8 by default)."""
        self.path = path
        fd, name = tempfile.mkstemp(prefix=temporary_prefix(path), dir=path.parent)
        self.temp = Path(name)
        try:
            if binary:
                self.file: IO[Any] = os.fdopen(fd, "wb")
            else:
                self.file = os.fdopen(fd, "w", **{"encoding": "utf-8", **text})
        except BaseException:
            os.close(fd)
            self.temp.unlink(missing_ok=True)
            raise
        self.closed = False

    def commit(self, target: Path | None = None, *, mode: int | None = None) -> Path:
        """Flush and fsync the file, give it `mode` if told, and rename it over `target` (the
        destination unless told); returns it. On an OSError the temporary file is removed
        and the destination left as it was."""
        final = target or self.path
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.closed = True
            self.file.close()
            _publish(self.temp, final, mode)
        except BaseException:
            self.discard()
            raise
        return final

    def discard(self) -> None:
        """Close and remove the temporary file (quietly: this runs on the way out of a failure)."""
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError):
                self.file.close()  # may fail again flushing what a full disk refused
        with contextlib.suppress(OSError):
            self.temp.unlink(missing_ok=True)


@contextmanager
def atomic_write(
    path: Path, *, binary: bool = False, mode: int | None = None, **text: Any
) -> Iterator[IO[Any]]:
    """Yield a file to write `path` through; the block's normal end commits it (with `mode`
    if told), leaving it by any exception (an error, Cancelled, KeyboardInterrupt)
    discards it and leaves `path` as it was."""
    writer = AtomicWriter(path, binary=binary, **text)
    try:
        yield writer.file
    except BaseException:
        writer.discard()
        raise
    writer.commit(mode=mode)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a fresh, empty temporary path beside `path` for a writer that opens files by
    name (sqlite3); the block's normal end fsyncs it and renames it over `path`, any
    exception removes it and leaves `path` as it was."""
    fd, name = tempfile.mkstemp(prefix=temporary_prefix(path), dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _publish(temp, path, None)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
