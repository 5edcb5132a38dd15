"""The inspector: chart and table select each other, hover reads an event, odd data, compare."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPalette

from explorer.services.sessions import PlayerSession, SessionEvent, SessionService
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.sessions.compare_view import CompareView
from explorer.ui.sessions.session_inspector import SessionInspector
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support.sessions import ALGEBRA, DAY
from tests.ui.conftest import ZONE, PinnedWorkspace, wait_idle

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def listed(qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace) -> SessionsView:
    """A's sessions on 2026-03-10 (s2 then s4), shown big enough to click on."""
    view = SessionsView(runner, workspace.sessions, ALGEBRA, DAY, ZONE)
    qtbot.addWidget(view)
    view.resize(1300, 950)
    view.show()
    qtbot.waitExposed(view)
    view.load()
    wait_idle(qtbot, runner)
    return view


def inspect_row(qtbot: Any, view: SessionsView, row: int) -> None:
    view.table.selectRow(row)
    qtbot.waitUntil(lambda: view.inspector.inspection is not None)
    qtbot.waitUntil(lambda: not view.runner.in_flight())


def viewport_point(inspector: SessionInspector, index: int, lane: bool = False) -> QPoint:
    scene = inspector.chart.scene_position(index, lane)
    assert scene is not None
    return inspector.chart.view.mapFromScene(scene)


