"""Project-wide pytest set-up: what is collected, the hang watchdog, keyring and app folders."""

from __future__ import annotations

import faulthandler
import os
from collections.abc import Generator, Iterator
from pathlib import Path

import keyring
import pytest

from tests.contract import CONTRACT_DIR
from tests.memory_keyring import MemoryKeyring

# GUI tests wait patiently for what must happen (a `qtbot` whose waits default to minutes).
pytest_plugins = ["tests.support.patience"]

# Benchmarks print figures instead of asserting; run them with `python tests/benchmarks/run.py`.
collect_ignore = ["benchmarks"]


HARD_LIMIT_S = 300
"""A test still running after this long ends the run with every thread's stack. pytest-timeout's
limit (pyproject) comes first, but its timer is a Python thread: a deadlock that holds the GIL
silences it, and the run would hang until CI's own limit. faulthandler's timer needs no GIL.
A test that is slow by nature (the package build) says how long it may take with
`@pytest.mark.hard_limit(SECONDS)`."""

_WATCHDOG_FD = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    # The terminal's stderr, kept before any test's output capture redirects fd 2.
    config.stash[_WATCHDOG_FD] = os.dup(2)


def pytest_unconfigure(config: pytest.Config) -> None:
    os.close(config.stash[_WATCHDOG_FD])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    marker = item.get_closest_marker("hard_limit")
    limit = marker.args[0] if marker else HARD_LIMIT_S
    faulthandler.dump_traceback_later(limit, exit=True, file=item.config.stash[_WATCHDOG_FD])
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


def pytest_report_header(config: pytest.Config) -> str:
    return f"API contract (specs, VideoCloud examples): {CONTRACT_DIR}"


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
