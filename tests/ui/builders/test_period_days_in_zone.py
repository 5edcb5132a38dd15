"""The sessions period says plainly that its days are UTC days, and what they are in the zone
the times are shown in (issue 15.10)."""

from __future__ import annotations

from datetime import date
from typing import Any

from explorer.domain.period import Period, PeriodKind
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.builders.period_picker import PeriodPicker, in_zone
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support.sessions import ALGEBRA
from tests.ui.conftest import PinnedWorkspace

DAY = Period.containing(PeriodKind.DAY, date(2026, 3, 10))


def test_a_utc_day_is_said_in_the_zone_shown() -> None:
    assert in_zone(DAY, "Europe/Paris") == (
        "= Tue 10 Mar 01:00 to Wed 11 Mar 01:00 in Europe/Paris"
    )
    assert in_zone(DAY, "America/New_York") == (
        "= Mon 09 Mar 20:00 to Tue 10 Mar 20:00 in America/New_York"
    )  # daylight saving time began on 8 March there
    assert in_zone(DAY, "UTC") == in_zone(DAY, "Africa/Abidjan") == ""


def test_the_picker_says_utc_plainly(qtbot: Any) -> None:
    picker = PeriodPicker(date(2026, 3, 10), zone="Asia/Tokyo")
    qtbot.addWidget(picker)
    assert picker.kind.currentText() == "Day (UTC)"
    assert picker.summary.text() == (
        "2026-03-10 · Tue 10 Mar UTC = Tue 10 Mar 09:00 to Wed 11 Mar 09:00 in Asia/Tokyo"
    )
    picker.set_zone("UTC")
    assert picker.summary.text() == "2026-03-10 · Tue 10 Mar UTC"


def test_the_sessions_tab_follows_the_zone(
    qtbot: Any, runner: TaskRunner, workspace: PinnedWorkspace
) -> None:
    view = SessionsView(runner, workspace.sessions, ALGEBRA, date(2026, 3, 10), "Europe/Paris")
    qtbot.addWidget(view)
    assert "in Europe/Paris" in view.picker.summary.text()
    view.set_zone("America/Los_Angeles")
    assert view.picker.summary.text().endswith(
        "= Mon 09 Mar 17:00 to Tue 10 Mar 17:00 in America/Los_Angeles"
    )
    assert "UTC" in view.picker.kind.toolTip()


def test_a_narrow_summary_ends_in_an_ellipsis_not_mid_word(qtbot: Any) -> None:
    """At 1024 px it read "2026-12-07 · Mon 07 Dec U", as if the zone were "U"."""
    picker = PeriodPicker(date(2026, 3, 10), zone="Asia/Tokyo")
    qtbot.addWidget(picker)
    picker.resize(picker.minimumSizeHint().width() + 60, 30)
    picker.show()
    qtbot.waitExposed(picker)
    shown = picker.summary.shown_text()
    assert shown.endswith("…") and shown != picker.summary.text()
    assert "period=2026-03-10" in picker.summary.toolTip()  # the whole of it, on hover


def test_periods_said_aloud_pick_the_zones_dates_as_utc_days(qtbot: Any) -> None:
    from explorer.domain.timerange import Preset

    picker = PeriodPicker(date(2026, 3, 11), zone="Europe/Paris")  # a Wednesday
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.period_changed, timeout=60_000):
        picker.choose_spoken(Preset.YESTERDAY)
    assert picker.period().wire == "2026-03-10"
    assert picker.summary.text().endswith("in Europe/Paris")
    assert picker.choose_spoken(Preset.LAST_WEEK).wire == "2026-W10"
    assert picker.period().wire == "2026-W10" and picker.kind.currentText() == "ISO week (UTC)"
    assert picker.choose_spoken(Preset.LAST_MONTH).wire == "2026-02"
    assert picker.choose_spoken(Preset.LAST_TUESDAY).wire == "2026-03-10"
    assert picker.choose_spoken(Preset.LAST_WEDNESDAY).wire == "2026-03-04"
    assert picker.choose_spoken(Preset.SAME_TIME_LAST_WEEK).wire == "2026-03-04"
    labels = [a.text() for a in picker.spoken.menu().actions()]
    assert labels[:6] == [
        "Yesterday", "Same time last week", "This week", "Last week", "This month", "Last month",
    ]  # fmt: skip
