"""What the accounts dialog and the switcher do: save, remove, test and open accounts.

How an account of a kind is opened and tested is its kind's (`explorer.services.sources`).

Every method is a blocking call for a worker (the keyring may wait on D-Bus, the book is a
file, a test is a request). The book and the vault are shared: one manager per app.
"""

from __future__ import annotations

import threading

from explorer.api.secrets import Secret
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken
from explorer.services.accounts import Account, AccountBook, AccountError
from explorer.services.source import DataSource
from explorer.services.sources import kind_named
from explorer.services.vault import Vault


class MissingKey(AccountError):
    """The account has no key here (never entered, or kept in memory by an earlier run)."""


class AccountManager:
    def __init__(self, book: AccountBook, vault: Vault) -> None:
        self.book = book
        self.vault = vault
        self._lock = threading.Lock()  # one change at a time: the book is read-modify-write

    def accounts(self) -> list[Account]:
        return list(self.book)

    def save(
        self, account: Account, key: Secret | None, *, keep_in_memory: bool = False
    ) -> Account:
        """Save the account; store `key` when given (a None key keeps the stored one). The key
        goes first, so a keyring that refuses it leaves the book as it was."""
        account.check()
        with self._lock:
            if key is not None:
                self.vault.store(account.id, key, keep_in_memory=keep_in_memory)
            self.book.save(account)
        return account

    def remove(self, account_id: str) -> None:
        """Remove the account and its key."""
        with self._lock:
            self.vault.remove(account_id)
            self.book.remove(account_id)

    def key_of(self, account: Account) -> Secret:
        key = self.vault.load(account.id)
        if key is None:
            reason = self.vault.unavailable() or "the keyring holds no key for it"
            raise MissingKey(
                f"account {account.name!r} has no key here: {reason.rstrip('.')}. "
                "Enter it in File ▸ Accounts…"
            )
        return key

    def test(
        self, account: Account, key: Secret | None, cancel: CancelToken = NEVER_CANCELLED
    ) -> str:
        """Try the key with a real request of the account's API; a sentence saying what was
        found, or the client's error (refused key, unreachable host…)."""
        account.check()
        probe = kind_named(account.kind).probe
        found = probe(account.url, key or self.key_of(account), cancel)
        return f"Connected to {account.url}: {found}."

    def open(self, account_id: str) -> DataSource:
        """The data source of a saved account, with its key from the vault."""
        account = self.book.get(account_id)
        if account is None:
            raise AccountError("that account no longer exists")
        opened: DataSource = kind_named(account.kind).open(account, self.key_of(account))
        return opened
