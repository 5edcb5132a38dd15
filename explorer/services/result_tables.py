"""Tables of what the API returned: query results, reports, assets, player sessions, events.

Every timestamp is rendered RFC 3339 in the zone the person chose; session rows carry their
asset's title and type so that a flattened export stands on its own (seed 003's advice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from explorer.domain.catalogue import Unit
from explorer.domain.frames import (
    BucketFrame,
    Result,
    ResultContext,
    ScalarResult,
    format_value,
)
from explorer.domain.report import Report, Value
from explorer.domain.timerange import as_zone, format_rfc3339
from explorer.services.table_files import Table

if TYPE_CHECKING:  # annotations only: the tables of results need no models (start-up)
    from pathlib import Path

    from explorer.api.models import (
        LiveStream,
        Metadata,
        Player,
        PlayerSession,
        SessionEvent,
        Video,
    )

REPORT_HEADER = ["section", "key", "date", "name", "value", "unit"]


def when(moment: datetime | None, zone: ZoneInfo, *, milliseconds: bool = False) -> str:
    if moment is None:
        return ""
    return format_rfc3339(moment.astimezone(zone), milliseconds=milliseconds)


def _number(value: float | None) -> str:
    return "" if value is None else format_value(float(value))


EMPTY_VALUE = "(empty)"
"""How an empty breakdown value (a referrer-less view: typed, bookmarked or from an app; a city
not known) is written everywhere: the chart, the table and the CSV."""
_CSV_UNITS = {
    Unit.COUNT: "events",
    Unit.RATIO: "ratio 0-1",
    Unit.MILLISECONDS: "ms",
    Unit.SECONDS: "s",
    Unit.VIEWERS: "viewers",
}


def value_header(context: ResultContext) -> str:
    """The value column's name: the metric as echoed, its aggregation and its unit
    (``play count (events)``, ``impression-time average (ms)``, ``unique-view-5 (viewers)``)."""
    name = " ".join(p for p in (context.metric, context.aggregation) if p)
    unit = context.unit
    return f"{name} ({_CSV_UNITS[unit]})" if unit is not None else name


def dimension_text(value: str) -> str:
    """A breakdown value as written: the value, or EMPTY_VALUE for an empty one."""
    return value or EMPTY_VALUE


TITLED_BREAKDOWNS = frozenset({"media-id"})
"""Breakdowns whose values are asset ids: given the assets' titles, a title column joins them."""


def titles_apply(result: object, titles: Mapping[str, str] | None) -> bool:
    """Whether `result` is a breakdown by asset id and titles are at hand for it."""
    return (
        titles is not None
        and isinstance(result, BucketFrame)
        and result.context.breakdown in TITLED_BREAKDOWNS
    )


