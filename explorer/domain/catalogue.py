"""The api.video analytics catalogue: metrics, aggregations, breakdowns, filters and their rules.

Everything here is transcribed from shared/api-video/openapi.yaml (paths `/data/*`) and
API.md section 3. Where the spec is silent (the aggregation of `view`, `average` on `ccv`),
the catalogue takes the narrowest reading and says so in `Metric.note`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class Endpoint(StrEnum):
    """The three analytics v2 endpoints."""

    METRICS = "metrics"
    BUCKETS = "buckets"
    TIMESERIES = "timeseries"


class Unit(StrEnum):
    """What a metric value counts or measures."""

    COUNT = "count"
    RATIO = "ratio"  # 0..1
    MILLISECONDS = "ms"
    SECONDS = "s"
    VIEWERS = "viewers"

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    Unit.COUNT: "events",
    Unit.RATIO: "ratio (0–1)",
    Unit.MILLISECONDS: "milliseconds",
    Unit.SECONDS: "seconds",
    Unit.VIEWERS: "viewers",
}


@dataclass(frozen=True)
class Metric:
    """One metric as one endpoint names it."""

    name: str
    group: str
    unit: Unit
    description: str
    note: str = ""


@dataclass(frozen=True)
class Aggregation:
    name: str
    description: str


@dataclass(frozen=True)
class Breakdown:
    """A `/data/buckets` dimension (kebab-case) and the filter key it corresponds to."""

    name: str
    label: str
    filter_key: str
    description: str


@dataclass(frozen=True)
class FilterKey:
    """A `filterBy[...]` key: camelCase, single or list, optionally with a closed set of values."""

    name: str
    label: str
    is_list: bool
    values: tuple[str, ...] = ()
    max_length: int | None = None


# --- aggregations -------------------------------------------------------------------------

AGGREGATIONS: dict[str, Aggregation] = {
    a.name: a
    for a in (
        Aggregation("count", "number of events"),
        Aggregation("rate", "plays divided by impressions"),
        Aggregation("total", "all-time plays, not limited by retention; ignores from and to"),
        Aggregation("average", "mean of the metric"),
        Aggregation("sum", "sum of the metric"),
        Aggregation("peak", "highest number of concurrent viewers in the timeframe"),
        Aggregation("live", "highest number of concurrent viewers over the last 20 seconds"),
    )
}

# --- metrics per endpoint -----------------------------------------------------------------

_PLAYBACK = "Playback"
_LOADING = "Loading"
_AUDIENCE = "Audience"

METRICS: dict[Endpoint, dict[str, Metric]] = {
    Endpoint.METRICS: {
        m.name: m
        for m in (
            Metric("play", _PLAYBACK, Unit.COUNT, "Times the content was played"),
            Metric("start", _PLAYBACK, Unit.COUNT, "Times playback was started"),
            Metric("end", _PLAYBACK, Unit.COUNT, "Times playback was watched to the end"),
            Metric("impression", _LOADING, Unit.COUNT, "Times the content loaded, ready to play"),
            Metric(
                "impression-time",
                _LOADING,
                Unit.MILLISECONDS,
                "Time from loading to the first frame",
            ),
            Metric("watch-time", _PLAYBACK, Unit.SECONDS, "Cumulative time spent watching"),
            Metric(
                "ccv",
                _AUDIENCE,
                Unit.VIEWERS,
                "Concurrent viewers, watching at the same time",
                note="the spec does not say whether ccv accepts 'average'; only peak and live",
            ),
            Metric(
                "view",
                _AUDIENCE,
                Unit.VIEWERS,
                "Views that lasted at least the view duration",
                note="the spec does not name view's aggregation; 'count' is the only one offered",
            ),
        )
    },
    Endpoint.BUCKETS: {
        m.name: m
        for m in (
            Metric("play", _PLAYBACK, Unit.COUNT, "Times the content was played"),
            Metric("play-rate", _PLAYBACK, Unit.RATIO, "Plays divided by impressions"),
            Metric(
                "play-total",
                _PLAYBACK,
                Unit.COUNT,
                "All-time plays of each video or live stream (breakdown media-id only)",
            ),
            Metric("start", _PLAYBACK, Unit.COUNT, "Times playback was started"),
            Metric("end", _PLAYBACK, Unit.COUNT, "Times playback was watched to the end"),
            Metric("impression", _LOADING, Unit.COUNT, "Times the content loaded, ready to play"),
            Metric("ccv-peak", _AUDIENCE, Unit.VIEWERS, "Highest number of concurrent viewers"),
            Metric("ccv-average", _AUDIENCE, Unit.VIEWERS, "Average number of concurrent viewers"),
            Metric("view", _AUDIENCE, Unit.VIEWERS, "Views that lasted at least the view duration"),
        )
    },
    Endpoint.TIMESERIES: {
        m.name: m
        for m in (
            Metric("play", _PLAYBACK, Unit.COUNT, "Times the content was played"),
            Metric("play-rate", _PLAYBACK, Unit.RATIO, "Plays divided by impressions"),
            Metric("start", _PLAYBACK, Unit.COUNT, "Times playback was started"),
            Metric("end", _PLAYBACK, Unit.COUNT, "Times playback was watched to the end"),
            Metric("impression", _LOADING, Unit.COUNT, "Times the content loaded, ready to play"),
            Metric("ccv-peak", _AUDIENCE, Unit.VIEWERS, "Highest number of concurrent viewers"),
            Metric("ccv-average", _AUDIENCE, Unit.VIEWERS, "Average number of concurrent viewers"),
            Metric("view", _AUDIENCE, Unit.VIEWERS, "Views that lasted at least the view duration"),
        )
    },
}

METRIC_AGGREGATIONS: dict[str, tuple[str, ...]] = {
    "play": ("count", "rate", "total"),
    "start": ("count",),
    "end": ("count",),
    "impression": ("count",),
    "impression-time": ("average", "sum"),
    "watch-time": ("average", "sum"),
    "ccv": ("peak", "live"),
    "view": ("count",),
}

# --- breakdowns and filters ---------------------------------------------------------------

CONTINENTS: tuple[str, ...] = ("AS", "AF", "NA", "SA", "AN", "EU", "AZ")
MEDIA_TYPES: tuple[str, ...] = ("video", "live-stream")
DEVICE_TYPES: tuple[str, ...] = (
    "computer",
    "phone",
    "tablet",
    "tv",
    "console",
    "wearable",
    "unknown",
)
REFERRER_MAX_LENGTH = 2048

BREAKDOWNS: dict[str, Breakdown] = {
    b.name: b
    for b in (
        Breakdown("media-id", "Video or live stream", "mediaId", "Each video or live stream"),
        Breakdown("media-type", "Media type", "mediaType", "video or live-stream"),
        Breakdown("continent", "Continent", "continent", "The viewer's continent"),
        Breakdown("country", "Country", "country", "The viewer's country (ISO 3166 alpha-2)"),
        Breakdown("device-type", "Device type", "deviceType", "computer, phone, tablet, tv…"),
        Breakdown(
            "operating-system", "Operating system", "operatingSystem", "windows, ios, android…"
        ),
        Breakdown("browser", "Browser", "browser", "chrome, firefox, safari…"),
        Breakdown(
            "referrer",
            "Referrer",
            "referrer",
            "The page the view came from (empty for mobile apps)",
        ),
    )
}

FILTER_KEYS: dict[str, FilterKey] = {
    f.name: f
    for f in (
        FilterKey("mediaId", "Video or live stream", is_list=True),
        FilterKey("mediaType", "Media type", is_list=False, values=MEDIA_TYPES),
        FilterKey("continent", "Continent", is_list=True, values=CONTINENTS),
        FilterKey("country", "Country", is_list=True),
        FilterKey("deviceType", "Device type", is_list=True),
        FilterKey("operatingSystem", "Operating system", is_list=True),
        FilterKey("browser", "Browser", is_list=True),
        FilterKey("tag", "Tag", is_list=False),
        FilterKey("referrer", "Referrer", is_list=True, max_length=REFERRER_MAX_LENGTH),
    )
}

# --- options ------------------------------------------------------------------------------

INTERVALS: dict[str, timedelta] = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
}
MINUTE_INTERVAL_MAX_RANGE = timedelta(minutes=60)  # the range must be shorter than this
DEFAULT_INTERVAL_HOUR_MAX_RANGE = timedelta(days=2)  # hour when the range is at most this
VIEW_DURATIONS: tuple[str, ...] = ("3s", "5s", "10s", "30s")
DEFAULT_VIEW_DURATION = "5s"
SORT_BY: dict[Endpoint, tuple[str, ...]] = {
    Endpoint.BUCKETS: ("metricValue", "dimensionValue"),
    Endpoint.TIMESERIES: ("metricValue", "emittedAt"),
}
SORT_ORDERS: tuple[str, ...] = ("asc", "desc")
MAX_LOOKBACK = timedelta(days=30)
RETENTION_NOTE = (
    "the API keeps analytics for 30 days by default (an account can extend it to 3 or 12 "
    "months from the dashboard's Analytics page)"
)
"""Retention, from the docs' analytics overview (../shared/api-video/API.md §3.4)."""
DEFAULT_RANGE = timedelta(days=1)
PAGE_SIZE_MAX = 100
PAGE_SIZE_DEFAULT = 25

