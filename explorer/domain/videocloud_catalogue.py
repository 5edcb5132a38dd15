"""The VideoCloud analytics API's question catalogue (seed 004) and its question, `ReportRequest`.

What can be asked: six reports (a video's analytics, the summary with its top videos, users,
user engagement, system health, system performance), the periods each takes, the metrics a
video or the users report can be limited to, and a video timeline's grouping. Pure data, like
api.video's `explorer.domain.catalogue`; the client sends these names as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from explorer.domain.report import Report

PERIODS = ("1d", "7d", "30d", "all")
SYSTEM_PERIODS = ("1h", "24h", "7d", "30d")  # the seed's examples use 24h and 1h here
VIDEO_METRICS = ("views", "engagement", "performance")
USER_METRICS = ("activity", "growth", "retention")
GROUP_BY = ("hour", "day", "week")

# Each report's period when none is given: the API's (and the client's) defaults.
DEFAULT_PERIODS = {
    "video": "7d",
    "summary": "30d",
    "users": "30d",
    "user-engagement": "7d",
    "system-health": "24h",
    "system-performance": "1h",
}
REPORTS = tuple(DEFAULT_PERIODS)
REPORT_TITLES = {
    "video": "Video analytics",
    "summary": "Summary and top videos",
    "users": "Users",
    "user-engagement": "User engagement",
    "system-health": "System health",
    "system-performance": "System performance",
}


@dataclass(frozen=True)
class VideoCloudCatalogue:
    """What can be asked of the VideoCloud API: each report, the periods it takes, its
    metrics and (for a video) its timeline grouping. The query builder offers only these."""

    reports: tuple[str, ...] = REPORTS
    titles: Mapping[str, str] = field(default_factory=lambda: dict(REPORT_TITLES))

    def periods(self, report: str) -> tuple[str, ...]:
        return SYSTEM_PERIODS if report.startswith("system-") else PERIODS

    def metrics(self, report: str) -> tuple[str, ...]:
        return {"video": VIDEO_METRICS, "users": USER_METRICS}.get(report, ())

    def group_by(self, report: str) -> tuple[str, ...]:
        return GROUP_BY if report == "video" else ()

    def needs_video(self, report: str) -> bool:
        return report == "video"

    def takes_top(self, report: str) -> bool:
        return report == "summary"


CATALOGUE = VideoCloudCatalogue()

PATHS = {
    "summary": "/analytics/videos/summary",
    "users": "/analytics/users",
    "user-engagement": "/analytics/users/engagement",
    "system-health": "/analytics/system/health",
    "system-performance": "/analytics/system/performance",
}


@dataclass(frozen=True)
class ReportRequest:
    """One report of REPORTS, with its parameters (None: the report's default period)."""

    report: str
    period: str | None = None
    video_id: str = ""
    metrics: tuple[str, ...] = ()  # video and users: none means all
    group_by: str | None = None  # video only
    compare: bool = True  # video only
    top: int | None = None  # summary only: how many top videos

    @property
    def chosen_period(self) -> str:
        return self.period or DEFAULT_PERIODS[self.report]

    @property
    def title(self) -> str:
        """What a result tab is called: ``Video vi1 (7d)``, ``Users (30d)``."""
        name = REPORT_TITLES.get(self.report, self.report)
        if self.report == "video":
            name = f"Video {self.video_id or '…'}"
        return f"{name} ({self.chosen_period})"

    def problems(self) -> list[str]:
        """What is wrong with this request, one sentence each (none: it can be sent)."""
        if self.report not in REPORTS:
            return [f"unknown report {self.report!r}: choose one of {', '.join(REPORTS)}"]
        found = []
        periods = CATALOGUE.periods(self.report)
        if self.chosen_period not in periods:
            found.append(f"the period must be one of {', '.join(periods)}")
        if CATALOGUE.needs_video(self.report) and not self.video_id.strip():
            found.append("choose a video")
        unknown = set(self.metrics) - set(CATALOGUE.metrics(self.report))
        if unknown:
            found.append(f"{self.report} has no metric {', '.join(sorted(unknown))}")
        if self.group_by is not None and self.group_by not in CATALOGUE.group_by(self.report):
            found.append(f"{self.report} cannot be grouped by {self.group_by}")
        if self.top is not None and self.top < 1:
            found.append("the number of top videos must be at least 1")
        return found

    def target(self) -> tuple[str, list[tuple[str, str]]]:
        """The path and query parameters that ask the API this (what the client sends and
        curl shows); a video id is one path segment whatever it holds."""
        params = [("period", self.chosen_period)]
        if self.report == "video":
            params.append(("metrics", ",".join(self.metrics or VIDEO_METRICS)))
            if self.group_by:
                params.append(("groupBy", self.group_by))
            params.append(("compare", "true" if self.compare else "false"))
            return f"/analytics/videos/{quote(self.video_id, safe='')}", params
        if self.report == "users":
            params.append(("metrics", ",".join(self.metrics or USER_METRICS)))
        if self.report == "summary" and self.top is not None:
            params.append(("limit", str(self.top)))
        return PATHS[self.report], params

    def store_key(self) -> str:
        """What the local store keeps the answer under: the period is relative, so all of the
        request is the question, keyed by what is sent (its defaults spelled out)."""
        path, params = self.target()
        return json.dumps({"path": path, "params": params}, separators=(",", ":"))

    def series_key(self) -> str | None:
        return None  # a report's timelines are not kept as history

    def fits(self, answer: object) -> bool:
        """Whether ``answer`` can be an answer to a request (a stored one is checked)."""
        return isinstance(answer, Report)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.report, "period": self.period, "video_id": self.video_id,
            "metrics": list(self.metrics), "group_by": self.group_by, "compare": self.compare,
            "top": self.top,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportRequest:
        return cls(
            str(data["report"]), data.get("period"), str(data.get("video_id") or ""),
            tuple(data.get("metrics") or ()), data.get("group_by"),
            bool(data.get("compare", True)), data.get("top"),
        )  # fmt: skip
