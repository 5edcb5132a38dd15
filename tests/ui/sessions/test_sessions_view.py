"""The Sessions tab: the table fills as pages arrive, filters as you type, errors, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import Qt

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.server import SandboxService
from explorer.services.errors import NotFound
from explorer.services.result_tables import session_event_table
from explorer.services.sessions import RAW_STATISTICS_GONE
from explorer.services.table_files import render
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.main_window import MainWindow
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support import scenario
from tests.support.patience import PATIENCE_S
from tests.support.sessions import ALGEBRA, DAY, KEYNOTE, GatedService, made_up
from tests.ui.conftest import ZONE, PinnedWorkspace, wait_idle


def open_view(qtbot: Any, runner: TaskRunner, service: Any, media: Any = ALGEBRA) -> SessionsView:
    view = SessionsView(runner, service, media, DAY, ZONE)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    return view


def test_the_table_fills_page_by_page_while_the_list_arrives(
    qtbot: Any, runner: TaskRunner
) -> None:
    pages = [[made_up(n) for n in range(k * 100, k * 100 + 100)] for k in range(2)]
    pages.append([made_up(n) for n in range(200, 250)])
    service = GatedService(pages)
    view = open_view(qtbot, runner, service)
    view.load()
    assert service.asked == [("2026-03-10", {})]
    assert view.cancel_button.isEnabled() and not view.export_button.isEnabled()
    model = view.table.source
    for opened, rows in ((0, 100), (1, 200)):
        service.gates[opened].set()
        qtbot.waitUntil(lambda rows=rows: model.rowCount() == rows)
        assert view.busy("list")  # shown before the list is complete
        qtbot.waitUntil(lambda: "loading page" in view.count.text())
        assert view.count.text().startswith(f"Showing {rows} of {rows} sessions")
    service.gates[2].set()
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: model.pending == 0)  # the last page waits a moment in the queue
    assert model.rowCount() == 250
    assert view.count.text() == "Showing 250 of 250 sessions"
    assert view.listing is not None and len(view.listing.records) == 250
    assert [model.record(r).session_id for r in (0, 249)] == [
        f"ps{0:020d}",
        f"ps{249:020d}",
    ]  # the API's order
    assert not view.progress.isVisible() and view.export_button.isEnabled()


def test_filtering_as_you_type_counts_what_is_shown(qtbot: Any, runner: TaskRunner) -> None:
    service = GatedService([[made_up(n) for n in range(40)], [made_up(n) for n in range(40, 80)]])
    view = open_view(qtbot, runner, service)
    view.load()
    service.gates[0].set()
    qtbot.waitUntil(lambda: view.table.source.rowCount() == 40)
    qtbot.keyClicks(view.filter, "jap")  # Japan is every 4th session
    assert view.table.source.rowCount() == 10
    assert view.count.text().startswith("Showing 10 of 40 sessions")
    service.gates[1].set()  # rows arriving under a filter are filtered too
    wait_idle(qtbot, runner)
    assert view.count.text() == "Showing 20 of 80 sessions"
    shown = [view.table.source.record(r) for r in range(view.table.source.rowCount())]
    assert {r.cells[0] for r in shown} == {"Japan"}
    qtbot.keyClicks(view.filter, "x")  # "japx": nothing
    assert view.count.text() == "Showing 0 of 80 sessions"
    view.filter.clear()
    assert view.table.source.rowCount() == 80


def test_cancelling_keeps_the_rows_so_far_and_says_the_list_is_incomplete(
    qtbot: Any, runner: TaskRunner
) -> None:
    service = GatedService([[made_up(n) for n in range(100)], [made_up(100)]])
    view = open_view(qtbot, runner, service)
    view.load()
    service.gates[0].set()
    qtbot.waitUntil(lambda: view.table.source.rowCount() == 100)
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert service.stopped.wait(PATIENCE_S)
    assert view.notice.text() == "Loading was cancelled: the list is incomplete."
    assert view.table.source.rowCount() == 100 and not view.cancel_button.isEnabled()


def test_the_metadata_filter_is_sent_as_pairs_and_checked_first(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = open_view(qtbot, runner, workspace.sessions)
    view.metadata.setText("plan")
    view.load()
    assert view.notice.text() == "Metadata filter: “plan” is not key=value."
    assert not runner.in_flight()
    view.metadata.setText("plan=premium")
    view.load()
    wait_idle(qtbot, runner)
    assert view.notice.isHidden()
    assert [view.table.source.record(0).session_id] == ["ps00000000000000000004"]
    assert view.table.source.rowCount() == 1


def test_a_live_stream_lists_without_metadata(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = open_view(qtbot, runner, workspace.sessions, KEYNOTE)
    assert not view.metadata.isEnabled() and "no session metadata" in view.metadata.toolTip()
    view.load()
    wait_idle(qtbot, runner)
    ids = [view.table.source.record(r).session_id for r in range(view.table.source.rowCount())]
    assert ids == ["ps00000000000000000005", "ps00000000000000000008"]
    s5 = view.table.source.index(0, 1)
    assert s5.data() == "no end time"  # s5 pauses at 12:30, after the pinned now


class NoRawStatistics(httpx.BaseTransport):
    """The account's API as it is now: every raw-statistics path answers 404."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/analytics/"):
            body = {
                "type": "https://docs.api.video/reference/unrecognized-request-url",
                "title": "Unrecognized request URL.",
                "status": 404,
            }
            return httpx.Response(404, json=body)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_without_raw_statistics_it_says_so_and_the_rest_works(
    qtbot: Any, window: MainWindow, sandbox: SandboxService
) -> None:
    client = ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY), transport=NoRawStatistics())
    workspace = PinnedWorkspace(client, "Retired raw statistics", "SANDBOX")
    try:
        window.set_workspace(workspace)
        wait_idle(qtbot, window.runner)
        view = window.open_sessions(scenario.A, "video", "Algebra 1")
        assert view is not None
        wait_idle(qtbot, window.runner)
        assert view.notice.text() == RAW_STATISTICS_GONE
        assert view.table.source.rowCount() == 0
        page = window.run_query(new_tab=True)  # analytics v2 still answers
        assert page is not None
        wait_idle(qtbot, window.runner)
        assert page.result is not None and page.result.value == 6  # plays in the last 24 hours
        assert page.result.value == workspace.run_query(page.query).value
    finally:
        workspace.close()


