"""The bulk export job against the sandbox: the file equals the API, partial data, cancel."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.errors import NotFound
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.domain.cancel import Cancelled, CancelToken
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import Fault, FaultPlan
from explorer.sandbox.server import SandboxService
from explorer.services.bulk_sessions_csv import (
    HEADER,
    ExportRequest,
    ExportSummary,
    JobProgress,
    export_sessions,
    partial_path,
)
from explorer.services.result_tables import session_event_table
from explorer.services.session_files import export_period
from explorer.services.sessions import Media, SessionService
from explorer.services.table_files import render
from tests.support import scenario
from tests.support.handmade import NOW, S, build, ev, ms
from tests.unit.services.sessions_data import DAY, many

ALGEBRA = Media(scenario.A, "video", "Algebra 1")
SPRING = Media(scenario.B, "video", "Spring ad")
KEYNOTE = Media(scenario.C, "live-stream", "Keynote")
ALL = [ALGEBRA, SPRING, KEYNOTE]
ZONE = "Europe/Paris"
LONG = "ps00000000000000000259"  # B's session with 150 events: two pages of events
S8 = "ps00000000000000000008"  # the keynote's second session
FAST_RETRY = RetryPolicy(attempts=4, base_delay_s=0.001, max_delay_s=0.01)

Respond = Callable[..., tuple[int, dict[str, Any], Any]]


def long_session() -> S:
    seeks = [
        ev("seek.forward", f"{DAY}T11:{k // 60:02d}:{k % 60:02d}+00:00", frm=k, to=k + 1)
        for k in range(149)
    ]
    return S(scenario.B, f"{DAY}T10:59:00+00:00", [ev("ready", f"{DAY}T10:59:30+00:00"), *seeks])


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxService]:
    dataset = build(
        tmp_path_factory.mktemp("export-jobs"), [*scenario.sessions(), *many(250), long_session()]
    )
    service = SandboxService(
        dataset,
        clock=Clock(ms(NOW)),
        country_names={"FR": "France", "US": "United States"},
        faults=FaultPlan(),
        rate_limit=1_000_000,  # hundreds of event lists: the pacing is not under test here
    ).start()
    yield service
    service.stop()


@pytest.fixture
def service(sandbox: SandboxService) -> Iterator[SessionService]:
    """A fresh client per test (its request count is the test's), retrying fast."""
    options = ClientOptions(retry=FAST_RETRY)
    client = ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY), options=options)
    yield SessionService(client)
    client.close()


def fail_when(
    monkeypatch: pytest.MonkeyPatch, sandbox: SandboxService, broken: Callable[[str], bool]
) -> None:
    """The sandbox answers 503 to every request whose path and query `broken` picks."""
    original: Respond = sandbox.respond

    def respond(method: str, target: str, headers: Any, body: bytes, client: str) -> Any:
        if broken(target):
            budget = sandbox.limiter.take("tests")
            return 503, {"title": "Service unavailable.", "status": 503}, budget
        return original(method, target, headers, body, client)

    monkeypatch.setattr(sandbox, "respond", respond)


def api_rows(client: ApiVideoClient, media: Media, keep: Callable[[str], bool] = bool) -> str:
    """The flattened rows (CSV, no header) of what the API returns for `media`, straight."""
    listed = client.sessions(media.media_type, media.media_id, DAY).items
    sessions = [s for s in listed if keep(s.session.session_id)]
    events = {
        s.session.session_id: client.session_events(s.session.session_id).items for s in sessions
    }
    table = session_event_table(sessions, events, media.asset, ZONE)
    return render(table, "csv").split("\r\n", 1)[1]


