"""Running queries in the window: Esc cancels, a newer run supersedes, progress shows."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

from explorer.domain.cancel import Cancelled, CancelToken
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, Result, ResultContext, ScalarResult
from explorer.domain.query import Query
from explorer.ui.main_window import QUERY, MainWindow
from tests.support.patience import PATIENCE_S
from tests.ui.conftest import FakeWorkspace, wait_idle


def scalar(query: Query, value: float) -> ScalarResult:
    return ScalarResult(ResultContext(Endpoint.METRICS, query.metric, query.aggregation), value)


def empty_buckets(query: Query) -> BucketFrame:
    return BucketFrame.empty(ResultContext(Endpoint.BUCKETS, query.metric, breakdown="country"))


def open_fake(qtbot: Any, window: MainWindow, fake: FakeWorkspace) -> None:
    window.set_workspace(fake)  # type: ignore[arg-type]
    wait_idle(qtbot, window.runner)  # assets and the country look-up


def test_escape_cancels_the_running_query(qtbot: Any, window: MainWindow) -> None:
    started, stopped = threading.Event(), threading.Event()

    def patient(query: Query, cancel: CancelToken) -> Result:
        if query.endpoint is Endpoint.BUCKETS:
            return empty_buckets(query)
        started.set()
        cancel.wait(PATIENCE_S)
        stopped.set()
        raise Cancelled()

    open_fake(qtbot, window, FakeWorkspace(patient))
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    page = window.run_query()
    assert page is not None and started.wait(PATIENCE_S)
    assert window.builder.cancel_button.isEnabled()
    assert window.status.activity.text() == "Running play count · Last 24 hours"
    qtbot.keyClick(window.builder.metric_combo, Qt.Key.Key_Escape)
    assert not page.running
    assert page.intro.text().startswith("Cancelled.")
    assert stopped.wait(PATIENCE_S)  # the worker saw its token
    wait_idle(qtbot, window.runner)
    assert not window.builder.cancel_button.isEnabled()
    assert window.status.currentMessage() == "Query cancelled."


def test_a_stale_result_never_overwrites_a_newer_one(qtbot: Any, window: MainWindow) -> None:
    release = threading.Event()
    returned: list[float] = []

    def first_slow_then_fast(query: Query, cancel: CancelToken) -> Result:
        if query.endpoint is Endpoint.BUCKETS:
            return empty_buckets(query)
        if not returned:
            returned.append(0)
            release.wait(PATIENCE_S)  # deaf to its token: its answer arrives after the newer one
            returned.append(111)
            return scalar(query, 111)
        returned.append(222)
        return scalar(query, 222)

    open_fake(qtbot, window, FakeWorkspace(first_slow_then_fast))
    page = window.run_query()
    assert page is not None
    qtbot.waitUntil(lambda: returned == [0])
    assert window.run_query() is page  # same tab: the newer run replaces the older
    qtbot.waitUntil(lambda: not page.running)
    assert page.result is not None and page.result.value == 222
    dropped = window.runner.dropped
    release.set()
    qtbot.waitUntil(lambda: window.runner.dropped == dropped + 1)
    assert returned == [0, 222, 111]
    assert page.result.value == 222
    assert page.scalar_view is not None and page.scalar_view.number.text() == "222"


def test_closing_a_tab_cancels_its_query(qtbot: Any, window: MainWindow) -> None:
    stopped = threading.Event()

    def patient(query: Query, cancel: CancelToken) -> Result:
        if query.endpoint is Endpoint.BUCKETS:
            return empty_buckets(query)
        cancel.wait(PATIENCE_S)
        stopped.set()
        raise Cancelled()

    open_fake(qtbot, window, FakeWorkspace(patient))
    page = window.run_query()
    assert page is not None and window.runner.running(page, QUERY) is not None
    window.close_current_tab()
    assert stopped.wait(PATIENCE_S)
    assert window.runner.running(page, QUERY) is None
    assert window.results.count() == 1  # a fresh empty tab takes its place
    wait_idle(qtbot, window.runner)


def test_progress_shows_pages_fetched(qtbot: Any, window: MainWindow) -> None:
    go_on = threading.Event()

    def paged(query: Query, cancel: CancelToken) -> Result:
        return empty_buckets(query)

    fake = FakeWorkspace(paged)

    def run_query(query: Query, cancel: CancelToken, progress: Any) -> Result:
        progress(2, 5)
        go_on.wait(PATIENCE_S)
        return scalar(query, 3)

    open_fake(qtbot, window, fake)
    fake.run_query = run_query  # type: ignore[method-assign]
    page = window.run_query()
    assert page is not None
    qtbot.waitUntil(lambda: page.progress.maximum() == 5)
    assert page.progress.value() == 2
    assert "page 2 of 5" in page.busy_label.text()
    assert window.status.activity.text() == "Running play count · Last 24 hours — 2/5"
    go_on.set()
    qtbot.waitUntil(lambda: not page.running)
    assert page.result is not None and page.result.value == 3
