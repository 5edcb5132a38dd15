"""An error in words (the exception's sentence), with its details one click away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from explorer.services.errors import ErrorReport, describe_error


class ErrorPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel(self)
        self.headline.setAccessibleName("Error")
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.headline.setFont(font)
        self.message = QLabel(self)
        self.message.setAccessibleName("Error message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.toggle = QPushButton("Show details", self)
        self.toggle.setAccessibleName("Show error details")
        self.toggle.setCheckable(True)
        self.details = QPlainTextEdit(self)
        self.details.setAccessibleName("Error details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.details.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addWidget(self.message)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        layout.addStretch(2)
        self.toggle.toggled.connect(self._on_toggle_toggled)

    def show_error(self, error: BaseException, context: str = "") -> ErrorReport:
        report = describe_error(error)
        self.show_report(report, context)
        return report

    def show_report(self, report: ErrorReport, context: str = "") -> None:
        self.headline.setText(report.headline)
        self.message.setText(f"{context}{report.message}")
        self.details.setPlainText(report.details)
        self.toggle.setChecked(False)

    def _on_toggle_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle.setText("Hide details" if shown else "Show details")
