"""Split by: one query asked once per value of a dimension, and the answers put together.

A `SplitQuestion` takes any query (aggregate-only metrics such as ``impression-time`` and
``watch-time`` included) and a dimension (a `/data/buckets` breakdown: continent, country,
device type, OS, browser, referrer, media, media type). Its segments are the values given, the
named groups given (an asset group is a list of media ids, sent as one ``mediaId`` filter with
several values), or, when none are given, the dimension's closed set of values (continents,
media types, device types) or the values a discovery breakdown finds.

Each segment becomes one filtered query (`queries`): the base query with the dimension's filter
set to the segment's values (a filter the base query had on that key is replaced; with no values
given, its values are the segments). Where the API has the breakdown itself (a count, a play
rate, a view count or a ccv peak on `/data/metrics`, asked per single value) one buckets request
answers every segment at once (`breakdown_query`); a value absent from that breakdown had no
events, and gets what the API answers a query filtered to it: 0 (for a rate or a peak too).

`SplitAnswer` holds one `Part` per segment: done, failed, cancelled or pending, never a zero for
a missing one; `complete` says whether every part is done and whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from explorer.domain.catalogue import (
    BREAKDOWNS,
    CONTINENTS,
    DEVICE_TYPES,
    FILTER_KEYS,
    MEDIA_TYPES,
    METRICS,
    TOTAL_FILTER_KEYS,
    Endpoint,
    context_metric,
)
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult
from explorer.domain.parts import Part, PartState
from explorer.domain.query import Query, or_list

SPLIT_DIMENSIONS: dict[str, str] = {name: b.filter_key for name, b in BREAKDOWNS.items()}
"""The dimensions a split can use (breakdown names, kebab-case) -> their ``filterBy`` key."""

CLOSED_VALUES: dict[str, tuple[str, ...]] = {
    "continent": CONTINENTS,
    "media-type": MEDIA_TYPES,
    "device-type": DEVICE_TYPES,
}
"""Dimensions whose values the spec lists: a split over them needs no discovery request."""

BREAKDOWN_METRICS: dict[tuple[str, str], str] = {
    ("play", "count"): "play",
    ("play", "rate"): "play-rate",
    ("play", "total"): "play-total",
    ("start", "count"): "start",
    ("end", "count"): "end",
    ("impression", "count"): "impression",
    ("view", "count"): "view",
    ("ccv", "peak"): "ccv-peak",
}
"""A `/data/metrics` metric and aggregation -> the `/data/buckets` metric giving the same
figure per dimension value. ``impression-time``, ``watch-time`` and ``ccv live`` have none:
they are aggregate-only, so a split of them fans out one request per value."""

DISCOVERY_METRICS: dict[str, str] = {"impression-time": "impression", "watch-time": "play"}
"""The buckets metric whose breakdown lists the values seen, for metrics with no breakdown."""


def split_dimension(name: str) -> str:
    """The dimension's breakdown name for ``name`` (``device-type`` or its filter key
    ``deviceType``); raises ValueError with a sentence naming the choices."""
    if name in SPLIT_DIMENSIONS:
        return name
    for dimension, key in SPLIT_DIMENSIONS.items():
        if key == name:
            return dimension
    raise ValueError(f"'{name}' is not a dimension to split by; choose {or_list(SPLIT_DIMENSIONS)}")


@dataclass(frozen=True)
class ValueGroup:
    """One segment of a split: a label and the filter values it stands for (one value, or
    several for an asset group: a named list of media ids)."""

    label: str
    values: tuple[str, ...]

    @classmethod
    def single(cls, value: str) -> ValueGroup:
        """The segment of one value, labelled by it."""
        return cls(value, (value,))


@dataclass(frozen=True)
class SplitQuestion:
    """A base query asked once per segment of ``dimension`` (see the module docstring).

    ``values`` are single values, ``groups`` named lists of values; both empty means the
    dimension's closed set, the base query's own filter values on that key, or discovery."""

    base: Query
    dimension: str
    values: tuple[str, ...] = ()
    groups: tuple[ValueGroup, ...] = field(default=())

    @property
    def filter_key(self) -> str:
        """The ``filterBy`` key the segments are sent as (``deviceType``)."""
        return SPLIT_DIMENSIONS[self.dimension]

    @property
    def title(self) -> str:
        """``impression-time average by continent`` (``by asset group`` for named lists of
        media ids)."""
        by = "asset group" if self.groups and self.dimension == "media-id" else self.dimension
        return f"{self.base.title} by {by}"

    def segments(self) -> tuple[ValueGroup, ...]:
        """The segments, groups first; empty when the values must be discovered."""
        chosen = self.groups + tuple(ValueGroup.single(v) for v in self.values)
        if chosen:
            return chosen
        own = self.base.filters.get(self.filter_key, ())
        if own:
            return tuple(ValueGroup.single(v) for v in own)
        return tuple(ValueGroup.single(v) for v in CLOSED_VALUES.get(self.dimension, ()))

    @property
    def needs_discovery(self) -> bool:
        """True when the segments are not known and no single breakdown lists them: ask
        `discovery_query` first, then `with_values` with the values it found."""
        return not self.segments() and self.breakdown_query() is None

    def discovery_query(self) -> Query:
        """A breakdown listing the dimension's values seen over the base's range and filters
        (of the base metric where buckets has it, else of impressions or plays)."""
        metric = self.base.metric
        if self.base.endpoint is Endpoint.METRICS:
            metric = BREAKDOWN_METRICS.get((metric, self.base.aggregation or ""), metric)
        if metric not in METRICS[Endpoint.BUCKETS] or metric == "play-total":
            metric = DISCOVERY_METRICS.get(self.base.metric, "play")
        filters = {k: v for k, v in self.base.filters.items() if k != self.filter_key}
        return Query(
            endpoint=Endpoint.BUCKETS,
            metric=metric,
            breakdown=self.dimension,
            start=self.base.start,
            end=self.base.end,
            filters=filters,
        )

    def with_values(self, values: tuple[str, ...]) -> SplitQuestion:
        """This question over ``values`` (after discovery)."""
        return replace(self, values=values)

    def breakdown_query(self) -> Query | None:
        """One `/data/buckets` request answering every segment, or None when the split must
        fan out (groups, a timeseries or buckets base, an aggregate-only metric)."""
        base = self.base
        if self.groups or base.endpoint is not Endpoint.METRICS:
            return None
        metric = BREAKDOWN_METRICS.get((base.metric, base.aggregation or ""))
        if metric is None or (metric == "play-total" and self.dimension != "media-id"):
            return None
        filters = {k: v for k, v in base.filters.items() if k != self.filter_key}
        segments = self.segments()
        if segments and FILTER_KEYS[self.filter_key].is_list:  # else the breakdown lists all
            filters[self.filter_key] = tuple(g.values[0] for g in segments)
        return Query(
            endpoint=Endpoint.BUCKETS,
            metric=metric,
            breakdown=self.dimension,
            start=base.start,
            end=base.end,
            filters=filters,
            unique=base.unique,
            view_duration=base.view_duration,
        )

    def queries(self) -> list[tuple[ValueGroup, Query]]:
        """One filtered query per segment, in the segments' order."""
        return [(group, self.query_for(group)) for group in self.segments()]

    def query_for(self, group: ValueGroup) -> Query:
        """The base query filtered to ``group``'s values."""
        filters = dict(self.base.filters)
        filters[self.filter_key] = group.values
        return replace(self.base, filters=filters)

    def validate(self, now: datetime, *, history: bool = False) -> list[str]:
        """Every problem with this split, one sentence each; empty means it can be asked."""
        if self.dimension not in SPLIT_DIMENSIONS:
            return [f"'{self.dimension}' is not a dimension; choose {or_list(SPLIT_DIMENSIONS)}"]
        problems = self.base.validate(now, history=history)
        base = self.base
        if base.endpoint is Endpoint.BUCKETS and base.breakdown == self.dimension:
            problems.append(
                f"the query is already broken down by {self.dimension}; split by another dimension"
            )
        if base.is_all_time and self.filter_key not in TOTAL_FILTER_KEYS:
            problems.append(
                f"{base.title} only accepts the mediaId and mediaType filters; split it by "
                "media-id or media-type"
            )
        labels = [g.label for g in self.segments()]
        if len(set(labels)) != len(labels):
            problems.append("each value or group of a split must appear once")
        for group in self.groups:
            if not group.values or any(not v for v in group.values):
                problems.append(f"the group '{group.label}' needs at least one value")
            elif not FILTER_KEYS[self.filter_key].is_list and len(group.values) > 1:
                problems.append(f"{self.filter_key} takes a single value; a group cannot hold more")
        for _, query in self.queries():  # the values, checked as the filters they become
            problems += [p for p in query.validate(now, history=history) if p not in problems]
        return problems