def test_clicking_an_event_on_the_chart_selects_its_row_and_back(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = listed(qtbot, runner, workspace)
    inspect_row(qtbot, view, 0)
    inspector = view.inspector
    assert inspector.inspection is not None
    assert inspector.inspection.session_id == "ps00000000000000000002"
    events = inspector.events
    # the seek (event 2) on the path, then the resume (event 4) on the lane
    for index, lane in ((2, False), (4, True)):
        where = viewport_point(inspector, index, lane)
        qtbot.mouseClick(inspector.chart.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
        assert events.selected_event() == index
        assert inspector.chart.selected == index
    # and the other way: a row picked in the table rings its event on the chart
    events.selectRow(5)
    assert inspector.chart.selected == 5
    ring_x, ring_y = inspector.chart.rings[0].getData()
    end = T0 + timedelta(minutes=9)
    assert (ring_x[0], ring_y[0]) == (end.timestamp(), 600.0)
    assert inspector.chart.readout.text().startswith("#5 end · 2026-03-10 09:09:00.000")
    # sorting the table keeps the two in step (rows are not events any more)
    events.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by type: end comes first
    events.selectRow(0)
    assert inspector.chart.selected == 5
    where = viewport_point(inspector, 3)
    qtbot.mouseClick(inspector.chart.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert events.selected_event() == 3
    assert events.proxy.mapToSource(events.currentIndex()).row() == 3


def test_hovering_an_event_shows_its_fields_in_the_chosen_zone(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = listed(qtbot, runner, workspace)
    inspect_row(qtbot, view, 0)
    chart = view.inspector.chart
    qtbot.mouseMove(chart.view.viewport(), viewport_point(view.inspector, 2))
    qtbot.waitUntil(lambda: "seek.forward" in chart.readout.text())
    assert chart.readout.text() == (
        "#2 seek.forward · 2026-03-10 09:01:10.000 (Europe/Paris)"
        " · from 1:00 (60 s) to 5:00 (300 s)"
    )
    assert chart.view.toolTip() == chart.readout.text()
    # the date axis speaks the zone too: 08:00 UTC is 09:00 in Paris
    assert chart.axis.tickStrings([T0.timestamp()], 1, 60) == ["09:00"]
    view.set_zone("UTC")
    assert chart.axis.tickStrings([T0.timestamp()], 1, 60) == ["08:00"]
    assert view.table.source.headerData(0, Qt.Orientation.Horizontal) == "Loaded at (UTC)"
    assert view.table.source.index(0, 0).data() == "2026-03-10 08:00:00"


def test_playing_rises_pausing_is_flat_seeks_jump_and_the_end_is_marked(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = listed(qtbot, runner, workspace)
    inspect_row(qtbot, view, 0)
    chart = view.inspector.chart
    x, y = chart.playing.getData()
    seconds = (x - T0.timestamp()).tolist()
    # 08:00:10-08:01:10 from 0 to 60, the seek, 08:01:10-08:02:10 from 300 to 360, then the
    # resume at 08:05 to the end at 08:09 from 360 to 600
    assert list(zip(seconds, y.tolist(), strict=True)) == [
        (10, 0), (70, 60), (70, 300), (130, 360), (300, 360), (540, 600),
    ]  # fmt: skip
    px, py = chart.paused.getData()
    assert ((px - T0.timestamp()).tolist(), py.tolist()) == ([2, 10, 130, 300], [0, 0, 360, 360])
    sx, sy = chart.seeks.getData()
    assert ((sx - T0.timestamp()).tolist(), sy.tolist()) == ([70, 70], [60, 300])
    assert [label.toPlainText() for label in chart.end_labels] == ["end"]
    details = view.inspector.details
    assert details.figures.values["Completion"].text().startswith("60.0 % of 10:00")
    assert details.figures.values["Seeks forward"].text() == "1 (4:00 (240.0 s))"
    assert details.session.values["Location"].text() == "Paris, United States"
    assert details.flags.text() == "⚠ An event had no position."


def ev(kind: str, second: float | None, **fields: float) -> SessionEvent:
    emitted = None if second is None else (T0 + timedelta(seconds=second)).isoformat()
    return SessionEvent.model_validate({"type": kind, "emittedAt": emitted, **fields})


def test_odd_data_is_drawn_sensibly_and_flagged_in_words(qtbot: Any) -> None:
    events = [
        ev("ready", 0, at=0),
        ev("play", 1, at=0),
        ev("pause", 11, at=10),
        ev("pause", 11, at=10),  # sent twice
        ev("buffer", 12),  # a type the spec does not know
        ev("resume", 15, at=10),
        ev("seek.forward", 20, **{"from": 15, "to": 100}),
        ev("pause", 25, at=300),  # 105 expected: the playhead jumped without a seek
        ev("end", None, at=600),  # no time at all
    ]
    session = PlayerSession.model_validate({"session": {"sessionId": "psODD"}})
    inspection = SessionService.inspection(ALGEBRA, session, events)
    inspector = SessionInspector()
    qtbot.addWidget(inspector)
    inspector.show_inspection(inspection, ZONE)
    assert inspector.details.flags.text().splitlines() == [
        "⚠ 1 event had no time and is not shown.",
        "⚠ 1 duplicated event was ignored.",
        '⚠ 1 event of an unknown type ("buffer") shown as other.',
        "⚠ The position jumped without a seek.",
        "⚠ The session has no end time: it is still open, or its end was not recorded.",
    ]
    rx, ry = inspector.chart.resyncs.getData()
    assert ((rx - T0.timestamp()).tolist(), ry.tolist()) == ([25, 25], [105, 300])
    notes = [inspector.events.source.index(r, 6).data() for r in range(len(events))]
    assert notes[3:5] == ["duplicate: not drawn", "unknown type: drawn as other"]
    assert notes[8] == "no time: not drawn"
    completion = inspector.details.figures.values["Completion"].text()
    # 0-10, 10-15 and 100-105 watched of the 600 s that the timeless `end` still tells
    assert completion == "3.3 % of 10:00 (length taken from the end event)"
    inspector.events.selectRow(8)  # a row with nothing to ring on the chart
    assert inspector.chart.selected is None and not inspector.chart.cursor.isVisible()


def test_compare_overlays_the_selected_sessions_aligned_at_their_start(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = listed(qtbot, runner, workspace)
    assert not view.compare_button.isEnabled()
    view.table.selectAll()
    assert view.compare_button.isEnabled()
    qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.compare_view.curves) == 2)
    assert view.tabs.currentWidget() is view.compare_view
    (x2, y2), (x4, y4) = (curve.getData() for curve in view.compare_view.curves)
    assert x2[0] == 0 and x2[-1] == 538 and y2[-1] == 600  # ready 08:00:02 .. end 08:09:00
    assert x4[0] == 0 and x4[-1] == 8.5 and y4[-1] == 4  # ready 08:01:00.5 .. pause 08:01:09
    assert np.all(np.diff(x2) >= 0)  # time only moves on; a seek is a vertical step
    names = [item.text for _, item in view.compare_view.legend.items]
    assert names == [
        "03-10 09:00:00 United States safari …0002",
        "03-10 09:01:00 France chrome …0004",
    ]
    assert view.compare_view.summary.text() == "2 sessions, aligned at their first event."


def test_a_click_away_from_any_event_selects_nothing(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = listed(qtbot, runner, workspace)
    inspect_row(qtbot, view, 0)
    chart = view.inspector.chart
    assert chart.event_near(QPointF(-50, -50)) is None
    far = viewport_point(view.inspector, 2) + QPoint(0, 60)
    qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.LeftButton, pos=far)
    assert chart.selected is None and view.inspector.events.selected_event() is None


def test_the_comparison_legend_has_a_ground_the_paths_do_not_show_through(qtbot: Any) -> None:
    """Lines ran through the legend's labels ("united states safari")."""
    view = CompareView()
    qtbot.addWidget(view)
    ground = view.legend.brush().color()
    assert ground.alpha() >= 200
    assert ground.rgb() == view.palette().color(QPalette.ColorRole.Base).rgb()
