"""VideoCloud in the window says what it is and why something is greyed (issue 15.9, part)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from explorer.services.connection import SandboxOptions
from explorer.services.sources.videocloud.source import VideoCloudSource
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.account_bar import DEMO_CHOICE
from explorer.ui.panels.asset_model import ID_ROLE
from tests.ui.conftest import PinnedWorkspace, wait_idle


@pytest.fixture
def videocloud() -> Iterator[VideoCloudSource]:
    source = VideoCloudSource.demo(SandboxOptions(scale="small"))
    yield source
    source.close()


def demo_entry(window: MainWindow) -> str:
    combo = window.account_bar.choice
    return combo.itemText(combo.findData(DEMO_CHOICE))


def test_the_two_demo_flavours_are_named_apart_and_greyed_actions_say_why(
    qtbot: Any, window: MainWindow, workspace: PinnedWorkspace, videocloud: VideoCloudSource
) -> None:
    window.set_workspace(videocloud)
    wait_idle(qtbot, window.runner)
    assert demo_entry(window) == "Demo project (built-in sandbox, VideoCloud API)"
    for action in (window.sessions_action, window.export_job_action):
        assert not action.isEnabled()
        assert action.toolTip() == (
            "Demo project (built-in sandbox, VideoCloud API) has no player sessions: its API "
            "does not offer them."
        )
    window.set_workspace(workspace)
    wait_idle(qtbot, window.runner)
    assert demo_entry(window) == "Handmade project"
    assert window.sessions_action.isEnabled()
    assert "no player sessions" not in window.sessions_action.toolTip()


def test_a_double_click_on_a_videocloud_video_asks_for_its_analytics(
    qtbot: Any, window: MainWindow, videocloud: VideoCloudSource
) -> None:
    window.set_workspace(videocloud)
    wait_idle(qtbot, window.runner)
    proxy = window.asset_panel.proxy
    videos = proxy.index(0, 0, proxy.index(0, 0))
    first = proxy.index(0, 0, videos)
    window.asset_panel.tree.doubleClicked.emit(first)
    page = window.results.current_page()
    assert page is not None and page.query is not None
    assert page.query.report == "video" and page.query.video_id == first.data(ID_ROLE)
    qtbot.waitUntil(lambda: not page.running)
    assert page.result is not None
