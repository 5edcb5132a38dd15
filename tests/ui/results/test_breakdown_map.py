"""A breakdown by country shows on a world map (Map beside the chart); a click on a country
puts it in the builder's country filter."""

from __future__ import annotations

from typing import Any

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame
from explorer.ui.main_window import MainWindow
from explorer.ui.results.result_tabs import ResultPage
from tests.ui.conftest import PinnedWorkspace


def breakdown(qtbot: Any, window: MainWindow, by: str) -> ResultPage:
    builder = window.builder
    builder.set_endpoint(Endpoint.BUCKETS)
    assert builder.metric_combo.set_value("impression")
    assert builder.breakdown_combo.set_value(by)
    page = window.run_query()
    assert page is not None, builder.problems()
    qtbot.waitUntil(lambda: not page.running)
    return page


def test_a_breakdown_by_country_shows_on_the_map_and_a_click_filters(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    page = breakdown(qtbot, ready_window, "country")
    view = page.breakdown_view
    assert view is not None and isinstance(page.result, BucketFrame)
    assert view.as_map.isVisibleTo(view) and view.map is None  # made when first asked for
    view.as_map.setChecked(True)
    assert view.map is not None and view.map.isVisibleTo(view)
    assert not view.plot.isVisibleTo(view)
    expected = workspace.run_query(page.query)  # the API's own answer, asked again
    assert isinstance(expected, BucketFrame)
    wanted = {str(d): float(v) for d, v in zip(expected.dimensions, expected.values, strict=True)}
    assert view.map.values == wanted and set(wanted) == {"FR", "US"}
    assert "impression:" in view.map.tooltip_at(2.35, 48.85)
    view.map.country_clicked.emit("FR")
    assert ready_window.builder.filter_editor.filters().get("country") == ("FR",)
    view.as_map.setChecked(False)
    assert view.plot.isVisibleTo(view) and not view.map.isVisibleTo(view)


def test_other_breakdowns_offer_no_map(qtbot: Any, ready_window: MainWindow) -> None:
    page = breakdown(qtbot, ready_window, "device-type")
    view = page.breakdown_view
    assert view is not None and not view.as_map.isVisibleTo(view)


def test_a_single_figure_split_by_country_shows_on_the_map(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    """impression-time has no breakdown: Split by country asks it once per country (a split,
    issue 18), each answer the API's own for that country's filter, and its Map shows them."""
    from explorer.domain.frames import ScalarResult
    from explorer.domain.splits import SplitAnswer
    from explorer.ui.results.split_view import SplitView
    from tests.ui.test_main_window import build, run

    build(ready_window, Endpoint.METRICS, "impression-time", aggregation="average")
    page = run(qtbot, ready_window)
    scalar = page.scalar_view
    assert scalar is not None and scalar.split.isVisibleTo(scalar)
    scalar.split.click()
    split = ready_window.results.current_page()
    assert split is not None and split is not page
    qtbot.waitUntil(lambda: not split.running, timeout=120_000)
    result = split.result
    assert isinstance(result, SplitAnswer) and result.complete
    assert result.question.dimension == "country"
    expected = {}
    for part in result.parts:
        one = workspace.run_query(part.query)
        assert isinstance(one, ScalarResult)
        expected[part.key] = one.value
    assert set(expected) == {"FR", "US"}
    assert {p.key: p.result.value for p in result.parts} == expected  # type: ignore[union-attr]
    view = split.current_view()
    assert isinstance(view, SplitView) and view.as_map.isVisibleTo(view)
    view.as_map.setChecked(True)
    assert view.map.values == expected
    assert view.map.tooltip_at(2.35, 48.85).endswith("milliseconds")
    view.map.country_clicked.emit("US")
    assert ready_window.builder.filter_editor.filters().get("country") == ("US",)
