"""The Live tab: figures of the stream on air, refreshes within the rate budget (requests
counted at the server over its minute), paused while hidden, never stale without saying so."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QTabWidget

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult, TimeseriesFrame
from explorer.domain.live import BUDGET_SHARE, REQUESTS_PER_REFRESH
from explorer.domain.query import Query
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from explorer.services.errors import NetworkError
from explorer.services.sessions import Media
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.live import live_view
from explorer.ui.live.live_view import LiveView, interval_setting
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.asset_model import ON_AIR, TITLE_ROLE
from tests.support import scenario
from tests.support.handmade import NOW, build, ms
from tests.support.patience import PATIENCE_S
from tests.ui.conftest import FakeWorkspace, PinnedWorkspace, wait_idle
from tests.ui.test_main_window import asset_index

STREAM = Media(scenario.C, "live-stream", "Live C")


def shown(qtbot: Any, view: LiveView) -> LiveView:
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_figures_of_the_stream_on_air(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    """Worked by hand from the scenario (now 12:00): s5 plays from 11:00:05 on, s8 (the same
    viewer's second tab, US, tv) from 11:10:02 to 11:20:02."""
    view = shown(qtbot, LiveView(runner, workspace, STREAM, "UTC", interval_s=600))
    qtbot.waitUntil(lambda: view.refreshes >= 1)
    snapshot = view.snapshot
    assert snapshot is not None
    assert snapshot.viewers_now == 1 and view.viewers.text() == "1"
    minutes = [t.strftime("%H:%M") for t in snapshot.series.datetimes("UTC")]
    assert minutes[0] == "11:01" and minutes[-1] == "11:59" and len(minutes) == 59
    expected = [2.0 if "11:10" <= m <= "11:20" else 1.0 for m in minutes]
    assert snapshot.series.values.tolist() == expected
    assert dict(zip(snapshot.countries.dimensions, snapshot.countries.values, strict=True)) == {
        "US": 1.0
    }
    assert dict(zip(snapshot.devices.dimensions, snapshot.devices.values, strict=True)) == {
        "tv": 1.0
    }
    assert view.map.values == {"US": 1.0}
    assert view.status_text().startswith("refreshed 12:00:00 (UTC)")
    view.set_zone("Europe/Paris")
    assert view.status_text().startswith("refreshed 13:00:00 (Europe/Paris)")


@pytest.fixture
def tight_sandbox(tmp_path: Path) -> Iterator[tuple[SandboxService, list[float]]]:
    """A sandbox allowing 40 requests per 3-second "minute", counting what it is asked."""
    dataset = build(tmp_path / "tight", scenario.sessions())
    service = SandboxService(
        dataset, clock=Clock(ms(NOW)), faults=FaultPlan(), rate_limit=40,
        country_names={"US": "United States"},
    ).start()  # fmt: skip
    service.limiter.WINDOW_S = 3.0  # type: ignore[misc]
    asked: list[float] = []
    take = service.limiter.take

    def counted(caller: str) -> Any:
        budget = take(caller)
        asked.append(time.monotonic())
        return budget

    service.limiter.take = counted  # type: ignore[method-assign]
    yield service, asked
    service.stop()


def test_the_refresh_keeps_within_the_rate_budget(
    qtbot: Any, runner: TaskRunner, tight_sandbox: tuple[SandboxService, list[float]]
) -> None:
    """Asked to refresh every 0.1 s against a budget of 40 requests a 3-second window, the
    tab sends at most a quarter of the budget per window: counted at the server over two
    windows, it stays under what pacing allows and far from what 0.1 s would send."""
    service, asked = tight_sandbox
    client = ApiVideoClient(service.base_url, Secret(DEFAULT_API_KEY))
    source = PinnedWorkspace(client, "Tight", "DEMO")
    try:
        source.load_assets()  # as the window has before a live view opens: a token is held
        asked.clear()
        view = LiveView(runner, source, STREAM, "UTC", interval_s=0.1, rate_window_s=3.0)
        shown(qtbot, view)
        qtbot.waitUntil(lambda: len(asked) > 0)
        start = asked[0]
        span = 6.0  # two of the server's windows
        qtbot.waitUntil(lambda: time.monotonic() - start > span, timeout=60_000)
        view.cancel_all()
        wait_idle(qtbot, runner)
        within = [t for t in asked if t - start < span]
        share = 40 * BUDGET_SHARE  # requests a window the tab may use
        allowed = (span / 3.0) * share + REQUESTS_PER_REFRESH  # one refresh may straddle
        assert len(within) <= allowed, f"{len(within)} requests in {span} s"
        assert view.refreshes >= 2  # it did refresh meanwhile
        assert "every" in view.pace_reason and "40" in view.pace_reason  # and says why slower
        assert not view.failure  # never refused for going over the limit
    finally:
        source.close()


def test_it_pauses_when_hidden_and_refreshes_at_once_when_shown(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    view = LiveView(runner, workspace, STREAM, "UTC", interval_s=600)
    tabs.addTab(view, "Live")
    tabs.addTab(QLabel("other"), "Other")
    tabs.show()
    qtbot.waitExposed(tabs)
    qtbot.waitUntil(lambda: view.refreshes >= 1)
    assert not view.paused and view._timer.isActive()
    tabs.setCurrentIndex(1)  # another tab in front: hidden
    qtbot.waitUntil(lambda: view.paused)
    assert not view._timer.isActive()
    assert "paused" in view.status_text()
    before = view.refreshes
    tabs.setCurrentIndex(0)  # back: an immediate refresh, not one 600 s later
    qtbot.waitUntil(lambda: view.refreshes > before)
    assert not view.paused and view._timer.isActive()


def _answers(query: Query) -> Any:
    if query.endpoint is Endpoint.METRICS:
        return ScalarResult(ResultContext(Endpoint.METRICS, "ccv", aggregation="live"), 5)
    if query.endpoint is Endpoint.TIMESERIES:
        context = ResultContext(Endpoint.TIMESERIES, "ccv-peak", interval="minute")
        return TimeseriesFrame.empty(context)
    return BucketFrame.empty(ResultContext(Endpoint.BUCKETS, "ccv-peak", breakdown="country"))


def test_a_failed_refresh_is_said_and_the_last_figures_stay_marked(
    qtbot: Any, runner: TaskRunner
) -> None:
    failing = threading.Event()

    def answer(query: Query, _cancel: CancelToken) -> Any:
        if failing.is_set():
            raise NetworkError("connection refused")
        return _answers(query)

    view = shown(qtbot, LiveView(runner, FakeWorkspace(answer), STREAM, "UTC", interval_s=600))
    qtbot.waitUntil(lambda: view.refreshes >= 1)
    assert view.viewers.text() == "5" and not view.is_behind()
    failing.set()
    view.refresh()
    qtbot.waitUntil(lambda: bool(view.failure))
    text = view.status_text()
    assert text.startswith("refreshed 12:00:00 (UTC)")  # what is shown, and from when
    assert "the refresh at 12:00:00 failed: connection refused" in text
    assert view.is_behind() and view.status.styleSheet()  # said in the warning colour
    failing.clear()
    view.refresh()
    qtbot.waitUntil(lambda: not view.failure)
    assert not view.is_behind()


def test_a_late_refresh_is_said_while_it_is_late(
    qtbot: Any, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_view, "LATE_AFTER_S", 0.2)
    release = threading.Event()

    def answer(query: Query, _cancel: CancelToken) -> Any:
        release.wait(PATIENCE_S)
        return _answers(query)

    view = shown(qtbot, LiveView(runner, FakeWorkspace(answer), STREAM, "UTC", interval_s=0.1))
    qtbot.waitUntil(lambda: "late:" in view.status.text())
    assert view.is_behind() and "not refreshed yet" in view.status.text()
    release.set()
    qtbot.waitUntil(lambda: view.refreshes >= 1)
    view.cancel_all()
    wait_idle(qtbot, runner)


def test_the_interval_is_a_setting(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert interval_setting(settings) == 10
    settings.setValue("live/interval_s", "30")
    assert interval_setting(settings) == 30
    settings.setValue("live/interval_s", "fast")
    assert interval_setting(settings) == 10
    settings.setValue("live/interval_s", "1")
    assert interval_setting(settings) == 5


def test_the_tree_badges_the_stream_on_air_and_opens_its_live_view(
    qtbot: Any, ready_window: MainWindow
) -> None:
    ready_window.show()  # a live view refreshes only while seen
    qtbot.waitExposed(ready_window)
    index = asset_index(ready_window, "live-stream", scenario.C)
    assert ON_AIR in str(index.data())
    title = str(index.data(TITLE_ROLE))
    assert ON_AIR not in title
    menu = ready_window.asset_panel.context_menu(index)
    action = next(a for a in menu.actions() if a.text() == "Live view")
    assert action.isEnabled()
    video = asset_index(ready_window, "video", scenario.A)
    assert ON_AIR not in str(video.data())
    ready_window.asset_panel.tree.doubleClicked.emit(index)
    view = ready_window.results.currentWidget()
    assert isinstance(view, LiveView) and view.media.media_id == scenario.C
    assert ready_window.results.tabText(ready_window.results.currentIndex()) == f"Live: {title}"
    qtbot.waitUntil(lambda: view.refreshes >= 1)
    assert np.isclose(view.snapshot.viewers_now, 1) if view.snapshot else False
    # a country clicked on its map becomes the builder's country filter
    view.map.country_clicked.emit("US")
    assert ready_window.builder.filter_editor.filters().get("country") == ("US",)
    ready_window.close_current_tab()
    wait_idle(qtbot, ready_window.runner)
    assert not view._timer.isActive()


def test_it_pauses_while_the_window_is_minimised(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    top = QTabWidget()
    qtbot.addWidget(top)
    view = LiveView(runner, workspace, STREAM, "UTC", interval_s=600)
    top.addTab(view, "Live")
    top.show()
    qtbot.waitExposed(top)
    qtbot.waitUntil(lambda: view.refreshes >= 1)
    top.showMinimized()
    qtbot.waitUntil(lambda: view.paused)
    assert not view._timer.isActive()
    before = view.refreshes
    top.showNormal()
    qtbot.waitUntil(lambda: view.refreshes > before)
    assert not view.paused
