"""Period over period: the earlier ranges, coverage beyond the lookback, alignment, change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.comparison import (
    Change,
    ComparisonAnswer,
    Shift,
    ShiftKind,
    coverage,
    shifted,
)
from explorer.domain.frames import ResultContext, TimeseriesFrame
from explorer.domain.query import Query

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def test_the_three_shifts() -> None:
    start, end = NOW - 3 * DAY, NOW
    assert Shift.parse("previous").earlier(start, end) == (NOW - 6 * DAY, NOW - 3 * DAY)
    assert Shift.parse("week").earlier(start, end) == (start - 7 * DAY, end - 7 * DAY)
    assert Shift.parse("30d") == Shift(ShiftKind.OFFSET, 30 * DAY)
    assert Shift.parse("30d").earlier(start, end) == (start - 30 * DAY, end - 30 * DAY)
    with pytest.raises(ValueError, match="use previous, week or an offset like 7d"):
        Shift.parse("last year")


def test_shifted_makes_the_range_explicit_and_moves_it_back() -> None:
    query = Query(endpoint=Endpoint.TIMESERIES, metric="play", start=NOW - 2 * DAY)
    current, earlier, back = shifted(query, Shift.parse("previous"), NOW)
    assert (current.start, current.end) == (NOW - 2 * DAY, NOW)
    assert current.interval == "hour"  # the API's default for 2 days, pinned for both
    assert (earlier.start, earlier.end, earlier.interval) == (NOW - 4 * DAY, NOW - 2 * DAY, "hour")
    assert back == 2 * DAY


def test_an_earlier_period_within_the_lookback_is_covered() -> None:
    found = coverage(NOW - 14 * DAY, NOW - 7 * DAY, NOW)
    assert found.uncovered is None and found.warnings() == [] and found.askable


def test_an_earlier_period_beyond_the_lookback_names_the_uncovered_span() -> None:
    found = coverage(NOW - 35 * DAY, NOW - 25 * DAY, NOW)
    assert found.uncovered is not None
    first, last = found.uncovered
    assert first == NOW - 35 * DAY
    assert NOW - 30 * DAY < last <= NOW - 29 * DAY  # the lookback less its safety margin
    (warning,) = found.warnings()
    assert "too little data to compare" in warning
    assert "2026-02-03T12:00:00+00:00" in warning and "not in the local store's history" in warning
    assert found.askable and 0.4 < found.uncovered_share < 0.6


def test_the_store_s_history_covers_what_it_holds_and_says_so() -> None:
    found = coverage(NOW - 35 * DAY, NOW - 25 * DAY, NOW, stored_from=NOW - 33 * DAY)
    assert found.uncovered == (NOW - 35 * DAY, NOW - 33 * DAY)
    assert found.stored is not None and found.stored[0] == NOW - 33 * DAY
    assert "come from the local store's history" in found.notes()[0]
    whole = coverage(NOW - 40 * DAY, NOW - 33 * DAY, NOW)
    assert not whole.askable and whole.uncovered_share == 1.0


def test_change_absolute_and_percent() -> None:
    assert Change.of(150, 100) == Change(150, 100, 50, 50.0)
    assert Change.of(5, 0).percent is None
    assert Change.of(5, float("nan")).percent is None


def _series(start: datetime, values: list[float]) -> TimeseriesFrame:
    context = ResultContext(
        Endpoint.TIMESERIES, "play", interval="day", start=start, end=start + len(values) * DAY
    )
    return TimeseriesFrame.from_records(
        context, [(start + i * DAY, v) for i, v in enumerate(values)]
    )


def test_the_earlier_series_is_aligned_on_the_current_axis() -> None:
    current = _series(NOW - 3 * DAY, [10, 20, 30])
    earlier = _series(NOW - 10 * DAY, [5, 20, 0])
    answer = ComparisonAnswer(
        current,
        earlier,
        Shift.parse("week"),
        7 * DAY,
        (NOW - 3 * DAY, NOW),
        (NOW - 10 * DAY, NOW - 7 * DAY),
    )
    aligned = answer.aligned_earlier()
    assert aligned is not None
    assert list(aligned.timestamps) == list(current.timestamps)
    # its timeframe moves too: buckets without data are laid on the current axis, not before it
    assert (aligned.context.start, aligned.context.end) == (
        current.context.start,
        current.context.end,
    )
    rows = answer.rows()
    assert [r.key for r in rows] == [
        "2026-03-07T12:00:00+00:00",
        "2026-03-08T12:00:00+00:00",
        "2026-03-09T12:00:00+00:00",
    ]
    assert [(r.change.absolute, r.change.percent) for r in rows] == [
        (5, 100.0),
        (0, 0.0),
        (30, None),
    ]
    assert answer.complete and answer.data_warnings() == []


def test_an_empty_earlier_period_warns() -> None:
    answer = ComparisonAnswer(
        _series(NOW - DAY, [10]),
        _series(NOW - 2 * DAY, [0]),
        Shift.parse("previous"),
        DAY,
        (NOW - DAY, NOW),
        (NOW - 2 * DAY, NOW - DAY),
    )
    assert any("no figures" in w for w in answer.data_warnings())
