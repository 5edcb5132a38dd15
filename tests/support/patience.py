"""Waits for what must happen are long: they cost time only when a test fails.

A wait is never a measure of speed (that is a benchmark's job): on a two-core machine busy
with other work, a worker's answer, a repaint or a timer can be many seconds late. So every
pytest-qt wait (`waitUntil`, `waitSignal`, `waitSignals`, `waitCallback`, `waitExposed`,
`waitActive`) of the GUI tests defaults to PATIENCE_MS instead of pytest-qt's 5 s: the
`qtbot` fixture below overrides pytest-qt's by name (tests/conftest.py loads this module as a
plugin). A test that must show that something does *not* happen first proves that the
machinery would have delivered it (for example, a later task's answer arrives through the
same queue). Threads in tests that wait for an event wait PATIENCE_S likewise.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

PATIENCE_MS = 120_000
"""Longer than anything that must happen takes on a loaded machine, shorter than the hard
watchdog (tests/conftest.py), so a wait that times out fails its test with a message."""

PATIENCE_S = PATIENCE_MS / 1000
"""The same, for a thread that waits on an event (`threading.Event.wait(PATIENCE_S)`)."""

_WAITS = ("waitUntil", "waitSignal", "waitSignals", "waitCallback", "waitExposed", "waitActive")


@pytest.fixture
def qtbot(qtbot: Any) -> Any:
    """pytest-qt's qtbot, whose waits default to PATIENCE_MS."""
    for name in _WAITS:
        setattr(qtbot, name, functools.partial(getattr(qtbot, name), timeout=PATIENCE_MS))
    return qtbot
