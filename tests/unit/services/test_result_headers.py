"""CSV headers name the metric, its unit and the zone; the empty value has one spelling
(issue 15.15)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import numpy as np

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult, TimeseriesFrame
from explorer.services.result_tables import EMPTY_VALUE, result_table
from explorer.services.table_files import render

START = datetime(2026, 12, 1, tzinfo=UTC)
END = datetime(2026, 12, 2, tzinfo=UTC)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_an_aggregate_names_its_metric_unit_and_zone() -> None:
    context = ResultContext(Endpoint.METRICS, "impression-time", "average", None, None, START, END)
    table = result_table(ScalarResult(context, 766.15), "Asia/Tokyo")
    header, row = csv_rows(render(table, "csv"))
    assert header == [
        "metric",
        "aggregation",
        "from (Asia/Tokyo)",
        "to (Asia/Tokyo)",
        "impression-time average (ms)",
    ]
    assert row == ["impression-time", "average", "2026-12-01T09:00:00+09:00",
                   "2026-12-02T09:00:00+09:00", "766.15"]  # fmt: skip


def test_a_breakdown_names_its_metric_and_writes_the_empty_referrer_as_the_chart_does() -> None:
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="referrer")
    frame = BucketFrame.from_records(context, [("https://a.example/x", 5.0), ("", 3.0)])
    rows = csv_rows(render(result_table(frame, "UTC"), "csv"))
    assert rows == [["referrer", "play (events)"], ["https://a.example/x", "5"], [EMPTY_VALUE, "3"]]
    assert EMPTY_VALUE == "(empty)"
    body = json.loads(render(result_table(frame, "UTC"), "json"))
    assert body["rows"][1] == {"referrer": EMPTY_VALUE, "value": "3"}  # plain JSON keys
    assert body["metric"] == "play" and body["unit"] == "count"


def test_unique_viewers_are_in_viewers_and_a_timeseries_names_its_zone() -> None:
    context = ResultContext(Endpoint.TIMESERIES, "unique-view-5", interval="hour")
    stamps = np.array(["2026-12-01T10:00:00"], dtype="datetime64[ms]")
    frame = TimeseriesFrame(context, stamps, np.array([12.0]))
    rows = csv_rows(render(result_table(frame, "America/New_York"), "csv"))
    assert rows == [
        ["emitted_at (America/New_York)", "unique-view-5 (viewers)"],
        ["2026-12-01T05:00:00-05:00", "12"],
    ]
