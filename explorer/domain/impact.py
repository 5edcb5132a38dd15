"""What hurts most: segments ranked by how much they pull a figure of the whole down.

Four figures are swept over every breakdown (`RANKED`):

* **play rate** = plays / impressions; volume = the segment's impressions.
* **completion** = ends / starts; volume = the segment's starts.
* **views** = views / plays, where a view is a play watched for at least the default view
  duration (5 s, non-unique `view` count): the share of plays that became views; volume = the
  segment's plays.
* **impression time** = the average time from loading to the first frame (ms); volume = the
  segment's impressions.

Impact, in the figure's own units over the period asked:

* for a rate: ``(overall rate - segment rate) x segment volume``: the plays (completions,
  views) lost to that segment's shortfall;
* for impression time: ``(segment average - overall average) x segment impressions``: the
  extra waiting, in ms summed over its impressions.

Positive impact hurts; rows are sorted by impact, largest first. The overall rate is the
whole's numerator over its denominator (both asked on `/data/metrics`, so the same filters and
range as the segments); a segment is listed only when its volume is at least the minimum volume
(`DEFAULT_MIN_VOLUME` unless chosen), so a handful of impressions cannot top the list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from explorer.domain.catalogue import BREAKDOWNS, Endpoint
from explorer.domain.query import Query
from explorer.domain.splits import SPLIT_DIMENSIONS, SplitQuestion
from explorer.domain.timerange import describe_duration

DEFAULT_MIN_VOLUME = 50.0
"""The least volume (impressions, starts or plays) a segment needs to be ranked."""


@dataclass(frozen=True)
class RankedMetric:
    """One figure the ranking sweeps: a ratio of two counts, or an average (``numerator`` is
    then the averaged metric, asked per segment) weighted by ``volume`` (a buckets count)."""

    name: str  # as the CSV's metric column says it: "play rate"
    numerator: str  # a buckets metric (or, for an average, the aggregate-only metric)
    volume: str  # the buckets count that weighs a segment (the ratio's denominator)
    is_average: bool
    volume_words: str  # "impressions"
    impact_words: str  # "plays lost"
    view_metric: tuple[str, str]  # the /data/metrics (metric, aggregation) a split view shows


RANKED: tuple[RankedMetric, ...] = (
    RankedMetric(
        "play rate", "play", "impression", False, "impressions", "plays", ("play", "rate")
    ),
    RankedMetric("completion", "end", "start", False, "starts", "completions", ("end", "count")),
    RankedMetric("views", "view", "play", False, "plays", "views", ("view", "count")),
    RankedMetric(
        "impression time",
        "impression-time",
        "impression",
        True,
        "impressions",
        "ms of waiting",
        ("impression-time", "average"),
    ),
)
RANKED_BY_NAME = {m.name: m for m in RANKED}

CSV_HEADER = (
    "metric",
    "breakdown",
    "segment",
    "segment_value",
    "overall_value",
    "volume",
    "impact",
)


@dataclass(frozen=True)
class ImpactRow:
    """One ranked segment: ``breakdown`` = ``segment``; its figure against the whole's, its
    volume and its impact (see the module docstring)."""

    metric: str
    breakdown: str
    segment: str
    segment_value: float
    overall_value: float
    volume: float
    impact: float

    @property
    def ranked(self) -> RankedMetric:
        """The figure this row ranks on."""
        return RANKED_BY_NAME[self.metric]

    def cells(self) -> tuple[str, ...]:
        """The row as CSV cells, in `CSV_HEADER`'s order (numbers as the shortest round trip)."""
        return (
            self.metric,
            self.breakdown,
            self.segment,
            repr(self.segment_value),
            repr(self.overall_value),
            _count(self.volume),
            repr(self.impact),
        )

    def sentence(self, period: str, titles: Mapping[str, str] | None = None) -> str:
        """In words: ``browser safari: play rate 41% vs 63% overall, about 1,250 plays lost
        over 7 days`` (``period`` like ``7 days``); a media id is named by its title from
        ``titles`` when there is one (``media-id "Launch ad" (vi…)``)."""
        who = f"{self.breakdown} {self.segment or '(empty)'}"
        title = (titles or {}).get(self.segment) if self.breakdown == "media-id" else None
        if title:
            who = f'{self.breakdown} "{title}" ({self.segment})'
        spec = self.ranked
        if spec.is_average:
            figures = (
                f"{self.metric} {self.segment_value:,.0f} ms vs "
                f"{self.overall_value:,.0f} ms overall"
            )
            extra = abs(self.impact) / 1000
            more = "more" if self.impact > 0 else "less"
            effect = f"about {_seconds(extra)} {more} waiting in all"
        else:
            figures = f"{self.metric} {self.segment_value:.0%} vs {self.overall_value:.0%} overall"
            lost = "lost" if self.impact > 0 else "gained"
            effect = f"about {abs(self.impact):,.0f} {spec.impact_words} {lost}"
        return (
            f"{who}: {figures}, {effect} over {period} ({_count(self.volume)} {spec.volume_words})"
        )


def min_volume_sentence(min_volume: float) -> str:
    """What a segment needs to be listed, in words."""
    return (
        f"segments are listed with at least {_count(min_volume)} impressions (play rate, "
        "impression time), starts (completion) or plays (views)"
    )


