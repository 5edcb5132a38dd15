"""The streaming atomic writer and the job's write errors: full disk, read-only, no folder."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.cancel import Cancelled
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.services.bulk_sessions_csv import ExportRequest, ExportSummary, export_sessions
from explorer.services.sessions import Media, SessionService
from explorer.services.table_files import (
    AtomicFile,
    ExportError,
    Table,
    atomic_csv,
    export_table,
)
from tests.support import scenario
from tests.unit.conftest import Serve
from tests.unit.services.sessions_data import DAY, many

ALGEBRA = Media(scenario.A, "video", "Algebra 1")
KEYNOTE = Media(scenario.C, "live-stream", "Keynote")
PRECIOUS = b"precious\r\n"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


# --- the writer --------------------------------------------------------------------------


def test_rows_stream_into_a_hidden_temporary_file_renamed_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with atomic_csv(path, ["a", "b"]) as sink:
        sink.writerow(["1", "x,y"])
        sink.writerows([["2", 'say "hi"']])
        (temp,) = tmp_path.iterdir()
        assert temp.name.startswith(".out.csv.partial-") and not path.exists()
        assert sink.file.temp == temp
    assert names(tmp_path) == ["out.csv"] and sink.rows == 2
    assert path.read_bytes() == b'a,b\r\n1,"x,y"\r\n2,"say ""hi"""\r\n'


@pytest.mark.parametrize("error", [RuntimeError("a bug"), Cancelled(), KeyboardInterrupt()])
def test_leaving_by_an_exception_removes_the_temporary_file(
    tmp_path: Path, error: BaseException
) -> None:
    path = tmp_path / "out.csv"
    path.write_bytes(PRECIOUS)
    with pytest.raises(type(error)), atomic_csv(path, ["a"]) as sink:
        sink.writerow(["1"])
        raise error
    assert names(tmp_path) == ["out.csv"] and path.read_bytes() == PRECIOUS


def test_a_commit_elsewhere_leaves_the_destination_alone(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_bytes(PRECIOUS)
    with atomic_csv(path, ["a"]) as sink:
        assert sink.commit(tmp_path / "out.partial.csv") == tmp_path / "out.partial.csv"
    assert path.read_bytes() == PRECIOUS
    assert (tmp_path / "out.partial.csv").read_bytes() == b"a\r\n"


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "shared.csv"
    path.write_bytes(PRECIOUS)
    path.chmod(0o640)
    assert export_table(Table(["a"], [["1"]]), "csv", path) == 1
    assert path.read_bytes() == b"a\r\n1\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


class FullDisk:
    """A file that takes `room` characters, then fails as a full disk does."""

    def __init__(self, out: TextIO, room: int) -> None:
        self._out, self.room = out, room

    def write(self, text: str) -> int:
        self.room -= len(text)
        if self.room < 0:
            raise oserror(errno.ENOSPC)
        return self._out.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AtomicFile runs out of space after 20,000 characters."""
    real = AtomicFile.__init__

    def init(self: AtomicFile, path: Path) -> None:
        real(self, path)
        self.out = FullDisk(self.out, 20_000)  # type: ignore[assignment]

    monkeypatch.setattr(AtomicFile, "__init__", init)


def test_a_full_disk_while_writing_says_so_and_keeps_the_old_file(
    tmp_path: Path, full_disk: None
) -> None:
    path = tmp_path / "out.csv"
    path.write_bytes(PRECIOUS)
    with pytest.raises(ExportError) as caught, atomic_csv(path, ["a"]) as sink:
        for n in range(10_000):
            sink.writerow([str(n)])
    assert str(caught.value) == (
        f"cannot write {path}: no space left on the disk; the file that was there, if any, "
        "is untouched"
    )
    assert names(tmp_path) == ["out.csv"] and path.read_bytes() == PRECIOUS


# --- the job's write errors --------------------------------------------------------------


@pytest.fixture
def service(serve: Serve) -> Iterator[SessionService]:
    api = serve([*scenario.sessions(), *many(150)], rate_limit=1_000_000)
    client = ApiVideoClient(api.service.base_url, Secret(DEFAULT_API_KEY))  # type: ignore[attr-defined]
    yield SessionService(client)
    client.close()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own (the sandbox's dataset lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def export(service: SessionService, path: Path, **kwargs: Any) -> ExportSummary:
    request = ExportRequest([ALGEBRA, KEYNOTE], DAY, {}, "UTC", path)
    return export_sessions(service, request, **kwargs)


def test_the_job_on_a_full_disk_keeps_the_old_file_and_leaves_nothing(
    service: SessionService, out: Path, full_disk: None
) -> None:
    path = out / "sessions.csv"
    path.write_bytes(PRECIOUS)
    with pytest.raises(ExportError, match=f"cannot write {path}: no space left on the disk"):
        export(service, path)
    assert names(out) == ["sessions.csv"] and path.read_bytes() == PRECIOUS


def test_the_job_when_the_disk_fills_at_the_last_flush(
    service: SessionService, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(fd: int) -> None:
        raise oserror(errno.ENOSPC)

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(ExportError, match="no space left on the disk"):
        export(service, out / "sessions.csv")
    assert names(out) == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EROFS, "is on a read-only disk"),
        (errno.EACCES, "permission denied in the folder"),
        (errno.EDQUOT, "disk quota exceeded"),
    ],
)
def test_a_folder_that_refuses_files_is_named_with_the_cause(
    service: SessionService,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    words: str,
) -> None:
    # tests may run as root, where a read-only mode does not stop writes: the refusal is faked
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise oserror(code)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    sent = service.client.http.requests_sent
    with pytest.raises(ExportError, match=f"cannot write {out / 'x.csv'}: .*{words}"):
        export(service, out / "x.csv")
    assert service.client.http.requests_sent == sent  # refused before fetching anything


def test_a_path_under_a_file_is_refused_in_words(service: SessionService, out: Path) -> None:
    (out / "notes.txt").write_text("a file, not a folder")
    target = out / "notes.txt" / "sessions.csv"
    with pytest.raises(ExportError, match=f"{out / 'notes.txt'} is not a folder"):
        export(service, target)
    assert names(out) == ["notes.txt"]


def test_a_folder_that_vanishes_mid_export_is_reported(service: SessionService, out: Path) -> None:
    folder = out / "exports"
    folder.mkdir()
    path = folder / "sessions.csv"

    def remove_folder(done: int, total: int) -> None:
        if done >= 126 and folder.exists():  # half-way through the first asset's sessions
            for child in folder.iterdir():
                child.unlink()
            folder.rmdir()

    with pytest.raises(ExportError, match=f"the folder {folder} does not exist \\(any more\\)"):
        export(service, path, progress=remove_folder)
    assert not folder.exists()


def test_a_new_export_gets_the_permissions_the_umask_allows(tmp_path: Path) -> None:
    from explorer.services.table_files import Table, export_table

    previous = os.umask(0o022)
    try:
        path = tmp_path / "new.csv"
        export_table(Table(["a"], [["1"]]), "csv", path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(previous)
