"""Sessions end to end: the real app on a sandbox; open a video's sessions, inspect one, export.

The exported CSV must equal the flattened table built from the API's own answers (direct client
calls), byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QSettings, Qt

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.app import Explorer
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from explorer.services.result_tables import session_event_table
from explorer.services.table_files import render
from explorer.ui.panels.asset_model import ID_ROLE
from explorer.ui.sessions import sessions_view
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support import scenario
from tests.support.handmade import NOW, build, ms
from tests.ui.conftest import PinnedWorkspace
from tests.unit.services.sessions_data import many

ZONE = "America/New_York"
DAY = "2026-03-10"


class SavePathDialog:
    """Stands in for QFileDialog in the sessions module: "saves" where told, records asks."""

    targets: ClassVar[list[Path]] = []
    suggestions: ClassVar[list[str]] = []

    @classmethod
    def getSaveFileName(cls, parent: Any, caption: str, suggested: str, filters: str) -> Any:
        cls.suggestions.append(suggested)
        return str(cls.targets.pop(0)), filters


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxService]:
    dataset = build(tmp_path / "data", [*scenario.sessions(), *many(120)])
    service = SandboxService(
        dataset, clock=Clock(ms(NOW)), country_names={"FR": "France", "US": "United States"},
        faults=FaultPlan(),
    ).start()  # fmt: skip
    yield service
    service.stop()


@pytest.fixture
def explorer(qtbot: Any, sandbox: SandboxService, tmp_path: Path) -> Iterator[Explorer]:
    def factory() -> PinnedWorkspace:
        client = ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY))
        return PinnedWorkspace(client, "Sessions e2e", "LOCAL")

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("query/tz", ZONE)
    app = Explorer(settings, factory)
    app.start()
    yield app
    app.shutdown()


def test_open_inspect_and_export_a_videos_sessions(
    qtbot: Any, explorer: Explorer, sandbox: SandboxService, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = explorer.window
    qtbot.waitUntil(lambda: window.workspace is not None)
    qtbot.waitUntil(lambda: not explorer.runner.in_flight())
    assert window.builder.zone_name == ZONE

    # the tree's context menu on "Algebra 1"
    proxy = window.asset_panel.proxy
    hits = proxy.match(proxy.index(0, 0), ID_ROLE, scenario.A, 1,
                       Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)  # fmt: skip
    menu = window.asset_panel.context_menu(hits[0])
    next(a for a in menu.actions() if a.text() == "Open sessions").trigger()
    view = window.results.currentWidget()
    assert isinstance(view, SessionsView)
    qtbot.waitUntil(lambda: view.listing is not None)
    assert view.count.text() == "Showing 122 of 122 sessions"  # two pages

    # inspect s2 with a click on its row
    table = view.table
    rect = table.visualRect(table.model().index(0, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.inspector.inspection is not None)
    inspection = view.inspector.inspection
    assert inspection is not None and inspection.session_id == "ps00000000000000000002"
    assert view.inspector.chart.readout.text().startswith("Point at an event")
    assert view.inspector.events.model().rowCount() == 6

    # export the inspected session (Ctrl+E), then the whole period
    one, period = tmp_path / "one.csv", tmp_path / "period.csv"
    SavePathDialog.targets[:] = [one, period]
    SavePathDialog.suggestions.clear()
    monkeypatch.setattr(sessions_view, "QFileDialog", SavePathDialog)
    window.export_current()
    qtbot.waitUntil(lambda: one.exists())
    view.export_button.click()
    qtbot.waitUntil(lambda: period.exists())
    qtbot.waitUntil(lambda: not explorer.runner.in_flight())
    assert [Path(s).name for s in SavePathDialog.suggestions] == [
        "session-ps00000000000000000002-events.csv",
        f"sessions-{scenario.A}-{DAY}.csv",
    ]
    assert Path(SavePathDialog.suggestions[1]).parent == one.parent  # the last export's folder
    assert window.status.currentMessage() == f"Exported 249 events to {period}"  # 6 + 3 + 2 x 120

    # what the API returns, asked directly
    with ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY)) as client:
        sessions = client.sessions("video", scenario.A, DAY).items
        events = {s.session.session_id: client.session_events(s.session.session_id).items
                  for s in sessions}  # fmt: skip
        title = client.video(scenario.A).title
    asset = (scenario.A, "video", title)
    expected = render(session_event_table(sessions, events, asset, ZONE), "csv")
    assert period.read_bytes().decode("utf-8") == expected
    s2 = sessions[:1]
    assert one.read_bytes().decode("utf-8") == render(
        session_event_table(s2, events, asset, ZONE), "csv"
    )
    assert len(expected.splitlines()) == 1 + 249