def rank_ratio(
    metric: RankedMetric,
    breakdown: str,
    numerators: Mapping[str, float],
    volumes: Mapping[str, float],
    overall_numerator: float,
    overall_volume: float,
    min_volume: float = DEFAULT_MIN_VOLUME,
) -> list[ImpactRow]:
    """Rows for a ratio figure over one breakdown: per segment ``numerator / volume`` against
    ``overall_numerator / overall_volume``; impact ``(overall - segment) x volume``. A segment
    missing from ``numerators`` had none (0); segments under ``min_volume`` are left out."""
    if overall_volume <= 0 or math.isnan(overall_volume):
        return []
    overall = overall_numerator / overall_volume
    rows = []
    for segment, volume in volumes.items():
        if volume < min_volume or volume <= 0:
            continue
        rate = numerators.get(segment, 0.0) / volume
        rows.append(
            ImpactRow(
                metric.name, breakdown, segment, rate, overall, volume, (overall - rate) * volume
            )
        )
    return sort_rows(rows)


def rank_average(
    metric: RankedMetric,
    breakdown: str,
    averages: Mapping[str, float],
    volumes: Mapping[str, float],
    overall_average: float,
    min_volume: float = DEFAULT_MIN_VOLUME,
) -> list[ImpactRow]:
    """Rows for an average over one breakdown: impact ``(segment - overall) x volume``.
    Segments without an average (missing or NaN) or under ``min_volume`` are left out."""
    if math.isnan(overall_average):
        return []
    rows = []
    for segment, volume in volumes.items():
        average = averages.get(segment, math.nan)
        if volume < min_volume or math.isnan(average):
            continue
        impact = (average - overall_average) * volume
        rows.append(
            ImpactRow(metric.name, breakdown, segment, average, overall_average, volume, impact)
        )
    return sort_rows(rows)


def sort_rows(rows: list[ImpactRow]) -> list[ImpactRow]:
    """Largest impact first; ties by metric, breakdown and segment (a stable, total order)."""
    return sorted(rows, key=lambda r: (-r.impact, r.metric, r.breakdown, r.segment))


def _count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _seconds(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:,.1f} hours"
    if seconds >= 60:
        return f"{seconds / 60:,.0f} minutes"
    return f"{seconds:,.0f} seconds"


AVERAGED = "impression-time"
"""The averaged figure the sweep asks per segment (the others are counts)."""


@dataclass(frozen=True)
class RankRequest:
    """The period ``[start, end)``, the filters applying to everything, the minimum volume a
    segment needs, and the breakdowns swept (all of them by default)."""

    start: datetime
    end: datetime
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_volume: float = DEFAULT_MIN_VOLUME
    breakdowns: tuple[str, ...] = tuple(BREAKDOWNS)

    def validate(self, now: datetime, *, history: bool = False) -> list[str]:
        """Every problem with the sweep, one sentence each (empty: it can be asked): its
        period, its filters and its breakdowns, by the rules of any query over them."""
        problems = []
        if self.end <= self.start:
            problems.append("the period to rank over must end after it starts")
        if self.min_volume < 0:
            problems.append("the minimum volume cannot be negative")
        unknown = [b for b in self.breakdowns if b not in SPLIT_DIMENSIONS]
        if unknown:
            problems.append(f"unknown breakdowns to sweep: {', '.join(unknown)}")
        found = self.overall_query("play").validate(now, history=history)
        return problems + [p for p in found if p not in problems]

    @property
    def title(self) -> str:
        """What a tab of the sweep is called."""
        return "what hurts most"

    @property
    def period(self) -> str:
        """``7 days``: the period in words, for the rows' sentences."""
        return describe_duration(self.end - self.start)

    def overall_query(self, metric: str) -> Query:
        """The whole's figure: a count, or the average impression time."""
        aggregation = "average" if metric == AVERAGED else "count"
        return Query(
            endpoint=Endpoint.METRICS,
            metric=metric,
            aggregation=aggregation,
            start=self.start,
            end=self.end,
            filters=dict(self.filters),
        )

    def bucket_query(self, metric: str, breakdown: str) -> Query:
        """A count per value of ``breakdown``."""
        return Query(
            endpoint=Endpoint.BUCKETS,
            metric=metric,
            breakdown=breakdown,
            start=self.start,
            end=self.end,
            filters=dict(self.filters),
        )

    def split_for(self, row: ImpactRow) -> SplitQuestion:
        """The split view that shows ``row``: its figure's `/data/metrics` query
        (`RankedMetric.view_metric`: play rate, end count, view count, impression-time average)
        over the same period and filters, split by the row's breakdown over its segments
        (discovered, for an open dimension, as the window does)."""
        metric, aggregation = row.ranked.view_metric
        base = Query(
            endpoint=Endpoint.METRICS,
            metric=metric,
            aggregation=aggregation,
            start=self.start,
            end=self.end,
            filters={k: v for k, v in self.filters.items() if k != SPLIT_DIMENSIONS[row.breakdown]},
        )
        return SplitQuestion(base, row.breakdown)

    def segment_query(self, breakdown: str, segment: str) -> Query:
        """The average impression time of one segment."""
        filters = dict(self.filters)
        filters[SPLIT_DIMENSIONS[breakdown]] = (segment,)
        return Query(
            endpoint=Endpoint.METRICS,
            metric=AVERAGED,
            aggregation="average",
            start=self.start,
            end=self.end,
            filters=filters,
        )
