"""The sandbox's analytics engine: every /data metric computed with SQL over the derived tables.

All times here are *stored* milliseconds (see clock.py); the caller converts. A window is
[lo, hi) with hi already cut at "now", so nothing from the simulated future leaks out.
Grouping is by nothing (one value), by a session column (a breakdown), or by fixed-width
time buckets starting at `origin` (a timeseries).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from explorer.sandbox import concurrency
from explorer.sandbox.database import Dataset

DAY_MS = 86_400_000

DIMENSION_COLUMNS: dict[str, str] = {
    "media-id": "s.media_id",
    "media-type": "s.media_type",
    "continent": "s.continent",
    "country": "s.country",
    "device-type": "s.device_type",
    "operating-system": "s.os_name",
    "browser": "s.client_name",
    "referrer": "s.referrer_url",
}
FILTER_COLUMNS: dict[str, str] = {
    "mediaId": "s.media_id",
    "mediaType": "s.media_type",
    "continent": "s.continent",
    "country": "s.country",
    "deviceType": "s.device_type",
    "operatingSystem": "s.os_name",
    "browser": "s.client_name",
    "referrer": "s.referrer_url",
}
_TAGGED = "s.media_id IN (SELECT v.video_id FROM videos v, json_each(v.tags) j WHERE j.value = ?)"
POINT_COLUMNS = {"impression": "ready_at", "start": "start_at", "end": "end_at"}


@dataclass(frozen=True)
class Buckets:
    origin: int
    width: int
    count: int

    def edges(self) -> np.ndarray:
        return self.origin + self.width * np.arange(self.count + 1, dtype=np.int64)


Group = str | Buckets | None  # a breakdown name, time buckets, or one value
Key = str | int | None
Values = dict[Key, float]


@dataclass(frozen=True)
class Scope:
    """The sessions a query counts: filterBy as SQL over `sessions s`."""

    where: str
    args: tuple[object, ...]

    @staticmethod
    def of(filters: Mapping[str, Sequence[str]]) -> Scope:
        clauses: list[str] = []
        args: list[object] = []
        for key, values in sorted(filters.items()):
            if key == "tag":
                clauses.append(_TAGGED)
                args.append(values[0])
            else:
                clauses.append(f"{FILTER_COLUMNS[key]} IN ({','.join('?' * len(values))})")
                args.extend(values)
        return Scope(" AND ".join(clauses) or "1", tuple(args))


class Engine:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        row = self._db().execute("SELECT MAX(end_at - start_at) FROM derived_spans").fetchone()
        self.longest_span = int(row[0] or 0)

    def _db(self) -> sqlite3.Connection:
        return self.dataset.connection()

    @staticmethod
    def _key_sql(group: Group, time_sql: str) -> str:
        if group is None:
            return "NULL"
        if isinstance(group, Buckets):
            return f"(({time_sql}) - {group.origin}) / {group.width}"
        return DIMENSION_COLUMNS[group]

    def _grouped(self, sql: str, args: Sequence[object]) -> Values:
        return {
            key: float(value) for key, value in self._db().execute(sql, args) if value is not None
        }

    # --- events that happen once per session: impression, start, end, view ------------

    def points(self, metric: str, lo: int, hi: int, scope: Scope, group: Group) -> Values:
        column = "d." + POINT_COLUMNS[metric]
        key = self._key_sql(group, column)
        sql = (
            f"SELECT {key} AS k, COUNT(*) FROM derived_sessions d JOIN sessions s ON s.sid = d.sid "
            f"WHERE {column} >= ? AND {column} < ? AND {scope.where} GROUP BY k"
        )
        return self._grouped(sql, (lo, hi, *scope.args))

    def views(
        self, seconds: int, lo: int, hi: int, scope: Scope, group: Group, unique: bool
    ) -> Values:
        """Sessions that played `seconds`; unique: a viewer once per UTC day (and per group)."""
        column = f"d.view{seconds}_at"
        if not unique:
            key = self._key_sql(group, column)
            sql = (
                f"SELECT {key} AS k, COUNT(*) FROM derived_sessions d "
                f"JOIN sessions s ON s.sid = d.sid "
                f"WHERE {column} >= ? AND {column} < ? AND {scope.where} GROUP BY k"
            )
            return self._grouped(sql, (lo, hi, *scope.args))
        dim = DIMENSION_COLUMNS[group] if isinstance(group, str) else "NULL"
        key = "dim" if isinstance(group, str) else self._key_sql(group, "t")
        sql = (
            f"SELECT {key} AS k, COUNT(*) FROM ("
            f" SELECT s.viewer_id, {column} / {DAY_MS} AS day, {dim} AS dim, MIN({column}) AS t"
            f" FROM derived_sessions d JOIN sessions s ON s.sid = d.sid"
            f" WHERE {column} >= ? AND {column} < ? AND {scope.where}"
            f" GROUP BY s.viewer_id, day, dim) GROUP BY k"
        )
        return self._grouped(sql, (lo, hi, *scope.args))

    def play_rate(self, lo: int, hi: int, scope: Scope, group: Group) -> Values:
        """Of the impressions in the window, the share that went on to play."""
        key = self._key_sql(group, "d.ready_at")
        sql = (
            f"SELECT {key} AS k, AVG(d.start_at IS NOT NULL) FROM derived_sessions d "
            f"JOIN sessions s ON s.sid = d.sid "
            f"WHERE d.ready_at >= ? AND d.ready_at < ? AND {scope.where} GROUP BY k"
        )
        return self._grouped(sql, (lo, hi, *scope.args))

    def impression_time(self, aggregation: str, lo: int, hi: int, scope: Scope) -> Values:
        fn = "AVG" if aggregation == "average" else "SUM"
        sql = (
            f"SELECT NULL, {fn}(d.impression_ms) FROM derived_sessions d "
            f"JOIN sessions s ON s.sid = d.sid "
            f"WHERE d.ready_at >= ? AND d.ready_at < ? AND {scope.where}"
        )
        return self._grouped(sql, (lo, hi, *scope.args))

    # --- spans of playback: play, watch time, concurrent viewers ------------------------

    def _span_sql(
        self, columns: str, scope: Scope, lo: int, hi: int
    ) -> tuple[str, tuple[object, ...]]:
        sql = (
            f"SELECT {columns} FROM derived_spans sp JOIN sessions s ON s.sid = sp.sid "
            f"WHERE sp.start_at >= ? AND sp.start_at < ? AND MAX(sp.end_at, sp.start_at + 1) > ? "
            f"AND {scope.where}"
        )
        return sql, (lo - self.longest_span, hi, lo, *scope.args)

    def plays(self, lo: int, hi: int, scope: Scope, group: Group) -> Values:
        """Sessions that were playing at some moment of the window (or of each bucket)."""
        if not isinstance(group, Buckets):
            key = self._key_sql(group, "")
            sql, args = self._span_sql(f"{key} AS k, COUNT(DISTINCT sp.sid)", scope, lo, hi)
            return self._grouped(sql + " GROUP BY k", args)
        sql, args = self._span_sql(
            "sp.sid, sp.start_at, MAX(sp.end_at, sp.start_at + 1)", scope, lo, hi
        )
        rows = np.array(self._db().execute(sql, args).fetchall(), dtype=np.int64).reshape(-1, 3)
        if len(rows) == 0:
            return {}
        first = (np.maximum(rows[:, 1], lo) - group.origin) // group.width
        last = (np.minimum(rows[:, 2], hi) - 1 - group.origin) // group.width
        spread = last - first + 1
        sids = np.repeat(rows[:, 0], spread)
        offsets = np.arange(spread.sum()) - np.repeat(np.cumsum(spread) - spread, spread)
        buckets = np.repeat(first, spread) + offsets
        pairs = np.unique(np.stack([buckets, sids], axis=1), axis=0)
        keys, counts = np.unique(pairs[:, 0], return_counts=True)
        return {int(k): float(c) for k, c in zip(keys, counts, strict=True)}

    def watch_time(self, aggregation: str, lo: int, hi: int, scope: Scope) -> Values:
        sql, args = self._span_sql(
            "SUM(MIN(sp.end_at, ?) - MAX(sp.start_at, ?)) / 1000.0, COUNT(DISTINCT sp.sid)",
            scope,
            lo,
            hi,
        )
        total, sessions = self._db().execute(sql, (hi, lo, *args)).fetchone()
        if not sessions:
            return {}
        return {None: total / sessions if aggregation == "average" else total}

    def _spans_by_group(
        self, lo: int, hi: int, scope: Scope, group: Group, unique: bool
    ) -> dict[Key, tuple[np.ndarray, np.ndarray]]:
        dim = DIMENSION_COLUMNS[group] if isinstance(group, str) else "NULL"
        sql, args = self._span_sql(f"{dim}, s.viewer_id, sp.start_at, sp.end_at", scope, lo, hi)
        rows = self._db().execute(sql, args).fetchall()
        by_group: dict[Key, list[tuple[int, int, int]]] = {}
        for key, viewer, start, end in rows:
            by_group.setdefault(key, []).append((viewer, start, end))
        result: dict[Key, tuple[np.ndarray, np.ndarray]] = {}
        for key, spans in by_group.items():
            array = np.array(spans, dtype=np.int64)
            starts, ends = array[:, 1], array[:, 2]
            if unique:
                starts, ends = concurrency.merge_per_viewer(
                    array[:, 0], starts, ends, lo - self.longest_span
                )
            starts, ends = concurrency.clip(starts, ends, lo, hi)
            if len(starts):
                result[key] = (starts, ends)
        return result

    def ccv(self, kind: str, lo: int, hi: int, scope: Scope, group: Group, unique: bool) -> Values:
        """`kind` is 'peak' or 'average'."""
        groups = self._spans_by_group(lo, hi, scope, group, unique)
        if isinstance(group, Buckets):
            starts, ends = groups.get(None, (np.empty(0, np.int64), np.empty(0, np.int64)))
            edges = np.clip(group.edges(), lo, hi)
            figures = (
                concurrency.bucket_peaks(starts, ends, edges)
                if kind == "peak"
                else concurrency.bucket_averages(starts, ends, edges)
            )
            return {int(i): float(v) for i, v in enumerate(figures) if v > 0}
        if kind == "peak":
            return {k: float(concurrency.peak(s, e)) for k, (s, e) in groups.items()}
        length = float(hi - lo)
        return {k: float((e - s).sum()) / length for k, (s, e) in groups.items()}

    # --- all-time plays -----------------------------------------------------------------

    def play_total(self, now: int, scope: Scope, by_media: bool) -> Values:
        """Plays ever: those before the data's retention plus every session that started."""
        key = "m.media_id" if by_media else "NULL"
        history = (
            "SELECT video_id AS media_id, 'video' AS media_type, plays_before_retention AS plays"
            " FROM videos UNION ALL SELECT live_stream_id, 'live-stream', plays_before_retention"
            " FROM live_streams"
        )
        recent = (
            "SELECT s.media_id, s.media_type, COUNT(*) AS plays FROM derived_sessions d"
            f" JOIN sessions s ON s.sid = d.sid WHERE d.start_at <= ? AND {scope.where}"
            " GROUP BY s.media_id"
        )
        # the history rows are aliased `s` too, so the same filters (mediaId, mediaType) apply
        sql = (
            f"SELECT {key} AS k, SUM(m.plays) FROM ("
            f" SELECT * FROM ({recent})"
            f" UNION ALL SELECT * FROM ({history}) s WHERE {scope.where}"
            ") m GROUP BY k"
        )
        values = self._grouped(sql, (now, *scope.args, *scope.args))
        return {k: v for k, v in values.items() if v > 0}
