"""The packages: each artefact's size, and the built app's start against the app run from source.

"Start" is a whole `--self-test` (start the interpreter, import, open the window offscreen on a
fresh small sandbox, three queries, three charts, a CSV), timed from outside: the built app
(dist/analytics-explorer/analytics-explorer) against `python -m explorer` from this checkout,
in alternating runs. Needs `bash packaging/build.sh` first; without dist/ it says so and gives
no figures. BENCH_DIST=FOLDER times the build in FOLDER instead (it must hold one): the package
build's tests do that in a smoke run (`run.py --smoke`: one run each, no warm-up) against the
build they made (tests/packages/test_build.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks import Figure, benchmark, interleaved_timings, p50, p95, sized

REPO_ROOT = Path(__file__).resolve().parents[2]
DIST_VARIABLE = "BENCH_DIST"
DIST = Path(os.environ.get(DIST_VARIABLE) or REPO_ROOT / "dist")
NAME = "analytics-explorer"
APP = DIST / NAME / NAME
RUNS = sized(9, 1)
WARMUP = sized(1, 0)
MB = 1024 * 1024
REPORTED = re.compile(r", (\d+\.\d) s$")


def _folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())


def _ready() -> bool:
    if APP.is_file():
        return True
    if os.environ.get(DIST_VARIABLE):
        raise FileNotFoundError(f"{DIST_VARIABLE}={DIST}: there is no {APP} (a built app) there")
    print(f"bench_package: no {APP.relative_to(REPO_ROOT)}: run `bash packaging/build.sh` first")
    return False


@benchmark("package.size")
def _() -> list[Figure]:
    """Megabytes on disk: the one-folder app unpacked, the .tar.gz and the .deb."""
    if not _ready():
        return []
    figures = [Figure("package.size.app_folder", _folder_bytes(DIST / NAME) / MB, "MB")]
    for label, pattern in (("tar_gz", f"{NAME}-*.tar.gz"), ("deb", f"{NAME}_*.deb")):
        for path in sorted(DIST.glob(pattern)):
            figures.append(Figure(f"package.size.{label}", path.stat().st_size / MB, "MB"))
    return figures


def _self_test(argv: list[str], env: dict[str, str], reported: list[float]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr.strip()}")
    match = REPORTED.search(result.stdout.strip())
    if match:
        reported.append(float(match.group(1)))


@benchmark("package.start")
def _() -> list[Figure]:
    """`--self-test` wall time, p50 and p95: built app (ours) vs from source (baseline)."""
    if not _ready():
        return []
    with tempfile.TemporaryDirectory(prefix="bench-package-") as home:
        env = {**os.environ, "HOME": home, "QT_QPA_PLATFORM": "offscreen"}
        for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            env.pop(variable, None)
        built_inside: list[float] = []
        source_inside: list[float] = []
        built, source = interleaved_timings(
            [
                lambda: _self_test([str(APP), "--self-test"], env, built_inside),
                lambda: _self_test(
                    [sys.executable, "-m", "explorer", "--self-test"], env, source_inside
                ),
            ],
            repeat=RUNS,
            warmup=WARMUP,
        )
    # What the self-test reports itself (window, sandbox, queries, charts, CSV) leaves out
    # the interpreter's start and the imports: the rest is that overhead.
    built_inside, source_inside = built_inside[WARMUP:], source_inside[WARMUP:]  # drop the warm-ups
    overhead_built = [t - s for t, s in zip(built, built_inside, strict=True)]
    overhead_source = [t - s for t, s in zip(source, source_inside, strict=True)]
    return [
        Figure("package.start.self_test.p50", p50(built), "s", p50(source)),
        Figure("package.start.self_test.p95", p95(built), "s", p95(source)),
        Figure(
            "package.start.launch_and_imports.p50", p50(overhead_built), "s", p50(overhead_source)
        ),
    ]
