"""Raw statistics (2023 spec): player sessions of a video or live stream, and a session's events."""

from __future__ import annotations

import calendar
import json
import re
import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from explorer.sandbox.errors import invalid_query, not_found
from explorer.sandbox.params import Params, page_body, page_params, render_ms

_PERIOD_HELP = (
    'This value is not a valid period. Use one of "2018-01-01", "2018-W01", "2018-01", '
    '"2018", "2018-01-01/2018-01-15".'
)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")


def parse_period(text: str) -> tuple[datetime, datetime]:
    """A period as [start, end) in UTC: a day, an ISO week, a month, a year, or a day range
    (both days included)."""
    try:
        if "/" in text:
            first, last = text.split("/", 1)
            if not (_DAY.match(first) and _DAY.match(last)):
                raise ValueError
            start, end = date.fromisoformat(first), date.fromisoformat(last) + timedelta(days=1)
            if end <= start:
                raise ValueError
        elif _DAY.match(text):
            start = date.fromisoformat(text)
            end = start + timedelta(days=1)
        elif match := _WEEK.match(text):
            start = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            end = start + timedelta(days=7)
        elif match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            start = date(year, month, 1)
            end = start + timedelta(days=calendar.monthrange(year, month)[1])
        elif _YEAR.match(text):
            start, end = date(int(text), 1, 1), date(int(text) + 1, 1, 1)
        else:
            raise ValueError
    except ValueError:
        raise invalid_query("period", _PERIOD_HELP) from None
    return _midnight(start), _midnight(end)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _round(value: float | None) -> int | None:
    """The 2023 spec types playhead positions as integers (seconds)."""
    return None if value is None else round(value)


class RawStatistics:
    def __init__(
        self, connection: Callable[[], sqlite3.Connection], country_names: Mapping[str, str]
    ) -> None:
        self._connection = connection
        self._country_names = country_names

    def _db(self) -> sqlite3.Connection:
        db = self._connection()
        db.row_factory = sqlite3.Row
        return db

    def _session_body(self, row: sqlite3.Row, now: int, shift: int) -> dict[str, Any]:
        session: dict[str, Any] = {
            "sessionId": row["session_id"],
            "loadedAt": render_ms(row["loaded_at"] + shift),
        }
        if row["ended_at"] is not None and row["ended_at"] + shift <= now:
            session["endedAt"] = render_ms(row["ended_at"] + shift)
        if row["media_type"] == "video":
            session["metadata"] = json.loads(row["metadata"])
        return {
            "session": session,
            "location": {
                "country": self._country_names.get(row["country"], row["country"]),
                "city": row["city"] or None,
            },
            "referrer": {
                "url": row["referrer_url"] or None,
                "medium": row["referrer_medium"],
                "source": row["referrer_source"],
                "searchTerm": row["referrer_search_term"],
            },
            "device": {
                "type": row["device_type"],
                "vendor": row["device_vendor"],
                "model": row["device_model"],
            },
            "os": {
                "name": row["os_name"],
                "shortname": row["os_shortname"],
                "version": row["os_version"],
            },
            "client": {
                "type": row["client_type"],
                "name": row["client_name"],
                "version": row["client_version"],
            },
        }

    def sessions(
        self, media_type: str, media_id: str, params: Params, path: str, now: int, shift: int
    ) -> dict[str, Any]:
        """GET /analytics/videos/{videoId} and /analytics/live-streams/{liveStreamId}."""
        db = self._db()
        table, column, name = (
            ("videos", "video_id", "videoId")
            if media_type == "video"
            else ("live_streams", "live_stream_id", "liveStreamId")
        )
        if db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (media_id,)).fetchone() is None:
            raise not_found(name, legacy=True)
        raw_period = params.get("period")
        if not raw_period:
            raise invalid_query("period", "This value should not be blank.")
        start, end = parse_period(raw_period)
        metadata = params.deep("metadata") if media_type == "video" else {}
        current, size = page_params(params)
        params.refuse_leftovers()

        clauses = ["s.media_id = ?", "s.loaded_at >= ?", "s.loaded_at < ?"]
        args: list[Any] = [media_id, _ms(start) - shift, min(_ms(end), now + 1) - shift]
        for key, values in metadata.items():
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(s.metadata) j WHERE "
                "json_extract(j.value, '$.key') = ? AND json_extract(j.value, '$.value') = ?)"
            )
            args.extend([key, values[-1]])
        where = " AND ".join(clauses)
        total = db.execute(f"SELECT COUNT(*) FROM sessions s WHERE {where}", args).fetchone()[0]
        rows = db.execute(
            f"SELECT * FROM sessions s WHERE {where} ORDER BY s.loaded_at, s.sid LIMIT ? OFFSET ?",
            [*args, size, (current - 1) * size],
        ).fetchall()
        return {
            "data": [self._session_body(r, now, shift) for r in rows],
            "pagination": page_body(path, params, current, size, total, len(rows)),
        }

    def events(
        self, session_id: str, params: Params, path: str, now: int, shift: int
    ) -> dict[str, Any]:
        """GET /analytics/sessions/{sessionId}/events: what happened so far, in order."""
        db = self._db()
        row = db.execute(
            "SELECT sid FROM sessions WHERE session_id = ? AND loaded_at <= ?",
            (session_id, now - shift),
        ).fetchone()
        if row is None:
            raise not_found("sessionId", legacy=True)
        current, size = page_params(params)
        params.refuse_leftovers()
        visible = (row["sid"], now - shift)
        total = db.execute(
            "SELECT COUNT(*) FROM events WHERE sid = ? AND emitted_at <= ?", visible
        ).fetchone()[0]
        events = db.execute(
            "SELECT * FROM events WHERE sid = ? AND emitted_at <= ? ORDER BY seq LIMIT ? OFFSET ?",
            (*visible, size, (current - 1) * size),
        ).fetchall()
        data = []
        for event in events:
            body: dict[str, Any] = {
                "type": event["type"],
                "emittedAt": render_ms(event["emitted_at"] + shift),
            }
            if event["at"] is not None:
                body["at"] = _round(event["at"])
            if event["from_pos"] is not None:
                body["from"] = _round(event["from_pos"])
            if event["to_pos"] is not None:
                body["to"] = _round(event["to_pos"])
            data.append(body)
        return {
            "data": data,
            "pagination": page_body(path, params, current, size, total, len(data)),
        }
