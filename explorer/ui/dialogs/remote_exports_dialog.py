"""The "Export jobs" dialog: create server-side export jobs, watch their status, download them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.services.errors import NotFound, describe_error
from explorer.services.videocloud_export_jobs import (
    EXPORT_TYPES,
    FORMATS,
    PERIOD_TITLES,
    PERIODS,
    TYPE_TITLES,
    ExportJob,
    ExportRequest,
    RemoteExports,
    RemoteJob,
    request_problems,
)
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.dialogs.remote_jobs_model import (
    PROGRESS,
    STATUS,
    WHAT,
    RemoteJobsModel,
    format_size,
)

POLL_INTERVAL_MS = 2_000
ALL_VIDEOS = "All videos"
WHAT_WIDTH = 230
PROGRESS_WIDTH = 170


class RemoteExportsDialog(QDialog):
    """Non-modal. The form posts a job; every unfinished job is asked for its status on the
    TaskRunner every `poll_interval_ms`; a ready job downloads (Download… or a double click)
    with a progress bar that Cancel or Esc stops. Closing the dialog cancels all its tasks."""

    def __init__(
        self,
        exports: RemoteExports,
        runner: TaskRunner,
        zone: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.exports, self.runner, self.zone = exports, runner, zone
        self.poll_interval_ms = POLL_INTERVAL_MS
        self.folder = Path.home()  # where the last download went
        self._downloading: str | None = None  # the job id being downloaded
        self._target: Path | None = None
        self._videos_loaded = False
        self.setWindowTitle("Export jobs")
        self.setObjectName("remote-exports-dialog")
        self._build()
        self._connect()
        self.model.set_jobs(exports.jobs())
        self._on_type_changed()
        self._update_buttons()

    # --- construction ----------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        self.type_combo = QComboBox(self)
        self.type_combo.setAccessibleName("What to export")
        for kind in EXPORT_TYPES:
            self.type_combo.addItem(TYPE_TITLES[kind], kind)
        self.metric_boxes: list[QCheckBox] = []
        self.metrics_row = QHBoxLayout()
        self.metrics_row.addStretch(1)
        self.period_combo = QComboBox(self)
        self.period_combo.setAccessibleName("Period")
        for period in PERIODS:
            self.period_combo.addItem(PERIOD_TITLES[period].capitalize(), period)
        self.period_combo.setCurrentIndex(PERIODS.index("30d"))
        self.video_combo = QComboBox(self)
        self.video_combo.setAccessibleName("Video")
        self.video_combo.setEditable(True)
        self.video_combo.addItem(ALL_VIDEOS, None)
        self.video_combo.setToolTip("All videos, one of the list, or a video id typed in")
        self.format_combo = QComboBox(self)
        self.format_combo.setAccessibleName("File format")
        for fmt in FORMATS:
            self.format_combo.addItem(fmt.upper(), fmt)
        self.create_button = self._button("Create", "Create the export job", self.create_job)
        self.table = QTableView(self)
        self.table.setAccessibleName("Export jobs")
        self.model = RemoteJobsModel(self.zone, self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(WHAT, WHAT_WIDTH)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PROGRESS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(PROGRESS, PROGRESS_WIDTH)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Download progress")
        self.progress.hide()
        self.notice = QLabel(self)
        self.notice.setAccessibleName("Export jobs notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = self._button("Download…", "Download the chosen job", self.download)
        self.cancel_button = self._button("Cancel", "Cancel the download", self.cancel_download)
        self.close_button = self._button("Close", "Close the dialog", self.close)
        self.poll_timer = QTimer(self)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Export", self.type_combo)
        form.addRow("Metrics", self.metrics_row)
        form.addRow("Period", self.period_combo)
        form.addRow("Video", self.video_combo)
        form.addRow("Format", self.format_combo)
        create_row = QHBoxLayout()
        create_row.addStretch(1)
        create_row.addWidget(self.create_button)
        form.addRow(create_row)
        group = QGroupBox("New export job", self)
        group.setLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.download_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        column = QVBoxLayout(self)
        column.addWidget(group)
        column.addWidget(QLabel("Jobs created in this session (newest first):", self))
        column.addWidget(self.table, 1)
        column.addWidget(self.progress)
        column.addWidget(self.notice)
        column.addLayout(buttons)
        self.resize(960, 540)

    def _connect(self) -> None:
        self.type_combo.currentIndexChanged.connect(self._on_type_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.poll_timer.timeout.connect(self._on_poll_timer_timeout)

    # --- the form --------------------------------------------------------------------------

    def _on_type_changed(self, *_: object) -> None:
        kind = str(self.type_combo.currentData())
        for box in self.metric_boxes:
            self.metrics_row.removeWidget(box)
            box.deleteLater()
        self.metric_boxes = []
        for metric in EXPORT_TYPES[kind]:
            box = QCheckBox(metric, self)
            box.setAccessibleName(f"Metric {metric}")
            box.setChecked(True)
            self.metrics_row.insertWidget(len(self.metric_boxes), box)
            self.metric_boxes.append(box)
        self.video_combo.setEnabled(kind == "video")

    def chosen_video(self) -> str | None:
        """The video the form names: one of the list, an id typed in, or None for all."""
        text = self.video_combo.currentText().strip()
        index = self.video_combo.currentIndex()
        if index >= 0 and text == self.video_combo.itemText(index):
            data = self.video_combo.itemData(index)
            return str(data) if data else None
        return None if text in ("", ALL_VIDEOS) else text

    def build_request(self) -> ExportRequest | str:
        """The request the form describes, or what is wrong with it, in words."""
        kind = str(self.type_combo.currentData())
        metrics = tuple(box.text() for box in self.metric_boxes if box.isChecked())
        if not metrics:
            return "Tick at least one metric."
        request = ExportRequest(
            type=kind,
            period=str(self.period_combo.currentData()),
            metrics=metrics,
            format=str(self.format_combo.currentData()),
            video_id=self.chosen_video() if kind == "video" else None,
        )
        problems = request_problems(request)
        return " ".join(problems) if problems else request

    def create_job(self) -> None:
        if self._busy("create"):
            return
        request = self.build_request()
        if isinstance(request, str):
            self.notice.setText(request)
            return
        self.notice.setText("Creating the export job…")
        self.runner.run(
            self.exports.create, request, owner=self, slot="create",
            label="Creating an export job", done=self._on_created, failed=self._on_create_failed,
            always=self._update_buttons,
        )  # fmt: skip
        self._update_buttons()

    def _load_videos(self) -> None:
        if not self._videos_loaded and not self._busy("videos"):
            self.runner.run(
                self.exports.videos, owner=self, slot="videos", label="Listing videos",
                done=self._on_videos_listed, failed=self._on_videos_failed,
            )  # fmt: skip

    # --- polling ---------------------------------------------------------------------------

    def _unfinished(self) -> list[RemoteJob]:
        return [job for job in self.exports.jobs() if not job.finished]

    def _keep_polling(self) -> None:
        if self._unfinished() and self.isVisible():
            if not self.poll_timer.isActive():
                self.poll_timer.start(self.poll_interval_ms)
        else:
            self.poll_timer.stop()

    def _on_poll_timer_timeout(self) -> None:
        for job in self._unfinished():
            slot, job_id = f"status:{job.export_id}", job.export_id
            if not self._busy(slot):
                try:
                    self.runner.run(
                        self.exports.status, job_id, owner=self, slot=slot,
                        label=f"Checking export {job_id}", done=self._on_status,
                        failed=lambda error, job_id=job_id: self._on_status_failed(job_id, error),
                        always=self._update_buttons,
                    )  # fmt: skip
                except RuntimeError:  # the runner is shut down: the application is quitting
                    self.poll_timer.stop()
                    return
        self._keep_polling()

    # --- downloading -----------------------------------------------------------------------

    def selected_job(self) -> RemoteJob | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.job(rows[0].row()) if rows else None

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row is not None:
            self.table.selectRow(row)

    def ask_download_path(self, suggested: Path) -> Path | None:
        """Where to write the file; tests replace this (the file chooser is modal)."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Download the export", str(suggested), "CSV files (*.csv);;All files (*)"
        )
        return Path(name) if name else None

    def download(self) -> None:
        job = self.selected_job()
        if job is None or job.state != "ready" or self.downloading:
            return
        suggested = (
            self.folder / f"videocloud-{job.request.type}-{job.export_id}.{job.request.format}"
        )
        path = self.ask_download_path(suggested)
        if path is None:
            return
        self._downloading, self._target = job.export_id, path
        self.folder = path.parent
        self.progress.setRange(0, 0)  # busy until the size is known
        self.progress.show()
        self.notice.setText(f"Downloading {job.export_id} to {path}…")
        self.model.set_download(job.export_id)
        self.runner.run(
            self.exports.download, job.export_id, path, owner=self, slot="download",
            label=f"Downloading {path.name}", progressed=self._on_download_progressed,
            done=self._on_downloaded, failed=self._on_download_failed,
            cancelled=self._on_download_cancelled, always=self._update_buttons,
        )  # fmt: skip
        self._update_buttons()

    @property
    def downloading(self) -> bool:
        return self._busy("download")

    def cancel_download(self) -> None:
        self.runner.cancel(self.runner.running(self, "download"))

    def _download_ended(self, text: str) -> None:
        self.progress.hide()
        self.model.set_download(None)
        self._downloading = None
        self.notice.setText(text)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        job = self.selected_job()
        busy = self.downloading
        self.download_button.setEnabled(job is not None and job.state == "ready" and not busy)
        self.cancel_button.setEnabled(busy)
        self.create_button.setEnabled(not self._busy("create"))

    # --- opening and closing ---------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.model.set_jobs(self.exports.jobs())
        self._load_videos()
        self._keep_polling()

    def reject(self) -> None:
        """Esc: cancel a running download first; close only when none runs."""
        if self.downloading:
            self.cancel_download()
            return
        self.stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)

    def stop(self) -> None:
        """Cancel every task of this dialog and stop polling (the jobs stay on the server)."""
        self.poll_timer.stop()
        self.runner.cancel_owned(self)

    # --- what the tasks say ----------------------------------------------------------------

    def _busy(self, slot: str) -> bool:
        return self.runner.running(self, slot) is not None

    def _refresh(self) -> None:
        self.model.set_jobs(self.exports.jobs())
        self._update_buttons()
        self._keep_polling()

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.download()

    def _on_videos_listed(self, videos: list[tuple[str, str]]) -> None:
        self._videos_loaded = True
        for video_id, title in videos:
            self.video_combo.addItem(f"{title or video_id} · {video_id}", video_id)

    def _on_videos_failed(self, error: BaseException) -> None:
        self._videos_loaded = True  # typed ids still work; do not ask again and again
        self.video_combo.setToolTip(
            f"The videos could not be listed ({describe_error(error).message})."
        )

    def _on_created(self, job: ExportJob) -> None:
        self._refresh()
        self.select_job(job.export_id)
        self.notice.setText(
            f"Created {job.export_id}; its status is checked every "
            f"{self.poll_interval_ms / 1000:g} s until it is ready."
        )

    def _on_create_failed(self, error: BaseException) -> None:
        report = describe_error(error)
        self.notice.setText(f"The job was not created. {report.headline}: {report.message}")

    def _on_status(self, job: ExportJob) -> None:
        self._refresh()
        self._announce(job.export_id)

    def _on_status_failed(self, job_id: str, error: BaseException) -> None:
        self._refresh()  # the row says why the check failed, or that the job is gone
        if isinstance(error, NotFound):
            self.notice.setText(f"{job_id}: the server no longer knows this export.")

    def _on_download_progressed(self, done: int, total: int) -> None:
        if self._downloading is None:
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.model.set_download(self._downloading, done, total)

    def _on_downloaded(self, written: Path) -> None:
        self._refresh()
        job = self.exports.job(self._downloading or "")
        size = f" ({format_size(job.size)})" if job and job.size is not None else ""
        self._download_ended(f"Downloaded {written.name}{size}: wrote {written}")

    def _on_download_failed(self, error: BaseException) -> None:
        self._refresh()
        report = describe_error(error)
        self._download_ended(f"Nothing was written. {report.headline}: {report.message}")

    def _announce(self, job_id: str) -> None:
        """Say so when a job has just become ready or failed."""
        job = self.exports.job(job_id)
        if job is None:
            return
        if job.state == "ready" and job.path is None:
            self.notice.setText(f"{job_id} is ready: choose it and press Download…")
        elif job.state == "failed":
            self.notice.setText(f"{job_id}: {job.status_text}")

    def _on_download_cancelled(self) -> None:
        name = self._target.name if self._target is not None else "the file"
        self._download_ended(f"Download cancelled: nothing was written, {name} is as it was.")
