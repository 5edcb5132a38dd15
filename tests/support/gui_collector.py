"""GUI tests collect garbage as the app does, on the GUI thread only, and prove it.

Import both fixtures into a conftest (`from tests.support.gui_collector import ...`). The first
GUI test installs the app's collector (ui/bridge/gui_collector.py: automatic collection off,
a GUI-thread timer instead) for the rest of the process; every GUI test then fails if a
collection ran on any other thread while it ran, and leaves the garbage it made collected.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from explorer.ui.bridge.gui_collector import GuiCollector, collect_on_gui_thread


class CollectionWatch:
    """Names the threads other than the main (GUI) thread that ran a collection."""

    def __init__(self) -> None:
        self.elsewhere: list[str] = []

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and threading.current_thread() is not threading.main_thread():
            self.elsewhere.append(threading.current_thread().name)


@pytest.fixture(scope="session")
def gui_collector(qapp: Any) -> Iterator[tuple[GuiCollector, CollectionWatch]]:
    """The app's collector, installed once, and a watch on which threads collect."""
    watch = CollectionWatch()
    gc.callbacks.append(watch)
    try:
        yield collect_on_gui_thread(), watch
    finally:
        gc.callbacks.remove(watch)


@pytest.fixture(autouse=True)
def collections_only_on_the_gui_thread(
    gui_collector: tuple[GuiCollector, CollectionWatch],
) -> Iterator[None]:
    """Fail a test during which a collection ran off the GUI thread. Afterwards, have Qt delete
    the windows the test left (as the app deletes a closed tab or dialog: deleteLater), then
    collect what is due here, as the app's timer would: a widget freed by the collector
    instead, its children's wrappers in the same cycles, can be deleted twice (a crash)."""
    collector, watch = gui_collector
    watch.elsewhere.clear()
    before = set(QApplication.topLevelWidgets())
    yield
    if gc.isenabled():
        pytest.fail("the test switched automatic garbage collection back on")
    for widget in set(QApplication.topLevelWidgets()) - before:
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    collector.check()
    if watch.elsewhere:
        pytest.fail(f"garbage was collected off the GUI thread, on {sorted(set(watch.elsewhere))}")
