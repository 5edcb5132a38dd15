"""Video figures of the VideoCloud sandbox: one video's views, engagement, performance; the summary.

Only the simulated videos are part of this API (live streams have no place in it). In a
window [lo, hi) of stored time, cut at now:

* a view is a session whose playback reached 5 s inside the window (api.video's `view`);
  `unique` counts distinct viewers among them; byCountry is ISO 3166 alpha-2 (GB, not UK);
  byDevice uses desktop, mobile, tablet, tv; byPlatform web, ios, android, other;
* `change` is (views − previous views) / previous views, null when the previous period had
  none (or for `all`);
* watch time is the seconds of playback inside the window; averageWatchTime divides it by
  the sessions that played in the window; completionRate is the share of the sessions that
  started (first play) in the window that have reached the end by now;
* likes, comments, shares, bitrate, buffering and errors are simulated per session
  (videocloud_traits.py); bufferingRate and averageBitrate are weighted by watch time,
  errorRate is the share of the sessions loaded in the window that errored;
* timelines give every bucket of the window up to now, zeros included; a bucket's
  watchTime is the playback inside it, its rates count the sessions starting (or loading)
  in it.

The summary: totalVideos counts every video; totals are over the window; averageEngagement
gives watch time per session that played, the overall completion rate, and likes and
comments per video; topVideos ranks every video by views (then watch time, then id), zeros
included, `limit` of them (10 by default, at most 100), each with its watch time and its
completion rate as `engagement`; trends are relative changes against the previous period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer.sandbox import videocloud_traits as traits
from explorer.sandbox.database import Dataset
from explorer.sandbox.videocloud_periods import Bucket, Window

Ints = traits.Ints
Array = np.ndarray[Any, Any]


def _ratio(part: float, whole: float, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole else None


def change(current: float | None, previous: float | None) -> float | None:
    """The relative change, None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    return round((current - previous) / previous, 4)


def _counts(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))


def _mask(at: Ints, bucket: Bucket) -> traits.Bools:
    return np.asarray((at >= bucket.lo) & (at < bucket.hi), dtype=np.bool_)


