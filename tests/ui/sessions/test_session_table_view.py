"""The session table view: rows appended out of sight repaint nothing; anything else repaints."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from explorer.services.session_pages import RowCoder
from explorer.ui.sessions.session_table import DURATION, SessionTableView
from tests.support.sessions import made_up


class PaintCounter(QObject):
    """Counts the paint events of the widget it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


class Table:
    """A shown SessionTableView, rows fed as the pages of one list, paints counted."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.view = SessionTableView()
        qtbot.addWidget(self.view)
        self.view.resize(700, 300)  # about a dozen rows in sight
        self.view.show()
        qtbot.waitExposed(self.view)
        self.coder = RowCoder()
        self.fed = 0
        self.counter = PaintCounter()
        self.view.viewport().installEventFilter(self.counter)

    def feed(self, count: int) -> None:
        records = [made_up(n) for n in range(self.fed, self.fed + count)]
        self.fed += count
        self.view.source.append(self.coder.page(records))
        self.view.source.flush()

    def paints_after(self, action: Any) -> int:
        self.settle()  # whatever is due from before
        self.counter.paints = 0
        action()
        self.settle()
        return self.counter.paints

    def settle(self) -> None:
        """Run the view's delayed layout now, then deliver the repaints it asked for: what
        would have been painted has been, however slow the machine (no timed wait)."""
        self.view.executeDelayedItemsLayout()
        QApplication.processEvents()


@pytest.fixture
def table(qtbot: Any) -> Table:
    return Table(qtbot)


def test_rows_appended_below_a_full_view_only_lengthen_the_scroll_bar(table: Table) -> None:
    table.feed(200)
    bar = table.view.verticalScrollBar()
    before = bar.maximum()
    assert table.paints_after(lambda: table.feed(100)) == 0
    assert bar.maximum() > before and table.view.source.rowCount() == 300


def test_rows_appended_in_sight_are_painted(table: Table) -> None:
    table.feed(3)  # the view is far from full
    assert table.paints_after(lambda: table.feed(3)) > 0


def test_rows_sorted_in_are_painted(table: Table) -> None:
    table.feed(200)
    table.view.sortByColumn(DURATION, Qt.SortOrder.DescendingOrder)
    assert table.paints_after(lambda: table.feed(100)) > 0  # a new row may sort to the top


def test_a_cleared_table_is_painted(table: Table) -> None:
    table.feed(200)
    assert table.paints_after(table.view.source.clear) > 0
