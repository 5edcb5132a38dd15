"""Every benchmark still runs: each in its smoke size (`run.py --smoke`), in a child process.

A change that breaks a benchmark (an API it uses, a protocol its fakes follow) breaks this test,
not the next person who measures. The package benchmarks need a built package: the package
build's own step runs them against its build (tests/packages/test_build.py).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.bench_smoke import RUN, SmokeRun, registered, run_smoke

NEEDS_A_BUILD = "bench_package"
SMOKED = [name for module, name in registered() if module != NEEDS_A_BUILD]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BENCH_DIST", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def test_every_registered_benchmark_is_found_here() -> None:
    listed = subprocess.run(
        [sys.executable, str(RUN), "--list"], capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == [name for _, name in registered()]
    assert len(SMOKED) >= 10  # client, gui, sandbox, sessions, store, wire


@pytest.mark.parametrize("name", SMOKED)
def test_the_benchmark_runs_in_its_smoke_size(name: str) -> None:
    run = run_smoke([name], _env())
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr[-6000:]}"
    assert run.figures(), f"{name} printed no figure:\n{run.stdout}\n{run.stderr[-3000:]}"


def test_a_name_that_matches_nothing_is_an_error() -> None:
    run = run_smoke(["no-such-benchmark"], _env())
    assert run.returncode == 2
    assert "no benchmark matches: no-such-benchmark" in run.stderr


def test_figure_lines_are_read_and_anything_else_fails() -> None:
    good = SmokeRun(
        0,
        "# a comment\nwire.parse.p50: 73.7 us (baseline: 101.1 us, 0.73x)\n"
        "store.size: 0.041 MB\nsandbox.generate: 1e-05 s\n",
        "",
        1.0,
    )
    assert good.figures() == {
        "wire.parse.p50": 73.7,
        "store.size": 0.041,
        "sandbox.generate": 1e-05,
    }
    with pytest.raises(AssertionError, match="FAILED"):
        SmokeRun(1, "gui.stall: FAILED\n", "Traceback", 1.0).figures()
    with pytest.raises(AssertionError, match="not a figure line"):
        SmokeRun(0, "bench_package: no dist/analytics-explorer\n", "", 1.0).figures()
