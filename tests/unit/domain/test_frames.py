"""Result frames: context parsing, read-only columns, rows for CSV, paging, sorting and top-n."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.domain.catalogue import Endpoint, Unit
from explorer.domain.frames import (
    BucketFrame,
    ResultContext,
    ScalarResult,
    TimeseriesFrame,
    format_value,
)

PARIS = ZoneInfo("Europe/Paris")
B, T, M = Endpoint.BUCKETS, Endpoint.TIMESERIES, Endpoint.METRICS
PLAYS = ResultContext(B, "play", breakdown="country")
PEAKS = ResultContext(B, "ccv-peak", breakdown="country")
SERIES = ResultContext(T, "play", interval="hour")


def buckets(context: ResultContext, rows: list[tuple[str, float]]) -> BucketFrame:
    return BucketFrame.from_records(context, rows)


# --- context ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "base", "unique", "duration", "unit"),
    [
        (ResultContext(B, "unique-view-10"), "view", True, "10s", Unit.VIEWERS),
        (ResultContext(T, "view-5"), "view", False, "5s", Unit.VIEWERS),
        (ResultContext(B, "unique-view"), "view", True, None, Unit.VIEWERS),
        (ResultContext(B, "unique-ccv-peak"), "ccv-peak", True, None, Unit.VIEWERS),
        (ResultContext(M, "unique-ccv", aggregation="peak"), "ccv", True, None, Unit.VIEWERS),
        (ResultContext(M, "play", aggregation="rate"), "play", False, None, Unit.RATIO),
        (ResultContext(M, "impression-time", aggregation="sum"), "impression-time", False, None,
         Unit.MILLISECONDS),
        (ResultContext(M, "watch-time", aggregation="average"), "watch-time", False, None,
         Unit.SECONDS),
        (ResultContext(B, "play-rate"), "play-rate", False, None, Unit.RATIO),
        (ResultContext(B, "play-total"), "play-total", False, None, Unit.COUNT),
        (ResultContext(B, "reviews"), "reviews", False, None, None),
        (ResultContext(B, "watch-time"), "watch-time", False, None, None),
    ],
)  # fmt: skip
def test_context_reads_the_echoed_metric(
    context: ResultContext, base: str, unique: bool, duration: str | None, unit: Unit | None
) -> None:
    assert (context.base_metric, context.unique, context.view_duration, context.unit) == (
        base,
        unique,
        duration,
        unit,
    )


@pytest.mark.parametrize(
    ("context", "additive"),
    [
        (ResultContext(B, "play"), True),
        (ResultContext(B, "start"), True),
        (ResultContext(B, "end"), True),
        (ResultContext(B, "impression"), True),
        (ResultContext(B, "play-total"), True),
        (ResultContext(B, "view-5"), True),
        (ResultContext(B, "unique-view-5"), False),
        (ResultContext(B, "play-rate"), False),
        (ResultContext(B, "ccv-peak"), False),
        (ResultContext(B, "ccv-average"), False),
        (ResultContext(M, "play", aggregation="rate"), False),
        (ResultContext(M, "watch-time", aggregation="sum"), True),
        (ResultContext(M, "watch-time", aggregation="average"), False),
        (ResultContext(M, "ccv", aggregation="peak"), False),
    ],
)
def test_additivity(context: ResultContext, additive: bool) -> None:
    assert context.is_additive is additive


def test_context_needs_aware_timeframe() -> None:
    with pytest.raises(ValueError, match="time zone"):
        ResultContext(B, "play", start=datetime(2026, 1, 1))


# --- construction ------------------------------------------------------------------------------


def test_frames_are_read_only_copies() -> None:
    dimensions = np.array(["FR", "US"], dtype=object)
    values = np.array([3.0, 4.0])
    frame = BucketFrame(PLAYS, dimensions, values)
    values[0] = 99.0
    dimensions[0] = "XX"
    assert frame.values.tolist() == [3.0, 4.0]
    assert frame.dimensions.tolist() == ["FR", "US"]
    with pytest.raises(ValueError, match="read-only"):
        frame.values[0] = 1.0
    with pytest.raises(AttributeError):
        frame.partial = True  # type: ignore[misc]
    assert frame.values.dtype == np.float64 and frame.dimensions.dtype == object


@pytest.mark.parametrize(
    ("dimensions", "values", "error"),
    [
        (["FR"], [1.0, 2.0], ValueError),
        ([["FR", "US"]], [[1.0, 2.0]], ValueError),
        ([None], [1.0], TypeError),
        ([3], [1.0], TypeError),
    ],
)
def test_bad_bucket_columns(dimensions: list[object], values: list[object], error: type) -> None:
    with pytest.raises(error):
        BucketFrame(PLAYS, np.array(dimensions, dtype=object), np.array(values))


def test_an_error_makes_a_frame_partial() -> None:
    with pytest.raises(ValueError, match="partial"):
        BucketFrame(PLAYS, np.array([], dtype=object), np.array([]), error="page 2 failed")
    frame = BucketFrame.from_records(PLAYS, [("FR", 1)], partial=True, error="page 2 failed")
    assert (frame.partial, frame.error) == (True, "page 2 failed")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.0, "12"),
        (0.0, "0"),
        (-3.0, "-3"),
        (0.25, "0.25"),
        (1 / 3, "0.3333333333333333"),
        (math.nan, ""),
        (1e20, "1e+20"),
        (2.0**53, "9007199254740992.0"),
        (math.inf, "inf"),
    ],
)
def test_format_value(value: float, text: str) -> None:
    assert format_value(value) == text


# --- buckets ----------------------------------------------------------------------------------


def test_bucket_rows() -> None:
    frame = buckets(ResultContext(B, "unique-view-5", breakdown="referrer"), [("", 2), ("a", 0.5)])
    assert len(frame) == 2
    assert frame.header == ("referrer", "unique-view-5")
    assert frame.to_rows() == [("", "2"), ("a", "0.5")]


def test_concat_pages() -> None:
    first = buckets(PLAYS, [("FR", 3), ("US", 2)])
    second = BucketFrame.from_records(PLAYS, [("DE", 1)], partial=True, error="timeout")
    third = BucketFrame.from_records(PLAYS, [], partial=True, error="timeout")
    joined = BucketFrame.concat([first, second, third])
    assert joined.dimensions.tolist() == ["FR", "US", "DE"]
    assert joined.values.tolist() == [3.0, 2.0, 1.0]
    assert (joined.partial, joined.error) == (True, "timeout")
    assert BucketFrame.concat([first, first]).partial is False


@pytest.mark.parametrize(
    "other",
    [
        ResultContext(B, "play", breakdown="browser"),
        ResultContext(B, "unique-view-5", breakdown="country"),
        ResultContext(T, "play", breakdown="country"),
    ],
)
def test_concat_refuses_different_results(other: ResultContext) -> None:
    with pytest.raises(ValueError, match="different"):
        BucketFrame.concat([buckets(PLAYS, [("FR", 1)]), buckets(other, [("US", 1)])])


def test_concat_needs_a_page() -> None:
    with pytest.raises(ValueError):
        BucketFrame.concat([])


ROWS = [("FR", 3.0), ("US", math.nan), ("DE", 5.0), ("BE", 3.0), ("AT", 1.0)]


@pytest.mark.parametrize(
    ("key", "descending", "order"),
    [
        ("value", True, ["DE", "FR", "BE", "AT", "US"]),
        ("value", False, ["AT", "FR", "BE", "DE", "US"]),
        ("dimension", False, ["AT", "BE", "DE", "FR", "US"]),
        ("dimension", True, ["US", "FR", "DE", "BE", "AT"]),
    ],
)
def test_sorted_by(key: str, descending: bool, order: list[str]) -> None:
    frame = buckets(PLAYS, ROWS).sorted_by(key, descending=descending)  # type: ignore[arg-type]
    assert frame.dimensions.tolist() == order
    # each value moved with its dimension
    assert sorted(frame.to_rows()) == sorted(buckets(PLAYS, ROWS).to_rows())


SOURCE = [("FR", 3.0), ("DE", 5.0), ("BE", 3.0), ("AT", 1.0), ("US", 2.0)]
RATES = [("a", 0.5), ("b", 0.25), ("c", 0.75)]


@pytest.mark.parametrize(
    ("context", "source", "n", "rows", "folded"),
    [
        (PLAYS, SOURCE, 2, [("DE", "5"), ("FR", "3"), ("Other (3 more)", "6")], 3),
        (PLAYS, SOURCE, 3, [("DE", "5"), ("FR", "3"), ("BE", "3"), ("Other (2 more)", "3")], 2),
        # folding a single bucket would hide it for nothing: it is shown as itself
        (PLAYS, SOURCE, 4, [("DE", "5"), ("FR", "3"), ("BE", "3"), ("US", "2"), ("AT", "1")], 0),
        (PLAYS, SOURCE, 9, [("DE", "5"), ("FR", "3"), ("BE", "3"), ("US", "2"), ("AT", "1")], 0),
        (PEAKS, SOURCE, 2, [("DE", "5"), ("FR", "3"), ("Other (3 more)", "")], 3),
        (ResultContext(B, "view-5"), RATES, 1, [("c", "0.75"), ("Other (2 more)", "0.75")], 2),
        (ResultContext(B, "unique-view-5"), RATES, 1, [("c", "0.75"), ("Other (2 more)", "")], 2),
        (ResultContext(B, "play-rate"), RATES, 1, [("c", "0.75"), ("Other (2 more)", "")], 2),
        (ResultContext(B, "ccv-average"), RATES, 1, [("c", "0.75"), ("Other (2 more)", "")], 2),
    ],
)
def test_top_n(
    context: ResultContext,
    source: list[tuple[str, float]],
    n: int,
    rows: list[tuple[str, str]],
    folded: int,
) -> None:
    frame = buckets(context, source).top_n(n)
    assert frame.to_rows() == rows
    assert frame.other_count == folded


def test_top_n_sum_includes_a_missing_value_as_unknown() -> None:
    frame = buckets(PLAYS, ROWS).top_n(1)
    assert frame.to_rows() == [("DE", "5"), ("Other (4 more)", "")]


def test_top_n_keeps_other_last_and_refuses_to_fold_twice() -> None:
    folded = buckets(PLAYS, [("A", 1), ("B", 2), ("C", 3), ("D", 100)]).top_n(1, "Rest")
    assert folded.to_rows() == [("D", "100"), ("Rest (3 more)", "6")]
    again = folded.sorted_by("value", descending=False)
    assert again.to_rows() == [("D", "100"), ("Rest (3 more)", "6")]
    assert folded.sorted_by("dimension").dimensions.tolist() == ["D", "Rest (3 more)"]
    with pytest.raises(ValueError):
        folded.top_n(1)
    with pytest.raises(ValueError):
        BucketFrame.concat([folded])
    with pytest.raises(ValueError):
        folded.top_n(0)


def test_top_n_keeps_the_partial_flag() -> None:
    frame = BucketFrame.from_records(PLAYS, ROWS, partial=True, error="page 3: HTTP 503")
    assert frame.top_n(2).partial and frame.top_n(2).error == "page 3: HTTP 503"


@given(
    st.lists(
        st.tuples(st.text(max_size=3), st.integers(min_value=0, max_value=10**6).map(float)),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=45),
)
def test_top_n_properties(rows: list[tuple[str, float]], n: int) -> None:
    frame = buckets(PLAYS, rows)
    top = frame.top_n(n)
    assert len(top) <= n + 1
    assert top.values.sum() == frame.values.sum()  # counts add up, whole numbers are exact
    head = top.values[: len(top) - (1 if top.other_count else 0)]
    assert list(head) == sorted(head, reverse=True)
    if top.other_count:
        assert top.other_count == len(rows) - n >= 2
    peaks = buckets(PEAKS, rows).top_n(n)
    if peaks.other_count:
        assert math.isnan(peaks.values[-1])
    assert sorted(frame.sorted_by("dimension").dimensions.tolist()) == sorted(d for d, _ in rows)


# --- timeseries ----------------------------------------------------------------------------------


def test_timeseries_from_aware_datetimes() -> None:
    frame = TimeseriesFrame.from_records(
        SERIES,
        [
            (datetime(2026, 3, 29, 0, tzinfo=UTC), 1),
            (datetime(2026, 3, 29, 3, tzinfo=PARIS), 2),  # 01:00Z
            (datetime(2026, 3, 29, 2, 0, 0, 123000, tzinfo=UTC), 3),
        ],
    )
    assert frame.timestamps.dtype == np.dtype("datetime64[ms]")
    assert frame.timestamps.astype(np.int64).tolist() == [
        1774742400000,
        1774746000000,
        1774749600123,
    ]
    assert frame.epoch_seconds().tolist() == [1774742400.0, 1774746000.0, 1774749600.123]
    assert frame.header == ("time", "play")
    assert frame.to_rows("Europe/Paris") == [
        ("2026-03-29T01:00:00+01:00", "1"),
        ("2026-03-29T03:00:00+02:00", "2"),
        ("2026-03-29T04:00:00+02:00", "3"),
    ]
    assert frame.to_rows() == [
        ("2026-03-29T00:00:00+00:00", "1"),
        ("2026-03-29T01:00:00+00:00", "2"),
        ("2026-03-29T02:00:00+00:00", "3"),
    ]
    assert frame.datetimes(PARIS)[1] == datetime(2026, 3, 29, 1, tzinfo=UTC)


def test_timeseries_repeated_hour_in_new_york() -> None:
    start = datetime(2026, 11, 1, 4, tzinfo=UTC)  # 00:00 EDT
    rows = [(start + timedelta(hours=h), float(h)) for h in range(4)]
    frame = TimeseriesFrame.from_records(SERIES, rows)
    assert [t for t, _ in frame.to_rows("America/New_York")] == [
        "2026-11-01T00:00:00-04:00",
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:00:00-05:00",
        "2026-11-01T02:00:00-05:00",
    ]


@pytest.mark.parametrize(
    "timestamps",
    [
        np.array([1774742400000], dtype=np.int64),
        np.array(["2026-03-29T00:00:00"], dtype="datetime64[s]"),
    ],
)
def test_timeseries_accepts_epoch_ms_and_datetime64(timestamps: npt.NDArray[Any]) -> None:
    frame = TimeseriesFrame(SERIES, timestamps, np.array([1.0]))
    assert frame.timestamps.astype(np.int64).tolist() == [1774742400000]


def test_timeseries_refuses_naive_and_object_timestamps() -> None:
    with pytest.raises(ValueError, match="time zone"):
        TimeseriesFrame.from_records(SERIES, [(datetime(2026, 1, 1), 1.0)])
    with pytest.raises(TypeError):
        TimeseriesFrame(SERIES, np.array([datetime(2026, 1, 1, tzinfo=UTC)]), np.array([1.0]))
    with pytest.raises(ValueError, match="same length"):
        TimeseriesFrame(SERIES, np.array([1, 2]), np.array([1.0]))


def test_timeseries_sort_and_concat() -> None:
    hour = 3_600_000
    first = TimeseriesFrame(SERIES, np.array([2 * hour, 0]), np.array([5.0, 7.0]))
    second = TimeseriesFrame(
        SERIES, np.array([hour]), np.array([math.nan]), partial=True, error="reset"
    )
    joined = TimeseriesFrame.concat([first, second])
    assert joined.timestamps.astype(np.int64).tolist() == [2 * hour, 0, hour]
    assert (joined.partial, joined.error) == (True, "reset")
    by_time = joined.sorted_by("time")
    assert by_time.timestamps.astype(np.int64).tolist() == [0, hour, 2 * hour]
    assert joined.sorted_by("time", descending=True).values.tolist()[0] == 5.0
    assert joined.sorted_by("value", descending=True).values.tolist()[:2] == [7.0, 5.0]
    assert math.isnan(joined.sorted_by("value").values[-1])
    with pytest.raises(ValueError):
        TimeseriesFrame.concat([first, TimeseriesFrame.empty(ResultContext(T, "play"))])


def test_scalar() -> None:
    result = ScalarResult(ResultContext(M, "watch-time", aggregation="average"), 41.5)
    assert len(result) == 1
    assert result.header == ("metric", "value")
    assert result.to_rows() == [("watch-time", "41.5")]
    assert result.partial is False
    assert ScalarResult(ResultContext(M, "play", aggregation="count"), 3).to_rows()[0][1] == "3"
    with pytest.raises(ValueError, match="partial"):
        ScalarResult(result.context, 1.0, error="HTTP 500")
