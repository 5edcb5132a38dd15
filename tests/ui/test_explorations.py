"""Explorations as files in the window: the tabs saved, then opened in a fresh profile (new
settings, new app folders, a new window), show the same questions with the same numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ScalarResult
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.server import SandboxService
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.main_window import MainWindow
from tests.ui.conftest import ZONE, PinnedWorkspace, wait_idle
from tests.ui.test_main_window import build, run


def numbers(window: MainWindow) -> list[tuple[str, Any]]:
    """Each result tab's title and the figures it shows."""
    found = []
    for page in window.results.pages():
        result = page.result
        if isinstance(result, ScalarResult):
            found.append((page.title, page.scalar_view.number.text()))
        elif isinstance(result, BucketFrame):
            names, widths = page.breakdown_view.bar_values()
            found.append((page.title, (list(names), widths.tolist())))
    return found


def fresh_window(qtbot: Any, tmp_path: Path, name: str, runner: TaskRunner) -> MainWindow:
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, runner)
    qtbot.addWidget(window)
    window.builder.time_range.set_zone(ZONE)
    return window


def fresh_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        folder = tmp_path / "fresh" / variable.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))


@pytest.mark.parametrize("with_data", [False, True])
def test_a_saved_exploration_reopened_in_a_fresh_profile_shows_the_same_numbers(
    qtbot: Any,
    ready_window: MainWindow,
    sandbox: SandboxService,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_data: bool,
) -> None:
    build(ready_window, Endpoint.BUCKETS, "play", breakdown="country")
    run(qtbot, ready_window)
    build(ready_window, Endpoint.METRICS, "watch-time", aggregation="sum")
    run(qtbot, ready_window, new_tab=True)
    saved = numbers(ready_window)
    assert len(saved) == 2 and saved[0][1][0]  # a breakdown with bars, and a number
    path = tmp_path / "saved.aexplore"
    ready_window.save_exploration(path, with_data=with_data)
    qtbot.waitUntil(path.exists, timeout=60_000)
    document = json.loads(path.read_text("utf-8"))
    assert [("data" in t) for t in document["tabs"]] == [with_data, with_data]

    fresh_profile(tmp_path, monkeypatch)
    window = fresh_window(qtbot, tmp_path, "fresh", runner)
    window.open_exploration(path)
    if with_data:  # the saved answers show at once, before any source is open
        qtbot.waitUntil(lambda: len(numbers(window)) == 2, timeout=60_000)
        assert numbers(window) == saved
        assert "exploration file" in window.results.pages()[-1].header.text()
    else:
        qtbot.waitUntil(lambda: len(window.results.pages()) == 3, timeout=60_000)
        assert numbers(window) == []
    workspace = PinnedWorkspace(
        ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY)), "Handmade project", "DEMO"
    )
    try:
        window.set_workspace(workspace)  # the questions are asked again of the source
        qtbot.waitUntil(
            lambda: all(
                p.fetched_at is not None and not p.running for p in window.results.pages()[1:]
            ),
            timeout=60_000,
        )
        wait_idle(qtbot, runner)
        assert numbers(window) == saved
        assert [p.title for p in window.results.pages()[1:]] == [t for t, _ in saved]
        assert window.results.current_page() is window.results.pages()[-1]  # as saved
    finally:
        wait_idle(qtbot, runner)
        workspace.close()


def test_the_last_runs_tabs_come_back_on_launch_answered_from_the_store(
    qtbot: Any,
    window: MainWindow,
    sandbox: SandboxService,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    from explorer.store import open_store

    with open_store(tmp_path / "store.sqlite3").store as store:
        first = PinnedWorkspace(
            ApiVideoClient(sandbox.base_url, Secret(DEFAULT_API_KEY)), "Handmade project", "DEMO"
        )
        first.attach_store(store)
        window.set_workspace(first)
        wait_idle(qtbot, runner)
        build(window, Endpoint.BUCKETS, "play", breakdown="country")
        run(qtbot, window)
        build(window, Endpoint.METRICS, "watch-time", aggregation="sum")
        run(qtbot, window, new_tab=True)
        window.results.setCurrentIndex(0)
        saved = numbers(window)
        window.close()  # saves the state, the tabs with it
        wait_idle(qtbot, runner)
        first.close()

        # the next launch: same settings, the API out of reach (a closed port)
        again = MainWindow(window.settings, runner)
        qtbot.addWidget(again)
        offline = PinnedWorkspace(
            ApiVideoClient("http://127.0.0.1:9", Secret(DEFAULT_API_KEY)),
            "Handmade project",
            "DEMO",
        )
        offline.attach_store(store)
        try:
            again.set_workspace(offline)
            qtbot.waitUntil(lambda: len(numbers(again)) == 2, timeout=60_000)
            wait_idle(qtbot, runner)
            assert numbers(again) == saved
            assert len(again.results.pages()) == 2  # the empty first tab made way
            assert again.results.current_page() is again.results.pages()[0]
        finally:
            wait_idle(qtbot, runner)
            offline.close()
