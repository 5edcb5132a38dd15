"""The accounts dialog: add, edit, remove, test and switch to accounts; keys go to the keyring.

The key is typed once: the field is cleared as soon as the key is handed to the vault, and an
account being edited shows that a key is stored without showing it. Every keyring, file and
network step runs on the task runner; the dialog only says what happened.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.services.account_manager import AccountManager
from explorer.services.accounts import ENVIRONMENTS, KINDS, KNOWN_URLS, Account, AccountError
from explorer.services.errors import describe_error
from explorer.services.vault import Secret
from explorer.ui.bridge.tasks import TaskRunner


class AccountsDialog(QDialog):
    account_chosen = Signal(str)  # "Use this account": its id
    accounts_changed = Signal()  # saved or removed

    def __init__(
        self, manager: AccountManager, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.manager = manager
        self.runner = runner
        self.keyring_problem: str | None = None
        self.setWindowTitle("Accounts")
        self.setObjectName("accounts-dialog")
        self.resize(760, 420)

        self.list = QListWidget(self)
        self.list.setAccessibleName("Saved accounts")
        self.add_button = QPushButton("&Add", self)
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setToolTip("Remove the account and its key from the keyring")
        self.name = QLineEdit(self)
        self.name.setAccessibleName("Account name")
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Kind of API")
        for kind, label in KINDS.items():
            self.kind.addItem(label, kind)
        self.environment = QComboBox(self)
        self.environment.setAccessibleName("Environment")
        for environment, label in ENVIRONMENTS.items():
            self.environment.addItem(label, environment)
        self.url = QLineEdit(self)
        self.url.setAccessibleName("Base URL")
        self.url.setPlaceholderText("https://… (a proxy, a local sandbox)")
        self.key = QLineEdit(self)
        self.key.setAccessibleName("API key")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_note = QLabel(self)
        self.key_note.setWordWrap(True)
        self.keep_in_memory = QCheckBox("Keep the key in memory for this run only", self)
        self.keep_in_memory.setToolTip("It is forgotten when the app quits; never written to disk")
        self.keep_in_memory.hide()
        self.test_button = QPushButton("&Test connection", self)
        self.save_button = QPushButton("&Save", self)
        self.use_button = QPushButton("&Use this account", self)
        self.status = QLabel(self)
        self.status.setAccessibleName("Accounts status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout()
        self._connect()
        self.refresh()
        vault = self.manager.vault  # workers are handed services, never this dialog
        self.runner.run(
            lambda cancel, progress: vault.unavailable(), owner=self, slot="check",
            label="Looking for the keyring", done=self._on_keyring_checked, failed=self._on_failed,
        )  # fmt: skip

    def _layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&API", self.kind)
        form.addRow("&Environment", self.environment)
        form.addRow("Base &URL", self.url)
        form.addRow("API &key", self.key)
        form.addRow("", self.key_note)
        form.addRow("", self.keep_in_memory)
        actions = QHBoxLayout()
        for button in (self.test_button, self.save_button, self.use_button):
            actions.addWidget(button)
        actions.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(actions)
        right.addWidget(self.status)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(columns)
        outer.addWidget(close)

    def _connect(self) -> None:
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.add_button.clicked.connect(self.start_new)
        self.remove_button.clicked.connect(self.remove_current)
        self.kind.currentIndexChanged.connect(self._on_kind_current_index_changed)
        self.environment.currentIndexChanged.connect(self._sync_url)
        self.test_button.clicked.connect(self.test_current)
        self.save_button.clicked.connect(self.save_current)
        self.use_button.clicked.connect(self.use_current)

    # --- the list ---------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Refill the list from the manager; select `select` (an id), else keep the current."""
        select = select if select is not None else self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for account in self.manager.accounts():
            item = QListWidgetItem(f"{account.name}  ·  {account.badge}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            item.setToolTip(f"{KINDS[account.kind]} at {account.url}")
            if account.id == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._show(self.current_account())

    def _on_list_current_item_changed(self) -> None:
        self._show(self.current_account())

    def current_id(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def current_account(self) -> Account | None:
        return self.manager.book.get(self.current_id()) if self.current_id() else None

    def start_new(self) -> None:
        self.list.setCurrentItem(None)  # type: ignore[arg-type]
        self._show(None)
        self.name.setFocus()

    def _show(self, account: Account | None) -> None:
        self.name.setText(account.name if account else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(account.kind if account else "")))
        environment = account.environment if account else "production"
        self.environment.setCurrentIndex(max(0, self.environment.findData(environment)))
        self.url.setText(account.base_url if account else "")
        self.key.clear()
        self.key.setPlaceholderText(
            "stored: type a new key to replace it" if account else "paste the API key"
        )
        self.remove_button.setEnabled(account is not None)
        self.use_button.setEnabled(account is not None)
        self._on_kind_current_index_changed()
        self.status.clear()

    # --- the form ---------------------------------------------------------------------------

    def _on_kind_current_index_changed(self) -> None:
        """Offer the environments this kind of API has; the others say why not."""
        kind = str(self.kind.currentData())
        model = self.environment.model()
        for row in range(self.environment.count()):
            environment = str(self.environment.itemData(row))
            known = environment == "custom" or (kind, environment) in KNOWN_URLS
            item = model.item(row)  # type: ignore[attr-defined]
            item.setEnabled(known)
            item.setToolTip("" if known else f"{KINDS[kind]} has no public {environment} URL")
        if not model.item(self.environment.currentIndex()).isEnabled():  # type: ignore[attr-defined]
            self.environment.setCurrentIndex(self.environment.findData("custom"))
        self._sync_url()

    def _sync_url(self) -> None:
        custom = self.environment.currentData() == "custom"
        self.url.setEnabled(custom)
        if custom and self.url.text() in KNOWN_URLS.values():
            self.url.clear()  # a known URL shown greyed is not a custom one to edit
        if not custom:
            known = KNOWN_URLS.get(
                (str(self.kind.currentData()), str(self.environment.currentData()))
            )
            self.url.setText(known or "")

    def form_account(self) -> Account:
        """The account as the form describes it (a new id for a new one); AccountError if not."""
        existing = self.current_account()
        environment = str(self.environment.currentData())
        url = self.url.text().strip() if environment == "custom" else ""
        fields = {"name": self.name.text().strip(), "kind": str(self.kind.currentData())}
        if existing is None:
            return Account.new(fields["name"], fields["kind"], environment, url)
        account = replace(existing, **fields, environment=environment, base_url=url)
        account.check()
        return account

    def _checked_form(self, missing_key: str) -> tuple[Account, Secret | None] | None:
        """The form's account and typed key, or None after saying what is wrong; a new
        account needs a key (`missing_key` says so)."""
        try:
            account = self.form_account()
        except AccountError as error:
            self._say(str(error))
            return None
        text = self.key.text().strip()
        if not text and self.current_account() is None:
            self._say(missing_key)
            return None
        return account, Secret(text) if text else None

    # --- actions ----------------------------------------------------------------------------

    def save_current(self) -> None:
        checked = self._checked_form("Enter the API key (it goes to the keyring, never to a file).")
        if checked is None:
            return
        account, key = checked
        memory_only = self.keyring_problem is not None
        if key is not None and memory_only and not self.keep_in_memory.isChecked():
            self._say(f"{self.keyring_problem} Tick “keep in memory for this run” to go on.")
            return
        self.key.clear()  # typed once: from here on only the vault has it
        manager = self.manager
        self.runner.run(
            lambda cancel, progress: manager.save(account, key, keep_in_memory=memory_only),
            owner=self, slot="save", label=f"Saving account {account.name}",
            done=self._on_saved, failed=self._on_failed,
        )  # fmt: skip
        self._say("Saving…")

    def remove_current(self) -> None:
        account = self.current_account()
        if account is None or not self.confirm_remove(account):
            return
        manager = self.manager
        self.runner.run(
            lambda cancel, progress: manager.remove(account.id),
            owner=self, slot="remove", label=f"Removing account {account.name}",
            done=self._on_removed, failed=self._on_failed,
        )  # fmt: skip

    def confirm_remove(self, account: Account) -> bool:
        """Ask before removing; tests replace this (it is the dialog's only modal step)."""
        answer = QMessageBox.question(
            self,
            "Remove account",
            f"Remove “{account.name}” and delete its key from the keyring?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def test_current(self) -> None:
        checked = self._checked_form("Enter the API key to test it.")
        if checked is None:
            return
        account, key = checked
        manager = self.manager
        self.runner.run(
            lambda cancel, progress: manager.test(account, key, cancel),
            owner=self, slot="test", label=f"Testing {account.url}",
            done=self._say, failed=self._on_failed,
        )  # fmt: skip
        self._say(f"Testing {account.url}…")

    def use_current(self) -> None:
        if self.current_id():
            self.account_chosen.emit(self.current_id())
            self.accept()

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # --- results ----------------------------------------------------------------------------

    def _on_keyring_checked(self, problem: str | None) -> None:
        self.keyring_problem = problem
        self.keep_in_memory.setVisible(problem is not None)
        self.key_note.setText(
            problem + " The key can be kept in memory for this run only."
            if problem
            else "The key is stored in the system keyring, never in a file."
        )

    def _on_saved(self, account: Account) -> None:
        self.refresh(select=account.id)
        self._say(f"Saved {account.name}.")
        self.accounts_changed.emit()

    def _on_removed(self, _result: object) -> None:
        self.refresh(select="")
        self._say("Removed the account and its key.")
        self.accounts_changed.emit()

    def _on_failed(self, error: BaseException) -> None:
        report = describe_error(error)
        self._say(f"{report.headline}: {report.message}")