UNIQUE_METRICS = frozenset({"ccv", "ccv-peak", "ccv-average", "view"})
VIEW_DURATION_METRICS = frozenset({"view"})
TOTAL_FILTER_KEYS = ("mediaId", "mediaType")
"""The only filters accepted by play total (metrics) and play-total (buckets)."""


def is_all_time(endpoint: Endpoint, metric: str, aggregation: str | None = None) -> bool:
    """True for the all-time play totals, which ignore from/to and most filters."""
    if endpoint is Endpoint.METRICS:
        return metric == "play" and aggregation == "total"
    return endpoint is Endpoint.BUCKETS and metric == "play-total"


def aggregations_for(metric: str) -> tuple[str, ...]:
    """The aggregations `/data/metrics/{metric}/…` accepts for this metric."""
    return METRIC_AGGREGATIONS.get(metric, ())


def breakdowns_for(metric: str) -> tuple[str, ...]:
    """The breakdowns `/data/buckets/{metric}/…` accepts for this metric."""
    if metric not in METRICS[Endpoint.BUCKETS]:
        return ()
    if metric == "play-total":
        return ("media-id",)
    return tuple(BREAKDOWNS)


def filter_keys_for(
    endpoint: Endpoint, metric: str, aggregation: str | None = None
) -> tuple[str, ...]:
    """The filter keys accepted with this metric (all of them except on the all-time totals)."""
    if is_all_time(endpoint, metric, aggregation):
        return TOTAL_FILTER_KEYS
    return tuple(FILTER_KEYS)


