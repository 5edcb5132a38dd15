"""What every query builder has: labelled fields, a problems line, Run / Cancel / Copy as curl."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget


def buddy_label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    """A label whose mnemonic (``&Metric``) focuses ``buddy``."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def add_pair(grid: QGridLayout, row: int, column: int, text: str, widget: QWidget) -> None:
    """``text`` right-aligned in ``column``, ``widget`` beside it."""
    label = buddy_label(text, widget, widget.parentWidget() or widget)
    grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignRight)
    grid.addWidget(widget, row, column + 1)


@dataclass
class BuilderActions:
    """The problems line and the three buttons; ``buttons`` lays the buttons out in a row."""

    problems_label: QLabel
    run_button: QPushButton
    cancel_button: QPushButton
    curl_button: QPushButton
    buttons: QHBoxLayout

    @classmethod
    def make(cls, parent: QWidget, noun: str, curl_tip: str) -> BuilderActions:
        """``noun`` names what runs ("query", "report") in accessible names and tooltips."""
        problems = QLabel(parent)
        problems.setAccessibleName(f"Problems with this {noun}")
        problems.setWordWrap(True)
        problems.setTextFormat(Qt.TextFormat.PlainText)
        run = QPushButton("Run", parent)
        run.setAccessibleName(f"Run {noun}")
        run.setToolTip(f"Run the {noun} (Ctrl+Enter)")
        run.setDefault(True)
        cancel = QPushButton("Cancel", parent)
        cancel.setAccessibleName(f"Cancel {noun}")
        cancel.setToolTip(f"Stop the running {noun} (Esc)")
        cancel.setEnabled(False)
        curl = QPushButton("Copy as curl", parent)
        curl.setAccessibleName("Copy as curl")
        curl.setToolTip(curl_tip)
        buttons = QHBoxLayout()
        for button in (run, cancel, curl):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return cls(problems, run, cancel, curl, buttons)
