"""A Retention tab: where viewers drop off in one video (or several compared), from a sample of
its sessions' events that grows while you watch.

It costs one events request per session, so the tab first says what a sample will cost
(Estimate), then fetches it (Fetch), drawing the curve after each round with its 95% band and
the sample's size; Cancel keeps what has come. The figures are the command line's
(`analytics-explorer retention`), and Export writes the same CSV.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.domain.engagement import Engagement, ViewerRow, engagement, viewer_report
from explorer.domain.key_moments import key_moments
from explorer.domain.retention import RetentionCurve
from explorer.services.audience_splits import METADATA_PREFIX, split_groups, value_of
from explorer.services.errors import describe_error
from explorer.services.retention_sampling import Sample, SampleCost, Sampler, prepare
from explorer.services.retention_tables import Basis, curve_table
from explorer.services.sessions import Media, SessionService
from explorer.services.table_files import export_table
from explorer.ui.audience.engagement_tables import FiguresTable, ViewersPanel
from explorer.ui.audience.retention_chart import MAX_LINES, RetentionChart
from explorer.ui.audience.round_pace import RoundPace
from explorer.ui.bridge.responsiveness import keep_gui_responsive
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.builders.period_picker import PeriodPicker
from explorer.ui.common import export_folder

SPLITS = {  # what the split box offers: label -> the split's name (services/audience_splits.py)
    "No split": "",
    "Device type": "device-type",
    "Country": "country",
    "Continent": "continent",
    "OS": "os",
    "Browser": "browser",
    "Referrer site": "referrer-site",
    "Metadata key…": "metadata:",
}
STOPPED = {  # why a sample stopped growing (Sample.stopped), in words
    "every session": "every session of the period is in",
    "sample size": "the sample size is reached",
    "precision": "the band is as narrow as asked",
    "request budget": "the request budget is spent",
}
DEFAULT_SAMPLE = 500
DETAILS_EVERY_S = 1.0  # while a sample grows, its figures and key moments are redone this often
DEFAULT_PRECISION_PCT = 5
SEED = 1
SEARCHED = "search:"  # the compare box's item: the videos the asset tree's search finds


@dataclass
class Subject:
    """One video of the tab: what was planned for it and what has come."""

    media: Media
    sampler: Sampler | None = None
    cost: SampleCost | None = None
    sample: Sample | None = None


# --- worker side (plain calls: no Qt) --------------------------------------------------------


def plan_samples(
    service: SessionService,
    media: list[Media],
    period: str,
    size: int | None,
    precision: float | None,
    cancel: CancelToken,
    progress: ProgressCallback,
) -> list[tuple[Sampler, SampleCost]]:
    """Each video's length and session list, and what its sample will cost."""
    planned = []
    for index, one in enumerate(media):
        sampler = prepare(
            service, one, period, size=size, precision=precision, seed=SEED, cancel=cancel
        )
        planned.append((sampler, sampler.cost()))
        progress(index + 1, len(media))
    return planned


def grow_samples(
    samplers: list[Sampler],
    pace: RoundPace,
    cancel: CancelToken,
    progress: ProgressCallback,
    deliver: Any,
) -> list[Sample]:
    """Grow each video's sample in turn; every round goes out as ``(index, sample)``, and the
    next one is fetched once the window has drawn it (round_pace.py)."""
    total = sum(s.size for s in samplers)
    done = 0
    finals = []
    for index, sampler in enumerate(samplers):
        base = done

        def step(now: int, _of: int, base: int = base) -> None:
            progress(base + now, total)

        def hand(sample: Sample, index: int = index) -> None:
            pace.handed()
            deliver((index, sample))
            pace.wait(cancel)

        finals.append(sampler.run(cancel, step, hand))
        done += sampler.size
    return finals


def split_curves(sample: Sample, split: str) -> tuple[list[RetentionCurve], list[str]]:
    """One curve per value of ``split`` among the sample's sessions, and the values."""
    groups, labels = split_groups(sample.records, split)
    return sample.curves(groups, len(labels)), labels


@dataclass(frozen=True)
class Summary:
    """What the tab draws of the samples that have come: curves (one per video, or per value
    of the first video's split; labels None for one video unsplit) and each one's figures."""

    curves: list[RetentionCurve]
    labels: list[str] | None
    figures: list[tuple[str, Engagement]]


