"""A split drawn again as its parts arrive (issue 21): each delivery changes only what changed,
and the end is what drawing the whole answer at once shows; a part still waiting is blank
and said to be waiting, a failed one says "missing", never a zero."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, TimeseriesFrame
from explorer.domain.query import Query
from explorer.domain.splits import SplitAnswer, SplitQuestion
from explorer.ui.results.split_view import MISSING, SplitView
from explorer.ui.results.views import Shown

END = datetime(2026, 3, 10, 12, tzinfo=UTC)
START = END - timedelta(hours=24)
COUNTRIES = ("FR", "DE", "US", "JP", "BR")
OSES = ("windows", "macos", "ios", "android")


def _lines_question() -> SplitQuestion:
    base = Query(endpoint=Endpoint.TIMESERIES, metric="play", interval="hour", start=START, end=END)
    return SplitQuestion(base, "country", values=COUNTRIES)


def _crosstab_question() -> SplitQuestion:
    base = Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="operating-system", start=START, end=END
    )
    return SplitQuestion(base, "country", values=COUNTRIES)


def _series(n: int) -> TimeseriesFrame:
    context = ResultContext(Endpoint.TIMESERIES, "play", interval="hour", start=START, end=END)
    hours = [START + timedelta(hours=h) for h in range(24)]
    return TimeseriesFrame.from_records(
        context, [(h, float(n * 100 + i)) for i, h in enumerate(hours)]
    )


def _buckets(n: int) -> BucketFrame:
    context = ResultContext(
        Endpoint.BUCKETS, "play", breakdown="operating-system", start=START, end=END
    )
    return BucketFrame.from_records(
        context, [(o, float(n * 10 + i)) for i, o in enumerate(OSES[: n + 1])]
    )


def _growing(question: SplitQuestion, result: Any, failed: int) -> list[SplitAnswer]:
    """Each snapshot as parts arrive, one at a time; part ``failed`` fails."""
    answer = SplitAnswer.pending(question)
    snapshots = []
    for n, part in enumerate(answer.parts):
        arrived = (
            part.failed("server error 500 (injected)") if n == failed else part.done(result(n))
        )
        answer = answer.with_part(arrived)
        snapshots.append(answer)
    return snapshots


def _cells(table: Any) -> list[list[tuple[str, int | None]]]:
    """Each cell's text and background colour (None: none set)."""
    rows = []
    for r in range(table.rowCount()):
        row = []
        for c in range(table.columnCount()):
            item = table.item(r, c)
            brush = item.background() if item is not None else None
            colour = brush.color().rgba() if brush is not None and brush.style() else None
            row.append(("" if item is None else item.text(), colour))
        rows.append(row)
    return rows


def _header(table: Any) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def _view(qtbot: Any) -> SplitView:
    view = SplitView()
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    return view


def test_lines_drawn_as_they_arrive_end_as_drawn_at_once(qtbot: Any) -> None:
    question = _lines_question()
    snapshots = _growing(question, _series, failed=3)
    shown = Shown("UTC", END, {}, (), question)
    growing = _view(qtbot)
    for snapshot in snapshots:
        growing.show_answer(snapshot, shown)
    whole = _view(qtbot)
    whole.show_answer(snapshots[-1], shown)
    assert _cells(growing.table) == _cells(whole.table)
    assert _header(growing.table) == _header(whole.table)
    assert growing.line_keys() == whole.line_keys() == ["FR", "DE", "US", "BR"]
    japan = _header(whole.table).index("JP")
    assert {row[japan][0] for row in _cells(whole.table)} == {MISSING}  # failed: never 0


