"""The session table model: batched inserts, sorting (missing values last), filter, selections."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from explorer.api.models import Metadata
from explorer.services.session_pages import RowCoder
from explorer.services.sessions import SessionRecord
from explorer.ui.common.formatting import format_length
from explorer.ui.sessions.session_table import (
    BATCH_ROWS,
    COLUMNS,
    DURATION,
    FIRST_TEXT,
    LOADED,
    SessionTableView,
)
from tests.support.sessions import made_up


@pytest.fixture
def table(qtbot: Any) -> SessionTableView:
    view = SessionTableView()
    qtbot.addWidget(view)
    return view


Feed = Callable[[list[SessionRecord]], None]


@pytest.fixture
def feed(table: SessionTableView) -> Feed:
    """Appends records to the table as the next page of one list."""
    coder = RowCoder()
    return lambda records: table.source.append(coder.page(records))


def ids(view: SessionTableView) -> list[int]:
    model = view.source
    return [int(model.record(r).session_id[2:]) for r in range(model.rowCount())]


def test_many_rows_enter_over_several_turns_of_the_event_loop(
    qtbot: Any, table: SessionTableView, feed: Feed
) -> None:
    model = table.source
    inserted: list[int] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append(last - first + 1))
    feed([made_up(n) for n in range(5 * BATCH_ROWS)])
    assert model.rowCount() == 0 and model.pending == 5 * BATCH_ROWS  # nothing yet: queued
    qtbot.waitUntil(lambda: model.pending == 0)
    assert model.rowCount() == 5 * BATCH_ROWS
    assert len(inserted) > 1 and max(inserted) <= BATCH_ROWS
    assert ids(table) == list(range(5 * BATCH_ROWS))


def test_sorting_puts_missing_values_last_both_ways(table: SessionTableView, feed: Feed) -> None:
    model = table.source
    records = [made_up(n, length_s=s) for n, s in enumerate([30, math.nan, 5, 600, 5])]
    feed(records)
    model.flush()
    table.sortByColumn(DURATION, Qt.SortOrder.AscendingOrder)
    assert ids(table) == [2, 4, 0, 3, 1]  # stable: 2 before 4
    table.sortByColumn(DURATION, Qt.SortOrder.DescendingOrder)
    assert ids(table) == [3, 0, 2, 4, 1]
    table.sortByColumn(FIRST_TEXT, Qt.SortOrder.AscendingOrder)  # country
    assert [model.record(r).cells[0] for r in range(5)] == [
        "France", "France", "Germany", "Japan", "United States",
    ]  # fmt: skip
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert ids(table) == [0, 1, 2, 3, 4]
    assert model.index(1, DURATION).data() == "" and model.index(3, DURATION).data() == "10:00"


def test_a_selection_follows_its_session_through_sorts_and_arrivals(
    table: SessionTableView, feed: Feed
) -> None:
    model = table.source
    feed([made_up(n) for n in range(20)])
    model.flush()
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
    flags |= QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().setCurrentIndex(model.index(6, 0), flags)
    table.sortByColumn(LOADED, Qt.SortOrder.DescendingOrder)
    assert model.record(table.currentIndex().row()).session_id == f"ps{6:020d}"
    assert [r.session_id for r in table.selected_records()] == [f"ps{6:020d}"]
    feed([made_up(n) for n in range(20, 30)])  # newer loads land on top, in order
    model.flush()
    assert ids(table)[:3] == [29, 28, 27]
    assert model.record(table.currentIndex().row()).session_id == f"ps{6:020d}"
    assert model.row_of(f"ps{6:020d}") == table.currentIndex().row() == 23
    assert model.row_of("psNOPE") == -1


def test_the_filter_matches_text_columns_in_any_case(table: SessionTableView, feed: Feed) -> None:
    model = table.source
    counts: list[tuple[int, int]] = []
    model.counts_changed.connect(lambda shown, held: counts.append((shown, held)))
    feed([made_up(n) for n in range(12)])
    model.flush()
    model.set_filter("  POST-1")  # referrer URLs post-1, post-10, post-11
    assert ids(table) == [1, 10, 11]
    assert counts[-1] == (3, 12)
    model.set_filter("android")
    assert ids(table) == [1, 3, 5, 7, 9, 11]
    model.set_filter("")
    assert model.rowCount() == 12


def test_typing_on_narrows_the_rows_shown_and_keeps_their_order(
    table: SessionTableView, feed: Feed
) -> None:
    model = table.source
    feed([made_up(n) for n in range(120)])
    model.flush()
    table.sortByColumn(LOADED, Qt.SortOrder.DescendingOrder)
    for typed, expected in (
        ("post-1", [119, 118, 117, 116, 115, 114, 113, 112, 111, 110]),
        ("post-11", [119, 118, 117, 116, 115, 114, 113, 112, 111, 110, 11]),
        ("post-11", None),
        ("post-110", [110]),
        ("post-11", [119, 118, 117, 116, 115, 114, 113, 112, 111, 110, 11]),  # wider again
    ):
        model.set_filter(typed)
        if expected is not None:
            assert ids(table)[: len(expected)] == expected
    model.set_filter("post-1")
    assert len(ids(table)) == 1 + 10 + 20 and ids(table)[-1] == 1


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (7.4, "0:07"), (65, "1:05"), (3723, "1:02:03"), (-5, "-0:05"), (math.nan, "")],
)
def test_lengths_read_as_clock_times(seconds: float, text: str) -> None:
    assert format_length(seconds) == text


def test_a_cell_paints_from_one_call_with_every_role(
    qtbot: Any, table: SessionTableView, feed: Feed
) -> None:
    model = table.source
    feed([made_up(n) for n in range(200)])
    model.flush()
    calls = {"data": 0}
    real = model.data

    def counting(index: Any, role: int = 0) -> Any:
        calls["data"] += 1
        return real(index, role)

    model.data = counting  # type: ignore[method-assign]
    table.resize(900, 400)
    table.show()
    qtbot.waitExposed(table)
    image = table.viewport().grab().toImage()
    assert calls["data"] == 0  # painted through multiData only
    assert not image.isNull()
    index = model.index(3, DURATION)
    assert index.data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert table.visualRect(index).isValid()


def test_a_text_sort_holds_while_pages_arrive_and_with_the_workers_ranks(
    table: SessionTableView,
) -> None:
    model, coder = table.source, RowCoder()
    table.sortByColumn(FIRST_TEXT + 9, Qt.SortOrder.DescendingOrder)  # referrer URL
    for first in range(0, 300, 60):  # pages split across insertion batches
        model.append(coder.page([made_up(n) for n in range(first, first + 60)]))
        model._insert_batch(25)  # part of a page, then the rest with the next ones
    model.flush()
    expected = sorted(range(300), key=lambda n: f"https://blog.example.com/post-{n}")[::-1]
    assert ids(table) == expected
    model.adopt_ranks(coder.ranks())  # what the list's result brings: the same order
    table.sortByColumn(FIRST_TEXT + 9, Qt.SortOrder.AscendingOrder)
    assert ids(table) == expected[::-1]
    table.sortByColumn(FIRST_TEXT, Qt.SortOrder.DescendingOrder)  # ties keep the API's order
    assert ids(table)[:4] == [1, 5, 9, 13]  # United States first, then Japan, Germany, France


def test_ranks_that_do_not_fit_the_vocabulary_are_not_taken(table: SessionTableView) -> None:
    model, coder = table.source, RowCoder()
    model.append(coder.page([made_up(n) for n in range(8)]))
    model.flush()
    model.adopt_ranks(RowCoder().ranks())  # another list's: empty vocabularies
    table.sortByColumn(FIRST_TEXT, Qt.SortOrder.AscendingOrder)
    assert [model.record(r).cells[0] for r in range(3)] == ["France", "France", "Germany"]


def test_a_page_of_another_list_is_refused(table: SessionTableView, feed: Feed) -> None:
    feed([made_up(n) for n in range(4)])
    with pytest.raises(ValueError, match="coded from"):
        table.source.append(RowCoder().page([made_up(9)]))  # its codes start at 0 again
    table.source.clear()  # a new list starts from nothing
    table.source.append(RowCoder().page([made_up(9)]))
    assert table.source.held == 1


def test_column_conditions_hold_together_with_the_filter_and_for_rows_arriving_later(
    table: SessionTableView, feed: Feed
) -> None:
    model = table.source
    device, city = COLUMNS.index("Device type"), COLUMNS.index("City")
    feed([made_up(n) for n in range(12)])
    model.flush()
    model.set_conditions([(device, "PHONE")])  # any case, the whole value
    assert ids(table) == [1, 3, 5, 7, 9, 11]
    model.set_conditions([(device, "phone"), (city, "City 3")])  # both must hold
    assert ids(table) == [3]
    model.set_filter("post-13")  # with the text filter too
    assert ids(table) == []
    feed([made_up(n) for n in range(12, 24)])  # arrivals pass the same tests
    model.flush()
    assert ids(table) == [13]
    model.set_filter("")
    assert ids(table) == [3, 13, 23]
    assert model.column_values(device) == ["computer", "phone"]  # as many of each
    model.set_conditions([(city, "City")])  # not a part of a value
    assert ids(table) == []
    model.set_conditions([])
    assert model.rowCount() == 24
    with pytest.raises(ValueError, match="not a text column"):
        model.set_conditions([(DURATION, "5:00")])


def _with_metadata(record: SessionRecord, pairs: list[tuple[str, str]]) -> SessionRecord:
    player = record.session
    info = player.session.model_copy(
        update={"metadata": [Metadata(key=k, value=v) for k, v in pairs]}
    )
    return SessionRecord.of(player.model_copy(update={"session": info}))


def test_a_metadata_condition_matches_one_pair_among_others_or_a_key_alone(
    table: SessionTableView, feed: Feed
) -> None:
    model = table.source
    metadata, city = COLUMNS.index("Metadata"), COLUMNS.index("City")
    pairs = [
        [("learner", "ana"), ("course", "math")],
        [("course", "math"), ("Learner", "Ana")],  # any case, anywhere among the pairs
        [("learner", "bob")],
        [],
        [("learner", "anabel")],  # a longer value is another value
        [("note", "learner=ana")],  # the pair is not this value
        [("learner", "")],
    ]
    feed([_with_metadata(made_up(n), p) for n, p in enumerate(pairs)])
    model.flush()
    model.set_conditions([(metadata, "learner=ana")])
    assert ids(table) == [0, 1]
    model.set_conditions([(metadata, " LEARNER = ANA ")])
    assert ids(table) == [0, 1]
    model.set_conditions([(metadata, "learner=")])  # the key, whatever its value
    assert ids(table) == [0, 1, 2, 4, 6]
    model.set_conditions([(metadata, "learner=ana"), (metadata, "course=math")])
    assert ids(table) == [0, 1]
    model.set_conditions([(metadata, "learner=ana"), (city, "City 1")])
    assert ids(table) == [1]
    model.set_conditions([(metadata, "")])  # no `=`: the whole cell, as on other columns
    assert ids(table) == [3]
    model.set_conditions([(metadata, "learner=bob; x")])  # the value holds the rest
    assert ids(table) == []
