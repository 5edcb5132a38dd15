"""Where the commands write: regular files only, stdout with no --out or `--out -`; a closed
pipe, a full device or a closed stdout; viewer-controlled text made harmless on the way out."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from explorer import cli, commands
from tests.support.handmade import NOW, S, ev
from tests.support.scenario import A, sessions
from tests.unit.conftest import Serve

KEY_VAR = "EXPLORER_TEST_KEY"
HYPERLINK = '=HYPERLINK("http://evil.example/","click me")'
ESCAPES = "\x1b[2J\x1b]0;pwned\x07"


def hostile() -> list[S]:
    """The scenario, plus a session whose referrer and metadata a viewer wrote."""
    return [
        *sessions(),
        S(
            A,
            "2026-03-10T10:00:00+00:00",
            [ev("ready", "2026-03-10T10:00:01+00:00"), ev("play", "2026-03-10T10:00:02+00:00", 0)],
            viewer=9,
            ended_at="2026-03-10T10:05:00+00:00",
            referrer=HYPERLINK,
            metadata=[{"key": "note", "value": ESCAPES}, {"key": "place", "value": "Café ☕"}],
        ),
    ]


@pytest.fixture
def api(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> httpx.Client:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))
    return serve(hostile())


@pytest.fixture
def connection(api: httpx.Client) -> list[str]:
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR, "--tz", "UTC"]


SESSIONS = ["sessions", "--video", A, "--period", "2026-03-10"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def spawn(argv: Sequence[str], **options: object) -> subprocess.Popen[bytes]:
    options.setdefault("env", {**os.environ, KEY_VAR: "sandbox-local-key"})
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "explorer", *argv], stderr=subprocess.PIPE, **options
    )


# --- destinations ---------------------------------------------------------------------------


def test_devices_are_refused_before_anything_is_written() -> None:
    from explorer.services.table_files import DestinationError, regular_destination

    for device in ("/dev/null", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"):
        with pytest.raises(DestinationError, match="not a regular file"):
            regular_destination(Path(device))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, a regression would replace /dev/null")
def test_out_dev_null_is_refused(connection: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *SESSIONS, "--out", "/dev/null", *connection)
    assert code == 2 and "refusing to write /dev/null" in err


@pytest.mark.parametrize("kind", ["fifo", "folder", "link to a fifo", "socket", "link loop"])
def test_special_files_are_refused_and_left_alone(
    kind: str, connection: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    special = tmp_path / "special"
    if kind == "folder":
        special.mkdir()
    elif kind == "link loop":
        (tmp_path / "other").symlink_to(special)
        special.symlink_to(tmp_path / "other")
    elif kind == "socket":
        import socket

        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(special))
    else:
        os.mkfifo(special)
    target = special
    if kind == "link to a fifo":
        target = tmp_path / "link.csv"
        target.symlink_to(special)
    before = os.lstat(target)
    code, out, err = run(capsys, *SESSIONS, "--format", "csv", "--out", str(target), *connection)
    assert code == 2, err
    assert "not a regular file" in err and "standard output" in err and out == ""
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_link_to_a_regular_file_writes_that_file(
    connection: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, err = run(capsys, *SESSIONS, "--format", "csv", "--out", str(link), *connection)
    assert code == 0, err
    assert link.is_symlink() and real.read_text().startswith("media_id,")


def test_out_dash_writes_to_stdout(
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    code, out, _ = run(capsys, *SESSIONS, "--format", "csv", "--out", "-", *connection)
    assert code == 0 and out.startswith("media_id,") and list(here.iterdir()) == []


# --- stdout that goes away or fills up ---------------------------------------------------------


def test_a_closed_pipe_ends_the_command_quietly(connection: list[str]) -> None:
    """`analytics-explorer … | head`: the reader is gone before the command writes."""
    for _ in range(3):
        process = spawn([*SESSIONS, "--with-events", *connection], stdout=subprocess.PIPE)
        assert process.stdout is not None
        process.stdout.close()
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert err == b"", err  # no traceback, no "Exception ignored" at exit


def test_a_full_device_is_a_sentence_and_exit_1(connection: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        process = spawn([*SESSIONS, *connection], stdout=full)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    text = err.decode()
    assert "cannot write to standard output: no space left" in text
    assert "Traceback" not in text and "Exception ignored" not in text


def test_a_closed_stdout_is_a_sentence_and_exit_1(connection: list[str]) -> None:
    process = spawn(
        [*SESSIONS, *connection], stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1)
    )
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert b"cannot write to standard output: it is closed" in err and b"Traceback" not in err


# --- viewer-controlled text ----------------------------------------------------------------------


def test_csv_neutralises_a_formula_in_a_referrer(
    connection: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "sessions.csv"
    code, _, err = run(capsys, *SESSIONS, "--format", "csv", "--out", str(target), *connection)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    referrers = [r["referrer_url"] for r in rows]
    assert "'" + HYPERLINK in referrers and HYPERLINK not in referrers
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())


def test_json_keeps_what_the_viewer_wrote(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code, out, _ = run(capsys, *SESSIONS, "--format", "json", *connection)
    rows = json.loads(out)["rows"]
    assert code == 0 and HYPERLINK in [r["referrer_url"] for r in rows]
    assert any(ESCAPES in r["metadata"] for r in rows)


def test_the_table_format_sends_no_escape_sequence_to_the_terminal(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *SESSIONS, "--format", "table", *connection)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in out


def test_a_stdout_that_cannot_encode_the_text_gets_it_escaped(connection: list[str]) -> None:
    """A terminal or pipe declared ASCII (PYTHONIOENCODING, an old locale) is no crash."""
    for fmt in ("table", "csv", "json"):
        process = spawn(
            [*SESSIONS, "--format", fmt, *connection],
            stdout=subprocess.PIPE,
            env={**os.environ, KEY_VAR: "sandbox-local-key", "PYTHONIOENCODING": "ascii"},
        )
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert b"Traceback" not in err
        if fmt == "json":
            import json

            rows = json.loads(out)["rows"]
            assert any("place=Café ☕" in r["metadata"] for r in rows)
        else:
            assert b"Caf\\xe9 \\u2615" in out