def run(
    service: SessionService,
    path: Path,
    media: list[Media] = ALL,
    metadata: dict[str, str] | None = None,
    **kwargs: Any,
) -> ExportSummary:
    request = ExportRequest(media, DAY, metadata or {}, ZONE, path)
    return export_sessions(service, request, **kwargs)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_file_is_every_assets_sessions_with_events_as_the_api_returns_them(
    service: SessionService, tmp_path: Path
) -> None:
    path = tmp_path / "sessions.csv"
    reports: list[JobProgress] = []
    progress: list[tuple[int, int]] = []
    summary = run(
        service, path, report=reports.append, progress=lambda d, t: progress.append((d, t))
    )

    header = ",".join(HEADER) + "\r\n"
    expected = header + "".join(api_rows(service.client, m) for m in ALL)
    assert path.read_bytes().decode("utf-8") == expected
    # ... which is exactly the single-asset period exports, one after the other
    singles = []
    for media in ALL:
        one = tmp_path / f"{media.media_id}.csv"
        export_period(service, media, DAY, {}, None, ZONE, one)
        singles.append(one.read_bytes().decode("utf-8").split("\r\n", 1)[1])
    assert expected == header + "".join(singles)

    assert not summary.partial and summary.written == path and summary.requested == path
    assert summary.rows == (6 + 3 + 250 * 2) + (1 + 3 + 150) + (2 + 3)  # A; B; C (s5: 2 yet)
    assert summary.sessions == summary.sessions_listed == 252 + 3 + 2
    assert (summary.assets, summary.assets_total) == (3, 3)
    assert summary.pages == (3 + 1 + 1) + (252 + 1 + 1 + 2 + 2)  # lists, then events
    assert summary.requests >= summary.pages
    assert "Wrote 668 rows (one per event) of 257 sessions from 3 assets" in summary.lines()[0]
    assert reports[-1] == JobProgress(3, 3, 257, 257, 668, summary.pages)
    rows = [r.rows_written for r in reports]
    assert rows == sorted(rows)
    assert progress[-1] == (257, 257)  # sessions, not assets (issue 15.11)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert leftovers(tmp_path) == sorted(
        ["sessions.csv", *(f"{m.media_id}.csv" for m in ALL)]
    )  # no temporary left


def test_the_metadata_filter_applies_to_videos_only(
    service: SessionService, tmp_path: Path
) -> None:
    path = tmp_path / "premium.csv"
    summary = run(service, path, [ALGEBRA, KEYNOTE, ALGEBRA], {"plan": "premium"})
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [(r["media_title"], r["session_id"]) for r in rows] == [
        ("Algebra 1", "ps00000000000000000004")
    ] * 3 + [("Keynote", "ps00000000000000000005")] * 2 + [("Keynote", S8)] * 3
    assert rows[0]["metadata"] == "plan=premium" and rows[-1]["media_type"] == "live-stream"
    assert summary.assets_total == 2  # an asset chosen twice is exported once


