"""Issue 19's drill-down in the window: from a day's point of a video's plays, or a bar of its
breakdown by country, a Sessions tab lists exactly the sessions the sandbox counted there, and
says how many the chart showed; column filters narrow that list."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, TimeseriesFrame
from explorer.domain.query import Query
from explorer.sandbox.server import SandboxService
from explorer.ui.main_window import MainWindow
from explorer.ui.results import drill_menu
from explorer.ui.results.result_tabs import ResultPage
from explorer.ui.sessions.session_table_model import COLUMNS
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support.scenario import A, B
from tests.ui.conftest import PINNED_NOW

START = datetime.fromisoformat("2026-03-08T23:00:00+00:00")  # a Paris midnight
WAIT = 120_000


def sandbox_counted(
    sandbox: SandboxService, media: str, start: datetime, end: datetime, where: str = "", *args: str
) -> set[str]:
    """The sessions the sandbox's own SQL counts as plays in the window (its spans)."""
    lo, hi = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
    rows = (
        sandbox.dataset.connection()
        .execute(
            "SELECT DISTINCT s.session_id FROM derived_spans sp JOIN sessions s ON s.sid = sp.sid "
            "WHERE s.media_id = ? AND sp.start_at < ? AND MAX(sp.end_at, sp.start_at + 1) > ? "
            + where,
            (media, hi, lo, *args),
        )
        .fetchall()
    )
    return {r[0] for r in rows}


def asked(qtbot: Any, window: MainWindow, query: Query) -> ResultPage:
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    page = window.results.new_page()
    window.ask(page, query, window.builder.zone_name)
    qtbot.waitUntil(lambda: not page.running and page.result is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: page.current_view().isVisible(), timeout=WAIT)
    return page


def drilled(qtbot: Any, window: MainWindow, emit: Any) -> SessionsView:
    before = window.results.count()
    emit()  # the tab opens at once; its sessions come from a worker
    assert window.results.count() == before + 1
    view = window.results.currentWidget()
    assert isinstance(view, SessionsView) and view.drill is not None
    qtbot.waitUntil(lambda: view.counted is not None and not view.busy("list"), timeout=WAIT)
    view.table.source.flush()
    return view


class Click:
    """A pyqtgraph mouse click at a point of a chart's view (what its scene delivers)."""

    def __init__(self, plot: Any, x: float, y: float, right: bool = False) -> None:
        self._scene = plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
        self._right = right

    def scenePos(self) -> QPointF:
        return self._scene

    def screenPos(self) -> QPointF:
        return QPointF(10, 10)

    def button(self) -> Qt.MouseButton:
        return Qt.MouseButton.RightButton if self._right else Qt.MouseButton.LeftButton

    def double(self) -> bool:
        return not self._right


def in_sight(qtbot: Any, plot: Any, x: float, y: float) -> None:
    """Until the chart's range holds (x, y): a click lands where a person would click."""
    box = plot.getPlotItem().vb

    def holds() -> bool:
        (left, right), (bottom, top) = box.viewRange()
        return bool(left <= x <= right and bottom <= y <= top)

    qtbot.waitUntil(holds, timeout=WAIT)


def listed(view: SessionsView) -> set[str]:
    source = view.table.source
    return {source.record(row).session_id for row in range(source.rowCount())}


@pytest.mark.hard_limit(300)
def test_a_days_point_of_a_videos_plays_lists_the_sessions_the_sandbox_counted(
    qtbot: Any, ready_window: MainWindow, sandbox: SandboxService
) -> None:
    query = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="day", start=START,
        end=PINNED_NOW, filters={"mediaId": (A,)},
    )  # fmt: skip
    page = asked(qtbot, ready_window, query)
    chart = page.timeseries_view
    assert chart is not None and isinstance(page.result, TimeseriesFrame)
    index = int(max(range(len(chart._y)), key=lambda i: chart._y[i]))  # the spike
    pick = chart.point_pick(index)
    assert pick is not None and pick.start is not None and pick.end is not None
    bucket = datetime.fromtimestamp(float(chart._x[index]), UTC)  # the API's days are UTC's
    assert bucket.time() == time(0, 0) and bucket > START
    assert (pick.start, pick.end) == (bucket, min(bucket + timedelta(days=1), PINNED_NOW))
    x, y = float(chart._x[index]), float(chart._y[index])
    in_sight(qtbot, chart.plot, x, y)
    view = drilled(
        qtbot, ready_window, lambda: chart._on_scene_mouse_clicked(Click(chart.plot, x, y))
    )
    expected = sandbox_counted(sandbox, A, pick.start, pick.end)
    assert len(expected) >= 2  # the bucket holds sessions of several kinds
    assert listed(view) == expected
    assert len(expected) == round(float(chart._y[index]))  # as many as the chart showed
    text = view.relation.text()
    assert text.startswith(f"{len(expected)} plays in the day of ") and text.endswith(
        f"(from the chart), {len(expected)} sessions listed."
    )


