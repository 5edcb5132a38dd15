"""Events written to CSV keep the API's milliseconds (issue 15.12): order within a second."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from explorer.domain.timerange import as_zone, format_rfc3339
from explorer.services.result_tables import event_cells, session_event_table
from explorer.services.session_files import export_inspection
from explorer.services.sessions import Media, PlayerSession, SessionEvent, SessionService

COURSE = Media("vi4blUQJFrYWbaG44NChkH27", "video", "Algebra 1")
SESSION = PlayerSession.model_validate(
    {"session": {"sessionId": "psMS", "loadedAt": "2026-12-06T22:34:50.000Z"}}
)
EVENTS = [
    SessionEvent.model_validate({"type": kind, "emittedAt": at, "at": position})
    for kind, at, position in [
        ("ready", "2026-12-06T22:34:55.020Z", 0),
        ("play", "2026-12-06T22:34:55.520Z", 0),
        ("pause", "2026-12-06T22:34:55.999Z", 0.479),
    ]
]


def test_an_event_time_keeps_its_milliseconds_in_the_zone_asked() -> None:
    cells = event_cells(1, EVENTS[1], as_zone("Europe/Paris"))
    assert cells[2] == "2026-12-06T23:34:55.520+01:00"
    assert event_cells(2, EVENTS[2], as_zone("UTC"))[2] == "2026-12-06T22:34:55.999+00:00"


def test_the_inspected_sessions_csv_keeps_the_order_within_a_second(tmp_path: Path) -> None:
    inspection = SessionService.inspection(COURSE, SESSION, EVENTS)
    path = tmp_path / "events.csv"
    assert export_inspection(inspection, "Europe/Paris", path) == 3
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    times = [row["emitted_at"] for row in rows]
    assert times == [
        "2026-12-06T23:34:55.020+01:00",
        "2026-12-06T23:34:55.520+01:00",
        "2026-12-06T23:34:55.999+01:00",
    ]
    assert times == sorted(set(times))  # distinct and in order, as they were emitted


def test_the_period_table_keeps_milliseconds_too() -> None:
    table = session_event_table([SESSION], {"psMS": EVENTS}, COURSE.asset, "Asia/Kolkata")
    column = list(table.header).index("emitted_at")
    assert [row[column] for row in table.rows] == [
        "2026-12-07T04:04:55.020+05:30",
        "2026-12-07T04:04:55.520+05:30",
        "2026-12-07T04:04:55.999+05:30",
    ]


def test_the_events_table_keeps_the_sessions_milliseconds_too() -> None:
    """A session still playing at its last event watched until its end time (issue 17): a
    retention curve computed from the file needs that time as exactly as the API gave it."""
    ended = PlayerSession.model_validate(
        {
            "session": {
                "sessionId": "psMS",
                "loadedAt": "2026-12-06T22:34:50.250Z",
                "endedAt": "2026-12-06T22:35:01.875Z",
            }
        }
    )
    table = session_event_table([ended], {"psMS": EVENTS}, COURSE.asset, "UTC")
    header = list(table.header)
    row = next(iter(table.rows))
    assert row[header.index("loaded_at")] == "2026-12-06T22:34:50.250+00:00"
    assert row[header.index("ended_at")] == "2026-12-06T22:35:01.875+00:00"


def test_whole_seconds_stay_the_default_and_milliseconds_are_truncated() -> None:
    moment = datetime(2026, 12, 6, 22, 34, 55, 999_999, tzinfo=UTC)
    assert format_rfc3339(moment) == "2026-12-06T22:34:55+00:00"  # what the wire is sent
    assert format_rfc3339(moment, milliseconds=True) == "2026-12-06T22:34:55.999+00:00"
