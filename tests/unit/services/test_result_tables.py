"""report_table: any Report in the one long layout, rows in entry order, times in the zone."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from explorer.domain.report import ReportBuilder, Shape
from explorer.services.result_tables import REPORT_HEADER, report_table, result_table
from explorer.services.table_files import render

START = datetime(2026, 3, 9, tzinfo=UTC)
END = datetime(2026, 3, 16, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def hand_built(**flags: object) -> ReportBuilder:
    out = ReportBuilder("videocloud-video", "Video vi1 · 7d")
    out.add("period", "start", None, date=START, shape=Shape.FIGURES)
    out.figures("views", [("total", 88.0, ""), ("change", 0.1892, "ratio"), ("unique", None, "")])
    out.breakdown("views.by_country", "views", {"DE": 16.0})
    out.at("views.timeline", START, [("views", 14.0, "")])
    out.figures("performance", [("average_bitrate", 2_528_000.0, "bit/s")])
    out.add("top_videos", "title", "Algebra, part 1", key="vi1", shape=Shape.BREAKDOWN)
    out.add("top_videos", "engagement", math.nan, "ratio", key="vi1", shape=Shape.BREAKDOWN)
    out.at("retention.cohorts", START, [("day1", 0.5, "ratio")], Shape.MATRIX)
    return out


def test_a_report_becomes_exact_rows_in_entry_order() -> None:
    request = {"video_id": "vi1", "period": "7d", "group_by": None, "from": START, "to": END}
    table = report_table(hand_built().build(request), PARIS)
    assert table.header == REPORT_HEADER == ["section", "key", "date", "name", "value", "unit"]
    assert table.rows == [
        ["period", "", "2026-03-09T01:00:00+01:00", "start", "", ""],
        ["views", "", "", "total", "88", ""],
        ["views", "", "", "change", "0.1892", "ratio"],
        ["views", "", "", "unique", "", ""],
        ["views.by_country", "DE", "", "views", "16", ""],
        ["views.timeline", "", "2026-03-09T01:00:00+01:00", "views", "14", ""],
        ["performance", "", "", "average_bitrate", "2528000", "bit/s"],
        ["top_videos", "vi1", "", "title", "Algebra, part 1", ""],
        ["top_videos", "vi1", "", "engagement", "", "ratio"],
        ["retention.cohorts", "", "2026-03-09T01:00:00+01:00", "day1", "0.5", "ratio"],
    ]
    # the request's datetimes in the zone, its None values left out, the kind first
    assert list(table.meta.items()) == [
        ("kind", "videocloud-video"),
        ("video_id", "vi1"),
        ("period", "7d"),
        ("from", "2026-03-09T01:00:00+01:00"),
        ("to", "2026-03-16T01:00:00+01:00"),
    ]


def test_the_zone_moves_dates_not_values() -> None:
    table = report_table(hand_built().build({"from": START}), "UTC")
    rows = list(table.rows)
    assert rows[0][2] == "2026-03-09T00:00:00+00:00"
    assert table.meta == {"kind": "videocloud-video", "from": "2026-03-09T00:00:00+00:00"}
    assert [r[4] for r in table.rows] == [
        r[4] for r in report_table(hand_built().build(), PARIS).rows
    ]


def test_a_partial_report_says_so_in_the_meta() -> None:
    report = hand_built().build({"period": "7d"}, partial=True, error="the timeline is missing")
    meta = report_table(report, "UTC").meta
    assert meta == {
        "kind": "videocloud-video",
        "period": "7d",
        "partial": True,
        "error": "the timeline is missing",
    }


def test_result_table_takes_a_report_and_csv_is_one_valid_table() -> None:
    report = hand_built().build({"period": "7d"})
    table = result_table(report, "UTC")
    assert table == report_table(report, "UTC")
    csv = render(table, "csv")
    assert csv.startswith("section,key,date,name,value,unit\r\n")
    assert 'top_videos,vi1,,title,"Algebra, part 1",\r\n' in csv
