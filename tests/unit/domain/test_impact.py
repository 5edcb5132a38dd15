"""What hurts most: the impact formulas on a hand-made dataset, worked out by hand."""

from __future__ import annotations

import pytest

from explorer.domain.impact import (
    RANKED_BY_NAME,
    ImpactRow,
    rank_average,
    rank_ratio,
    sort_rows,
)

PLAY_RATE = RANKED_BY_NAME["play rate"]
IMPRESSION_TIME = RANKED_BY_NAME["impression time"]


def test_play_rate_impact_is_the_plays_lost_to_the_shortfall() -> None:
    # Overall 630 plays / 1000 impressions = 63 %. Safari: 41 of 100 = 41 %, so
    # (0.63 - 0.41) x 100 = 22 plays lost. Chrome: 500 of 800 = 62.5 %: 0.005 x 800 = 4 lost.
    # Edge: 89 of 100 = 89 %: -26 (gained). Tiny: 0 of 10, under the minimum volume.
    rows = rank_ratio(
        PLAY_RATE,
        "browser",
        {"safari": 41, "chrome": 500, "edge": 89},
        {"safari": 100, "chrome": 800, "edge": 100, "tiny": 10},
        630,
        1000,
        min_volume=50,
    )
    assert [(r.segment, round(r.impact, 9)) for r in rows] == [
        ("safari", 22.0),
        ("chrome", 4.0),
        ("edge", -26.0),
    ]
    safari = rows[0]
    assert safari.segment_value == pytest.approx(0.41) and safari.overall_value == 0.63
    assert safari.volume == 100
    assert safari.sentence("7 days") == (
        "browser safari: play rate 41% vs 63% overall, about 22 plays lost over 7 days "
        "(100 impressions)"
    )


def test_a_segment_with_no_plays_counts_zero_plays() -> None:
    (row,) = rank_ratio(PLAY_RATE, "country", {}, {"FR": 200}, 100, 400, min_volume=1)
    assert row.segment_value == 0 and row.impact == pytest.approx(0.25 * 200)


def test_impression_time_impact_is_the_extra_waiting() -> None:
    # Overall 1000 ms. Phone 1200 ms x 500 impressions = +100,000 ms; tv 800 ms x 300 = -60,000.
    rows = rank_average(
        IMPRESSION_TIME,
        "device-type",
        {"phone": 1200.0, "tv": 800.0, "console": float("nan")},
        {"phone": 500, "tv": 300, "console": 400},
        1000.0,
        min_volume=100,
    )
    assert [(r.segment, r.impact) for r in rows] == [("phone", 100_000.0), ("tv", -60_000.0)]
    assert rows[0].sentence("1 day") == (
        "device-type phone: impression time 1,200 ms vs 1,000 ms overall, about 2 minutes more "
        "waiting in all over 1 day (500 impressions)"
    )


def test_rows_sort_by_impact_then_name_and_render_as_csv_cells() -> None:
    a = ImpactRow("play rate", "browser", "b", 0.5, 0.6, 10, 1.0)
    b = ImpactRow("play rate", "browser", "a", 0.5, 0.6, 10, 1.0)
    c = ImpactRow("completion", "country", "FR", 0.2, 0.1, 10, -1.0)
    assert sort_rows([c, a, b]) == [b, a, c]
    assert a.cells() == ("play rate", "browser", "b", "0.5", "0.6", "10", "1.0")


def test_a_media_segment_is_named_by_its_title() -> None:
    row = ImpactRow("play rate", "media-id", "vi1", 0.5, 0.6, 100, 10.0)
    assert row.sentence("7 days", {"vi1": "Launch ad"}).startswith(
        'media-id "Launch ad" (vi1): play rate 50% vs 60% overall, about 10 plays lost'
    )
    assert row.sentence("7 days").startswith("media-id vi1: ")
