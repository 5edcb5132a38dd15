"""The accounts dialog and the data-source switcher: keys to the keyring once, tests, switching."""

from __future__ import annotations

import json
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings

from explorer.api.secrets import Secret
from explorer.app import LAST_WORKSPACE_SETTING, Explorer
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.server import SandboxService
from explorer.services.account_manager import AccountManager
from explorer.services.accounts import Account, AccountBook
from explorer.services.vault import SERVICE, Vault
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.dialogs.accounts_dialog import AccountsDialog
from explorer.ui.panels.account_bar import DEMO_CHOICE
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import FakeWorkspace


@pytest.fixture
def manager() -> AccountManager:
    return AccountManager(AccountBook(), Vault())


@pytest.fixture
def dialog(qtbot: Any, manager: AccountManager) -> Any:
    runner = TaskRunner()
    dialog = AccountsDialog(manager, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not runner.in_flight())
    yield dialog
    runner.cancel_all()
    runner.shutdown()


def idle(runner: TaskRunner, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not runner.in_flight())


def fill(dialog: AccountsDialog, name: str, environment: str, url: str = "", key: str = "") -> None:
    dialog.name.setText(name)
    dialog.environment.setCurrentIndex(dialog.environment.findData(environment))
    if url:
        dialog.url.setText(url)
    dialog.key.setText(key)


def test_a_new_account_goes_to_the_book_and_its_key_to_the_keyring_once(
    qtbot: Any, dialog: AccountsDialog, manager: AccountManager, memory_keyring: MemoryKeyring
) -> None:
    assert "system keyring" in dialog.key_note.text() and not dialog.keep_in_memory.isVisible()
    dialog.start_new()
    fill(dialog, "Shop", "production", key="the-secret-key")
    with qtbot.waitSignal(dialog.accounts_changed):
        dialog.save_button.click()
    assert dialog.key.text() == ""  # typed once
    [account] = manager.accounts()
    assert (account.name, account.url, account.badge) == (
        "Shop",
        "https://ws.api.video",
        "PRODUCTION",
    )
    assert memory_keyring.passwords == {(SERVICE, account.id): "the-secret-key"}
    assert "the-secret-key" not in manager.book.path.read_text()
    assert dialog.list.currentItem().text() == "Shop  ·  PRODUCTION"
    assert dialog.key.placeholderText().startswith("stored")
    assert dialog.status.text() == "Saved Shop."

    # edit without retyping the key: the stored key stays
    fill(dialog, "Shop (sandbox)", "sandbox")
    with qtbot.waitSignal(dialog.accounts_changed):
        dialog.save_button.click()
    [edited] = manager.accounts()
    assert edited.id == account.id and edited.badge == "SANDBOX"
    assert memory_keyring.passwords == {(SERVICE, account.id): "the-secret-key"}


def test_invalid_forms_are_refused_in_words(
    dialog: AccountsDialog, manager: AccountManager
) -> None:
    dialog.start_new()
    fill(dialog, "", "production", key="k")
    dialog.save_button.click()
    assert dialog.status.text() == "an account needs a name"
    fill(dialog, "Shop", "production")
    dialog.save_button.click()
    assert "Enter the API key" in dialog.status.text()
    fill(dialog, "Shop", "custom", url="not a url", key="k")
    dialog.save_button.click()
    assert "is not a base URL" in dialog.status.text()
    assert manager.accounts() == []


def test_choosing_a_custom_url_starts_from_an_empty_field(dialog: AccountsDialog) -> None:
    dialog.start_new()
    assert dialog.url.text() == "https://ws.api.video" and not dialog.url.isEnabled()
    dialog.environment.setCurrentIndex(dialog.environment.findData("custom"))
    assert dialog.url.text() == "" and dialog.url.isEnabled()


def test_videocloud_offers_only_a_custom_url(dialog: AccountsDialog) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData("videocloud"))
    model: Any = dialog.environment.model()
    production = model.item(dialog.environment.findData("production"))
    assert not production.isEnabled() and "no public production URL" in production.toolTip()
    assert dialog.environment.currentData() == "custom" and dialog.url.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData("apivideo"))
    assert model.item(dialog.environment.findData("production")).isEnabled()


