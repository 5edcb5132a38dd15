"""The export jobs table: a QAbstractTableModel over RemoteExports.jobs() and a running download."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from explorer.services.videocloud_export_jobs import RemoteJob
from explorer.ui.common.formatting import format_moment

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("ID", "What", "Format", "Created", "Status", "Progress / size")
ID, WHAT, FORMAT, CREATED, STATUS, PROGRESS = range(len(COLUMNS))
JOB_ROLE = Qt.ItemDataRole.UserRole + 40
MOMENT = "%Y-%m-%d %H:%M:%S"
_NO_PARENT = QModelIndex()


def format_size(size: int) -> str:
    """ "512 bytes", "139 KB", "2.4 MB" (1 KB = 1,024 bytes)."""
    if size < 1024:
        return f"{size:,} byte{'s' if size != 1 else ''}"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:,.1f} {unit}"


class RemoteJobsModel(QAbstractTableModel):
    """One row per job, newest first; `set_jobs` takes the service's list again (new jobs are
    inserted at the top, so a selection stays on its job), `set_download` the progress of the
    one download under way."""

    def __init__(self, zone: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._jobs: list[RemoteJob] = []
        self._download: tuple[str, int, int] | None = None  # job id, bytes, total (0: unknown)

    # --- feeding -----------------------------------------------------------------------------

    def set_jobs(self, jobs: list[RemoteJob]) -> None:
        old = [job.export_id for job in self._jobs]
        new = [job.export_id for job in jobs]
        added = len(new) - len(old)
        if added > 0 and new[added:] == old:
            self.beginInsertRows(_NO_PARENT, 0, added - 1)
            self._jobs = list(jobs)
            self.endInsertRows()
        elif new == old:
            self._jobs = list(jobs)
        else:  # not what the service does; start again rather than guess
            self.beginResetModel()
            self._jobs = list(jobs)
            self.endResetModel()
            return
        self._changed(0, len(self._jobs) - 1)

    def set_download(self, job_id: str | None, done: int = 0, total: int = 0) -> None:
        before = self._download[0] if self._download else None
        self._download = (job_id, done, total) if job_id is not None else None
        for changed in {before, job_id} - {None}:
            row = self.row_of(str(changed))
            if row is not None:
                self._changed(row, row)

    def _changed(self, first: int, last: int) -> None:
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    # --- asking --------------------------------------------------------------------------------

    def job(self, row: int) -> RemoteJob | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def row_of(self, job_id: str) -> int | None:
        return next((i for i, job in enumerate(self._jobs) if job.export_id == job_id), None)

    # --- the model -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        job = self.job(index.row()) if index.isValid() else None
        if job is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(job, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(job, index.column())
        if role == JOB_ROLE:
            return job
        return None

    def _text(self, job: RemoteJob, column: int) -> str:
        if column == ID:
            return job.export_id
        if column == WHAT:
            return job.what
        if column == FORMAT:
            return job.request.format.upper()
        if column == CREATED:
            return format_moment(job.created, self.zone, MOMENT)
        if column == STATUS:
            return "Ready · downloading" if self._downloading(job) else job.status_text
        return self._progress(job)

    def _downloading(self, job: RemoteJob) -> bool:
        return self._download is not None and self._download[0] == job.export_id

    def _progress(self, job: RemoteJob) -> str:
        if self._download is not None and self._downloading(job):
            _, done, total = self._download
            if total > 0:
                return f"{format_size(done)} of {format_size(total)} ({done * 100 // total} %)"
            return f"{format_size(done)} so far"
        if job.size is not None and job.state == "ready":
            return format_size(job.size)
        if job.state in ("queued", "processing") and job.job.progress is not None:
            return f"{job.job.progress * 100:.0f} %"
        return ""

    def _tip(self, job: RemoteJob, column: int) -> str:
        lines = [f"{job.export_id}: {job.what}", job.status_text]
        if job.job.expires_at is not None:
            lines.append(f"The link expires {format_moment(job.job.expires_at, self.zone)}.")
        if job.path is not None:
            lines.append(f"Downloaded to {job.path}")
        lines.append(f"Last checked {format_moment(job.checked, self.zone, MOMENT)} ({self.zone})")
        return "\n".join(lines)
