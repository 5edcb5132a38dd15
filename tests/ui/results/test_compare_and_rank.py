"""Split by, period over period, cross-tab and "what hurts most" in the window (issue 18):
each figure shown is the one a direct query of the same thing answers; a missing part is
missing, never zero; the cost is said before anything is sent."""

from __future__ import annotations

import math
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from explorer.domain.catalogue import CONTINENTS, Endpoint
from explorer.domain.comparison import ComparisonAnswer, Shift
from explorer.domain.frames import BucketFrame, ScalarResult, TimeseriesFrame
from explorer.domain.impact import DEFAULT_MIN_VOLUME
from explorer.domain.parts import PartState
from explorer.domain.query import Query
from explorer.domain.splits import SplitAnswer, ValueGroup
from explorer.domain.timerange import Preset
from explorer.services.ranking import Ranking
from explorer.ui.main_window import MainWindow
from explorer.ui.results.comparison_view import ComparisonView
from explorer.ui.results.ranking_view import RankingView
from explorer.ui.results.result_tabs import ResultPage
from explorer.ui.results.split_view import SplitView


def choose(window: MainWindow, endpoint: Endpoint, metric: str, aggregation: str | None) -> None:
    builder = window.builder
    builder.set_endpoint(endpoint)
    assert builder.metric_combo.set_value(metric)
    if aggregation is not None:
        assert builder.aggregation_combo.set_value(aggregation)


def run(qtbot: Any, window: MainWindow) -> ResultPage:
    page = window.run_query(new_tab=True)
    assert page is not None, window.builder.problems()
    qtbot.waitUntil(lambda: not page.running, timeout=120_000)
    return page


def direct(window: MainWindow, query: Query) -> Any:
    assert window.workspace is not None
    return window.workspace.run_query(query)


def test_a_split_by_continent_shows_each_continents_own_figure(
    qtbot: Any, ready_window: MainWindow
) -> None:
    choose(ready_window, Endpoint.METRICS, "impression-time", "average")
    editor = ready_window.builder.compare_editor
    assert editor.split_combo.set_value("continent")
    said = ready_window.builder.problems_label.text()
    assert f"Costs {len(CONTINENTS)} requests" in said  # before anything is sent
    page = run(qtbot, ready_window)
    view = page.current_view()
    assert isinstance(view, SplitView)
    assert isinstance(page.result, SplitAnswer)
    question = page.result.question
    shown = dict(view.bar_values())
    assert list(shown) == list(CONTINENTS)
    for continent in CONTINENTS:
        expected = direct(ready_window, question.query_for(ValueGroup.single(continent)))
        assert isinstance(expected, ScalarResult)
        value = shown[continent]
        assert value is not None
        assert (math.isnan(value) and math.isnan(expected.value)) or value == expected.value
    assert page.title.startswith("impression-time average by continent")
    assert "PARTIAL" not in page.header.text()


def test_a_failed_part_is_missing_not_zero(qtbot: Any, ready_window: MainWindow) -> None:
    assert ready_window.workspace is not None and ready_window.workspace.comparisons is not None
    fanout = ready_window.workspace.comparisons.fanout
    real = fanout._run

    def failing(query: Query, cancel: Any, progress: Any) -> Any:
        if query.filters.get("continent") == ("EU",):
            from explorer.api.errors import ApiError

            raise ApiError("server error 500 (injected)")
        return real(query, cancel, progress)

    fanout._run = failing
    choose(ready_window, Endpoint.METRICS, "impression-time", "average")
    assert ready_window.builder.compare_editor.split_combo.set_value("continent")
    page = run(qtbot, ready_window)
    view = page.current_view()
    assert isinstance(view, SplitView)
    assert dict(view.bar_values())["EU"] is None
    assert "PARTIAL: 6 of 7 parts answered" in page.header.text()
    assert "EU: failed" in view.note.text()
    rows = [
        [view.table.item(r, c).text() for c in range(view.table.columnCount())]
        for r in range(view.table.rowCount())
    ]
    europe = next(r for r in rows if r[1] == "EU")
    assert europe[2] == "missing" and "injected" in europe[3]


def test_cancel_keeps_the_parts_that_arrived(qtbot: Any, ready_window: MainWindow) -> None:
    assert ready_window.workspace is not None and ready_window.workspace.comparisons is not None
    fanout = ready_window.workspace.comparisons.fanout
    real = fanout._run
    held = threading.Event()

    def slow_europe(query: Query, cancel: Any, progress: Any) -> Any:
        if query.filters.get("continent") == ("EU",):
            while not cancel.cancelled:
                held.wait(0.05)
        return real(query, cancel, progress)

    fanout._run = slow_europe
    choose(ready_window, Endpoint.METRICS, "impression-time", "average")
    assert ready_window.builder.compare_editor.split_combo.set_value("continent")
    page = ready_window.run_query(new_tab=True)
    assert page is not None
    # the six other continents arrive and are drawn while Europe is still out
    qtbot.waitUntil(
        lambda: (
            isinstance(page.growing, SplitAnswer)
            and sum(not p.missing for p in page.growing.parts) == len(CONTINENTS) - 1
        ),
        timeout=120_000,
    )
    assert "ANSWERING" in page.header.text()
    ready_window.cancel_current()
    qtbot.waitUntil(lambda: not page.running, timeout=120_000)
    held.set()
    view = page.current_view()
    assert isinstance(view, SplitView)
    values = dict(view.bar_values())
    assert values["EU"] is None
    assert sum(v is not None for v in values.values()) == len(CONTINENTS) - 1
    assert isinstance(page.result, SplitAnswer)
    assert page.result.part("EU").state is PartState.CANCELLED
    assert "CANCELLED" in page.header.text()


