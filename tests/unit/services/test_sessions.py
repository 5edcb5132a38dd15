"""Session services against the sandbox: pages streamed as rows, inspection, comparison, exports."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from explorer.api.client import ApiVideoClient
from explorer.api.errors import NotFound, ServerError
from explorer.api.secrets import Secret
from explorer.domain.cancel import Cancelled, CancelToken
from explorer.domain.timeline import FlagKind
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from explorer.services.result_tables import session_event_table
from explorer.services.session_files import export_inspection, export_period
from explorer.services.session_pages import SessionPage
from explorer.services.sessions import (
    RAW_STATISTICS_GONE,
    Media,
    PlayerSession,
    SessionService,
    media_duration,
    parse_metadata_pairs,
    sessions_unavailable,
)
from explorer.services.table_files import ExportError, render
from tests.support import scenario
from tests.support.handmade import NOW, build, ms
from tests.unit.services.sessions_data import DAY, many

ALGEBRA = Media(scenario.A, "video", "Algebra 1")
KEYNOTE = Media(scenario.C, "live-stream", "Keynote")
ZONE = "Europe/Paris"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionService]:
    folder = tmp_path_factory.mktemp("sessions")
    dataset = build(folder, [*scenario.sessions(), *many(250)])
    sandbox = SandboxService(
        dataset,
        clock=Clock(ms(NOW)),
        country_names={"FR": "France", "US": "United States"},
        faults=FaultPlan(),
        rate_limit=1_000_000,  # hundreds of event lists: the pacing is not under test here
    ).start()
    client = ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY))
    yield SessionService(client)
    client.close()
    sandbox.stop()


def test_pages_are_delivered_as_rows_while_the_list_arrives(service: SessionService) -> None:
    pages: list[SessionPage] = []
    progress: list[tuple[int, int]] = []
    listing = service.list_sessions(
        ALGEBRA, DAY, {}, progress=lambda d, t: progress.append((d, t)), deliver=pages.append
    )
    assert [len(p) for p in pages] == [100, 100, 52]  # s2, s4 and the 250, by load time
    assert [r for page in pages for r in page.rows] == listing.rows
    countries = [w for page in pages for w in page.words[0]]  # each once, when first seen
    assert sorted(countries) == sorted({r.cells[0].casefold() for r in listing.records})
    assert len(listing.ranks) == len(pages[0].words)  # for the table's first sort
    assert listing.total == 252 and not listing.partial
    assert progress[-1] == (3, 3)
    s2 = listing.records[0]
    assert s2.session_id == "ps00000000000000000002"
    assert s2.cells[:2] == ("United States", "Paris")
    assert s2.duration == 570.0  # 08:00:00 to 08:09:30
    assert "safari" in s2.haystack and "united states" in s2.haystack


def test_metadata_pairs_filter_videos_only(service: SessionService) -> None:
    premium = service.list_sessions(ALGEBRA, DAY, {"plan": "premium"})
    assert [r.session_id for r in premium.records] == ["ps00000000000000000004"]
    assert premium.records[0].cells[-1] == "plan=premium"
    live = service.list_sessions(KEYNOTE, DAY, {"plan": "premium"})
    assert live.metadata == {} and len(live.records) == 2  # s5 and s8: a live stream has none


@pytest.mark.parametrize(
    ("text", "pairs"),
    [("", {}), ("plan=premium", {"plan": "premium"}), (" a = 1 ; b=2, ", {"a": "1", "b": "2"})],
)
def test_metadata_pairs_are_read_from_text(text: str, pairs: dict[str, str]) -> None:
    assert parse_metadata_pairs(text) == pairs


@pytest.mark.parametrize(
    ("text", "words"),
    [("plan", "is not key=value"), ("=x", "is not key=value"), ("a=1,a=2", "twice")],
)
def test_metadata_pairs_that_cannot_be_sent_are_refused(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_metadata_pairs(text)


def test_a_404_means_no_raw_statistics_unless_it_names_the_missing_asset() -> None:
    gone = NotFound(404, {"type": "https://docs.api.video/reference/unrecognized-request-url"})
    missing = NotFound(404, {"type": "…/resourcenot_found", "name": "videoId"})
    assert sessions_unavailable(gone) == RAW_STATISTICS_GONE
    assert sessions_unavailable(missing) is None
    assert sessions_unavailable(ServerError(500, {})) is None


def test_an_unknown_video_is_a_404_naming_it(service: SessionService) -> None:
    with pytest.raises(NotFound) as caught:
        service.list_sessions(Media("viNOPE", "video", ""), DAY)
    assert sessions_unavailable(caught.value) is None


def test_inspecting_a_session_builds_its_timeline_and_figures(service: SessionService) -> None:
    s2 = service.list_sessions(ALGEBRA, DAY).records[0].session
    inspection = service.inspect(ALGEBRA, s2)
    assert [e.type for e in inspection.events] == [
        "ready", "play", "seek.forward", "pause", "resume", "end",
    ]  # fmt: skip
    assert inspection.media_duration == 600  # told by the `end` event
    figures = inspection.figures
    assert figures.seeks_forward == 1 and figures.seeks_forward_s == 240
    assert figures.playing_s == 360 and figures.completion_percent == 60
    # the hand-built `ready` carries no position: said so, not hidden
    assert [f.kind for f in inspection.timeline.flags] == [FlagKind.NO_POSITION]


def test_a_live_session_has_no_duration_and_no_completion(service: SessionService) -> None:
    s8 = service.list_sessions(KEYNOTE, DAY).records[1].session
    inspection = service.inspect(KEYNOTE, s8)
    assert inspection.media_duration is None
    assert inspection.figures.completion_percent is None
    assert inspection.figures.playing_s == 600


def test_media_duration_comes_from_end_events_only() -> None:
    bare = PlayerSession.model_validate({"session": {"sessionId": "psBARE"}})
    inspection = SessionService.inspection(ALGEBRA, bare, [])
    assert inspection.media_duration is None
    assert FlagKind.NO_EVENTS in {f.kind for f in inspection.timeline.flags}
    assert media_duration([]) is None


def test_compare_aligns_each_session_at_its_first_event(service: SessionService) -> None:
    records = service.list_sessions(ALGEBRA, DAY).records[:2]
    comparison = service.compare(ALGEBRA, [r.session for r in records])
    (x2, y2), (x4, y4) = comparison.paths
    assert x2[0] == 0 and x2[-1] == 538 and y2[-1] == 600  # ready 08:00:02, end 08:09:00
    assert x4[0] == 0 and x4[-1] == 8.5 and y4[-1] == 4
    assert comparison.problems == []


def test_exporting_the_period_equals_the_api_flattened(
    service: SessionService, tmp_path: Path
) -> None:
    client = service.client
    path = tmp_path / "period.csv"
    listing = service.list_sessions(ALGEBRA, DAY)
    progress: list[tuple[int, int]] = []
    count = export_period(
        service, ALGEBRA, DAY, {}, listing, ZONE, path,
        progress=lambda d, t: progress.append((d, t)),
    )  # fmt: skip
    direct = client.sessions("video", scenario.A, DAY).items
    events = {
        s.session.session_id: client.session_events(s.session.session_id).items for s in direct
    }
    expected = render(session_event_table(direct, events, ALGEBRA.asset, ZONE), "csv")
    assert path.read_bytes().decode("utf-8") == expected
    assert count == 6 + 3 + 250 * 2
    assert progress[0] == (0, 252) and progress[-1] == (252, 252)
    # and without a listing at hand the export lists the period itself
    again = tmp_path / "again.csv"
    export_period(service, ALGEBRA, DAY, {}, None, ZONE, again)
    assert again.read_bytes() == path.read_bytes()


def test_exporting_one_session_keeps_its_columns(service: SessionService, tmp_path: Path) -> None:
    s4 = service.list_sessions(ALGEBRA, DAY).records[1].session
    inspection = service.inspect(ALGEBRA, s4)
    path = tmp_path / "s4.csv"
    assert export_inspection(inspection, ZONE, path) == 3
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [r["event_type"] for r in rows] == ["ready", "play", "pause"]
    assert {r["media_title"] for r in rows} == {"Algebra 1"}
    assert rows[0]["emitted_at"] == "2026-03-10T09:01:00.500+01:00"  # with its milliseconds


def test_a_failing_session_fails_the_whole_export(service: SessionService, tmp_path: Path) -> None:
    listing = service.list_sessions(ALGEBRA, DAY)
    real = service.complete_events

    def flaky(session_id: str, cancel: CancelToken) -> list:  # type: ignore[type-arg]
        if session_id.endswith("4"):
            raise ServerError(500, {"title": "boom"})
        return real(session_id, cancel)

    path = tmp_path / "never.csv"
    service.complete_events = flaky  # type: ignore[method-assign]
    try:
        with pytest.raises(ExportError, match="ps00000000000000000004"):
            export_period(
                service, ALGEBRA, DAY, {}, replace(listing, rows=listing.rows[:5]), ZONE, path
            )
    finally:
        del service.complete_events  # type: ignore[method-assign]
    assert not path.exists()
    partial = replace(listing, error=ServerError(500, {"title": "page 2 failed"}))
    with pytest.raises(ExportError, match="the session list is incomplete"):
        export_period(service, ALGEBRA, DAY, {}, partial, ZONE, path)
    assert not path.exists()


def test_cancel_stops_fetching_events_between_sessions(service: SessionService) -> None:
    token = CancelToken()
    calls: list[str] = []
    lock = threading.Lock()

    def call(session_id: str, cancel: CancelToken) -> str:
        with lock:
            calls.append(session_id)
            if len(calls) == 3:
                token.cancel()
        return session_id

    with pytest.raises(Cancelled):
        service.for_each([f"s{n}" for n in range(100)], call, token, lambda d, t: None)
    assert len(calls) < 3 + service.workers * 2  # what was queued ran; nothing after it
