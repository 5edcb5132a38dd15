"""Tabs of different questions have different titles, and a tab's question can be loaded back
into the builder (issue 15.4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from explorer.domain.catalogue import Endpoint
from explorer.ui.main_window import MainWindow
from explorer.ui.results.result_tabs import TAB_CHARS, ResultPage
from tests.ui.conftest import PINNED_NOW


def ask(
    qtbot: Any, window: MainWindow, filters: dict[str, tuple[str, ...]], new_tab: bool = True
) -> ResultPage:
    builder = window.builder
    builder.set_endpoint(Endpoint.METRICS)
    assert builder.metric_combo.set_value("impression-time")
    assert builder.aggregation_combo.set_value("average")
    builder.filter_editor.set_filters(filters)
    page = window.run_query(new_tab=new_tab)
    assert page is not None, builder.problems()
    qtbot.waitUntil(lambda: not page.running)
    return page


def tab_text(window: MainWindow, page: ResultPage) -> str:
    return window.results.tabText(window.results.indexOf(page))


def test_two_continents_get_two_titles(qtbot: Any, ready_window: MainWindow) -> None:
    asia = ask(qtbot, ready_window, {"continent": ("AS",)})
    europe = ask(qtbot, ready_window, {"continent": ("EU",)})
    assert asia.title == "impression-time average · continent AS · Last 24 hours"
    assert europe.title == "impression-time average · continent EU · Last 24 hours"
    assert tab_text(ready_window, asia) != tab_text(ready_window, europe)
    assert europe.header.text().startswith(europe.title)


def test_two_videos_are_told_apart_by_their_titles(qtbot: Any, ready_window: MainWindow) -> None:
    editor = ready_window.builder.filter_editor
    first, second = editor.known_values("mediaId")[:2]
    one = ask(qtbot, ready_window, {"mediaId": (first,)})
    two = ask(qtbot, ready_window, {"mediaId": (second,)})
    assert editor.label_of("mediaId", first) in one.title
    assert editor.label_of("mediaId", second) in two.title
    assert one.title != two.title
    long_title = max((one, two), key=lambda p: len(p.title))
    shown = tab_text(ready_window, long_title)
    assert len(shown) <= TAB_CHARS and shown.endswith("Last 24 hours")  # the range stays
    assert ready_window.results.tabToolTip(ready_window.results.indexOf(long_title)).startswith(
        long_title.title
    )  # the tooltip says it whole


def test_a_custom_range_is_in_the_title(qtbot: Any, ready_window: MainWindow) -> None:
    builder = ready_window.builder
    builder.set_zone("UTC")
    start = PINNED_NOW.replace(minute=0, second=0, microsecond=0) - timedelta(hours=5)
    builder.time_range.set_custom(start, start + timedelta(hours=1))
    page = ask(qtbot, ready_window, {})
    end = start + timedelta(hours=1)
    assert page.title == f"impression-time average · {start:%Y-%m-%d %H:%M} → {end:%H:%M}"


def test_a_tab_loads_its_question_back_into_the_builder(
    qtbot: Any, ready_window: MainWindow
) -> None:
    asia = ask(qtbot, ready_window, {"continent": ("AS",)})
    ask(qtbot, ready_window, {"continent": ("EU",)})
    builder = ready_window.builder
    assert builder.query().filters == {"continent": ("EU",)}
    ready_window.results.setCurrentWidget(asia)
    ready_window.load_question_action.trigger()
    assert builder.query().filters == {"continent": ("AS",)}
    assert builder.title_of(builder.query()) == asia.title
    assert "Loaded into the builder" in ready_window.status.currentMessage()
