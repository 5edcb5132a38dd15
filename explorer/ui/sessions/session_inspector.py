"""The session inspector: the timeline chart and the event table kept in step, beside the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.services.sessions import Inspection
from explorer.ui.sessions.event_table import EventTableView
from explorer.ui.sessions.session_details import SessionDetails
from explorer.ui.sessions.timeline_chart import TimelineChart

PLACEHOLDER = "Select a session above to inspect its events (double-click or Enter)."


def inspection_title(inspection: Inspection) -> str:
    item = inspection.session
    parts = [f"Session {inspection.session_id}", f"{len(inspection.events)} events"]
    where = item.location.country or ""
    client = " ".join(p for p in (item.client.name, item.client.version) if p)
    return " · ".join(p for p in (*parts, where, client) if p)


CHART_MIN_HEIGHT = 262  # lane, playhead plot and legend stay readable at 1024x700
EVENTS_MIN_HEIGHT = 72  # the header and two rows


class SessionInspector(QWidget):
    """``export_requested``: the person asked for this session's events as CSV."""

    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inspection: Inspection | None = None
        self._zone = "UTC"
        self.stack = QStackedWidget(self)
        self.placeholder = QLabel(PLACEHOLDER, self)
        self.placeholder.setAccessibleName("Inspector status")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._body())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.chart.event_clicked.connect(self._on_chart_event_clicked)
        self.events.event_selected.connect(self._on_events_event_selected)

    def _body(self) -> QWidget:
        body = QWidget(self)
        self.title = QLabel(body)
        self.title.setAccessibleName("Inspected session")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("Export events…", body)
        self.export_button.setAccessibleName("Export this session's events to CSV")
        self.export_button.setToolTip("This session's events, one row per event, as CSV")
        self.export_button.clicked.connect(self.export_requested)
        self.chart = TimelineChart(body)
        self.events = EventTableView(body)
        self.details = SessionDetails(body)
        scroll = QScrollArea(body)
        scroll.setAccessibleName("Session details")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        scroll.setMinimumWidth(300)
        left = QSplitter(Qt.Orientation.Vertical, body)
        left.addWidget(self.chart)
        left.addWidget(self.events)
        left.setStretchFactor(0, 4)
        left.setStretchFactor(1, 1)
        left.setChildrenCollapsible(False)
        self.chart.setMinimumHeight(CHART_MIN_HEIGHT)  # never a sliver
        self.events.setMinimumHeight(EVENTS_MIN_HEIGHT)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, body)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.export_button)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.splitter, 1)
        return body

    def show_message(self, text: str) -> None:
        """Words instead of a session (loading, failed, nothing chosen)."""
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def show_inspection(self, inspection: Inspection, zone: str) -> None:
        self.inspection, self._zone = inspection, zone
        self.title.setText(inspection_title(inspection))
        self.chart.set_timeline(inspection.timeline, zone)
        self.events.set_events(inspection.events, inspection.timeline, zone)
        self.details.show_inspection(inspection, zone)
        self.export_button.setEnabled(inspection.error is None)
        self.stack.setCurrentIndex(1)

    def set_zone(self, zone: str) -> None:
        if self.inspection is not None and zone != self._zone:
            selected = self.chart.selected
            self.show_inspection(self.inspection, zone)
            if selected is not None:
                self.select_event(selected)

    def select_event(self, index: int) -> None:
        """Select one event on both sides."""
        self.chart.select_event(index)
        self.events.select_event(index)

    def _on_chart_event_clicked(self, index: int) -> None:
        self.events.select_event(index)

    def _on_events_event_selected(self, index: int) -> None:
        self.chart.select_event(index)
