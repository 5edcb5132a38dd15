"""Run benchmarks in their smoke size (`run.py --smoke`) in a child process and read its figures.

tests/unit/test_benchmarks_smoke.py runs every benchmark this way in the default suite;
tests/packages/test_build.py runs the package benchmarks against the build it made.
"""

from __future__ import annotations

import ast
import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO_ROOT / "tests" / "benchmarks"
RUN = BENCHMARKS / "run.py"

CHILD_LIMIT_S = 100
"""One benchmark's smoke run takes seconds; this long means it hangs (a busy machine included)."""

FIGURE = re.compile(
    r"(?P<name>[\w.]+): (?P<value>-?\d+(?:\.\d+)?(?:e[-+]?\d+)?) (?P<unit>\S+)"
    r"(?: \(baseline: (?P<baseline>-?\d+(?:\.\d+)?(?:e[-+]?\d+)?) (?P=unit), (?:n/a|[\d.]+x)\))?"
)
"""A line `tests.benchmarks.Figure.line()` prints: `name: value unit (baseline: value unit, r)`."""


def registered() -> list[tuple[str, str]]:
    """(module, name) of every `@benchmark("name")` in tests/benchmarks/bench_*.py, read from
    the source (nothing imported), in `run.py --list` order."""
    found = []
    for path in sorted(BENCHMARKS.glob("bench_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if (
                        isinstance(decorator, ast.Call)
                        and isinstance(decorator.func, ast.Name)
                        and decorator.func.id == "benchmark"
                        and isinstance(decorator.args[0], ast.Constant)
                    ):
                        found.append((node.lineno, path.stem, str(decorator.args[0].value)))
    return [(module, name) for _, module, name in sorted(found, key=lambda f: (f[1], f[0]))]


@dataclass(frozen=True)
class SmokeRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def figures(self) -> dict[str, float]:
        """Every figure printed, by name. Raises AssertionError on a FAILED line or a line
        that is neither a figure nor a `# ` comment."""
        figures: dict[str, float] = {}
        for line in self.stdout.splitlines():
            if line.startswith("# ") or not line.strip():
                continue
            assert "FAILED" not in line, f"{line}\n{self.stderr[-4000:]}"
            match = FIGURE.fullmatch(line)
            assert match, f"not a figure line: {line!r}"
            value = float(match["value"])
            assert math.isfinite(value), line
            figures[match["name"]] = value
        return figures


def run_smoke(names: list[str], env: dict[str, str] | None = None) -> SmokeRun:
    """`python tests/benchmarks/run.py --smoke NAME...` in a child process."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(RUN), "--smoke", *names],
        cwd=REPO_ROOT,
        env=env if env is not None else dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CHILD_LIMIT_S,
        check=False,
    )
    return SmokeRun(result.returncode, result.stdout, result.stderr, time.perf_counter() - started)
