"""Periods people say aloud (yesterday, last week, last Tuesday, same time last week), in the
person's zone, and `dimension=value` conditions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from explorer.domain.conditions import Condition, parse_condition
from explorer.domain.timerange import Preset, TimeRange, describe_range

NOW = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # Wednesday 1 April, 00:30 in Paris (CEST)
PARIS = "Europe/Paris"


def span(text: str) -> tuple[str, str]:
    start, end = TimeRange.of(Preset.spoken(text)).period(NOW, PARIS)
    return start.isoformat(), end.isoformat()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("yesterday", ("2026-03-31T00:00:00+02:00", "2026-04-01T00:00:00+02:00")),
        ("this week", ("2026-03-30T00:00:00+02:00", "2026-04-06T00:00:00+02:00")),
        ("Last week", ("2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00")),
        ("this month", ("2026-04-01T00:00:00+02:00", "2026-05-01T00:00:00+02:00")),
        ("last_month", ("2026-03-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00")),
        ("last Tuesday", ("2026-03-31T00:00:00+02:00", "2026-04-01T00:00:00+02:00")),
        ("wednesday", ("2026-03-25T00:00:00+01:00", "2026-03-26T00:00:00+01:00")),
        ("last sunday", ("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00")),
        ("same time last week", ("2026-03-25T00:00:00+01:00", "2026-03-25T00:30:00+01:00")),
    ],
)
def test_a_spoken_period_is_a_range_of_the_persons_zone(
    said: str, expected: tuple[str, str]
) -> None:
    assert span(said) == expected


def test_a_period_in_progress_ends_now() -> None:
    start, end = TimeRange.of(Preset.spoken("this month")).resolve(NOW, PARIS)
    assert (start.isoformat(), end) == ("2026-04-01T00:00:00+02:00", NOW)


def test_a_range_is_said_with_its_zone() -> None:
    start, end = TimeRange.of(Preset.LAST_WEEK).period(NOW, PARIS)
    assert describe_range("Last week", start, end, PARIS) == (
        "Last week in Europe/Paris: Mon 2026-03-23 00:00 to Mon 2026-03-30 00:00 (+01:00, +02:00)"
    )


def test_an_unknown_period_names_the_ones_there_are() -> None:
    with pytest.raises(ValueError, match=r"not a period: say one of .*last tuesday"):
        Preset.spoken("the other day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("country=FR", Condition("country", "FR")),
        ("country=france", Condition("country", "FR")),
        ("deviceType=phone", Condition("device-type", "phone")),
        ("continent=eu", Condition("continent", "EU")),
        ("referrer=", Condition("referrer", "")),
    ],
)
def test_conditions_take_the_apis_names(text: str, expected: Condition) -> None:
    assert parse_condition(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour=red", "not a dimension"),
        ("country=Atlantis", "ISO 3166"),
        ("browser=", "needs a value"),
        ("FR", "DIMENSION=VALUE"),
    ],
)
def test_a_bad_condition_says_what_to_do(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_condition(text)
