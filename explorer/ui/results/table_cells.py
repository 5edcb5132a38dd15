"""A QTableWidget redrawn again and again (a fan-out filling in) sets only the cells that changed;
and such a table beside its chart gets the width of its columns (`fit_beside`).

A growing answer is drawn once per delivery: rebuilding every `QTableWidgetItem` each time
(a few microseconds each, 17,000 of them for a hundred 7-day hourly series) stalled the window
for hundreds of milliseconds per delivery. `TableCells` remembers what each cell shows (its
text, tooltip, alignment and colours) and creates an item only for a cell whose look changed;
the header and the size are set again only when they change, which empties the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSplitter, QTableWidget, QTableWidgetItem

FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

Look = tuple[str, str, bool, int | None, int | None]
"""(text, tooltip, right-aligned, background rgba or None, foreground rgba or None)."""


def make_item(text: str, tip: str = "", number: bool = False) -> QTableWidgetItem:
    """A read-only cell; ``number`` right-aligns it."""
    item = QTableWidgetItem(text)
    item.setFlags(FLAGS)
    if number:
        item.setTextAlignment(RIGHT)
    if tip:
        item.setToolTip(tip)
    return item


class TableCells:
    """The cells of ``table`` as last set; `put` sets a cell only when its look changed."""

    def __init__(self, table: QTableWidget) -> None:
        self.table = table
        self._header: tuple[str, ...] | None = None
        self._rows = -1
        self._looks: dict[tuple[int, int], Look] = {}
        self.changes = 0  # cells set so far: unchanged across a redraw, nothing to resize

    def shape(self, header: Sequence[str], rows: int) -> bool:
        """The table with ``header`` and ``rows`` rows; True when it was emptied to get it
        (every cell must be put again). A header of as many columns as before is relabelled
        in place, its cells kept."""
        table = self.table
        if self._header is not None and len(self._header) == len(header) and self._rows == rows:
            for column, (old, new) in enumerate(zip(self._header, header, strict=True)):
                if old != new:
                    table.setHorizontalHeaderItem(column, QTableWidgetItem(new))
            self._header = tuple(header)
            return False
        table.clear()
        table.setColumnCount(len(header))
        table.setRowCount(rows)
        table.setHorizontalHeaderLabels(list(header))
        self._header, self._rows = tuple(header), rows
        self._looks = {}
        self.changes += 1
        return True

    def forget(self) -> None:
        """Put every cell again at the next `shape` (after the table was changed elsewhere)."""
        self._header, self._rows, self._looks = None, -1, {}

    def put(
        self,
        row: int,
        column: int,
        text: str,
        tip: str = "",
        number: bool = False,
        background: QColor | None = None,
        foreground: QColor | None = None,
    ) -> bool:
        """Show ``text`` (and the rest) in the cell; True when it changed."""
        look = (
            text,
            tip,
            number,
            None if background is None else background.rgba(),
            None if foreground is None else foreground.rgba(),
        )
        if self._looks.get((row, column)) == look:
            return False
        item = make_item(text, tip, number)
        if background is not None:
            item.setBackground(background)
        if foreground is not None:
            item.setForeground(foreground)
        self.table.setItem(row, column, item)
        self._looks[(row, column)] = look
        self.changes += 1
        return True


def fit_beside(splitter: QSplitter, table: QTableWidget) -> None:
    """The table (the splitter's second part) as wide as its columns, up to half the width;
    the chart beside it takes the rest."""
    wanted = sum(table.columnWidth(c) for c in range(table.columnCount())) + 24
    total = splitter.width()
    if total > 0:
        width = min(wanted, total // 2)
        splitter.setSizes([total - width, width])
