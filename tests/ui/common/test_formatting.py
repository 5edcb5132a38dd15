"""Numbers, units and timeframes as they read on screen."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from explorer.domain.catalogue import Endpoint, Unit
from explorer.domain.frames import ResultContext
from explorer.ui.common.formatting import elide, format_number, format_short, format_timeframe


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1234.0, Unit.COUNT, ("1,234", "events")),
        (0.425, Unit.RATIO, ("42.5 %", "ratio 0.425")),
        (5779.0, Unit.SECONDS, ("5,779", "seconds (1 hour 36 minutes)")),
        (6302051.76, Unit.SECONDS, ("6,302,052", "seconds (72 days 22 hours)")),
        (1250.0, Unit.MILLISECONDS, ("1,250", "milliseconds (1.25 s)")),
        (2.5, Unit.VIEWERS, ("2.5", "viewers")),
        (math.nan, Unit.COUNT, ("—", "no value")),
    ],
)
def test_format_number(value: float, unit: Unit, expected: tuple[str, str]) -> None:
    assert format_number(value, unit) == expected


def test_short_values_and_elision() -> None:
    assert format_short(0.5, Unit.RATIO) == "50.0 %"
    assert format_short(math.nan, Unit.COUNT) == "—"
    assert elide("x" * 40, 10) == "x" * 9 + "…"


def test_timeframes_read_in_the_zone_with_their_offset() -> None:
    context = ResultContext(
        Endpoint.METRICS,
        "play",
        "count",
        start=datetime(2026, 3, 28, 23, tzinfo=UTC),
        end=datetime(2026, 3, 29, 22, tzinfo=UTC),
    )
    # the night the clocks go forward in Paris: the offset shown is the one at the end
    assert format_timeframe(context, "Europe/Paris") == (
        "2026-03-29 00:00 → 2026-03-30 00:00 (Europe/Paris, UTC+02:00)"
    )
    assert format_timeframe(ResultContext(Endpoint.BUCKETS, "play-total"), "UTC").startswith(
        "All time"
    )
