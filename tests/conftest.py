"""Project-wide pytest set-up: what is collected, and where the shared contract lives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring
from tests.spec_support import shared_dir

# Benchmarks print figures instead of asserting; run them with `python tests/benchmarks/run.py`.
collect_ignore = ["benchmarks"]


def pytest_report_header(config: pytest.Config) -> str:
    return f"shared dir (specs, seeds): {shared_dir()}"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring: none ever touches the machine's own."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def own_app_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config (accounts, settings), data (the store) and logs go to a folder of the test's own;
    the cache (the sandbox's generated datasets) stays shared, so datasets are built once."""
    root = tmp_path_factory.mktemp("app-dirs")
    for variable, name in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(variable, str(root / name))
    return root
