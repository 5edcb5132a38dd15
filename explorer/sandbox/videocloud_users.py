"""User figures of the VideoCloud sandbox: activity, growth, retention and engagement by hour.

A user is a viewer (`viewer_id`, what the dataset has for a person: user agent and IP) of
the simulated videos. A user's *session* in this API is a visit: that viewer's player
sessions chained while each loads within 30 minutes of the visit's end so far; it lasts
from the first load to the last sign of life (cut at now) and its *pages* are its player
sessions. A visit bounces when it is one player session that never reached 5 s of playback.

* activeUsers: distinct viewers who loaded a video in the 1, 7 and 30 days up to the
  period's end (or now); sessions: the visits starting in the period, their mean duration
  (s) and their count by the device of their first player session;
* actions: uploads are videos created in the period; likes, comments and shares are the
  simulated ones of the period's views (videocloud_traits.py);
* growth: new users were first seen (their first load ever) in the period; returning users
  loaded in it but were first seen before; churnRate is the share of the previous period's
  active viewers not active in this one (null for `all`); bySource counts new users by the
  referrer of their first visit: organic, social, paid, referral (a site) or direct (none);
* retention: a cohort is the new users of one UTC day; dayN is the share of them who loaded
  a video on the N-th day after it, null until that day is over; the period's dayN pools
  the cohorts that have one;
* engagement: over the period's visits, the mean duration and pages, the bounce rate, the
  same for first visits (new) and later ones (returning), and per UTC hour of the day the
  distinct viewers whose visits started then and the share of those visits that did not
  bounce (null for an hour without visits).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer.sandbox import videocloud_traits as traits
from explorer.sandbox.database import Dataset
from explorer.sandbox.videocloud_periods import DAY_MS, HOUR_MS, MINUTE_MS, Window, day_label
from explorer.sandbox.videocloud_videos import VideoFigures

VISIT_GAP_MS = 30 * MINUTE_MS
RETENTION_DAYS = (1, 7, 30)


@dataclass
class Visit:
    viewer: int
    start: int
    end: int
    pages: int
    device: str
    viewed: bool  # some player session of it reached 5 s of playback
    first: bool  # the viewer's first visit
    source: str

    @property
    def bounced(self) -> bool:
        return self.pages == 1 and not self.viewed

    @property
    def duration_s(self) -> float:
        return (self.end - self.start) / 1000


@dataclass
class Loads:
    """Every video session loaded before now, and the visits they make."""

    viewer: traits.Ints
    loaded: traits.Ints
    visits: list[Visit]
    first_seen: dict[int, Visit]

    def active(self, lo: int, hi: int) -> set[int]:
        inside = (self.loaded >= lo) & (self.loaded < hi)
        return {int(v) for v in np.unique(self.viewer[inside])}

    def visits_in(self, lo: int, hi: int) -> list[Visit]:
        return [v for v in self.visits if lo <= v.start < hi]


def _mean(values: list[float], digits: int) -> float | None:
    return round(sum(values) / len(values), digits) if values else None


def _visit_figures(visits: list[Visit]) -> dict[str, float | None]:
    return {
        "sessionDuration": _mean([v.duration_s for v in visits], 1),
        "pagesPerSession": _mean([float(v.pages) for v in visits], 2),
    }


class UserFigures:
    def __init__(self, dataset: Dataset, videos: VideoFigures) -> None:
        self.dataset = dataset
        self.videos = videos

    def loads(self, now: int) -> Loads:
        sql = (
            "SELECT s.viewer_id, s.loaded_at, CASE WHEN s.ended_at IS NOT NULL AND s.ended_at <= ?"
            " THEN s.ended_at ELSE COALESCE((SELECT MAX(e.emitted_at) FROM events e"
            " WHERE e.sid = s.sid AND e.emitted_at <= ?), s.loaded_at) END,"
            " s.device_type, s.referrer_medium, s.referrer_url,"
            " (d.view5_at IS NOT NULL AND d.view5_at < ?)"
            " FROM sessions s JOIN derived_sessions d ON d.sid = s.sid"
            " WHERE s.media_type = 'video' AND s.loaded_at < ?"
            " ORDER BY s.viewer_id, s.loaded_at, s.sid"
        )
        rows = self.dataset.connection().execute(sql, (now, now, now, now)).fetchall()
        visits: list[Visit] = []
        first_seen: dict[int, Visit] = {}
        current: Visit | None = None
        for viewer, loaded, end, device, medium, url, viewed in rows:
            end = max(int(end), loaded)
            if current and current.viewer == viewer and loaded <= current.end + VISIT_GAP_MS:
                current.end = max(current.end, end)
                current.pages += 1
                current.viewed = current.viewed or bool(viewed)
                continue
            first = viewer not in first_seen
            current = Visit(
                viewer, loaded, end, 1, device, bool(viewed), first, traits.source(medium, url)
            )
            visits.append(current)
            if first:
                first_seen[viewer] = current
        return Loads(
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.int64),
            visits,
            first_seen,
        )

    # --- GET /analytics/users -------------------------------------------------------------

    def users(self, window: Window, metrics: list[str], compare: bool) -> dict[str, Any]:
        loads = self.loads(window.now_stored)
        body: dict[str, Any] = {}
        if "activity" in metrics:
            body["activity"] = self._activity(window, loads)
        if "growth" in metrics:
            body["growth"] = self._growth(window, loads, compare)
        if "retention" in metrics:
            body["retention"] = self._retention(window, loads)
        return body

    def _activity(self, window: Window, loads: Loads) -> dict[str, Any]:
        end = window.hi
        visits = loads.visits_in(window.lo, window.hi)
        views = self.videos.views(window.lo, window.hi)
        uploads = sum(
            1 for _, _, created, _ in self.videos.catalogue() if window.lo <= created < end
        )
        return {
            "activeUsers": {
                "daily": len(loads.active(end - DAY_MS, end)),
                "weekly": len(loads.active(end - 7 * DAY_MS, end)),
                "monthly": len(loads.active(end - 30 * DAY_MS, end)),
            },
            "sessions": {
                "total": len(visits),
                "averageDuration": _mean([v.duration_s for v in visits], 1),
                "byDevice": _counts(traits.device_name(v.device) for v in visits),
            },
            "actions": {
                "uploads": uploads,
                "comments": int(traits.commented(views.sid).sum()),
                "likes": int(traits.liked(views.sid).sum()),
                "shares": int(traits.shared(views.sid).sum()),
            },
        }

    def _growth(self, window: Window, loads: Loads, compare: bool) -> dict[str, Any]:
        current = loads.active(window.lo, window.hi)
        new = {v for v, visit in loads.first_seen.items() if window.lo <= visit.start < window.hi}
        churn = None
        if compare:
            before = loads.active(window.previous().lo, window.previous().hi)
            churn = round(len(before - current) / len(before), 4) if before else None
        return {
            "newUsers": len(new),
            "returningUsers": len(current - new),
            "churnRate": churn,
            "bySource": _counts(loads.first_seen[v].source for v in new),
        }

    def _retention(self, window: Window, loads: Loads) -> dict[str, Any]:
        active_days = {
            (int(v), int(t) // DAY_MS) for v, t in zip(loads.viewer, loads.loaded, strict=True)
        }
        cohorts: dict[int, list[int]] = {}
        for viewer, visit in loads.first_seen.items():
            if window.lo <= visit.start < window.hi:
                cohorts.setdefault(visit.start // DAY_MS, []).append(viewer)
        pooled = {n: [0, 0] for n in RETENTION_DAYS}  # returned, size
        rows = []
        for day in sorted(cohorts):
            members = cohorts[day]
            row: dict[str, Any] = {"date": day_label(day * DAY_MS + window.shift)}
            row["size"] = len(members)
            for n in RETENTION_DAYS:
                if (day + n + 1) * DAY_MS > window.now_stored:
                    row[f"day{n}"] = None
                    continue
                back = sum(1 for v in members if (v, day + n) in active_days)
                row[f"day{n}"] = round(back / len(members), 4)
                pooled[n][0] += back
                pooled[n][1] += len(members)
            rows.append(row)
        body: dict[str, Any] = {
            f"day{n}": round(pooled[n][0] / pooled[n][1], 4) if pooled[n][1] else None
            for n in RETENTION_DAYS
        }
        body["cohorts"] = rows
        return body

    # --- GET /analytics/users/engagement --------------------------------------------------

    def engagement(self, window: Window) -> dict[str, Any]:
        visits = self.loads(window.now_stored).visits_in(window.lo, window.hi)
        hours: list[dict[str, Any]] = []
        for hour in range(24):
            started = [v for v in visits if v.start // HOUR_MS % 24 == hour]
            bounced = sum(1 for v in started if v.bounced)
            hours.append(
                {
                    "hour": hour,
                    "users": len({v.viewer for v in started}),
                    "engagement": round(1 - bounced / len(started), 4) if started else None,
                }
            )
        overall = _visit_figures(visits)
        return {
            "engagement": {
                "averageSessionDuration": overall["sessionDuration"],
                "pagesPerSession": overall["pagesPerSession"],
                "bounceRate": (
                    round(sum(1 for v in visits if v.bounced) / len(visits), 4) if visits else None
                ),
                "byUserType": {
                    "new": _visit_figures([v for v in visits if v.first]),
                    "returning": _visit_figures([v for v in visits if not v.first]),
                },
                "byTimeOfDay": hours,
            }
        }

    # --- the users export -----------------------------------------------------------------

    def daily_rows(self, window: Window) -> list[list[str]]:
        """Per UTC day: date, active users, new users, returning users, visits, mean visit s."""
        loads = self.loads(window.now_stored)
        rows = []
        for bucket in window.buckets("day"):
            active = loads.active(bucket.lo, bucket.hi)
            new = {
                v for v, visit in loads.first_seen.items() if bucket.lo <= visit.start < bucket.hi
            }
            visits = loads.visits_in(bucket.lo, bucket.hi)
            mean = _mean([v.duration_s for v in visits], 1)
            rows.append(
                [
                    bucket.label,
                    str(len(active)),
                    str(len(new)),
                    str(len(active - new)),
                    str(len(visits)),
                    "" if mean is None else f"{mean:g}",
                ]
            )
        return rows


def _counts(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))
