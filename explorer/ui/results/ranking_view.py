"""What hurts most (explorer.services.ranking): the segments ranked by their impact, in words.

The ranking fills in as the sweep's breakdowns arrive (the first rows long before the end);
the note says how far the sweep is, what a segment needs to be listed, and which requests are
missing (their rows are left out, never counted as zero). Impacts are in each figure's own unit
(plays lost, completions lost, views lost, milliseconds of waiting), so the table ranks one
figure at a time, chosen above it; "every figure" lists them all by their raw impact, said to
mix units. Each row says its finding in words; a double-click (or Enter) opens the split that
shows it (`RankRequest.split_for`): the row's figure over each value of its breakdown, same
period and filters, in a new tab.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.impact import RANKED, ImpactRow, RankRequest
from explorer.services.ranking import Ranking
from explorer.ui.bridge.responsiveness import keep_gui_responsive
from explorer.ui.results.table_cells import TableCells
from explorer.ui.results.views import Shown

HEADER = ("rank", "finding", "breakdown", "segment", "impact")
EVERY = ""  # the chooser's value for every figure at once
WIDEST_FINDING = 520  # px: a longer sentence wraps
WIDEST_SEGMENT = 160  # px: a long referrer is elided (its tooltip and the finding say it)


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
        keep_gui_responsive()  # its parts are fetched by 8 workers while it redraws
        self.ranking: Ranking | None = None
        self.request: RankRequest | None = None  # what was asked
        self.titles: Mapping[str, str] = {}
        self.shown_rows: list[ImpactRow] = []  # the table's rows, in order
        self.figure = QComboBox(self)
        self.figure.setAccessibleName("Figure ranked")
        self.figure.setToolTip("Impacts are in each figure's own unit: rank one at a time")
        for metric in RANKED:
            self.figure.addItem(
                f"{metric.name} ({metric.impact_words} lost or gained)", metric.name
            )
        self.figure.addItem("every figure (units mixed)", EVERY)
        self.note = QLabel(self)
        self.note.setAccessibleName("Ranking note")
        self.note.setWordWrap(True)
        self.table = RankingTable(self)
        self.table.setAccessibleName("Ranking")
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self._cells = TableCells(self.table)  # a redraw sets only the cells that changed
        chooser = QHBoxLayout()
        label = QLabel("&Rank by", self)
        label.setBuddy(self.figure)
        chooser.addWidget(label)
        chooser.addWidget(self.figure)
        chooser.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(chooser)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.figure.currentIndexChanged.connect(self._fill)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_row(row))
        self.table.activated_row.connect(self.open_row)

    def show_answer(self, answer: Ranking, shown: Shown) -> None:
        self.ranking, self.titles = answer, shown.titles
        if isinstance(shown.question, RankRequest):
            self.request = shown.question
        self._fill()

    def rows_in_words(self) -> list[str]:
        """The findings as the table lists them."""
        if self.ranking is None:
            return []
        return [row.sentence(self.ranking.period, self.titles) for row in self.shown_rows]

    def open_row(self, row: int) -> None:
        """Ask for the split that shows the table's row ``row``."""
        if self.request is None or not 0 <= row < len(self.shown_rows):
            return
        self.question_requested.emit(self.request.split_for(self.shown_rows[row]))

    def _fill(self) -> None:
        ranking = self.ranking
        if ranking is None:
            return
        chosen = self.figure.currentData()
        self.shown_rows = [r for r in ranking.rows if chosen in (EVERY, r.metric)]
        note = [f"Ranked by impact over {ranking.period}: what each segment costs the whole."]
        if chosen == EVERY:
            note.append("Impacts of different figures are in different units.")
        if not ranking.finished:
            note.append(
                f"Sweeping: {ranking.parts_done} of {ranking.parts_total} requests answered."
            )
        note.append(ranking.min_volume_note[0].upper() + ranking.min_volume_note[1:] + ".")
        if ranking.missing:
            note.append(
                f"PARTIAL: {len(ranking.missing)} requests missing, their rows left out: "
                + "; ".join(ranking.missing)
            )
        if self.shown_rows:
            note.append("Double-click a row (or press Enter) to open the split that shows it.")
        elif ranking.finished:
            note.append("No segment of this figure has the volume to be listed.")
        self.note.setText(" ".join(note))
        table = self.table
        changes = self._cells.changes
        self._cells.shape(HEADER, len(self.shown_rows))
        for r, (row, sentence) in enumerate(
            zip(self.shown_rows, self.rows_in_words(), strict=True)
        ):
            unit = "ms" if row.ranked.is_average else row.ranked.impact_words
            impact = round(row.impact) or 0  # never "-0"
            cells = (str(r + 1), sentence, row.breakdown, row.segment or "(empty)",
                     f"{impact:,} {unit}")  # fmt: skip
            for c, text in enumerate(cells):
                self._cells.put(r, c, text, tip=text if c == 3 else "", number=c in (0, 4))
        if self._cells.changes == changes:
            return  # the same rows as drawn: nothing to measure again
        table.resizeColumnsToContents()
        table.setColumnWidth(1, min(table.columnWidth(1), WIDEST_FINDING))
        table.setColumnWidth(3, min(table.columnWidth(3), WIDEST_SEGMENT))
        table.resizeRowsToContents()
