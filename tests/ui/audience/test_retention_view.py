"""The Retention tab: its cost said before anything is fetched, the curve drawn from the sample
with what it rests on, splits and comparisons, Cancel keeping what came, and its CSV."""

from __future__ import annotations

import csv
import threading
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from explorer.domain.cancel import CancelToken
from explorer.domain.period import Period, PeriodKind
from explorer.services.retention_sampling import prepare
from explorer.services.sessions import Media, SessionService
from explorer.ui.audience.retention_view import SEARCHED, RetentionView
from explorer.ui.main_window import MainWindow
from tests.support import scenario
from tests.support.patience import PATIENCE_S
from tests.ui.conftest import wait_idle
from tests.ui.test_main_window import asset_index

DAY = "2026-03-10"


def open_from_tree(qtbot: Any, window: MainWindow, media_id: str = scenario.A) -> RetentionView:
    menu = window.asset_panel.context_menu(asset_index(window, "video", media_id))
    action = next(a for a in menu.actions() if a.text() == "Where viewers drop off…")
    assert action.isEnabled()
    action.trigger()
    view = window.results.currentWidget()
    assert isinstance(view, RetentionView)
    wait_idle(qtbot, window.runner)
    return view


def share_lines(view: RetentionView) -> dict[str, np.ndarray]:
    """The lines the legend names (the rewatch line aside), as a person sees them."""
    if not view.placeholder.isHidden():  # it covers the chart: nothing is seen
        return {}
    lines = view.chart.shown_lines()
    lines.pop("plays, repeats counted", None)
    return lines


def test_the_cost_is_said_before_anything_is_fetched_then_the_curve_is_drawn(
    qtbot: Any, ready_window: MainWindow
) -> None:
    view = open_from_tree(qtbot, ready_window)
    assert ready_window.results.tabText(ready_window.results.currentIndex()) == (
        "Retention · Algebra 1"
    )
    assert not ready_window.builder.isVisible()  # a tool tab needs the height
    assert view.picker.period().wire == DAY  # the workspace's today
    # estimated, not fetched: the cost in requests and time, nothing drawn
    assert "2 of 2 sessions: 2 events requests" in view.notice.text()
    assert view.fetch_button.text().startswith("Fetch (2 requests")
    assert view.fetch_button.isEnabled() and view.subjects[0].sample is None
    assert share_lines(view) == {}

    view.fetch_button.click()
    wait_idle(qtbot, ready_window.runner)
    sample = view.subjects[0].sample
    assert sample is not None and sample.complete
    # what is drawn is the curve the service computes from the same sessions
    service = ready_window.workspace.sessions
    assert isinstance(service, SessionService)
    expected = prepare(service, Media(scenario.A, "video", "Algebra 1"), DAY).run().curve
    lines = share_lines(view)
    assert list(lines) == ["still watching"]
    assert np.allclose(lines["still watching"], 100 * expected.share)
    assert "from all 2 sessions" in view.notice.text() and "SAMPLED" not in view.notice.text()
    assert view.moments.toPlainText().startswith("• At 0:")  # the key moments, in words
    assert view.export_button.isEnabled()


def test_a_live_stream_has_no_retention_and_the_menu_says_why(
    qtbot: Any, ready_window: MainWindow
) -> None:
    menu = ready_window.asset_panel.context_menu(asset_index(ready_window, "live", scenario.C))
    action = next(a for a in menu.actions() if a.text() == "Where viewers drop off…")
    assert not action.isEnabled() and "video's length" in action.toolTip()
    ready_window.asset_panel.tree.setCurrentIndex(asset_index(ready_window, "live", scenario.C))
    ready_window.retention_action.trigger()
    assert ready_window.status.currentMessage() == "Choose a video in the asset tree."


def test_the_tab_is_reused_and_two_videos_compare_on_a_share_of_their_length(
    qtbot: Any, ready_window: MainWindow
) -> None:
    view = open_from_tree(qtbot, ready_window)
    assert open_from_tree(qtbot, ready_window) is view  # the same tab comes forward
    index = view.compare.findData(scenario.B)
    assert index > 0
    view.compare.activated.emit(index)
    assert [s.media.media_id for s in view.subjects] == [scenario.A, scenario.B]
    assert view.by_percent.isChecked() and not view.fetch_button.isEnabled()  # plan again
    view.estimate_button.click()
    wait_idle(qtbot, ready_window.runner)
    view.fetch_button.click()
    wait_idle(qtbot, ready_window.runner)
    titles = [s.media.title for s in view.subjects]
    assert [name.split(" · ")[0] for name in share_lines(view)] == titles
    assert not view.split.isEnabled()  # a split is of one video
    assert view.chart.axis.by_percent