def test_test_connection_signs_in_with_the_typed_key(
    qtbot: Any, dialog: AccountsDialog, sandbox: SandboxService
) -> None:
    dialog.start_new()
    fill(dialog, "Local", "custom", url=sandbox.base_url, key=DEFAULT_API_KEY)
    dialog.test_button.click()
    idle(dialog.runner, qtbot)
    assert dialog.status.text().startswith(f"Connected to {sandbox.base_url}: the key works")
    assert "videos" in dialog.status.text()
    fill(dialog, "Local", "custom", url=sandbox.base_url, key="wrong-key")
    dialog.test_button.click()
    idle(dialog.runner, qtbot)
    assert dialog.status.text().startswith("The API key was refused")
    assert "wrong-key" not in dialog.status.text()


def test_removing_an_account_removes_its_key(
    qtbot: Any, dialog: AccountsDialog, manager: AccountManager, memory_keyring: MemoryKeyring
) -> None:
    account = Account.new("Shop", "apivideo", "production")
    manager.save(account, Secret("k1"))
    dialog.refresh(select=account.id)
    dialog.confirm_remove = lambda account: True  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.accounts_changed):
        dialog.remove_button.click()
    assert manager.accounts() == [] and memory_keyring.passwords == {}
    assert dialog.list.count() == 0 and not dialog.remove_button.isEnabled()


def test_with_no_keyring_the_key_is_kept_in_memory_only_when_asked(
    qtbot: Any, manager: AccountManager
) -> None:
    keyring.set_keyring(fail.Keyring())
    runner = TaskRunner()
    dialog = AccountsDialog(manager, runner)
    qtbot.addWidget(dialog)
    try:
        idle(runner, qtbot)
        assert "No system keyring is available" in dialog.key_note.text()
        assert "in memory for this run only" in dialog.key_note.text()
        assert not dialog.keep_in_memory.isHidden()
        fill(dialog, "Shop", "production", key="k-memory")
        dialog.save_button.click()
        assert "Tick" in dialog.status.text() and manager.accounts() == []
        dialog.keep_in_memory.setChecked(True)
        with qtbot.waitSignal(dialog.accounts_changed):
            dialog.save_button.click()
        [account] = manager.accounts()
        assert manager.vault.in_memory(account.id)
        assert "k-memory" not in manager.book.path.read_text()
    finally:
        runner.shutdown()


# --- switching -----------------------------------------------------------------------------


def demo_fake() -> Any:
    return FakeWorkspace(lambda query, cancel: None)  # type: ignore[arg-type,return-value]


def saved_local_account(sandbox: SandboxService, key: str | None = DEFAULT_API_KEY) -> Account:
    account = Account.new("Local sandbox", "apivideo", "custom", sandbox.base_url)
    AccountManager(AccountBook(), Vault()).save(account, Secret(key) if key else None)
    return account


def start(qtbot: Any, settings: QSettings) -> Explorer:
    explorer = Explorer(settings, demo_fake)
    explorer.start()
    qtbot.waitUntil(lambda: explorer.window.workspace is not None or _failed(explorer))
    qtbot.waitUntil(lambda: explorer.window.accounts is not None)
    return explorer


def _failed(explorer: Explorer) -> bool:
    page = explorer.window.results.current_page()
    return page is not None and page.stack.currentWidget() is page.error