def test_this_week_against_last_week(qtbot: Any, ready_window: MainWindow) -> None:
    choose(ready_window, Endpoint.TIMESERIES, "play", None)
    builder = ready_window.builder
    builder.time_range.set_preset(Preset.LAST_7_DAYS)
    assert builder.compare_editor.shift_combo.set_value("week")
    assert "Costs 2 requests" in builder.problems_label.text()
    page = run(qtbot, ready_window)
    answer = page.result
    assert isinstance(answer, ComparisonAnswer)
    view = page.current_view()
    assert isinstance(view, ComparisonView)
    styles = view.line_styles()
    assert len(styles) == 2
    assert set(styles.values()) == {Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine}
    # the earlier series is what the same query over the shifted range answers
    assert isinstance(answer.current, TimeseriesFrame)
    earlier_query = replace(
        answer.parts[1].query, start=answer.earlier_range[0], end=answer.earlier_range[1]
    )
    expected = direct(ready_window, earlier_query)
    assert isinstance(answer.earlier, TimeseriesFrame) and isinstance(expected, TimeseriesFrame)
    assert float(answer.earlier.values.sum()) == float(expected.values.sum())
    rows = view.table_rows()
    assert rows and len(rows[0]) == 5
    assert Shift.parse("week").label in view.table.horizontalHeaderItem(2).text()


def test_a_crosstab_of_device_by_continent(qtbot: Any, ready_window: MainWindow) -> None:
    choose(ready_window, Endpoint.BUCKETS, "play", None)
    builder = ready_window.builder
    assert builder.breakdown_combo.set_value("device-type")
    assert builder.compare_editor.split_combo.set_value("continent")
    builder.compare_editor.values_edit.setText("EU, NA")
    page = run(qtbot, ready_window)
    view = page.current_view()
    assert isinstance(view, SplitView)
    table = view.crosstab()
    assert table is not None and table.rows == ("EU", "NA")
    for row in table.rows:
        query = Query(
            endpoint=Endpoint.BUCKETS, metric="play", breakdown="device-type",
            start=page.result.question.base.start, end=page.result.question.base.end,
            filters={"continent": (row,)},
        )  # fmt: skip
        expected = direct(ready_window, query)
        assert isinstance(expected, BucketFrame)
        for device, value in zip(expected.dimensions, expected.values, strict=True):
            assert table.cell(row, str(device)) == float(value)
    matrix = view.matrix
    assert matrix.item(matrix.rowCount() - 1, 0).text() == "total"


def test_what_hurts_most_then_the_split_behind_a_row(qtbot: Any, ready_window: MainWindow) -> None:
    ready_window.builder.time_range.set_preset(Preset.LAST_7_DAYS)
    asked: list[str] = []
    ready_window.confirm_cost = lambda sentence: asked.append(sentence) is None  # type: ignore[method-assign]
    page = ready_window.rank_current(min_volume=2)  # the hand-built scenario is small
    assert page is not None
    assert asked and "requests" in asked[0]  # a sweep this big asks before it is sent
    qtbot.waitUntil(lambda: not page.running, timeout=120_000)
    ranking = page.result
    assert isinstance(ranking, Ranking) and ranking.finished
    view = page.current_view()
    assert isinstance(view, RankingView)
    view.figure.setCurrentIndex(view.figure.findData(""))  # every figure
    assert view.table.rowCount() == len(ranking.rows)
    assert "listed with at least" in view.note.text()
    view.figure.setCurrentIndex(0)  # one figure at a time: its rows only, impact descending
    shown = view.shown_rows
    assert all(r.metric == view.figure.currentData() for r in shown)
    assert [r.impact for r in shown] == sorted((r.impact for r in shown), reverse=True)
    view.figure.setCurrentIndex(view.figure.findData(""))
    assert ranking.rows, "the hand-built scenario has segments over the minimum volume"
    before = ready_window.results.count()
    view.open_row(0)
    assert ready_window.results.count() == before + 1
    split_page = ready_window.results.current_page()
    assert split_page is not None
    qtbot.waitUntil(lambda: not split_page.running, timeout=120_000)
    assert isinstance(split_page.result, SplitAnswer)
    assert split_page.result.question.dimension == ranking.rows[0].breakdown
    assert split_page.result.complete, split_page.result.summary()