@pytest.mark.hard_limit(300)
def test_a_country_bar_lists_that_countrys_counted_sessions_and_filters_narrow_them(
    qtbot: Any, ready_window: MainWindow, sandbox: SandboxService
) -> None:
    query = Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="country", start=START,
        end=PINNED_NOW, filters={"mediaId": (A,)},
    )  # fmt: skip
    page = asked(qtbot, ready_window, query)
    bars = page.breakdown_view
    assert bars is not None and isinstance(page.result, BucketFrame)
    names, widths = bars.bar_values()
    slot = names.index("FR")
    in_sight(qtbot, bars.plot, float(widths[slot]) / 2, slot)
    double = Click(bars.plot, float(widths[slot]) / 2, slot)  # on the bar
    view = drilled(qtbot, ready_window, lambda: bars._on_scene_mouse_clicked(double))
    expected = sandbox_counted(sandbox, A, START, PINNED_NOW, "AND s.country = ?", "FR")
    assert len(expected) >= 2
    assert listed(view) == expected
    assert len(expected) == round(float(widths[slot]))
    assert view.drill.conditions[0].dimension == "country"
    # structured filters: Country = France, then also Device type = tablet (no session has it)
    country = COLUMNS.index("Country")
    source = view.table.source
    cells = {source.record(r).session_id: source.record(r).cells for r in range(len(expected))}
    shown_country = next(iter(cells.values()))[country - 3]
    view.column_filters.add(country, shown_country)
    assert listed(view) == expected
    view.column_filters.add(COLUMNS.index("Device type"), "tablet")
    assert listed(view) == set()
    assert len(view.column_filters.chips) == 2
    view.column_filters.remove((COLUMNS.index("Device type"), "tablet"))
    assert listed(view) == expected


@pytest.mark.hard_limit(300)
def test_column_filters_narrow_a_periods_list_by_several_columns_at_once(
    qtbot: Any, ready_window: MainWindow, sandbox: SandboxService
) -> None:
    view = ready_window.open_sessions(A, "video", "Algebra 1")
    assert view is not None
    qtbot.waitUntil(lambda: view.listing is not None and not view.busy("list"), timeout=WAIT)
    view.table.source.flush()
    everyone = listed(view)
    by_sql = sandbox.dataset.connection().execute(
        "SELECT session_id, device_type, client_name FROM sessions WHERE media_id = ?", (A,)
    )
    rows = {sid: (device, client) for sid, device, client in by_sql if sid in everyone}
    assert len(rows) >= 2 and len({d for d, _ in rows.values()}) >= 2
    device = COLUMNS.index("Device type")
    view.column_filters.add(device, "phone")
    assert listed(view) == {s for s, (d, _) in rows.items() if d == "phone"}
    view.column_filters.add(COLUMNS.index("Client"), "Safari")  # any case
    wanted = {s for s, (d, c) in rows.items() if d == "phone" and c.casefold() == "safari"}
    assert listed(view) == wanted and wanted
    view.column_filters.set_conditions([])
    assert listed(view) == everyone


