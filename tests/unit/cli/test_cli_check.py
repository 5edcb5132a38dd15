"""`analytics-explorer check RULES_FILE`: exit 0 when no rule fired, 1 when some did, 2 for a
bad rules file (its line and why), against a loopback sandbox on a pinned clock whose last hour
doubles its impression time (tests/unit/services/test_alert_checks.py has the scenario)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer import cli, commands
from explorer.sandbox.faults import Fault, FaultPlan
from tests.unit.conftest import Serve
from tests.unit.services.test_alert_checks import PINNED, SLOW_START, anomaly, scenario

KEY_VAR = "EXPLORER_TEST_KEY"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    monkeypatch.setattr(commands, "now", lambda: PINNED)


def connection(serve: Serve, today_ms: int) -> list[str]:
    api = serve(scenario(today_ms=today_ms))
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR]


def rules_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_nothing_fired_exits_0(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = rules_file(tmp_path, SLOW_START + anomaly())
    code, out, err = check(capsys, rules, *connection(serve, 1000))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(
        "ok      slow start: impression-time average (mediaType=video) = 1,000"
    )
    assert lines[1].startswith("ok      impression time: ")
    assert "2 rules checked in 16 requests" in err


def test_a_rule_that_fired_exits_1_with_the_query_that_shows_it(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = rules_file(tmp_path, SLOW_START + anomaly())
    code, out, err = check(capsys, rules, *connection(serve, 2000))
    assert code == 1, err
    assert "FIRED   slow start: impression-time average (mediaType=video) = 2,000" in out
    assert "FIRED   impression time: " in out
    assert (
        "shown by: analytics-explorer query metrics impression-time average "
        "--from 2026-03-10T11:00:00+00:00 --to 2026-03-10T12:00:00+00:00 --filter mediaType=video"
    ) in out


def test_the_history_is_kept_in_the_store_between_runs(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = rules_file(tmp_path, anomaly())
    store = ["--store", str(tmp_path / "store.sqlite3")]
    args = connection(serve, 2000)
    assert check(capsys, rules, *store, *args)[0] == 1
    code, _out, err = check(capsys, rules, *store, *args)
    assert code == 1
    assert "1 rules checked in 1 requests" in err


def test_too_little_history_is_said_and_exits_0(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = rules_file(tmp_path, anomaly(min_days=12))
    code, out, _err = check(capsys, rules, "--no-store", *connection(serve, 2000))
    assert code == 0
    assert out.startswith("skipped impression time: ")
    assert "not enough history" in out and "10 of the 12 days" in out


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            '[[rule]]\nname = "a"\nmetric = "play"\naggregation = "count"\nabove = [1\n',
            "line 5: not valid TOML",
        ),
        (
            '[[rule]]\nname = "a"\nmetric = "play"\naggregation = "count"\nabove = 1\n\n'
            '[[rule]]\nname = "b"\nmetric = "impression-time"\naggregation = "average"\n'
            'below = "fast"\n',
            "line 11: rule 'b': below must be a number",
        ),
    ],
)
def test_a_bad_rules_file_exits_2_with_its_line_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    rules = rules_file(tmp_path, text)
    code, out, err = check(capsys, rules)
    assert code == 2
    assert out == ""
    assert f"analytics-explorer: {rules}: {said}" in err


def test_a_missing_rules_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = check(capsys, str(tmp_path / "nowhere.toml"))
    assert code == 2
    assert "the rules file cannot be read" in err


def test_check_in_a_child_process_on_the_built_in_sandbox(tmp_path: Path) -> None:
    """The exit codes as cron sees them: the real command, the demo on a pinned clock."""
    fine = rules_file(tmp_path, SLOW_START)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nmetric = "play"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "explorer", "check"]
    pinned = ["--sandbox-scale", "small", "--sandbox-now", "2026-03-10T12:00:00Z", "--no-store"]
    bad_run = subprocess.run(
        [*base, str(bad), *pinned], capture_output=True, text=True, env=env, timeout=300
    )
    assert bad_run.returncode == 2, bad_run.stderr
    assert "line 1: rule 'rule 1': play takes the aggregation" in bad_run.stderr
    never = fine
    Path(never).write_text(SLOW_START.replace("above = 1500", "above = 1e12"), encoding="utf-8")
    quiet = subprocess.run(
        [*base, never, *pinned], capture_output=True, text=True, env=env, timeout=300
    )
    assert quiet.returncode == 0, quiet.stderr
    Path(never).write_text(SLOW_START.replace("above = 1500", "above = -1"), encoding="utf-8")
    fired = subprocess.run(
        [*base, never, *pinned], capture_output=True, text=True, env=env, timeout=300
    )
    assert fired.returncode == 1, fired.stderr
    assert fired.stdout.startswith("FIRED   slow start: ")


def test_a_rule_that_could_not_be_checked_exits_3(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faults = FaultPlan()
    faults.inject(Fault.SERVER_ERROR, 50)  # every attempt of every request: 5xx
    api = serve(scenario(), faults=faults)
    rules = rules_file(tmp_path, SLOW_START)
    code, out, err = check(
        capsys, rules, "--no-store", "--base-url", str(api.base_url), "--api-key-env", KEY_VAR
    )
    assert code == 3, err
    assert out.startswith("FAILED  slow start: could not be checked: ")
