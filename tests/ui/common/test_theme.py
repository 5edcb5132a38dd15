"""View > Theme: light, dark or the system's; remembered; charts follow (issue 15.20)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QPalette

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.common.theme import apply_theme
from explorer.ui.main_window import MainWindow
from explorer.ui.results.breakdown_view import BreakdownView

Base = QPalette.ColorRole.Base


@pytest.fixture(autouse=True)
def back_to_the_system() -> Iterator[None]:
    """The application palette is process-wide: every test ends as it began."""
    yield
    apply_theme("system")


def base_lightness() -> float:
    return QGuiApplication.palette().color(Base).lightnessF()


def theme_names(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.theme_actions.values()]


def test_dark_and_light_from_the_view_menu_and_the_charts_follow(
    qtbot: Any, ready_window: MainWindow
) -> None:
    assert theme_names(ready_window) == ["System", "Light", "Dark"]
    chart = BreakdownView()
    qtbot.addWidget(chart)
    context = ResultContext(Endpoint.BUCKETS, "play", breakdown="country")
    chart.set_result(BucketFrame.from_records(context, [("FR", 2.0)]), "UTC")
    ready_window.theme_actions["dark"].trigger()
    assert base_lightness() < 0.5
    qtbot.waitUntil(
        lambda: chart.plot.backgroundBrush().color().lightnessF() < 0.5
    )  # the chart restyles itself on the palette change
    ready_window.theme_actions["light"].trigger()
    assert base_lightness() >= 0.5
    qtbot.waitUntil(lambda: chart.plot.backgroundBrush().color().lightnessF() >= 0.5)


def test_the_choice_comes_back_at_the_next_launch(
    qtbot: Any, settings: QSettings, runner: TaskRunner, window: MainWindow
) -> None:
    window.set_theme("dark")
    window.close()
    apply_theme("system")
    again = MainWindow(settings, runner)
    qtbot.addWidget(again)
    assert again.theme == "dark" and again.theme_actions["dark"].isChecked()
    assert base_lightness() < 0.5


def test_system_follows_the_desktop() -> None:
    started = base_lightness()
    apply_theme("dark")
    apply_theme("system")  # the offscreen desktop says nothing: the starting palette again
    assert base_lightness() == pytest.approx(started)
