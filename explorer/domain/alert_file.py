"""Reading an alert rules file (TOML, `explorer.domain.alerts`): every mistake a `RulesError`
naming its line and why (tomllib's line for syntax; the rule's or its key's line otherwise)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from explorer.domain.alerts import (
    DEFAULT_CHECK_EVERY,
    DEFAULT_WINDOW,
    DIRECTIONS,
    MAX_HISTORY_DAYS,
    SHORTEST_CHECK,
    Anomaly,
    Rule,
    RulesError,
    RuleSet,
    Threshold,
)
from explorer.domain.catalogue import (
    MAX_LOOKBACK,
    METRICS,
    Endpoint,
    aggregations_for,
    is_all_time,
)
from explorer.domain.query import Query, or_list
from explorer.domain.timerange import as_zone, describe_duration, parse_duration

_TOP_KEYS = ("check_every", "zone", "rule")
ALIASES = {"play-rate": ("play", "rate"), "ccv-peak": ("ccv", "peak")}
"""Names of the buckets and timeseries endpoints a rule may use for their metrics twin."""
_RULE_KEYS = (
    "name", "metric", "aggregation", "filters", "window", "above", "below", "while_on_air",
    "anomaly", "unique", "view_duration",
)  # fmt: skip
_ANOMALY_KEYS = ("k", "min_days", "days", "direction")
_VALIDATED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # any instant: a rule's window is relative

_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def parse_rules(text: str) -> RuleSet:
    """The rules in a file's text; a `RulesError` (line, why) for the first mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_LINE.search(message)
        line = int(found.group(1)) if found else max(len(text.splitlines()), 1)  # at its end
        why = _TOML_LINE.sub("", message).replace(" (at end of document)", " at the end")
        raise RulesError(line, "not valid TOML: " + why) from None
    lines = text.splitlines()
    for key in data:
        if key not in _TOP_KEYS:
            raise RulesError(_key_line(lines, 0, len(lines), key), _unknown(key, _TOP_KEYS))
    zone = data.get("zone", "UTC")
    if not isinstance(zone, str):
        raise RulesError(_key_line(lines, 0, len(lines), "zone"), "zone must be an IANA name")
    try:
        as_zone(zone)
    except ValueError as error:
        raise RulesError(_key_line(lines, 0, len(lines), "zone"), str(error)) from None
    every = _duration(data.get("check_every"), DEFAULT_CHECK_EVERY, lines, 0, "check_every")
    if every < SHORTEST_CHECK:
        raise RulesError(
            _key_line(lines, 0, len(lines), "check_every"),
            f"check_every must be at least {describe_duration(SHORTEST_CHECK)}",
        )
    raw = data.get("rule", [])
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise RulesError(_key_line(lines, 0, len(lines), "rule"), "write each rule as [[rule]]")
    if not raw:
        raise RulesError(0, "the file holds no rule: add a [[rule]] section (see the README)")
    starts = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    rules = []
    for index, table in enumerate(raw):
        start = starts[index] if index < len(starts) else 0
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        rules.append(_rule(table, index, lines, start, end))
    for index, rule in enumerate(rules):
        if any(r.name == rule.name for r in rules[:index]):
            raise RulesError(rule.line, f"two rules are named {rule.name!r}: name each its own")
    return RuleSet(tuple(rules), zone, every)


def _rule(table: dict[str, Any], index: int, lines: Sequence[str], start: int, end: int) -> Rule:
    def fail(key: str, why: str) -> RulesError:
        line = _key_line(lines, start, end, key) if key else start + 1
        return RulesError(line, f"rule {name!r}: {why}")

    name = table.get("name", f"rule {index + 1}")
    if not isinstance(name, str) or not name.strip():
        name = f"rule {index + 1}"
        raise fail("name", "name must be a text")
    for key in table:
        if key not in _RULE_KEYS:
            raise fail(key, _unknown(key, _RULE_KEYS))
    metrics = METRICS[Endpoint.METRICS]
    metric = table.get("metric")
    aggregation = table.get("aggregation")
    if isinstance(metric, str) and metric in ALIASES:  # the buckets/timeseries names
        metric, implied = ALIASES[metric]
        if aggregation not in (None, implied):
            raise fail("aggregation", f"{table['metric']} is {metric} {implied}, not {aggregation}")
        aggregation = implied
    if not isinstance(metric, str) or metric not in metrics:
        raise fail("metric" if "metric" in table else "", f"metric must be {or_list(metrics)}")
    if aggregation is None and len(aggregations_for(metric)) == 1:
        aggregation = aggregations_for(metric)[0]  # start, end, impression, view: count
    filters = _filters(table.get("filters", {}), fail)
    window = _duration(table.get("window"), DEFAULT_WINDOW, lines, start, "window", end, name)
    if window > MAX_LOOKBACK:
        raise fail("window", f"window is longer than the API's {MAX_LOOKBACK.days} days")
    unique = table.get("unique")
    if unique is not None and not isinstance(unique, bool):
        raise fail("unique", "unique is true or false")
    view = table.get("view_duration")
    if view is not None and not isinstance(view, str):
        raise fail("view_duration", 'view_duration is a text such as "5s"')
    query = Query(
        endpoint=Endpoint.METRICS, metric=metric,
        aggregation=aggregation if isinstance(aggregation, str) else None,
        filters=filters, unique=unique, view_duration=view,
    )  # fmt: skip
    choices = aggregations_for(metric)
    if aggregation not in choices:
        key = "aggregation" if "aggregation" in table else ""
        raise fail(key, f"{metric} takes the aggregation {or_list(choices)}, not {aggregation!r}")
    if aggregation == "live" and "anomaly" in table:
        raise fail("anomaly", "ccv live is the last 20 seconds, not an hour: compare ccv peak")
    problems = query.validate(_VALIDATED_AT)
    if problems:
        key = next((k for k in ("unique", "view_duration") if k in table), "filters")
        key = key if any(w in problems[0] for w in ("unique", "viewDuration")) else "filters"
        raise fail(key if key in table else "metric", "; ".join(problems))
    assert query.aggregation is not None
    condition = _condition(table, fail, is_all_time(Endpoint.METRICS, metric, query.aggregation))
    return Rule(
        name=name, line=start + 1, metric=metric, aggregation=query.aggregation,
        condition=condition, filters=filters, window=window, unique=unique, view_duration=view,
    )  # fmt: skip


