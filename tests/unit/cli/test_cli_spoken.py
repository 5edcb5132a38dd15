"""Periods said aloud on the command line (--period, --last), said back with their zone; and
the sessions command's mistakes, each a sentence and exit 2."""

from __future__ import annotations

from datetime import datetime

import pytest

from explorer import cli, commands
from tests.unit.cli.test_cli import api, connection  # noqa: F401 (fixtures)

NOW = "2026-03-11T10:00:00+00:00"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))


def test_query_period_yesterday_is_the_zones_yesterday(
    connection: list[str],  # noqa: F811
    pinned: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "query", "metrics", "play", "count", "--period", "yesterday",
        "--format", "csv", *connection,
    )  # fmt: skip
    assert code == 0, err
    assert "Yesterday in Europe/Paris: Tue 2026-03-10 00:00 to Wed 2026-03-11 00:00" in err
    assert "2026-03-10T00:00:00+01:00,2026-03-11T00:00:00+01:00" in out


def test_last_tuesday_by_last(
    connection: list[str],  # noqa: F811
    pinned: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "query", "metrics", "play", "count", "--last", "tuesday",
        "--format", "csv", *connection,
    )  # fmt: skip
    assert code == 0, err
    assert "2026-03-10T00:00:00+01:00,2026-03-11T00:00:00+01:00" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--period", "someday"], "not a period: say one of"),
        (["--from", "2026-03-10"], "give both --from and --to"),
        (["--period", "yesterday", "--from", "2026-03-10"], "cannot be combined"),
        (["--period", "yesterday", "--where", "colour=red"], "not a dimension"),
        (["--period", "yesterday", "--view-duration", "3s"], "only applies with --counted-in"),
        ([], "give --period, or --from and --to"),
    ],
)
def test_sessions_mistakes_are_sentences(
    argv: list[str],
    message: str,
    connection: list[str],  # noqa: F811
    pinned: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "sessions", "--video", "vi123", *argv, *connection)
    assert code == 2
    assert message in err


def test_every_cli_query_is_kept_in_the_accounts_history(
    connection: list[str],  # noqa: F811
    pinned: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from explorer.services.query_history import QueryHistory
    from explorer.store import open_store

    for breakdown in ("country", "browser"):
        code, _, err = run(
            capsys, "query", "buckets", "play", breakdown, "--period", "yesterday", *connection
        )
        assert code == 0, err
    url = connection[connection.index("--base-url") + 1]
    with open_store().store as store:
        entries = QueryHistory(store, f"demo:{url}").entries()
    assert [e.label.split(" · ")[0] for e in entries] == ["play by browser", "play by country"]
    assert entries[0].question is not None and entries[0].question.breakdown == "browser"
