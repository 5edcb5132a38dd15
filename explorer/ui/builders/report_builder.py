"""The VideoCloud query builder: one report, its period and options; only valid ones offered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QSpinBox,
    QWidget,
)

from explorer.domain.report import Answer
from explorer.services.source import Assets
from explorer.services.videocloud_queries import (
    CATALOGUE,
    DEFAULT_PERIODS,
    ReportRequest,
    VideoCloudCatalogue,
)
from explorer.ui.builders import report_choices as rc
from explorer.ui.builders.builder_parts import BuilderActions, add_pair, buddy_label
from explorer.ui.builders.choice_combo import ChoiceCombo
from explorer.ui.builders.metric_checks import MetricChecks
from explorer.ui.builders.report_choices import TOP_MAX
from explorer.ui.builders.zone_combo import ZoneCombo

STATE_VERSION = 1


class ReportBuilderPanel(QWidget):
    """Edits one `ReportRequest` (the contract: `explorer.ui.builders.registry.QuestionBuilder`).

    Per report it remembers the period and the ticked metrics, so switching reports and back
    loses nothing. Run is enabled only when a source is open and the request has no problem."""

    question_changed = Signal()
    run_requested = Signal()
    cancel_requested = Signal()
    curl_requested = Signal()
    zone_changed = Signal(str)  # the person chose another zone (not emitted by set_zone)

    def __init__(
        self, parent: QWidget | None = None, catalogue: VideoCloudCatalogue = CATALOGUE
    ) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._ready = False
        self._updating = False
        self._periods: dict[str, str] = {}  # per report: the period last chosen
        self._problems: list[str] = []
        self._build()
        self._on_report_changed()

    # --- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        catalogue = self._catalogue
        self.report_combo = ChoiceCombo("Report", self)
        self.report_combo.set_choices(rc.report_choices(catalogue))
        self.period_combo = ChoiceCombo("Period", self)
        self.zone_combo = ZoneCombo(self)
        self.video_combo = self._video_picker()
        self.group_combo = ChoiceCombo("Group the timeline by", self)
        self.compare_check = QCheckBox("&Compare with the previous period", self)
        self.compare_check.setAccessibleName("Compare with the previous period")
        self.compare_check.setChecked(True)
        self.top_spin = QSpinBox(self)
        self.top_spin.setAccessibleName("Top videos")
        self.top_spin.setRange(0, TOP_MAX)
        self.top_spin.setSpecialValueText("API default")  # shown at 0: no limit sent
        self.metric_checks = MetricChecks(
            {r: catalogue.metrics(r) for r in catalogue.reports}, self
        )
        actions = BuilderActions.make(
            self, "report", "Copy the exact request; the API key is left out"
        )
        self.problems_label, self.run_button = actions.problems_label, actions.run_button
        self.cancel_button, self.curl_button = actions.cancel_button, actions.curl_button

        grid = QGridLayout(self)
        add_pair(grid, 0, 0, "&Report", self.report_combo)
        add_pair(grid, 0, 2, "&Period", self.period_combo)
        add_pair(grid, 0, 4, "Time &zone", self.zone_combo)
        add_pair(grid, 1, 0, "&Video", self.video_combo)
        add_pair(grid, 1, 2, "&Group by", self.group_combo)
        grid.addWidget(self.compare_check, 1, 4, 1, 2)
        grid.addWidget(
            buddy_label("&Metrics", self.metric_checks, self), 2, 0, Qt.AlignmentFlag.AlignRight
        )
        grid.addWidget(self.metric_checks, 2, 1, 1, 3)
        add_pair(grid, 2, 4, "&Top videos", self.top_spin)
        grid.addWidget(self.problems_label, 3, 0, 1, 6)
        grid.addLayout(actions.buttons, 4, 0, 1, 6)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)

        self.report_combo.value_changed.connect(self._on_report_changed)
        self.period_combo.value_changed.connect(self._on_period_changed)
        self.group_combo.value_changed.connect(self._on_option_changed)
        self.metric_checks.metrics_changed.connect(self._on_option_changed)
        self.compare_check.toggled.connect(self._on_option_changed)
        self.top_spin.valueChanged.connect(self._on_option_changed)
        self.video_combo.editTextChanged.connect(self._on_option_changed)
        self.zone_combo.zone_chosen.connect(self.zone_changed)
        self.run_button.clicked.connect(self.run_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.curl_button.clicked.connect(self.curl_requested)

    def _video_picker(self) -> QComboBox:
        """Videos by title; editable, so a part of a title finds it and an id can be typed."""
        combo = QComboBox(self)
        combo.setAccessibleName("Video")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.lineEdit().setPlaceholderText("Choose a video or type its id")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        combo.setCompleter(completer)
        return combo

    # --- reading ---------------------------------------------------------------------------

    @property
    def zone_name(self) -> str:
        return self.zone_combo.zone_name

    def report(self) -> str:
        return self.report_combo.value() or self._catalogue.reports[0]

    def video_id(self) -> str:
        """The chosen video's id: a listed title's id, else the text as typed (an id)."""
        text = self.video_combo.currentText().strip()
        labels = [self.video_combo.itemText(row) for row in range(self.video_combo.count())]
        exact = [r for r, label in enumerate(labels) if label == text]
        loose = [r for r, label in enumerate(labels) if label.casefold() == text.casefold()]
        rows = exact or loose  # the exact title first, then in any case
        return str(self.video_combo.itemData(rows[0])) if text and rows else text

    def question(self) -> ReportRequest:
        """The request as chosen now (maybe with problems, e.g. no video yet)."""
        report = self.report()
        needs_video = self._catalogue.needs_video(report)
        top = self.top_spin.value() if self._catalogue.takes_top(report) else 0
        return ReportRequest(
            report=report,
            period=self.period_combo.value(),
            video_id=self.video_id() if needs_video else "",
            metrics=self.metric_checks.ticked(report),
            group_by=self.group_combo.value(),
            # outside the video report compare means nothing: leave ReportRequest's default
            compare=self.compare_check.isEnabled() and self.compare_check.isChecked()
            if needs_video
            else True,
            top=top or None,
        )

    def title_of(self, question: ReportRequest) -> str:
        """A listed video's report is called by the video's title: ``Intro (7d)``."""
        row = self.video_combo.findData(question.video_id) if question.video_id else -1
        if question.report != "video" or row < 0:
            return question.title
        return f"{self.video_combo.itemText(row)} ({question.chosen_period})"

    def problems(self) -> list[str]:
        return list(self._problems)

    def state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "request": self.question().to_dict(),
            "compare": self.compare_check.isChecked(),  # kept while a period has no previous
            "tz": self.zone_name,
        }

    # --- writing ---------------------------------------------------------------------------

    def set_zone(self, zone: str) -> None:
        self.zone_combo.set_zone(zone)

    def set_clock(self, now: Callable[[], datetime], history: bool = False) -> None:
        """Periods are relative to the server's clock: the clock is kept, nothing to resolve."""
        self._now = now

    def set_ready(self, ready: bool) -> None:
        """Whether reports can be sent (a source is open)."""
        self._ready = ready
        self._validate()

    def set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)

    def set_report(self, report: str) -> bool:
        return self.report_combo.set_value(report)

    def set_video(self, video_id: str) -> None:
        """Show a listed video by its title, any other id as typed."""
        row = self.video_combo.findData(video_id)
        if row >= 0:
            self.video_combo.setCurrentIndex(row)
            self.video_combo.setEditText(self.video_combo.itemText(row))
        else:
            self.video_combo.setCurrentIndex(-1)
            self.video_combo.setEditText(video_id)
        # a long title reads from its start ("Summer Festival…"), not from its end
        self.video_combo.lineEdit().setCursorPosition(0)

    def set_scope(self, asset_id: str | None) -> None:
        """A video: its Video analytics report; None (the whole project): the summary."""
        if asset_id is None:
            self.set_report("summary")
            return
        self.set_video(asset_id)
        self.set_report("video")

    def set_assets(self, assets: Assets) -> None:
        """List the videos by title (an id follows a title two videos share)."""
        chosen = self.video_id()
        videos = sorted(assets.of_kind("video"), key=lambda a: (a.label.casefold(), a.asset_id))
        seen: dict[str, int] = {}
        for video in videos:
            seen[video.label] = seen.get(video.label, 0) + 1
        self.video_combo.blockSignals(True)
        try:
            self.video_combo.clear()
            for video in videos:
                label = video.label
                if seen[label] > 1:
                    label = f"{label} ({video.asset_id})"
                self.video_combo.addItem(label, video.asset_id)
                self.video_combo.setItemData(
                    self.video_combo.count() - 1, video.asset_id, Qt.ItemDataRole.ToolTipRole
                )
            self.video_combo.setCurrentIndex(-1)
            self.set_video(chosen)
        finally:
            self.video_combo.blockSignals(False)
        self._validate()

    def learn_values(self, values: dict[str, list[str]]) -> None:
        """Nothing to complete: the reports take no filters."""

    def learn_from(self, result: Answer) -> None:
        """Nothing to learn: every choice comes from the catalogue."""

    def restore(self, state: Mapping[str, Any]) -> None:
        """Bring back ``state()``; an unknown or invalid value is left as it is now."""
        if not isinstance(state, Mapping):
            return
        zone = state.get("tz")
        if isinstance(zone, str):
            self.zone_combo.set_zone(zone)
        request = state.get("request")
        if not isinstance(request, Mapping):
            return
        report = request.get("report")
        if not (isinstance(report, str) and self.set_report(report)):
            return
        self._restore_options(report, request, state.get("compare"))

    def _restore_options(self, report: str, request: Mapping[str, Any], compare: object) -> None:
        catalogue = self._catalogue
        period = request.get("period") or DEFAULT_PERIODS.get(report)  # None: the default
        if period in catalogue.periods(report):
            self.period_combo.set_value(period)
        video = request.get("video_id")
        if catalogue.needs_video(report) and isinstance(video, str):
            self.set_video(video.strip())
        metrics = request.get("metrics")
        if isinstance(metrics, list | tuple):
            self.metric_checks.set_ticked(report, [m for m in metrics if isinstance(m, str)])
        group = request.get("group_by")
        if group is None or group in catalogue.group_by(report):
            self.group_combo.set_value(group)
        if isinstance(compare, bool):
            self.compare_check.setChecked(compare)
        top = request.get("top")
        if top is None or (isinstance(top, int) and not isinstance(top, bool) and top >= 1):
            self.top_spin.setValue(min(top or 0, TOP_MAX))
        self._validate()

    # --- slots -----------------------------------------------------------------------------

    def _on_report_changed(self) -> None:
        """Offer the report's own periods, metrics and options; disable the rest, saying why."""
        if self._updating:
            return
        self._updating = True
        try:
            report = self.report()
            catalogue = self._catalogue
            self.period_combo.set_choices(rc.period_choices(catalogue, report))
            self.period_combo.set_value(self._periods.get(report) or DEFAULT_PERIODS.get(report))
            why_not = rc.video_inapplicable(catalogue, report)
            self.video_combo.setEnabled(not why_not)
            self.video_combo.setToolTip(why_not or "The video to report on (a title or an id)")
            self.group_combo.set_choices(*rc.group_choices(catalogue, report))
            why_not = rc.top_inapplicable(catalogue, report)
            self.top_spin.setEnabled(not why_not)
            self.top_spin.setToolTip(why_not or f"How many top videos to list (1 to {TOP_MAX})")
            self.metric_checks.show_report(report)
        finally:
            self._updating = False
        self._sync_compare()
        self._validate()

    def _on_period_changed(self) -> None:
        if self._updating:
            return
        period = self.period_combo.value()
        if period is not None:
            self._periods[self.report()] = period
        self._sync_compare()
        self._validate()

    def _on_option_changed(self) -> None:
        if not self._updating:
            self._validate()

    def _sync_compare(self) -> None:
        why_not = rc.compare_inapplicable(self._catalogue, self.report(), self.period_combo.value())
        self.compare_check.setEnabled(not why_not)
        self.compare_check.setToolTip(why_not or "Add the previous period's figures and the change")

    def _validate(self) -> None:
        question = self.question()
        self._problems = question.problems()
        if self._problems:
            text = "\n".join(f"• {p[0].upper()}{p[1:]}" for p in self._problems)
        else:
            text = "Ready to send." if self._ready else "Waiting for the data source…"
        self.problems_label.setText(text)
        self.run_button.setEnabled(self._ready and not self._problems)
        self.curl_button.setEnabled(not self._problems)  # no request to copy while a problem
        self.question_changed.emit()
