"""The Alerts log: each rule's outcome per round, newest first, each opening the query that
shows it; and the desktop notification of a rule that starts firing (system tray, if any)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.alerts import Outcome
from explorer.ui.common.app_icon import app_icon
from explorer.ui.common.formatting import format_moment

MAX_ENTRIES = 1000  # the oldest go first
STATES = {"fired": "Fired", "quiet": "OK", "skipped": "Skipped", "failed": "Not checked"}
NO_TRAY = "No system tray here: alerts show in this log only."
OUTCOME = Qt.ItemDataRole.UserRole


class AlertLog(QWidget):
    """The log; double-click or Enter on an entry asks for its query (``query_requested``)."""

    query_requested = Signal(object, str)  # the Query, a title for its tab
    open_rules_requested = Signal()
    check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Alerts")
        self.zone = "UTC"
        self.status = QLabel("No rules file yet: Alerts ▸ Open rules file… (see the README)", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Alerts status")
        self.tray_note = QLabel("", self)
        self.tray_note.setAccessibleName("Notifications")
        self.entries = QTreeWidget(self)
        self.entries.setAccessibleName("Alert log")
        self.entries.setHeaderLabels(["Checked", "Rule", "State", "What"])
        self.entries.setRootIsDecorated(False)
        self.entries.setUniformRowHeights(True)
        self.entries.setToolTip("Double-click or Enter: open the query that shows it")
        self.entries.itemActivated.connect(self._on_entries_item_activated)
        self.open_button = QPushButton("Open rules file…", self)
        self.open_button.setAccessibleName("Open rules file")
        self.open_button.clicked.connect(self.open_rules_requested)
        self.check_button = QPushButton("Check now", self)
        self.check_button.setAccessibleName("Check alerts now")
        self.check_button.clicked.connect(self.check_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.check_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(buttons)
        column.addWidget(self.tray_note)
        column.addWidget(self.entries, 1)

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def add_round(self, outcomes: list[Outcome]) -> None:
        """One entry per outcome, the round on top, in the rules' order."""
        for outcome in reversed(outcomes):
            self._add(outcome)
        while self.entries.topLevelItemCount() > MAX_ENTRIES:
            self.entries.takeTopLevelItem(self.entries.topLevelItemCount() - 1)

    def add_problem(self, when: str, text: str) -> None:
        item = QTreeWidgetItem([when, "", "Not checked", text])
        item.setToolTip(3, text)
        self.entries.insertTopLevelItem(0, item)

    def _add(self, outcome: Outcome) -> None:
        item = QTreeWidgetItem(
            [
                format_moment(outcome.at, self.zone),
                outcome.rule.name,
                STATES[outcome.state],
                outcome.text,
            ]
        )
        item.setData(0, OUTCOME, outcome)
        item.setToolTip(3, outcome.text)
        if outcome.fired:
            for column in range(4):
                item.setForeground(column, QBrush(QColor("#c62828")))
        self.entries.insertTopLevelItem(0, item)

    def outcome_at(self, row: int) -> Outcome | None:
        item = self.entries.topLevelItem(row)
        value = item.data(0, OUTCOME) if item is not None else None
        return value if isinstance(value, Outcome) else None

    def open_row(self, row: int) -> bool:
        """Ask for the query of the entry at ``row``; False when it has none."""
        outcome = self.outcome_at(row)
        if outcome is None or outcome.query is None:
            return False
        self.query_requested.emit(outcome.query, f"Alert: {outcome.rule.name}")
        return True

    def _on_entries_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.open_row(self.entries.indexOfTopLevelItem(item))


class AlertNotifier(QObject):
    """Desktop notifications through the system tray; where there is none, the log says so.
    Clicking a notification asks for the query of the alert it told."""

    query_requested = Signal(object, str)

    def __init__(self, log: AlertLog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray: QSystemTrayIcon | None = None
        self.last: Outcome | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("Analytics Explorer: alerts")
            self.tray.messageClicked.connect(self._on_tray_message_clicked)
            log.tray_note.setText("A rule that starts firing is also told in the system tray.")
        else:
            log.tray_note.setText(NO_TRAY)

    def notify(self, fired: list[Outcome]) -> None:
        """Tell the rules that started firing (one notification, the first one's query)."""
        if not fired or self.tray is None:
            return
        self.last = fired[0]
        title = f"Alert: {fired[0].rule.name}" + (
            f" (and {len(fired) - 1} more)" if len(fired) > 1 else ""
        )
        self.tray.show()
        self.tray.showMessage(title, fired[0].text, QSystemTrayIcon.MessageIcon.Warning, 15_000)

    def _on_tray_message_clicked(self) -> None:
        if self.last is not None and self.last.query is not None:
            self.query_requested.emit(self.last.query, f"Alert: {self.last.rule.name}")