def parts_from_breakdown(question: SplitQuestion, frame: BucketFrame) -> list[Part]:
    """The split's parts read off one breakdown answering it (`breakdown_query`): one scalar
    per segment (the segments found, when none were chosen). A segment the breakdown does not
    list had no events: 0, as the API answers a query filtered to a value with no events
    (whatever the metric: the sandbox and the spec's examples give 0, not null). A partial
    breakdown cannot say a value is absent, so those parts are failed with its error instead."""
    base = question.base
    found = {str(d): float(v) for d, v in zip(frame.dimensions, frame.values, strict=True)}
    segments = question.segments() or tuple(ValueGroup.single(d) for d in found)
    context = ResultContext(
        Endpoint.METRICS,
        context_metric(base.metric, unique=bool(base.unique), view_duration=base.view_duration),
        base.aggregation,
        start=frame.context.start,
        end=frame.context.end,
    )
    parts: list[Part] = []
    for group in segments:
        part = Part(group.label, question.query_for(group))
        value = found.get(group.values[0])
        if value is None and frame.partial:
            parts.append(part.failed(f"the breakdown is incomplete ({frame.error})"))
        else:
            value = 0.0 if value is None else value
            parts.append(part.done(ScalarResult(context, value)))
    return parts


@dataclass(frozen=True)
class SplitAnswer:
    """A split's parts, one per segment in the question's order (see the module docstring)."""

    question: SplitQuestion
    parts: tuple[Part, ...]

    @classmethod
    def pending(cls, question: SplitQuestion) -> SplitAnswer:
        """Every segment pending: what the window shows before the first answer."""
        return cls(question, tuple(Part(g.label, q) for g, q in question.queries()))

    def with_part(self, part: Part) -> SplitAnswer:
        """This answer with ``part`` in place of the part of the same key (or added)."""
        keys = [p.key for p in self.parts]
        if part.key not in keys:
            return replace(self, parts=(*self.parts, part))
        return replace(self, parts=tuple(part if p.key == part.key else p for p in self.parts))

    def part(self, key: str) -> Part:
        """The part of the segment labelled ``key``; KeyError if none."""
        for part in self.parts:
            if part.key == key:
                return part
        raise KeyError(key)

    @property
    def complete(self) -> bool:
        """True when every part is done and none is partial."""
        return all(not p.partial for p in self.parts)

    def missing(self) -> list[Part]:
        """The parts with no figure (failed, cancelled, pending)."""
        return [p for p in self.parts if p.missing]

    def value(self, key: str) -> float | None:
        """A scalar split's figure for segment ``key``; None when missing (never 0)."""
        result = self.part(key).result
        return result.value if isinstance(result, ScalarResult) else None

    def summary(self) -> str:
        """``7 of 7 parts answered`` or ``5 of 7 parts answered; AF: failed (…); …``."""
        done = sum(p.state is PartState.DONE for p in self.parts)
        text = f"{done} of {len(self.parts)} parts answered"
        missing = self.missing()
        return text + ("; " + "; ".join(p.describe() for p in missing) if missing else "")