def accepts_unique(metric: str) -> bool:
    return metric in UNIQUE_METRICS


def accepts_view_duration(metric: str) -> bool:
    return metric in VIEW_DURATION_METRICS


def unit_of(endpoint: Endpoint, metric: str, aggregation: str | None = None) -> Unit:
    """The unit of the values a query returns (a rate is a ratio whatever the metric)."""
    if aggregation == "rate":
        return Unit.RATIO
    return METRICS[endpoint][metric].unit


def default_interval(range_length: timedelta) -> str:
    """The interval the API picks when none is given: hour up to 2 days, day beyond."""
    return "hour" if range_length <= DEFAULT_INTERVAL_HOUR_MAX_RANGE else "day"


def context_metric(metric: str, *, unique: bool = False, view_duration: str | None = None) -> str:
    """The metric name the API echoes in `context.metric` (`view-5`, `unique-ccv-peak`, …)."""
    name = metric
    if metric == "view":
        seconds = (view_duration or DEFAULT_VIEW_DURATION).removesuffix("s")
        name = f"view-{seconds}"
    if unique and metric in UNIQUE_METRICS:
        name = f"unique-{name}"
    return name


def base_metric(context_name: str) -> str:
    """Undo `context_metric`: `unique-view-10` -> `view`, `unique-ccv-peak` -> `ccv-peak`."""
    name = context_name.removeprefix("unique-")
    if name.startswith("view-") and name.removeprefix("view-").isdigit():
        return "view"
    return name


class ApiVideoCatalogue:
    """This module as a data source's catalogue (`explorer.services.source`): api.video's
    questions are `explorer.domain.query.Query`s over the tables above."""

    endpoints = tuple(Endpoint)


CATALOGUE = ApiVideoCatalogue()
