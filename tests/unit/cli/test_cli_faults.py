"""Acceptance (issue 14): under faults, `sessions --with-events` writes the fault-free file.

A sandbox with a pinned clock serves a busy video's day (60 sessions: a page of sessions,
then one events request per session). With `--fault-rate 0.2` a fifth of the requests fail
(429 bursts of three, 5xx, resets, bodies cut short or trickling); the client rides them out
within its limits and writes exactly what it writes with no fault at all. Seed 31 puts two
429 bursts back to back early on: six 429s for one request, which the old limit of six tries
per request gave up on. (By hand, 10 runs of 10 on the default-scale sandbox: see README.)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from explorer import cli, commands
from explorer.sandbox.faults import FaultPlan
from tests.support.handmade import NOW
from tests.support.scenario import A
from tests.unit.conftest import Serve
from tests.unit.services.sessions_data import DAY, many

KEY_VAR = "EXPLORER_TEST_KEY"


def test_sessions_with_events_under_faults_writes_the_fault_free_file(
    serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))
    api = serve(many(60))
    service = api.service  # type: ignore[attr-defined]
    argv = [
        "sessions", "--video", A, "--period", DAY, "--with-events", "--format", "csv",
        "--base-url", str(api.base_url), "--api-key-env", KEY_VAR, "--tz", "Europe/Paris",
    ]  # fmt: skip
    clean, faulty = tmp_path / "clean.csv", tmp_path / "faulty.csv"
    assert cli.main([*argv, "--out", str(clean)]) == 0
    service.faults = FaultPlan(rate=0.2, seed=31)
    assert cli.main([*argv, "--out", str(faulty)]) == 0
    assert faulty.read_bytes() == clean.read_bytes()
    assert clean.read_text().count("\n") > 120  # every session's events, not an empty file