@pytest.mark.hard_limit(300)
def test_a_project_wide_point_offers_its_assets_and_drills_into_one(
    qtbot: Any, ready_window: MainWindow, sandbox: SandboxService
) -> None:
    query = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="day", start=START, end=PINNED_NOW
    )
    page = asked(qtbot, ready_window, query)
    chart = page.timeseries_view
    assert chart is not None
    index = int(max(range(len(chart._y)), key=lambda i: chart._y[i]))
    pick = chart.point_pick(index)
    assert pick is not None and pick.start is not None and pick.end is not None
    before = ready_window.results.count()
    chart.drill(index)  # several assets: their breakdown, not a list of sessions
    qtbot.waitUntil(lambda: ready_window.results.count() == before + 1, timeout=WAIT)
    assets = ready_window.results.currentWidget()
    assert isinstance(assets, ResultPage) and assets.query.breakdown == "media-id"
    assert (assets.query.start, assets.query.end) == (pick.start, pick.end)
    qtbot.waitUntil(lambda: not assets.running and assets.result is not None, timeout=WAIT)
    bars = assets.breakdown_view
    assert bars is not None
    names, widths = bars.bar_values()
    assert round(float(sum(widths))) == round(float(chart._y[index]))  # they add up to it
    assert set(names) >= {A, B} and "Spring ad" in bars.bar_labels()  # listed by title
    slot = names.index(B)
    view = drilled(qtbot, ready_window, lambda: bars.drill(slot))
    assert view.media.media_id == B and view.media.title == "Spring ad"
    expected = sandbox_counted(sandbox, B, pick.start, pick.end)
    assert expected and listed(view) == expected
    assert len(expected) == round(float(widths[slot]))


def test_a_number_that_is_not_a_count_of_sessions_says_so_instead(
    qtbot: Any, ready_window: MainWindow
) -> None:
    query = Query(
        endpoint=Endpoint.TIMESERIES, metric="play-rate", interval="day", start=START,
        end=PINNED_NOW, filters={"mediaId": (A,)},
    )  # fmt: skip
    page = asked(qtbot, ready_window, query)
    chart = page.timeseries_view
    assert chart is not None and len(chart._x)
    before = ready_window.results.count()
    chart.drill(len(chart._x) - 1)
    assert ready_window.results.count() == before  # nothing opened: said why instead
    assert "no sessions behind this point: play-rate is not a count of sessions" in (
        page.header.text()
    )


def test_the_context_menu_offers_what_the_number_allows(
    qtbot: Any, ready_window: MainWindow
) -> None:
    one = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="day", start=START,
        end=PINNED_NOW, filters={"mediaId": (A,)},
    )  # fmt: skip
    page = asked(qtbot, ready_window, one)
    chart = page.timeseries_view
    assert chart is not None
    pick = chart.point_pick(len(chart._x) - 1)
    assert pick is not None

    def entries(query: Query) -> list[tuple[str, bool, object]]:
        target = drill_menu.pointed(query, START, PINNED_NOW, pick)
        menu = drill_menu.build_menu(page, target, "point")
        found = [(a.text(), a.isEnabled(), a.data()) for a in menu.actions()]
        menu.deleteLater()
        return found

    assert entries(one) == [
        ("Sessions behind this point…", True, "sessions"),
        ("Assets that contribute most…", True, "contributors"),
    ]
    everything = dataclasses.replace(one, filters={})
    assert entries(everything)[0][1:] == (False, "sessions")  # several assets: choose one
    assert entries(everything)[1] == ("Assets that contribute most…", True, "contributors")
    rate = dataclasses.replace(one, metric="play-rate")
    [(text, enabled, _data)] = entries(rate)
    assert not enabled and "play-rate is not a count of sessions" in text


@pytest.mark.hard_limit(300)
def test_a_cross_tab_cell_lists_the_sessions_of_its_row_and_column(
    qtbot: Any, ready_window: MainWindow, sandbox: SandboxService
) -> None:
    """A cell of plays by device type split by country (issue 18's cross-tab) is a drill-down
    point too: its row's value and its column's value both hold for every session listed."""
    from explorer.domain.splits import SplitQuestion
    from explorer.ui.results.split_view import SplitView

    base = Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="device-type", start=START,
        end=PINNED_NOW, filters={"mediaId": (A,)},
    )  # fmt: skip
    page = asked(qtbot, ready_window, SplitQuestion(base, "country", ("FR", "US")))
    view = page.current_view()
    assert isinstance(view, SplitView)
    table = view.crosstab()
    assert table is not None
    row, column = next(
        (r, c)
        for r in range(len(table.rows))
        for c in range(len(table.columns))
        if (table.cells[r][c] or 0) >= 1
    )
    country, device = table.rows[row], table.columns[column]
    sessions = drilled(qtbot, ready_window, lambda: view.drill_cell(row, column + 1))
    expected = sandbox_counted(
        sandbox, A, START, PINNED_NOW, "AND s.country = ? AND s.device_type = ?", country, device
    )
    assert listed(sessions) == expected
    assert len(expected) == round(table.cells[row][column] or 0)
    assert {c.dimension for c in sessions.drill.conditions} == {"country", "device-type"}
