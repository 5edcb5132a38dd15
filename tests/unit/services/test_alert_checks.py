"""Alert rules checked against a loopback sandbox on a pinned clock (2026-03-10T12:00Z) whose
data has a change injected in the last hour; every expected figure is worked out by hand.

The scenario: on each of the 10 days before, one impression of video A at 11:20 UTC whose
first frame came 900, 1000 or 1100 ms after loading (cycling); today's at 11:20 takes
``today_ms`` (1000 as usual, 2000 when the change is injected: impression time doubles).
Live stream C (broadcasting) has ``watching`` viewers playing from 11:50 on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.alert_file import parse_rules
from explorer.services.alert_checks import (
    BACKFILL_PER_ROUND,
    SERIES_PREFIX,
    AlertChecks,
    check_interval,
    query_command,
    read_rules,
    requests_per_round,
)
from explorer.services.sources.apivideo.source import ApiVideoSource
from explorer.store import Store, open_store
from tests.support.handmade import NOW, S, ev
from tests.unit.conftest import Serve

A = "viAAAAAAAAAAAAAAAAAAAA"
C = "liCCCCCCCCCCCCCCCCCCCC"
PINNED = datetime.fromisoformat(NOW)
CYCLE = (900, 1000, 1100)
# the 10 earlier days: 900, 1000, 1100, 900, … 900 -> mean 990; squared deviations
# 4·8100 + 3·100 + 3·12100 = 69 000, over 9 -> sd = sqrt(7666.67) = 87.56
BASE_MEAN, BASE_SD = 990.0, math.sqrt(69_000 / 9)


def scenario(today_ms: int = 1000, watching: int = 1) -> list[S]:
    sessions = []
    for back in range(0, 11):
        day = (PINNED - timedelta(days=back)).date().isoformat()
        delay = today_ms if back == 0 else CYCLE[(back - 1) % 3]
        loaded = datetime.fromisoformat(f"{day}T11:20:00+00:00")
        ready = loaded + timedelta(milliseconds=delay)
        sessions.append(
            S(A, loaded.isoformat(), [ev("ready", ready.isoformat())], ended_at=ready.isoformat())
        )
    for viewer in range(watching):
        sessions.append(
            S(
                C,
                "2026-03-10T11:50:00+00:00",
                [
                    ev("ready", "2026-03-10T11:50:01+00:00"),
                    ev("play", "2026-03-10T11:50:02+00:00", at=0),
                    ev("pause", "2026-03-10T12:30:00+00:00", at=2398),
                ],
                viewer=100 + viewer,
            )
        )
    return sessions


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3")
    yield opened.store
    opened.store.close()


def checks(serve: Serve, store: Store | None = None, **scenario_options: int) -> AlertChecks:
    api = serve(scenario(**scenario_options))
    source = ApiVideoSource(
        ApiVideoClient(str(api.base_url), Secret("sandbox-local-key")), "t", "LOCAL"
    )
    if store is not None:
        source.attach_store(store)
    return AlertChecks(source, now=lambda: PINNED)


SLOW_START = """
[[rule]]
name = "slow start"
metric = "impression-time"
aggregation = "average"
filters = { mediaType = "video" }
window = "1h"
above = 1500
"""

ANOMALY = """
[[rule]]
name = "impression time"
metric = "impression-time"
aggregation = "average"
filters = {{ mediaId = ["{a}"] }}
[rule.anomaly]
k = 3
min_days = {min_days}
days = {days}
"""


def anomaly(min_days: int = 7, days: int = 14) -> str:
    return ANOMALY.format(a=A, min_days=min_days, days=days)


def test_threshold_fires_when_impression_time_doubles_in_the_last_hour(serve: Serve) -> None:
    outcome = checks(serve, today_ms=2000).run(parse_rules(SLOW_START)).outcomes[0]
    assert outcome.state == "fired"
    assert outcome.value == 2000
    assert "= 2,000 over the last 1 hour: above 1,500" in outcome.text
    assert outcome.query is not None
    assert outcome.query.start == PINNED - timedelta(hours=1) and outcome.query.end == PINNED


def test_threshold_is_quiet_without_the_change(serve: Serve) -> None:
    outcome = checks(serve).run(parse_rules(SLOW_START)).outcomes[0]
    assert (outcome.state, outcome.value) == ("quiet", 1000)


ON_AIR = f"""
[[rule]]
name = "audience"
metric = "ccv"
aggregation = "live"
filters = {{ mediaId = ["{C}"] }}
below = 10
while_on_air = true
"""


def test_ccv_live_below_while_on_air(serve: Serve) -> None:
    checked = checks(serve, watching=3).run(parse_rules(ON_AIR))
    outcome = checked.outcomes[0]
    assert (outcome.state, outcome.value) == ("fired", 3)
    assert checked.requests == 2  # the live streams listed, the value asked
    crowd = checks(serve, watching=12).run(parse_rules(ON_AIR)).outcomes[0]
    assert (crowd.state, crowd.value) == ("quiet", 12)


def test_while_on_air_skips_a_stream_that_is_not_broadcasting(serve: Serve) -> None:
    rules = parse_rules(ON_AIR.replace(C, "liZZZZZZZZZZZZZZZZZZZZ"))
    checked = checks(serve, watching=3).run(rules)
    outcome = checked.outcomes[0]
    assert outcome.state == "skipped"
    assert "not on air" in outcome.text and outcome.value is None
    assert checked.requests == 1  # the value is not asked


def test_anomaly_fires_on_the_doubled_hour(serve: Serve, store: Store) -> None:
    checked = checks(serve, store, today_ms=2000).run(parse_rules(anomaly()))
    outcome = checked.outcomes[0]
    assert outcome.state == "fired", outcome.text
    low, high = BASE_MEAN - 3 * BASE_SD, BASE_MEAN + 3 * BASE_SD  # 727.3, 1252.7
    assert f"[{low:,.4g}, {high:,.4g}]" in outcome.text
    assert "10 days" in outcome.text  # the 4 hours without an impression are no history
    assert "11:00–12:00 UTC" in outcome.text
    assert checked.requests == 1 + 14  # the hour, and the 14 same hours not yet stored


def test_anomaly_is_quiet_on_a_usual_hour_and_reads_the_stored_history(
    serve: Serve, store: Store
) -> None:
    checker = checks(serve, store)
    first = checker.run(parse_rules(anomaly()))
    assert first.outcomes[0].state == "quiet", first.outcomes[0].text
    again = checker.run(parse_rules(anomaly()))
    assert again.outcomes[0].state == "quiet"
    assert again.requests == 1  # the same hours now come from the store


def test_anomaly_with_too_little_history_says_so_and_does_not_fire(serve: Serve) -> None:
    outcome = checks(serve, today_ms=2000).run(parse_rules(anomaly(min_days=12))).outcomes[0]
    assert outcome.state == "skipped"
    assert "not enough history" in outcome.text and "10 of the 12 days" in outcome.text


def test_anomaly_history_beyond_the_lookback_comes_from_the_store(
    serve: Serve, store: Store
) -> None:
    """Days 31-40 back are past what the API serves: written into the store, they count."""
    rules = parse_rules(anomaly(min_days=15, days=40))
    rule = rules.rules[0]
    hour = PINNED - timedelta(hours=1)
    series = SERIES_PREFIX + rule.query(hour, PINNED).store_key()
    old = [hour - timedelta(days=back) for back in range(31, 41)]
    store.put_points("demo", series, [(int(h.timestamp() * 1000), 1000.0) for h in old], PINNED)
    checked = checks(serve, store, today_ms=2000).run(rules)
    outcome = checked.outcomes[0]
    assert outcome.state == "fired", outcome.text
    assert "20 days" in outcome.text  # 10 from the API, 10 from the store
    # the API serves back to now - 30 days + 15 minutes: days 1-29 are asked, day 30 is not
    assert checked.requests == 1 + 29


def test_query_command_shows_the_rule() -> None:
    rule = parse_rules(anomaly()).rules[0]
    query = rule.query(PINNED - timedelta(hours=1), PINNED)
    assert query_command(query) == (
        "analytics-explorer query metrics impression-time average "
        "--from 2026-03-10T11:00:00+00:00 --to 2026-03-10T12:00:00+00:00 "
        f"--filter mediaId={A}"
    )


def test_interval_fits_the_rate_budget() -> None:
    rules = parse_rules(SLOW_START + ON_AIR)
    assert requests_per_round(rules) == 3
    interval, said = check_interval(rules, 100)
    assert interval == timedelta(minutes=5)  # 3 requests in 5 minutes: 0.6% of 100 a minute
    assert "3 requests a round" in said and "0.6% of the 100 a minute" in said
    tight, _ = check_interval(rules, 10)  # 5% of 10 a minute: one request in 2 minutes
    assert tight == timedelta(minutes=6)


def test_read_rules_names_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        read_rules(tmp_path / "missing.toml")
    (tmp_path / "latin.toml").write_bytes(b'[[rule]]\nname = "caf\xe9"\n')
    with pytest.raises(ValueError, match="line 2: not UTF-8"):
        read_rules(tmp_path / "latin.toml")


def test_the_background_fills_the_history_a_few_hours_a_round(serve: Serve, store: Store) -> None:
    """The window's rounds fetch 8 missing same hours at most (the rate budget), the newest
    first: 14 days take two rounds, then only the last hour is asked."""
    api = serve(scenario(today_ms=2000))
    client = ApiVideoClient(str(api.base_url), Secret("sandbox-local-key"))
    source = ApiVideoSource(client, "t", "LOCAL")
    source.attach_store(store)
    checker = AlertChecks(source, now=lambda: PINNED, backfill=BACKFILL_PER_ROUND)
    rules = parse_rules(anomaly(min_days=7, days=14))
    first = checker.run(rules)
    assert first.requests == 1 + 8
    assert first.outcomes[0].state == "fired"  # days 1-8 back: all with an impression
    assert "8 days" in first.outcomes[0].text
    assert "(6 earlier same hours are fetched next rounds)" in first.outcomes[0].text
    second = checker.run(rules)
    assert second.requests == 1 + 6
    assert (
        "10 days" in second.outcomes[0].text
        and "fetched next rounds" not in second.outcomes[0].text
    )
    assert checker.run(rules).requests == 1
