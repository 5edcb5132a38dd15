"""Issue 17's acceptance: the curve `retention --sample all` writes for a whole day of a demo
video equals the one computed from `sessions --with-events` output by a plain loop over each
session (tests/support/retention_reference.py), the length read from the video's status."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import ANCHOR_MS, open_dataset
from explorer.sandbox.server import SandboxService
from tests.support import retention_reference as ref
from tests.unit.cli.test_cli import stdout_of

KEY_VAR = "EXPLORER_TEST_KEY"
DAY = (datetime.fromtimestamp(ANCHOR_MS / 1000, UTC) - timedelta(days=1)).strftime("%Y-%m-%d")


@pytest.fixture(scope="module")
def demo() -> Iterator[SandboxService]:
    """The demo's dataset (the default scale), its clock pinned, no rate limit to wait for."""
    service = SandboxService(
        open_dataset(1, "default"), clock=Clock(ANCHOR_MS), rate_limit=1_000_000
    ).start()
    yield service
    service.stop()


def _seconds(text: str) -> float | None:
    return datetime.fromisoformat(text).timestamp() if text else None


def _number(text: str) -> float | None:
    return float(text) if text else None


@pytest.mark.hard_limit(300)
def test_retention_of_a_demo_day_equals_the_curve_of_its_exported_events(
    demo: SandboxService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, DEFAULT_API_KEY)
    with ApiVideoClient(demo.base_url, Secret(DEFAULT_API_KEY)) as client:
        counts = [
            (client.sessions("video", v.video_id, DAY).items_total or 0, v.video_id)
            for v in client.videos().items
        ]
        listed, video = max(counts)
        duration = client.http.get_json(f"/videos/{video}/status")["encoding"]["metadata"][
            "duration"
        ]
    assert listed > 50  # a busy day: the comparison means something
    connection = ["--base-url", demo.base_url, "--api-key-env", KEY_VAR, "--format", "csv"]
    period = ["--video", video, "--period", DAY]
    exported = stdout_of(capsys, "sessions", *period, "--with-events", *connection)
    curve = stdout_of(capsys, "retention", *period, "--sample", "all", *connection)

    sessions: dict[str, tuple[list[ref.Ev], float | None]] = {}
    for row in csv.DictReader(io.StringIO(exported)):
        events, _ = sessions.setdefault(row["session_id"], ([], _seconds(row["ended_at"])))
        events.append(
            ref.Ev(
                row["event_type"],
                _seconds(row["emitted_at"]),
                _number(row["at"]),
                _number(row["from"]),
                _number(row["to"]),
            )
        )
    played, viewers, passes = ref.curve(list(sessions.values()), float(duration))
    rows = list(csv.DictReader(io.StringIO(curve)))
    assert len(rows) == math.ceil(duration)
    assert [int(r["viewers"]) for r in rows] == viewers
    assert [float(r["share"]) for r in rows] == [v / played for v in viewers]
    assert [float(r["rewatch"]) for r in rows] == [p / played for p in passes]
    assert max(viewers) > 10 and played > 10
