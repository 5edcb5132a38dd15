"""What hurts most (explorer.services.ranking): the segments ranked by their impact, in words.

The ranking fills in as the sweep's breakdowns arrive (the first rows long before the end);
the note says how far the sweep is, what a segment needs to be listed, and which requests are
missing (their rows are left out, never counted as zero). Each row says its finding in words;
a double-click (or Enter) opens the split that shows it: the row's metric split by its
breakdown, over the same period and filters, in a new tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from explorer.domain.catalogue import Endpoint
from explorer.domain.impact import ImpactRow
from explorer.domain.query import Query
from explorer.domain.splits import SplitQuestion
from explorer.services.ranking import Ranking, RankRequest
from explorer.ui.results.views import Shown

HEADER = ("rank", "finding", "metric", "breakdown", "segment", "impact")


def split_of(row: ImpactRow, request: RankRequest) -> SplitQuestion:
    """The split that shows ``row``: its figure over each value of its breakdown."""
    metric, aggregation = row.ranked.view_metric
    base = Query(
        endpoint=Endpoint.METRICS, metric=metric, aggregation=aggregation,
        start=request.start, end=request.end, filters=dict(request.filters),
    )  # fmt: skip
    return SplitQuestion(base, row.breakdown)


class RankingTable(QTableWidget):
    """The rows; Enter opens the current row's split like a double-click."""

    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.activated_row.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class RankingView(QWidget):
    """Shows a `Ranking`; ``question_requested`` carries the split a row asks to open."""

    question_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ranking: Ranking | None = None
        self.request: RankRequest | None = None  # what was asked
        self.note = QLabel(self)
        self.note.setAccessibleName("Ranking note")
        self.note.setWordWrap(True)
        self.table = RankingTable(self)
        self.table.setAccessibleName("Ranking")
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_row(row))
        self.table.activated_row.connect(self.open_row)

    def show_answer(self, answer: Ranking, shown: Shown) -> None:
        self.ranking = answer
        if isinstance(shown.question, RankRequest):
            self.request = shown.question
        note = [f"Ranked by impact over {answer.period}: what each segment costs the whole."]
        if not answer.finished:
            note.append(f"Sweeping: {answer.parts_done} of {answer.parts_total} requests answered.")
        note.append(answer.min_volume_note[0].upper() + answer.min_volume_note[1:] + ".")
        if answer.missing:
            note.append(
                f"PARTIAL: {len(answer.missing)} requests missing, their rows left out: "
                + "; ".join(answer.missing)
            )
        note.append("Double-click a row (or press Enter) to open the split that shows it.")
        self.note.setText(" ".join(note))
        table = self.table
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(HEADER))
        table.setRowCount(len(answer.rows))
        table.setHorizontalHeaderLabels(list(HEADER))
        for r, (row, sentence) in enumerate(zip(answer.rows, answer.sentences(), strict=True)):
            cells = (str(r + 1), sentence, row.metric, row.breakdown, row.segment or "(empty)",
                     f"{row.impact:,.0f}")  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                if c in (0, 5):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.setColumnWidth(1, min(table.columnWidth(1), 560))
        table.resizeRowsToContents()

    def rows_in_words(self) -> list[str]:
        return [] if self.ranking is None else self.ranking.sentences()

    def open_row(self, row: int) -> None:
        """Ask for the split that shows row ``row`` (in the order shown)."""
        if self.ranking is None or self.request is None or not 0 <= row < len(self.ranking.rows):
            return
        self.question_requested.emit(split_of(self.ranking.rows[row], self.request))
