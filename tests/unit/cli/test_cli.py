"""The headless commands against a loopback sandbox: output, formats, exit codes, atomic files."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from explorer import cli, commands
from explorer.api.secrets import Secret
from explorer.sandbox.faults import Fault
from tests.support.handmade import NOW
from tests.support.scenario import A, sessions
from tests.unit.conftest import Serve

KEY_VAR = "EXPLORER_TEST_KEY"


@pytest.fixture
def api(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> httpx.Client:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))
    return serve(sessions())


@pytest.fixture
def connection(api: httpx.Client) -> list[str]:
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR, "--tz", "Europe/Paris"]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stdout_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What a command that must succeed writes (its error is the assertion's message)."""
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


WINDOW = ["--from", "2026-03-09T12:00:00+00:00", "--to", "2026-03-10T12:00:00+00:00"]


def test_query_metrics_as_csv(connection: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "query", "metrics", "play", "count", *WINDOW, "--format", "csv", *connection
    )
    assert code == 0
    assert out == (
        "metric,aggregation,from (Europe/Paris),to (Europe/Paris),play count (events)\r\n"
        "play,count,2026-03-09T13:00:00+01:00,2026-03-10T13:00:00+01:00,6\r\n"
    )


def test_query_buckets_with_filters(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "query",
        "buckets",
        "play",
        "country",
        *WINDOW,
        "--filter",
        "mediaId=" + A,
        "--format",
        "json",
        *connection,
    )
    assert code == 0
    body = json.loads(out)
    assert body["breakdown"] == "country"
    assert body["rows"] == [{"country": "FR", "value": "2"}, {"country": "US", "value": "1"}]


def test_query_timeseries_in_the_chosen_zone(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "query",
        "timeseries",
        "impression",
        *WINDOW,
        "--interval",
        "hour",
        "--format",
        "csv",
        *connection,
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["emitted_at (Europe/Paris)", "impression (events)"]
    assert rows[1:] == [
        ["2026-03-10T00:00:00+01:00", "1"],
        ["2026-03-10T09:00:00+01:00", "3"],
        ["2026-03-10T10:00:00+01:00", "1"],
        ["2026-03-10T12:00:00+01:00", "2"],
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "metrics", "watch-time", "count"], "watch-time"),
        (["query", "buckets", "play-total", "country"], "media-id"),
        (["query", "timeseries", "play", "--last", "3h", "--interval", "minute"], "60 minutes"),
        (["query", "metrics", "play", "count", "--filter", "city=Paris"], "--filter"),
        (["query", "metrics", "play", "count", "--last", "7x"], "--last"),
    ],
)
def test_invalid_queries_exit_2_naming_the_problem(
    connection: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv, *connection)
    assert code == 2
    assert out == ""
    assert message in err


def test_an_unknown_zone_exits_2(connection: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "query", "metrics", "play", "count", *connection, "--tz", "Mars/Base"
    )
    assert code == 2 and "--tz" in err


def test_api_errors_exit_3_and_network_errors_exit_4(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "events", "psNOPE", *connection)
    assert code == 3 and "404" in err
    dead = ["--base-url", "http://127.0.0.1:9", "--api-key-env", KEY_VAR]
    code, _, err = run(capsys, "assets", "players", *dead)
    assert code == 4 and "connection" in err.lower()


def test_a_wrong_key_exits_3_and_never_prints_it(
    connection: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, "wrong-secret-key-123")
    code, out, err = run(capsys, "assets", "videos", *connection)
    assert code == 3
    assert "check the API key" in err
    assert "wrong-secret-key-123" not in out + err


def test_the_key_must_come_from_the_environment(
    connection: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_VAR)
    code, _, err = run(capsys, "assets", "videos", *connection)
    assert code == 2 and KEY_VAR in err
    with pytest.raises(SystemExit):
        cli.main(["assets", "videos", "--api-key", "abc"])


