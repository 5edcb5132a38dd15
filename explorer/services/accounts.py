"""Saved accounts: a name, a kind of API, an environment or base URL; never the key.

The account book is a small JSON file in the user's config directory, written atomically;
the keys live in the OS keyring (`explorer.services.vault`), under the account's id. The
GUI's accounts dialog and the command line's ``--account NAME`` read the same book.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from explorer.atomic_write import atomic_write, describe_write_error
from explorer.services import sources
from explorer.services.app_dirs import config_dir

KINDS = {kind.key: kind.label for kind in sources.KINDS}  # key -> what the dialog calls it
ENVIRONMENTS = {"production": "Production", "sandbox": "Sandbox", "custom": "Custom URL"}
KNOWN_URLS = {
    (kind.key, environment): url for kind in sources.KINDS for environment, url in kind.urls.items()
}
BOOK_NAME = "accounts.json"
BOOK_VERSION = 1


class AccountError(Exception):
    """An account is invalid, unknown, or the book cannot be read or written; in words."""


@dataclass(frozen=True)
class Account:
    """One saved account. `environment` is production, sandbox or custom (then `base_url`)."""

    id: str
    name: str
    kind: str = sources.DEFAULT.key  # the key of its kind of source
    environment: str = "production"
    base_url: str = ""

    @classmethod
    def new(cls, name: str, kind: str, environment: str, base_url: str = "") -> Account:
        account = cls(uuid.uuid4().hex, name.strip(), kind, environment, base_url.strip())
        account.check()
        return account

    @property
    def url(self) -> str:
        """Where its requests go."""
        if self.environment == "custom":
            return self.base_url.rstrip("/")
        return KNOWN_URLS[(self.kind, self.environment)]

    @property
    def badge(self) -> str:
        """PRODUCTION, SANDBOX or LOCAL: a custom URL on this machine or a private network is
        LOCAL; any other custom URL may hold real data, so it is PRODUCTION."""
        if self.environment == "sandbox":
            return "SANDBOX"
        if self.environment == "custom" and _is_local(self.url):
            return "LOCAL"
        return "PRODUCTION"

    def check(self) -> None:
        """Raise AccountError naming the first thing wrong."""
        if not self.name:
            raise AccountError("an account needs a name")
        if self.kind not in KINDS:
            raise AccountError(f"unknown kind of API {self.kind!r}")
        if self.environment not in ENVIRONMENTS:
            raise AccountError(f"unknown environment {self.environment!r}")
        if self.environment == "custom":
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise AccountError(
                    f"{self.base_url!r} is not a base URL (like https://api.example.com)"
                )
            if parts.username or parts.password or parts.query:
                raise AccountError("the base URL must not carry credentials or a query")
            if self.base_url.count("://") != 1 or any(c.isspace() for c in self.base_url.strip()):
                raise AccountError(f"{self.base_url!r} is not one base URL")
        elif (self.kind, self.environment) not in KNOWN_URLS:
            raise AccountError(f"{KINDS[self.kind]} accounts need a custom base URL")


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


class AccountBook:
    """The saved accounts, in the order they were added; `path` is the JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / BOOK_NAME
        self._accounts = self._read()

    def __iter__(self) -> Iterator[Account]:
        return iter(list(self._accounts))

    def __len__(self) -> int:
        return len(self._accounts)

    def get(self, account_id: str) -> Account | None:
        return next((a for a in self._accounts if a.id == account_id), None)

    def named(self, name: str) -> Account:
        """The account called `name` (case-insensitive), or AccountError listing the names."""
        for account in self._accounts:
            if account.name.casefold() == name.strip().casefold():
                return account
        known = ", ".join(a.name for a in self._accounts) or "none saved yet"
        raise AccountError(f"no account named {name!r} (accounts: {known})")

    def save(self, account: Account) -> None:
        """Add `account`, or replace the one with its id; names are unique."""
        account.check()
        for other in self._accounts:
            if other.id != account.id and other.name.casefold() == account.name.casefold():
                raise AccountError(f"an account named {other.name!r} exists already")
        accounts = [account if a.id == account.id else a for a in self._accounts]
        if account not in accounts:
            accounts.append(account)
        self._write(accounts)
        self._accounts = accounts

    def rename(self, account_id: str, name: str) -> Account:
        account = self.get(account_id)
        if account is None:
            raise AccountError("that account no longer exists")
        renamed = replace(account, name=name.strip())
        self.save(renamed)
        return renamed

    def remove(self, account_id: str) -> None:
        accounts = [a for a in self._accounts if a.id != account_id]
        self._write(accounts)
        self._accounts = accounts

    def _read(self) -> list[Account]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as error:
            raise AccountError(f"cannot read the accounts file {self.path}: {error}") from None
        try:
            document = json.loads(text)
            return [Account(**entry) for entry in document["accounts"]]
        except (ValueError, KeyError, TypeError) as error:
            raise AccountError(
                f"the accounts file {self.path} is damaged ({error}); move it aside to start afresh"
            ) from None

    def _write(self, accounts: list[Account]) -> None:
        document = {"version": BOOK_VERSION, "accounts": [asdict(a) for a in accounts]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(self.path) as handle:
                json.dump(document, handle, indent=2)
        except OSError as error:
            raise AccountError(
                f"cannot save the accounts: {describe_write_error(error, self.path)}"
            ) from None