def test_a_split_draws_one_line_per_group_computed_off_the_gui_thread(
    qtbot: Any, ready_window: MainWindow
) -> None:
    view = open_from_tree(qtbot, ready_window)
    view.fetch_button.click()
    wait_idle(qtbot, ready_window.runner)
    view.split.setCurrentIndex(view.split.findData("device-type"))
    wait_idle(qtbot, ready_window.runner)
    sample = view.subjects[0].sample
    assert sample is not None
    curves = sample.curves()  # one per device, counted here from the records
    devices = sorted({r.cells[2] or "(empty)" for r in sample.records})
    played = {
        device: sum(1 for r in sample.records if (r.cells[2] or "(empty)") == device)
        for device in devices
    }
    lines = share_lines(view)
    assert {name.split(" · ")[0] for name in lines} <= set(devices)
    assert all(int(name.split(" · ")[1]) <= played[name.split(" · ")[0]] for name in lines)
    assert curves and "Split by device type" in view.notice.text()


def test_cancel_keeps_what_came_and_says_it_is_partial(
    qtbot: Any, ready_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_from_tree(qtbot, ready_window)
    service = ready_window.workspace.sessions
    assert isinstance(service, SessionService)
    entered, release = threading.Event(), threading.Event()
    events = service.events

    def slow_events(session_id: str, cancel: CancelToken, *args: Any) -> Any:
        entered.set()
        cancel.wait(PATIENCE_S)
        return events(session_id, cancel, *args)

    monkeypatch.setattr(service, "events", slow_events)
    view.fetch_button.click()
    assert entered.wait(PATIENCE_S)
    assert view.cancel_button.isEnabled()
    view.cancel_button.click()
    assert "Cancelled before any session's events came" in view.notice.text()
    release.set()
    wait_idle(qtbot, ready_window.runner)
    assert view.estimate_button.isEnabled() and share_lines(view) == {}


def test_export_writes_the_command_lines_csv(
    qtbot: Any, ready_window: MainWindow, tmp_path: Path
) -> None:
    view = open_from_tree(qtbot, ready_window)
    view.fetch_button.click()
    wait_idle(qtbot, ready_window.runner)
    out = tmp_path / "curve.csv"
    view.ask_export_path = lambda suggested: out  # type: ignore[method-assign]
    view.export_button.click()
    wait_idle(qtbot, ready_window.runner)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["second", "viewers", "share", "rewatch", "low", "high", "skipped"]
    sample = view.subjects[0].sample
    assert sample is not None and len(rows) - 1 == len(sample.curve.viewers)
    assert [int(r[1]) for r in rows[1:]] == [int(v) for v in sample.curve.viewers]


def test_the_figures_and_the_viewer_report_are_the_samples(
    qtbot: Any, ready_window: MainWindow
) -> None:
    """Algebra 1's day (tests/support/scenario.py): one session that played with seeks and
    sent `end` (completed), one that played 0:00-0:04 with the metadata plan=premium."""
    view = open_from_tree(qtbot, ready_window)
    view.fetch_button.click()
    wait_idle(qtbot, ready_window.runner)
    table = view.figures
    assert table.rowCount() == 1 and table.item(0, 0).text() == "Algebra 1"
    assert [table.item(0, c).text() for c in (1, 2, 3)] == ["2", "2", "50.0%"]
    assert table.item(0, 9).text() == "0"  # ready, never played
    assert table.horizontalHeaderItem(9).text().startswith("Est.")  # estimates say so
    sample = view.subjects[0].sample
    assert sample is not None

    view.viewers.key.setText("plan")
    view.viewers.button.click()
    wait_idle(qtbot, ready_window.runner)
    rows = view.viewers.table
    assert rows.rowCount() == 1
    watched = f"{100 * 4 / sample.duration:.1f}%"
    assert [rows.item(0, c).text() for c in range(4)] == ["premium", "1", watched, "no"]
    view.viewers.key.setText("learner")
    view.viewers.button.click()
    wait_idle(qtbot, ready_window.runner)
    assert view.viewers.note.text() == (
        "No session of all 2 sessions has the metadata key 'learner'."
    )


def test_a_period_without_sessions_offers_nothing_to_fetch(
    qtbot: Any, ready_window: MainWindow
) -> None:
    view = open_from_tree(qtbot, ready_window)
    view.picker.set_period(Period.containing(PeriodKind.DAY, date(2026, 3, 1)))
    view.estimate_button.click()
    wait_idle(qtbot, ready_window.runner)
    assert view.notice.text() == "No session of Algebra 1 in 2026-03-01: choose another period."
    assert not view.fetch_button.isEnabled() and view.fetch_button.text() == "Fetch"


def test_every_video_of_a_tag_is_added_at_once(qtbot: Any, ready_window: MainWindow) -> None:
    """A course's lessons, a campaign's ads: the tags of the account's videos
    (tests/support/handmade.py: Algebra 1 is maths and course, Spring ad is ad)."""
    view = open_from_tree(qtbot, ready_window)
    labels = [view.compare.itemText(i) for i in range(view.compare.count())]
    assert [t for t in labels if t.startswith("Every video tagged")] == [
        "Every video tagged “ad” (1)",
        "Every video tagged “course” (1)",
        "Every video tagged “maths” (1)",
    ]
    view.compare.activated.emit(view.compare.findData("tag:course"))  # only itself: nothing new
    assert [s.media.media_id for s in view.subjects] == [scenario.A]
    view.compare.activated.emit(view.compare.findData("tag:ad"))
    assert [s.media.media_id for s in view.subjects] == [scenario.A, scenario.B]
    assert view.notice.text() == "Added Spring ad: press Estimate cost, then Fetch."


def test_the_videos_the_trees_search_finds_are_compared_and_listed_in_the_figures(
    qtbot: Any, ready_window: MainWindow
) -> None:
    """The search as it is when the item is chosen (tests/support/handmade.py: Algebra 1 is
    maths and course, Spring ad is ad; the live stream Keynote is no video)."""
    view = open_from_tree(qtbot, ready_window)
    searched = view.compare.findData(SEARCHED)
    assert view.compare.itemText(searched) == "The videos the tree's search finds"
    view.compare.activated.emit(searched)  # an empty search box
    assert view.notice.text().startswith("Type in the asset tree's search box first")
    ready_window.asset_panel.search.setText("cooking")
    view.compare.activated.emit(searched)
    assert view.notice.text() == "The tree's search “cooking” finds no video: nothing to add."
    ready_window.asset_panel.search.setText("SPRING")  # any case, as the tree matches
    view.compare.activated.emit(searched)
    assert [s.media.media_id for s in view.subjects] == [scenario.A, scenario.B]
    assert view.notice.text() == "Added Spring ad: press Estimate cost, then Fetch."
    view.compare.activated.emit(searched)
    assert view.notice.text() == "Nothing new to add: those videos are drawn already."
    view.estimate_button.click()
    wait_idle(qtbot, ready_window.runner)
    view.fetch_button.click()
    wait_idle(qtbot, ready_window.runner)
    table = view.figures
    assert sorted(table.item(r, 0).text() for r in range(table.rowCount())) == [
        "Algebra 1",
        "Spring ad",
    ]
    spring = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Spring ad")
    # Spring ad's day: s3 ready and never played, s7 played to the end (the CLI test's figures)
    assert [table.item(spring, c).text() for c in (1, 2, 3)] == ["2", "1", "100.0%"]


def test_the_videos_of_a_saved_group_are_added_at_once(
    qtbot: Any, ready_window: MainWindow
) -> None:
    """A saved asset group (issue 19) is a set to compare, as a tag is."""
    from explorer.domain.asset_groups import AssetGroup

    panel = ready_window.asset_panel
    assert panel.shelf.add(AssetGroup.picked("Pair", (scenario.A, scenario.B))) == []
    view = open_from_tree(qtbot, ready_window)
    item = view.compare.findData("group:Pair")
    assert view.compare.itemText(item) == "The videos of the group “Pair” (2)"
    view.compare.activated.emit(item)
    assert [s.media.media_id for s in view.subjects] == [scenario.A, scenario.B]
    assert view.notice.text() == "Added Spring ad: press Estimate cost, then Fetch."
