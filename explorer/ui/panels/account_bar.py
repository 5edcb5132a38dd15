"""The toolbar's data-source switcher: the demo or a saved account, with its environment badge."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QToolBar, QWidget

from explorer.services.accounts import KINDS, Account

DEMO_CHOICE = ""  # the built-in sandbox: no account
DEMO_LABEL = "Demo project (built-in sandbox)"
TIP = Qt.ItemDataRole.ToolTipRole
BADGE_COLOURS = {  # background, text: the same in light and dark themes
    "DEMO": ("#5b6b7f", "#ffffff"),
    "LOCAL": ("#2e7d32", "#ffffff"),
    "SANDBOX": ("#ef6c00", "#ffffff"),
    "PRODUCTION": ("#c62828", "#ffffff"),
}


class AccountBar(QToolBar):
    workspace_chosen = Signal(str)  # DEMO_CHOICE or an account id
    manage_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data source", parent)
        self.setObjectName("account-bar")
        self.setMovable(False)
        self.addWidget(QLabel(" Data source: ", self))
        self.choice = QComboBox(self)
        self.choice.setAccessibleName("Data source")
        self.choice.setToolTip("Switch between the demo and your saved accounts")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.setMinimumWidth(240)
        self.addWidget(self.choice)
        self.badge = QLabel(self)
        self.badge.setAccessibleName("Environment")
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.addWidget(self.badge)
        self.manage = self.addAction("Accounts…")
        self.manage.setToolTip("Add, edit, test or remove accounts (Ctrl+Shift+A)")
        self.manage.triggered.connect(self.manage_requested)
        self._current = DEMO_CHOICE
        self.set_accounts([], DEMO_CHOICE)
        self.choice.activated.connect(self._on_choice_activated)

    def set_accounts(self, accounts: list[Account], current: str) -> None:
        """List the demo and `accounts`; `current` is what is open (or opening)."""
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem(DEMO_LABEL, DEMO_CHOICE)
        self.choice.setItemData(0, "Simulated data; needs no key and no network", TIP)
        for account in accounts:
            self.choice.addItem(f"{account.name} — {account.badge.lower()}", account.id)
            self.choice.setItemData(
                self.choice.count() - 1, f"{KINDS[account.kind]} at {account.url}", TIP
            )
        self.choice.blockSignals(False)
        self.show_current(current, self._badge_of(current, accounts))

    def show_current(self, choice: str, badge: str) -> None:
        """Select `choice` and show its badge (DEMO, LOCAL, SANDBOX or PRODUCTION)."""
        self._current = choice
        index = self.choice.findData(choice)
        self.choice.setCurrentIndex(max(0, index))
        background, text = BADGE_COLOURS.get(badge, BADGE_COLOURS["PRODUCTION"])
        self.badge.setText(f" {badge} ")
        self.badge.setStyleSheet(
            f"QLabel {{ background: {background}; color: {text}; border-radius: 3px;"
            " padding: 1px 6px; font-weight: bold; margin-left: 6px; }"
        )

    def name_demo(self, label: str) -> None:
        """Call the demo entry as the open demo calls itself: the built-in sandbox speaks
        api.video or VideoCloud, and the two must not read the same."""
        index = self.choice.findData(DEMO_CHOICE)
        if index >= 0 and label:
            self.choice.setItemText(index, label)

    @staticmethod
    def _badge_of(choice: str, accounts: list[Account]) -> str:
        account = next((a for a in accounts if a.id == choice), None)
        return account.badge if account is not None else "DEMO"

    def _on_choice_activated(self, index: int) -> None:
        choice = str(self.choice.itemData(index))
        if choice != self._current:
            self.workspace_chosen.emit(choice)
