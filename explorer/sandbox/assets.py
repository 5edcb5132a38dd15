"""The asset listings of the sandbox: /videos, /videos/{id}, /live-streams, /players."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from explorer.sandbox.errors import bad_request, not_found
from explorer.sandbox.params import Params, page_body, page_params, render_datetime

_VIDEO_SORTS = {
    "title": "title",
    "createdAt": "created_at",
    "publishedAt": "published_at",
    "updatedAt": "updated_at",
}
_NAMED_SORTS = {"name": "name", "createdAt": "created_at", "updatedAt": "updated_at"}


def _when(ms: int, shift: int) -> str:
    return render_datetime(datetime.fromtimestamp((ms + shift) // 1000, UTC))


def _order(params: Params, sorts: dict[str, str], default: str) -> str:
    sort_by = params.get("sortBy") or default
    if sort_by not in sorts:
        raise bad_request("sortBy", "This value must be one of: " + ", ".join(sorts) + ".")
    order = (params.get("sortOrder") or "asc").lower()
    if order not in ("asc", "desc"):
        raise bad_request("sortOrder", "This value must be one of: asc, desc.")
    return f"{sorts[sort_by]} {order.upper()}, rowid"


def video_body(row: sqlite3.Row, shift: int) -> dict[str, Any]:
    vid = row["video_id"]
    body: dict[str, Any] = {
        "videoId": vid,
        "title": row["title"],
        "description": row["description"],
        "createdAt": _when(row["created_at"], shift),
        "publishedAt": _when(row["published_at"], shift),
        "updatedAt": _when(row["updated_at"], shift),
        "discarded": False,
        "discardedAt": None,
        "deletesAt": None,
        "tags": json.loads(row["tags"]),
        "metadata": json.loads(row["metadata"]),
        "public": bool(row["public"]),
        "panoramic": bool(row["panoramic"]),
        "mp4Support": bool(row["mp4_support"]),
        "language": row["language"] or "en",
        "languageOrigin": "api",
        "source": {"uri": f"/videos/{vid}/source"},
        "assets": {
            "iframe": f'<iframe src="https://embed.api.video/vod/{vid}" width="100%" '
            'height="100%" frameborder="0" scrolling="no" allowfullscreen="true"></iframe>',
            "player": f"https://embed.api.video/vod/{vid}",
            "hls": f"https://vod.api.video/vod/{vid}/hls/manifest.m3u8",
            "thumbnail": f"https://vod.api.video/vod/{vid}/thumbnail.jpg",
            "mp4": f"https://vod.api.video/vod/{vid}/mp4/source.mp4",
        },
    }
    if row["player_id"]:
        body["playerId"] = row["player_id"]
    if row["live_stream_id"]:
        body["source"] = {
            "type": "live",
            "liveStream": {
                "liveStreamId": row["live_stream_id"],
                "links": [{"rel": "self", "uri": f"/live-streams/{row['live_stream_id']}"}],
            },
        }
    return body


_CHUNK_BYTES = 128 * 1024 * 1024  # an upload's chunks, as the spec's example shows them
_BITRATE_KBPS = 2_500.0


def video_status_body(row: sqlite3.Row) -> dict[str, Any]:
    """`GET /videos/{videoId}/status`: uploaded, encoded, and the media's length. The spec types
    `duration` as an integer: whole seconds, rounded as the raw statistics round positions,
    so that every position a session reports lies within it."""
    duration = round(row["duration"])
    size = max(1, int(row["duration"] * _BITRATE_KBPS * 125))
    received = [
        {"from": lo, "to": min(lo + _CHUNK_BYTES, size) - 1, "total": size}
        for lo in range(0, size, _CHUNK_BYTES)
    ]
    qualities = [
        {"quality": q, "status": "encoded"} for q in ("240p", "360p", "480p", "720p", "1080p")
    ]
    return {
        "ingest": {"status": "uploaded", "filesize": size, "receivedBytes": received},
        "encoding": {
            "playable": True,
            "qualities": qualities,
            "metadata": {
                "width": 1920,
                "height": 1080,
                "bitrate": _BITRATE_KBPS,
                "duration": duration,
                "framerate": 30,
                "samplerate": 48000,
                "videoCodec": "h264",
                "audioCodec": "aac",
                "aspectRatio": "16/9",
            },
        },
    }


def live_stream_body(row: sqlite3.Row, shift: int) -> dict[str, Any]:
    lid = row["live_stream_id"]
    body: dict[str, Any] = {
        "liveStreamId": lid,
        "name": row["name"],
        "streamKey": row["stream_key"],
        "public": bool(row["public"]),
        "broadcasting": bool(row["broadcasting"]),
        "restreams": [],
        "createdAt": _when(row["created_at"], shift),
        "updatedAt": _when(row["updated_at"], shift),
        "assets": {
            "iframe": f'<iframe src="https://embed.api.video/live/{lid}" width="100%" '
            'height="100%" frameborder="0" scrolling="no" allowfullscreen="true"></iframe>',
            "player": f"https://embed.api.video/live/{lid}",
            "hls": f"https://live.api.video/{lid}.m3u8",
            "thumbnail": f"https://live.api.video/{lid}/thumbnail.jpg",
        },
    }
    if row["player_id"]:
        body["playerId"] = row["player_id"]
    return body


def player_body(row: sqlite3.Row, shift: int) -> dict[str, Any]:
    return {
        "playerId": row["player_id"],
        "name": row["name"],
        **json.loads(row["theme"]),
        "createdAt": _when(row["created_at"], shift),
        "updatedAt": _when(row["updated_at"], shift),
        "assets": {},
    }


def listing_bodies(db: sqlite3.Connection, shift: int) -> dict[str, list[dict[str, Any]]]:
    """Every video, live stream and player as `/videos`, `/live-streams` and `/players` list
    them by default (by creation, oldest first), read from ``db`` (also while the dataset is
    being generated: the generator's own connection sees its rows before they are committed)."""
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    bodies: dict[str, list[dict[str, Any]]] = {}
    for name, table, body in (
        ("videos", "videos", video_body),
        ("live_streams", "live_streams", live_stream_body),
        ("players", "players", player_body),
    ):
        rows = cursor.execute(f"SELECT * FROM {table} ORDER BY created_at ASC, rowid").fetchall()
        bodies[name] = [body(row, shift) for row in rows]
    return bodies


class Assets:
    def __init__(self, db: Any) -> None:
        self._connection = db  # a callable giving this thread's connection

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection = self._connection()
        db.row_factory = sqlite3.Row
        return db

    def _page(
        self, table: str, where: str, args: list[Any], order: str, params: Params, path: str
    ) -> tuple[list[sqlite3.Row], dict[str, Any]]:
        current, size = page_params(params)
        params.refuse_leftovers()
        db = self._db()
        total = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", args).fetchone()[0]
        rows = db.execute(
            f"SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*args, size, (current - 1) * size],
        ).fetchall()
        return rows, page_body(path, params, current, size, total, len(rows))

    def videos(self, params: Params, path: str, shift: int) -> dict[str, Any]:
        clauses, args = ["1"], []
        for name, column in (("title", "title"), ("description", "description")):
            value = params.get(name)
            if value:
                clauses.append(f"instr(lower({column}), lower(?)) > 0")
                args.append(value)
        live = params.get("liveStreamId")
        if live:
            clauses.append("live_stream_id = ?")
            args.append(live)
        for tag in params.deep("tags").get("", []):
            clauses.append("EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)")
            args.append(tag)
        for key, values in params.deep("metadata").items():
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(metadata) j WHERE "
                "json_extract(j.value, '$.key') = ? AND json_extract(j.value, '$.value') = ?)"
            )
            args.extend([key, values[-1]])
        order = _order(params, _VIDEO_SORTS, "createdAt")
        rows, pagination = self._page("videos", " AND ".join(clauses), args, order, params, path)
        return {"data": [video_body(r, shift) for r in rows], "pagination": pagination}

    def video(self, video_id: str, shift: int) -> dict[str, Any]:
        row = self._db().execute("SELECT * FROM videos WHERE video_id = ?", (video_id,)).fetchone()
        if row is None:
            raise not_found("videoId")
        return video_body(row, shift)

    def video_status(self, video_id: str) -> dict[str, Any]:
        row = self._db().execute("SELECT * FROM videos WHERE video_id = ?", (video_id,)).fetchone()
        if row is None:
            raise not_found("videoId")
        return video_status_body(row)

    def live_streams(self, params: Params, path: str, shift: int) -> dict[str, Any]:
        clauses, args = ["1"], []
        name, key = params.get("name"), params.get("streamKey")
        if name:
            clauses.append("instr(lower(name), lower(?)) > 0")
            args.append(name)
        if key:
            clauses.append("stream_key = ?")
            args.append(key)
        order = _order(params, _NAMED_SORTS, "createdAt")
        rows, pagination = self._page(
            "live_streams", " AND ".join(clauses), args, order, params, path
        )
        return {"data": [live_stream_body(r, shift) for r in rows], "pagination": pagination}

    def players(self, params: Params, path: str, shift: int) -> dict[str, Any]:
        order = _order(params, _NAMED_SORTS, "createdAt")
        rows, pagination = self._page("players", "1", [], order, params, path)
        return {"data": [player_body(r, shift) for r in rows], "pagination": pagination}