def test_assets_sessions_and_events(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "assets", "videos", "--format", "csv", *connection)
    assert code == 0 and out.splitlines()[0].startswith("video_id,title,")
    assert len(out.splitlines()) == 3

    code, out, _ = run(
        capsys, "sessions", "--video", A, "--period", "2026-03-10", "--format", "csv", *connection
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["session_id"] for r in rows] == [
        "ps00000000000000000002",
        "ps00000000000000000004",
    ]
    assert rows[0]["media_title"] == "Algebra 1" and rows[0]["media_type"] == "video"
    assert rows[0]["loaded_at"] == "2026-03-10T09:00:00+01:00" and rows[0]["duration_s"] == "570"

    code, out, _ = run(
        capsys,
        "sessions",
        "--video",
        A,
        "--period",
        "2026-03-10",
        "--with-events",
        "--format",
        "csv",
        *connection,
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 6 + 3  # s2 has six events, s4 three
    assert rows[2]["event_type"] == "seek.forward" and (rows[2]["from"], rows[2]["to"]) == (
        "60",
        "300",
    )
    assert rows[8]["media_title"] == "Algebra 1" and rows[8]["session_id"].endswith("4")

    code, out, _ = run(capsys, "events", "ps00000000000000000002", "--format", "json", *connection)
    assert code == 0 and [e["event_type"] for e in json.loads(out)["rows"]][-1] == "end"


def test_out_file_is_written_whole(
    connection: list[str], capsys: pytest.CaptureFixture[str], out_dir: Path
) -> None:
    target = out_dir / "plays.csv"
    code, out, err = run(
        capsys,
        "query",
        "buckets",
        "play",
        "country",
        *WINDOW,
        "--format",
        "csv",
        "--out",
        str(target),
        *connection,
    )
    assert code == 0 and out == "" and "wrote 2 rows" in err
    assert target.read_bytes() == b"country,play (events)\r\nUS,4\r\nFR,2\r\n"


def test_a_failed_export_keeps_the_old_file(
    api: httpx.Client, connection: list[str], capsys: pytest.CaptureFixture[str], out_dir: Path
) -> None:
    target = out_dir / "old.csv"
    target.write_text("precious\n")
    service = api.service  # type: ignore[attr-defined]
    service.faults.inject(Fault.SERVER_ERROR, 20)  # more than the client's bounded retries
    code, _, err = run(
        capsys,
        "query",
        "buckets",
        "play",
        "country",
        *WINDOW,
        "--format",
        "csv",
        "--out",
        str(target),
        *connection,
    )
    assert code == 3 and "HTTP 5" in err
    assert target.read_text() == "precious\n"
    assert list(out_dir.iterdir()) == [target]


def test_a_full_disk_keeps_the_old_file(
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
    out_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = out_dir / "old.csv"
    target.write_text("precious\n")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    code, _, err = run(
        capsys,
        "query",
        "buckets",
        "play",
        "country",
        *WINDOW,
        "--format",
        "csv",
        "--out",
        str(target),
        *connection,
    )
    assert code == 1 and "no space left" in err
    assert target.read_text() == "precious\n"
    assert list(out_dir.iterdir()) == [target]


def test_partial_lists_are_not_written(
    serve: Serve,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support.handmade import S, ev

    many = [S(A, "2026-03-10T08:00:00+00:00", [ev("ready", "2026-03-10T08:00:01+00:00")])] * 150
    api = serve(many)
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    api.service.faults.inject(Fault.SERVER_ERROR, 0)  # type: ignore[attr-defined]
    target = tmp_path / "sessions.csv"
    original_fetch = api.service.respond  # type: ignore[attr-defined]

    def second_page_fails(method, target_url, headers, body, client):  # type: ignore[no-untyped-def]
        if "currentPage=2" in target_url:
            return 503, {"title": "Server error.", "status": 503}, api.service.limiter.take("x")  # type: ignore[attr-defined]
        return original_fetch(method, target_url, headers, body, client)

    monkeypatch.setattr(api.service, "respond", second_page_fails)  # type: ignore[attr-defined]
    code, _, err = run(
        capsys,
        "sessions",
        "--video",
        A,
        "--period",
        "2026-03-10",
        "--format",
        "csv",
        "--out",
        str(target),
        "--base-url",
        str(api.base_url),
        "--api-key-env",
        KEY_VAR,
    )
    assert code == 3
    assert "1 of 2 pages" in err and "nothing was written" in err
    assert not target.exists()


def test_a_saved_account_with_its_key_in_the_keyring(
    api: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    from explorer.services.accounts import Account, AccountBook
    from explorer.services.vault import Vault

    account = Account.new("Local", "apivideo", "custom", str(api.base_url))
    AccountBook().save(account)
    args = ["query", "metrics", "play", "count", *WINDOW, "--format", "csv", "--tz", "UTC"]

    code, _, err = run(capsys, *args, "--account", "Local")
    assert code == 2 and "account 'Local': no key" in err and "--api-key-env" in err

    Vault().store(account.id, Secret("sandbox-local-key"))
    code, out, _ = run(capsys, *args, "--account", "local")
    assert code == 0 and out.endswith(",6\r\n")

    code, _, err = run(capsys, *args, "--account", "Nope")
    assert code == 2 and "no account named 'Nope' (accounts: Local)" in err
    code, _, err = run(capsys, *args, "--account", "Local", "--base-url", "sandbox")
    assert code == 2 and "exclude each other" in err


def test_an_account_key_from_the_environment_when_there_is_no_keyring(
    api: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    from explorer.services.accounts import Account, AccountBook

    keyring.set_keyring(fail.Keyring())
    AccountBook().save(Account.new("Local", "apivideo", "custom", str(api.base_url)))
    args = ["query", "metrics", "play", "count", *WINDOW, "--format", "csv", "--account", "Local"]
    code, _, err = run(capsys, *args)
    assert code == 2 and "No system keyring is available" in err
    code, out, _ = run(capsys, *args, "--api-key-env", KEY_VAR)
    assert code == 0 and out.endswith(",6\r\n")


def test_a_breakdown_by_video_names_each_video_beside_its_id(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """As the window's CSV does (issue 15.2): titles everywhere an id appears."""
    code, out, _ = run(
        capsys, "query", "buckets", "play", "media-id", *WINDOW, "--format", "csv", *connection
    )
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out)))
    header = rows[0]
    assert header[:2] == ["media_title", "media-id"], header
    titles = {row[1]: row[0] for row in rows[1:]}
    assert titles[A] == "Algebra 1"