@dataclass
class Rows:
    """Columns of one query: sid, media id, the time that put the row in the window, more."""

    sid: Ints
    media: Array
    at: Ints
    cols: dict[str, Array]

    @staticmethod
    def of(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> Rows:
        columns = list(zip(*rows, strict=True)) if rows else [()] * (3 + len(names))
        return Rows(
            np.array(columns[0], dtype=np.int64),
            np.array(columns[1], dtype=object),
            np.array(columns[2], dtype=np.int64),
            {name: np.array(columns[3 + i]) for i, name in enumerate(names)},
        )

    def __len__(self) -> int:
        return len(self.sid)

    def where(self, keep: traits.Bools) -> Rows:
        return Rows(
            self.sid[keep],
            self.media[keep],
            self.at[keep],
            {name: column[keep] for name, column in self.cols.items()},
        )

    def overlap_s(self, lo: int, hi: int) -> Array:
        """Spans only: seconds of each span inside [lo, hi)."""
        ends = np.minimum(self.cols["end"].astype(np.int64), hi)
        return np.asarray(np.clip(ends - np.maximum(self.at, lo), 0, None) / 1000, np.float64)


class VideoFigures:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        sql = "SELECT MAX(end_at - start_at) FROM derived_spans"
        self.longest_span = int(dataset.connection().execute(sql).fetchone()[0] or 0)

    def _query(
        self,
        sql: str,
        args: tuple[object, ...],
        video: str | None,
        names: tuple[str, ...],
        table: str = "derived_sessions",
    ) -> Rows:
        """Run `sql`, whose FROM is `{source}`: `table` as `t` joined to `sessions s`."""
        if video is None:
            source = "{table} t JOIN sessions s ON s.sid = t.sid"
        else:  # one video: walk its sessions by index instead of the whole window
            source = "sessions s CROSS JOIN {table} t ON t.sid = s.sid"
            sql += " AND s.media_id = ?"
            args = (*args, video)
        sql = sql.replace("{source}", source.replace("{table}", table))
        return Rows.of(self.dataset.connection().execute(sql, args).fetchall(), names)

    # --- catalogue ------------------------------------------------------------------------

    def catalogue(self) -> list[tuple[str, str, int, float]]:
        """(id, title, created_at, duration s) of every video, by id."""
        sql = "SELECT video_id, title, created_at, duration FROM videos ORDER BY video_id"
        rows = self.dataset.connection().execute(sql)
        return [(r[0], r[1], int(r[2]), float(r[3])) for r in rows]

    def first_data(self) -> int | None:
        sql = "SELECT MIN(loaded_at) FROM sessions WHERE media_type = 'video'"
        value = self.dataset.connection().execute(sql).fetchone()[0]
        return int(value) if value is not None else None

    # --- the raw rows of a window ---------------------------------------------------------

    def views(self, lo: int, hi: int, video: str | None = None) -> Rows:
        """Views, with viewer, country, device, platform and the simulated reactions."""
        sql = (
            "SELECT s.sid, s.media_id, t.view5_at, s.viewer_id, s.country, s.device_type,"
            " s.client_type, s.os_name FROM {source}"
            " WHERE t.view5_at >= ? AND t.view5_at < ? AND s.media_type = 'video'"
        )
        names = ("viewer", "country", "device", "client", "os")
        rows = self._query(sql, (lo, hi), video, names)
        rows.cols["liked"] = traits.liked(rows.sid)
        rows.cols["commented"] = traits.commented(rows.sid)
        rows.cols["shared"] = traits.shared(rows.sid)
        return rows

    def spans(self, lo: int, hi: int, video: str | None = None) -> Rows:
        """Playing spans clipped to the window (at = start, end), with simulated quality."""
        sql = (
            "SELECT t.sid, s.media_id, MAX(t.start_at, ?), MIN(t.end_at, ?), s.device_type"
            " FROM {source}"
            " WHERE t.start_at >= ? AND t.start_at < ? AND MAX(t.end_at, t.start_at + 1) > ?"
            " AND s.media_type = 'video'"
        )
        args = (lo, hi, lo - self.longest_span, hi, lo)
        rows = self._query(sql, args, video, ("end", "device"), "derived_spans")
        devices = [str(d) for d in rows.cols["device"]]
        rows.cols["kbps"] = traits.bitrate_kbps(rows.sid, devices)
        rows.cols["buffering"] = traits.buffering(rows.sid, devices)
        return rows

    def starts(self, lo: int, hi: int, now: int, video: str | None = None) -> Rows:
        """Sessions whose first play is in the window, and whether they ended by now."""
        sql = (
            "SELECT s.sid, s.media_id, t.start_at, (t.end_at IS NOT NULL AND t.end_at < ?)"
            " FROM {source}"
            " WHERE t.start_at >= ? AND t.start_at < ? AND s.media_type = 'video'"
        )
        rows = self._query(sql, (now, lo, hi), video, ("completed",))
        rows.cols["completed"] = rows.cols["completed"].astype(np.bool_)
        return rows

    def loads(self, lo: int, hi: int, video: str | None = None) -> Rows:
        """Sessions loaded in the window, and whether they (simulated) errored."""
        sql = (
            "SELECT s.sid, s.media_id, s.loaded_at, s.viewer_id FROM {source}"
            " WHERE s.loaded_at >= ? AND s.loaded_at < ? AND s.media_type = 'video'"
        )
        rows = self._query(sql, (lo, hi), video, ("viewer",))
        rows.cols["errored"] = traits.errored(rows.sid)
        return rows

    # --- figures from rows ----------------------------------------------------------------

    @staticmethod
    def completion(starts: Rows) -> float | None:
        return _ratio(int(starts.cols["completed"].sum()), len(starts))

    @staticmethod
    def quality(spans: Rows, lo: int, hi: int) -> tuple[float, float | None, float | None]:
        """(watch seconds, buffering rate, bitrate kbit/s), weighted by watch time."""
        weights = spans.overlap_s(lo, hi)
        total = float(weights.sum())
        if not total:
            return 0.0, None, None
        rate = float((weights * spans.cols["buffering"]).sum()) / total
        kbps = float((weights * spans.cols["kbps"]).sum()) / total
        return total, round(rate, 6), kbps

    def _views_body(self, window: Window, video: str, unit: str, compare: bool) -> dict[str, Any]:
        rows = self.views(window.lo, window.hi, video)
        viewers = rows.cols["viewer"]
        previous = window.previous()
        before = len(self.views(previous.lo, previous.hi, video)) if compare else None
        timeline = []
        for bucket in window.buckets(unit):
            inside = _mask(rows.at, bucket)
            timeline.append(
                {
                    "date": bucket.label,
                    "views": int(inside.sum()),
                    "unique": len(np.unique(viewers[inside])),
                }
            )
        return {
            "total": len(rows),
            "unique": len(np.unique(viewers)),
            "change": change(len(rows), before),
            "byCountry": _counts(str(c) for c in rows.cols["country"]),
            "byDevice": _counts(traits.device_name(str(d)) for d in rows.cols["device"]),
            "byPlatform": _counts(
                traits.platform(str(c), str(o))
                for c, o in zip(rows.cols["client"], rows.cols["os"], strict=True)
            ),
            "timeline": timeline,
        }

    def _engagement_body(self, window: Window, video: str, unit: str) -> dict[str, Any]:
        spans = self.spans(window.lo, window.hi, video)
        starts = self.starts(window.lo, window.hi, window.now_stored, video)
        views = self.views(window.lo, window.hi, video)
        players = len(np.unique(spans.sid))
        timeline = [
            {
                "date": bucket.label,
                "watchTime": round(float(spans.overlap_s(bucket.lo, bucket.hi).sum()), 1),
                "completionRate": self.completion(starts.where(_mask(starts.at, bucket))),
            }
            for bucket in window.buckets(unit)
        ]
        watch = float(spans.overlap_s(window.lo, window.hi).sum())
        return {
            "averageWatchTime": round(watch / players, 1) if players else None,
            "completionRate": self.completion(starts),
            "likes": int(views.cols["liked"].sum()),
            "comments": int(views.cols["commented"].sum()),
            "shares": int(views.cols["shared"].sum()),
            "timeline": timeline,
        }

    def _performance_body(self, window: Window, video: str, unit: str) -> dict[str, Any]:
        spans = self.spans(window.lo, window.hi, video)
        loads = self.loads(window.lo, window.hi, video)
        failed = loads.cols["errored"]
        timeline = []
        for bucket in window.buckets(unit):
            inside = _mask(loads.at, bucket)
            timeline.append(
                {
                    "date": bucket.label,
                    "bufferingRate": self.quality(spans, bucket.lo, bucket.hi)[1],
                    "errorRate": _ratio(int(failed[inside].sum()), int(inside.sum()), 6),
                }
            )
        _, rate, kbps = self.quality(spans, window.lo, window.hi)
        return {
            "bufferingRate": rate,
            "averageBitrate": f"{round(kbps)}k" if kbps is not None else None,
            "errorRate": _ratio(int(failed.sum()), len(loads), 6),
            "timeline": timeline,
        }

    def day_rows(self, window: Window, metrics: list[str], video: str) -> list[dict[str, Any]]:
        """One video's figures per UTC day, under the export's column names."""
        views = self.views(window.lo, window.hi, video)
        spans = self.spans(window.lo, window.hi, video)
        starts = self.starts(window.lo, window.hi, window.now_stored, video)
        loads = self.loads(window.lo, window.hi, video)
        rows = []
        for bucket in window.buckets("day"):
            seen = views.where(_mask(views.at, bucket))
            row: dict[str, Any] = {"date": bucket.label}
            if "views" in metrics:
                row["views"] = len(seen)
                row["unique_viewers"] = len(np.unique(seen.cols["viewer"]))
            if "engagement" in metrics:
                row["watch_time_s"] = round(float(spans.overlap_s(bucket.lo, bucket.hi).sum()), 1)
                row["completion_rate"] = self.completion(starts.where(_mask(starts.at, bucket)))
                row["likes"] = int(seen.cols["liked"].sum())
                row["comments"] = int(seen.cols["commented"].sum())
                row["shares"] = int(seen.cols["shared"].sum())
            if "performance" in metrics:
                _, rate, kbps = self.quality(spans, bucket.lo, bucket.hi)
                failed = loads.cols["errored"][_mask(loads.at, bucket)]
                row["buffering_rate"] = rate
                row["average_bitrate_kbps"] = round(kbps) if kbps is not None else None
                row["error_rate"] = _ratio(int(failed.sum()), len(failed), 6)
            rows.append(row)
        return rows

    # --- endpoints ------------------------------------------------------------------------

    def video(
        self, video: str, window: Window, metrics: list[str], unit: str, compare: bool
    ) -> dict[str, Any]:
        period: dict[str, Any] = window.body()
        if compare:
            period["previous"] = window.previous().body()
        body: dict[str, Any] = {"period": period}
        if "views" in metrics:
            body["views"] = self._views_body(window, video, unit, compare)
        if "engagement" in metrics:
            body["engagement"] = self._engagement_body(window, video, unit)
        if "performance" in metrics:
            body["performance"] = self._performance_body(window, video, unit)
        return body

    def per_video(self, window: Window) -> dict[str, Totals]:
        """Every video's totals over the window (videos without any are left out)."""
        views = self.views(window.lo, window.hi)
        spans = self.spans(window.lo, window.hi)
        starts = self.starts(window.lo, window.hi, window.now_stored)
        figures: dict[str, Totals] = {}

        def add(media: Array, name: str, values: Array) -> None:
            keys, inverse = np.unique(media.astype(str), return_inverse=True)
            sums = np.bincount(inverse, weights=values.astype(np.float64), minlength=len(keys))
            for key, value in zip(keys, sums, strict=True):
                entry = figures.setdefault(str(key), Totals())
                setattr(entry, name, getattr(entry, name) + value)

        add(views.media, "views", np.ones(len(views)))
        add(views.media, "likes", views.cols["liked"])
        add(views.media, "comments", views.cols["commented"])
        add(spans.media, "watch_s", spans.overlap_s(window.lo, window.hi))
        _, first = np.unique(spans.sid, return_index=True)  # a session plays one video
        add(spans.media[first], "players", np.ones(len(first)))
        add(starts.media, "starts", np.ones(len(starts)))
        add(starts.media, "completed", starts.cols["completed"])
        return figures

    def summary(self, window: Window, compare: bool, limit: int) -> dict[str, Any]:
        catalogue = self.catalogue()
        by_video = self.per_video(window)
        now = Totals.of(by_video.values())
        before = Totals.of(self.per_video(window.previous()).values()) if compare else None
        none = Totals()

        def ranked(vid: str) -> tuple[float, float, str]:
            entry = by_video.get(vid, none)
            return (-entry.views, -entry.watch_s, vid)

        titles = {video: title for video, title, _, _ in catalogue}
        top = [
            {
                "id": vid,
                "title": titles[vid],
                "views": round(by_video.get(vid, none).views),
                "watchTime": round(by_video.get(vid, none).watch_s, 1),
                "engagement": by_video.get(vid, none).engagement(),
            }
            for vid in sorted(titles, key=ranked)[:limit]
        ]
        count = len(catalogue)
        return {
            "totalVideos": count,
            "totalViews": round(now.views),
            "totalWatchTime": round(now.watch_s, 1),
            "averageEngagement": {
                "watchTime": round(now.watch_s / now.players, 1) if now.players else None,
                "completionRate": now.engagement(),
                "likes": round(now.likes / count, 2) if count else None,
                "comments": round(now.comments / count, 2) if count else None,
            },
            "topVideos": top,
            "trends": {
                "views": change(now.views, before.views) if before else None,
                "watchTime": change(now.watch_s, before.watch_s) if before else None,
                "engagement": change(now.engagement(), before.engagement()) if before else None,
            },
        }


@dataclass
class Totals:
    """One video's (or all videos') figures over a window; counts are whole floats."""

    views: float = 0.0
    likes: float = 0.0
    comments: float = 0.0
    watch_s: float = 0.0
    players: float = 0.0  # sessions that played
    starts: float = 0.0
    completed: float = 0.0

    def engagement(self) -> float | None:
        """The completion rate: of the sessions that started, the share that ended."""
        return _ratio(self.completed, self.starts)

    @staticmethod
    def of(parts: Any) -> Totals:
        whole = Totals()
        for part in parts:
            for name in vars(whole):
                setattr(whole, name, getattr(whole, name) + getattr(part, name))
        return whole
