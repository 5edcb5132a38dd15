"""Benchmark harness: register with @benchmark, time ours against a baseline, report figures.

A module `tests/benchmarks/bench_NAME.py` registers functions that return figures:

    @benchmark("wire.buckets_page")
    def _() -> list[Figure]:
        return compare("wire.buckets_page", ours=parse_fast, baseline=parse_slow, unit="us")

and `python tests/benchmarks/run.py [NAME...]` runs them and prints one line per figure:
`name: value unit (baseline: value unit, ratio)`. pytest does not collect this folder.

`run.py --smoke` (the environment variable BENCH_SMOKE=1, read by `smoke()` only) runs every
benchmark in a tiny size, in seconds: each module picks its sizes with `sized(full, smoke)`, so
the default test suite (tests/unit/test_benchmarks_smoke.py) runs them all and a change that
breaks one breaks a test. Smoke figures prove the code runs; they measure nothing.
"""

from __future__ import annotations

import gc
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

SMOKE_VARIABLE = "BENCH_SMOKE"


def smoke() -> bool:
    """Whether this is a smoke run (`run.py --smoke`): tiny sizes, figures that mean nothing."""
    return os.environ.get(SMOKE_VARIABLE) == "1"


def sized(full: T, small: T) -> T:
    """`full` in a real run, `small` in a smoke run."""
    return small if smoke() else full


UNITS = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}  # per second


@dataclass(frozen=True)
class Figure:
    """One measured value, with the baseline's value for the same figure when there is one."""

    name: str
    value: float
    unit: str
    baseline: float | None = None

    @property
    def ratio(self) -> float | None:
        """ours / baseline: below 1 is faster (for times)."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def line(self) -> str:
        text = f"{self.name}: {_number(self.value)} {self.unit}"
        if self.baseline is not None:
            ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}x"
            text += f" (baseline: {_number(self.baseline)} {self.unit}, {ratio})"
        return text


def _number(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.3g}"


@dataclass(frozen=True)
class Benchmark:
    name: str
    module: str
    run: Callable[[], Iterable[Figure]]


REGISTRY: list[Benchmark] = []


def benchmark(
    name: str,
) -> Callable[[Callable[[], Iterable[Figure]]], Callable[[], Iterable[Figure]]]:
    """Register a function returning figures under `name` (dotted, e.g. `sandbox.buckets`)."""

    def register(function: Callable[[], Iterable[Figure]]) -> Callable[[], Iterable[Figure]]:
        if any(existing.name == name for existing in REGISTRY):
            raise ValueError(f"benchmark {name!r} is registered twice")
        REGISTRY.append(Benchmark(name, function.__module__, function))
        return function

    return register


# --- timing helpers --------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `samples`, linearly interpolated."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def p50(samples: Sequence[float]) -> float:
    return percentile(samples, 50)


def p95(samples: Sequence[float]) -> float:
    return percentile(samples, 95)


def timings(function: Callable[[], object], *, repeat: int = 50, warmup: int = 3) -> list[float]:
    """Seconds taken by each of `repeat` calls of `function`, after `warmup` untimed calls."""
    return interleaved_timings([function], repeat=repeat, warmup=warmup)[0]


def interleaved_timings(
    functions: Sequence[Callable[[], object]], *, repeat: int = 50, warmup: int = 3
) -> list[list[float]]:
    """Seconds per call for each function, the calls taken in turns so drift hits them alike.

    Objects alive before timing are frozen out of the garbage collector (so a big loaded
    spec does not slow every collection), and the collector is paused within each round.
    Automatic collection comes back on between rounds and afterwards only if it was on and no
    GUI-thread collector (ui/bridge/gui_collector.py) has been installed since: where the app's
    collector runs, automatic collection must stay off, as in the app.
    """
    for _ in range(warmup):
        for function in functions:
            function()
    results: list[list[float]] = [[] for _ in functions]
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    try:
        for _ in range(repeat):
            gc.disable()
            for function, samples in zip(functions, results, strict=True):
                start = time.perf_counter()
                function()
                samples.append(time.perf_counter() - start)
            if enabled and not gui_collector_installed():
                gc.enable()
    finally:
        gc.unfreeze()
        if enabled and not gui_collector_installed():
            gc.enable()
    return results


def gui_collector_installed() -> bool:
    """Whether the app's GUI-thread collector runs in this process (then automatic collection
    must stay off). Imports nothing that is not imported already."""
    module = sys.modules.get("explorer.ui.bridge.gui_collector")
    if module is None:
        return False
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    return app is not None and app.findChild(module.GuiCollector) is not None


def compare(
    name: str,
    ours: Callable[[], object],
    baseline: Callable[[], object],
    *,
    unit: str = "ms",
    repeat: int = 50,
    warmup: int = 3,
) -> list[Figure]:
    """`name.p50` and `name.p95` of `ours`, each beside the baseline's, timed side by side."""
    scale = UNITS[unit]
    mine, theirs = interleaved_timings([ours, baseline], repeat=repeat, warmup=warmup)
    return [
        Figure(f"{name}.{label}", stat(mine) * scale, unit, stat(theirs) * scale)
        for label, stat in (("p50", p50), ("p95", p95))
    ]


def measure(
    name: str, function: Callable[[], object], *, unit: str = "ms", repeat: int = 50
) -> list[Figure]:
    """`name.p50` and `name.p95` of `function`, with no baseline."""
    scale = UNITS[unit]
    samples = timings(function, repeat=repeat)
    return [
        Figure(f"{name}.p50", p50(samples) * scale, unit),
        Figure(f"{name}.p95", p95(samples) * scale, unit),
    ]
