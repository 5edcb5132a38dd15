"""The VideoCloud query builder offers exactly the catalogue's reports and options."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from explorer.domain.report import Report
from explorer.services.source import Asset, Assets
from explorer.services.sources import VIDEOCLOUD
from explorer.services.videocloud_queries import (
    CATALOGUE,
    DEFAULT_PERIODS,
    REPORTS,
    ReportRequest,
)
from explorer.ui.builders.registry import QuestionBuilder, builder_for
from explorer.ui.builders.report_builder import ReportBuilderPanel
from explorer.ui.builders.report_choices import period_label

ZONE = "Europe/Paris"
ASSETS = Assets(
    items=(
        Asset("video", "vi2", "Product tour"),
        Asset("video", "vi1", "Intro"),
        Asset("live-stream", "li1", "Launch stream"),
        Asset("video", "vi3", "Twin"),
        Asset("video", "vi4", "Twin"),
    ),
    kinds=("video",),
)
EXPECTED = {
    "video": ReportRequest("video", "7d", "vi1", ("views", "engagement", "performance")),
    "summary": ReportRequest("summary", "30d"),
    "users": ReportRequest("users", "30d", metrics=("activity", "growth", "retention")),
    "user-engagement": ReportRequest("user-engagement", "7d"),
    "system-health": ReportRequest("system-health", "24h"),
    "system-performance": ReportRequest("system-performance", "1h"),
}


@pytest.fixture
def panel(qtbot: Any) -> ReportBuilderPanel:
    widget = ReportBuilderPanel()
    qtbot.addWidget(widget)
    widget.set_zone(ZONE)
    widget.set_assets(ASSETS)
    widget.set_ready(True)
    return widget


def shown_metrics(panel: ReportBuilderPanel) -> list[str]:
    return [m for (_r, m), c in panel.metric_checks.checks.items() if c.isVisibleTo(panel)]


def test_every_member_of_the_protocol_is_there(qtbot: Any) -> None:
    widget = builder_for(VIDEOCLOUD.key)
    qtbot.addWidget(widget)
    assert isinstance(widget, ReportBuilderPanel)
    members = set(QuestionBuilder.__annotations__) | {
        name for name in vars(QuestionBuilder) if not name.startswith("_")
    }
    assert members >= {"run_requested", "zone_changed", "question", "set_assets", "restore"}
    assert [m for m in sorted(members) if not hasattr(widget, m)] == []


def test_a_new_panel_asks_for_the_first_report_and_waits_for_a_source(qtbot: Any) -> None:
    widget = ReportBuilderPanel()
    qtbot.addWidget(widget)
    assert widget.report_combo.enabled_values() == list(REPORTS)
    assert widget.report_combo.currentText() == CATALOGUE.titles["video"]
    assert not widget.run_button.isEnabled()
    assert "Choose a video" in widget.problems_label.text()


@pytest.mark.parametrize("report", REPORTS)
def test_each_report_makes_its_request(panel: ReportBuilderPanel, report: str) -> None:
    panel.set_video("vi1")
    assert panel.set_report(report)
    assert panel.question() == EXPECTED[report]
    assert panel.question().problems() == []
    assert panel.problems_label.text() == "Ready to send."
    assert panel.run_button.isEnabled()


@pytest.mark.parametrize("report", REPORTS)
def test_only_the_reports_own_controls_apply(panel: ReportBuilderPanel, report: str) -> None:
    panel.set_report(report)
    periods = CATALOGUE.periods(report)
    assert panel.period_combo.enabled_values() == list(periods)
    assert panel.period_combo.value() == DEFAULT_PERIODS[report]
    assert panel.period_combo.currentText() == period_label(DEFAULT_PERIODS[report]) + " (default)"
    video = CATALOGUE.needs_video(report)
    assert panel.video_combo.isEnabled() == video
    assert panel.compare_check.isEnabled() == video
    assert panel.group_combo.enabled_values() == (
        [None, *CATALOGUE.group_by(report)] if video else []
    )
    assert panel.top_spin.isEnabled() == CATALOGUE.takes_top(report)
    assert shown_metrics(panel) == list(CATALOGUE.metrics(report))
    assert panel.metric_checks.none_label.isVisibleTo(panel) == (not CATALOGUE.metrics(report))
    if not video:
        assert "Only the video report" in panel.video_combo.toolTip()
        assert "Only the video report" in panel.group_combo.toolTip()


def test_every_combination_offered_can_be_sent(panel: ReportBuilderPanel) -> None:
    panel.set_video("vi2")
    for report in REPORTS:
        panel.set_report(report)
        for period in panel.period_combo.enabled_values():
            panel.period_combo.set_value(period)
            for group in panel.group_combo.enabled_values() or [None]:
                panel.group_combo.set_value(group)
                question = panel.question()
                assert (question.report, question.period, question.group_by) == (
                    report,
                    period,
                    group,
                )
                assert question.problems() == [], question
                assert panel.run_button.isEnabled()


def test_video_options_reach_the_request(panel: ReportBuilderPanel) -> None:
    panel.set_scope("vi2")
    panel.period_combo.set_value("30d")
    panel.group_combo.set_value("week")
    panel.compare_check.setChecked(False)
    panel.metric_checks.checks[("video", "engagement")].setChecked(False)
    assert panel.question() == ReportRequest(
        "video", "30d", "vi2", ("views", "performance"), "week", compare=False
    )
    assert panel.question().title == "Video vi2 (30d)"
    assert panel.title_of(panel.question()) == "Product tour (30d)"


def test_a_result_is_titled_by_the_video_title_where_the_video_is_listed(
    panel: ReportBuilderPanel,
) -> None:
    assert panel.title_of(ReportRequest("video", "7d", "vi3")) == "Twin (vi3) (7d)"
    assert panel.title_of(ReportRequest("video", "7d", "unlisted")) == "Video unlisted (7d)"
    assert panel.title_of(ReportRequest("users", "30d")) == "Users (30d)"


def test_all_time_has_nothing_to_compare_with(panel: ReportBuilderPanel) -> None:
    panel.set_scope("vi1")
    panel.period_combo.set_value("all")
    assert not panel.compare_check.isEnabled()
    assert "no previous period" in panel.compare_check.toolTip()
    assert panel.question().compare is False
    panel.period_combo.set_value("7d")
    assert panel.compare_check.isEnabled() and panel.question().compare is True


def test_the_last_ticked_metric_cannot_be_unticked(panel: ReportBuilderPanel) -> None:
    panel.set_report("users")
    checks = panel.metric_checks.checks
    checks[("users", "activity")].setChecked(False)
    checks[("users", "growth")].setChecked(False)
    last = checks[("users", "retention")]
    assert not last.isEnabled()
    assert "at least one metric" in last.toolTip()
    assert panel.question().metrics == ("retention",)
    checks[("users", "growth")].setChecked(True)
    assert last.isEnabled()


def test_each_report_keeps_its_own_period_and_metrics(panel: ReportBuilderPanel) -> None:
    panel.set_report("users")
    panel.period_combo.set_value("all")
    panel.metric_checks.checks[("users", "growth")].setChecked(False)
    panel.set_report("system-health")
    assert panel.question() == ReportRequest("system-health", "24h")
    panel.set_report("users")
    assert panel.question() == ReportRequest("users", "all", metrics=("activity", "retention"))


def test_top_videos_default_to_the_apis(panel: ReportBuilderPanel) -> None:
    panel.set_report("summary")
    assert panel.top_spin.text() == "API default"
    panel.top_spin.setValue(5)
    assert panel.question() == ReportRequest("summary", "30d", top=5)
    panel.set_report("users")
    assert panel.question().top is None


def test_a_video_report_without_a_video_cannot_run(panel: ReportBuilderPanel) -> None:
    panel.set_scope("vi1")
    panel.video_combo.setEditText("")
    assert not panel.run_button.isEnabled() and not panel.curl_button.isEnabled()
    assert "• Choose a video" in panel.problems_label.text()
    panel.video_combo.setEditText("  vi9 ")  # an id typed by hand
    assert panel.question().video_id == "vi9"
    assert panel.run_button.isEnabled() and panel.curl_button.isEnabled()


def test_the_video_picker_lists_videos_by_title(panel: ReportBuilderPanel) -> None:
    combo = panel.video_combo
    labels = [combo.itemText(r) for r in range(combo.count())]
    assert labels == ["Intro", "Product tour", "Twin (vi3)", "Twin (vi4)"]
    assert combo.itemData(0, Qt.ItemDataRole.ToolTipRole) == "vi1"
    panel.set_report("video")
    combo.setEditText("product TOUR")  # a title typed in any case finds its video
    assert panel.question().video_id == "vi2"
    combo.setCurrentIndex(3)
    assert panel.question().video_id == "vi4"
    completer = combo.completer()
    assert completer is not None and completer.filterMode() == Qt.MatchFlag.MatchContains


def test_new_assets_keep_the_chosen_video(panel: ReportBuilderPanel) -> None:
    panel.set_scope("vi9")  # not listed yet: shown as typed
    assert panel.video_combo.currentText() == "vi9"
    panel.set_assets(Assets(items=(Asset("video", "vi9", "Late upload"),), kinds=("video",)))
    assert panel.video_combo.currentText() == "Late upload"
    assert panel.question().video_id == "vi9"
    assert panel.video_combo.count() == 1


def test_scope_picks_the_video_report_or_the_summary(panel: ReportBuilderPanel) -> None:
    panel.set_scope("vi2")
    assert panel.question().report == "video"
    assert panel.video_combo.currentText() == "Product tour"
    assert panel.question().video_id == "vi2"
    panel.set_scope(None)
    assert panel.question() == ReportRequest("summary", "30d")


def test_the_state_round_trips_through_json(qtbot: Any, panel: ReportBuilderPanel) -> None:
    panel.set_scope("vi3")
    panel.period_combo.set_value("all")
    panel.group_combo.set_value("hour")
    panel.compare_check.setChecked(False)
    panel.metric_checks.checks[("video", "views")].setChecked(False)
    panel.set_zone("America/New_York")
    state = json.loads(json.dumps(panel.state()))

    other = ReportBuilderPanel()
    qtbot.addWidget(other)
    other.set_assets(ASSETS)
    other.restore(state)
    assert other.question() == panel.question()
    assert other.zone_name == "America/New_York"
    assert other.video_combo.currentText() == "Twin (vi3)"
    other.period_combo.set_value("7d")  # the unticked compare came back too
    assert other.question().compare is False


@pytest.mark.parametrize("report", REPORTS)
def test_each_reports_state_round_trips(qtbot: Any, panel: ReportBuilderPanel, report: str) -> None:
    panel.set_video("vi1")
    panel.set_report(report)
    other = ReportBuilderPanel()
    qtbot.addWidget(other)
    other.set_report("system-performance" if report != "system-performance" else "video")
    other.restore(panel.state())
    assert other.question() == panel.question() == EXPECTED[report]


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"version": 99},
        {"request": "video"},
        {"request": {"report": "nonsense", "period": "7d"}},
        {"request": {"period": "7d"}},
        {"tz": "Mars/Olympus", "request": {"report": 3}},
        [],
    ],
)
def test_restore_ignores_what_it_cannot_read(
    panel: ReportBuilderPanel, state: dict[str, Any]
) -> None:
    panel.set_scope("vi1")
    before = panel.question()
    panel.restore(state)
    assert panel.question() == before
    assert panel.zone_name == ZONE


def test_restore_keeps_the_valid_values_and_drops_the_rest(panel: ReportBuilderPanel) -> None:
    panel.restore(
        {
            "tz": "Asia/Tokyo",
            "request": {
                "report": "video",
                "period": "24h",  # a system period
                "video_id": "vi2",
                "metrics": ["views", "bogus", 7],
                "group_by": "month",
                "compare": "maybe",
                "top": "ten",
            },
            "compare": "no",
        }
    )
    assert panel.zone_name == "Asia/Tokyo"
    assert panel.question() == ReportRequest("video", "7d", "vi2", ("views",))
    panel.restore({"request": {"report": "users", "metrics": ["bogus"], "period": None}})
    assert panel.question() == EXPECTED["users"]
    panel.restore({"request": {"report": "summary", "top": 500}})
    assert panel.question().top == 100


def test_ready_and_busy_drive_the_buttons(qtbot: Any, panel: ReportBuilderPanel) -> None:
    panel.set_scope(None)
    panel.set_ready(False)
    assert not panel.run_button.isEnabled()
    assert panel.problems_label.text() == "Waiting for the data source…"
    panel.set_ready(True)
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    panel.set_busy(True)
    assert panel.cancel_button.isEnabled()
    for button, signal in (
        (panel.run_button, panel.run_requested),
        (panel.cancel_button, panel.cancel_requested),
        (panel.curl_button, panel.curl_requested),
    ):
        with qtbot.waitSignal(signal):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel.set_busy(False)
    assert not panel.cancel_button.isEnabled()


# typing pops the completer up; the offscreen platform says it cannot raise or grab for it
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_picking_a_zone_emits_zone_changed(qtbot: Any, panel: ReportBuilderPanel) -> None:
    combo = panel.zone_combo
    with qtbot.assertNotEmitted(panel.zone_changed):
        panel.set_zone("UTC")  # the program's own change is silent
    assert panel.zone_name == "UTC"
    with qtbot.waitSignal(panel.zone_changed) as blocker:
        combo.setCurrentIndex(combo.findText("Asia/Tokyo"))  # as the popup does, then:
        combo.activated.emit(combo.currentIndex())
    assert blocker.args == ["Asia/Tokyo"] and panel.zone_name == "Asia/Tokyo"
    edit = combo.lineEdit()
    assert edit is not None
    with qtbot.waitSignal(panel.zone_changed) as blocker:
        edit.selectAll()
        qtbot.keyClicks(edit, "Europe/Berlin")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert blocker.args == ["Europe/Berlin"]
    with qtbot.assertNotEmitted(panel.zone_changed):
        combo.setEditText("Mars/Olympus")
        edit.editingFinished.emit()
    assert combo.currentText() == "Europe/Berlin" and panel.zone_name == "Europe/Berlin"


def test_learning_changes_nothing(panel: ReportBuilderPanel) -> None:
    panel.set_scope("vi1")
    before = panel.state()
    panel.learn_values({"country": ["FR"]})
    panel.learn_from(Report("summary", "Summary (30d)", (), ()))
    assert panel.state() == before


def test_labels_have_distinct_mnemonics_and_buddies(panel: ReportBuilderPanel) -> None:
    labels = [label for label in panel.findChildren(QLabel) if "&" in label.text()]
    keys = [label.text()[label.text().index("&") + 1].lower() for label in labels]
    keys.append("c")  # "&Compare with the previous period"
    assert len(keys) == len(set(keys)) >= 7
    assert all(label.buddy() is not None for label in labels)
    panel.set_report("users")
    assert panel.metric_checks.focusProxy() is panel.metric_checks.checks[("users", "activity")]


def test_combinations_are_the_catalogues(panel: ReportBuilderPanel) -> None:
    """The panel's reports x periods are exactly the catalogue's, nothing more."""
    offered = set()
    for report in panel.report_combo.enabled_values():
        assert report is not None
        panel.set_report(report)
        offered |= set(itertools.product([report], panel.period_combo.enabled_values()))
    assert offered == {(r, p) for r in REPORTS for p in CATALOGUE.periods(r)}


def test_a_chosen_video_reads_from_the_start_of_its_title(panel: ReportBuilderPanel) -> None:
    """A tree click showed "ummer Festival Tickets: 30s spot, cut A": the end of the title."""
    panel.set_video("vi1")
    assert panel.video_combo.currentText()
    assert panel.video_combo.lineEdit().cursorPosition() == 0
