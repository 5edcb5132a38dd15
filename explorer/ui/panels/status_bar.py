"""The status bar: what is in flight, the rate-limit budget, when data was fetched, the badge."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from explorer.services.source import RateBudget
from explorer.ui.bridge.tasks import Task
from explorer.ui.common.formatting import format_moment

BADGE_TIPS = {
    "DEMO": "Simulated data from the built-in sandbox, not your project's",
    "LOCAL": "A sandbox service on this machine",
    "SANDBOX": "The API's sandbox environment: test data",
    "PRODUCTION": "The API's production environment: your real data",
}


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Status bar")
        self.activity = QLabel(self)
        self.activity.setAccessibleName("In flight")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.budget = QLabel(self)
        self.budget.setAccessibleName("Rate-limit budget")
        self.budget.setToolTip("Requests left in the API's current rate-limit window")
        self.fetched = QLabel(self)
        self.fetched.setAccessibleName("Data fetched at")
        self.badge = QLabel(self)
        self.badge.setAccessibleName("Data source")
        self.badge.setStyleSheet(
            "QLabel { border: 1px solid palette(highlight); border-radius: 3px;"
            " padding: 0 6px; font-weight: bold; }"
        )
        self.offline = QLabel("OFFLINE", self)
        self.offline.setAccessibleName("Offline")
        self.offline.setToolTip(
            "The API cannot be reached: showing what the local store kept, with its age"
        )
        self.offline.setStyleSheet(
            "QLabel { background: #5b6b7f; color: white; border-radius: 3px;"
            " padding: 0 6px; font-weight: bold; }"
        )
        self.addWidget(self.activity)
        self.addWidget(self.progress)
        for widget in (self.budget, self.fetched, self.offline, self.badge):
            self.addPermanentWidget(widget)
        self.show_activity([])
        self.badge.hide()
        self.offline.hide()

    def show_activity(self, tasks: list[Task]) -> None:
        if not tasks:
            self.activity.clear()
            self.progress.hide()
            return
        first = tasks[0]
        text = first.label + (f" (+{len(tasks) - 1} more)" if len(tasks) > 1 else "")
        if first.progress is not None and first.progress[1] > 0:
            done, total = first.progress
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            text += f" — {done}/{total}"
        else:
            self.progress.setRange(0, 0)  # busy
        self.activity.setText(text)
        self.progress.show()

    def show_budget(self, budget: RateBudget) -> None:
        if budget.remaining is None:
            self.budget.setText("Rate budget: —")
        elif budget.limit is not None:
            self.budget.setText(f"Rate budget: {budget.remaining}/{budget.limit}")
        else:
            self.budget.setText(f"Rate budget: {budget.remaining} left")

    def show_fetched(self, moment: datetime | None, zone: str) -> None:
        if moment is None:
            self.fetched.clear()
        else:
            self.fetched.setText(f"Fetched {format_moment(moment, zone, '%Y-%m-%d %H:%M:%S')}")

    def show_offline(self, offline: bool) -> None:
        """OFFLINE beside the badge while what is shown is the store's copy."""
        self.offline.setVisible(offline)

    def show_badge(self, kind: str, label: str) -> None:
        self.badge.setText(kind)
        self.badge.setToolTip(f"{label}: {BADGE_TIPS.get(kind, kind)}")
        self.badge.show()
