"""A Sessions tab: a video's or live stream's player sessions for a period, inspected, compared.

All fetching runs on the TaskRunner; the list streams in page by page (``yielded``) and
the table takes the rows in batches, so the tab stays responsive with 100,000 sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.timerange import describe_duration
from explorer.services.drilldown import DrillDown
from explorer.services.errors import describe_error
from explorer.services.session_files import export_inspection, export_period
from explorer.services.sessions import (
    TEXT_COLUMNS,
    Media,
    SessionList,
    SessionRecord,
    SessionService,
    parse_metadata_pairs,
    sessions_unavailable,
)
from explorer.ui.bridge.responsiveness import keep_gui_responsive
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.builders.period_picker import PeriodPicker
from explorer.ui.common import export_folder
from explorer.ui.sessions.column_filters import ColumnFilters
from explorer.ui.sessions.compare_view import CompareView
from explorer.ui.sessions.session_inspector import SessionInspector
from explorer.ui.sessions.session_table import COLUMNS, SessionTableView
from explorer.ui.sessions.sessions_state import SessionsState, read_state, write_state

MAX_COMPARE = 12
INSPECT_DELAY_MS = 150  # walking the list with the arrow keys asks for the last row only


TABLE_MIN_HEIGHT = 100  # a few sessions stay in sight above the inspector
TABLE_SHARE = 30  # percent of the height the session list starts with


class SessionsView(QWidget):
    """One asset's sessions; ``message_posted(text)`` is for the status bar. Its tasks are keyed
    ``sessions:<n>:list|inspect|compare|export``, so a newer request of a kind replaces the
    older one, and closing the tab cancels them all (``cancel_all``). With ``settings`` it
    starts from the period, filters and sort last chosen, and remembers changes to them."""

    message_posted = Signal(str)
    drill: DrillDown | None = None  # a DrillSessionsView's question (drill_sessions_view.py)
    text_columns: tuple[str, ...] = TEXT_COLUMNS  # a group's tab adds the Video column

    def __init__(
        self,
        runner: TaskRunner,
        service: SessionService,
        media: Media,
        today: date,
        zone: str,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        keep_gui_responsive()  # before the first long list, once per process
        self.runner, self.service, self.media, self.zone = runner, service, media, zone
        self.listing: SessionList | None = None
        self.export_path: Path | None = None  # where the export in flight writes
        self._pages = (0, 0)
        self._build(today)
        self._inspect_timer = QTimer(self)
        self._inspect_timer.setSingleShot(True)
        self._inspect_timer.setInterval(INSPECT_DELAY_MS)
        self._inspect_timer.timeout.connect(self.inspect_current)
        self._connect()
        self.table.source.set_zone(zone)
        self._show_counts(0, 0)
        self.settings: QSettings | None = None  # none while restoring: nothing to save
        self._saved = SessionsState()
        if settings is not None:
            self._restore_state(read_state(settings, len(COLUMNS)))
        self.settings = settings

    @property
    def title(self) -> str:
        return f"Sessions · {self.media.title or self.media.media_id}"

    def busy(self, *slots: str) -> bool:
        """Whether a task of this tab runs in one of ``slots`` (list, inspect, compare, export)."""
        return any(self.runner.running(self, slot) is not None for slot in slots)

    # --- construction ----------------------------------------------------------------------

    def _on_where_toggled(self, shown: bool) -> None:
        self.column_filters.setVisible(shown or bool(self.column_filters.conditions))
        if shown:
            self.column_filters.value.setFocus()

    def _on_column_filters_changed(self, conditions: object) -> None:
        if conditions:  # a drill-down's conditions, or one added: the row says them
            self.where_button.setChecked(True)
            self.column_filters.show()

    def _button(self, text: str, name: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _build(self, today: date) -> None:
        kind = "Live stream" if self.media.live else "Video"
        self.heading = QLabel(f"{kind} · {self.media.title} ({self.media.media_id})", self)
        self.heading.setAccessibleName("Sessions of")
        self.heading.setToolTip(self.heading.text())
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.picker = PeriodPicker(today, self, self.zone)
        self.metadata = QLineEdit(self)
        self.metadata.setAccessibleName("Metadata filter")
        self.metadata.setPlaceholderText("metadata: key=value, key=value")
        self.metadata.setClearButtonEnabled(True)
        self.metadata.setMinimumWidth(160)
        self.metadata.setEnabled(not self.media.live)
        self.metadata.setToolTip(
            "Live streams have no session metadata"
            if self.media.live
            else "Only sessions whose metadata has every pair (sent as metadata[key]=value)"
        )
        self.load_button = self._button(
            "Load", "Load sessions", "List the period's sessions", self.load
        )
        self.cancel_button = self._button(
            "Cancel", "Cancel loading", "Stop loading or exporting", self.cancel
        )
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Pages loaded")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.notice = QLabel(self)
        self.notice.setAccessibleName("Sessions notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self.filter = QLineEdit(self)
        self.filter.setAccessibleName("Filter sessions")
        self.filter.setPlaceholderText("Filter: country, city, device, OS, browser, referrer, id…")
        self.filter.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setAccessibleName("Sessions shown")
        self.inspect_button = self._button(
            "Inspect",
            "Inspect session",
            "Show the chosen session's timeline (Enter)",
            self.inspect_current,
        )
        self.compare_button = self._button(
            "Compare",
            "Compare sessions",
            f"Overlay the playhead paths of 2 to {MAX_COMPARE} selected sessions",
            self.compare_selected,
        )
        self.export_button = self._button(
            "Export period…", "Export the period's sessions with their events",
            "Every session of the period (the filter aside), one row per event, as CSV",
            self.export_period,
        )  # fmt: skip
        self.table = SessionTableView(self, self.text_columns)
        self.column_filters = ColumnFilters(self.table_values, self, self.table.source.columns)
        self.column_filters.hide()  # shown on asking (Where…) or with conditions: at 1024x700
        # its row would take the list's last rows
        self.where_button = QPushButton("Where…", self)
        self.where_button.setCheckable(True)
        self.where_button.setAccessibleName("Column filters")
        self.where_button.setToolTip("Keep the sessions whose column = value (several at once)")
        self.where_button.toggled.connect(self._on_where_toggled)
        self.inspector = SessionInspector(self)
        self.compare_view = CompareView(self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Session views")
        self.tabs.addTab(self.inspector, "Inspector")
        self.tabs.addTab(self.compare_view, "Compare")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)  # the inspector's chart gets the height
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self._shared = False  # the list's first share of the height is given once, when shown
        self.table.setMinimumHeight(TABLE_MIN_HEIGHT)
        first = QHBoxLayout()
        first.addWidget(self.heading, 1)
        first.addWidget(self.progress)
        first.addWidget(self.cancel_button)
        query = self._query_row = QHBoxLayout()
        query.addWidget(self.picker, 3)
        query.addWidget(self.metadata, 2)
        query.addWidget(self.load_button)
        second = QHBoxLayout()
        second.addWidget(self.filter, 1)
        second.addWidget(self.where_button)
        second.addWidget(self.count, 1)
        for button in (self.inspect_button, self.compare_button, self.export_button):
            second.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(first)
        column.addLayout(query)
        column.addWidget(self.notice)
        column.addLayout(second)
        column.addWidget(self.column_filters)
        column.addWidget(splitter, 1)
        self._sync_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The first time it has a real height, the session list gets TABLE_SHARE of it (its
        size hint left it three rows at 1280x800); the inspector's minimum still wins."""
        super().resizeEvent(event)
        total = sum(self.splitter.sizes())
        if not self._shared and self.isVisible() and total > TABLE_MIN_HEIGHT:
            self._shared = True
            table = max(TABLE_MIN_HEIGHT, total * TABLE_SHARE // 100)
            self.splitter.setSizes([table, total - table])

    def _connect(self) -> None:
        self.table.source.counts_changed.connect(self._show_counts)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_table_current_row_changed)
        selection.selectionChanged.connect(self._sync_buttons)
        self.table.activated.connect(self._on_table_activated)
        self.filter.textChanged.connect(self.table.source.set_filter)
        self.column_filters.changed.connect(self.table.source.set_conditions)
        self.column_filters.changed.connect(self._on_column_filters_changed)
        self.metadata.returnPressed.connect(self.load)
        self.inspector.export_requested.connect(self.export_session)
        self.picker.period_changed.connect(self._save_state)
        self.metadata.textChanged.connect(self._save_state)
        self.filter.textChanged.connect(self._save_state)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._save_state)

    def table_values(self, column: int) -> list[str]:
        """A column's values among the sessions listed (the column filter offers them)."""
        self.table.source.flush()
        return self.table.source.column_values(column)

    # --- state between launches ------------------------------------------------------------

    def _restore_state(self, state: SessionsState) -> None:
        self._saved = state
        if state.period is not None:
            self.picker.set_period(state.period)
        if not self.media.live:  # a live stream has no metadata to filter on
            self.metadata.setText(state.metadata)
        self.filter.setText(state.text_filter)
        self.table.sortByColumn(state.sort_column, state.sort_order)

    def _save_state(self, *_args: object) -> None:
        if self.settings is None:
            return
        header = self.table.horizontalHeader()
        self._saved = SessionsState(
            self.picker.period(),
            self._saved.metadata if self.media.live else self.metadata.text(),
            self.filter.text(),
            self.table.source.sort_column,
            header.sortIndicatorOrder(),
        )
        write_state(self.settings, self._saved)

    # --- actions ---------------------------------------------------------------------------

    def load(self) -> None:
        try:
            metadata = self._metadata_pairs()
        except ValueError as error:
            self._show_notice(f"Metadata filter: {error}.")
            return
        self._show_notice("")
        self.listing = None
        self._pages = (0, 0)
        self.table.source.clear()
        self.runner.run(
            self.service.list_sessions, self.media, self.picker.period().wire, metadata,
            owner=self, slot="list", label=f"Listing the sessions of {self.media.title}",
            yielded=self._on_pages_listed, progressed=self._on_list_progressed,
            done=self._on_listed, failed=self._on_list_failed, cancelled=self._on_list_cancelled,
        )  # fmt: skip
        self.progress.setRange(0, 0)
        self.progress.show()
        self._sync_buttons()

    def _metadata_pairs(self) -> dict[str, str]:
        return {} if self.media.live else parse_metadata_pairs(self.metadata.text())

    def cancel(self) -> None:
        for slot in ("list", "export"):
            self.runner.cancel(self.runner.running(self, slot))

    def cancel_all(self) -> None:
        """Stop everything this tab asked for (it is closing)."""
        self._inspect_timer.stop()
        self.runner.cancel_owned(self)

    def inspect_current(self) -> None:
        self._inspect_timer.stop()
        row = self.table.currentIndex().row()
        if row < 0 or row >= self.table.source.rowCount():
            return
        record = self.table.source.record(row)
        self.inspector.show_message(f"Loading the events of {record.session_id}…")
        self.tabs.setCurrentWidget(self.inspector)
        self.runner.run(
            self.service.inspect, self.media_of(record), record.session, owner=self, slot="inspect",
            label=f"Loading the events of {record.session_id}",
            done=lambda inspection: self.inspector.show_inspection(inspection, self.zone),
            failed=lambda error: self.inspector.show_message(
                self._failure_text(error, "The events could not be loaded")
            ),
        )  # fmt: skip

    def media_of(self, _record: SessionRecord) -> Media:
        """The video or live stream a listed session belongs to."""
        return self.media

    def compare_selected(self) -> None:
        records = self.table.selected_records()
        if not 2 <= len(records) <= MAX_COMPARE:
            self.message_posted.emit(f"Select 2 to {MAX_COMPARE} sessions to compare.")
            return
        self.compare_view.show_message(f"Loading the events of {len(records)} sessions…")
        self.tabs.setCurrentWidget(self.compare_view)
        medias = {self.media_of(r) for r in records}
        if len(medias) > 1:
            self.message_posted.emit("Select sessions of one video to compare.")
            return
        sessions = [r.session for r in records]
        label = f"Comparing {len(records)} sessions"
        self.runner.run(
            self.service.compare, medias.pop(), sessions, owner=self, slot="compare", label=label,
            done=lambda comparison: self.compare_view.show_comparison(comparison, self.zone),
            failed=lambda error: self.compare_view.show_message(
                self._failure_text(error, "No comparison")
            ),
        )  # fmt: skip

    def ask_export_path(self, suggested: str) -> Path | None:
        """Where to export; tests replace this (the dialog is the only modal step)."""
        name, _ = QFileDialog.getSaveFileName(self, "Export to CSV", suggested, "CSV (*.csv)")
        return Path(name) if name else None

    def export_session(self) -> None:
        inspection = self.inspector.inspection
        if inspection is None:
            self.message_posted.emit("Nothing to export: inspect a session first.")
            return
        path = self.ask_export_path(
            export_folder.start_path(self.settings, f"session-{inspection.session_id}-events.csv")
        )
        export_folder.remember(self.settings, path)
        if path is not None:
            self.export_path = path
            label = f"Exporting to {path.name}"
            self._export(export_inspection, inspection, self.zone, path, label=label)

    def export_period(self) -> None:
        period = self.picker.period().wire
        listing = self.listing if self.listing is not None and not self.listing.partial else None
        if listing is not None:
            period = listing.period
        stem = f"sessions-{self.media.media_id}-{period.replace('/', '_')}"
        path = self.ask_export_path(export_folder.start_path(self.settings, f"{stem}.csv"))
        export_folder.remember(self.settings, path)
        if path is None:
            return
        try:
            metadata = dict(listing.metadata) if listing else self._metadata_pairs()
        except ValueError as error:
            self._show_notice(f"Metadata filter: {error}.")
            return
        self.export_path = path
        self._export(
            export_period,
            self.service,
            self.media,
            period,
            metadata,
            listing,
            self.zone,
            path,
            label=f"Exporting the period to {path.name}",
        )
        self.progress.setRange(0, 0)
        self.progress.show()

    def _export(self, fn: Callable[..., int], *args: Any, label: str) -> None:
        self.runner.run(
            fn, *args, owner=self, slot="export", label=label, progressed=self._show_progress,
            done=self._on_exported, failed=self._on_export_failed,
            cancelled=self._on_export_cancelled,
        )  # fmt: skip

    def set_zone(self, zone: str) -> None:
        if zone == self.zone:
            return
        self.zone = zone
        self.table.source.set_zone(zone)
        self.picker.set_zone(zone)
        self.inspector.set_zone(zone)
        if self.compare_view.comparison is not None:
            self.compare_view.show_comparison(self.compare_view.comparison, zone)

    # --- showing ---------------------------------------------------------------------------

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _show_counts(self, shown: int, held: int) -> None:
        text = f"Showing {shown:,} of {held:,} sessions"
        if self.busy("list"):
            done, total = self._pages
            text += f" · loading page {done:,} of {total:,}" if total else " · loading…"
        elif self.listing is not None and self.listing.total not in (None, held):
            text += f" · the API announced {self.listing.total:,}"
        self.count.setText(text)

    def _sync_buttons(self, *_args: object) -> None:
        self.cancel_button.setEnabled(self.busy("list", "export"))
        chosen = len(self.table.selectionModel().selectedRows())
        self.compare_button.setEnabled(2 <= chosen <= MAX_COMPARE)
        self.inspect_button.setEnabled(chosen >= 1)
        self.export_button.setEnabled(not self.busy("list"))

    def _failure_text(self, error: BaseException, what: str) -> str:
        gone = sessions_unavailable(error)
        return gone or f"{what}: {describe_error(error).message}"

    # --- what the tasks say ----------------------------------------------------------------

    def _on_pages_listed(self, pages: list[Any]) -> None:
        for page in pages:
            self.table.source.append(page)

    def _show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _on_list_progressed(self, done: int, total: int) -> None:
        self._show_progress(done, total)
        self._pages = (done, total)
        self._show_counts(self.table.source.shown, self.table.source.held)

    def _on_listed(self, result: SessionList) -> None:
        self.listing = result
        self.table.source.adopt_ranks(result.ranks)
        self._finish_busy()
        if result.partial:
            self._show_notice(f"Some sessions are missing: {result.error}. Load again.")
        elif result.stored_at is not None:
            age = describe_duration(max(datetime.now(UTC) - result.stored_at, timedelta(0)))
            self._show_notice(
                f"OFFLINE: the API cannot be reached; this is the list stored {age} ago."
            )
        elif not result.rows:
            self._show_notice(f"No session in {result.period}.")

    def _on_list_failed(self, error: BaseException) -> None:
        self._finish_busy()
        self._show_notice(self._failure_text(error, "The sessions could not be listed"))

    def _on_list_cancelled(self) -> None:
        self._finish_busy()
        self._show_notice("Loading was cancelled: the list is incomplete.")

    def _on_exported(self, events: int) -> None:
        self._finish_busy()
        self.message_posted.emit(f"Exported {events:,} events to {self.export_path}")

    def _on_export_failed(self, error: BaseException) -> None:
        self._finish_busy()
        text = self._failure_text(error, "Export failed")
        self._show_notice(text)
        self.message_posted.emit(text)

    def _on_export_cancelled(self) -> None:
        self._finish_busy()
        self.message_posted.emit("Export cancelled; no file was written.")

    def _finish_busy(self) -> None:
        if not self.busy("list", "export"):
            self.progress.hide()
        self._sync_buttons()
        self._show_counts(self.table.source.shown, self.table.source.held)

    # --- table slots -----------------------------------------------------------------------

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._inspect_timer.start()

    def _on_table_activated(self, _index: QModelIndex) -> None:
        self.inspect_current()
