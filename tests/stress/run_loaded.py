"""Run the test suite again and again on a machine kept busy: does it pass every time?

    python tests/stress/run_loaded.py [--runs N] [--busy K] [--stop-on-failure] [PYTEST ARGS...]

Starts K busy loops (`python3 -c 'while True: pass'`, default: one per core), then runs
`python -m pytest -q -p no:cacheprovider PYTEST ARGS` (default: tests/ui tests/e2e) N times in
a row (default 10) with QT_QPA_PLATFORM=offscreen, and prints one line per run (its exit status,
wall time, pytest's summary line) and a last line with the count of runs that passed. The busy
loops end with it, whatever happens. Exit status 0 when every run passed, else 1. A run that
hangs is ended by the suite's own watchdog (tests/conftest.py), which prints every thread's
stack. Each run's whole output is kept in --logs (default: a temporary folder, printed).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BUSY_LOOP = "while True: pass"


def summary_line(output: str) -> str:
    """pytest's last line ('12 passed in 3.4s'), or the last line there is."""
    lines = [line.strip("= ") for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2, help="busy loops")
    parser.add_argument("--stop-on-failure", action="store_true")
    parser.add_argument("--logs", type=Path, default=None, help="folder for each run's output")
    args, pytest_args = parser.parse_known_args(argv)
    logs = args.logs or Path(tempfile.mkdtemp(prefix="stress-"))
    logs.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += pytest_args or ["tests/ui", "tests/e2e"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    print(f"{args.runs} runs of: {' '.join(command[1:])}; {args.busy} busy loops; logs in {logs}")
    # SIGTERM unwinds like Ctrl+C, so the busy loops end with this script whatever ends it
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.busy)]
    passed = 0
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            done = subprocess.run(
                command,
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
            )
            took = time.monotonic() - started
            (logs / f"run-{run:02d}.log").write_text(done.stdout, encoding="utf-8")
            passed += done.returncode == 0
            load = os.getloadavg()[0]
            print(
                f"run {run:2d}: exit {done.returncode}, {took:6.1f} s, load {load:4.1f}: "
                f"{summary_line(done.stdout)}",
                flush=True,
            )
            if done.returncode != 0 and args.stop_on_failure:
                break
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    print(f"{passed} of {args.runs} runs passed")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    raise SystemExit(main())
