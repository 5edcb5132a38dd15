"""The main window never opens larger than its screen (issue 15.13): a first launch takes the
preferred size where it fits, else the screen's available area; a restored geometry wins, and
one saved on a larger screen is fitted to this one (QWidget.restoreGeometry does it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSettings, QSize

from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.common.window_fit import PREFERRED, available_area, first_size
from explorer.ui.main_window import MainWindow


def test_the_first_size_is_the_preferred_one_bounded_by_the_screen() -> None:
    assert first_size(QRect(0, 0, 1920, 1080)) == PREFERRED
    assert first_size(QRect(0, 0, 1024, 700)) == QSize(1024, 700)
    assert first_size(QRect(0, 24, 1366, 744)) == QSize(1280, 744)  # a panel takes 24 px


def test_a_first_window_fits_the_screen(qtbot: Any, window: MainWindow) -> None:
    available = available_area(window)
    assert window.width() <= available.width() and window.height() <= available.height()
    assert window.size() == first_size(available)


def test_a_window_restored_from_a_larger_screen_is_fitted_to_this_one(
    qtbot: Any, settings: QSettings, runner: TaskRunner, window: MainWindow
) -> None:
    available = available_area(window)
    window.resize(available.width() + 600, available.height() + 400)  # a big monitor's size
    window.move(available.left() + 200, available.top() + 100)
    window.save_state()
    again = MainWindow(settings, runner)
    qtbot.addWidget(again)
    assert again.width() <= available.width() and again.height() <= available.height()
    assert available.contains(again.frameGeometry())


def test_a_restored_geometry_that_fits_wins_over_the_first_size(
    qtbot: Any, settings: QSettings, runner: TaskRunner, window: MainWindow
) -> None:
    window.resize(500, 400)
    window.save_state()
    again = MainWindow(settings, runner)
    qtbot.addWidget(again)
    assert again.size() == QSize(500, 400)
