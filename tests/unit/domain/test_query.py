"""Query: validation sentences, the request path, the exact wire parameters, persistence."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query, and_list, or_list

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
AN_HOUR_AGO = NOW - timedelta(hours=1)

M, B, T = Endpoint.METRICS, Endpoint.BUCKETS, Endpoint.TIMESERIES
BREAKDOWN_CHOICES = (
    "media-id, media-type, continent, country, device-type, operating-system, browser or referrer"
)
BUCKET_METRICS = (
    "play, play-rate, play-total, start, end, impression, ccv-peak, ccv-average or view"
)
FILTER_CHOICES = (
    "mediaId, mediaType, continent, country, deviceType, operatingSystem, browser, tag or referrer"
)
MINUTE = "the minute interval needs a time range shorter than 60 minutes (this one is {})"
CONTINENTS = "continent must be AS, AF, NA, SA, AN, EU or AZ"


def buckets(**changes: Any) -> Query:
    base = Query(endpoint=B, metric="play", breakdown="country", start=AN_HOUR_AGO, end=NOW)
    return replace(base, **changes)


def series(**changes: Any) -> Query:
    base = Query(endpoint=T, metric="play", start=AN_HOUR_AGO, end=NOW)
    return replace(base, **changes)


def metrics(**changes: Any) -> Query:
    base = Query(endpoint=M, metric="play", aggregation="count", start=AN_HOUR_AGO, end=NOW)
    return replace(base, **changes)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(buckets(), [], id="valid buckets"),
        pytest.param(series(interval="hour"), [], id="valid series"),
        pytest.param(
            metrics(aggregation=None),
            ["choose an aggregation for play: count, rate or total"],
            id="no aggregation",
        ),
        pytest.param(
            buckets(breakdown=None), [f"choose a breakdown: {BREAKDOWN_CHOICES}"], id="no breakdown"
        ),
        pytest.param(
            buckets(metric="play-total", breakdown=None),
            ["choose a breakdown: media-id"],
            id="no breakdown play-total",
        ),
        pytest.param(
            buckets(breakdown="city"),
            [f"'city' is not a breakdown; choose {BREAKDOWN_CHOICES}"],
            id="unknown breakdown",
        ),
        pytest.param(buckets(metric=""), [f"choose a metric: {BUCKET_METRICS}"], id="no metric"),
        pytest.param(
            buckets(aggregation="count"),
            ["aggregation only applies to the metrics endpoint"],
            id="aggregation on buckets",
        ),
        pytest.param(
            metrics(breakdown="country"),
            ["breakdown only applies to the buckets endpoint"],
            id="breakdown on metrics",
        ),
        pytest.param(
            buckets(interval="hour"),
            ["interval only applies to the timeseries endpoint"],
            id="interval on buckets",
        ),
        pytest.param(
            series(interval="week"),
            ["'week' is not an interval; choose minute, hour or day"],
            id="unknown interval",
        ),
        pytest.param(
            metrics(sort_by="metricValue"),
            ["sortBy does not apply to the metrics endpoint, which returns one value"],
            id="sort on metrics",
        ),
        pytest.param(
            metrics(sort_order="asc"),
            ["sortOrder does not apply to the metrics endpoint, which returns one value"],
            id="order on metrics",
        ),
        pytest.param(
            buckets(sort_order="up"), ["sortOrder must be asc or desc (not 'up')"], id="bad order"
        ),
        pytest.param(buckets(sort_by="metricValue", sort_order="desc"), [], id="sort ok"),
    ],
)
def test_shape_problems(query: Query, expected: list[str]) -> None:
    assert query.validate(NOW) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (NOW - timedelta(days=30), NOW, []),
        (NOW - timedelta(days=30, seconds=1), NOW, ["from is more than 30 days ago"]),
        (NOW - timedelta(days=40), NOW - timedelta(days=35), ["from is more than 30 days ago"]),
        (None, NOW - timedelta(days=29), []),
        (
            None,
            NOW - timedelta(days=29, seconds=1),
            ["from is more than 30 days ago (it defaults to one day before to)"],
        ),
        (None, None, []),
        (NOW - timedelta(days=2), None, []),
        (AN_HOUR_AGO, AN_HOUR_AGO, ["from must be before to"]),
        (NOW, AN_HOUR_AGO, ["from must be before to"]),
        (
            NOW + timedelta(hours=1),
            NOW + timedelta(hours=2),
            ["from is in the future, where there is no data yet"],
        ),
        # the same instant written in two zones is still "from == to"
        (
            datetime(2026, 6, 15, 14, tzinfo=PARIS),
            datetime(2026, 6, 15, 12, tzinfo=UTC),
            ["from must be before to"],
        ),
    ],
)
def test_time_problems(start: datetime | None, end: datetime | None, expected: list[str]) -> None:
    assert buckets(start=start, end=end).validate(NOW) == expected


def test_lookback_is_counted_in_absolute_time_across_dst() -> None:
    # The clocks moved forward on 2026-03-29, so 2026-03-11 11:30 Paris (10:30Z) is 30 wall
    # days and 30 minutes before 2026-04-10 12:00 Paris (10:00Z) but only 29 days 23.5 hours.
    now = datetime(2026, 4, 10, 12, tzinfo=PARIS)
    query = buckets(start=datetime(2026, 3, 11, 11, 30, tzinfo=PARIS), end=now)
    assert query.validate(now) == []
    assert replace(query, start=datetime(2026, 3, 11, 10, 59, tzinfo=PARIS)).validate(now) == [
        "from is more than 30 days ago"
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (NOW - timedelta(minutes=59, seconds=59), NOW, []),
        (NOW - timedelta(minutes=60), NOW, [MINUTE.format("1 hour")]),
        (NOW - timedelta(hours=3), NOW, [MINUTE.format("3 hours")]),
        (NOW - timedelta(minutes=90), NOW, [MINUTE.format("1 hour 30 minutes")]),
        (None, None, [MINUTE.format("1 day")]),
        (NOW - timedelta(minutes=30), None, []),
    ],
)
def test_minute_interval_needs_under_an_hour(
    start: datetime | None, end: datetime | None, expected: list[str]
) -> None:
    assert series(interval="minute", start=start, end=end).validate(NOW) == expected


@pytest.mark.parametrize(
    ("start", "end", "interval", "expected"),
    [
        (NOW - timedelta(days=2), NOW, None, "hour"),
        (NOW - timedelta(days=2, seconds=1), NOW, None, "day"),
        (None, None, None, "hour"),
        (NOW - timedelta(days=10), NOW, None, "day"),
        (NOW - timedelta(days=10), NOW, "hour", "hour"),
    ],
)
def test_effective_interval(
    start: datetime | None, end: datetime | None, interval: str | None, expected: str
) -> None:
    assert series(start=start, end=end, interval=interval).effective_interval(NOW) == expected


def test_all_time_totals_ignore_the_time_range() -> None:
    long_ago = NOW - timedelta(days=400)
    total = metrics(aggregation="total", start=long_ago, end=long_ago + timedelta(hours=1))
    assert total.validate(NOW) == []
    assert total.effective_range(NOW) is None
    assert metrics(aggregation="count", start=long_ago).validate(NOW) == [
        "from is more than 30 days ago"
    ]
    play_total = buckets(metric="play-total", breakdown="media-id", start=NOW, end=long_ago)
    assert play_total.validate(NOW) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"browser": ("chrome", "firefox"), "country": ("FR", "US")}, []),
        ({"tag": ("Cool videos", "News")}, ["tag takes a single value"]),
        ({"mediaType": ("video", "live-stream")}, ["mediaType takes a single value"]),
        ({"mediaType": ("audio",)}, ["mediaType must be video or live-stream (not 'audio')"]),
        ({"continent": ("EU", "XX", "eu")}, [f"{CONTINENTS} (not 'XX', 'eu')"]),
        ({"continent": ("AS", "AF", "NA", "SA", "AN", "EU", "AZ")}, []),
        (
            {"country": ("France", "fr", "FR")},
            ["country values are two-letter ISO 3166 codes such as FR (not 'France', 'fr')"],
        ),
        ({"referrer": ("https://a.example/" + "x" * 2030,)}, []),
        (
            {"referrer": ("https://a.example/" + "x" * 2031,)},
            ["filterBy[referrer] values must be at most 2048 characters (one has 2049)"],
        ),
        ({"referrer": ("",)}, []),
        ({"browser": ("",)}, ["filterBy[browser] has an empty value"]),
        ({"city": ("Paris",)}, [f"'city' is not a filter; use {FILTER_CHOICES}"]),
        (
            {"device-type": ("phone",)},
            ["'device-type' is not a filter; filters are camelCase: use deviceType"],
        ),
        ({"browser": (), "tag": ()}, []),
        (
            {"tag": ("a", "b"), "continent": ("XX",), "os": ("ios",)},
            [
                "tag takes a single value",
                f"{CONTINENTS} (not 'XX')",
                f"'os' is not a filter; use {FILTER_CHOICES}",
            ],
        ),
    ],
)
def test_filter_problems(filters: dict[str, tuple[str, ...]], expected: list[str]) -> None:
    # the problems follow the order of the filters in the query
    assert buckets(filters=filters).validate(NOW) == expected


def test_every_problem_is_reported_at_once() -> None:
    query = Query(
        endpoint=M,
        metric="watch-time",
        aggregation="count",
        interval="minute",
        start=NOW,
        end=AN_HOUR_AGO,
        filters={"tag": ("a", "b")},
        unique=False,
        view_duration="7s",
        sort_by="metricValue",
    )
    assert query.validate(NOW) == [
        "watch-time has no 'count'; choose average or sum",
        "interval only applies to the timeseries endpoint",
        "from must be before to",
        "unique only applies to ccv, ccv-peak, ccv-average and view",
        "viewDuration only applies to view",
        "viewDuration must be 3s, 5s, 10s or 30s (not '7s')",
        "sortBy does not apply to the metrics endpoint, which returns one value",
        "tag takes a single value",
    ]


def test_validate_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="time zone"):
        buckets().validate(datetime(2026, 6, 15, 12))


def test_naive_datetimes_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Query(endpoint=B, metric="play", breakdown="country", start=datetime(2026, 6, 15))


# --- path and wire parameters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "path"),
    [
        (metrics(), "/data/metrics/play/count"),
        (metrics(metric="watch-time", aggregation="average"), "/data/metrics/watch-time/average"),
        (buckets(), "/data/buckets/play/country"),
        (buckets(metric="play-total", breakdown="media-id"), "/data/buckets/play-total/media-id"),
        (series(metric="ccv-peak"), "/data/timeseries/ccv-peak"),
        (buckets(breakdown="a/b"), "/data/buckets/play/a%2Fb"),
    ],
)
def test_path(query: Query, path: str) -> None:
    assert query.path() == path


@pytest.mark.parametrize(
    ("query", "message"),
    [(metrics(aggregation=None), "aggregation"), (buckets(breakdown=None), "breakdown")],
)
def test_path_needs_its_segments(query: Query, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        query.path()


@pytest.mark.parametrize(
    ("query", "params"),
    [
        pytest.param(
            buckets(
                start=datetime(2024, 2, 5, tzinfo=PARIS), end=datetime(2024, 2, 6, tzinfo=PARIS)
            ),
            [("from", "2024-02-05T00:00:00+01:00"), ("to", "2024-02-06T00:00:00+01:00")],
            id="paris winter",
        ),
        pytest.param(
            buckets(start=datetime(2026, 7, 1, 8, 30, 15, 999999, tzinfo=UTC), end=None),
            [("from", "2026-07-01T08:30:15+00:00")],
            id="utc, microseconds dropped, no to",
        ),
        pytest.param(
            series(
                start=datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),
                end=datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
                interval="minute",
            ),
            [
                ("from", "2026-11-01T01:30:00-04:00"),
                ("to", "2026-11-01T01:30:00-05:00"),
                ("interval", "minute"),
            ],
            id="new york repeated hour",
        ),
        pytest.param(
            buckets(
                start=None,
                end=None,
                metric="view",
                unique=False,
                view_duration="10s",
                sort_by="metricValue",
                sort_order="desc",
            ),
            [
                ("sortBy", "metricValue"),
                ("sortOrder", "desc"),
                ("unique", "false"),
                ("viewDuration", "10s"),
            ],
            id="options",
        ),
        pytest.param(
            series(
                start=None,
                end=None,
                metric="ccv-peak",
                unique=True,
                interval="day",
                sort_by="emittedAt",
                sort_order="asc",
            ),
            [
                ("interval", "day"),
                ("sortBy", "emittedAt"),
                ("sortOrder", "asc"),
                ("unique", "true"),
            ],
            id="series options",
        ),
        pytest.param(
            buckets(
                start=None,
                end=None,
                filters={
                    "tag": ("Cool videos",),
                    "browser": ("chrome", "firefox"),
                    "zzz": ("?",),
                    "referrer": ("https://a.example/p?q=1&r=2", ""),
                    "mediaType": ("live-stream",),
                    "country": ("FR",),
                    "deviceType": (),
                    "aaa": ("x",),
                },
            ),
            [
                ("filterBy[mediaType]", "live-stream"),
                ("filterBy[country][]", "FR"),
                ("filterBy[browser][]", "chrome"),
                ("filterBy[browser][]", "firefox"),
                ("filterBy[tag]", "Cool videos"),
                ("filterBy[referrer][]", "https://a.example/p?q=1&r=2"),
                ("filterBy[referrer][]", ""),
                ("filterBy[aaa][]", "x"),
                ("filterBy[zzz][]", "?"),
            ],
            id="filters in catalogue order, unknown keys last",
        ),
        pytest.param(
            metrics(
                aggregation="total",
                start=datetime(2026, 6, 1, tzinfo=UTC),
                filters={"mediaId": ("vi1", "li2")},
            ),
            [("filterBy[mediaId][]", "vi1"), ("filterBy[mediaId][]", "li2")],
            id="play total sends no from/to",
        ),
        pytest.param(
            buckets(
                metric="play-total", breakdown="media-id", start=datetime(2026, 6, 1, tzinfo=UTC)
            ),
            [],
            id="play-total sends no from/to",
        ),
        pytest.param(
            metrics(start=None, end=None, interval="hour", sort_by="metricValue", sort_order="asc"),
            [],
            id="metrics endpoint has no interval or sorting",
        ),
        pytest.param(
            buckets(
                start=None,
                end=datetime(2026, 3, 1, 12, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            ),
            [("to", "2026-03-01T12:00:00+05:30")],
            id="fixed offset",
        ),
    ],
)
def test_to_params_wire_format(query: Query, params: list[tuple[str, str]]) -> None:
    assert query.to_params() == params


def test_to_params_never_sends_paging() -> None:
    names = {name for name, _ in buckets(sort_by="metricValue").to_params()}
    assert not names & {"currentPage", "pageSize"}


# --- persistence ----------------------------------------------------------------------------


def test_round_trip_through_json() -> None:
    query = series(
        metric="view",
        start=datetime(2026, 3, 29, 1, 30, tzinfo=PARIS),
        end=datetime(2026, 3, 29, 4, 0, 0, 250000, tzinfo=PARIS),
        interval="hour",
        filters={"tag": ("Cool videos",), "browser": ("chrome", "edge")},
        unique=True,
        view_duration="30s",
        sort_by="emittedAt",
        sort_order="desc",
    )
    data = json.loads(json.dumps(query.to_dict()))
    assert data["start"] == "2026-03-29T01:30:00+01:00"
    assert data["filters"] == {"tag": ["Cool videos"], "browser": ["chrome", "edge"]}
    again = Query.from_dict(data)
    assert again == query
    assert again.to_params() == query.to_params()
    assert again.end is not None and again.end.microsecond == 250000


def test_from_dict_ignores_unknown_keys_and_refuses_bad_values() -> None:
    data = buckets().to_dict() | {"added_in_a_later_version": 1}
    assert Query.from_dict(data) == buckets()
    with pytest.raises(ValueError):
        Query.from_dict({"endpoint": "nope", "metric": "play"})


_ZONES = st.sampled_from([UTC, PARIS, NEW_YORK, ZoneInfo("Asia/Kathmandu")])
_MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=_ZONES
)
_VALUES = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)


@given(
    endpoint=st.sampled_from(list(Endpoint)),
    metric=st.sampled_from(["play", "view", "ccv-peak", "x"]),
    start=st.none() | _MOMENTS,
    end=st.none() | _MOMENTS,
    filters=st.dictionaries(
        st.sampled_from(["mediaId", "tag", "country", "referrer", "other"]),
        st.lists(_VALUES, max_size=3).map(tuple),
        max_size=4,
    ),
    unique=st.none() | st.booleans(),
)
def test_round_trip_property(
    endpoint: Endpoint,
    metric: str,
    start: datetime | None,
    end: datetime | None,
    filters: dict[str, tuple[str, ...]],
    unique: bool | None,
) -> None:
    query = Query(
        endpoint=endpoint,
        metric=metric,
        aggregation="count",
        breakdown="country",
        start=start,
        end=end,
        filters=filters,
        unique=unique,
    )
    again = Query.from_dict(json.loads(json.dumps(query.to_dict())))
    # a wall time in a DST gap never compares equal across zones (PEP 495), so compare instants
    assert replace(again, start=None, end=None) == replace(query, start=None, end=None)
    for before, after in ((query.start, again.start), (query.end, again.end)):
        assert (before is None and after is None) or (
            before is not None and after is not None and before.timestamp() == after.timestamp()
        )
    assert again.to_params() == query.to_params()
    assert again.validate(NOW) == query.validate(NOW)


@pytest.mark.parametrize(
    ("words", "either", "both"),
    [
        (["a"], "a", "a"),
        (["a", "b"], "a or b", "a and b"),
        (["a", "b", "c"], "a, b or c", "a, b and c"),
    ],
)
def test_word_lists(words: list[str], either: str, both: str) -> None:
    assert (or_list(words), and_list(words)) == (either, both)