def test_a_part_still_waiting_is_blank_and_said_to_wait(qtbot: Any) -> None:
    question = _lines_question()
    snapshots = _growing(question, _series, failed=-1)
    view = _view(qtbot)
    view.show_answer(snapshots[1], Shown("UTC", END, {}, (), question))  # FR and DE arrived
    header = _header(view.table)
    assert header[1:] == ["FR", "DE", "US (waiting)", "JP (waiting)", "BR (waiting)"]
    cells = _cells(view.table)
    assert {row[3][0] for row in cells} == {""}  # no zero for a part not answered yet
    assert cells[1][1][0] == "1" and cells[1][2][0] == "101"


def test_a_delivery_redraws_only_the_parts_that_arrived(qtbot: Any) -> None:
    question = _lines_question()
    snapshots = _growing(question, _series, failed=-1)
    shown = Shown("UTC", END, {}, (), question)
    view = _view(qtbot)
    view.show_answer(snapshots[1], shown)
    france_cell = view.table.item(5, 1)
    france_line = next(i for i in view.plot.listDataItems() if i.opts["name"] == "FR")
    view.show_answer(snapshots[2], shown)  # the United States arrived
    assert view.table.item(5, 1) is france_cell
    assert france_line in view.plot.listDataItems()
    assert view.table.item(5, 3).text() == "205"
    assert len(view.plot.listDataItems()) == 3


def test_a_crosstab_drawn_as_it_arrives_ends_as_drawn_at_once(qtbot: Any) -> None:
    question = _crosstab_question()
    snapshots = _growing(question, _buckets, failed=1)
    shown = Shown("UTC", END, {}, (), question)
    growing = _view(qtbot)
    for snapshot in snapshots:
        growing.show_answer(snapshot, shown)
    whole = _view(qtbot)
    whole.show_answer(snapshots[-1], shown)
    assert _cells(growing.matrix) == _cells(whole.matrix)  # texts and shades
    assert _header(growing.matrix) == _header(whole.matrix)
    assert _cells(growing.table) == _cells(whole.table)
    germany = next(
        r for r in range(whole.matrix.rowCount()) if whole.matrix.item(r, 0).text() == "DE"
    )
    assert {whole.matrix.item(germany, c).text() for c in range(1, 5)} == {MISSING}


def test_a_delivery_of_many_parts_is_drawn_in_turns(qtbot: Any, monkeypatch: Any) -> None:
    """Over its time budget, a drawing lets the event loop turn and draws the rest after."""
    from explorer.ui.results import split_view

    monkeypatch.setattr(split_view, "DRAW_BUDGET_S", 0.0)
    question = _lines_question()
    snapshots = _growing(question, _series, failed=-1)
    view = _view(qtbot)
    view.show_answer(snapshots[2], Shown("UTC", END, {}, (), question))  # 3 arrived, 2 waiting
    assert view.line_keys() == ["FR"]  # one line per turn at a budget of 0
    assert {row[2][0] for row in _cells(view.table)} == {""}  # DE's column comes with its line
    qtbot.waitUntil(lambda: view.line_keys() == ["FR", "DE", "US"], timeout=60_000)
    monkeypatch.setattr(split_view, "DRAW_BUDGET_S", 60.0)
    whole = _view(qtbot)
    whole.show_answer(snapshots[2], Shown("UTC", END, {}, (), question))
    assert _cells(view.table) == _cells(whole.table)


def test_another_question_keeps_nothing_of_the_last_answer(qtbot: Any) -> None:
    """Asked again over another range (the same shape of table), a column still waiting is
    blank: not the figure the last answer had there."""
    from dataclasses import replace

    first = _lines_question()
    view = _view(qtbot)
    view.show_answer(_growing(first, _series, failed=-1)[-1], Shown("UTC", END, {}, (), first))
    again = replace(first, base=replace(first.base, start=START + timedelta(hours=1)))
    view.show_answer(_growing(again, _series, failed=-1)[0], Shown("UTC", END, {}, (), again))
    assert view.line_keys() == ["FR"]
    assert _header(view.table)[2] == "DE (waiting)"
    assert {row[2][0] for row in _cells(view.table)} == {""}
