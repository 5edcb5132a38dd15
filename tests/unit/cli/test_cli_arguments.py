"""Whatever a person types, the command line answers with a sentence and a documented exit code
(2 for usage), never 70 (a crash): odd ids, URLs, durations, zones, ports, undecodable bytes."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import cli, commands
from tests.support.handmade import NOW
from tests.support.scenario import A, sessions
from tests.unit.conftest import Serve

KEY_VAR = "EXPLORER_TEST_KEY"
UNDECODABLE = os.fsdecode(b"caf\xe9")  # a Latin-1 name on a UTF-8 system: 'caf\udce9'


@pytest.fixture(scope="module")
def api(serve_module: Serve) -> httpx.Client:
    return serve_module(sessions())


@pytest.fixture
def connection(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR, "--tz", "UTC"]


def outcome(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """(exit code, stderr) of the command line, argparse's own exits included."""
    try:
        code = cli.main(argv)
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else 2
    return code, capsys.readouterr().err


BAD = {
    "empty video": ["sessions", "--period", "2026-03-10", "--video", ""],
    "blank live stream": ["sessions", "--period", "2026-03-10", "--live-stream", "  "],
    "100 KB video id": ["sessions", "--period", "2026-03-10", "--video", "v" * 100_000],
    "empty session": ["events", ""],
    "huge session id": ["events", "ps" * 50_000],
    "control characters in an id": ["events", "ps\x1b[2J"],
    "--last beyond the calendar": ["query", "metrics", "play", "count", "--last", "9" * 20 + "d"],
    "5,000-character --tz": ["query", "metrics", "play", "count", "--tz", "A" * 5000],
    "undecodable --video": ["sessions", "--period", "2026-03-10", "--video", UNDECODABLE],
    "undecodable --tz": ["assets", "videos", "--tz", UNDECODABLE],
    "undecodable --filter": ["query", "metrics", "play", "count", "--filter", "os=" + UNDECODABLE],
    "undecodable session id": ["events", UNDECODABLE],
    "huge --sandbox-seed": ["assets", "videos", "--sandbox-seed", "9" * 30],
}


@pytest.mark.parametrize("argv", BAD.values(), ids=BAD.keys())
def test_odd_arguments_are_usage_errors(
    argv: list[str], connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = outcome(
        [*argv[:1], *connection, *argv[1:]]
        if argv[0] != "query"
        else [*argv[:4], *connection, *argv[4:]],
        capsys,
    )
    assert code == 2, err
    assert "unexpected error" not in err and err.strip()
    assert "\x1b" not in err  # what was typed is shown escaped


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://256.256.256.256", "http://", "https://exa mple.com", "ftp://x"]
)
def test_a_malformed_base_url_is_a_usage_error(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    code, err = outcome(
        ["query", "metrics", "play", "count", "--base-url", url, "--api-key-env", KEY_VAR], capsys
    )
    assert code == 2 and "URL" in err and "unexpected error" not in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["--port", "70000"],
        ["--port", "-1"],
        ["--seed", "-5"],
        ["--rate-limit", "0"],
        ["--latency-ms", "99999999999999999999"],
        ["--api-key", "k", "--api-key-env", "VAR"],
    ],
)
def test_sandbox_options_out_of_range_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = outcome(["sandbox", *argv], capsys)
    assert code == 2 and "unexpected error" not in err, err


