"""A breakdown by video or live stream shows titles (issue 15.2): on the bars, in the table
and in the CSV, with the id in a tooltip and in a column of its own."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext
from explorer.services.result_tables import result_table
from explorer.ui.main_window import MainWindow
from explorer.ui.results.breakdown_view import BreakdownView
from explorer.ui.results.result_tabs import ResultPage
from tests.ui.conftest import PinnedWorkspace, wait_idle


def titles_from_the_api(workspace: PinnedWorkspace) -> dict[str, str]:
    """Every video's and live stream's title as the API lists them (not as the app does)."""
    client = workspace.client
    found = {v.video_id: v.title for v in client.videos().items}
    found |= {s.live_stream_id: s.name for s in client.live_streams().items}
    return found


def media_breakdown(qtbot: Any, window: MainWindow) -> ResultPage:
    builder = window.builder
    builder.set_endpoint(Endpoint.BUCKETS)
    assert builder.metric_combo.set_value("impression")
    assert builder.breakdown_combo.set_value("media-id")
    page = window.run_query()
    assert page is not None, builder.problems()
    qtbot.waitUntil(lambda: not page.running)
    return page


def test_bars_and_table_show_titles_with_the_id_beside(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    titles = titles_from_the_api(workspace)
    page = media_breakdown(qtbot, ready_window)
    view = page.breakdown_view
    assert view is not None and isinstance(page.result, BucketFrame)
    ids = [str(d) for d in page.result.top_n(10).dimensions]
    assert len(ids) >= 2 and all(i in titles for i in ids)
    assert view.bar_labels() == [titles[i] for i in ids]  # titles, not raw ids
    assert view.bar_tooltip(0).splitlines()[:2] == [titles[ids[0]], f"id {ids[0]}"]
    table = view.table.source
    assert table.header[:2] == ["Title", "Id"]
    cells = [(table.index(r, 0).data(), table.index(r, 1).data()) for r in range(len(ids))]
    assert cells == [(titles[i], i) for i in ids]
    tooltip = table.index(0, 0).data(3)  # ToolTipRole: the whole title and the id behind it
    assert tooltip == f"{titles[ids[0]]}\nid {ids[0]}"


def test_the_csv_has_a_title_column_and_an_id_column(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace, tmp_path: Path
) -> None:
    titles = titles_from_the_api(workspace)
    page = media_breakdown(qtbot, ready_window)
    target = tmp_path / "by-video.csv"
    ready_window.ask_export_path = lambda suggested: target  # type: ignore[method-assign]
    ready_window.export_action.trigger()
    wait_idle(qtbot, ready_window.runner)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["media_title", "media-id"]
    assert isinstance(page.result, BucketFrame)
    ids = [str(d) for d in page.result.dimensions]
    assert [r[:2] for r in rows[1:]] == [[titles[i], i] for i in ids]


def test_an_id_without_a_title_stays_an_id_and_other_breakdowns_are_untouched(
    qtbot: Any,
) -> None:
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="media-id")
    frame = BucketFrame.from_records(context, [("viKNOWN", 3.0), ("viGONE", 2.0)])
    view = BreakdownView()
    qtbot.addWidget(view)
    view.set_result(frame, "UTC", {"viKNOWN": "Algebra 1"})
    assert view.bar_labels() == ["Algebra 1", "viGONE"]
    table = result_table(frame, "UTC", {"viKNOWN": "Algebra 1"})
    assert [list(r) for r in table.rows] == [["Algebra 1", "viKNOWN", "3"], ["", "viGONE", "2"]]
    by_country = BucketFrame.from_records(
        ResultContext(Endpoint.BUCKETS, "play", breakdown="country"), [("FR", 1.0)]
    )
    assert list(result_table(by_country, "UTC", {"FR": "not a title"}).header) == [
        "country",
        "play (events)",
    ]