def test_what_cannot_be_fetched_is_named_and_the_file_says_partial(
    service: SessionService,
    sandbox: SandboxService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "sessions.csv"
    path.write_bytes(b"precious\r\n")
    older = partial_path(path)
    older.write_text("an older partial export")
    fail_when(
        monkeypatch,
        sandbox,
        lambda target: (
            (scenario.A in target and "currentPage=3" in target)  # A's list: its last page
            or (scenario.B in target)  # B's list, from its first page
            or (f"{S8}/events" in target)  # one keynote session's events
        ),
    )
    summary = run(service, path)

    assert path.read_bytes() == b"precious\r\n"  # the chosen name never gets partial data
    assert summary.partial and summary.written == older == tmp_path / "sessions.partial.csv"
    first_200 = {f"ps{n:020d}" for n in (2, 4, *range(9, 207))}
    expected = (
        ",".join(HEADER) + "\r\n"
        + api_rows(service.client, ALGEBRA, first_200.__contains__)
        + api_rows(service.client, KEYNOTE, lambda sid: sid != S8)
    )  # fmt: skip
    assert older.read_bytes().decode("utf-8") == expected
    assert [(m.media, m.session_id) for m in summary.missing] == [
        (ALGEBRA, None),
        (SPRING, None),
        (KEYNOTE, S8),
    ]
    algebra, spring, keynote = (m.describe() for m in summary.missing)
    assert "session list is incomplete: 200 of 252 sessions listed" in algebra
    assert algebra.startswith(f"Algebra 1 (video {scenario.A})")
    assert "session list could not be fetched" in spring and "503" in spring
    assert keynote.startswith(f"Keynote (live stream {scenario.C}), session {S8}: its events")
    assert (summary.sessions, summary.sessions_listed, summary.assets) == (201, 202, 0)
    text = "\n".join(summary.lines())
    assert "PARTIAL" in text and "sessions.csv was left untouched" in text
    assert "1 of 202 listed sessions are left out" in text
    assert leftovers(tmp_path) == ["sessions.csv", "sessions.partial.csv"]


def test_a_session_whose_events_arrive_in_part_gives_no_rows(
    service: SessionService,
    sandbox: SandboxService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fail_when(monkeypatch, sandbox, lambda t: f"{LONG}/events" in t and "currentPage=2" in t)
    summary = run(service, tmp_path / "ads.csv", [SPRING])
    rows = list(csv.DictReader(io.StringIO(summary.written.read_text(encoding="utf-8"))))
    assert summary.written.name == "ads.partial.csv" and not (tmp_path / "ads.csv").exists()
    assert [r["session_id"][-2:] for r in rows] == ["03", "07", "07", "07"]
    (missing,) = summary.missing
    assert missing.session_id == LONG
    assert "only 1 of 2 pages of its events arrived" in missing.reason


def test_transient_faults_are_retried_and_change_nothing(
    service: SessionService, sandbox: SandboxService, tmp_path: Path
) -> None:
    clean = run(service, tmp_path / "clean.csv", [KEYNOTE, SPRING])
    for fault in (Fault.SERVER_ERROR, Fault.RESET, Fault.TRUNCATED):
        sandbox.faults.inject(fault)
    try:
        faulty = run(service, tmp_path / "faulty.csv", [KEYNOTE, SPRING])
    finally:
        sandbox.faults.clear()
    assert not faulty.partial
    assert (tmp_path / "faulty.csv").read_bytes() == (tmp_path / "clean.csv").read_bytes()
    assert clean.requests - clean.pages == 1  # the token
    assert faulty.pages == clean.pages and faulty.requests - faulty.pages == 3  # one per fault


def test_nothing_is_written_when_no_asset_can_be_listed(
    service: SessionService, tmp_path: Path
) -> None:
    nowhere = Media("viNOPE", "video", "Gone")
    with pytest.raises(NotFound):
        run(service, tmp_path / "none.csv", [nowhere, Media("viNOPE2", "video", "")])
    assert leftovers(tmp_path) == []


def test_an_unknown_asset_among_others_is_named_missing(
    service: SessionService, tmp_path: Path
) -> None:
    summary = run(service, tmp_path / "x.csv", [Media("viNOPE", "video", "Gone"), KEYNOTE])
    assert summary.written.name == "x.partial.csv" and summary.rows == 5
    assert re.search(
        r"Gone \(video viNOPE\): its session list could not .* 404", summary.lines()[3]
    )


@pytest.mark.parametrize("existing", [False, True])
def test_cancel_midway_removes_the_temporary_file_and_keeps_the_destination(
    service: SessionService, tmp_path: Path, existing: bool
) -> None:
    path = tmp_path / "sessions.csv"
    if existing:
        path.write_bytes(b"precious\r\n")
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 126:  # half-way through Algebra's 252 sessions
            token.cancel()

    with pytest.raises(Cancelled):
        run(service, path, cancel=token, progress=progress)
    assert leftovers(tmp_path) == (["sessions.csv"] if existing else [])
    if existing:
        assert path.read_bytes() == b"precious\r\n"
    assert max(seen) < 200  # it stopped soon after, not at the end of the asset
    assert service.client.http.requests_sent < 252  # not every session's events were asked


def test_one_worker_writes_the_same_file_as_several(
    service: SessionService, sandbox: SandboxService, tmp_path: Path
) -> None:
    client = ApiVideoClient(
        sandbox.base_url, Secret(DEFAULT_API_KEY), options=ClientOptions(retry=FAST_RETRY)
    )
    try:
        one = run(SessionService(client, workers=1), tmp_path / "one.csv", [KEYNOTE, SPRING])
    finally:
        client.close()
    several = run(service, tmp_path / "several.csv", [KEYNOTE, SPRING])
    assert service.workers > 1
    assert (one.sessions, one.rows) == (several.sessions, several.rows) == (2 + 3, 5 + 154)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "several.csv").read_bytes()


def test_progress_counts_sessions_out_of_every_assets_sessions(
    service: SessionService, tmp_path: Path
) -> None:
    """Issue 15.11: with assets of 252, 3 and 2 sessions, progress was counted per asset: it
    read 33% when the first asset's list had arrived and 67% with 255 of 257 sessions done.
    Every list comes first (busy: 0 of 0), then the bar counts sessions of the known total."""
    progress: list[tuple[int, int]] = []
    reports: list[JobProgress] = []
    run(
        service,
        tmp_path / "s.csv",
        progress=lambda d, t: progress.append((d, t)),
        report=reports.append,
    )
    listing = [p for p in progress if p[1] == 0]
    counting = progress[len(listing) :]
    assert listing and all(p == (0, 0) for p in listing)  # lists first: no total yet
    assert {t for _, t in counting} == {257}  # one total throughout, known from the start
    assert [d for d, _ in counting] == sorted(d for d, _ in counting)
    assert counting[-1] == (257, 257)
    assert (252, 257) in counting  # Algebra's sessions are 252/257 of the work, not 1/3
    first_events = next(r for r in reports if r.sessions_done > 0)
    assert first_events.sessions_total == 257  # every list was in before any events
