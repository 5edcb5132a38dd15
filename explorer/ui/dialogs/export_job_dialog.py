"""The bulk export dialog: assets, period, metadata filter and file; progress, cancel, summary."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.services.bulk_sessions_csv import (
    ExportRequest,
    ExportSummary,
    JobProgress,
    export_sessions,
)
from explorer.services.errors import describe_error
from explorer.services.sessions import (
    Media,
    SessionService,
    parse_metadata_pairs,
    sessions_unavailable,
)
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.builders.period_picker import PeriodPicker
from explorer.ui.common import export_folder

PATH_SETTING = "export_job/path"
DEFAULT_NAME = "sessions-with-events.csv"
MEDIA_ROLE = Qt.ItemDataRole.UserRole + 1


class ExportJobDialog(QDialog):
    """Exports, for the ticked assets and one period, every session with its events into one
    CSV, on the TaskRunner. Esc or Cancel stops a running export (the file is left as it was);
    with nothing running, Esc closes. ``export_finished(summary)`` follows a written file."""

    export_finished = Signal(object)  # ExportSummary

    def __init__(
        self,
        runner: TaskRunner,
        service: SessionService,
        media: Sequence[Media],
        checked: Collection[str],
        today: date,
        zone: str,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.service, self.zone, self.settings = runner, service, zone, settings
        self.request: ExportRequest | None = None  # of the export running or last run
        self.summary: ExportSummary | None = None
        self.setWindowTitle("Export sessions with events")
        self.setObjectName("export-job-dialog")
        self._build(media, checked, today)
        self._set_running(False)

    # --- construction ----------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _build(self, media: Sequence[Media], checked: Collection[str], today: date) -> None:
        self.assets = QListWidget(self)
        self.assets.setAccessibleName("Assets to export")
        for item_media in media:
            kind = "Live stream" if item_media.live else "Video"
            item = QListWidgetItem(f"{item_media.title or item_media.media_id} · {kind}")
            item.setToolTip(f"{kind} {item_media.media_id}")
            item.setData(MEDIA_ROLE, item_media)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = item_media.media_id in checked
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.assets.addItem(item)
        self.all_button = self._button("All", "Tick every asset", lambda: self._tick_all(True))
        self.none_button = self._button("None", "Untick every asset", lambda: self._tick_all(False))
        self.picker = PeriodPicker(today, self)
        self.metadata = QLineEdit(self)
        self.metadata.setAccessibleName("Metadata filter")
        self.metadata.setPlaceholderText("key=value, key=value (videos only)")
        self.metadata.setToolTip(
            "Only the videos' sessions whose metadata has every pair; live streams have none"
        )
        self.destination = QLineEdit(self)
        self.destination.setAccessibleName("Export file")
        remembered = self.settings.value(PATH_SETTING)
        self.destination.setText(
            str(remembered or export_folder.start_path(self.settings, DEFAULT_NAME))
        )
        self.browse_button = self._button("Choose…", "Choose the export file", self.browse)
        self.start_button = self._button("Start", "Start the export", self.start)
        self.start_button.setDefault(True)
        self.cancel_button = self._button("Cancel", "Cancel the export", self.cancel)
        self.close_button = self._button("Close", "Close the dialog", self.close)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Export progress")
        self.counts = QLabel(self)
        self.counts.setAccessibleName("Export counts")
        self.notice = QLabel(self)
        self.notice.setAccessibleName("Export notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_text = QPlainTextEdit(self)
        self.summary_text.setAccessibleName("Export summary")
        self.summary_text.setReadOnly(True)
        self.summary_text.hide()
        self.open_folder_button = self._button("Open folder", "Open the folder", self.open_folder)
        self.open_folder_button.hide()
        self._lay_out()

    def _lay_out(self) -> None:
        ticks = QHBoxLayout()
        ticks.addWidget(self.all_button)
        ticks.addWidget(self.none_button)
        ticks.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.destination, 1)
        file_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("Period", self.picker)
        form.addRow("Metadata", self.metadata)
        form.addRow("File", file_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addWidget(QLabel("Videos and live streams to export:", self))
        column.addWidget(self.assets, 1)
        column.addLayout(ticks)
        column.addLayout(form)
        column.addWidget(self.progress)
        column.addWidget(self.counts)
        column.addWidget(self.notice)
        column.addWidget(self.summary_text, 1)
        column.addLayout(buttons)
        self.resize(560, 560)

    # --- asking ----------------------------------------------------------------------------

    def selected_media(self) -> list[Media]:
        items = (self.assets.item(row) for row in range(self.assets.count()))
        return [
            item.data(MEDIA_ROLE) for item in items if item.checkState() == Qt.CheckState.Checked
        ]

    def _tick_all(self, ticked: bool) -> None:
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        for row in range(self.assets.count()):
            self.assets.item(row).setCheckState(state)

    def ask_path(self, suggested: str) -> Path | None:
        """Where to export; tests replace this (the file chooser is modal)."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Export sessions with events", suggested, "CSV files (*.csv)"
        )
        return Path(name) if name else None

    def browse(self) -> None:
        path = self.ask_path(self.destination.text())
        if path is not None:
            self.destination.setText(str(path))

    def build_request(self) -> ExportRequest | str:
        """The request the form describes, or what is wrong with it, in words."""
        media = self.selected_media()
        if not media:
            return "Tick at least one video or live stream."
        text = self.destination.text().strip()
        if not text:
            return "Choose the file to write."
        path = Path(text).expanduser()
        if path.is_dir():
            return f"{path} is a folder: choose a file name in it."
        try:
            metadata = parse_metadata_pairs(self.metadata.text())
        except ValueError as error:
            return f"Metadata filter: {error}."
        return ExportRequest(media, self.picker.period().wire, metadata, self.zone, path)

    def start(self) -> None:
        if self.running:
            return
        request = self.build_request()
        if isinstance(request, str):
            self.notice.setText(request)
            return
        self.request, self.summary = request, None
        self.settings.setValue(PATH_SETTING, str(request.path))
        export_folder.remember(self.settings, request.path)
        self.progress.setRange(0, 0)  # busy until the session lists give the total
        self.progress.setValue(0)
        self.counts.setText("Starting…")
        self.notice.setText(f"Exporting to {request.path}…")
        self.summary_text.clear()
        self.summary_text.hide()
        self.open_folder_button.hide()
        self.runner.run(
            export_sessions, self.service, request, owner=self, slot="export",
            label=f"Exporting sessions to {request.path.name}",
            progressed=self._on_progressed,
            yielded=self._on_counted,  # the job's counts arrive as chunks (JobProgress)
            done=self._on_exported, failed=self._on_failed, cancelled=self._on_cancelled,
        )  # fmt: skip
        self._set_running(True)

    def cancel(self) -> None:
        self.runner.cancel(self.runner.running(self, "export"))

    @property
    def running(self) -> bool:
        return self.runner.running(self, "export") is not None

    def open_folder(self) -> None:
        if self.summary is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.summary.written.parent)))

    def reject(self) -> None:
        """Esc: cancel a running export first; close only when nothing runs."""
        if self.running:
            self.cancel()
        else:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            self.cancel()
        super().closeEvent(event)

    def _set_running(self, running: bool) -> None:
        for widget in (
            self.assets, self.all_button, self.none_button, self.picker, self.metadata,
            self.destination, self.browse_button, self.start_button,
        ):  # fmt: skip
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    # --- what the export says ---------------------------------------------------------------------

    def _on_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _on_counted(self, chunks: list[JobProgress]) -> None:
        self.counts.setText(chunks[-1].describe())

    def _on_exported(self, result: ExportSummary) -> None:
        self._set_running(False)
        self.summary = result
        if self.progress.maximum() == 0:  # no session at all: still busy-looking
            self.progress.setRange(0, 1)
        self.progress.setValue(self.progress.maximum())
        self.counts.setText(
            f"{result.rows:,} rows · {result.sessions:,} sessions · {result.assets_total} "
            f"assets · {result.pages:,} pages · {result.requests:,} requests"
        )
        if result.partial:
            self.notice.setText(
                f"Some data could not be fetched: the export was written as {result.written.name}"
                f" and {result.requested.name} was left untouched. What is missing is listed below."
            )
        else:
            self.notice.setText(f"Export complete: {result.written}")
        self.summary_text.setPlainText("\n".join(result.lines()))
        self.summary_text.show()
        self.open_folder_button.show()
        self.export_finished.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self._set_running(False)
        report = describe_error(error)
        reason = sessions_unavailable(error) or report.message
        self.notice.setText(f"Nothing was written. {report.headline}: {reason}")
        self.counts.setText("")

    def _on_cancelled(self) -> None:
        self._set_running(False)
        name = self.request.path.name if self.request is not None else "the file"
        self.notice.setText(f"Cancelled: nothing was written, and {name} is as it was.")
