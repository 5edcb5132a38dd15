"""From a number on a chart to the sessions behind it: which DrillDown a point or a bar asks,
the project-wide number's contributors query, and how a list relates to the number it came from.

A point of a timeseries is its bucket ``[t, t + interval)`` (clipped to the query's range); a
bar of a breakdown is the query's range with the bar's `dimension=value`. The query's own
filters on dimensions become conditions too; a filter with several values cannot (conditions
must all hold), and says so. Only counts of sessions (README, "The built-in sandbox") can be
drilled into: `play`, `start`, `end`, `impression`, `view` (not unique views).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.catalogue import BREAKDOWNS, Endpoint
from explorer.domain.conditions import Condition, condition
from explorer.domain.counting import COUNTED_METRICS, DEFAULT_VIEW_SECONDS
from explorer.domain.query import Query
from explorer.services.drilldown import LOOKBACK, CountedSessions, DrillDown, DrillDownService
from explorer.services.session_pages import RowCoder, SessionPage
from explorer.services.sessions import Media, SessionRecord

_DIMENSION_KEYS = {b.filter_key: b.name for b in BREAKDOWNS.values()}
_NOT_CONDITIONS = ("mediaId", "mediaType", "tag")  # the asset is chosen; a tag is the asset's
NOUNS = {"play": "plays", "start": "starts", "end": "ends", "impression": "impressions"}


@dataclass(frozen=True)
class Pointed:
    """A number someone pointed at: the question it answered, its window, the bar's own
    `dimension=value` (none for a point), the value the chart showed and what it is."""

    query: Query
    start: datetime
    end: datetime
    value: float
    what: str  # "the bucket of 2026-03-10 00:00", "the bar country=FR"
    bar: tuple[Condition, ...] = ()


def why_not_countable(query: Query) -> str | None:
    """Why this question's numbers have no sessions to list behind them (None: they have)."""
    if query.metric not in COUNTED_METRICS:
        return (
            f"{query.metric} is not a count of sessions: only "
            + ", ".join(COUNTED_METRICS)
            + " can be drilled into"
        )
    if query.endpoint is Endpoint.METRICS and query.aggregation not in (None, "count"):
        return f"{query.metric} {query.aggregation} is not a count of sessions in a window"
    if query.unique:
        return "unique views (one per viewer and day) cannot be told from sessions"
    return None


def single_media(query: Query, bar: tuple[Condition, ...] = ()) -> str | None:
    """The one video or live stream the number is about, if it is about one."""
    from_bar = [c.value for c in bar if c.dimension == "media-id"]
    if from_bar:
        return from_bar[0]
    ids = query.filters.get("mediaId", ())
    return ids[0] if len(ids) == 1 else None


def media_type_of(media_id: str, query: Query) -> str:
    """A live stream's id starts with `li`; a mediaType filter says it otherwise."""
    kinds = query.filters.get("mediaType", ())
    if kinds and kinds[0] in ("video", "live-stream"):
        return kinds[0]
    return "live-stream" if media_id.startswith("li") else "video"


def conditions_of(pointed: Pointed) -> tuple[Condition, ...]:
    """The bar's condition and the query's filters on dimensions; ValueError for a filter of
    several values (the number counts any of them, a drill-down needs each to hold)."""
    found = [c for c in pointed.bar if c.dimension not in ("media-id", "media-type")]
    for key, values in pointed.query.filters.items():
        if key in _NOT_CONDITIONS or not values or key not in _DIMENSION_KEYS:
            continue
        if len(values) > 1:
            raise ValueError(
                f"the filter {key} has {len(values)} values; the sessions can be listed for "
                "one value of each dimension: filter on one, or use a breakdown by it"
            )
        found.append(condition(key, values[0]))
    return tuple(found)


def drill_down(pointed: Pointed, titles: Mapping[str, str]) -> DrillDown:
    """The DrillDown a point or a bar asks; ValueError, in words, when there is none."""
    reason = why_not_countable(pointed.query)
    if reason:
        raise ValueError(reason)
    media_id = single_media(pointed.query, pointed.bar)
    if media_id is None:
        raise ValueError(
            "this number is about several videos and live streams: choose one among the "
            "assets that contribute most"
        )
    live = media_type_of(media_id, pointed.query) == "live-stream"
    media = Media(media_id, "live-stream" if live else "video", titles.get(media_id, ""))
    view = (pointed.query.view_duration or f"{DEFAULT_VIEW_SECONDS}s").removesuffix("s")
    request = DrillDown(
        media,
        pointed.start,
        pointed.end,
        pointed.query.metric,
        conditions_of(pointed),
        int(view),
    )
    problems = request.problems()
    if problems:
        raise ValueError("; ".join(problems))
    return request


def contributors_query(pointed: Pointed) -> Query:
    """One breakdown by media-id of the same metric, window and filters (the bar's too),
    largest first: the assets that make a project-wide number."""
    filters = dict(pointed.query.filters)
    for bar in pointed.bar:
        key = BREAKDOWNS[bar.dimension].filter_key
        filters[key] = (bar.value,)
    return dataclasses.replace(
        pointed.query,
        endpoint=Endpoint.BUCKETS,
        aggregation=None,
        breakdown="media-id",
        interval=None,
        start=pointed.start,
        end=pointed.end,
        filters=filters,
        sort_by="metricValue",
        sort_order="desc",
    )


def counted_page(answer: CountedSessions) -> SessionPage:
    """The counted sessions as one page of the session table (made on the worker)."""
    texts: dict[str, str] = {}
    return RowCoder().page([SessionRecord.row_of(s, texts) for s in answer.sessions])


def relation(value: float, what: str, answer: CountedSessions) -> str:
    """ "36 plays in the bucket (from the chart), 36 sessions listed", and why they differ."""
    metric = answer.request.metric or "play"
    listed = len(answer.sessions)
    noun = NOUNS.get(metric, "views" if metric == "view" else metric)
    shown = "no value" if math.isnan(value) else f"{value:,.0f} {noun}"
    text = f"{shown} in {what} (from the chart), {listed:,} session{'s' * (listed != 1)} listed"
    if math.isnan(value) or round(value) == listed:
        return text + "."
    reasons = []
    if answer.error is not None:
        reasons.append(f"some pages of sessions could not be read ({answer.error})")
    if answer.missing:
        reasons.append(f"the events of {len(answer.missing)} sessions could not be read")
    if listed < value:
        hours = int(LOOKBACK.total_seconds() // 3600)
        reasons.append(
            f"a session loaded more than {hours} hours before the window is not looked at"
        )
    reasons.append(
        "the chart's number may have been fetched earlier, or its bucket is still in progress"
    )
    return f"{text}: they differ, because " + "; or ".join(reasons) + "."


def count_for_table(
    service: DrillDownService,
    request: DrillDown,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> tuple[CountedSessions, SessionPage]:
    """The counted sessions and their page of the table (blocking: a worker thread's call)."""
    answer = service.counted_sessions(request, cancel, progress)
    return answer, counted_page(answer)
