"""Run the benchmarks: `python tests/benchmarks/run.py [NAME...]`, one line per figure.

A NAME selects the benchmarks whose name starts with it (`wire` runs `wire.*`) or the
modules `bench_NAME.py`; with no NAME every benchmark runs. `--smoke` runs them in a tiny size
(seconds; the figures prove the code runs, they measure nothing). Exit status: 0 when all ran,
1 when one raised (its traceback goes to stderr, the others still run), 2 when a NAME
matched nothing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # run as a script: make `tests` importable

from tests.benchmarks import REGISTRY, SMOKE_VARIABLE, Benchmark  # noqa: E402


def discover() -> list[Benchmark]:
    """Import every `bench_*.py` beside this file; each registers its benchmarks on import."""
    for path in sorted(HERE.glob("bench_*.py")):
        importlib.import_module(f"tests.benchmarks.{path.stem}")
    return list(REGISTRY)


def selected(benchmarks: list[Benchmark], names: list[str]) -> tuple[list[Benchmark], list[str]]:
    """The benchmarks any of `names` selects, and the names that selected none."""
    if not names:
        return benchmarks, []

    def matches(bench: Benchmark, name: str) -> bool:
        module = bench.module.rsplit(".", 1)[-1]
        return (
            module in (name, f"bench_{name}")
            or bench.name == name
            or bench.name.startswith(name + ".")
        )

    chosen = [b for b in benchmarks if any(matches(b, name) for name in names)]
    unmatched = [name for name in names if not any(matches(b, name) for b in benchmarks)]
    return chosen, unmatched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmark name prefix or module")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does each still run?")
    args = parser.parse_args(argv)
    if args.smoke:
        os.environ[SMOKE_VARIABLE] = "1"  # before the modules choose their sizes on import

    chosen, unmatched = selected(discover(), args.names)
    if unmatched:
        print(f"no benchmark matches: {', '.join(unmatched)}", file=sys.stderr)
        return 2
    if args.list:
        for bench in chosen:
            print(f"{bench.name}  ({bench.module})")
        return 0
    failed = 0
    for bench in chosen:
        start = time.perf_counter()
        try:
            for figure in bench.run():
                print(figure.line(), flush=True)
        except Exception:
            failed += 1
            print(f"{bench.name}: FAILED", flush=True)
            traceback.print_exc()
            continue
        print(f"# {bench.name} took {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
