"""Raw-statistics periods: each kind's wire form, the days it covers, and parsing them back."""

from __future__ import annotations

from datetime import date

import pytest

from explorer.domain.period import MAX_RANGE_DAYS, Period, PeriodKind


@pytest.mark.parametrize(
    ("kind", "day", "wire", "first", "last"),
    [
        (PeriodKind.DAY, date(2026, 3, 10), "2026-03-10", date(2026, 3, 10), date(2026, 3, 10)),
        (PeriodKind.WEEK, date(2026, 3, 10), "2026-W11", date(2026, 3, 9), date(2026, 3, 15)),
        # ISO week 1 of 2021 starts on Monday 4 January; 1 January 2021 is in 2020-W53
        (PeriodKind.WEEK, date(2021, 1, 1), "2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
        (PeriodKind.WEEK, date(2024, 12, 31), "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        (PeriodKind.MONTH, date(2024, 2, 17), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (PeriodKind.YEAR, date(2026, 3, 10), "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_each_kind_covers_the_unit_around_a_day(
    kind: PeriodKind, day: date, wire: str, first: date, last: date
) -> None:
    period = Period.containing(kind, day)
    assert (period.wire, period.first, period.last) == (wire, first, last)
    assert Period.parse(wire) == period


def test_a_range_takes_its_days_in_either_order() -> None:
    period = Period.containing(PeriodKind.RANGE, date(2026, 3, 15), date(2026, 3, 1))
    assert period.wire == "2026-03-01/2026-03-15"
    assert period.days == 15
    assert period.describe() == "Sun 2026-03-01 to Sun 2026-03-15 (15 days, UTC)"
    assert Period.parse("2026-03-01/2026-03-15") == period


def test_one_day_reads_alone() -> None:
    assert Period.parse("2026-03-10").describe() == "Tue 2026-03-10 (UTC)"


def test_an_absurd_range_is_refused() -> None:
    start = date(2000, 1, 1)
    with pytest.raises(ValueError, match="more than"):
        Period.containing(PeriodKind.RANGE, start, date(2000 + MAX_RANGE_DAYS // 365 + 1, 1, 1))


@pytest.mark.parametrize(
    "text", ["", "2026-3-10", "2026-W", "2026-W60", "2026-13", "26", "2026-03-15/2026-03-01", "x"]
)
def test_what_is_not_a_period_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(text)
