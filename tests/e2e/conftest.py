"""End-to-end fixtures: a fresh profile (home, config, cache, data) and the thread-leak guard."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from explorer.app import EXIT_WHEN_READY_VARIABLE, NOW_VARIABLE, SCALE_VARIABLE
from tests.support.gui_collector import (  # noqa: F401 (fixtures)
    collections_only_on_the_gui_thread,
    gui_collector,
)
from tests.ui.conftest import OFFSCREEN_NOISE, THREAD_GRACE_S, leaked_threads

PINNED_NOW = "2026-03-10T13:25:00Z"
"""The demo's now in these tests: a second request for the same question gets the same answer
(with the real clock, the current hour's figures grow between the window's request and the
test's own)."""

PROFILE_VARIABLES = {
    "HOME": "home",
    "XDG_CONFIG_HOME": "config",
    "XDG_CACHE_HOME": "cache",
    "XDG_DATA_HOME": "data",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@dataclass(frozen=True)
class Profile:
    """A first launch: empty home, config, cache and data folders, and the small sandbox with
    its clock pinned to PINNED_NOW."""

    root: Path

    def folder(self, variable: str) -> Path:
        return self.root / PROFILE_VARIABLES[variable]

    def sandbox_files(self) -> list[Path]:
        """The sandbox datasets generated in this profile's cache."""
        cache = self.folder("XDG_CACHE_HOME") / "analytics-explorer" / "sandbox"
        return sorted(cache.glob("*.sqlite"))


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile:
    made = Profile(tmp_path / "profile")
    for variable, name in PROFILE_VARIABLES.items():
        folder = made.root / name
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))
    monkeypatch.setenv(SCALE_VARIABLE, "small")
    monkeypatch.setenv(NOW_VARIABLE, PINNED_NOW)
    monkeypatch.delenv(EXIT_WHEN_READY_VARIABLE, raising=False)
    return made


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail the test if it leaves threads running (a worker, the sandbox, a connection)."""
    before = set(threading.enumerate())
    yield
    extra = leaked_threads(before, THREAD_GRACE_S)
    if extra:
        pytest.fail(f"the test left threads running: {sorted(t.name for t in extra)}")
