"""Cross-tab: a matrix from a split breakdown, totals, missing rows never zero."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from explorer.domain.catalogue import Endpoint
from explorer.domain.crosstab import CrossTab
from explorer.domain.frames import BucketFrame, ResultContext
from explorer.domain.query import Query
from explorer.domain.splits import SplitAnswer, SplitQuestion

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def _answer(metric: str, rows: dict[str, list[tuple[str, float]] | None]) -> SplitAnswer:
    base = Query(
        endpoint=Endpoint.BUCKETS,
        metric=metric,
        breakdown="device-type",
        start=NOW - timedelta(days=1),
        end=NOW,
    )
    answer = SplitAnswer.pending(SplitQuestion(base, "country", tuple(rows)))
    context = ResultContext(Endpoint.BUCKETS, metric, breakdown="device-type")
    for part in answer.parts:
        records = rows[part.key]
        if records is None:
            answer = answer.with_part(part.failed("server error"))
        else:
            answer = answer.with_part(part.done(BucketFrame.from_records(context, records)))
    return answer


def test_counts_have_totals_and_an_absent_cell_is_zero() -> None:
    table = CrossTab.of(
        _answer("play", {"FR": [("phone", 3), ("tv", 1)], "US": [("phone", 2), ("computer", 5)]})
    )
    assert table.rows == ("FR", "US")
    assert table.columns == ("phone", "tv", "computer")
    assert table.cells == ((3, 1, 0), (2, 0, 5))
    assert table.row_totals() == (4, 7)
    assert table.column_totals() == (5, 1, 5)
    assert table.grand_total() == 11
    assert table.totals_note == ""


def test_a_failed_row_is_missing_not_zero_and_column_totals_are_withheld() -> None:
    table = CrossTab.of(_answer("play", {"FR": [("phone", 3)], "US": None}))
    assert table.cell("US", "phone") is None
    assert table.missing_rows == ("US",)
    assert table.row_totals() == (3, None)
    assert table.column_totals() == (None,)
    assert "US" in table.totals_note


def test_a_rate_has_no_totals() -> None:
    table = CrossTab.of(_answer("play-rate", {"FR": [("phone", 0.5)], "US": [("tv", 0.25)]}))
    assert table.row_totals() == (None, None)
    assert "does not add up" in table.totals_note
    cell = table.cell("FR", "tv")
    assert cell is not None and cell != cell  # NaN: no data, not 0 %
