"""A first bucket that the range starts inside is drawn like the running last one: dashed,
hollow, and it says so (issue 15.8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtGui import QPalette

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import ResultContext, TimeseriesFrame
from explorer.ui.results.timeseries_view import TimeseriesView, partial_start
from tests.ui.results.test_in_progress import joins

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
FROM = T0 + timedelta(minutes=57)  # "last 24 hours" asked at 10:57: 3 minutes of the 10:00 hour
HOURS = 5


def frame(start: datetime = FROM) -> TimeseriesFrame:
    context = ResultContext(
        Endpoint.TIMESERIES, "play", interval="hour", start=start, end=start + timedelta(hours=4)
    )
    values = [1.0, 40.0, 38.0, 45.0, 41.0]
    return TimeseriesFrame.from_records(
        context, [(T0 + timedelta(hours=h), v) for h, v in enumerate(values)]
    )


@pytest.fixture
def view(qtbot: Any) -> TimeseriesView:
    shown = TimeseriesView()
    qtbot.addWidget(shown)
    shown.resize(900, 500)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_seconds_of_a_partial_first_bucket() -> None:
    x = frame().epoch_seconds()
    assert partial_start(x, frame()) == 180  # 10:57 to 11:00
    assert partial_start(x, frame(T0)) is None  # the range starts with the bucket: whole


def test_a_partial_first_hour_is_dashed_hollow_and_labelled(view: TimeseriesView) -> None:
    view.set_result(frame(), "UTC", now=T0 + timedelta(days=1))
    assert view.first_partial and not view.last_in_progress
    x, y = view.curve.getOriginalDataset()
    assert len(x) == HOURS and y[0] == 1.0  # kept in the series and the table
    assert joins(view.curve.curve.getPath()) == [False] + [True] * (HOURS - 2)  # no solid dip
    sx, sy = view.partial_first_segment.getOriginalDataset()
    assert (sx.tolist(), sy.tolist()) == (x[:2].tolist(), [1.0, 40.0])
    pen = view.partial_first_segment.opts["pen"]
    assert pen.style() == view.v_line.pen.style()  # dashed, as the running last bucket is
    (spot,) = view.partial_first_point.points()
    assert (spot.pos().x(), spot.pos().y()) == (x[0], 1.0)
    assert spot.brush().color() == view.palette().color(QPalette.ColorRole.Base)  # hollow
    assert view.describe_point(0) == (
        "2026-12-06 10:00 (UTC): 1 events (partial: the range starts inside this hour, so it "
        "holds only 3 minutes)"
    )
    assert "partial" not in view.describe_point(1)


def test_a_whole_first_hour_is_an_ordinary_point(view: TimeseriesView) -> None:
    view.set_result(frame(), "UTC")
    view.set_result(frame(T0), "UTC")  # the same view, a range on the hour
    assert not view.first_partial
    assert joins(view.curve.curve.getPath()) == [True] * (HOURS - 1)
    assert len(view.partial_first_segment.getOriginalDataset()[0] or []) == 0
    assert view.partial_first_point.points().size == 0
