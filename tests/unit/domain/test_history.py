"""Merging stored timeseries history with fresh points: hand-computed cases of the rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.domain.history import MergedSeries, Points, merge_history

H = 3_600_000  # one hour in ms


def _rows(merged: MergedSeries) -> list[tuple[int, float, bool]]:
    return [
        (int(t), float(v), bool(h))
        for t, v, h in zip(merged.ms, merged.values, merged.from_history, strict=True)
    ]


def test_history_fills_before_the_fresh_range_and_fresh_wins_where_both_exist() -> None:
    # Stored: hours 0..5 (old values). Fresh: the API's retention covers hours 3..6.
    history = [(h * H, 10.0 + h) for h in range(6)]
    fresh = [(3 * H, 3.0), (4 * H, 4.0), (5 * H, 5.0)]
    merged = merge_history(
        history, fresh, fresh_start_ms=3 * H, fresh_end_ms=6 * H, start_ms=1 * H, end_ms=6 * H
    )
    assert _rows(merged) == [
        (1 * H, 11.0, True),
        (2 * H, 12.0, True),
        (3 * H, 3.0, False),
        (4 * H, 4.0, False),
        (5 * H, 5.0, False),
    ]
    assert merged.ms.dtype == np.int64 and merged.values.dtype == np.float64
    assert merged.from_history.dtype == np.bool_


def test_inside_the_fresh_range_a_bucket_missing_from_fresh_is_not_filled_from_history() -> None:
    history = [(0, 1.0), (H, 2.0), (2 * H, 3.0)]
    fresh = [(2 * H, 30.0)]  # the API says hour 1 is empty now
    merged = merge_history(
        history, fresh, fresh_start_ms=H, fresh_end_ms=3 * H, start_ms=0, end_ms=3 * H
    )
    assert _rows(merged) == [(0, 1.0, True), (2 * H, 30.0, False)]


def test_history_after_an_early_fresh_range_fills_in_too() -> None:
    history = [(0, 1.0), (H, 2.0), (2 * H, 3.0), (3 * H, 4.0)]
    fresh = [(H, 20.0)]
    merged = merge_history(
        history, fresh, fresh_start_ms=H, fresh_end_ms=2 * H, start_ms=0, end_ms=4 * H
    )
    assert _rows(merged) == [
        (0, 1.0, True),
        (H, 20.0, False),
        (2 * H, 3.0, True),
        (3 * H, 4.0, True),
    ]


def test_the_window_is_half_open_and_cuts_both_inputs() -> None:
    history = [(0, 1.0), (H, 2.0), (2 * H, 3.0)]
    fresh = [(3 * H, 4.0), (4 * H, 5.0)]
    merged = merge_history(
        history, fresh, fresh_start_ms=3 * H, fresh_end_ms=5 * H, start_ms=H, end_ms=4 * H
    )
    assert _rows(merged) == [(H, 2.0, True), (2 * H, 3.0, True), (3 * H, 4.0, False)]


def test_an_empty_fresh_range_gives_history_alone_offline() -> None:
    history = [(2 * H, 3.0), (0, 1.0)]  # any order in, time order out
    merged = merge_history(history, [], fresh_start_ms=H, fresh_end_ms=H, start_ms=0, end_ms=3 * H)
    assert _rows(merged) == [(0, 1.0, True), (2 * H, 3.0, True)]


def test_no_history_gives_fresh_alone() -> None:
    merged = merge_history(
        [],
        [(0, 1.0), (H, math.nan)],
        fresh_start_ms=0,
        fresh_end_ms=2 * H,
        start_ms=0,
        end_ms=2 * H,
    )
    assert merged.ms.tolist() == [0, H]
    assert merged.values[0] == 1.0 and math.isnan(merged.values[1])  # NaN travels as is
    assert merged.from_history.tolist() == [False, False]


def test_both_empty_gives_empty_arrays() -> None:
    merged = merge_history([], [], fresh_start_ms=0, fresh_end_ms=0, start_ms=0, end_ms=H)
    assert [a.size for a in merged] == [0, 0, 0]


def test_a_fresh_point_outside_its_range_still_wins_over_history_at_that_time() -> None:
    # An hourly bucket starting 10:00 returned for a fresh range from 10:30.
    history = [(0, 1.0), (10 * H, 2.0)]
    fresh = [(10 * H, 20.0), (11 * H, 21.0)]
    merged = merge_history(
        history,
        fresh,
        fresh_start_ms=10 * H + H // 2,
        fresh_end_ms=12 * H,
        start_ms=0,
        end_ms=12 * H,
    )
    assert _rows(merged) == [(0, 1.0, True), (10 * H, 20.0, False), (11 * H, 21.0, False)]


def test_a_repeated_timestamp_within_one_input_keeps_its_last_value() -> None:
    merged = merge_history(
        [(0, 1.0), (0, 2.0)],
        [(H, 3.0), (H, 4.0)],
        fresh_start_ms=H,
        fresh_end_ms=2 * H,
        start_ms=0,
        end_ms=2 * H,
    )
    assert _rows(merged) == [(0, 2.0, True), (H, 4.0, False)]


def test_points_columns_and_datetime64_are_accepted() -> None:
    history = Points.of(np.array([0, H], dtype="datetime64[ms]"), [1.0, 2.0])
    fresh = Points.of(np.array([H, 2 * H], dtype=np.int64), np.array([20.0, 30.0]))
    merged = merge_history(
        history, fresh, fresh_start_ms=H, fresh_end_ms=3 * H, start_ms=0, end_ms=3 * H
    )
    assert _rows(merged) == [(0, 1.0, True), (H, 20.0, False), (2 * H, 30.0, False)]
    # A datetime64 array in seconds is converted, not misread as milliseconds.
    seconds = Points.of(np.array([3600], dtype="datetime64[s]"), [1.0])
    assert seconds.ms.tolist() == [H]


def test_the_result_is_read_only_and_the_inputs_are_untouched() -> None:
    fresh_ms = np.array([H, 0], dtype=np.int64)
    fresh = Points(fresh_ms, np.array([2.0, 1.0]))
    merged = merge_history(
        [], fresh, fresh_start_ms=0, fresh_end_ms=2 * H, start_ms=0, end_ms=2 * H
    )
    assert fresh_ms.tolist() == [H, 0]
    for array in merged:
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0


@pytest.mark.parametrize(
    ("fresh_start", "fresh_end", "start", "end", "message"),
    [(2, 1, 0, 3, "fresh range ends before"), (0, 1, 3, 2, "requested range ends before")],
)
def test_backwards_ranges_are_refused(
    fresh_start: int, fresh_end: int, start: int, end: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        merge_history(
            [], [], fresh_start_ms=fresh_start, fresh_end_ms=fresh_end, start_ms=start, end_ms=end
        )


def test_mismatched_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="2 timestamps for 1 values"):
        Points.of([0, 1], [1.0])