def _condition(table: dict[str, Any], fail: Any, all_time: bool) -> Threshold | Anomaly:
    bounds = {k: table[k] for k in ("above", "below") if k in table}
    anomaly = table.get("anomaly")
    if bounds and anomaly is not None:
        raise fail("anomaly", "a rule is a threshold (above/below) or an anomaly, not both")
    for key, value in bounds.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(key, f"{key} must be a number")
    on_air = table.get("while_on_air", False)
    if not isinstance(on_air, bool):
        raise fail("while_on_air", "while_on_air is true or false")
    if bounds:
        above, below = bounds.get("above"), bounds.get("below")
        if above is not None and below is not None and below > above:
            raise fail("below", "below is above 'above': no value could be outside both")
        return Threshold(
            float(above) if above is not None else None,
            float(below) if below is not None else None,
            on_air,
        )
    if anomaly is None:
        raise fail("", "say when it fires: above = N, below = N, or an [rule.anomaly] table")
    if not isinstance(anomaly, dict):
        raise fail("anomaly", "anomaly is a table: anomaly = { k = 3, min_days = 7 }")
    if on_air:
        raise fail("while_on_air", "while_on_air applies to thresholds only")
    if all_time:
        raise fail("anomaly", "play total is all-time: it has no hourly values to compare")
    for key in anomaly:
        if key not in _ANOMALY_KEYS:
            raise fail(key, _unknown(key, _ANOMALY_KEYS))
    k = anomaly.get("k", 3.0)
    if isinstance(k, bool) or not isinstance(k, int | float) or not 0 < k <= 100:
        raise fail("k", "k (how many standard deviations) is a number above 0")
    min_days = anomaly.get("min_days", 7)
    if isinstance(min_days, bool) or not isinstance(min_days, int) or min_days < 2:
        raise fail("min_days", "min_days is a whole number of days, at least 2")
    days = anomaly.get("days", max(28, min_days))
    if isinstance(days, bool) or not isinstance(days, int) or not min_days <= days:
        raise fail("days", f"days is a whole number of days, at least min_days ({min_days})")
    if days > MAX_HISTORY_DAYS:
        raise fail("days", f"days is at most {MAX_HISTORY_DAYS}")
    direction = anomaly.get("direction", "both")
    if direction not in DIRECTIONS:
        raise fail("direction", f"direction must be {or_list(DIRECTIONS)}")
    return Anomaly(float(k), min_days, days, direction)


def _filters(raw: Any, fail: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise fail("filters", 'filters is a table: filters = { mediaId = ["li…"] }')
    found: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise fail("filters", f"filters.{key} is a text or a list of texts")
        found[str(key)] = tuple(values)
    return found


def _duration(
    raw: Any,
    default: timedelta,
    lines: Sequence[str],
    start: int,
    key: str,
    end: int | None = None,
    rule: str = "",
) -> timedelta:
    if raw is None:
        return default
    lead = f"rule {rule!r}: " if rule else ""
    line = _key_line(lines, start, len(lines) if end is None else end, key)
    if not isinstance(raw, str):
        raise RulesError(line, f'{lead}{key} is a duration such as "1h" or "90m"')
    try:
        return parse_duration(raw.strip().removeprefix("last").strip())  # "last 1h" too
    except ValueError as error:
        raise RulesError(line, f"{lead}{key}: {error}") from None


def _key_line(lines: Sequence[str], start: int, end: int, key: str) -> int:
    """The 1-based line where ``key`` is set between ``start`` and ``end`` (the section's
    first line when it is not found: a key inside an inline table, say)."""
    pattern = re.compile(
        rf"""^\s*(?:["']?{re.escape(key)}["']?)\s*=|[{{,]\s*{re.escape(key)}\s*="""
    )
    for number_, line in enumerate(lines[start:end], start + 1):
        if pattern.search(line):
            return number_
    for number_, line in enumerate(lines[start:end], start + 1):
        if re.search(rf"\b{re.escape(key)}\b", line):
            return number_
    return start + 1


def _unknown(key: str, known: Sequence[str]) -> str:
    return f"unknown key {key!r}; the keys are {or_list(known)}"
