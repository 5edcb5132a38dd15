"""What the query builder offers, derived from the catalogue: each option, enabled or why not.

No Qt here: the builder turns these `Choice` lists into combo items. Nothing is hard-coded a
second time; every rule comes from `explorer.domain.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from explorer.domain import catalogue as cat
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import and_list, or_list
from explorer.domain.timerange import Preset, describe_duration

ENDPOINT_LABELS: dict[Endpoint, str] = {
    Endpoint.METRICS: "Aggregate",
    Endpoint.BUCKETS: "Breakdown",
    Endpoint.TIMESERIES: "Over time",
}
ENDPOINT_HINTS: dict[Endpoint, str] = {
    Endpoint.METRICS: "One number for the whole time range (/data/metrics)",
    Endpoint.BUCKETS: "One value per country, device, video… (/data/buckets)",
    Endpoint.TIMESERIES: "One value per minute, hour or day (/data/timeseries)",
}
CUSTOM_RANGE = "custom"


@dataclass(frozen=True)
class Choice:
    """One combo entry. ``value`` None is "leave it to the API"; a header only groups."""

    value: str | None
    label: str
    enabled: bool = True
    tooltip: str = ""
    header: bool = False


def _endpoints_with(metric: str) -> list[Endpoint]:
    return [e for e in Endpoint if metric in cat.METRICS[e]]


def all_metric_names() -> list[str]:
    """Every metric any endpoint has, in catalogue order (metrics endpoint first)."""
    names: dict[str, None] = {}
    for endpoint in Endpoint:
        names.update(dict.fromkeys(cat.METRICS[endpoint]))
    return list(names)


def describe_metric(endpoint: Endpoint, name: str) -> cat.Metric:
    """The metric as this endpoint defines it, else as the first endpoint that has it."""
    return cat.METRICS[endpoint].get(name) or cat.METRICS[_endpoints_with(name)[0]][name]


def metric_choices(endpoint: Endpoint) -> list[Choice]:
    """Every metric, grouped (Playback, Loading, Audience) under header entries; the ones this
    endpoint lacks are disabled, saying which kinds of query have them."""
    groups: dict[str, list[Choice]] = {}
    for name in all_metric_names():
        metric = describe_metric(endpoint, name)
        unit = cat.unit_of(endpoint, name) if name in cat.METRICS[endpoint] else metric.unit
        label = f"{name}  ({unit.label})"
        tip = f"{metric.description}. Unit: {unit.label}."
        if metric.note:
            tip += f" Note: {metric.note}."
        if name in cat.METRICS[endpoint]:
            choice = Choice(name, label, True, tip)
        else:
            kinds = and_list(ENDPOINT_LABELS[e] for e in _endpoints_with(name))
            why = f"Not offered by {ENDPOINT_LABELS[endpoint]} queries; only by {kinds}."
            choice = Choice(name, label, False, f"{why} {tip}")
        groups.setdefault(metric.group, []).append(choice)
    result: list[Choice] = []
    for group, items in groups.items():
        result.append(Choice(None, group, False, "", header=True))
        result.extend(items)
    return result


def aggregation_choices(endpoint: Endpoint, metric: str) -> list[Choice]:
    allowed = cat.aggregations_for(metric) if endpoint is Endpoint.METRICS else ()
    choices = []
    for name, aggregation in cat.AGGREGATIONS.items():
        if name in allowed:
            choices.append(Choice(name, name, True, aggregation.description))
        else:
            why = (
                f"{metric} has no '{name}' aggregation; it offers {or_list(allowed)}."
                if allowed
                else f"{metric} has no aggregations."
            )
            choices.append(Choice(name, name, False, f"{why} ({aggregation.description})"))
    return choices


def aggregation_inapplicable(endpoint: Endpoint) -> str:
    if endpoint is Endpoint.METRICS:
        return ""
    return f"An aggregation only applies to Aggregate queries, not {ENDPOINT_LABELS[endpoint]}."


def breakdown_choices(endpoint: Endpoint, metric: str) -> list[Choice]:
    allowed = cat.breakdowns_for(metric) if endpoint is Endpoint.BUCKETS else ()
    choices = []
    for name, breakdown in cat.BREAKDOWNS.items():
        label = f"{breakdown.label}  ({name})"
        if name in allowed:
            # the whole name first: a laptop's narrow combo clips "Video or live st"
            tip = f"{breakdown.label} ({name}): {breakdown.description}"
            choices.append(Choice(name, label, True, tip))
        else:
            why = f"{metric} can only be broken down by {or_list(allowed) or 'nothing'}."
            choices.append(Choice(name, label, False, why))
    return choices


def breakdown_inapplicable(endpoint: Endpoint) -> str:
    if endpoint is Endpoint.BUCKETS:
        return ""
    return f"A breakdown only applies to Breakdown queries, not {ENDPOINT_LABELS[endpoint]}."


def interval_choices(range_length: timedelta | None) -> list[Choice]:
    """Auto (the API's default) and each interval; minute needs a short enough range."""
    hour_max = describe_duration(cat.DEFAULT_INTERVAL_HOUR_MAX_RANGE)
    choices = [
        Choice(None, "auto", True, f"The API picks: hour for ranges up to {hour_max}, else day.")
    ]
    for name in cat.INTERVALS:
        if (
            name == "minute"
            and range_length is not None
            and range_length >= cat.MINUTE_INTERVAL_MAX_RANGE
        ):
            limit = describe_duration(cat.MINUTE_INTERVAL_MAX_RANGE)
            why = (
                f"The minute interval needs a time range shorter than {limit} "
                f"(this one is {describe_duration(range_length)})."
            )
            choices.append(Choice(name, name, False, why))
        else:
            choices.append(Choice(name, name, True, f"One value per {name}."))
    return choices


def interval_inapplicable(endpoint: Endpoint) -> str:
    if endpoint is Endpoint.TIMESERIES:
        return ""
    return f"An interval only applies to Over time queries, not {ENDPOINT_LABELS[endpoint]}."


def unique_inapplicable(metric: str) -> str:
    if cat.accepts_unique(metric):
        return ""
    names = and_list(sorted(cat.UNIQUE_METRICS))
    return f"Unique viewers only apply to {names}, not {metric}."


def view_duration_choices() -> list[Choice]:
    default = Choice(
        None, f"default ({cat.DEFAULT_VIEW_DURATION})", True, "Let the API use its default."
    )
    return [default] + [
        Choice(d, d, True, f"A view lasts at least {d}.") for d in cat.VIEW_DURATIONS
    ]


def view_duration_inapplicable(metric: str) -> str:
    if cat.accepts_view_duration(metric):
        return ""
    return f"The view duration only applies to {and_list(sorted(cat.VIEW_DURATION_METRICS))}."


def sort_by_choices(endpoint: Endpoint) -> list[Choice]:
    return [Choice(None, "default", True, "The API's order.")] + [
        Choice(name, name, True, f"Sort by {name}.") for name in cat.SORT_BY.get(endpoint, ())
    ]


def sort_order_choices() -> list[Choice]:
    return [Choice(None, "default", True, "The API's order.")] + [
        Choice(o, {"asc": "ascending", "desc": "descending"}.get(o, o), True, "")
        for o in cat.SORT_ORDERS
    ]


def sort_inapplicable(endpoint: Endpoint) -> str:
    if endpoint in cat.SORT_BY:
        return ""
    return "An Aggregate query returns one value: there is nothing to sort."


def range_choices() -> list[Choice]:
    return [Choice(p.value, p.label, True, "") for p in Preset] + [
        Choice(CUSTOM_RANGE, "Custom…", True, "Choose from and to below.")
    ]


def range_inapplicable(endpoint: Endpoint, metric: str, aggregation: str | None) -> str:
    if not cat.is_all_time(endpoint, metric, aggregation):
        return ""
    return "All-time plays are not limited to a time range: from and to are ignored."


def filter_key_choices(endpoint: Endpoint, metric: str, aggregation: str | None) -> list[Choice]:
    allowed = cat.filter_keys_for(endpoint, metric, aggregation)
    choices = []
    for name, key in cat.FILTER_KEYS.items():
        many = "one or more values" if key.is_list else "one value"
        if name in allowed:
            choices.append(Choice(name, key.label, True, f"filterBy[{name}]: {many}"))
        else:
            why = f"All-time plays only accept the {and_list(allowed)} filters."
            choices.append(Choice(name, key.label, False, why))
    return choices
