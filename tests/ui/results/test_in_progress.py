"""A last bucket that contains now is drawn as in progress: dashed, hollow, and it says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainterPath, QPalette

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import ResultContext, TimeseriesFrame
from explorer.ui.results.result_tabs import ResultPage
from explorer.ui.results.timeseries_view import TimeseriesView

T0 = datetime(2026, 3, 10, 0, tzinfo=UTC)
HOURS = 6
DURING_LAST = T0 + timedelta(hours=HOURS - 1, minutes=20)  # inside the last hour
AFTER_LAST = T0 + timedelta(hours=HOURS, minutes=1)


def frame(metric: str = "play") -> TimeseriesFrame:
    context = ResultContext(Endpoint.TIMESERIES, metric, interval="hour", start=T0, end=DURING_LAST)
    values = {0: 4.0, 1: 6.0, 2: 5.0, 3: 7.0, 4: 9.0, 5: 2.0}
    return TimeseriesFrame.from_records(
        context, [(T0 + timedelta(hours=h), v) for h, v in values.items()]
    )


def joins(path: QPainterPath) -> list[bool]:
    """For each point of a drawn line after the first: is it joined to the one before?"""
    return [
        path.elementAt(i).type == QPainterPath.ElementType.LineToElement
        for i in range(1, path.elementCount())
    ]


@pytest.fixture
def view(qtbot: Any) -> TimeseriesView:
    shown = TimeseriesView()
    qtbot.addWidget(shown)
    shown.resize(900, 500)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_running_hour_is_dashed_hollow_and_labelled(qtbot: Any, view: TimeseriesView) -> None:
    view.set_result(frame(), "UTC", now=DURING_LAST)
    assert view.last_in_progress
    x, y = view.curve.getOriginalDataset()
    assert len(x) == HOURS and y[-1] == 2.0  # every point stays in the series (and its table)
    # the solid line stops one point early; a dashed segment carries on to the last point
    assert joins(view.curve.curve.getPath()) == [True] * (HOURS - 2) + [False]
    sx, sy = view.partial_segment.getOriginalDataset()
    assert (sx.tolist(), sy.tolist()) == (x[-2:].tolist(), [9.0, 2.0])
    assert view.partial_segment.opts["pen"].style() == view.v_line.pen.style()  # dashed
    # the last point is an open ring: the series colour around the background
    (spot,) = view.partial_point.points()
    assert (spot.pos().x(), spot.pos().y()) == (x[-1], 2.0)
    palette = view.palette()
    assert spot.brush().color() == palette.color(QPalette.ColorRole.Base)
    assert spot.pen().color() == palette.color(QPalette.ColorRole.Highlight)
    note = "in progress: this hour is not over, so its value may still change"
    assert view.describe_point(HOURS - 1).endswith(f"({note})")
    assert "in progress" not in view.describe_point(HOURS - 2)

    # hovering the ring shows the tooltip
    box = view.plot.getPlotItem().vb

    def hover_the_ring() -> bool:  # mapped anew each time: the range may still be settling
        target = view.plot.mapFromScene(box.mapViewToScene(QPointF(float(x[-1]), 2.0)))
        qtbot.mouseMove(view.plot.viewport(), target)
        return "in progress" in box.toolTip()

    qtbot.waitUntil(hover_the_ring)
    assert box.toolTip() == f"2026-03-10 05:00 (UTC): 2 events ({note})"


def test_a_finished_last_hour_is_an_ordinary_point(view: TimeseriesView) -> None:
    view.set_result(frame(), "UTC", now=DURING_LAST)
    view.set_result(frame(), "UTC", now=AFTER_LAST)  # the same view, a later run
    assert not view.last_in_progress
    assert joins(view.curve.curve.getPath()) == [True] * (HOURS - 1)
    assert len(view.partial_segment.getOriginalDataset()[0] or []) == 0
    assert view.partial_point.points().size == 0
    assert "in progress" not in view.describe_point(HOURS - 1)
    view.set_result(frame(), "UTC")  # no clock at all: nothing is claimed
    assert not view.last_in_progress


def test_a_gap_before_the_running_hour_stays_a_gap(view: TimeseriesView) -> None:
    context = ResultContext(
        Endpoint.TIMESERIES, "play-rate", interval="hour", start=T0, end=DURING_LAST
    )
    rates = TimeseriesFrame.from_records(
        context, [(T0 + timedelta(hours=h), 0.5) for h in (0, 1, 2, 5)]
    )
    view.set_result(rates, "UTC", now=DURING_LAST)
    _, y = view.curve.getOriginalDataset()
    assert np.isnan(y[4]) and view.last_in_progress
    _, sy = view.partial_segment.getOriginalDataset()
    assert np.isnan(sy[0]) and sy[1] == 0.5  # no dashed line invented across the gap
    assert view.partial_point.points().size == 1


def test_a_page_marks_the_bucket_running_when_the_result_was_fetched(qtbot: Any) -> None:
    page = ResultPage()
    qtbot.addWidget(page)
    page.zone = "UTC"
    page.show_result(frame(), fetched_at=DURING_LAST)
    assert page.timeseries_view is not None and page.timeseries_view.last_in_progress
    page.show_result(frame(), fetched_at=AFTER_LAST)
    assert not page.timeseries_view.last_in_progress


def test_the_ring_follows_a_palette_change(view: TimeseriesView) -> None:
    view.set_result(frame(), "UTC", now=DURING_LAST)
    palette = QPalette(view.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#101010"))
    view.setPalette(palette)
    (spot,) = view.partial_point.points()
    assert spot.brush().color() == QColor("#101010")