def test_switching_to_an_account_and_back_is_remembered(
    qtbot: Any, settings: QSettings, sandbox: SandboxService
) -> None:
    account = saved_local_account(sandbox)
    explorer = start(qtbot, settings)
    window = explorer.window
    try:
        demo = window.workspace
        assert window.account_bar.badge.text().strip() == "DEMO"
        assert window.account_bar.choice.count() == 2
        window.account_bar.choice.setCurrentIndex(1)
        window.account_bar.choice.activated.emit(1)
        qtbot.waitUntil(lambda: window.workspace is not None and window.workspace is not demo)
        assert window.workspace.label == "Local sandbox"
        assert window.account_bar.badge.text().strip() == "LOCAL"
        assert window.status.badge.text() == "LOCAL"
        assert settings.value(LAST_WORKSPACE_SETTING) == account.id
        qtbot.waitUntil(lambda: window.asset_panel.model.rowCount() == 1)
        qtbot.waitUntil(lambda: demo.closed)  # the old workspace is closed, on a worker
    finally:
        explorer.shutdown()
    again = start(qtbot, settings)
    try:
        assert again.window.workspace is not None
        assert again.window.workspace.label == "Local sandbox"
        assert again.window.account_bar.choice.currentData() == account.id
        qtbot.waitUntil(lambda: not again.runner.in_flight())
        again.window.workspace_requested.emit(DEMO_CHOICE)
        qtbot.waitUntil(lambda: again.window.workspace is not None)
        assert again.window.workspace.label == "Fake project"
        assert settings.value(LAST_WORKSPACE_SETTING) == ""
    finally:
        again.shutdown()


def test_an_account_without_a_key_says_where_to_enter_it(
    qtbot: Any, settings: QSettings, sandbox: SandboxService
) -> None:
    account = saved_local_account(sandbox, key=None)
    settings.setValue(LAST_WORKSPACE_SETTING, account.id)
    explorer = start(qtbot, settings)
    try:
        page = explorer.window.results.current_page()
        assert _failed(explorer) and page is not None
        text = page.error.message.text()
        assert "'Local sandbox' has no key here" in text and "File ▸ Accounts…" in text
        dialog = explorer.window.open_accounts()
        assert dialog is not None and dialog.isVisible()
    finally:
        explorer.shutdown()


def test_removing_the_open_account_returns_to_the_demo(
    qtbot: Any, settings: QSettings, sandbox: SandboxService
) -> None:
    account = saved_local_account(sandbox)
    settings.setValue(LAST_WORKSPACE_SETTING, account.id)
    explorer = start(qtbot, settings)
    window = explorer.window
    try:
        assert window.workspace is not None and window.workspace.label == "Local sandbox"
        dialog = window.open_accounts()
        assert dialog is not None
        qtbot.waitUntil(lambda: explorer.runner.running(dialog, "check") is None)
        dialog.refresh(select=account.id)
        dialog.confirm_remove = lambda account: True  # type: ignore[method-assign]
        dialog.remove_button.click()
        qtbot.waitUntil(
            lambda: window.workspace is not None and window.workspace.label == "Fake project"
        )
        assert window.account_bar.choice.count() == 1
        stored = json.loads(AccountBook().path.read_text())
        assert stored["accounts"] == []
    finally:
        explorer.shutdown()


def test_a_videocloud_account_opens_in_the_same_window_with_its_own_builder(
    qtbot: Any, settings: QSettings
) -> None:
    from explorer.services.connection import EmbeddedSandbox, SandboxOptions
    from explorer.services.sources.videocloud.source import VideoCloudSource
    from explorer.ui.builders.report_builder import ReportBuilderPanel

    served = EmbeddedSandbox(SandboxOptions(scale="small", flavor="videocloud"))
    try:
        account = Account.new("Studio", "videocloud", "custom", served.base_url)
        AccountManager(AccountBook(), Vault()).save(account, Secret(DEFAULT_API_KEY))
        explorer = start(qtbot, settings)
        window = explorer.window
        try:
            window.workspace_requested.emit(account.id)
            qtbot.waitUntil(lambda: isinstance(window.workspace, VideoCloudSource))
            assert isinstance(window.builder, ReportBuilderPanel)
            assert window.status.badge.text() == "LOCAL"
            qtbot.waitUntil(lambda: window.asset_panel.model.rowCount() == 1)
            qtbot.waitUntil(lambda: not explorer.runner.in_flight())
            model = window.asset_panel.model
            project = model.index(0, 0)
            assert model.rowCount(project) == 1  # videos only
            assert str(model.index(0, 0, project).data()).startswith("Videos (")
            window.workspace_requested.emit(DEMO_CHOICE)
            qtbot.waitUntil(
                lambda: window.workspace is not None and window.workspace.label == "Fake project"
            )
            assert not isinstance(window.builder, ReportBuilderPanel)
        finally:
            explorer.shutdown()
    finally:
        served.stop()