def summarise(
    drawn: list[tuple[str, Sample]], split: str, cancel: CancelToken, progress: ProgressCallback
) -> Summary:
    """The curves and figures of what has come (``drawn``: each video's title and sample)."""
    if split:
        sample = drawn[0][1]
        groups, labels = split_groups(sample.records, split)
        curves = sample.curves(groups, len(labels))
        figures = engagement(sample.playback(), groups, len(labels))
        return Summary(curves, labels, list(zip(labels, figures, strict=True)))
    curves = [sample.curve for _, sample in drawn]
    rows = [(title, engagement(sample.playback())[0]) for title, sample in drawn]
    return Summary(curves, [t for t, _ in drawn] if len(drawn) > 1 else None, rows)


def viewers_by(
    sample: Sample, key: str, cancel: CancelToken, progress: ProgressCallback
) -> list[ViewerRow]:
    """The viewer report of one metadata key (e-learning's "who watched what")."""
    values = [value_of(r, METADATA_PREFIX + key) for r in sample.records]
    return viewer_report(sample.playback(), values)


def write_curves(
    subjects: list[tuple[str, Sample]],
    split: str,
    period: str,
    path: Path,
    cancel: CancelToken,
    progress: ProgressCallback,
) -> int:
    """The command line's CSV of the first video (its split if any), written atomically."""
    video_id, sample = subjects[0]
    curves, labels = split_curves(sample, split) if split else ([sample.curve], None)
    # still growing, cancelled (the last round that came never says so) or events missing
    partial = not sample.stopped or sample.stopped == "cancelled" or bool(sample.failed)
    basis = Basis(sample.label, sample.complete, sample.stopped, SEED, partial)
    table = curve_table(curves, labels, split or None, video_id, period, basis)
    return export_table(table, "csv", path)


# --- the tab ---------------------------------------------------------------------------------