def test_a_rate_split_over_a_closed_single_valued_dimension(
    qtbot: Any, ready_window: MainWindow
) -> None:
    """mediaType takes one value: the one breakdown answering the split must not send both."""
    choose(ready_window, Endpoint.METRICS, "play", "rate")
    assert ready_window.builder.compare_editor.split_combo.set_value("media-type")
    page = run(qtbot, ready_window)
    assert isinstance(page.result, SplitAnswer)
    assert page.result.complete, page.result.summary()
    assert [key for key, _ in page.current_view().bar_values()] == ["video", "live-stream"]


def test_a_split_exports_its_table(qtbot: Any, ready_window: MainWindow, tmp_path: Path) -> None:
    choose(ready_window, Endpoint.METRICS, "play", "count")
    assert ready_window.builder.compare_editor.split_combo.set_value("device-type")
    run(qtbot, ready_window)
    target = tmp_path / "split.csv"
    ready_window.ask_export_path = lambda suggested: target  # type: ignore[method-assign]
    ready_window.export_current()
    qtbot.waitUntil(target.exists, timeout=120_000)
    lines = target.read_text().splitlines()
    assert lines[0].startswith("device-type,")
    assert len(lines) > 1


def test_split_and_compare_together_are_refused(qtbot: Any, ready_window: MainWindow) -> None:
    choose(ready_window, Endpoint.METRICS, "play", "count")
    editor = ready_window.builder.compare_editor
    assert editor.split_combo.set_value("continent")
    assert editor.shift_combo.set_value("previous")
    assert any("not both" in p for p in ready_window.builder.problems())
    assert not ready_window.builder.run_button.isEnabled()
    assert ready_window.run_query() is None


def test_a_costly_fanout_declined_sends_nothing(qtbot: Any, ready_window: MainWindow) -> None:
    assert ready_window.workspace is not None and ready_window.workspace.comparisons is not None
    fanout = ready_window.workspace.comparisons.fanout
    sent: list[Query] = []
    real = fanout._run
    fanout._run = lambda q, c, p: sent.append(q) or real(q, c, p)
    ready_window.confirm_cost = lambda sentence: False  # type: ignore[method-assign]
    tabs = ready_window.results.count()
    assert ready_window.rank_current() is None
    assert ready_window.results.count() == tabs and not sent


def test_the_menu_ranks_with_the_default_minimum_volume(
    qtbot: Any, ready_window: MainWindow
) -> None:
    ready_window.confirm_cost = lambda sentence: True  # type: ignore[method-assign]
    tabs = ready_window.results.count()
    ready_window.rank_action.trigger()  # a menu's triggered(bool) is not a minimum volume
    assert ready_window.results.count() == tabs + 1
    page = ready_window.results.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: not page.running, timeout=120_000)
    assert isinstance(page.result, Ranking)
    assert page.result.min_volume == DEFAULT_MIN_VOLUME


def test_a_restored_costly_ranking_is_not_sent_on_launch(
    qtbot: Any, ready_window: MainWindow
) -> None:
    from explorer.domain.exploration import SavedTab
    from explorer.domain.impact import RankRequest

    assert ready_window.workspace is not None
    now = ready_window.workspace.now()
    tab = SavedTab("What hurts most", "UTC", RankRequest(now - timedelta(days=7), now))
    page = ready_window.results.new_page()
    page.query = tab.question
    ready_window.refresh_restored([(page, tab)])
    assert not page.running and page.result is None
    assert "not asked again on launch" in page.intro.text()
    assert "requests" in page.intro.text()


def test_an_open_dimension_is_listed_first_then_its_cost_asked(
    qtbot: Any, ready_window: MainWindow, monkeypatch: Any
) -> None:
    """Split by country with no values chosen: the builder says the listing comes first; the
    values found, the split's own cost is said (asked about above the threshold) before any
    of its requests is sent, and declining sends none."""
    from explorer.services import fanout

    choose(ready_window, Endpoint.METRICS, "impression-time", "average")
    assert ready_window.builder.compare_editor.split_combo.set_value("country")
    assert "1 request to list the values of country" in ready_window.builder.problems_label.text()
    assert ready_window.workspace is not None and ready_window.workspace.comparisons is not None
    comparisons = ready_window.workspace.comparisons
    sent: list[Query] = []
    real = comparisons.fanout._run
    comparisons.fanout._run = lambda q, c, p: sent.append(q) or real(q, c, p)
    monkeypatch.setattr(fanout, "ASK_ABOVE_REQUESTS", 1)  # two countries are "many" here
    asked: list[str] = []
    ready_window.confirm_cost = lambda sentence: asked.append(sentence) is None and False  # type: ignore[method-assign]
    page = ready_window.run_query(new_tab=True)
    assert page is not None
    qtbot.waitUntil(lambda: not page.running, timeout=120_000)
    assert asked and asked[0].startswith("2 requests")  # FR and US, found by the listing
    assert not sent and page.result is None
    ready_window.confirm_cost = lambda sentence: True  # type: ignore[method-assign]
    page = run(qtbot, ready_window)
    assert isinstance(page.result, SplitAnswer) and page.result.complete
    assert sorted(p.key for p in page.result.parts) == ["FR", "US"]
    assert len(sent) == 2