def test_an_undecodable_file_name_is_still_a_file_name(
    connection: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / (UNDECODABLE + ".csv")
    code, err = outcome(
        ["assets", "videos", *connection, "--format", "csv", "--out", str(target)], capsys
    )
    assert code == 0, err
    assert (tmp_path / os.fsencode(target.name).decode("latin-1")).exists() or target.exists()
    assert os.fsencode(str(target)) in [os.fsencode(str(p)) for p in tmp_path.iterdir()]


# --- generated argument lists ---------------------------------------------------------------

# (the words before the options, the options a command needs)
TEMPLATES = [
    (["query", "metrics", "play", "count"], []),
    (["query", "buckets", "play", "country"], []),
    (["query", "timeseries", "play"], []),
    (["assets", "videos"], []),
    (["assets", "players"], []),
    (["sessions"], ["--period", "--video"]),
    (["sessions"], ["--period", "--live-stream"]),
    (["events", None], []),  # None: a generated positional
    (["query", "video", None], []),
]
HOSTILE = [
    "",
    " ",
    "-",
    "0",
    "-1",
    "9" * 20,
    "1e999",
    "nan",
    "\x1b[2J",
    "\x00",
    "A" * 5000,
    "v" * 100_000,
    UNDECODABLE,
    "\udcff",
    "=HYPERLINK(1)",
    "../../etc/passwd",
    "-h",
]
PLAUSIBLE = {
    "--video": [A, "viBBBBBBBBBBBBBBBBBBBB", "vi"],
    "--live-stream": ["liCCCCCCCCCCCCCCCCCCCC", "li"],
    "--period": ["2026-03-10", "2026-W10", "2026-03", "2026", "2026-03-01/2026-03-09", "9999"],
    "--from": ["2026-03-09", "2026-03-09T12:00:00+00:00", "0001-01-01", "9999-12-31"],
    "--to": ["2026-03-10", "2026-03-10T12:00:00+00:00", "9999-12-31T23:59:59+14:00"],
    "--last": ["7d", "24h", "90m", "0d", "-1d", "9" * 20 + "d", "99999h", "1w"],
    "--interval": ["minute", "hour", "day"],
    "--filter": ["mediaId=" + A, "os=windows,linux", "country=FR", "=", "a=b=c", "referrer=x"],
    "--metadata": ["plan=premium", "=", "k="],
    "--tz": ["UTC", "Europe/Paris", "Etc/GMT+14", "Nowhere/Land", "/etc/passwd"],
    "--format": ["csv", "json", "table"],
    "--sort-by": ["metricValue", "dimensionValue"],
    "--sort-order": ["asc", "desc"],
    "--view-duration": ["5s", "60s"],
    "--api-key-env": [KEY_VAR, "NO_SUCH_VARIABLE_HERE"],
    "--base-url": ["http://[::1", "http://256.256.256.256", "production-ish", "ftp://x"],
    "--sandbox-seed": ["1", "-1", "9" * 30],
}
FLAGS = ["--unique", "--with-events", "--allow-incomplete", "--sandbox", "--compare"]
OPTIONS = [*PLAUSIBLE, "--api-kind", "--sandbox-flavor", "--account", "--top", "--metrics"]


def value_for(option: str | None) -> st.SearchStrategy[str]:
    plausible = PLAUSIBLE.get(option or "", [A, "ps00000000000000000002"])
    return st.one_of(
        st.sampled_from(plausible),
        st.sampled_from(HOSTILE),
        st.text(st.characters(exclude_categories=()), max_size=12),  # surrogates too
    )


@st.composite
def argument_lists(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """(the words before the connection options, the options after them)."""
    words, needed = draw(st.sampled_from(TEMPLATES))
    head = [w if w is not None else draw(value_for(None)) for w in words]
    tail: list[str] = []
    for option in needed:
        tail += [option, draw(value_for(option))]
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 3)) == 0:
            tail.append(draw(st.sampled_from(FLAGS)))
        else:
            option = draw(st.sampled_from(OPTIONS))
            tail += [option, draw(value_for(option))]
    return head, tail


@settings(
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=argument_lists())
def test_generated_argument_lists_never_crash(
    generated: tuple[list[str], list[str]],
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Our connection goes between the words and the options: a generated --base-url or
    --api-key-env wins over it, but every --base-url generated is malformed, so nothing
    leaves the machine (the built-in sandbox is never started: --base-url is always given)."""
    head, tail = generated
    code, err = outcome([*head, *connection, *tail], capsys)
    assert code in (0, 1, 2, 3, 4), (code, err)
    assert "unexpected error" not in err, err


@pytest.mark.parametrize("value", [UNDECODABLE, "key\x01", "a\nb"])
def test_a_key_variable_holding_odd_bytes_is_a_usage_error(
    value: str,
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ODD_KEY", value)
    code, err = outcome(["assets", "videos", *connection, "--api-key-env", "ODD_KEY"], capsys)
    assert code == 2 and "ODD_KEY holds control characters" in err, err
    assert value not in err
