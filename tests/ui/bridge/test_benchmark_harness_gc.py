"""The benchmark harness never switches automatic collection back on where the app's GUI-thread
collector runs (a benchmark that builds the window installs it, as the app does)."""

from __future__ import annotations

import gc

from explorer.ui.bridge.gui_collector import collect_on_gui_thread
from tests.benchmarks import gui_collector_installed, interleaved_timings


def test_timings_leave_automatic_collection_off_once_the_gui_collector_runs() -> None:
    assert gui_collector_installed()  # the GUI tests' own, as the app's window has it
    gc.enable()  # as in a benchmark process before its first window...
    try:
        # ...which a timed call makes, installing the collector: automatic collection goes off
        interleaved_timings([collect_on_gui_thread], repeat=3, warmup=0)
        assert not gc.isenabled()
    finally:
        gc.disable()  # as the GUI tests have it, whatever happened


def test_timings_leave_automatic_collection_off_where_it_was_off() -> None:
    assert not gc.isenabled()
    interleaved_timings([lambda: None], repeat=3, warmup=1)
    assert not gc.isenabled()
