"""TimeRange: presets in a chosen zone across DST changes, the lookback clamp, --last parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from explorer.domain.timerange import (
    LOOKBACK_MARGIN,
    Preset,
    TimeRange,
    describe_duration,
    format_rfc3339,
    parse_duration,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)


def rendered(time_range: TimeRange, now: str, tz: str, *, period: bool = False) -> list[str]:
    moment = datetime.fromisoformat(now)
    start, end = (time_range.period if period else time_range.resolve)(moment, tz)
    return [format_rfc3339(start), format_rfc3339(end)]


def hours(time_range: TimeRange, now: str, tz: str, *, period: bool = False) -> float:
    moment = datetime.fromisoformat(now)
    start, end = (time_range.period if period else time_range.resolve)(moment, tz)
    return (end.astimezone(UTC) - start.astimezone(UTC)) / HOUR


# --- presets, with hand-computed instants ---------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "now", "tz", "expected"),
    [
        # Paris springs forward 2026-03-29 02:00 -> 03:00
        ("yesterday", "2026-03-30T12:00:00+02:00", "Europe/Paris",
         ["2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"]),
        ("today", "2026-03-29T23:30:00+02:00", "Europe/Paris",
         ["2026-03-29T00:00:00+01:00", "2026-03-29T23:30:00+02:00"]),
        ("last_hour", "2026-03-29T03:30:00+02:00", "Europe/Paris",
         ["2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"]),
        ("last_24_hours", "2026-03-29T12:00:00+02:00", "Europe/Paris",
         ["2026-03-28T11:00:00+01:00", "2026-03-29T12:00:00+02:00"]),
        ("this_week", "2026-03-29T12:00:00+02:00", "Europe/Paris",
         ["2026-03-23T00:00:00+01:00", "2026-03-29T12:00:00+02:00"]),
        ("last_7_days", "2026-03-30T10:00:00+02:00", "Europe/Paris",
         ["2026-03-24T00:00:00+01:00", "2026-03-30T10:00:00+02:00"]),
        ("last_30_days", "2026-03-30T10:00:00+02:00", "Europe/Paris",
         ["2026-03-01T00:00:00+01:00", "2026-03-30T10:00:00+02:00"]),
        # Paris falls back 2026-10-25 03:00 -> 02:00
        ("yesterday", "2026-10-26T09:00:00+01:00", "Europe/Paris",
         ["2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"]),
        ("last_hour", "2026-10-25T02:30:00+01:00", "Europe/Paris",
         ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"]),
        ("last_24_hours", "2026-10-25T12:00:00+01:00", "Europe/Paris",
         ["2026-10-24T13:00:00+02:00", "2026-10-25T12:00:00+01:00"]),
        # New York springs forward 2026-03-08 and falls back 2026-11-01
        ("yesterday", "2026-03-09T08:00:00-04:00", "America/New_York",
         ["2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00"]),
        ("yesterday", "2026-11-02T08:00:00-05:00", "America/New_York",
         ["2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00"]),
        ("last_hour", "2026-11-01T01:15:00-05:00", "America/New_York",
         ["2026-11-01T01:15:00-04:00", "2026-11-01T01:15:00-05:00"]),
        ("this_week", "2026-11-01T23:00:00-05:00", "America/New_York",
         ["2026-10-26T00:00:00-04:00", "2026-11-01T23:00:00-05:00"]),
        # `now` in another zone is converted first: 2026-03-08T04:30Z is still the 7th in NY
        ("today", "2026-03-08T04:30:00+00:00", "America/New_York",
         ["2026-03-07T00:00:00-05:00", "2026-03-07T23:30:00-05:00"]),
        # this week on a Monday starts that Monday; microseconds of now are dropped
        ("this_week", "2026-06-15T00:00:30.999+02:00", "Europe/Paris",
         ["2026-06-15T00:00:00+02:00", "2026-06-15T00:00:30+02:00"]),
        # the first second of a period keeps one second of range
        ("today", "2026-06-15T00:00:00+02:00", "Europe/Paris",
         ["2026-06-15T00:00:00+02:00", "2026-06-15T00:00:01+02:00"]),
        # Santiago skips midnight on 2026-09-06: the day starts at 01:00
        ("today", "2026-09-06T10:00:00-03:00", "America/Santiago",
         ["2026-09-06T01:00:00-03:00", "2026-09-06T10:00:00-03:00"]),
    ],
)  # fmt: skip
def test_resolve(preset: str, now: str, tz: str, expected: list[str]) -> None:
    assert rendered(TimeRange.of(preset), now, tz) == expected


@pytest.mark.parametrize(
    ("preset", "now", "tz", "length"),
    [
        ("today", "2026-03-29T12:00:00+02:00", "Europe/Paris", 23),
        ("today", "2026-10-25T12:00:00+01:00", "Europe/Paris", 25),
        ("today", "2026-06-15T12:00:00+02:00", "Europe/Paris", 24),
        ("today", "2026-03-08T12:00:00-04:00", "America/New_York", 23),
        ("today", "2026-11-01T12:00:00-05:00", "America/New_York", 25),
        ("yesterday", "2026-03-30T12:00:00+02:00", "Europe/Paris", 23),
        ("yesterday", "2026-11-02T12:00:00-05:00", "America/New_York", 25),
        ("this_week", "2026-03-25T12:00:00+01:00", "Europe/Paris", 167),
        ("this_week", "2026-10-22T12:00:00+02:00", "Europe/Paris", 169),
        ("this_week", "2026-06-17T12:00:00+02:00", "Europe/Paris", 168),
        ("last_7_days", "2026-03-29T12:00:00+02:00", "Europe/Paris", 7 * 24 - 1),
        ("last_hour", "2026-03-29T03:30:00+02:00", "Europe/Paris", 1),
    ],
)
def test_period_is_the_whole_calendar_period(preset: str, now: str, tz: str, length: int) -> None:
    assert hours(TimeRange.of(preset), now, tz, period=True) == length


@pytest.mark.parametrize(
    ("now", "tz", "length"),
    [
        ("2026-03-29T23:59:59+02:00", "Europe/Paris", 23 - 1 / 3600),
        ("2026-10-25T23:59:59+01:00", "Europe/Paris", 25 - 1 / 3600),
        ("2026-11-01T23:00:00-05:00", "America/New_York", 24),
    ],
)
def test_today_so_far_on_dst_days(now: str, tz: str, length: float) -> None:
    assert hours(TimeRange.of(Preset.TODAY), now, tz) == pytest.approx(length)


# --- the 30-day lookback ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_range", "now", "tz", "expected"),
    [
        # late on the 25-hour day the 30 calendar days are 30 days 50 minutes long: clamped
        (TimeRange.of("last_30_days"), "2026-10-25T23:50:00+01:00", "Europe/Paris",
         ["2026-09-26T01:05:00+02:00", "2026-10-25T23:50:00+01:00"]),
        # five minutes before midnight on a plain day: within 15 minutes of the limit
        (TimeRange.of("last_30_days"), "2026-03-10T23:50:00+01:00", "Europe/Paris",
         ["2026-02-09T00:05:00+01:00", "2026-03-10T23:50:00+01:00"]),
        (TimeRange.of("last_30_days"), "2026-03-10T23:40:00+01:00", "Europe/Paris",
         ["2026-02-09T00:00:00+01:00", "2026-03-10T23:40:00+01:00"]),
        (TimeRange.parse_last("30d"), "2026-06-15T12:00:00+00:00", "UTC",
         ["2026-05-16T12:15:00+00:00", "2026-06-15T12:00:00+00:00"]),
        # asking for more than the API keeps is not silently shortened
        (TimeRange.parse_last("45d"), "2026-06-15T12:00:00+00:00", "UTC",
         ["2026-05-01T12:00:00+00:00", "2026-06-15T12:00:00+00:00"]),
    ],
)  # fmt: skip
def test_lookback_clamp(time_range: TimeRange, now: str, tz: str, expected: list[str]) -> None:
    assert rendered(time_range, now, tz) == expected


@pytest.mark.parametrize("preset", list(Preset))
@pytest.mark.parametrize(
    "now", ["2026-10-25T23:59:59+01:00", "2026-03-29T23:59:59+02:00", "2026-07-31T23:59:00+02:00"]
)
def test_presets_survive_the_request_delay(preset: Preset, now: str) -> None:
    moment = datetime.fromisoformat(now)
    start, end = TimeRange.of(preset).resolve(moment, PARIS)
    query = Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="country", start=start, end=end
    )
    assert query.validate(moment + LOOKBACK_MARGIN - timedelta(seconds=1)) == []


# --- custom, errors, labels ---------------------------------------------------------------------


def test_custom_is_converted_to_the_zone() -> None:
    custom = TimeRange.custom(
        datetime(2026, 3, 29, 0, 30, 0, 5, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC)
    )
    assert rendered(custom, "2026-06-01T00:00:00+00:00", "Europe/Paris") == [
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T04:00:00+02:00",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"preset": "today", "last": timedelta(hours=1)},
        {"start": datetime(2026, 1, 1, tzinfo=UTC)},
        {"start": datetime(2026, 1, 2, tzinfo=UTC), "end": datetime(2026, 1, 1, tzinfo=UTC)},
        {"start": datetime(2026, 1, 1), "end": datetime(2026, 1, 2)},
        {"last": timedelta(0)},
        {"preset": "tomorrow"},
    ],
)
def test_invalid_ranges_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        TimeRange.model_validate(fields)


def test_resolve_needs_an_aware_now_and_a_real_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        TimeRange.of("today").resolve(datetime(2026, 1, 1), "UTC")
    with pytest.raises(ValueError, match="Mars/Olympus"):
        TimeRange.of("today").resolve(datetime(2026, 1, 1, tzinfo=UTC), "Mars/Olympus")


@pytest.mark.parametrize(
    ("time_range", "label"),
    [
        (TimeRange.of("last_hour"), "Last hour"),
        (TimeRange.of("last_24_hours"), "Last 24 hours"),
        (TimeRange.of("today"), "Today"),
        (TimeRange.of("yesterday"), "Yesterday"),
        (TimeRange.of("last_7_days"), "Last 7 days"),
        (TimeRange.of("last_30_days"), "Last 30 days"),
        (TimeRange.of("this_week"), "This week"),
        (TimeRange.parse_last("90m"), "Last 1 hour 30 minutes (rolling)"),
        (TimeRange.parse_last("7d"), "Last 7 days (rolling)"),
        (
            TimeRange.custom(
                datetime(2026, 3, 1, 9, tzinfo=PARIS), datetime(2026, 3, 2, 9, tzinfo=PARIS)
            ),
            "2026-03-01 09:00 – 2026-03-02 09:00 (UTC+0100)",
        ),
    ],
)
def test_labels(time_range: TimeRange, label: str) -> None:
    assert time_range.label == label


def test_round_trip_through_json() -> None:
    for time_range in (
        TimeRange.of("this_week"),
        TimeRange.parse_last("1h30m"),
        TimeRange.custom(datetime(2026, 3, 1, tzinfo=PARIS), datetime(2026, 3, 2, tzinfo=PARIS)),
    ):
        text = time_range.model_dump_json()
        assert TimeRange.model_validate_json(text) == time_range


# --- parsing and rendering ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("24h", timedelta(hours=24)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(days=14)),
        ("1h30m", timedelta(minutes=90)),
        (" 1h 30m ", timedelta(minutes=90)),
        ("24H", timedelta(hours=24)),
        ("1d12h", timedelta(hours=36)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", " ", "7", "d", "7x", "-1d", "1.5h", "0m", "h1", "7d!", "1s"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (timedelta(hours=3), "3 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(minutes=90), "1 hour 30 minutes"),
        (timedelta(days=2, hours=3, minutes=4), "2 days 3 hours"),
        (timedelta(seconds=59), "59 seconds"),
        (timedelta(0), "0 seconds"),
    ],
)
def test_describe_duration(length: timedelta, text: str) -> None:
    assert describe_duration(length) == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2024, 2, 5, tzinfo=PARIS), "2024-02-05T00:00:00+01:00"),
        (datetime(2024, 7, 5, 8, 9, 10, 999999, tzinfo=PARIS), "2024-07-05T08:09:10+02:00"),
        (datetime(2024, 2, 5, tzinfo=UTC), "2024-02-05T00:00:00+00:00"),
        (
            datetime(2024, 2, 5, tzinfo=timezone(-timedelta(hours=3, minutes=30))),
            "2024-02-05T00:00:00-03:30",
        ),
        (datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK), "2026-11-01T01:30:00-05:00"),
        # Paris mean time (+00:09:21) is not expressible in RFC 3339: rendered in UTC
        (datetime(1900, 1, 1, 0, 9, 21, tzinfo=PARIS), "1900-01-01T00:00:00+00:00"),
    ],
)
def test_format_rfc3339(moment: datetime, text: str) -> None:
    assert format_rfc3339(moment) == text


def test_format_rfc3339_refuses_naive() -> None:
    with pytest.raises(ValueError):
        format_rfc3339(datetime(2024, 2, 5))


# --- properties -----------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",  # 30-minute DST
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45
]
NOWS = st.datetimes(
    min_value=datetime(2021, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
CALENDAR_BOUNDS = {
    Preset.TODAY: (23, 25),
    Preset.YESTERDAY: (23, 25),
    Preset.THIS_WEEK: (167, 169),
}


@given(preset=st.sampled_from(list(Preset)), now=NOWS, tz=st.sampled_from(ZONES))
def test_resolve_properties(preset: Preset, now: datetime, tz: str) -> None:
    zone = ZoneInfo(tz)
    start, end = TimeRange.of(preset).resolve(now, tz)
    start_utc, end_utc, now_utc = start.astimezone(UTC), end.astimezone(UTC), now.astimezone(UTC)
    assert start_utc < end_utc
    assert start.tzinfo is zone and end.tzinfo is zone
    assert start.microsecond == end.microsecond == 0
    assert end_utc <= max(now_utc, start_utc + timedelta(seconds=1))
    assert now_utc - start_utc < timedelta(days=30) - LOOKBACK_MARGIN + timedelta(seconds=1)
    if preset is Preset.LAST_HOUR:
        assert end_utc - start_utc == HOUR
    if preset is Preset.LAST_24_HOURS:
        assert end_utc - start_utc == 24 * HOUR
    longer = (Preset.LAST_30_DAYS, Preset.THIS_MONTH, Preset.LAST_MONTH)  # may be clamped
    if TimeRange.of(preset).is_calendar and preset not in longer:
        # a calendar range starts at the first instant of a local day
        assert (start - timedelta(seconds=1)).astimezone(zone).date() < start.date()
    if preset in CALENDAR_BOUNDS:
        low, high = CALENDAR_BOUNDS[preset]
        period_start, period_end = TimeRange.of(preset).period(now, tz)
        length = (period_end.astimezone(UTC) - period_start.astimezone(UTC)) / HOUR
        assert low <= length <= high
        assert period_start <= now_utc < period_end.astimezone(UTC) or preset is Preset.YESTERDAY
    query = Query(endpoint=Endpoint.TIMESERIES, metric="play", start=start, end=end)
    assert query.validate(now) == []


@given(
    minutes=st.integers(min_value=1, max_value=60 * 24 * 60), now=NOWS, tz=st.sampled_from(ZONES)
)
def test_rolling_is_an_exact_duration(minutes: int, now: datetime, tz: str) -> None:
    length = timedelta(minutes=minutes)
    start, end = TimeRange.rolling(length).resolve(now, tz)
    span = end.astimezone(UTC) - start.astimezone(UTC)
    if length <= timedelta(days=30) - LOOKBACK_MARGIN:
        assert span == length
    elif length <= timedelta(days=30):
        assert timedelta(days=30) - LOOKBACK_MARGIN <= span < length
    else:
        assert span == length  # left for validation to refuse
