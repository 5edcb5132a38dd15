"""The composition root: the window first, the workspace off the UI thread, an orderly quit."""

from __future__ import annotations

import json
import signal
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from explorer.app import (
    FLAVOR_VARIABLE,
    NOW_VARIABLE,
    SCALE_VARIABLE,
    STARTING_DEMO,
    Explorer,
    demo_factory,
    run_gui,
)
from explorer.domain.frames import BucketFrame, ResultContext
from explorer.domain.query import Query
from tests.support.patience import PATIENCE_S
from tests.ui.conftest import FakeWorkspace


def idle_fake() -> FakeWorkspace:
    return FakeWorkspace(
        lambda query, cancel: BucketFrame.empty(
            ResultContext(query.endpoint, query.metric, breakdown=query.breakdown)
        )
    )


def test_the_window_shows_before_the_workspace_is_ready(qtbot: Any, settings: QSettings) -> None:
    gate = threading.Event()
    made: list[FakeWorkspace] = []

    def slow_factory() -> Any:
        gate.wait(PATIENCE_S)
        made.append(idle_fake())
        return made[0]

    explorer = Explorer(settings, slow_factory)
    explorer.start()
    window = explorer.window
    try:
        assert window.isVisible()
        assert window.asset_panel.status.text() == STARTING_DEMO
        assert window.status.activity.text().startswith(STARTING_DEMO)
        assert not window.builder.run_button.isEnabled()
        assert "Waiting for the data source" in window.builder.problems_label.text()
        gate.set()
        qtbot.waitUntil(lambda: window.workspace is not None)
        assert window.workspace is made[0]
        assert window.builder.run_button.isEnabled()
        assert window.status.badge.text() == "DEMO"
        qtbot.waitUntil(lambda: not explorer.runner.in_flight())
    finally:
        gate.set()
        explorer.shutdown()
    assert made[0].closed


def test_a_workspace_that_cannot_start_is_explained(qtbot: Any, settings: QSettings) -> None:
    def broken() -> Any:
        raise ModuleNotFoundError("No module named 'explorer.sandbox.simulator'")

    explorer = Explorer(settings, broken)
    explorer.start()
    try:
        page = explorer.window.results.current_page()
        assert page is not None
        qtbot.waitUntil(lambda: page.current_view() is page.error)
        assert "could not start" in page.error.message.text()
        assert "explorer.sandbox.simulator" in page.error.message.text()
        assert "No data source" in explorer.window.asset_panel.status.text()
    finally:
        explorer.shutdown()


def test_quitting_while_the_workspace_starts_closes_it_when_it_arrives(
    qtbot: Any, settings: QSettings
) -> None:
    gate = threading.Event()
    made: list[FakeWorkspace] = []

    def slow_factory() -> Any:
        gate.wait(PATIENCE_S)
        made.append(idle_fake())
        return made[0]

    explorer = Explorer(settings, slow_factory)
    explorer.start()
    threading.Timer(0.2, gate.set).start()
    explorer.shutdown()  # joins the worker, which finishes the build after the timer
    assert made and made[0].closed
    assert explorer.window.workspace is None


def test_run_gui_opens_the_window_and_closes_everything_on_quit(
    qtbot: Any, settings: QSettings
) -> None:
    made: list[FakeWorkspace] = []

    def factory() -> Any:
        made.append(idle_fake())
        return made[0]

    def close_when_ready() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "main-window"]
        ready = [w for w in windows if w.isVisible() and getattr(w, "workspace", None)]
        if ready:
            ready[0].close()  # the last window: the application quits
        else:
            QTimer.singleShot(20, close_when_ready)

    sigint = signal.getsignal(signal.SIGINT)
    QTimer.singleShot(20, close_when_ready)
    assert run_gui(None, workspace_factory=factory, settings=settings) == 0
    assert made and made[0].closed
    saved = json.loads(str(settings.value("query/state")))  # saved on the way out
    assert isinstance(Query.from_dict(saved["query"]), Query)
    assert signal.getsignal(signal.SIGINT) is sigint  # run_gui put the handler back


@pytest.mark.parametrize("flavor", ["apivideo", "videocloud"])
def test_a_pinned_sandbox_now_is_the_demos_now(flavor: str) -> None:
    build = demo_factory(
        {SCALE_VARIABLE: "small", FLAVOR_VARIABLE: flavor, NOW_VARIABLE: "2026-03-10T14:25+01:00"}
    )
    source = build()
    try:
        assert source.now() == datetime(2026, 3, 10, 13, 25, tzinfo=UTC)
    finally:
        source.close()


@pytest.mark.parametrize(
    ("text", "says"),
    [("yesterday", "is not an RFC 3339 instant"), ("2026-03-10T13:00", "has no offset")],
)
def test_a_bad_sandbox_now_is_named(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=f"EXPLORER_SANDBOX_NOW='{text}' {says}"):
        demo_factory({NOW_VARIABLE: text})()
