"""The spec's metric x aggregation / breakdown / option matrix, checked through Query.validate.

The enums and allowed pairs below are typed from shared/api-video/openapi.yaml and API.md §3,
not read from catalogue.py, so a mistake in the catalogue shows up here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
START = NOW - timedelta(hours=6)

# openapi.yaml, /data/metrics/{metric}/{aggregation}: the two path enums and the text rules.
SPEC_METRICS_METRICS = [
    "play",
    "start",
    "end",
    "impression",
    "impression-time",
    "watch-time",
    "ccv",
    "view",
]
SPEC_AGGREGATIONS = ["count", "rate", "total", "average", "sum", "peak", "live"]
# "view": the spec names no aggregation; API.md takes `count` as the only (unconfirmed) one.
# "ccv": peak and live only; `average` is unconfirmed, so it is refused.
SPEC_ALLOWED_AGGREGATIONS = {
    "play": "count, rate or total",
    "start": "count",
    "end": "count",
    "impression": "count",
    "impression-time": "average or sum",
    "watch-time": "average or sum",
    "ccv": "peak or live",
    "view": "count",
}
VALID_PAIRS = {
    ("play", "count"),
    ("play", "rate"),
    ("play", "total"),
    ("start", "count"),
    ("end", "count"),
    ("impression", "count"),
    ("impression-time", "average"),
    ("impression-time", "sum"),
    ("watch-time", "average"),
    ("watch-time", "sum"),
    ("ccv", "peak"),
    ("ccv", "live"),
    ("view", "count"),
}

# /data/buckets/{metric}/{breakdown}
SPEC_BUCKET_METRICS = [
    "play",
    "play-rate",
    "play-total",
    "start",
    "end",
    "impression",
    "ccv-peak",
    "ccv-average",
    "view",
]
SPEC_BREAKDOWNS = [
    "media-id",
    "media-type",
    "continent",
    "country",
    "device-type",
    "operating-system",
    "browser",
    "referrer",
]

# /data/timeseries/{metric}
SPEC_TIMESERIES_METRICS = [
    "play",
    "play-rate",
    "start",
    "end",
    "impression",
    "ccv-peak",
    "ccv-average",
    "view",
]

ALL_NAMES = sorted(set(SPEC_METRICS_METRICS + SPEC_BUCKET_METRICS + SPEC_TIMESERIES_METRICS))
SPEC_METRICS = {
    Endpoint.METRICS: SPEC_METRICS_METRICS,
    Endpoint.BUCKETS: SPEC_BUCKET_METRICS,
    Endpoint.TIMESERIES: SPEC_TIMESERIES_METRICS,
}
UNIQUE_METRICS = {"ccv", "ccv-peak", "ccv-average", "view"}


def _valid_shape(endpoint: Endpoint, metric: str) -> Query:
    """A query that is valid for this endpoint and metric, apart from what a test changes."""
    if endpoint is Endpoint.METRICS:
        aggregation = next(a for m, a in sorted(VALID_PAIRS) if m == metric)
        return Query(endpoint=endpoint, metric=metric, aggregation=aggregation, start=START)
    if endpoint is Endpoint.BUCKETS:
        return Query(endpoint=endpoint, metric=metric, breakdown="media-id", start=START)
    return Query(endpoint=endpoint, metric=metric, start=START)


@pytest.mark.parametrize(
    ("metric", "aggregation"), list(product(SPEC_METRICS_METRICS, SPEC_AGGREGATIONS))
)
def test_metric_x_aggregation(metric: str, aggregation: str) -> None:
    query = Query(endpoint=Endpoint.METRICS, metric=metric, aggregation=aggregation, start=START)
    problems = query.validate(NOW)
    if (metric, aggregation) in VALID_PAIRS:
        assert problems == []
    else:
        choices = SPEC_ALLOWED_AGGREGATIONS[metric]
        assert problems == [f"{metric} has no '{aggregation}'; choose {choices}"]


@pytest.mark.parametrize(
    ("metric", "breakdown"), list(product(SPEC_BUCKET_METRICS, SPEC_BREAKDOWNS))
)
def test_metric_x_breakdown(metric: str, breakdown: str) -> None:
    query = Query(endpoint=Endpoint.BUCKETS, metric=metric, breakdown=breakdown, start=START)
    problems = query.validate(NOW)
    if metric == "play-total" and breakdown != "media-id":
        assert problems == ["play-total can only be broken down by media-id"]
    else:
        assert problems == []


@pytest.mark.parametrize(("endpoint", "metric"), list(product(Endpoint, ALL_NAMES)))
def test_metric_belongs_to_endpoint(endpoint: Endpoint, metric: str) -> None:
    names = SPEC_METRICS[endpoint]
    if metric in names:
        assert _valid_shape(endpoint, metric).validate(NOW) == []
    else:
        query = Query(endpoint=endpoint, metric=metric, start=START)
        expected = f"{endpoint} has no '{metric}' metric; choose "
        expected += ", ".join(names[:-1]) + f" or {names[-1]}"
        assert expected in query.validate(NOW)


@pytest.mark.parametrize(
    ("endpoint", "metric", "unique"),
    [(e, m, u) for e in Endpoint for m in SPEC_METRICS[e] for u in (True, False)],
)
def test_unique_only_on_ccv_and_view(endpoint: Endpoint, metric: str, unique: bool) -> None:
    query = _valid_shape(endpoint, metric)
    problems = replace(query, unique=unique).validate(NOW)
    if metric in UNIQUE_METRICS:
        assert problems == []
    else:
        assert problems == ["unique only applies to ccv, ccv-peak, ccv-average and view"]


@pytest.mark.parametrize(
    ("endpoint", "metric", "duration"),
    [(e, m, d) for e in Endpoint for m in SPEC_METRICS[e] for d in ("3s", "5s", "10s", "30s")],
)
def test_view_duration_only_on_view(endpoint: Endpoint, metric: str, duration: str) -> None:
    query = _valid_shape(endpoint, metric)
    problems = replace(query, view_duration=duration).validate(NOW)
    assert problems == ([] if metric == "view" else ["viewDuration only applies to view"])


@pytest.mark.parametrize("duration", ["1s", "5", "5 s", "60s", "5S", ""])
def test_view_duration_values(duration: str) -> None:
    query = Query(endpoint=Endpoint.BUCKETS, metric="view", breakdown="country", start=START)
    problems = replace(query, view_duration=duration).validate(NOW)
    assert problems == [f"viewDuration must be 3s, 5s, 10s or 30s (not '{duration}')"]


@pytest.mark.parametrize(
    ("endpoint", "sort_by", "valid"),
    [
        (Endpoint.BUCKETS, "metricValue", True),
        (Endpoint.BUCKETS, "dimensionValue", True),
        (Endpoint.BUCKETS, "emittedAt", False),
        (Endpoint.TIMESERIES, "metricValue", True),
        (Endpoint.TIMESERIES, "emittedAt", True),
        (Endpoint.TIMESERIES, "dimensionValue", False),
        (Endpoint.TIMESERIES, "metricValue[desc]", False),
    ],
)
def test_sort_by_per_endpoint(endpoint: Endpoint, sort_by: str, valid: bool) -> None:
    query = _valid_shape(endpoint, "play")
    problems = replace(query, sort_by=sort_by).validate(NOW)
    choices = {
        Endpoint.BUCKETS: "metricValue or dimensionValue",
        Endpoint.TIMESERIES: "metricValue or emittedAt",
    }[endpoint]
    assert problems == (
        [] if valid else [f"sortBy for {endpoint} must be {choices} (not '{sort_by}')"]
    )


@pytest.mark.parametrize(
    ("endpoint", "metric", "aggregation", "keys", "accepted"),
    [
        (Endpoint.METRICS, "play", "total", ("mediaId", "mediaType"), True),
        (Endpoint.METRICS, "play", "total", ("country",), False),
        (Endpoint.METRICS, "play", "total", ("tag",), False),
        (Endpoint.METRICS, "play", "count", ("country", "tag"), True),
        (Endpoint.BUCKETS, "play-total", None, ("mediaId", "mediaType"), True),
        (Endpoint.BUCKETS, "play-total", None, ("browser",), False),
        (Endpoint.BUCKETS, "play", None, ("browser", "referrer"), True),
    ],
)
def test_all_time_totals_accept_only_media_filters(
    endpoint: Endpoint, metric: str, aggregation: str | None, keys: tuple[str, ...], accepted: bool
) -> None:
    values = {"mediaId": "vi123", "mediaType": "video", "country": "FR", "tag": "news"}
    values |= {"browser": "chrome", "referrer": "https://example.com/"}
    query = Query(
        endpoint=endpoint,
        metric=metric,
        aggregation=aggregation,
        breakdown="media-id" if endpoint is Endpoint.BUCKETS else None,
        filters={k: (values[k],) for k in keys},
    )
    problems = query.validate(NOW)
    if accepted:
        assert problems == []
    else:
        name = "play total" if endpoint is Endpoint.METRICS else "play-total"
        assert problems == [
            f"{name} only accepts the mediaId and mediaType filters; remove {' and '.join(keys)}"
        ]
