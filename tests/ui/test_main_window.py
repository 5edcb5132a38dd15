"""The main window against a real sandbox: what it draws is what the API returned."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, TimeseriesFrame
from explorer.domain.query import Query
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.services.curl import curl_command
from explorer.services.result_tables import result_table
from explorer.services.table_files import render
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.asset_model import ID_ROLE, KIND_ROLE
from explorer.ui.results.result_tabs import ResultPage
from tests.support.scenario import A
from tests.ui.conftest import PINNED_NOW, ZONE, PinnedWorkspace, wait_idle


def run(qtbot: Any, window: MainWindow, new_tab: bool = False) -> ResultPage:
    page = window.run_query(new_tab=new_tab)
    assert page is not None, window.builder.problems()
    qtbot.waitUntil(lambda: not page.running)
    return page


def build(window: MainWindow, endpoint: Endpoint, metric: str, **choices: str) -> None:
    builder = window.builder
    builder.set_endpoint(endpoint)
    assert builder.metric_combo.set_value(metric)
    for name, value in choices.items():
        assert getattr(builder, f"{name}_combo").set_value(value), (name, value)
    assert builder.problems() == []


def asset_index(window: MainWindow, kind: str, asset_id: str = "") -> QModelIndex:
    proxy = window.asset_panel.proxy
    role, value = (ID_ROLE, asset_id) if asset_id else (KIND_ROLE, kind)
    hits = proxy.match(
        proxy.index(0, 0), role, value, 1, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
    )
    assert hits, (kind, asset_id)
    return hits[0]


def test_an_aggregate_shows_the_value_the_api_returns(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    build(ready_window, Endpoint.METRICS, "watch-time", aggregation="sum")
    page = run(qtbot, ready_window)
    expected = workspace.run_query(page.query)
    view = page.scalar_view
    assert view is not None and page.current_view() is view
    assert view.number.text() == f"{expected.value:,.0f}"
    assert view.caption.text().startswith("seconds")
    assert view.timeframe.text() == "2026-03-09 13:00 → 2026-03-10 13:00 (Europe/Paris, UTC+01:00)"
    assert view.table.source.rowCount() == 1


def test_a_breakdown_draws_the_buckets_the_api_returns(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    build(ready_window, Endpoint.BUCKETS, "play", breakdown="country")
    page = run(qtbot, ready_window)
    expected = workspace.run_query(page.query)
    assert isinstance(expected, BucketFrame) and len(expected) == 2
    view = page.breakdown_view
    assert view is not None and page.current_view() is view
    names, widths = view.bar_values()
    assert names == list(expected.top_n(10).dimensions)
    assert widths.tolist() == list(expected.top_n(10).values)
    table = view.table.source
    rows = [tuple(table.index(r, c).data() for c in range(2)) for r in range(table.rowCount())]
    assert rows == expected.to_rows()
    assert "FR" in ready_window.builder.filter_editor.known_values("country")


def test_top_n_folds_the_rest_into_other(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    build(ready_window, Endpoint.BUCKETS, "impression", breakdown="media-id")
    page = run(qtbot, ready_window)
    view = page.breakdown_view
    assert view is not None
    view.top.setValue(1)
    expected = workspace.run_query(page.query).top_n(1)
    names, widths = view.bar_values()
    assert names == list(expected.dimensions) and names[-1] == "Other (2 more)"
    assert widths.tolist() == list(expected.values)


def test_a_timeseries_draws_the_points_the_api_returns(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    build(ready_window, Endpoint.TIMESERIES, "play", interval="hour")
    page = run(qtbot, ready_window)
    expected = workspace.run_query(page.query)
    assert isinstance(expected, TimeseriesFrame) and len(expected) >= 3
    view = page.timeseries_view
    assert view is not None and page.current_view() is view
    x, y = view.curve.getOriginalDataset()
    returned = dict(zip(expected.epoch_seconds().tolist(), expected.values.tolist(), strict=True))
    drawn = dict(zip(x.tolist(), y.tolist(), strict=True))
    assert {t: drawn[t] for t in returned} == returned
    # the API leaves out empty hours: a count is 0 there, hour after hour
    assert all(v == 0 for t, v in drawn.items() if t not in returned)
    assert np.allclose(np.diff(x), 3600)
    assert len(x) == 24
    opts = view.curve.opts
    assert (opts["autoDownsample"], opts["downsampleMethod"], opts["clipToView"]) == (
        True,
        "peak",
        True,
    )
    first = expected.epoch_seconds()[0]
    assert view.point_at(first + 100) == int(np.searchsorted(x, first))
    assert view.describe_point(view.point_at(first)).startswith("2026-03-10 00:00 (Europe/Paris)")
    # the date axis speaks the chosen zone: 23:00 UTC is midnight in Paris
    assert view.axis.tickStrings([first], 1, 3600) == ["00:00"]


def test_selecting_an_asset_scopes_the_query_and_the_root_clears_it(
    ready_window: MainWindow,
) -> None:
    tree = ready_window.asset_panel.tree
    tree.setCurrentIndex(asset_index(ready_window, "video", A))
    assert ready_window.builder.query().filters == {"mediaId": (A,)}
    assert "Algebra 1" in ready_window.builder.scope_label.text()
    tree.setCurrentIndex(asset_index(ready_window, "project"))
    assert ready_window.builder.query().filters == {}


def test_the_context_menu_analyzes_and_copies(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    panel = ready_window.asset_panel
    menu = panel.context_menu(asset_index(ready_window, "video", A))
    analyze, sessions, retention, live, copy_id, copy_url, export = menu.actions()
    assert [a.text() for a in (analyze, sessions, retention, live, copy_id, copy_url, export)] == [
        "Analyze",
        "Open sessions",
        "Where viewers drop off…",
        "Live view",
        "Copy id",
        "Copy player URL",
        "Export sessions with events…",
    ]
    assert sessions.isEnabled() and retention.isEnabled()
    assert not live.isEnabled() and "live stream" in live.toolTip()  # a video has none
    copy_id.trigger()
    assert QGuiApplication.clipboard().text() == A
    copy_url.trigger()
    assert QGuiApplication.clipboard().text() == f"https://embed.api.video/vod/{A}"
    build(ready_window, Endpoint.METRICS, "play", aggregation="count")
    analyze.trigger()
    page = ready_window.results.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: not page.running)
    assert page.query.filters == {"mediaId": (A,)}
    assert page.result.value == workspace.run_query(page.query).value
    player = {
        a.text(): a for a in panel.context_menu(asset_index(ready_window, "player")).actions()
    }
    disabled = ("Analyze", "Open sessions", "Where viewers drop off…", "Copy player URL")
    assert not any(player[text].isEnabled() for text in disabled)
    assert "video or a live stream" in player["Open sessions"].toolTip()
    assert "choose a video" in player["Where viewers drop off…"].toolTip()
    assert "player URL" in player["Copy player URL"].toolTip()


class RejectingWorkspace(PinnedWorkspace):
    """Sends each query with one parameter the API does not know: a real 400 comes back."""

    def run_query(self, query: Query, cancel: Any = None, progress: Any = None) -> Any:
        self.client.http.get_json(query.path(), [*query.to_params(), ("bogus", "1")])
        raise AssertionError("the sandbox accepted an unknown parameter")


def test_a_bad_request_shows_its_parameter_in_words(
    qtbot: Any, window: MainWindow, sandbox: Any
) -> None:
    from explorer.api.client import ApiVideoClient
    from explorer.api.secrets import Secret

    rejecting = RejectingWorkspace(
        ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY)), "Rejecting", "DEMO"
    )
    try:
        window.set_workspace(rejecting)
        wait_idle(qtbot, window.runner)
        build(window, Endpoint.METRICS, "play", aggregation="count")
        page = run(qtbot, window)
        assert page.current_view() is page.error
        message = page.error.message.text()
        assert "parameter bogus" in message and "HTTP 400" in message
        assert page.error.headline.text() == "The API refused a parameter"
        assert not page.error.details.isVisible()
        page.error.toggle.click()
        assert "Parameter: bogus" in page.error.details.toPlainText()
        assert "Traceback" not in message + page.error.details.toPlainText()
    finally:
        wait_idle(qtbot, window.runner)
        rejecting.close()


def test_copy_as_curl_is_the_exact_request_without_the_key(
    ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    build(ready_window, Endpoint.BUCKETS, "play", breakdown="country")
    ready_window.builder.filter_editor.add_row("deviceType", ("phone",))
    ready_window.copy_curl()
    text = QGuiApplication.clipboard().text()
    assert text == curl_command(workspace.base_url, ready_window.builder.query())
    assert "/data/buckets/play/country" in text
    assert "'filterBy[deviceType][]=phone'" in text
    assert '--user "$API_VIDEO_KEY:"' in text and DEFAULT_API_KEY not in text


def test_export_writes_the_result_as_csv(
    qtbot: Any, ready_window: MainWindow, tmp_path: Path
) -> None:
    build(ready_window, Endpoint.BUCKETS, "play", breakdown="country")
    page = run(qtbot, ready_window)
    target = tmp_path / "plays.csv"
    ready_window.ask_export_path = lambda suggested: target  # type: ignore[method-assign]
    ready_window.export_action.trigger()
    wait_idle(qtbot, ready_window.runner)
    written = target.read_bytes().decode("utf-8")
    assert written == render(result_table(page.result, ZONE), "csv")
    assert f"Exported 2 rows to {target}" in ready_window.status.currentMessage()
    left = [p.name for p in tmp_path.iterdir() if p.name != "settings.ini"]
    assert left == ["plays.csv"]  # no temporary left


def test_an_export_that_cannot_be_written_says_why(
    qtbot: Any, ready_window: MainWindow, tmp_path: Path
) -> None:
    build(ready_window, Endpoint.METRICS, "play", aggregation="count")
    run(qtbot, ready_window)
    target = tmp_path / "missing-folder" / "x.csv"
    ready_window.ask_export_path = lambda suggested: target  # type: ignore[method-assign]
    ready_window.export_current()
    wait_idle(qtbot, ready_window.runner)
    assert "does not exist" in ready_window.status.currentMessage()


def test_the_status_bar_shows_source_budget_and_fetch_time(
    qtbot: Any, ready_window: MainWindow
) -> None:
    status = ready_window.status
    assert status.badge.text() == "DEMO" and status.badge.isVisibleTo(ready_window)
    build(ready_window, Endpoint.METRICS, "play", aggregation="count")
    run(qtbot, ready_window)
    assert status.budget.text().startswith("Rate budget: ")
    assert status.budget.text().endswith("/500")
    assert status.fetched.text() == "Fetched 2026-03-10 13:00:00"
    assert status.activity.text() == ""


def test_results_stay_open_in_tabs(qtbot: Any, ready_window: MainWindow) -> None:
    build(ready_window, Endpoint.METRICS, "play", aggregation="count")
    first = run(qtbot, ready_window)
    build(ready_window, Endpoint.BUCKETS, "play", breakdown="device-type")
    second = run(qtbot, ready_window, new_tab=True)
    assert ready_window.results.pages() == [first, second]
    assert [ready_window.results.tabText(i) for i in range(2)] == [
        "play count · Last 24 hours",
        "play by device-type · Last 24 hours",
    ]
    assert first.result is not None and second.result is not None


def test_every_control_has_an_accessible_name(qtbot: Any, ready_window: MainWindow) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QTabBar,
        QWidget,
    )

    for endpoint, metric, extra in (
        (Endpoint.METRICS, "play", {"aggregation": "count"}),
        (Endpoint.BUCKETS, "play", {"breakdown": "country"}),
        (Endpoint.TIMESERIES, "play", {}),
    ):
        build(ready_window, endpoint, metric, **extra)
        run(qtbot, ready_window, new_tab=True)
    ready_window.builder.filter_editor.add_row("country", ("FR",))
    controls = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QAbstractItemView, QTabBar)
    inner = (QComboBox, QAbstractSpinBox, QAbstractItemView, QTabBar)

    def is_inner(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, inner):
                return True
            parent = parent.parentWidget()
        return False

    unnamed = [
        f"{type(w).__name__} {w.objectName() or ''} {getattr(w, 'text', lambda: '')()}"
        for w in ready_window.findChildren(QWidget)
        if isinstance(w, controls)
        and not is_inner(w)
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not w.accessibleName()
    ]
    assert unnamed == []


def test_the_window_state_is_restored_on_next_launch(
    qtbot: Any, window: MainWindow, settings: Any
) -> None:
    window.builder.set_clock(lambda: PINNED_NOW)  # both launches resolve "last 7 days" alike
    window.show()
    window.resize(window.minimumSizeHint().width() + 11, 600)
    size = (window.width(), window.height())
    build(window, Endpoint.BUCKETS, "view", breakdown="browser", view_duration="10s")
    window.builder.unique_check.setChecked(True)
    window.builder.filter_editor.add_row("continent", ("EU", "NA"))
    window.builder.time_range.set_zone("Asia/Tokyo")
    window.builder.time_range.set_preset("last_7_days")
    window.asset_dock.hide()
    before = window.builder.query()
    window.close()

    again = MainWindow(settings, window.runner)
    qtbot.addWidget(again)
    again.builder.set_clock(lambda: PINNED_NOW)
    again.show()
    assert again.builder.zone_name == "Asia/Tokyo"
    assert again.builder.time_range.preset.value() == "last_7_days"
    assert again.builder.query() == before
    assert again.height() == size[1]
    # restoreGeometry keeps a window on its screen: offscreen CI has an 800-pixel-wide one
    if again.screen().availableGeometry().width() >= size[0]:
        assert again.width() == size[0]
    assert not again.asset_dock.isVisible()


def test_a_saved_state_that_cannot_be_read_is_ignored(
    qtbot: Any, settings: Any, runner: Any
) -> None:
    settings.setValue("query/state", '{"query": {"endpoint": "nonsense"}}')
    main = MainWindow(settings, runner)
    qtbot.addWidget(main)
    assert main.builder.query().endpoint is Endpoint.METRICS


def test_the_fetch_time_is_shown_in_the_chosen_zone(qtbot: Any, ready_window: MainWindow) -> None:
    ready_window.builder.time_range.set_zone("UTC")
    build(ready_window, Endpoint.METRICS, "play", aggregation="count")
    page = run(qtbot, ready_window)
    assert page.fetched_at == datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert "fetched 12:00:00" in page.header.text()


@pytest.mark.parametrize("keys", ["Ctrl+Return", "Ctrl+Enter"])
def test_ctrl_enter_runs(qtbot: Any, ready_window: MainWindow, keys: str) -> None:
    build(ready_window, Endpoint.METRICS, "play", aggregation="count")
    assert keys in [s.toString() for s in ready_window.run_action.shortcuts()]
    with qtbot.waitActive(ready_window):
        ready_window.show()
        ready_window.activateWindow()
    key = Qt.Key.Key_Return if keys == "Ctrl+Return" else Qt.Key.Key_Enter
    qtbot.keyClick(ready_window.builder.metric_combo, key, Qt.KeyboardModifier.ControlModifier)
    page = ready_window.results.current_page()
    assert page is not None and page.query is not None
    qtbot.waitUntil(lambda: not page.running)
    assert page.result is not None
