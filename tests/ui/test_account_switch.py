"""After switching accounts the tree shows the open account's assets or says why it has none,
and every result tab says which account and source it came from (issue 15.3)."""

from __future__ import annotations

from typing import Any

from explorer.api.errors import NetworkError
from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import ScalarResult
from explorer.domain.query import Query
from explorer.services.source import Assets
from explorer.ui.main_window import MainWindow
from tests.ui.conftest import FakeWorkspace, PinnedWorkspace, wait_idle


class Unreachable(FakeWorkspace):
    """A saved production account whose API cannot be reached."""

    label = "Studio"
    kind = "PRODUCTION"
    account_id = "acct-studio"

    def load_assets(self, cancel: CancelToken, progress: ProgressCallback) -> Assets:
        raise NetworkError("cannot reach https://ws.api.video: connection refused")


def unreachable() -> Unreachable:
    def answer(query: Query, cancel: CancelToken) -> ScalarResult:
        raise NetworkError("cannot reach https://ws.api.video: connection refused")

    return Unreachable(answer)


def run_play_count(qtbot: Any, window: MainWindow, new_tab: bool = False) -> Any:
    builder = window.builder
    builder.set_endpoint(Endpoint.METRICS)
    assert builder.metric_combo.set_value("play")
    page = window.run_query(new_tab=new_tab)
    assert page is not None
    qtbot.waitUntil(lambda: not page.running)
    return page


def test_another_accounts_assets_never_show_under_this_one(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    window = ready_window
    assert window.asset_panel.model.rowCount() == 1  # the demo project and its videos
    demo_tab = run_play_count(qtbot, window)
    assert demo_tab.header.text().endswith("from Handmade project (api.video, DEMO)")

    window.set_workspace(unreachable())
    wait_idle(qtbot, window.runner)
    panel = window.asset_panel
    assert panel.model.rowCount() == 0  # not the demo's videos under Studio's name
    assert panel.status.text().startswith(
        "No assets to show: those of Studio could not be loaded: "
    )
    assert "connection refused" in panel.status.text()
    # the demo's tab stays, and says where it came from
    index = window.results.indexOf(demo_tab)
    assert window.results.tabText(index).startswith("[Handmade project] play count")
    assert "from Handmade project (api.video, DEMO)" in window.results.tabToolTip(index)

    studio_tab = run_play_count(qtbot, window, new_tab=True)
    assert studio_tab.header.text().startswith("play count · Last 24 hours failed · Studio")
    assert not window.results.tabText(window.results.indexOf(studio_tab)).startswith("[")

    window.set_workspace(workspace)  # back to the demo: its tab reads plainly again
    wait_idle(qtbot, window.runner)
    assert window.asset_panel.model.rowCount() == 1
    assert window.results.tabText(window.results.indexOf(demo_tab)).startswith("play count")
    studio_text = window.results.tabText(window.results.indexOf(studio_tab))
    assert studio_text.startswith("[Studio] play count")
