"""API keys in the OS keyring (service ``analytics-explorer``, one entry per account id).

Calls may wait on the desktop's secret service (D-Bus): make them from a worker. With no
keyring backend (a headless Linux), `unavailable()` says why in words and a key is kept only
if the person asks for it to live in memory for this run (`keep_in_memory`); nothing ever
falls back to a file. (keyring is imported on first use: it takes ~70 ms, which start-up
does not need to pay.)
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from explorer.api.errors import redact
from explorer.api.secrets import Secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "analytics-explorer"


class VaultError(Exception):
    """The keyring could not store, read or delete a key; the message says why."""


class Vault:
    """Keys by account id: the keyring, plus keys the person chose to keep for this run only."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend
        self._memory: dict[str, Secret] = {}
        self._lock = threading.Lock()

    @property
    def backend(self) -> KeyringBackend:
        import keyring

        return self._backend or keyring.get_keyring()

    def unavailable(self) -> str | None:
        """Why keys cannot be stored in a keyring here, or None when they can."""
        from keyring.backends import fail

        if isinstance(self.backend, fail.Keyring):
            return (
                "No system keyring is available (no Secret Service, KWallet or macOS/Windows "
                "keychain was found), so the key cannot be saved."
            )
        return None

    def store(self, account_id: str, key: Secret, *, keep_in_memory: bool = False) -> None:
        """Save `key` in the keyring, or for this run only when `keep_in_memory`."""
        with self._lock:
            if keep_in_memory:
                self._memory[account_id] = key
                return
            self._memory.pop(account_id, None)
        reason = self.unavailable()
        if reason is not None:
            raise VaultError(reason)
        from keyring.errors import KeyringError

        try:
            self.backend.set_password(SERVICE, account_id, key.reveal())
        except KeyringError as error:
            raise VaultError(f"the keyring refused to save the key: {_why(error)}") from None

    def load(self, account_id: str) -> Secret | None:
        """The account's key, or None when none is stored."""
        with self._lock:
            if account_id in self._memory:
                return self._memory[account_id]
        if self.unavailable() is not None:
            return None
        from keyring.errors import KeyringError

        try:
            value = self.backend.get_password(SERVICE, account_id)
        except KeyringError as error:
            raise VaultError(f"the keyring could not be read: {_why(error)}") from None
        return Secret(value) if value else None

    def in_memory(self, account_id: str) -> bool:
        with self._lock:
            return account_id in self._memory

    def remove(self, account_id: str) -> None:
        """Forget the account's key, wherever it is; a key that is not there is no error."""
        with self._lock:
            self._memory.pop(account_id, None)
        if self.unavailable() is not None:
            return
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            self.backend.delete_password(SERVICE, account_id)
        except PasswordDeleteError:
            pass
        except KeyringError as error:
            raise VaultError(f"the keyring could not delete the key: {_why(error)}") from None


def _why(error: Exception) -> str:
    """The keyring's reason, without anything it may have echoed back."""
    text = redact(str(error)).strip() or type(error).__name__
    return text.splitlines()[0][:200]
