"""The benchmark harness: the smoke switch, and the garbage collector's state around timings."""

from __future__ import annotations

import gc

import pytest

from tests.benchmarks import (
    SMOKE_VARIABLE,
    gui_collector_installed,
    interleaved_timings,
    sized,
    smoke,
)


def test_sizes_are_full_unless_the_smoke_switch_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SMOKE_VARIABLE, raising=False)
    assert not smoke() and sized(100_000, 2_000) == 100_000
    monkeypatch.setenv(SMOKE_VARIABLE, "1")
    assert smoke() and sized(100_000, 2_000) == 2_000


def test_timings_give_back_automatic_collection_as_they_found_it() -> None:
    found = gc.isenabled()  # off where GUI tests ran before in this process (their collector)
    try:
        gc.enable()
        interleaved_timings([lambda: None], repeat=3, warmup=1)
        # on as found, unless the app's GUI-thread collector runs here: then it must stay off
        assert gc.isenabled() is not gui_collector_installed()
        gc.disable()
        interleaved_timings([lambda: None], repeat=3, warmup=1)
        assert not gc.isenabled()
    finally:
        if found:
            gc.enable()
        else:
            gc.disable()
