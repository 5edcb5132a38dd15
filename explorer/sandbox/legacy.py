"""The v1 plays endpoints (2024 spec): /analytics/videos/plays and /analytics/live-streams/plays."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from explorer.sandbox.errors import invalid_attribute, invalid_query
from explorer.sandbox.params import Params, page_body, page_params, render_ms

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BUCKET_HOURLY_MAX_DAYS = 2


def _day(name: str, raw: str) -> date:
    try:
        if not _DATE.match(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise invalid_query(name, "This value must follow the YYYY-MM-DD format.") from None


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


class LegacyPlays:
    """Plays = sessions whose playback started in the period, grouped by one dimension."""

    def __init__(
        self, connection: Callable[[], sqlite3.Connection], country_names: Mapping[str, str]
    ) -> None:
        self._connection = connection
        self._country_names = country_names

    def plays(
        self, media_type: str, params: Params, path: str, now: int, shift: int
    ) -> dict[str, Any]:
        id_name = "videoId" if media_type == "video" else "liveStreamId"
        table, column = (
            ("videos", "video_id") if media_type == "video" else ("live_streams", "live_stream_id")
        )
        dimensions = [id_name, "emittedAt", "country", "deviceType", "operatingSystem", "browser"]
        raw_from, raw_to = params.get("from"), params.get("to")
        if not raw_from:
            raise invalid_attribute("from", "This value must be of type string.")
        dimension = params.get("dimension")
        if not dimension:
            raise invalid_attribute("dimension", "This value must be of type string.")
        if dimension not in dimensions:
            raise invalid_query(
                "dimension",
                "This value must be part of the following values: " + ",".join(dimensions),
            )
        today = datetime.fromtimestamp(now / 1000, UTC).date()
        first = _day("from", raw_from)
        end = _day("to", raw_to) + timedelta(days=1) if raw_to else today
        for name, day in (("from", first), ("to", end - timedelta(days=1))):
            if day < today - timedelta(days=30) or day > today:
                raise invalid_query(name, "This value must be within the last 30 days.")
        if end <= first:
            raise invalid_query("to", "This value must be after from.")
        db = self._connection()
        clauses = ["s.media_type = ?", "d.start_at >= ?", "d.start_at < ?"]
        args: list[Any] = [media_type, _ms(first) - shift, min(_ms(end), now) - shift]
        raw_filter = params.get("filter")
        if raw_filter is not None:
            prefix, _, wanted = raw_filter.partition(":")
            if prefix != id_name or not wanted:
                raise invalid_query(
                    "filter",
                    f"This value must be of the following structure(s): {id_name}:{{{id_name}}}",
                )
            if (
                db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (wanted,)).fetchone()
                is None
            ):
                raise invalid_query("filter", "This value must refer to an existing video")
            clauses.append("s.media_id = ?")
            args.append(wanted)
        current, size = page_params(params)
        params.refuse_leftovers()

        hourly = (end - first).days <= _BUCKET_HOURLY_MAX_DAYS
        width = 3_600_000 if hourly else 86_400_000
        key = {
            id_name: "s.media_id",
            "emittedAt": f"(d.start_at / {width}) * {width}",
            "country": "s.country",
            "deviceType": "s.device_type",
            "operatingSystem": "s.os_name",
            "browser": "s.client_name",
        }[dimension]
        rows = db.execute(
            f"SELECT {key} AS k, COUNT(*) FROM derived_sessions d JOIN sessions s ON s.sid = d.sid "
            f"WHERE {' AND '.join(clauses)} GROUP BY k",
            args,
        ).fetchall()
        items: list[tuple[str, int]] = []
        for value, count in rows:
            if dimension == "emittedAt":
                label = render_ms(int(value) + shift)
            elif dimension == "country":
                label = self._country_names.get(value, value).lower()
            else:
                label = str(value)
            items.append((label, int(count)))
        if dimension == "emittedAt":
            items.sort()
        else:
            items.sort(key=lambda item: (-item[1], item[0]))
        page = items[(current - 1) * size : current * size]
        return {
            "data": [{"value": v, "plays": n} for v, n in page],
            "pagination": page_body(path, params, current, size, len(items), len(page)),
        }