def result_table(
    result: Result | Report, tz: str | ZoneInfo, titles: Mapping[str, str] | None = None
) -> Table:
    """A query result's table; a `Report`'s is `report_table`'s long layout. With `titles`
    (asset id -> title), a breakdown by video or live stream gets a `media_title` column
    before the id (empty for an id the account does not list). The header names the metric,
    its aggregation and unit, and the zone of the times; JSON keeps plain keys (`value`,
    `emitted_at`), its metadata saying the rest."""
    if isinstance(result, Report):
        return report_table(result, tz)
    zone = as_zone(tz)
    context = result.context
    meta: dict[str, Any] = {
        "metric": context.metric,
        "aggregation": context.aggregation,
        "breakdown": context.breakdown,
        "interval": context.interval,
        "from": when(context.start, zone),
        "to": when(context.end, zone),
        "unit": context.unit.value if context.unit else None,
        "partial": result.partial,
        "error": result.error,
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    in_zone = f"({zone.key})"
    if isinstance(result, ScalarResult):
        header = [
            "metric",
            "aggregation",
            f"from {in_zone}",
            f"to {in_zone}",
            value_header(context),
        ]
        row = [
            context.metric,
            context.aggregation or "",
            meta["from"],
            meta["to"],
            format_value(result.value),
        ]
        return Table(header, [row], meta, ["metric", "aggregation", "from", "to", "value"])
    if isinstance(result, BucketFrame):
        header = [context.breakdown or "dimension", value_header(context)]
        rows = [[dimension_text(d), v] for d, v in result.to_rows(zone)]
        keys = [header[0], "value"]
        if titles is not None and titles_apply(result, titles):
            header, keys = ["media_title", *header], ["media_title", *keys]
            rows = [[titles.get(row[0], ""), *row] for row in rows]
        return Table(header, rows, meta, keys)
    header = [f"emitted_at {in_zone}", value_header(context)]
    rows = [list(row) for row in result.to_rows(zone)]
    return Table(header, rows, meta, ["emitted_at", "value"])


def _cell(value: Value) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else format_value(float(value))


def report_table(report: Report, tz: str | ZoneInfo) -> Table:
    """A `Report` in one long layout, one figure per row, whatever its sections' shapes::

        section               key      date                       name     value    unit
        views                                                     total    88
        views.by_country      DE                                  views    16
        views.timeline                 2026-03-09T01:00:00+01:00  views    14
        performance                                               average_bitrate  2528000  bit/s

    so that every report is one valid CSV (one readable table, one JSON list). `section` is
    dotted; `key` the member of a breakdown (empty otherwise); `date` the moment of a
    timeline or matrix (or a dated figure), RFC 3339 in the zone; `name` the figure; `value`
    as in the query tables (`12`, `0.1892`; empty where the server left it out; text as is);
    `unit` the report's base unit (see `explorer.domain.report`). Rows keep the report's
    entry order. The meta (the JSON's header) is the report's kind and request, datetimes in
    the zone, None values left out.
    """
    zone = as_zone(tz)
    rows = [
        [e.section, e.key, when(e.date, zone), e.name, _cell(e.value), e.unit]
        for e in report.entries
    ]
    meta: dict[str, Any] = {"kind": report.kind}
    for name, value in report.request.items():
        meta[name] = when(value, zone) if isinstance(value, datetime) else value
    if report.partial:
        meta["partial"] = True
    meta["error"] = report.error
    return Table(list(REPORT_HEADER), rows, {k: v for k, v in meta.items() if v is not None})


def video_table(videos: Iterable[Video], tz: str | ZoneInfo) -> Table:
    zone = as_zone(tz)
    header = [
        "video_id",
        "title",
        "created_at",
        "published_at",
        "updated_at",
        "tags",
        "public",
        "player_id",
        "player_url",
    ]
    rows = [
        [
            v.video_id,
            v.title,
            when(v.created_at, zone),
            when(v.published_at, zone),
            when(v.updated_at, zone),
            ";".join(v.tags),
            "" if v.public is None else str(v.public).lower(),
            v.player_id or "",
            v.assets.player or "",
        ]
        for v in videos
    ]
    return Table(header, rows, {"kind": "videos"})


def live_stream_table(streams: Iterable[LiveStream], tz: str | ZoneInfo) -> Table:
    zone = as_zone(tz)
    header = ["live_stream_id", "name", "broadcasting", "created_at", "updated_at", "player_url"]
    rows = [
        [
            s.live_stream_id,
            s.name,
            str(s.broadcasting).lower(),
            when(s.created_at, zone),
            when(s.updated_at, zone),
            s.assets.player or "",
        ]
        for s in streams
    ]
    return Table(header, rows, {"kind": "live-streams"})


def player_table(players: Iterable[Player], tz: str | ZoneInfo) -> Table:
    zone = as_zone(tz)
    rows = [
        [p.player_id, p.name, when(p.created_at, zone), when(p.updated_at, zone)] for p in players
    ]
    return Table(["player_id", "name", "created_at", "updated_at"], rows, {"kind": "players"})


SESSION_COLUMNS = [
    "session_id",
    "loaded_at",
    "ended_at",
    "duration_s",
    "country",
    "city",
    "device_type",
    "device_vendor",
    "device_model",
    "os_name",
    "os_shortname",
    "os_version",
    "client_type",
    "client_name",
    "client_version",
    "referrer_url",
    "referrer_medium",
    "referrer_source",
    "referrer_search_term",
    "metadata",
]
EVENT_COLUMNS = ["event_index", "event_type", "emitted_at", "at", "from", "to"]
ASSET_COLUMNS = ["media_id", "media_type", "media_title"]


def _metadata(items: Sequence[Metadata]) -> str:
    return ";".join(f"{m.key}={m.value}" for m in items)


def session_cells(item: PlayerSession, zone: ZoneInfo, *, milliseconds: bool = False) -> list[str]:
    """A session's columns; `milliseconds` keeps them on its load and end times (a file of
    events, whose times carry them, then tells exactly when a session still playing ended)."""
    s = item.session
    duration = ""
    if s.loaded_at and s.ended_at:
        duration = format_value(round((s.ended_at - s.loaded_at).total_seconds(), 3))
    return [
        s.session_id, when(s.loaded_at, zone, milliseconds=milliseconds),
        when(s.ended_at, zone, milliseconds=milliseconds), duration,
        item.location.country or "", item.location.city or "", item.device.type or "",
        item.device.vendor or "", item.device.model or "", item.os.name or "",
        item.os.shortname or "", item.os.version or "", item.client.type or "",
        item.client.name or "", item.client.version or "", item.referrer.url or "",
        item.referrer.medium or "", item.referrer.source or "", item.referrer.search_term or "",
        _metadata(s.metadata),
    ]  # fmt: skip


def event_cells(index: int, event: SessionEvent, zone: ZoneInfo) -> list[str]:
    return [
        str(index),
        event.type,
        when(event.emitted_at, zone, milliseconds=True),  # order within a second is kept
        _number(event.at),
        _number(event.start),
        _number(event.to),
    ]


def session_table(
    sessions: Iterable[PlayerSession], asset: Sequence[str], tz: str | ZoneInfo
) -> Table:
    """One row per session; `asset` is (media_id, media_type, media_title)."""
    zone = as_zone(tz)
    rows = [[*asset, *session_cells(s, zone)] for s in sessions]
    return Table([*ASSET_COLUMNS, *SESSION_COLUMNS], rows, {"kind": "sessions"})


def session_event_table(
    sessions: Iterable[PlayerSession],
    events: Mapping[str, Sequence[SessionEvent]],
    asset: Sequence[str],
    tz: str | ZoneInfo,
) -> Table:
    """One row per event, flattened with its session's and asset's columns."""
    zone = as_zone(tz)
    rows = []
    for session in sessions:
        cells = [*asset, *session_cells(session, zone, milliseconds=True)]
        for index, event in enumerate(events.get(session.session.session_id, ())):
            rows.append([*cells, *event_cells(index, event, zone)])
    header = [*ASSET_COLUMNS, *SESSION_COLUMNS, *EVENT_COLUMNS]
    return Table(header, rows, {"kind": "session-events"})


def event_table(session_id: str, events: Iterable[SessionEvent], tz: str | ZoneInfo) -> Table:
    zone = as_zone(tz)
    rows = [[session_id, *event_cells(i, e, zone)] for i, e in enumerate(events)]
    return Table(["session_id", *EVENT_COLUMNS], rows, {"kind": "events"})


def write_result_csv(
    result: Result, zone: str, path: Path, titles: dict[str, str], cancel: Any, progress: Any
) -> tuple[int, Path]:
    """Ctrl+E, on a worker: the result's table (asset titles joined to a breakdown by video
    or live stream) written atomically; the rows written and where."""
    from explorer.services.table_files import export_table

    return export_table(result_table(result, zone, titles), "csv", path), path
