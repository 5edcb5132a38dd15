"""An aggregate result: one big number with its unit and the resolved timeframe, and its table."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from explorer.domain.catalogue import AGGREGATIONS
from explorer.domain.frames import ScalarResult
from explorer.domain.query import Query
from explorer.domain.splits import SplitQuestion
from explorer.ui.common.formatting import format_number, format_timeframe, is_averaged
from explorer.ui.results.result_table import ResultTableView
from explorer.ui.results.views import Shown


class ScalarView(QWidget):
    """One number; ``question_requested``: the same question split by country (for a map)."""

    question_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.split = QPushButton("Split by country…", self)
        self.split.setAccessibleName("Split by country")
        self.split.setToolTip(
            "Ask this figure once per country seen in the same window (a request per country; "
            "the cost is said first), in a new tab that shows it on a world map"
        )
        self.question: Query | None = None  # the question this number answers
        self.split.clicked.connect(self._on_split_clicked)
        self.number = QLabel(self)
        self.number.setAccessibleName("Value")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 3.2)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel(self)
        self.caption.setAccessibleName("Unit")
        self.what = QLabel(self)
        self.what.setAccessibleName("What was measured")
        self.what.setWordWrap(True)
        self.timeframe = QLabel(self)
        self.timeframe.setAccessibleName("Timeframe")
        self.table = ResultTableView("Result table", self)
        self.table.setMaximumHeight(90)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (self.number, self.caption, self.what, self.timeframe):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.split)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        layout.addWidget(self.table)

    def show_answer(self, answer: ScalarResult, shown: Shown) -> None:
        self.question = shown.question if isinstance(shown.question, Query) else None
        self.set_result(answer, shown.zone)

    def set_result(self, result: ScalarResult, zone: str) -> None:
        context = result.context
        big, caption = format_number(result.value, context.unit, averaged=is_averaged(context))
        self.number.setText(big)
        self.caption.setText(caption)
        aggregation = AGGREGATIONS.get(context.aggregation or "")
        what = f"{context.metric} · {context.aggregation or ''}"
        if aggregation is not None:
            meaning = aggregation.description
            if context.unique and context.aggregation == "count":
                meaning = "number of unique viewers"  # not of events: the unit says viewers
            what += f" — {meaning}"
        self.what.setText(what)
        self.timeframe.setText(format_timeframe(context, zone))
        self.table.set_result(result, zone)
        self.split.setVisible(
            self.question is not None and context.aggregation not in ("total", "live")
        )

    def _on_split_clicked(self) -> None:
        if self.question is not None:
            self.question_requested.emit(SplitQuestion(self.question, "country"))
