"""Alert rules: the TOML file read line-exactly, and the anomaly's arithmetic worked by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from explorer.domain.alert_file import parse_rules
from explorer.domain.alerts import (
    Anomaly,
    Baseline,
    RulesError,
    Threshold,
    judge_anomaly,
    last_whole_hour,
    same_hours,
)

PLAY = "[[rule]]\nname = 'a'\nmetric = 'play'\naggregation = 'count'\n"
EXAMPLE = """\
zone = "Europe/Paris"
check_every = "10m"

[[rule]]
name = "audience collapse"
metric = "ccv"
aggregation = "live"
filters = { mediaId = ["li123"] }
below = 10
while_on_air = true

[[rule]]
name = "slow start"
metric = "impression-time"
aggregation = "average"
window = "1h"
above = 1500

[[rule]]
name = "play rate"
metric = "play"
aggregation = "rate"
[rule.anomaly]
k = 2.5
min_days = 7
direction = "below"
"""


def test_the_example_reads_as_written() -> None:
    rules = parse_rules(EXAMPLE)
    assert rules.zone == "Europe/Paris" and rules.check_every == timedelta(minutes=10)
    collapse, slow, rate = rules.rules
    assert (collapse.line, slow.line, rate.line) == (4, 12, 19)
    assert collapse.condition == Threshold(below=10, while_on_air=True)
    assert collapse.filters == {"mediaId": ("li123",)}
    assert slow.condition == Threshold(above=1500) and slow.window == timedelta(hours=1)
    assert rate.condition == Anomaly(k=2.5, min_days=7, days=28, direction="below")
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    query = slow.window_query(now)
    assert query.path() == "/data/metrics/impression-time/average"
    assert (query.start, query.end) == (now - timedelta(hours=1), now)


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        ("[[rule]]\nname = 'a'\nmetric = \n", 3, "not valid TOML"),
        (PLAY + "above = [1\n", 5, "TOML"),
        ("x = 1\n", 1, "unknown key 'x'"),
        ("[[rule]]\nname = 'a'\nmetric = 'plays'\nabove = 1\n", 3, "metric must be play"),
        (
            PLAY + "above = 1\n\n"
            "[[rule]]\nname = 'b'\nmetric = 'play'\naggregation = 'avg'\nabove = 1\n",
            10,
            "rule 'b': play takes the aggregation count, rate or total, not 'avg'",
        ),
        (
            PLAY + "above = 'ten'\n",
            5,
            "above must be a number",
        ),
        (PLAY, 1, "say when it fires"),
        (
            PLAY + "\n[rule.anomaly]\nk = 3\nmin_days = 1\n",
            8,
            "min_days is a whole number of days, at least 2",
        ),
        (
            PLAY + "filters = { country = 'fr' }\nabove = 1\n",
            5,
            "two-letter ISO 3166",
        ),
        (
            PLAY + "window = '1 hour'\nabove = 1\n",
            5,
            "window",
        ),
        (
            PLAY + "window = '45d'\nabove = 1\n",
            5,
            "longer than",
        ),
        (
            "zone = 'Mars/Olympus'\n[[rule]]\nmetric = 'play'\naggregation = 'count'\nabove = 1\n",
            1,
            "time zone",
        ),
        (
            "[[rule]]\nname = 'a'\nmetric = 'play'\naggregation = 'total'\nanomaly = { k = 3 }\n",
            5,
            "all-time",
        ),
        (
            PLAY + "above = 1\n\n" + PLAY + "below = 1\n",
            7,
            "two rules are named 'a'",
        ),
        ("", 0, "holds no rule"),
    ],
)
def test_a_bad_file_names_its_line_and_why(text: str, line: int, why: str) -> None:
    with pytest.raises(RulesError) as raised:
        parse_rules(text)
    assert raised.value.line == line, str(raised.value)
    assert why in str(raised.value)
    assert str(raised.value).startswith(f"line {line}: ") == bool(line)


def test_baseline_mean_and_sample_deviation_by_hand() -> None:
    baseline = Baseline.of([900, 1000, 1100, 1000, math.nan])  # NaN: an hour never stored
    assert baseline.values == (900, 1000, 1100, 1000)
    assert baseline.mean == 1000
    assert baseline.sd == pytest.approx(math.sqrt(20_000 / 3))  # squared deviations / (n - 1)
    # 3 sd = 244.9: the band is [755.1, 1244.9]
    assert baseline.outside(1240, 3) is False and baseline.outside(1250, 3) is True
    assert baseline.outside(760, 3) is False and baseline.outside(750, 3) is True
    assert baseline.outside(1250, 3, "below") is False
    assert baseline.outside(750, 3, "above") is False
    assert baseline.outside(750, 3, "below") is True


def test_judging_needs_min_days() -> None:
    rule = parse_rules(
        "[[rule]]\nname = 'r'\nmetric = 'play'\naggregation = 'count'\n"
        "anomaly = { k = 2, min_days = 5 }\n"
    ).rules[0]
    state, text = judge_anomaly(rule, 50, Baseline.of([10, 12, 11, 9]))
    assert state == "skipped" and "4 of the 5 days" in text
    state, _ = judge_anomaly(rule, 50, Baseline.of([10, 12, 11, 9, 10]))
    assert state == "fired"
    state, _ = judge_anomaly(rule, 11, Baseline.of([10, 12, 11, 9, 10]))
    assert state == "quiet"


def test_same_hour_of_day_follows_the_wall_clock_across_dst() -> None:
    """Paris moves to summer time on 2026-03-29: 14:00 local is 12:00Z after, 13:00Z before."""
    now = datetime(2026, 3, 30, 12, 40, tzinfo=UTC)  # 14:40 in Paris
    hour = last_whole_hour(now, "Europe/Paris")
    assert hour.astimezone(UTC) == datetime(2026, 3, 30, 11, 0, tzinfo=UTC)  # 13:00 local
    earlier = same_hours(hour, 3)
    assert [h.hour for h in earlier] == [13, 13, 13]
    assert [h.astimezone(UTC).hour for h in earlier] == [11, 12, 12]


def test_shorthands_a_person_would_write() -> None:
    rules = parse_rules(
        "[[rule]]\nname = 'a'\nmetric = 'play-rate'\nwindow = 'last 1h'\nbelow = 0.2\n"
        "[[rule]]\nname = 'b'\nmetric = 'impression'\nabove = 10\n"
        "[[rule]]\nname = 'c'\nmetric = 'ccv-peak'\nanomaly = { min_days = 3 }\n"
    )
    a, b, c = rules.rules
    assert (a.metric, a.aggregation, a.window) == ("play", "rate", timedelta(hours=1))
    assert (b.metric, b.aggregation) == ("impression", "count")
    assert (c.metric, c.aggregation) == ("ccv", "peak")
    assert c.condition == Anomaly(k=3, min_days=3, days=28)


def test_an_anomaly_of_ccv_live_is_refused() -> None:
    with pytest.raises(RulesError, match=r"line 4: .*compare ccv peak"):
        parse_rules("[[rule]]\nmetric = 'ccv'\naggregation = 'live'\nanomaly = { k = 3 }\n")


def test_the_readme_example_is_a_valid_rules_file() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    start = readme.index("# alerts.toml")
    rules = parse_rules(readme[start : readme.index("```", start)])
    assert [r.name for r in rules.rules] == ["audience collapse", "slow start", "play rate"]
    assert isinstance(rules.rules[2].condition, Anomaly)
