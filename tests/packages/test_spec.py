"""The PyInstaller spec against what the app imports and loads at run time (no build needed)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import subprocess
import sys
import tomllib
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT / "packaging" / "analytics-explorer.spec"
EXPLORER = REPO_ROOT / "explorer"
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))


@dataclass
class Analysis:
    """Stands in for PyInstaller's Analysis: records what the spec asks for."""

    scripts: list[str]
    kwargs: dict[str, Any]
    binaries: list[tuple[str, str, str]] = field(default_factory=list)
    datas: list[tuple[str, str, str]] = field(default_factory=list)
    pure: list[Any] = field(default_factory=list)


def collected(kind: str, package: str, **_: Any) -> list[Any]:
    """A marker for what a PyInstaller hook helper would return for ``package``."""
    if kind == "data":
        return [(f"<data of {package}>", package)]
    return [f"<submodules of {package}>"]


@pytest.fixture(scope="module")
def spec() -> Iterator[dict[str, Any]]:
    """The spec's namespace once run, with PyInstaller replaced by recorders."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package, **kw: collected("data", package, **kw)  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda package, **kw: collected("modules", package, **kw)  # type: ignore[attr-defined]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda filename, search_paths=None: set()  # type: ignore[attr-defined]
    fakes = {
        "PyInstaller": types.ModuleType("PyInstaller"),
        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.hooks": hooks,
        "PyInstaller.depend": types.ModuleType("PyInstaller.depend"),
        "PyInstaller.depend.bindepend": bindepend,
    }
    saved = {name: sys.modules.get(name) for name in fakes}
    sys.modules.update(fakes)
    built: dict[str, list[Any]] = {"EXE": [], "COLLECT": []}

    def recorder(kind: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
            built.setdefault(kind, []).append((args, kwargs))
            return kind, args, kwargs

        return record

    namespace: dict[str, Any] = {
        "SPECPATH": str(SPEC.parent),
        "Analysis": lambda scripts, **kwargs: Analysis(scripts, kwargs),
        "PYZ": recorder("PYZ"),
        "EXE": recorder("EXE"),
        "COLLECT": recorder("COLLECT"),
        "BUNDLE": recorder("BUNDLE"),
    }
    try:
        exec(compile(SPEC.read_text("utf-8"), str(SPEC), "exec"), namespace)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    namespace["__built__"] = built
    yield namespace


def pyside6_modules_installed() -> set[str]:
    found = importlib.util.find_spec("PySide6")
    assert found is not None and found.submodule_search_locations
    folder = Path(next(iter(found.submodule_search_locations)))
    return {p.name.split(".")[0] for p in folder.glob("Qt*.abi3.so")} | {
        p.stem for p in folder.glob("Qt*.pyi")
    }


def qt_imports_in(folder: Path) -> dict[str, set[str]]:
    """Every ``PySide6.QtX`` module imported by a module under ``folder``, and by whom."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
                if node.module == "PySide6":
                    names = [f"PySide6.{alias.name}" for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "PySide6" and len(parts) > 1:
                    found.setdefault(parts[1], set()).add(str(path.relative_to(REPO_ROOT)))
    return found


def run_app_probe(code: str, env: dict[str, str] | None = None) -> list[str]:
    """Lines printed by ``code`` run in a fresh interpreter of this venv."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env or {**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


# --- Qt modules ----------------------------------------------------------------------------------


def test_the_kept_and_excluded_qt_modules_cover_pyside6_without_overlap(
    spec: dict[str, Any],
) -> None:
    kept, excluded = set(spec["QT_MODULES"]), set(spec["EXCLUDED_QT_MODULES"])
    assert not kept & excluded
    assert pyside6_modules_installed() <= kept | excluded
    excludes = spec["a"].kwargs["excludes"]
    assert {f"PySide6.{m}" for m in excluded} <= set(excludes)
    assert not {f"PySide6.{m}" for m in kept} & set(excludes)


def test_no_excluded_qt_module_is_imported_in_explorer(spec: dict[str, Any]) -> None:
    imported = qt_imports_in(EXPLORER)
    assert imported, "the scan found no Qt import at all"
    excluded = {m: who for m, who in imported.items() if m in spec["EXCLUDED_QT_MODULES"]}
    assert excluded == {}
    assert set(imported) <= set(spec["QT_MODULES"])


@pytest.mark.timeout(120)
def test_the_app_imports_with_only_the_kept_qt_modules(spec: dict[str, Any]) -> None:
    # As in the frozen app, the excluded modules cannot be imported (pyqtgraph imports QtTest
    # when it can, and does without); everything the window and the self-test import loads.
    loaded = run_app_probe(
        "import sys\n"
        f"EXCLUDED = {sorted(spec['EXCLUDED_QT_MODULES'])!r}\n"
        "class Excluded:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.startswith('PySide6.') and name.split('.')[1] in EXCLUDED:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}')\n"
        "sys.meta_path.insert(0, Excluded())\n"
        "import explorer.cli, explorer.app, explorer.selftest\n"
        "from explorer.ui.charts.chart_preload import load_chart_modules\n"
        "from explorer.domain.cancel import CancelToken\n"
        "load_chart_modules(CancelToken(), None)  # what the app loads once its window is up\n"
        "print(*sorted({m.split('.')[1] for m in sys.modules if m.startswith('PySide6.Qt')}))"
    )
    assert set(loaded) == set(spec["QT_MODULES"])  # none missing, and none kept for nothing


# --- Qt plugins ----------------------------------------------------------------------------------

PLUGIN_PROBE = (
    "import sys\n"
    "from explorer.selftest import run_self_test\n"
    "code = run_self_test()\n"
    "maps = open('/proc/self/maps').read().split()\n"
    "marker = '/PySide6/Qt/plugins/'\n"
    "print(*sorted({p.split(marker)[1] for p in maps if marker in p}))\n"
    "sys.exit(code)\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
@pytest.mark.timeout(180)
def test_the_plugins_the_self_test_loads_offscreen_are_kept(spec: dict[str, Any]) -> None:
    lines = run_app_probe(PLUGIN_PROBE)
    plugins = [p for p in lines if p.endswith(".so")]
    assert "platforms/libqoffscreen.so" in plugins
    kept = spec["QT_PLUGINS_BY_PLATFORM"]["linux"]
    missing = [p for p in plugins if p.split("/")[1] not in kept.get(p.split("/")[0], [])]
    assert missing == []


@pytest.mark.skipif(not Path("/usr/bin/xvfb-run").exists(), reason="needs xvfb-run (Debian: xvfb)")
@pytest.mark.timeout(180)
def test_the_plugins_the_self_test_loads_on_x11_are_kept(spec: dict[str, Any]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        ["xvfb-run", "-a", sys.executable, "-c", PLUGIN_PROBE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    plugins = [p for p in result.stdout.split() if p.endswith(".so")]
    assert "platforms/libqxcb.so" in plugins
    kept = spec["QT_PLUGINS_BY_PLATFORM"]["linux"]
    missing = [p for p in plugins if p.split("/")[1] not in kept.get(p.split("/")[0], [])]
    assert missing == []


def test_the_kept_linux_plugins_exist_in_pyside6(spec: dict[str, Any]) -> None:
    found = importlib.util.find_spec("PySide6")
    assert found is not None and found.submodule_search_locations
    plugins = Path(next(iter(found.submodule_search_locations))) / "Qt" / "plugins"
    for folder, names in spec["QT_PLUGINS_BY_PLATFORM"]["linux"].items():
        for name in names:
            assert (plugins / folder / name).is_file(), f"{folder}/{name}"


def test_the_spec_keeps_the_chosen_plugins_and_drops_the_rest(spec: dict[str, Any]) -> None:
    keep = spec["keep_binary"]
    qt = "PySide6/Qt/plugins/"
    assert keep(qt + "platforms/libqoffscreen.so", "/x/libqoffscreen.so", "BINARY")
    assert keep(qt + "platforms/libqxcb.so", "/x/libqxcb.so", "BINARY")
    for dropped in (
        "platforms/libqwayland.so",
        "platforms/libqeglfs.so",
        "imageformats/libqjpeg.so",
        "platformthemes/libqgtk3.so",
        "tls/libqopensslbackend.so",
        "xcbglintegrations/libqxcb-glx-integration.so",
    ):
        assert not keep(qt + dropped, "/x/" + dropped, "BINARY"), dropped
    # the operating system's libraries stay with it; the bundle's own are kept
    system = "/usr/lib/x86_64-linux-gnu/"
    assert not keep("libfontconfig.so.1", "/lib/x86_64-linux-gnu/libfontconfig.so.1", "BINARY")
    assert not keep("libxcb-cursor.so.0", system + "libxcb-cursor.so.0", "BINARY")
    assert keep("libpython3.11.so.1.0", system + "libpython3.11.so.1.0", "BINARY")
    assert keep("PySide6/Qt/lib/libQt6Core.so.6", "/venv/PySide6/Qt/lib/libQt6Core.so.6", "BINARY")
    # a Debian python's extension modules live under /usr/lib too, and are part of the app
    dynload = "python3.11/lib-dynload/_contextvars.cpython-311-x86_64-linux-gnu.so"
    assert keep(dynload, "/usr/lib/" + dynload, "EXTENSION")
    assert not spec["keep_data"]("PySide6/Qt/translations/qtbase_de.qm")


# --- data files and hidden imports -----------------------------------------------------------


def test_the_icons_are_bundled_where_the_app_looks_for_them(spec: dict[str, Any]) -> None:
    from explorer.ui.common import app_icon

    datas = spec["a"].kwargs["datas"]
    icons = [(Path(src).name, dest) for src, dest in datas if "resources/icons" in dest]
    names = [f"{app_icon.ICON_NAME}-{size}.png" for size in app_icon.ICON_SIZES]
    expected = [(name, "resources/icons") for name in names]
    assert icons == expected
    for src, dest in datas:
        if dest == "resources/icons":
            assert Path(src).is_file(), src
    # the frozen app's lookup: <bundle>/resources/icons
    source = Path(app_icon.__file__).read_text("utf-8")
    assert 'Path(bundle) / "resources" / "icons"' in source


def test_the_time_zone_database_is_bundled(spec: dict[str, Any]) -> None:
    # zoneinfo reads tzdata's files through importlib.resources when the system has no database;
    # nothing imports tzdata by name, so the analysis alone would leave it out.
    assert any(dep.startswith("tzdata") for dep in PYPROJECT["project"]["dependencies"])
    uses_zoneinfo = any("zoneinfo" in path.read_text("utf-8") for path in EXPLORER.rglob("*.py"))
    assert uses_zoneinfo
    kwargs = spec["a"].kwargs
    assert ("<data of tzdata>", "tzdata") in kwargs["datas"]
    assert "tzdata" in kwargs["hiddenimports"]
    assert "<submodules of tzdata>" in kwargs["hiddenimports"]


def test_explorers_package_data_and_lazy_modules_are_bundled(spec: dict[str, Any]) -> None:
    kwargs = spec["a"].kwargs
    assert ("<data of explorer>", "explorer") in kwargs["datas"]
    assert "<submodules of explorer>" in kwargs["hiddenimports"]
    # collect_data_files("explorer") takes every non-Python file of the package: that is the
    # package data pyproject.toml declares, and nothing else is there.
    declared = set(PYPROJECT["tool"]["setuptools"]["package-data"]["explorer"])
    present = {
        str(p.relative_to(EXPLORER))
        for p in EXPLORER.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert present == declared


def test_the_entry_point_is_the_command_line(spec: dict[str, Any]) -> None:
    entry = Path(spec["a"].scripts[0])
    assert entry == REPO_ROOT / "packaging" / "entry.py"
    assert "from explorer.cli import main" in entry.read_text("utf-8")
    scripts = PYPROJECT["project"]["scripts"]
    assert scripts == {spec["NAME"]: "explorer.cli:main"}
    assert spec["VERSION"] == PYPROJECT["project"]["version"]
    ((_, kwargs),) = spec["__built__"]["EXE"]
    assert kwargs["name"] == spec["NAME"] and kwargs["console"] is True


# --- the menu entry, the icons and the build script ----------------------------------------------


def test_the_desktop_entry_runs_the_command_with_its_icon() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(REPO_ROOT / "packaging" / "linux" / "analytics-explorer.desktop", "utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "analytics-explorer open %f"  # a file double-clicked, or none
    assert entry["MimeType"] == "application/x-analytics-explorer-exploration+json;"
    assert entry["Icon"] == "analytics-explorer"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


@pytest.mark.parametrize("size", [48, 128, 256])
def test_the_png_icons_have_their_sizes(size: int) -> None:
    data = (REPO_ROOT / "resources" / "icons" / f"analytics-explorer-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (size, size)


def test_the_build_script_parses() -> None:
    result = subprocess.run(
        ["bash", "-n", str(REPO_ROOT / "packaging" / "build.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