class RetentionView(QWidget):
    """The tab of one video (and those compared with it); ``message_posted`` feeds the status
    bar. Its tasks are owned by it: closing the tab cancels them."""

    message_posted = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        service: SessionService,
        media: Media,
        today: date,
        zone: str,
        parent: QWidget | None = None,
        settings: QSettings | None = None,
        others: list[Media] | None = None,
        tagged: dict[str, list[Media]] | None = None,
        searched: Callable[[], tuple[str, list[Media]]] | None = None,
        grouped: dict[str, list[Media]] | None = None,
    ) -> None:
        super().__init__(parent)
        keep_gui_responsive()  # samples are fetched by workers while the curve redraws
        self.runner, self.service, self.settings = runner, service, settings
        self.subjects = [Subject(media)]
        self.others = [m for m in (others or []) if m.media_id != media.media_id]
        self.tagged = tagged or {}  # tag -> its videos: a course's lessons, added at once
        self.searched = searched  # the asset tree's search now: its text and the videos found
        self.grouped = grouped or {}  # a saved asset group's name -> its videos
        self._shown: list[RetentionCurve] = []
        self._detailed = 0.0  # when the figures and key moments were last redone (monotonic)
        self._labels: list[str] | None = None
        self.pace = RoundPace()  # a round of the sample is fetched once the last is drawn
        self._painting = False  # a round is drawn: the chart's next paint says so to the pace
        self._build(today, zone)
        self._connect()
        self._sync()

    @property
    def media(self) -> Media:
        return self.subjects[0].media

    @property
    def title(self) -> str:
        return f"Retention · {self.media.title or self.media.media_id}"

    def set_zone(self, zone: str) -> None:
        """The zone the period's UTC days are said in."""
        self.picker.set_zone(zone)

    # --- construction ----------------------------------------------------------------------

    def _build(self, today: date, zone: str) -> None:
        self.heading = QLabel(f"Where viewers drop off in {self.media.title}", self)
        self.heading.setAccessibleName("Retention heading")
        # a long title is cut, never widening the window; the tooltip has it whole
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.heading.setToolTip(self.media.title)
        self.picker = PeriodPicker(today, self, zone)
        self.size = QSpinBox(self)
        self.size.setAccessibleName("Sample size")
        self.size.setRange(10, 1_000_000)
        self.size.setValue(DEFAULT_SAMPLE)
        self.size.setSuffix(" sessions")
        self.size.setToolTip("A uniform random sample (seeded: the same sessions each time)")
        self.every = QCheckBox("every session", self)
        self.precision = QSpinBox(self)
        self.precision.setAccessibleName("Stop at precision")
        self.precision.setRange(0, 50)
        self.precision.setValue(DEFAULT_PRECISION_PCT)
        self.precision.setPrefix("stop at ±")
        self.precision.setSuffix(" points")
        self.precision.setSpecialValueText("no precision stop")
        self.precision.setToolTip(
            "Stop growing the sample once every second's 95% band is this narrow (0: never)"
        )
        self.estimate_button = QPushButton("Estimate cost", self)
        self.estimate_button.setToolTip("List the period's sessions and say what the sample costs")
        self.fetch_button = QPushButton("Fetch", self)
        self.fetch_button.setAccessibleName("Fetch the sample")
        self.cancel_button = QPushButton("Cancel", self)
        self.compare = QComboBox(self)
        self.compare.setAccessibleName("Compare with")
        self.compare.addItem("Compare with…", "")
        self.compare.setToolTip("Draw another video's curve beside this one, on % of the length")
        if self.searched is not None:
            self.compare.addItem("The videos the tree's search finds", SEARCHED)
        for name, videos in self.grouped.items():
            self.compare.addItem(
                f"The videos of the group “{name}” ({len(videos)})", f"group:{name}"
            )
        for tag, videos in self.tagged.items():
            self.compare.addItem(f"Every video tagged “{tag}” ({len(videos)})", f"tag:{tag}")
        for other in self.others:
            self.compare.addItem(other.title or other.media_id, other.media_id)
        self.split = QComboBox(self)
        self.split.setAccessibleName("Split by")
        for label, name in SPLITS.items():
            self.split.addItem(label, name)
        self.metadata_key = QLineEdit(self)
        self.metadata_key.setAccessibleName("Metadata key")
        self.metadata_key.setPlaceholderText("key, e.g. cohort")
        self.by_percent = QCheckBox("% of length", self)
        self.by_percent.setToolTip("Position as a share of the length: videos compare on it")
        self.rewatch = QCheckBox("rewatch", self)
        self.rewatch.setChecked(True)
        self.rewatch.setToolTip("Plays of each second, repeats counted (can pass 100%)")
        self.export_button = QPushButton("Export CSV…", self)
        self.notice = QLabel(self)
        self.notice.setAccessibleName("Retention status")
        self.notice.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        keep = self.progress.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # its row keeps its height: no relayout on Fetch
        self.progress.setSizePolicy(keep)
        self.progress.hide()
        self.chart = RetentionChart(self)
        self.figures = FiguresTable(self)
        self.viewers = ViewersPanel(self)
        self.moments = QPlainTextEdit(self)  # scrolls when a comparison says many
        self.moments.setAccessibleName("Key moments")
        self.moments.setReadOnly(True)
        self.moments.setFrameShape(QPlainTextEdit.Shape.NoFrame)

        self.metadata_key.hide()
        self.compare.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.compare.setMinimumContentsLength(24)
        self.placeholder = QLabel(
            "Nothing drawn yet: Estimate cost says what a sample costs, Fetch draws the curve.",
            self,
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAutoFillBackground(True)  # hides the chart, laid out beneath it:
        # the chart's first layout and paint come with the tab, not with a sample's first round
        self.stack = QWidget(self)
        overlap = QGridLayout(self.stack)
        overlap.setContentsMargins(0, 0, 0, 0)
        overlap.addWidget(self.chart, 0, 0)
        overlap.addWidget(self.placeholder, 0, 0)
        self.placeholder.raise_()
        rows = [
            [(self.heading, 1), self.progress, self.cancel_button],
            [(self.picker, 1), self.estimate_button, self.fetch_button],
            [self.size, self.every, self.precision, 1],
            [self.split, self.metadata_key, self.compare, 1, self.by_percent, self.rewatch,
             self.export_button],
        ]  # fmt: skip
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.details = QTabWidget(self)
        self.details.setAccessibleName("Retention details")
        self.details.addTab(self.moments, "Key moments")
        self.details.addTab(self.figures, "Figures")
        self.details.addTab(self.viewers, "Viewers by key")
        splitter.addWidget(self.stack)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.details.setMinimumHeight(90)
        # shown from the start: appearing with a sample's first round, it resized the chart
        # while the next round was being fetched (a repaint that waited on the workers)
        self.moments.setPlainText("The key moments come with the first curve (Fetch).")
        splitter.setChildrenCollapsible(False)
        self.chart.setMinimumHeight(180)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        for number, items in enumerate(rows):
            row = QHBoxLayout()
            for item in items:  # an int: a stretch; (widget, n): a widget that stretches
                if isinstance(item, int):
                    row.addStretch(item)
                elif isinstance(item, tuple):
                    row.addWidget(*item)
                else:
                    row.addWidget(item)
            column.addLayout(row)
            if number == 1:
                column.addWidget(self.notice)
        column.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.estimate_button.clicked.connect(self.estimate)
        self.fetch_button.clicked.connect(self.fetch)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button.clicked.connect(self.export)
        self.every.toggled.connect(self._on_plan_changed)
        self.size.valueChanged.connect(self._on_plan_changed)
        self.precision.valueChanged.connect(self._on_plan_changed)
        self.picker.period_changed.connect(self._on_plan_changed)
        self.compare.activated.connect(self._on_compare_activated)
        self.split.currentIndexChanged.connect(self._on_split_changed)
        self.metadata_key.editingFinished.connect(self._redraw)
        self.by_percent.toggled.connect(self._draw)
        self.viewers.report_requested.connect(self._on_viewers_requested)
        self.rewatch.toggled.connect(self._draw)
        self.chart.painted.connect(self._on_chart_painted)

    # --- asking ----------------------------------------------------------------------------

    def busy(self, *slots: str) -> bool:
        return any(self.runner.running(self, slot) is not None for slot in slots)

    def estimate(self) -> None:
        """List the period's sessions of every video and say what fetching will cost."""
        for subject in self.subjects:
            subject.sampler = subject.cost = subject.sample = None
        self._say("Listing the period's sessions…")
        self.runner.run(
            plan_samples, self.service, [s.media for s in self.subjects], self.picker.period().wire,
            None if self.every.isChecked() else self.size.value(), self._precision(),
            owner=self, slot="plan", label=f"Listing the sessions of {self.media.title}",
            done=self._on_planned, failed=self._on_failed, always=self._sync,
        )  # fmt: skip
        self._sync()

    def fetch(self) -> None:
        """Fetch (or reuse from the store) every planned session's events, round by round."""
        samplers = [s.sampler for s in self.subjects if s.sampler is not None]
        if len(samplers) != len(self.subjects) or self.busy("plan", "fetch"):
            return
        self.progress.setRange(0, 0)
        self.progress.show()
        self.pace = RoundPace()
        self.runner.run(
            grow_samples, samplers, self.pace, owner=self, slot="fetch",
            label=f"Sampling the sessions of {self.media.title}",
            yielded=self._on_rounds, progressed=self._on_progressed, done=self._on_fetched,
            failed=self._on_failed, cancelled=self._on_cancelled, always=self._sync,
        )  # fmt: skip
        self._sync()

    def cancel(self) -> None:
        for slot in ("plan", "fetch"):
            self.runner.cancel(self.runner.running(self, slot))

    def cancel_all(self) -> None:
        self.runner.cancel_owned(self)

    def ask_export_path(self, suggested: str) -> Path | None:
        """Where to export; tests replace this (the dialog is the only modal step)."""
        name, _ = QFileDialog.getSaveFileName(self, "Export retention", suggested, "CSV (*.csv)")
        return Path(name) if name else None

    def export(self) -> None:
        sample = self.subjects[0].sample
        if sample is None:
            self.message_posted.emit("Nothing to export: fetch a sample first.")
            return
        stem = f"retention-{self.media.media_id}-{self.picker.period().wire.replace('/', '_')}"
        settings = self.settings if self.settings is not None else QSettings()
        path = self.ask_export_path(export_folder.start_path(settings, f"{stem}.csv"))
        if path is None:
            return
        export_folder.remember(settings, path)
        self.runner.run(
            write_curves, [(self.media.media_id, sample)], self._split_name(),
            self.picker.period().wire, path, owner=self, slot="export",
            label=f"Exporting to {path.name}",
            done=lambda rows: self.message_posted.emit(f"Exported {rows:,} rows to {path}"),
            failed=lambda e: self.message_posted.emit(
                f"Export failed: {describe_error(e).message}"
            ),
        )  # fmt: skip

    def _precision(self) -> float | None:
        points = self.precision.value()
        return points / 100 if points and not self.every.isChecked() else None

    def _split_name(self) -> str:
        name = str(self.split.currentData() or "")
        if name == "metadata:":
            key = self.metadata_key.text().strip()
            return f"metadata:{key}" if key else ""
        return name

    # --- what the tasks say ----------------------------------------------------------------

    def _on_planned(self, planned: list[tuple[Sampler, SampleCost]]) -> None:
        for subject, (sampler, cost) in zip(self.subjects, planned, strict=True):
            subject.sampler, subject.cost = sampler, cost
        costs = [s.cost for s in self.subjects if s.cost is not None]
        empty = [s.media.title for s in self.subjects if s.cost is not None and not s.cost.sessions]
        if empty:  # nothing to sample: no Fetch that would draw nothing
            for subject in self.subjects:
                subject.sampler = subject.cost = None
            period = self.picker.period().wire
            self._say(f"No session of {', '.join(empty)} in {period}: choose another period.")
            self.fetch_button.setText("Fetch")
            return
        requests = sum(c.requests for c in costs)
        seconds = sum(c.seconds for c in costs)
        said = [f"{s.media.title}: {s.cost.describe()}" for s in self.subjects if s.cost]
        self._say(" · ".join(said))
        when = f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
        self.fetch_button.setText(f"Fetch ({requests:,} requests, ~{when})")

    def _on_rounds(self, rounds: list[tuple[int, Sample]]) -> None:
        for index, sample in rounds:
            self.subjects[index].sample = sample
        self._redraw()

    def _on_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _on_fetched(self, samples: list[Sample]) -> None:
        for subject, sample in zip(self.subjects, samples, strict=True):
            subject.sample = sample
            subject.sampler = subject.cost = None  # spent: a new plan is estimated again
        self.fetch_button.setText("Fetch")
        self._redraw()

    def _on_failed(self, error: BaseException) -> None:
        self._say(f"Nothing more could be fetched: {describe_error(error).message}")

    def _on_cancelled(self) -> None:
        if self.subjects[0].sample is None:
            self._say("Cancelled before any session's events came: nothing to show.")
            return
        self._redraw(cancelled=True)

    def _on_plan_changed(self, *_: object) -> None:
        """A new period or sample size: what was planned no longer holds."""
        self.size.setEnabled(not self.every.isChecked())
        self.precision.setEnabled(not self.every.isChecked())  # every session: exact, no stop
        for subject in self.subjects:
            subject.sampler = subject.cost = None
        self.fetch_button.setText("Fetch")
        if not self.busy("plan", "fetch"):
            self._say("Press Estimate cost to see what this sample costs before fetching it.")
        self._sync()

    def _on_viewers_requested(self, key: str) -> None:
        sample = self.subjects[0].sample
        if sample is None:
            self.viewers.say("Fetch a sample first: the report is of its sessions.")
            return
        self.viewers.say(f"Reading {key!r} in {sample.label}…")
        self.runner.run(
            viewers_by, sample, key, owner=self, slot="viewers", label=f"Viewers by {key}",
            done=lambda rows: self.viewers.show_rows(key, rows, sample),
            failed=self._on_failed,
        )  # fmt: skip

    def _on_split_changed(self, _index: int) -> None:
        self.metadata_key.setVisible(self.split.currentData() == "metadata:")
        self._redraw()

    def _on_compare_activated(self, index: int) -> None:
        chosen = str(self.compare.itemData(index) or "")
        self.compare.setCurrentIndex(0)
        if chosen == SEARCHED:
            text, wanted = self.searched() if self.searched is not None else ("", [])
            if not text:
                self._say(
                    "Type in the asset tree's search box first (title, id or tag): "
                    "the videos it finds are added."
                )
                return
            if not wanted:
                self._say(f"The tree's search “{text}” finds no video: nothing to add.")
                return
        elif chosen.startswith("tag:"):
            wanted = self.tagged.get(chosen[4:], [])
        elif chosen.startswith("group:"):
            wanted = self.grouped.get(chosen[6:], [])
        else:
            wanted = [m for m in self.others if m.media_id == chosen]
        present = {s.media.media_id for s in self.subjects}
        added = [m for m in wanted if m.media_id not in present]
        if not added:
            self._say("Nothing new to add: those videos are drawn already.")
            return
        self.subjects.extend(Subject(m) for m in added)
        self.by_percent.setChecked(True)  # videos of different lengths compare on % of length
        self.heading.setText(
            f"Where viewers drop off: {len(self.subjects)} videos on a share of their length"
        )
        self.heading.setToolTip("\n".join(s.media.title for s in self.subjects))
        self._on_plan_changed()
        names = ", ".join(m.title or m.media_id for m in added)
        self._say(f"Added {names}: press Estimate cost, then Fetch.")

    # --- showing ---------------------------------------------------------------------------

    def _redraw(self, *_: object, cancelled: bool = False) -> None:
        """Curves of what has come (split on a worker when split), then the words."""
        samples = [s.sample for s in self.subjects]
        if samples[0] is None:
            self._draw()
            return
        split = self._split_name() if len(self.subjects) == 1 else ""
        self.split.setEnabled(len(self.subjects) == 1)
        if not self.split.isEnabled():
            self.split.setToolTip("A split is of one video: remove the comparison to split")
        drawn = [(s.media.title, s.sample) for s in self.subjects if s.sample is not None]
        self.runner.run(
            summarise, drawn, split, owner=self, slot="summary", label="Summing up the sample",
            done=lambda summary: self._show(summary, cancelled), failed=self._on_summary_failed,
        )  # fmt: skip

    def _on_summary_failed(self, error: BaseException) -> None:
        self.pace.drawn()  # nothing to draw: the sample grows on
        self._on_failed(error)

    def _on_chart_painted(self) -> None:
        if self._painting:
            self._painting = False
            self.pace.drawn()

    def _show(self, summary: Summary, cancelled: bool) -> None:
        curves, labels = summary.curves, summary.labels
        self._shown, self._labels = curves, labels
        self._draw()
        # the next round is fetched once this one is painted; a hidden chart paints nothing
        self._painting = self.chart.isVisible()
        if not self._painting:
            self.pace.drawn()
        said = self._basis(cancelled)
        if labels is not None and len(self.subjects) == 1:
            empty = [label for label, c in zip(labels, curves, strict=True) if not c.played]
            said += f"\nSplit by {self.split.currentText().lower()}: the number after each "
            said += "value is how many of its sessions played"
            if empty:
                said += f"; nobody played in: {', '.join(empty)} (no line)"
        if len(curves) > MAX_LINES:
            said += f"\nThe chart draws the first {MAX_LINES} of {len(curves)}; Figures has all."
        self._say(said)
        growing = any(s.sample is not None and not s.sample.stopped for s in self.subjects)
        now = time.monotonic()
        if growing and not cancelled and now - self._detailed < DETAILS_EVERY_S:
            return  # the curve and its basis follow every round; the tables once a second
        self._detailed = now
        self.figures.show_figures(summary.figures, self.subjects[0].sample)
        self.moments.setPlainText(self._moments_text())

    def _draw(self, *_: object) -> None:
        drawn = any(curve.played for curve in self._shown)
        self.placeholder.setVisible(not drawn)
        if self._shown and not drawn:
            self.placeholder.setText("No session in the sample played the video: no curve.")
        self.chart.show_curves(
            self._shown, self._labels, self.by_percent.isChecked(), self.rewatch.isChecked()
        )

    def _basis(self, cancelled: bool) -> str:
        """What the figures rest on, for each video: exact or sampled, partial if so."""
        parts = []
        for subject in self.subjects:
            sample = subject.sample
            if sample is None:
                continue
            curve = sample.curve
            text = f"{subject.media.title}: from {sample.label}"
            if not curve.exact:
                text += f", 95% band ±{100 * curve.half_width:.1f} points (SAMPLED)"
            if cancelled or sample.stopped == "cancelled":
                text += " · PARTIAL: cancelled, showing what had come"
            elif sample.stopped:
                text += f" · {STOPPED.get(sample.stopped, sample.stopped)}"
            else:
                text += " · growing…"
            parts.append(text)
        return "\n".join(parts)

    def _moments_text(self) -> str:
        lines = []
        for subject in self.subjects:
            sample = subject.sample
            if sample is None or sample.curve.played == 0:
                continue
            said = [f"• {m.text}" for m in key_moments(sample.curve)]
            if said:
                if len(self.subjects) > 1:
                    lines.append(f"{subject.media.title}:")
                elif self._labels is not None:  # split: the moments are of everyone
                    lines.append("All the sessions together:")
                lines.extend(said)
        return "\n".join(lines) or "No key moments: no session in the sample played the video."

    def _say(self, text: str) -> None:
        self.notice.setText(text)

    def _sync(self, *_: object) -> None:
        planning, fetching = self.busy("plan"), self.busy("fetch")
        planned = all(s.sampler is not None for s in self.subjects)
        self.estimate_button.setEnabled(not planning and not fetching)
        self.fetch_button.setEnabled(planned and not planning and not fetching)
        self.cancel_button.setEnabled(planning or fetching)
        self.export_button.setEnabled(self.subjects[0].sample is not None)
        self.progress.setVisible(planning or fetching)
        if planning:
            self.progress.setRange(0, 0)
