"""GUI tests wait patiently for what must happen (tests/support/patience.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

PYTEST_QT_DEFAULT_MS = 5000


class _Late(QObject):
    happened = Signal()


def test_a_wait_outlasts_pytest_qts_own_default(qtbot: Any) -> None:
    """Something that takes longer than pytest-qt's 5 s default, as a busy machine can make
    any answer, is still waited for (without naming a timeout)."""
    done: list[bool] = []
    QTimer.singleShot(PYTEST_QT_DEFAULT_MS + 500, lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done))
    late = _Late()
    with qtbot.waitSignal(late.happened):
        QTimer.singleShot(PYTEST_QT_DEFAULT_MS + 500, late.happened.emit)
