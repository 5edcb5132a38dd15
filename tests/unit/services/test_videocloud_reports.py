"""Each VideoCloud report function on the seed's example responses: sections, shapes, values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from explorer.api import videocloud_units as units
from explorer.domain.report import Report, Shape
from explorer.services import videocloud_reports as reports
from explorer.services.result_tables import report_table
from tests.unit.api.test_videocloud_models import example

F, B, T, M = Shape.FIGURES, Shape.BREAKDOWN, Shape.TIMELINE, Shape.MATRIX
MARCH_24 = datetime(2024, 3, 24, tzinfo=UTC)


def shapes(report: Report) -> dict[str, Shape]:
    return {s.name: s.shape for s in report.sections()}


def video() -> Report:
    analytics = example("GET /analytics/videos/{id}")
    return reports.video_report("vi1", analytics, period="7d", group_by=None, compare=True)


def test_a_videos_report() -> None:
    report = video()
    assert (report.kind, report.title) == ("videocloud-video", "Video vi1 · 7d")
    assert shapes(report) == {
        "period": F, "views": F, "views.by_country": B, "views.by_device": B,
        "views.by_platform": B, "views.timeline": T, "engagement": F, "engagement.timeline": T,
        "performance": F, "performance.timeline": T,
    }  # fmt: skip
    period = report.section("period")
    assert [(e.name, e.value, e.date) for e in period.entries][:2] == [
        ("start", None, MARCH_24),
        ("end", None, datetime(2024, 3, 31, tzinfo=UTC)),
    ]
    assert period.names() == ["start", "end", "previous_start", "previous_end"]
    views = report.section("views")
    assert views.grid() == [[10_000.0, 8_000.0, 0.15]] and views.unit_of("change") == "ratio"
    countries = report.section("views.by_country")
    assert countries.members() == ["US", "UK", "DE"]
    assert countries.numbers("views").tolist() == [5000.0, 2000.0, 1000.0]
    timeline = report.section("views.timeline")
    assert timeline.members() == [MARCH_24] and timeline.grid() == [[1000.0, 800.0]]
    # "2500k" in its base unit
    performance = report.section("performance")
    assert performance.grid() == [[0.02, 2_500_000.0, 0.001]]
    assert performance.unit_of("average_bitrate") == "bit/s"
    # the request as asked, the video's id first, its period as aware datetimes
    assert report.request == {
        "video_id": "vi1", "period": "7d", "group_by": None, "compare": True,
        "from": MARCH_24, "to": datetime(2024, 3, 31, tzinfo=UTC),
    }  # fmt: skip


def test_the_summary_keys_its_top_videos_by_id() -> None:
    report = reports.summary_report(example("GET /analytics/videos/summary"), period="30d")
    assert (report.kind, report.title) == ("videocloud-summary", "Summary · 30d")
    assert shapes(report) == {"totals": F, "average_engagement": F, "trends": F, "top_videos": B}
    top = report.section("top_videos")
    assert top.members() == ["vid_123456"]
    assert top.names() == ["title", "views", "watch_time", "engagement"]
    assert top.grid() == [["Top Video", 10_000.0, 1_200_000.0, 0.8]]
    assert top.unit_of("watch_time") == "s" and report.request == {"period": "30d"}


def test_users_with_the_cohorts_as_a_matrix() -> None:
    report = reports.users_report(example("GET /analytics/users"), period="30d")
    assert (report.kind, report.title) == ("videocloud-users", "Users · 30d")
    assert shapes(report) == {
        "activity.active_users": F, "activity.sessions": F, "activity.sessions.by_device": B,
        "activity.actions": F, "growth": F, "growth.by_source": B, "retention": F,
        "retention.cohorts": M,
    }  # fmt: skip
    cohorts = report.section("retention.cohorts")
    assert cohorts.members() == [datetime(2024, 3, 1, tzinfo=UTC)]
    assert cohorts.names() == ["size", "day1", "day7", "day30"]
    assert cohorts.grid() == [[None, 0.6, 0.4, 0.2]]  # the seed gives no size
    sources = report.section("growth.by_source")
    assert dict(zip(sources.members(), sources.numbers("new_users").tolist(), strict=True)) == {
        "organic": 3000.0,
        "referral": 1000.0,
        "social": 1000.0,
    }


def test_user_engagement_by_user_type_and_hour() -> None:
    engagement = example("GET /analytics/users/engagement").engagement
    report = reports.user_engagement_report(engagement, period="7d")
    assert report.kind == "videocloud-user-engagement"
    assert shapes(report) == {"engagement": F, "by_user_type": B, "by_time_of_day": B}
    assert report.section("by_user_type").grid() == [[400.0, 3.0], [800.0, 7.0]]
    hours = report.section("by_time_of_day")
    assert hours.members() == ["14"] and hours.grid() == [[1000.0, 0.8]]


def test_system_health_in_base_units() -> None:
    report = reports.system_health_report(example("GET /analytics/system/health"))
    assert (report.kind, report.title, report.request) == (
        "videocloud-system-health",
        "System health",
        {},
    )
    assert shapes(report) == {
        "health": F, "response_time": F, "errors": F, "errors.by_type": B,
        "resources.cpu": F, "resources.memory": F, "resources.storage": F,
    }  # fmt: skip
    assert report.section("resources.cpu").names() == ["usage", "load_1m", "load_5m", "load_15m"]
    memory = report.section("resources.memory")
    assert memory.grid() == [[0.7, 4e9]] and memory.unit_of("available") == "B"


def test_system_performance_in_base_units() -> None:
    performance = example("GET /analytics/system/performance")
    report = reports.system_performance_report(performance, period="1h")
    assert report.kind == "videocloud-system-performance"
    assert shapes(report) == {
        "api.requests": F, "api.requests.by_endpoint": B, "api.response_time": F,
        "api.response_time.by_endpoint": B, "processing.videos": F, "processing.thumbnails": F,
        "storage.operations": F, "storage.bandwidth": F,
    }  # fmt: skip
    bandwidth = report.section("storage.bandwidth")
    assert bandwidth.grid() == [[1e8, 5e8]] and bandwidth.unit_of("out") == "B/s"
    endpoints = report.section("api.response_time.by_endpoint")
    assert endpoints.members() == ["/videos", "/users", "/analytics"]
    assert endpoints.unit_of("average") == "ms"


@pytest.mark.parametrize(
    ("figure", "unit", "expected"),
    [
        (units.parse_bitrate("2500k"), "bit/s", (2_500_000.0, "bit/s")),
        (units.parse_size("4GB"), "", (4e9, "B")),
        (12, "", (12.0, "")),
        (0.25, "ratio", (0.25, "ratio")),
        ("Top Video", "", ("Top Video", "")),
        (None, "s", (None, "s")),
    ],
)
def test_base_value(figure: reports.Figure, unit: str, expected: tuple[object, str]) -> None:
    value, got_unit = reports.base_value(figure, unit)
    assert (value, got_unit) == expected and type(value) is type(expected[0])


def test_a_video_report_in_the_long_layout() -> None:
    table = report_table(video(), "Asia/Kolkata")
    rows = list(table.rows)
    assert rows[0] == ["period", "", "2024-03-24T05:30:00+05:30", "start", "", ""]
    assert ["performance", "", "", "average_bitrate", "2500000", "bit/s"] in rows
    assert table.meta == {
        "kind": "videocloud-video",
        "video_id": "vi1",
        "period": "7d",
        "compare": True,
        "from": "2024-03-24T05:30:00+05:30",
        "to": "2024-03-31T05:30:00+05:30",
    }
