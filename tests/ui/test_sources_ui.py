"""One window, two kinds of data source: the builder, the tree and the actions follow the source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from explorer.domain.catalogue import Endpoint
from explorer.services.connection import SandboxOptions
from explorer.services.sources.videocloud.source import VideoCloudSource
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.builders.query_builder import QueryBuilder
from explorer.ui.builders.report_builder import ReportBuilderPanel
from explorer.ui.main_window import MainWindow
from tests.ui.conftest import ZONE, PinnedWorkspace, wait_idle


@pytest.fixture
def videocloud() -> Iterator[VideoCloudSource]:
    source = VideoCloudSource.demo(SandboxOptions(scale="small"))
    yield source
    source.close()


def groups(window: MainWindow) -> list[str]:
    proxy = window.asset_panel.proxy
    project = proxy.index(0, 0)
    return [str(proxy.index(r, 0, project).data()) for r in range(proxy.rowCount(project))]


def test_switching_sources_swaps_the_builder_and_keeps_each_ones_choices(
    qtbot: Any, window: MainWindow, workspace: PinnedWorkspace, videocloud: VideoCloudSource
) -> None:
    window.set_workspace(workspace)
    wait_idle(qtbot, window.runner)
    assert isinstance(window.builder, QueryBuilder)
    assert groups(window) == ["Videos (2)", "Live streams (1)", "Players (1)"]
    assert window.sessions_action.isEnabled() and not window.remote_exports_action.isEnabled()
    window.builder.set_endpoint(Endpoint.TIMESERIES)
    api_question = window.builder.question()

    window.set_workspace(videocloud)
    wait_idle(qtbot, window.runner)
    builder = window.builder
    assert isinstance(builder, ReportBuilderPanel) and builder.isVisible() is window.isVisible()
    assert builder.zone_name == ZONE  # the zone carries over
    assert groups(window) == [f"Videos ({len(videocloud.client.videos().videos)})"]
    assert not window.sessions_action.isEnabled() and window.remote_exports_action.isEnabled()
    assert window.open_sessions("vi1", "video", "A video") is None
    assert "no player sessions" in window.status.currentMessage()
    assert builder.set_report("users")

    window.set_workspace(workspace)
    wait_idle(qtbot, window.runner)
    assert isinstance(window.builder, QueryBuilder)
    assert window.builder.question().endpoint is api_question.endpoint is Endpoint.TIMESERIES
    window.set_workspace(videocloud)
    wait_idle(qtbot, window.runner)
    assert window.builder.question().report == "users"  # each builder's choices come back


def test_the_builder_of_the_last_source_comes_back_at_the_next_launch(
    qtbot: Any, settings: QSettings, runner: TaskRunner, videocloud: VideoCloudSource
) -> None:
    first = MainWindow(settings, runner)
    qtbot.addWidget(first)
    first.set_workspace(videocloud)
    wait_idle(qtbot, runner)
    assert first.builder.set_report("system-health")
    first.save_state()
    second = MainWindow(settings, runner)
    qtbot.addWidget(second)
    second.set_workspace(videocloud)
    wait_idle(qtbot, runner)
    assert second.builder.question().report == "system-health"


def test_a_report_question_runs_and_copies_as_curl(
    qtbot: Any, window: MainWindow, videocloud: VideoCloudSource
) -> None:
    window.set_workspace(videocloud)
    wait_idle(qtbot, window.runner)
    assert window.builder.set_report("system-performance")
    page = window.run_query()
    assert page is not None
    qtbot.waitUntil(lambda: not page.running)
    assert page.current_view() is page.report_view
    assert page.title == window.builder.question().title
    window.copy_curl()
    from PySide6.QtGui import QGuiApplication

    text = QGuiApplication.clipboard().text()
    assert "/analytics/system/performance" in text and "$VIDEOCLOUD_KEY" in text


def test_copy_as_curl_tells_the_key_variable_its_command_uses(
    qtbot: Any, window: MainWindow, workspace: PinnedWorkspace, videocloud: VideoCloudSource
) -> None:
    """The status bar said to set API_VIDEO_KEY after copying a VideoCloud request, whose
    command reads $VIDEOCLOUD_KEY: each kind's command and message name its own variable."""
    from PySide6.QtGui import QGuiApplication

    for source, variable, other in (
        (videocloud, "VIDEOCLOUD_KEY", "API_VIDEO_KEY"),
        (workspace, "API_VIDEO_KEY", "VIDEOCLOUD_KEY"),
    ):
        window.set_workspace(source)
        wait_idle(qtbot, window.runner)
        if source is videocloud:
            assert window.builder.set_report("summary")
        window.copy_curl()
        text, said = QGuiApplication.clipboard().text(), window.status.currentMessage()
        assert f"${variable}" in text and other not in text
        assert f"set {variable} before running it" in said and other not in said
