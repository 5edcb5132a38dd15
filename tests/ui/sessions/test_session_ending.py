"""How a session ended (issue 15.1): the figures, the flags, the Ended column and the Session
panel agree with the session's end time (`endedAt`) and its events."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from explorer.services.session_pages import RowCoder
from explorer.services.sessions import PlayerSession, SessionEvent, SessionRecord, SessionService
from explorer.ui.sessions.session_inspector import SessionInspector
from explorer.ui.sessions.session_table import SessionTableView
from explorer.ui.sessions.session_table_model import ENDED
from tests.support.sessions import ALGEBRA

ZONE = "Europe/Paris"
T0 = datetime(2026, 12, 6, 22, 34, 54, 520_000, tzinfo=UTC)  # 23:34:54.520 in Paris


def ev(kind: str, second: float, **fields: float) -> SessionEvent:
    emitted = (T0 + timedelta(seconds=second)).isoformat()
    return SessionEvent.model_validate({"type": kind, "emittedAt": emitted, **fields})


def session(ended_after_s: float | None) -> PlayerSession:
    body: dict[str, Any] = {"sessionId": "psEND", "loadedAt": T0.isoformat()}
    if ended_after_s is not None:
        body["endedAt"] = (T0 + timedelta(seconds=ended_after_s)).isoformat()
    return PlayerSession.model_validate({"session": body})


def inspected(qtbot: Any, item: PlayerSession, events: list[SessionEvent]) -> SessionInspector:
    inspector = SessionInspector()
    qtbot.addWidget(inspector)
    inspector.show_inspection(SessionService.inspection(ALGEBRA, item, events), ZONE)
    return inspector


def ended_cell(qtbot: Any, item: PlayerSession) -> tuple[str, str | None]:
    """The Ended column's text and tooltip for this session in the session table."""
    table = SessionTableView()
    qtbot.addWidget(table)
    table.source.set_zone(ZONE)
    table.source.append(RowCoder().page([SessionRecord.of(item)]))
    qtbot.waitUntil(lambda: table.source.rowCount() == 1)
    index = table.source.index(0, ENDED)
    return index.data(), index.data(Qt.ItemDataRole.ToolTipRole)


def facts(inspector: SessionInspector) -> tuple[str, str, str, str]:
    details = inspector.details
    return (
        details.session.values["Ended"].text(),
        details.figures.values["Reached the end"].text(),
        details.figures.values["How it ended"].text(),
        details.flags.text(),
    )


def test_a_session_that_ended_mid_video_is_not_said_to_be_open(qtbot: Any) -> None:
    """Ended 9:25 after it loaded, playing at its last event, no `end` event: the viewer left
    mid-video; nothing odd; the stretch after the last event is drawn as not known."""
    events = [ev("ready", 0, at=0), ev("play", 1, at=0), ev("pause", 61, at=60)]
    events += [ev("resume", 70, at=60), ev("seek.forward", 120, **{"from": 110, "to": 200})]
    item = session(565)
    inspector = inspected(qtbot, item, events)
    ended, reached, how, flags = facts(inspector)
    assert ended == "2026-12-06 23:44:19.520 (Europe/Paris)"
    assert inspector.details.session.values["Length"].text() == "9:25 (565.0 s)"
    assert reached == "no (no end event)"
    assert how == (
        "Left mid-video without an end event (last event at 3:20 of the video, playing); "
        "the session ended at "
        "2026-12-06 23:44:19.520 (Europe/Paris), 7:25 after the last event: what happened in "
        "between is not known."
    )
    assert flags == "Nothing odd in this session's events."
    x, y = inspector.chart.unknown.getData()
    assert ((x - T0.timestamp()).tolist(), y.tolist()) == ([120, 565], [200, 200])
    text, tooltip = ended_cell(qtbot, item)
    assert text == "2026-12-06 23:44:19" and tooltip is None


def test_an_end_event_without_an_end_time_reads_the_same_everywhere(qtbot: Any) -> None:
    events = [ev("ready", 0, at=0), ev("play", 1, at=0), ev("end", 601, at=600)]
    item = session(None)
    inspector = inspected(qtbot, item, events)
    ended, reached, how, flags = facts(inspector)
    assert ended == "no end time (still open, or its end was not recorded)"
    assert reached == "yes (an end event came)"
    assert how == (
        "Stopped at the end of the media (an end event came); the session has no end time "
        "(still open, or its end was not recorded): what happened after the last event is not "
        "known."
    )
    assert flags == (
        "⚠ The session has no end time: it is still open, or its end was not recorded."
    )
    text, tooltip = ended_cell(qtbot, item)
    assert text == "no end time"  # the words of the panel and of the flag
    assert tooltip == "The session has no end time: still open, or its end was not recorded."
    assert math.isnan(SessionRecord.of(item).ended_at)


def test_neither_an_end_time_nor_an_end_event_is_said_and_flagged(qtbot: Any) -> None:
    inspector = inspected(qtbot, session(None), [ev("ready", 0, at=0), ev("play", 2, at=0)])
    _, reached, how, flags = facts(inspector)
    assert reached == "no (no end event)"
    assert how.startswith("No end event yet (last event at 0:00 of the video, playing); the ")
    assert flags.startswith("⚠ The session has no end time")
    x, _ = inspector.chart.unknown.getData()
    assert x is None or len(x) == 0  # nothing drawn past the last event: no end time to draw to


def test_a_viewer_who_paused_and_left_is_said_to_have_left_paused(qtbot: Any) -> None:
    events = [ev("play", 0, at=0), ev("pause", 30, at=30)]
    _, _, how, flags = facts(inspected(qtbot, session(30.5), events))
    assert how == (
        "Left mid-video without an end event (last event at 0:30 of the video, paused); "
        "the session ended at "
        "2026-12-06 23:35:25.020 (Europe/Paris)."
    )  # half a second after the last event: nothing to say about it
    assert flags == "Nothing odd in this session's events."


def test_a_replay_after_the_end_is_said_with_the_end_it_followed(qtbot: Any) -> None:
    events = [ev("play", 0, at=0), ev("end", 600, at=600)]
    events += [ev("seek.backward", 605, **{"from": 600, "to": 0}), ev("pause", 650, at=45)]
    _, reached, how, flags = facts(inspected(qtbot, session(700), events))
    assert reached == "yes (an end event came)"
    assert how.startswith(
        "Reached the end, replayed, then left without another end event (last event at 0:45 "
        "of the video, paused); the session ended at 2026-12-06 23:46:34.520 (Europe/Paris), "
        "0:50 after the last event"
    )
    assert flags == "Nothing odd in this session's events."
