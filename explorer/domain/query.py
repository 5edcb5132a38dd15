"""A query for one of the analytics v2 endpoints: its rules, its path and its wire parameters.

``Query`` holds what a person chose, right or wrong; ``Query.validate(now)`` lists every
problem as a sentence, and ``path()`` / ``to_params()`` render the request (API.md §3.4-3.5)
without re-checking. Paging (``currentPage``, ``pageSize``) is the client's business and never
appears here. ``start``/``end`` are the API's ``from``/``to``; ``end`` is exclusive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from pydantic import AwareDatetime, ConfigDict, Field, TypeAdapter
from pydantic.dataclasses import dataclass

from explorer.domain.catalogue import (
    BREAKDOWNS,
    DEFAULT_RANGE,
    FILTER_KEYS,
    INTERVALS,
    MAX_LOOKBACK,
    METRICS,
    MINUTE_INTERVAL_MAX_RANGE,
    SORT_BY,
    SORT_ORDERS,
    TOTAL_FILTER_KEYS,
    UNIQUE_METRICS,
    VIEW_DURATION_METRICS,
    VIEW_DURATIONS,
    Endpoint,
    aggregations_for,
    breakdowns_for,
    default_interval,
    is_all_time,
)
from explorer.domain.frames import BucketFrame, ScalarResult, TimeseriesFrame
from explorer.domain.timerange import describe_duration, format_rfc3339

_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def or_list(words: Iterable[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    items = list(words) or [""]
    return items[0] if len(items) < 2 else f"{', '.join(items[:-1])} or {items[-1]}"


def and_list(words: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(words) or [""]
    return items[0] if len(items) < 2 else f"{', '.join(items[:-1])} and {items[-1]}"


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


@dataclass(frozen=True, config=ConfigDict(extra="ignore"))
class Query:
    """One analytics request, before pagination. Treat ``filters`` as read-only.

    ``filters`` maps a camelCase ``filterBy`` key to its values; the single-valued keys
    (``mediaType``, ``tag``) hold exactly one. An empty tuple means "no filter on this key".
    Use ``dataclasses.replace`` to derive a changed query.
    """

    endpoint: Endpoint
    metric: str
    aggregation: str | None = None
    breakdown: str | None = None
    interval: str | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    filters: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unique: bool | None = None
    view_duration: str | None = None
    sort_by: str | None = None
    sort_order: str | None = None

    # --- derived facts -------------------------------------------------------------------

    @property
    def title(self) -> str:
        """What a result tab is called: ``play count``, ``play by country``, ``play over time``."""
        if self.endpoint is Endpoint.METRICS:
            return f"{self.metric} {self.aggregation or ''}".strip()
        if self.endpoint is Endpoint.BUCKETS:
            return f"{self.metric} by {self.breakdown or '…'}"
        return f"{self.metric} over time"

    @property
    def is_all_time(self) -> bool:
        """The all-time play totals: ``from``/``to`` are ignored and never sent."""
        return is_all_time(self.endpoint, self.metric, self.aggregation)

    def effective_range(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The window the server will use (``to`` defaults to now, ``from`` to a day earlier).

        ``None`` for the all-time totals.
        """
        if self.is_all_time:
            return None
        end = _utc(self.end if self.end is not None else _aware(now))
        start = _utc(self.start) if self.start is not None else end - DEFAULT_RANGE
        return start, end

    def effective_interval(self, now: datetime) -> str | None:
        """The timeseries interval the server will use: the chosen one or its default."""
        if self.endpoint is not Endpoint.TIMESERIES:
            return None
        if self.interval is not None:
            return self.interval
        window = self.effective_range(now)
        assert window is not None
        return default_interval(window[1] - window[0])

    # --- validation ----------------------------------------------------------------------

    def validate(self, now: datetime, *, history: bool = False) -> list[str]:
        """Every problem with this query, one sentence each; an empty list means valid.

        With ``history`` (a local store keeps timeseries already fetched) a timeseries may
        start before the API's lookback: its older buckets come from that history."""
        now = _aware(now)
        problems = self._check_metric()
        problems += self._check_shape()
        problems += self._check_time(now, history and self.endpoint is Endpoint.TIMESERIES)
        problems += self._check_options()
        problems += self._check_filters()
        return problems

    def _check_metric(self) -> list[str]:
        names = METRICS[self.endpoint]
        if not self.metric:
            return [f"choose a metric: {or_list(names)}"]
        if self.metric not in names:
            return [f"{self.endpoint} has no '{self.metric}' metric; choose {or_list(names)}"]
        return []

    def _check_shape(self) -> list[str]:
        """Aggregation, breakdown and interval: each belongs to one endpoint."""
        problems: list[str] = []
        known = self.metric in METRICS[self.endpoint]
        if self.endpoint is Endpoint.METRICS:
            choices = aggregations_for(self.metric)
            if known and not self.aggregation:
                problems.append(f"choose an aggregation for {self.metric}: {or_list(choices)}")
            elif known and self.aggregation not in choices:
                problems.append(
                    f"{self.metric} has no '{self.aggregation}'; choose {or_list(choices)}"
                )
        elif self.aggregation is not None:
            problems.append("aggregation only applies to the metrics endpoint")

        if self.endpoint is Endpoint.BUCKETS:
            choices = breakdowns_for(self.metric)
            if known and not self.breakdown:
                problems.append(f"choose a breakdown: {or_list(choices)}")
            elif self.breakdown and self.breakdown not in BREAKDOWNS:
                problems.append(
                    f"'{self.breakdown}' is not a breakdown; choose {or_list(BREAKDOWNS)}"
                )
            elif known and self.breakdown not in choices:
                problems.append(f"{self.metric} can only be broken down by {or_list(choices)}")
        elif self.breakdown is not None:
            problems.append("breakdown only applies to the buckets endpoint")

        if self.interval is not None and self.endpoint is not Endpoint.TIMESERIES:
            problems.append("interval only applies to the timeseries endpoint")
        elif self.interval is not None and self.interval not in INTERVALS:
            problems.append(f"'{self.interval}' is not an interval; choose {or_list(INTERVALS)}")
        return problems

    def _check_time(self, now: datetime, history: bool) -> list[str]:
        window = self.effective_range(now)
        if window is None:
            return []  # the all-time totals ignore from and to
        start, end = window
        problems: list[str] = []
        if self.start is not None and self.end is not None and start >= end:
            problems.append("from must be before to")
        if start < _utc(now) - MAX_LOOKBACK and not history:
            problems.append(
                "from is more than 30 days ago"
                if self.start is not None
                else "from is more than 30 days ago (it defaults to one day before to)"
            )
        if self.start is not None and start > _utc(now):
            problems.append("from is in the future, where there is no data yet")
        length = end - start
        if (
            self.endpoint is Endpoint.TIMESERIES
            and self.interval == "minute"
            and length >= MINUTE_INTERVAL_MAX_RANGE
        ):
            problems.append(
                "the minute interval needs a time range shorter than 60 minutes "
                f"(this one is {describe_duration(length)})"
            )
        return problems

    def _check_options(self) -> list[str]:
        problems: list[str] = []
        if self.unique is not None and self.metric not in UNIQUE_METRICS:
            problems.append(f"unique only applies to {and_list(_unique_metrics())}")
        if self.view_duration is not None:
            if self.metric not in VIEW_DURATION_METRICS:
                problems.append(f"viewDuration only applies to {and_list(VIEW_DURATION_METRICS)}")
            if self.view_duration not in VIEW_DURATIONS:
                problems.append(
                    f"viewDuration must be {or_list(VIEW_DURATIONS)} (not '{self.view_duration}')"
                )
        sorts = SORT_BY.get(self.endpoint)
        for name, value in (("sortBy", self.sort_by), ("sortOrder", self.sort_order)):
            if value is not None and sorts is None:
                problems.append(
                    f"{name} does not apply to the metrics endpoint, which returns one value"
                )
        if self.sort_by is not None and sorts is not None and self.sort_by not in sorts:
            problems.append(
                f"sortBy for {self.endpoint} must be {or_list(sorts)} (not '{self.sort_by}')"
            )
        if self.sort_order is not None and sorts is not None and self.sort_order not in SORT_ORDERS:
            problems.append(f"sortOrder must be {or_list(SORT_ORDERS)} (not '{self.sort_order}')")
        return problems

    def _check_filters(self) -> list[str]:
        problems: list[str] = []
        used = [key for key, values in self.filters.items() if values]
        for key in used:
            values = self.filters[key]
            spec = FILTER_KEYS.get(key)
            if spec is None:
                breakdown = BREAKDOWNS.get(key)
                hint = (
                    f"filters are camelCase: use {breakdown.filter_key}"
                    if breakdown is not None
                    else f"use {or_list(FILTER_KEYS)}"
                )
                problems.append(f"'{key}' is not a filter; {hint}")
                continue
            if not spec.is_list and len(values) > 1:
                problems.append(f"{key} takes a single value")
            if key != "referrer" and "" in values:
                problems.append(f"filterBy[{key}] has an empty value")
            bad = [v for v in values if v and spec.values and v not in spec.values]
            if bad:
                problems.append(f"{key} must be {or_list(spec.values)} (not {_quoted(bad)})")
            if key == "country":
                bad = [v for v in values if v and not _COUNTRY_CODE.fullmatch(v)]
                if bad:
                    problems.append(
                        "country values are two-letter ISO 3166 codes such as FR "
                        f"(not {_quoted(bad)})"
                    )
            if spec.max_length is not None:
                longest = max(len(v) for v in values)
                if longest > spec.max_length:
                    problems.append(
                        f"filterBy[{key}] values must be at most {spec.max_length} characters "
                        f"(one has {longest})"
                    )
        if self.is_all_time:
            extra = [key for key in used if key not in TOTAL_FILTER_KEYS]
            if extra:
                name = "play total" if self.endpoint is Endpoint.METRICS else self.metric
                problems.append(
                    f"{name} only accepts the {and_list(TOTAL_FILTER_KEYS)} filters; "
                    f"remove {and_list(extra)}"
                )
        return problems

    # --- the request ---------------------------------------------------------------------

    def path(self) -> str:
        """``/data/metrics/play/count``, ``/data/buckets/play/country``, ``/data/timeseries/play``.

        Raises ``ValueError`` when the aggregation or breakdown the path needs is missing.
        """
        segments = ["data", str(self.endpoint), self.metric]
        if self.endpoint is Endpoint.METRICS:
            if not self.aggregation:
                raise ValueError("a metrics query needs an aggregation")
            segments.append(self.aggregation)
        elif self.endpoint is Endpoint.BUCKETS:
            if not self.breakdown:
                raise ValueError("a buckets query needs a breakdown")
            segments.append(self.breakdown)
        return "/" + "/".join(quote(s, safe="") for s in segments)

    def to_params(self) -> list[tuple[str, str]]:
        """The query string as ordered pairs, values unencoded (the HTTP client encodes).

        Order: from, to, interval, sortBy, sortOrder, unique, viewDuration, then ``filterBy``
        keys in catalogue order (unknown keys last, alphabetically), values as given. Options
        the endpoint does not have (interval outside timeseries, sorting on metrics) are left
        out; from/to are left out for the all-time totals.
        """
        params: list[tuple[str, str]] = []
        if not self.is_all_time:
            if self.start is not None:
                params.append(("from", format_rfc3339(self.start)))
            if self.end is not None:
                params.append(("to", format_rfc3339(self.end)))
        if self.endpoint is Endpoint.TIMESERIES and self.interval is not None:
            params.append(("interval", self.interval))
        if self.endpoint is not Endpoint.METRICS:
            if self.sort_by is not None:
                params.append(("sortBy", self.sort_by))
            if self.sort_order is not None:
                params.append(("sortOrder", self.sort_order))
        if self.unique is not None:
            params.append(("unique", "true" if self.unique else "false"))
        if self.view_duration is not None:
            params.append(("viewDuration", self.view_duration))
        known = [key for key in FILTER_KEYS if key in self.filters]
        unknown = sorted(key for key in self.filters if key not in FILTER_KEYS)
        for key in known + unknown:
            spec = FILTER_KEYS.get(key)
            name = (
                f"filterBy[{key}]"
                if spec is not None and not spec.is_list
                else f"filterBy[{key}][]"
            )
            params.extend((name, value) for value in self.filters[key])
        return params

    # --- persistence ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601 with their offset) for ``from_dict``."""
        data: dict[str, Any] = _ADAPTER.dump_python(self, mode="json")
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Query:
        """Rebuild a query from ``to_dict``; unknown keys are ignored; raises ``ValueError``."""
        return _ADAPTER.validate_python(dict(data))

    # --- as the local store keeps its answers ----------------------------------------------

    def store_key(self) -> str:
        """The query without its time range, canonically: what was asked, not when (the
        local store keeps the latest answer to it, its own timeframe inside)."""
        data = self.to_dict()
        data.pop("start", None)
        data.pop("end", None)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    def series_key(self) -> str | None:
        """Where a timeseries' buckets are kept as history: `store_key`, and for daily
        buckets the UTC offset their days start at; None for the other endpoints."""
        if self.endpoint is not Endpoint.TIMESERIES:
            return None
        key = self.store_key()
        if self.interval == "day" and self.start is not None:
            offset = self.start.utcoffset()
            minutes = int(offset.total_seconds() // 60) if offset is not None else 0
            key += f"@{minutes:+d}min"
        return key

    def fits(self, answer: object) -> bool:
        """Whether ``answer`` can be an answer to a query (a stored one is checked)."""
        return isinstance(answer, ScalarResult | BucketFrame | TimeseriesFrame)


_ADAPTER: TypeAdapter[Query] = TypeAdapter(Query)


_UNIQUE_ORDER = ("ccv", "ccv-peak", "ccv-average", "view")


def _unique_metrics() -> list[str]:
    """The metrics that accept ``unique``, in the order people read them."""
    rest = sorted(UNIQUE_METRICS.difference(_UNIQUE_ORDER))
    return [m for m in _UNIQUE_ORDER if m in UNIQUE_METRICS] + rest


def _aware(now: datetime) -> datetime:
    if now.utcoffset() is None:
        raise ValueError("now must carry a time zone")
    return now


def _utc(moment: datetime) -> datetime:
    """Compare and subtract in UTC: with one shared ZoneInfo Python uses wall-clock time."""
    return moment.astimezone(UTC)
