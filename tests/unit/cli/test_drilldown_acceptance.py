"""Issue 19's drill-down acceptance: the sessions listed behind a number are exactly the sessions
the sandbox counted for it, and `sessions --counted-in` lists as many as `query metrics` counts,
for several videos, days, metrics and dimension values of the demo's data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from explorer import commands
from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.conditions import Condition
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import ANCHOR_MS, open_dataset
from explorer.sandbox.server import SandboxService
from explorer.services.drilldown import DrillDown, DrillDownService
from explorer.services.sessions import Media, SessionService
from tests.unit.cli.test_cli import stdout_of

KEY_VAR = "EXPLORER_TEST_KEY"
ANCHOR = datetime.fromtimestamp(ANCHOR_MS / 1000, UTC)
DAYS = [ANCHOR - timedelta(days=1), ANCHOR - timedelta(days=2)]


@pytest.fixture(scope="module")
def demo() -> Iterator[SandboxService]:
    service = SandboxService(
        open_dataset(1, "default"), clock=Clock(ANCHOR_MS), rate_limit=1_000_000
    ).start()
    yield service
    service.stop()


@pytest.fixture
def client(demo: SandboxService) -> Iterator[ApiVideoClient]:
    with ApiVideoClient(demo.base_url, Secret(DEFAULT_API_KEY)) as api:
        yield api


def _busiest(client: ApiVideoClient, day: datetime, count: int) -> list[str]:
    period = day.strftime("%Y-%m-%d")
    sizes = [
        (client.sessions("video", v.video_id, period).items_total or 0, v.video_id)
        for v in client.videos().items
    ]
    return [video for _, video in sorted(sizes, reverse=True)[:count]]


def _sandbox_counted(
    demo: SandboxService, video: str, start: datetime, end: datetime, column: str, value: str
) -> set[str]:
    """The sessions the sandbox's own SQL counts as plays in the window (its derived spans)."""
    lo, hi = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
    rows = (
        demo.dataset.connection()
        .execute(
            "SELECT DISTINCT s.session_id FROM derived_spans sp JOIN sessions s ON s.sid = sp.sid "
            f"WHERE s.media_id = ? AND s.{column} = ? AND sp.start_at < ? "
            "AND MAX(sp.end_at, sp.start_at + 1) > ?",
            (video, value, hi, lo),
        )
        .fetchall()
    )
    return {r[0] for r in rows}


@pytest.mark.hard_limit(600)
def test_the_sessions_of_a_days_plays_are_exactly_those_the_sandbox_counted(
    demo: SandboxService, client: ApiVideoClient
) -> None:
    service = DrillDownService(SessionService(client))
    compared = 0
    for day in DAYS:
        for video in _busiest(client, day, 2):
            media = Media(video, "video", "")
            for dimension, column, value in (
                ("country", "country", "US"),
                ("device-type", "device_type", "phone"),
                ("browser", "client_name", "chrome"),
            ):
                expected = _sandbox_counted(
                    demo, video, day, day + timedelta(days=1), column, value
                )
                request = DrillDown(
                    media, day, day + timedelta(days=1), "play", (Condition(dimension, value),)
                )
                answer = service.counted_sessions(request)
                listed = {s.session.session_id for s in answer.sessions}
                assert not answer.partial
                assert listed == expected, (day, video, dimension, value)
                compared += len(listed)
    assert compared > 50  # enough sessions for the comparison to mean something


@pytest.mark.hard_limit(600)
def test_sessions_counted_in_a_metric_are_as_many_as_the_metric_counts(
    demo: SandboxService,
    client: ApiVideoClient,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_VAR, DEFAULT_API_KEY)
    monkeypatch.setattr(commands, "now", lambda: ANCHOR)
    connection = ["--base-url", demo.base_url, "--api-key-env", KEY_VAR, "--format", "csv"]
    nonzero = 0
    for day, zone in ((DAYS[0], "UTC"), (DAYS[1], "Europe/Paris")):
        window = ["--from", f"{day:%Y-%m-%d}", "--to", f"{day + timedelta(days=1):%Y-%m-%d}"]
        where = ["--tz", zone, *connection]
        video = _busiest(client, day, 1)[0]
        countries = stdout_of(
            capsys, "query", "buckets", "play", "country", "--filter", f"mediaId={video}",
            *window, *where,
        )  # fmt: skip
        top = [row["country"] for row in csv.DictReader(io.StringIO(countries))][:2]
        for metric in ("play", "start", "view", "end", "impression"):
            for country in top:
                counted = stdout_of(
                    capsys, "query", "metrics", metric, "count", "--filter", f"mediaId={video}",
                    "--filter", f"country={country}", *window, *where,
                )  # fmt: skip
                expected = float(list(csv.reader(io.StringIO(counted)))[1][-1])
                listed = stdout_of(
                    capsys, "sessions", "--video", video, *window, "--counted-in", metric,
                    "--where", f"country={country}", *where,
                )  # fmt: skip
                rows = list(csv.DictReader(io.StringIO(listed)))
                assert len(rows) == expected, (day, zone, metric, country)
                assert all(r["country"] for r in rows)
                nonzero += len(rows) > 0
    assert nonzero >= 10
