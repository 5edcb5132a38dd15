"""System figures of the VideoCloud sandbox: a simulated platform driven by the real traffic.

Nothing here is measured: the figures are a deterministic model fed by the dataset, so they
rise and fall with the simulated audience and agree with each other. Over a rolling window
ending now (1h, 24h, 7d or 30d):

* requests: "/videos" one per player session loaded, "/users" one per viewer and UTC day
  with a load, "/analytics" one per player event; perSecond is their total over the
  window's seconds; utilisation u = min(0.95, perSecond / 50);
* response times (ms): 80, 120 and 150 for /videos, /users, /analytics, each × (1 + u);
  the average is weighted by requests; p95 = 2 × average, p99 = 3 × average;
* incidents: an hour of stored time has an outage when u(hour, "incident") < 0.02 (the
  traits' hash on the hour's index), for 1 to 5 minutes from its start; uptime is the
  share of the window outside outages;
* errors.rate = 0.0005 + 0.002 × u + the outage share, split api 50 %, processing 30 %,
  storage 20 %;
* resources at now: cpu.load for the last 1, 5 and 15 minutes is 4 cores × (0.15 + 0.8 ×
  that span's utilisation, from its loads and events); cpu.usage = load15 / 4; memory usage
  = 0.40 + 0.35 × cpu usage of 16 GB; storage holds every video at 12 Mbit/s (source and
  renditions) on 2000 GB;
* processing: a video encodes in half its duration from its creation (thumbnails in
  2 s + 1 % of it); processing counts those under way now, nothing queues;
* storage operations: reads are loads plus 6-second segments of playback, writes are
  events plus uploads, errors = (reads + writes) × the storage error rate; bandwidth out
  is playback × the sessions' simulated bitrates, in is uploads at 8 Mbit/s, per second.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from explorer.sandbox import videocloud_traits as traits
from explorer.sandbox.database import Dataset
from explorer.sandbox.videocloud_periods import HOUR_MS, MINUTE_MS, Window
from explorer.sandbox.videocloud_videos import VideoFigures

CAPACITY_PER_S = 50.0
BASE_MS = {"/videos": 80.0, "/users": 120.0, "/analytics": 150.0}
ERROR_SHARES = {"api": 0.5, "processing": 0.3, "storage": 0.2}
INCIDENT_P = 0.02
CORES = 4
MEMORY_GB = 16.0
STORAGE_GB = 2000.0
STORED_KBPS, UPLOAD_KBPS, SEGMENT_S = 12_000.0, 8_000.0, 6.0


def _size(gigabytes: float) -> str:
    return f"{gigabytes:.1f}GB"


def _rate(bytes_per_s: float) -> str:
    if bytes_per_s >= 1e6:
        return f"{bytes_per_s / 1e6:.1f}MB/s"
    if bytes_per_s >= 1e3:
        return f"{bytes_per_s / 1e3:.1f}KB/s"
    return f"{bytes_per_s:.0f}B/s"


def _utilisation(requests: float, seconds: float) -> float:
    return min(0.95, requests / seconds / CAPACITY_PER_S) if seconds > 0 else 0.0


class SystemFigures:
    def __init__(self, dataset: Dataset, videos: VideoFigures) -> None:
        self.dataset = dataset
        self.videos = videos

    def _count(self, sql: str, lo: int, hi: int) -> int:
        return int(self.dataset.connection().execute(sql, (lo, hi)).fetchone()[0] or 0)

    def _events(self, lo: int, hi: int) -> int:
        return self._count(
            "SELECT COUNT(*) FROM events e JOIN sessions s ON s.sid = e.sid"
            " WHERE e.emitted_at >= ? AND e.emitted_at < ? AND s.media_type = 'video'",
            lo,
            hi,
        )

    def _loads(self, lo: int, hi: int) -> int:
        return self._count(
            "SELECT COUNT(*) FROM sessions s"
            " WHERE s.loaded_at >= ? AND s.loaded_at < ? AND s.media_type = 'video'",
            lo,
            hi,
        )

    def requests(self, window: Window) -> dict[str, int]:
        logins = self._count(
            "SELECT COUNT(*) FROM (SELECT DISTINCT s.viewer_id, s.loaded_at / 86400000"
            " FROM sessions s WHERE s.loaded_at >= ? AND s.loaded_at < ?"
            " AND s.media_type = 'video')",
            window.lo,
            window.hi,
        )
        return {
            "/videos": self._loads(window.lo, window.hi),
            "/users": logins,
            "/analytics": self._events(window.lo, window.hi),
        }

    @staticmethod
    def response_times(requests: dict[str, int], u: float) -> tuple[float, dict[str, float]]:
        by_endpoint = {path: round(base * (1 + u), 1) for path, base in BASE_MS.items()}
        total = sum(requests.values())
        if total:
            average = sum(by_endpoint[p] * n for p, n in requests.items()) / total
        else:
            average = sum(by_endpoint.values()) / len(by_endpoint)
        return round(average, 1), by_endpoint

    @staticmethod
    def uptime(window: Window) -> float:
        lo, hi = window.lo, window.hi
        if hi <= lo:
            return 1.0
        first, last = lo // HOUR_MS, (hi - 1) // HOUR_MS
        hours = np.arange(first, last + 1, dtype=np.int64)
        hit = traits.unit_hash(hours, "incident") < INCIDENT_P
        minutes = 1 + np.floor(5 * traits.unit_hash(hours, "outage")).astype(np.int64)
        starts = hours * HOUR_MS
        ends = starts + minutes * MINUTE_MS
        down = np.clip(np.minimum(ends, hi) - np.maximum(starts, lo), 0, None)
        return round(1 - float(down[hit].sum()) / (hi - lo), 6)

    def _error_rate(self, window: Window, u: float) -> float:
        return round(0.0005 + 0.002 * u + (1 - self.uptime(window)), 6)

    def health(self, window: Window) -> dict[str, Any]:
        requests = self.requests(window)
        u = _utilisation(sum(requests.values()), window.elapsed_s)
        average, _ = self.response_times(requests, u)
        rate = self._error_rate(window, u)
        now = window.hi
        load = []
        for minutes in (1, 5, 15):
            lo = now - minutes * MINUTE_MS
            busy = _utilisation(self._loads(lo, now) + self._events(lo, now), minutes * 60.0)
            load.append(round(CORES * (0.15 + 0.8 * busy), 2))
        cpu = round(load[2] / CORES, 4)
        memory = round(0.40 + 0.35 * cpu, 4)
        stored_gb = self._stored_gb(now)
        return {
            "uptime": self.uptime(window),
            "responseTime": {
                "average": average,
                "p95": round(2 * average, 1),
                "p99": round(3 * average, 1),
            },
            "errors": {
                "rate": rate,
                "byType": {kind: round(rate * share, 6) for kind, share in ERROR_SHARES.items()},
            },
            "resources": {
                "cpu": {"usage": cpu, "load": load},
                "memory": {"usage": memory, "available": _size((1 - memory) * MEMORY_GB)},
                "storage": {
                    "usage": round(stored_gb / STORAGE_GB, 6),
                    "available": _size(STORAGE_GB - stored_gb),
                },
            },
        }

    def _stored_gb(self, now: int) -> float:
        seconds = sum(d for _, _, created, d in self.videos.catalogue() if created <= now)
        return seconds * STORED_KBPS * 1000 / 8 / 1e9

    def performance(self, window: Window) -> dict[str, Any]:
        requests = self.requests(window)
        total = sum(requests.values())
        seconds = window.elapsed_s
        u = _utilisation(total, seconds)
        average, by_endpoint = self.response_times(requests, u)
        now = window.hi
        catalogue = self.videos.catalogue()
        encodes = [(created, d * 0.5) for _, _, created, d in catalogue]
        thumbnails = [(created, 2 + d * 0.01) for _, _, created, d in catalogue]
        uploads = [d for _, _, created, d in catalogue if window.lo <= created < now]
        spans = self.videos.spans(window.lo, window.hi)
        watched = spans.overlap_s(window.lo, window.hi)
        bytes_out = float((watched * spans.cols["kbps"]).sum()) * 1000 / 8
        bytes_in = sum(uploads) * UPLOAD_KBPS * 1000 / 8
        reads = requests["/videos"] + round(float(watched.sum()) / SEGMENT_S)
        writes = requests["/analytics"] + len(uploads)
        storage_rate = self._error_rate(window, u) * ERROR_SHARES["storage"]

        def queue(jobs: list[tuple[int, float]]) -> dict[str, Any]:
            busy = sum(1 for created, took in jobs if created <= now < created + took * 1000)
            mean = round(sum(took for _, took in jobs) / len(jobs), 1) if jobs else None
            return {"queued": 0, "processing": busy, "averageTime": mean}

        return {
            "api": {
                "requests": {
                    "total": total,
                    "perSecond": round(total / seconds, 6) if seconds else 0.0,
                    "byEndpoint": requests,
                },
                "responseTime": {"average": average, "byEndpoint": by_endpoint},
            },
            "processing": {"videos": queue(encodes), "thumbnails": queue(thumbnails)},
            "storage": {
                "operations": {
                    "reads": reads,
                    "writes": writes,
                    "errors": round((reads + writes) * storage_rate),
                },
                "bandwidth": {
                    "in": _rate(bytes_in / seconds if seconds else 0.0),
                    "out": _rate(bytes_out / seconds if seconds else 0.0),
                },
            },
        }
