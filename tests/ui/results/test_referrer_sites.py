"""A breakdown by referrer can be grouped by site, on the chart, in the table and in the CSV;
the empty referrer reads the same everywhere (issue 15.15)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext
from explorer.services.result_tables import EMPTY_VALUE, result_table
from explorer.services.table_files import render
from explorer.ui.main_window import MainWindow
from explorer.ui.results.breakdown_view import BreakdownView
from tests.ui.conftest import wait_idle

ROWS = [
    ("https://blog.example.com/a", 5.0),
    ("https://news.example.org/", 7.0),
    ("https://www.blog.example.com/b", 4.0),
    ("", 2.0),
]


def view_of(qtbot: Any, metric: str, rows: list[tuple[str, float]]) -> BreakdownView:
    view = BreakdownView()
    qtbot.addWidget(view)
    frame = BucketFrame.from_records(
        ResultContext(Endpoint.BUCKETS, metric, breakdown="referrer"), rows
    )
    view.set_result(frame, "UTC")
    return view


def test_grouping_by_site_adds_up_the_urls_of_each_site(qtbot: Any) -> None:
    view = view_of(qtbot, "play", ROWS)
    assert not view.by_site.isHidden() and view.by_site.isEnabled()
    assert view.bar_labels()[-1] == EMPTY_VALUE  # the chart's word is the CSV's
    view.by_site.setChecked(True)
    assert view.bar_labels() == ["blog.example.com", "news.example.org", EMPTY_VALUE]
    assert view.bar_values()[1].tolist() == [9.0, 7.0, 2.0]
    table = view.table.source
    assert table.header == ["Referrer site", "play (events)"]
    assert [table.index(r, 1).data() for r in range(3)] == ["9", "7", "2"]
    assert "no referrer: typed, bookmarked or from an app" in view.note.text()
    view.by_site.setChecked(False)
    assert len(view.bar_labels()) == 4  # full URLs again


def test_unique_viewers_cannot_be_grouped_and_the_box_says_why(qtbot: Any) -> None:
    view = view_of(qtbot, "unique-view-5", ROWS)
    assert not view.by_site.isEnabled()
    assert "do not add up across referrers" in view.by_site.toolTip()


def test_other_breakdowns_have_no_site_box(qtbot: Any) -> None:
    view = BreakdownView()
    qtbot.addWidget(view)
    frame = BucketFrame.from_records(
        ResultContext(Endpoint.BUCKETS, "play", breakdown="country"), [("FR", 1.0)]
    )
    view.set_result(frame, "UTC")
    assert view.by_site.isHidden()


def test_the_export_writes_what_the_chart_shows(
    qtbot: Any, ready_window: MainWindow, tmp_path: Path
) -> None:
    builder = ready_window.builder
    builder.set_endpoint(Endpoint.BUCKETS)
    assert builder.metric_combo.set_value("play")
    assert builder.breakdown_combo.set_value("referrer")
    page = ready_window.run_query()
    assert page is not None
    qtbot.waitUntil(lambda: not page.running)
    view = page.breakdown_view
    assert view is not None and isinstance(page.result, BucketFrame)
    view.by_site.setChecked(True)
    grouped = view.displayed()
    assert grouped is not None
    target = tmp_path / "sites.csv"
    ready_window.ask_export_path = lambda suggested: target  # type: ignore[method-assign]
    ready_window.export_action.trigger()
    wait_idle(qtbot, ready_window.runner)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["referrer-site", "play (events)"]
    expected = list(csv.reader(io.StringIO(render(result_table(grouped, "UTC"), "csv"))))
    assert rows == expected and len(rows) - 1 <= len(page.result)
