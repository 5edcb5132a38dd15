"""A growing sample fetches its next round only once the window has drawn the last one (the
repaint then has the interpreter to itself), bounded in time and ended by Cancel."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject

from explorer.domain.cancel import CancelToken
from explorer.services import retention_sampling
from explorer.ui.audience import round_pace
from explorer.ui.audience.retention_view import grow_samples
from explorer.ui.audience.round_pace import RoundPace
from explorer.ui.main_window import MainWindow
from tests.support.patience import PATIENCE_S
from tests.ui.audience.test_retention_view import open_from_tree
from tests.ui.conftest import wait_idle


class _Rounds:
    """A sampler whose run hands out three rounds, noting after each hand-over whether the
    window had said "drawn" by then."""

    size = 3

    def __init__(self, pace: RoundPace) -> None:
        self.pace = pace
        self.drawn_when_back: list[bool] = []

    def run(self, cancel: CancelToken, progress: Any, deliver: Any) -> str:
        for n in range(3):
            deliver(f"round {n}")
            self.drawn_when_back.append(self.pace.wait(CancelToken()))
        return "final"


def test_each_round_waits_for_the_window_to_have_drawn_the_last() -> None:
    pace = RoundPace(wait_s=PATIENCE_S)
    sampler = _Rounds(pace)
    handed: list[Any] = []

    def window(chunk: Any) -> None:  # the GUI thread draws it a little later
        handed.append(chunk)
        threading.Timer(0.01, pace.drawn).start()

    finals = grow_samples([sampler], pace, CancelToken(), lambda *_: None, window)  # type: ignore[list-item]
    assert finals == ["final"]
    assert handed == [(0, "round 0"), (0, "round 1"), (0, "round 2")]
    assert sampler.drawn_when_back == [True, True, True]


def test_the_wait_is_bounded_and_cancel_ends_it() -> None:
    pace = RoundPace(wait_s=0.05)
    pace.handed()
    assert pace.wait(CancelToken()) is False  # never drawn: the sample grows on, undrawn
    cancelled = CancelToken()
    cancelled.cancel()
    patient = RoundPace(wait_s=PATIENCE_S)
    patient.handed()
    assert patient.wait(cancelled) is False  # at once, not after PATIENCE_S
    patient.drawn()
    assert patient.wait(CancelToken()) is True


def test_the_tab_paints_each_round_before_the_next_is_fetched(
    qtbot: Any, ready_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Algebra 1's two sessions in rounds of one (tests/support/scenario.py): the sampler
    fetches the second only once the chart has painted the first."""
    monkeypatch.setattr(retention_sampling, "BATCH", 1)
    monkeypatch.setattr(round_pace, "WAIT_S", PATIENCE_S)  # never go on undrawn here
    view = open_from_tree(qtbot, ready_window)
    ready_window.show()
    qtbot.waitExposed(ready_window)
    said: list[str] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                said.append("paint")  # on the GUI thread, as the chart paints
            return False

    paints = Paints(view)
    view.chart.plot.viewport().installEventFilter(paints)
    handed = RoundPace.handed

    def handing(pace: RoundPace) -> None:
        said.append("handed")  # on the worker, as a round goes to the window
        handed(pace)

    monkeypatch.setattr(RoundPace, "handed", handing)
    view.fetch_button.click()
    wait_idle(qtbot, ready_window.runner)
    sample = view.subjects[0].sample
    assert sample is not None and sample.size == 2
    rounds = [n for n, word in enumerate(said) if word == "handed"]
    assert len(rounds) == 3  # two growing rounds, then the final state
    for this, following in itertools.pairwise(rounds):
        assert "paint" in said[this:following], said
