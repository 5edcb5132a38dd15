"""The window with the local store: stored assets first, offline copies marked, the store dialog."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.server import SandboxService
from explorer.services.store_admin import StoreAdmin
from explorer.store import Store, open_store
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.dialogs.store_dialog import StoreDialog, format_size
from explorer.ui.main_window import MainWindow
from tests.ui.conftest import PINNED_NOW, PinnedWorkspace


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3")
    yield opened.store
    opened.store.close()


@pytest.fixture
def window(qtbot: Any, settings: QSettings) -> Iterator[MainWindow]:
    runner = TaskRunner()
    window = MainWindow(settings, runner)
    qtbot.addWidget(window)
    window.show()
    yield window
    runner.cancel_all()
    runner.shutdown()


def workspace_on(url: str, store: Store, retry: bool = True) -> PinnedWorkspace:
    options = ClientOptions() if retry else ClientOptions(retry=RetryPolicy(attempts=1))
    client = ApiVideoClient(url, Secret(DEFAULT_API_KEY), options=options)
    workspace = PinnedWorkspace(client, "Shop", "LOCAL")
    workspace.account_id = "acc-1"
    workspace.attach_store(store)
    return workspace


def settle(window: MainWindow, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not window.runner.in_flight())


def test_offline_the_window_shows_what_was_stored_and_says_how_old(
    qtbot: Any, window: MainWindow, store: Store, sandbox: SandboxService
) -> None:
    online = workspace_on(sandbox.base_url, store)
    window.set_workspace(online)
    settle(window, qtbot)
    assert not window.status.offline.isVisibleTo(window)
    videos = window.asset_panel.model.rowCount()
    page = window.run_query()
    assert page is not None
    settle(window, qtbot)
    assert page.result is not None and page.result.provenance is None
    fresh_values = page.result.to_rows()
    online.close()

    offline = workspace_on("http://127.0.0.1:9", store, retry=False)
    try:
        window.set_workspace(offline)
        settle(window, qtbot)
        assert window.asset_panel.model.rowCount() == videos
        assert window.status.offline.isVisibleTo(window)
        assert "Offline: the API cannot be reached" in window.asset_panel.status.text()
        again = window.run_query()
        assert again is not None
        settle(window, qtbot)
        assert again.result is not None and again.result.provenance is not None
        assert again.result.to_rows() == fresh_values
        assert "OFFLINE: the stored copy from" in again.header.text()
        assert again.fetched_at == PINNED_NOW
    finally:
        offline.close()


def test_a_timeseries_beyond_the_lookback_is_allowed_with_a_store(
    qtbot: Any, window: MainWindow, store: Store, sandbox: SandboxService
) -> None:
    workspace = workspace_on(sandbox.base_url, store)
    try:
        window.set_workspace(workspace)
        settle(window, qtbot)
        long = replace(
            window.builder.query(),
            endpoint=Endpoint.TIMESERIES,
            metric="play",
            aggregation=None,
            breakdown=None,
            interval="day",
            start=PINNED_NOW - timedelta(days=45),
            end=PINNED_NOW,
        )
        assert long.validate(PINNED_NOW, history=workspace.has_history) == []
        assert workspace.has_history
    finally:
        workspace.close()


def test_the_store_dialog_shows_sizes_and_clears_one_account(
    qtbot: Any, store: Store, sandbox: SandboxService
) -> None:
    for account in ("acc-1", "acc-2"):
        workspace = workspace_on(sandbox.base_url, store)
        workspace.account_id = account
        workspace.attach_store(store)
        workspace.load_assets()
        workspace.run_query(Query(endpoint=Endpoint.METRICS, metric="play", aggregation="count"))
        workspace.close()
    runner = TaskRunner()
    dialog = StoreDialog(StoreAdmin(store), {"acc-1": "Shop", "acc-2": "Lab"}, runner)
    qtbot.addWidget(dialog)
    try:
        qtbot.waitUntil(lambda: dialog.summary is not None)
        assert dialog.summary is not None
        assert str(store.path) in dialog.where.text()
        assert format_size(dialog.summary.size_bytes) in dialog.where.text()
        names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        assert names == ["Lab", "Shop"]
        assert all(a.size_bytes > 0 for a in dialog.summary.accounts)
        dialog.table.selectRow(1)
        assert dialog.clear_button.isEnabled()
        dialog.clear_button.click()
        qtbot.waitUntil(lambda: dialog.status.text() == "Cleared.")
        assert [a.name for a in dialog.summary.accounts] == ["Lab"]
        assert store.assets("acc-1", "videos") is None
        assert store.assets("acc-2", "videos") is not None
    finally:
        runner.shutdown()


def test_sizes_read_like_a_person_writes_them() -> None:
    assert format_size(512) == "512 bytes"
    assert format_size(2048) == "2.0 KB"
    assert format_size(5 * 1024 * 1024 + 1) == "5.0 MB"


def test_the_app_starts_on_a_damaged_store_and_says_what_it_did(
    qtbot: Any, settings: QSettings
) -> None:
    from explorer.app import Explorer
    from explorer.store import default_store_path
    from tests.ui.conftest import FakeWorkspace

    path = default_store_path()  # under this test's own XDG_DATA_HOME
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    explorer = Explorer(settings, lambda: FakeWorkspace(lambda query, cancel: None))  # type: ignore[arg-type, return-value]
    messages: list[str] = []
    explorer.window.status.messageChanged.connect(messages.append)
    explorer.start()
    try:
        qtbot.waitUntil(lambda: explorer.window.workspace is not None)
        qtbot.waitUntil(lambda: any("moved to" in m for m in messages))
        notice = next(m for m in messages if "moved to" in m)
        assert "is damaged" in notice and str(path) in notice
        assert explorer.window.store_admin is not None
        assert [p.name for p in path.parent.iterdir() if "corrupt" in p.name]
    finally:
        explorer.shutdown()
