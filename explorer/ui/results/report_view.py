"""A `Report` on screen: one titled block per section, drawn by its shape, in a scroll area.

Figures read as cards, breakdowns as bars, timelines as lines over dates in the chosen zone,
matrices (retention cohorts) as a heat map; every chart has a table of the same numbers
beside it. A chart block takes 20-80 ms to make (pyqtgraph's plot and items), so blocks are
drawn in turns of about `TURN_BUDGET_S` each, the first before `show_report` returns and the
rest on the following turns of the event loop: a large report never holds the UI for long
(`pending` counts what is still to come).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from explorer.domain.report import Report, Section, Shape
from explorer.ui.results.figure_cards import FigureCards
from explorer.ui.results.heat_map import HeatMapView
from explorer.ui.results.views import Shown

TURN_BUDGET_S = 0.04  # blocks are drawn until this is spent (one at least), then the UI runs
ROW_CARDS = 6  # consecutive figures sections share a row up to this many cards
HEAT_ROWS = 20  # cohorts shown before the heat map scrolls
HEAT_NOTE = "Shade: the share of each cohort still active, darker is more; size is a count."


class SectionBlock(QFrame):
    """One section: its title, then its content once `build` has run."""

    def __init__(self, section: Section, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.zone = zone
        self.content: QWidget | None = None
        self.title = QLabel(section.title, self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAccessibleName("Section title")
        self.placeholder = QLabel("Drawing…", self)
        self.placeholder.setMinimumHeight(80)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 8, 0, 8)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.placeholder)

    @property
    def shape(self) -> Shape:
        return self.section.shape

    def build(self) -> QWidget:
        """Draw the content (once)."""
        if self.content is None:
            self.content = self._content()
            self._layout.replaceWidget(self.placeholder, self.content)
            self.placeholder.hide()
            self.placeholder.deleteLater()
        return self.content

    def _content(self) -> QWidget:
        section, zone = self.section, self.zone
        if section.shape is Shape.FIGURES:
            return FigureCards(section, zone, self)
        if section.shape is Shape.MATRIX:
            return HeatBlock(section, zone, self)
        from explorer.ui.results.report_charts import (  # with pyqtgraph
            BreakdownBlock,
            TimelineBlock,
        )

        if section.shape is Shape.BREAKDOWN:
            return BreakdownBlock(section, zone, self)
        return TimelineBlock(section, zone, self)


def _card_width(section: Section) -> int:
    """How many ordinary cards the section's cards are as wide as (a date is two)."""
    dated = any(e.date is not None for e in section.entries)
    return len(section.names()) * (2 if dated else 1)


class HeatBlock(QWidget):
    """A matrix section: its heat map (``heat_map``) and the note on how to read it."""

    def __init__(self, section: Section, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heat_map = HeatMapView(f"{section.title} heat map", self)
        self.heat_map.set_section(section, zone)
        self.heat_map.fit_rows(self.heat_map.proxy.rowCount(), HEAT_ROWS)
        self.heat_map.fit_width()
        note = QLabel(HEAT_NOTE, self)
        note.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heat_map)
        column.addWidget(note)


class ReportView(QWidget):
    """``show_report(report, zone)``; ``blocks_built`` once every block is drawn."""

    blocks_built = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self.zone = "UTC"
        self.blocks: list[SectionBlock] = []
        self._queue: list[SectionBlock] = []
        self.heading = QLabel(self)
        self.heading.setAccessibleName("Report title")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.note = QLabel(self)
        self.note.setAccessibleName("Report note")
        self.note.setWordWrap(True)
        self.note.hide()
        self.body = QWidget()
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(8, 4, 8, 8)
        self.column.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setAccessibleName("Report")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.heading, self.note):
            label.setContentsMargins(8, 4, 8, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.scroll, 1)

    def show_report(self, report: Report, zone: str) -> None:
        self._clear()
        self.report, self.zone = report, zone
        self.heading.setText(report.title)
        notes = []
        if report.partial:
            notes.append(f"Partial: {report.error or 'some parts did not come back'}.")
        elif report.error:
            notes.append(report.error)
        sections = report.sections()
        if not sections:
            notes.append("The server returned no figures for this question.")
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        row: QHBoxLayout | None = None
        cards = 0
        for section in sections:
            block = SectionBlock(section, zone, self.body)
            self.blocks.append(block)
            if section.shape is not Shape.FIGURES:
                row = None
                self.column.insertWidget(self.column.count() - 1, block)
                continue
            count = _card_width(section)
            if row is None or cards + count > ROW_CARDS:  # figures side by side while they fit
                holder = QWidget(self.body)
                row, cards = QHBoxLayout(holder), 0
                row.setContentsMargins(0, 0, 0, 0)
                row.setSpacing(24)
                row.addStretch(1)
                self.column.insertWidget(self.column.count() - 1, holder)
            row.insertWidget(row.count() - 1, block)
            cards += count
        self._queue = list(self.blocks)
        self._on_timer_timeout()

    def show_answer(self, answer: Report, shown: Shown) -> None:
        self.set_result(answer, shown.zone)

    def set_result(self, report: Report, zone: str) -> None:
        """What `ResultPage` calls on every view."""
        self.show_report(report, zone)

    @property
    def pending(self) -> int:
        """Blocks not drawn yet."""
        return len(self._queue)

    def finish(self) -> None:
        """Draw every block still to come, now."""
        self._timer.stop()
        if self._queue:
            while self._queue:
                self._queue.pop(0).build()
            self.blocks_built.emit()

    def block(self, name: str) -> SectionBlock:
        """The block of section ``name``, drawn."""
        found = next(b for b in self.blocks if b.section.name == name)
        if found in self._queue:
            self._queue.remove(found)
        found.build()
        return found

    def _on_timer_timeout(self) -> None:
        """Draw blocks for one turn's budget; come back on the next turn for the rest."""
        started = time.perf_counter()
        while self._queue:
            self._queue.pop(0).build()
            if time.perf_counter() - started > TURN_BUDGET_S:
                break
        if self._queue:
            self._timer.start()
        else:
            self.blocks_built.emit()

    def _clear(self) -> None:
        self._timer.stop()
        self._queue = []
        while self.column.count() > 1:  # the blocks and rows of figures; the stretch stays
            widget = self.column.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.blocks = []
        self.scroll.verticalScrollBar().setValue(0)
