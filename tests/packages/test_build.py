"""`bash packaging/build.sh` end to end, into a scratch folder: the app, the .tar.gz and the .deb.

About two and a half minutes on two quiet cores (a fresh build venv from pip's cache,
PyInstaller, the built app's self-test, xz for the .deb), many more on a loaded machine, so it
is a step of its own: `.ci/run` runs `pytest -m package_build` after the README's test
command. It needs PyPI (PyInstaller and the app's dependencies) and Debian's dpkg.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.bench_smoke import run_smoke

REPO_ROOT = Path(__file__).resolve().parents[2]
NAME = "analytics-explorer"
VERSION = "0.1.0"

BUILD_LIMIT_S = 1500
"""The whole build on a loaded two-core machine (xz alone can take minutes there)."""

pytestmark = [
    pytest.mark.package_build,  # a CI step of its own (.ci/run), not in the default run
    pytest.mark.hard_limit(BUILD_LIMIT_S + 300),  # slow by nature, not hung
    pytest.mark.timeout(BUILD_LIMIT_S + 200),
    pytest.mark.skipif(
        shutil.which("dpkg") is None, reason="builds a .deb: needs a Debian-based system"
    ),
]


@dataclass(frozen=True)
class Build:
    output: str
    dist: Path

    @property
    def app(self) -> Path:
        return self.dist / NAME / NAME

    def artefact(self, pattern: str) -> Path:
        (found,) = self.dist.glob(pattern)
        return found


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    scratch = tmp_path_factory.mktemp("package-build")
    env = {
        **os.environ,
        "DIST_DIR": str(scratch / "dist"),
        "BUILD_DIR": str(scratch / "build"),
    }
    env.pop("QT_QPA_PLATFORM", None)  # the self-test must choose offscreen on its own
    try:
        result = subprocess.run(
            ["bash", str(REPO_ROOT / "packaging" / "build.sh")],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=BUILD_LIMIT_S,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-6000:]
        yield Build(result.stdout, scratch / "dist")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # some 500 MB


def test_the_build_self_tests_the_built_app(build: Build) -> None:
    assert re.search(r"^self-test ok: 3 queries, 3 charts, csv \d+ rows", build.output, re.M)
    assert build.app.is_file() and os.access(build.app, os.X_OK)


def test_the_built_app_runs_its_self_test_again(build: Build, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    result = subprocess.run(
        [str(build.app), "--self-test"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("self-test ok: ")


def test_the_app_holds_only_the_qt_parts_it_uses(build: Build) -> None:
    qt = build.dist / NAME / "_internal" / "PySide6" / "Qt"
    plugins = sorted(str(p.relative_to(qt / "plugins")) for p in (qt / "plugins").rglob("*.so"))
    assert plugins == [
        "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "platforminputcontexts/libibusplatforminputcontextplugin.so",
        "platforms/libqoffscreen.so",
        "platforms/libqxcb.so",
    ]
    libraries = {p.name for p in (qt / "lib").iterdir()}
    for unwanted in ("Qml", "Quick", "WebEngine", "3D", "Multimedia", "Network", "Wayland", "Pdf"):
        assert not [lib for lib in libraries if f"Qt6{unwanted}" in lib], unwanted
    assert not (qt / "translations").exists() and not (qt / "qml").exists()
    internal = build.dist / NAME / "_internal"
    assert (internal / "tzdata" / "zoneinfo" / "Europe" / "Paris").is_file()
    assert (internal / "resources" / "icons" / f"{NAME}-256.png").is_file()
    system = [p.name for p in internal.glob("lib*.so*") if p.name.startswith(("libxcb", "libGL"))]
    assert system == []  # the system's own libraries come from the system (the .deb's Depends)


def test_the_deb_installs_the_app_the_command_the_menu_entry_and_the_icons(build: Build) -> None:
    deb = build.artefact(f"{NAME}_{VERSION}_*.deb")
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert f"Package: {NAME}\n" in fields and f"Version: {VERSION}\n" in fields
    depends = re.search(r"^Depends: (.*)$", fields, re.M)
    assert depends is not None
    for package in ("libxcb-cursor0", "libxkbcommon-x11-0", "libfontconfig1", "libegl1"):
        assert re.search(rf"(^|, ){re.escape(package)}\b", depends.group(1)), package
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert f"./usr/bin/{NAME} -> /opt/{NAME}/{NAME}" in contents
    for path in (
        f"./opt/{NAME}/{NAME}",
        f"./usr/share/applications/{NAME}.desktop",
        *(f"./usr/share/icons/hicolor/{s}x{s}/apps/{NAME}.png" for s in (48, 128, 256)),
    ):
        assert re.search(rf" {re.escape(path)}( |$)", contents, re.M), path
    assert "root/root" in contents and "/work" not in contents


def test_the_tarball_holds_the_app_the_menu_entry_and_its_installer(build: Build) -> None:
    tarball = build.artefact(f"{NAME}-{VERSION}-linux-*.tar.gz")
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        owners = {(m.uid, m.gid) for m in archive.getmembers()}
    assert {
        f"{NAME}/{NAME}",
        f"{NAME}/install-desktop-entry.sh",
        f"{NAME}/share/applications/{NAME}.desktop",
        f"{NAME}/share/icons/hicolor/256x256/apps/{NAME}.png",
    } <= names
    assert owners == {(0, 0)}


def test_the_build_reports_each_artefacts_size(build: Build) -> None:
    tail = build.output[build.output.index("== done") :]
    for what in (f"{NAME}/ (one folder, unpacked)", ".tar.gz", ".deb"):
        assert re.search(rf"{re.escape(what)}\s+\d+(\.\d+)?M", tail), what


def test_the_package_benchmarks_run_against_the_build(build: Build) -> None:
    """`run.py --smoke package` (tests/benchmarks/bench_package.py) times this build: the
    default suite has no build, so this is where those benchmarks are kept from rotting."""
    run = run_smoke(["package"], {**os.environ, "BENCH_DIST": str(build.dist)})
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr[-6000:]}"
    figures = run.figures()
    for name in (
        "package.size.app_folder",
        "package.size.tar_gz",
        "package.size.deb",
        "package.start.self_test.p50",
        "package.start.launch_and_imports.p50",
    ):
        assert figures.get(name, 0) > 0, (name, run.stdout)
