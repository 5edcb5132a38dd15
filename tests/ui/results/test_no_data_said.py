"""An empty answer draws no axis and says why it may be empty (issues 15.6 and 15.7)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, TimeseriesFrame
from explorer.domain.query import Query
from explorer.ui.main_window import MainWindow
from explorer.ui.results.result_tabs import ResultTabs
from tests.ui.conftest import PINNED_NOW


def test_an_unknown_video_id_is_said_before_and_after_running(
    qtbot: Any, ready_window: MainWindow
) -> None:
    builder = ready_window.builder
    builder.set_endpoint(Endpoint.TIMESERIES)
    assert builder.metric_combo.set_value("play")
    builder.filter_editor.set_filters({"mediaId": ("nonsense!!",)})
    assert builder.run_button.isEnabled()  # said, not refused: a deleted video has analytics
    assert (
        "⚠ 'nonsense!!' is not a video or live stream of this account"
        in builder.problems_label.text()
    )
    page = ready_window.run_query()
    assert page is not None
    qtbot.waitUntil(lambda: not page.running)
    view = page.timeseries_view
    assert view is not None and isinstance(page.result, TimeseriesFrame)
    assert len(page.result) == 0
    assert view.plot.isHidden() and not view.empty.isHidden()  # no axis drawn for no data
    assert view.empty.text().splitlines() == [
        "No data in this range.",
        "• 'nonsense!!' is not a video or live stream of this account (a mistyped or deleted id?).",
    ]


def test_a_known_id_raises_no_warning(qtbot: Any, ready_window: MainWindow) -> None:
    builder = ready_window.builder
    known = builder.filter_editor.known_values("mediaId")[0]
    builder.filter_editor.set_filters({"mediaId": (known,)})
    assert "⚠" not in builder.problems_label.text()


def test_an_empty_breakdown_older_than_the_retention_says_why(qtbot: Any) -> None:
    tabs = ResultTabs()
    qtbot.addWidget(tabs)
    page = tabs.new_page()
    start = PINNED_NOW - timedelta(days=45)
    query = Query(
        Endpoint.BUCKETS, "play", breakdown="country", start=start, end=start + timedelta(days=1)
    )
    page.show_running(query, "UTC")
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country", start=start)
    page.show_result(BucketFrame.from_records(context, []), PINNED_NOW)
    view = page.breakdown_view
    assert view is not None and view.plot.isHidden() and not view.empty.isHidden()
    lines = view.empty.text().splitlines()
    assert lines[0] == "No data in this range."
    assert "the API keeps analytics for 30 days by default" in lines[1]
    page.show_result(  # data again: the chart comes back
        BucketFrame.from_records(context, [("FR", 2.0)]), PINNED_NOW
    )
    assert not view.plot.isHidden() and view.empty.isHidden()
    assert view.bar_values()[1].tolist() == [2.0]
    assert np.isfinite(view.bar_values()[1]).all()
