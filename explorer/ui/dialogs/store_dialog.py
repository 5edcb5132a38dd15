"""The "Local store" dialog: where the store is, how big, each account's share, and clearing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.cancel import CancelToken
from explorer.services.errors import describe_error
from explorer.services.store_admin import StoreAdmin, StoreSummary
from explorer.ui.bridge.tasks import TaskRunner


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


class StoreDialog(QDialog):
    def __init__(
        self,
        admin: StoreAdmin,
        names: dict[str, str],
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.admin, self.names, self.runner = admin, names, runner
        self.summary: StoreSummary | None = None
        self.setWindowTitle("Local store")
        self.setObjectName("store-dialog")
        self.resize(560, 320)
        self.where = QLabel("Reading the store…", self)
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Store location and size")
        self.table = QTableWidget(0, 2, self)
        self.table.setAccessibleName("Stored data per account")
        self.table.setHorizontalHeaderLabels(["Account", "Size"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.clear_button = QPushButton("&Clear the selected account's data", self)
        self.clear_button.setToolTip("Stored assets, results, history, sessions and events")
        self.clear_button.setEnabled(False)
        self.status = QLabel(self)
        self.status.setAccessibleName("Store status")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.where, self.table, self.clear_button, self.status, buttons):
            layout.addWidget(widget)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.clear_button.clicked.connect(self.clear_selected)
        admin, names = self.admin, self.names  # workers are handed services, never this dialog
        self._ask(lambda cancel, progress: admin.summary(names), "Measuring the local store")

    def clear_selected(self) -> None:
        row = self.table.currentRow()
        if self.summary is None or not 0 <= row < len(self.summary.accounts):
            return
        account = self.summary.accounts[row]
        admin, names = self.admin, self.names
        self._ask(
            lambda cancel, progress: admin.clear(account.scope, names),
            f"Clearing what is stored for {account.name}",
        )
        self.status.setText(f"Clearing {account.name}…")

    def _show(self, summary: StoreSummary) -> None:
        self.summary = summary
        self.where.setText(f"{summary.path}\n{format_size(summary.size_bytes)} on disk")
        self.table.setRowCount(len(summary.accounts))
        for row, account in enumerate(summary.accounts):
            self.table.setItem(row, 0, QTableWidgetItem(account.name))
            self.table.setItem(row, 1, QTableWidgetItem(format_size(account.size_bytes)))
        self.clear_button.setEnabled(False)

    def _on_table_item_selection_changed(self) -> None:
        self.clear_button.setEnabled(bool(self.table.selectedItems()))

    def _ask(self, fn: Callable[[CancelToken, Any], StoreSummary], label: str) -> None:
        self.runner.run(
            fn,
            owner=self,
            slot="summary",
            label=label,
            done=self._on_summary,
            failed=self._on_failed,
        )

    def _on_summary(self, summary: StoreSummary) -> None:
        cleared = self.status.text().startswith("Clearing")
        self._show(summary)
        self.status.setText("Cleared." if cleared else "")

    def _on_failed(self, error: BaseException) -> None:
        report = describe_error(error)
        self.status.setText(f"{report.headline}: {report.message}")