def test_a_missing_video_is_not_mistaken_for_retired_statistics(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    class Missing:
        def list_sessions(self, *args: Any) -> Any:
            raise NotFound(
                404, {"title": "The requested resource was not found.", "name": "videoId"}
            )

    view = open_view(qtbot, runner, Missing())
    view.load()
    wait_idle(qtbot, runner)
    assert view.notice.text().startswith("The sessions could not be listed: HTTP 404")


def test_exporting_the_inspected_session_writes_what_the_api_returns(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace, tmp_path: Path
) -> None:
    view = open_view(qtbot, runner, workspace.sessions)
    view.load()
    wait_idle(qtbot, runner)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.inspector.inspection is not None)
    path = tmp_path / "s2.csv"
    suggested: list[str] = []
    view.ask_export_path = lambda name: suggested.append(name) or path  # type: ignore[method-assign]
    messages: list[str] = []
    view.message_posted.connect(messages.append)
    view.inspector.export_button.click()
    wait_idle(qtbot, runner)
    sid = "ps00000000000000000002"
    assert [Path(s).name for s in suggested] == [f"session-{sid}-events.csv"]
    client = workspace.client
    s2 = next(s for s in client.sessions("video", scenario.A, "2026-03-10").items
              if s.session.session_id == sid)  # fmt: skip
    table = session_event_table([s2], {sid: client.session_events(sid).items}, ALGEBRA.asset, ZONE)
    assert path.read_bytes().decode("utf-8") == render(table, "csv")
    assert messages == [f"Exported 6 events to {path}"]
