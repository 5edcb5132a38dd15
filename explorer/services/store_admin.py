"""What the "Local store" dialog shows and does: where the store is, its size, clearing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from explorer.services.local_cache import DEMO_SCOPE
from explorer.store import Store


@dataclass(frozen=True)
class StoredAccount:
    scope: str  # the account id, or "demo"
    name: str  # as the account book names it now ("a removed account" if it is gone)
    size_bytes: int


@dataclass(frozen=True)
class StoreSummary:
    path: Path
    size_bytes: int  # the file and its write-ahead log on disk
    accounts: list[StoredAccount]


class StoreAdmin:
    """Blocking calls for a worker, over the app's one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def summary(self, names: dict[str, str]) -> StoreSummary:
        """The store's size and each account's share; `names` maps account ids to names."""
        accounts = [
            StoredAccount(
                scope,
                "Demo project" if scope == DEMO_SCOPE else names.get(scope, "a removed account"),
                self.store.account_size_bytes(scope),
            )
            for scope in self.store.accounts()
        ]
        accounts.sort(key=lambda a: a.name.casefold())
        return StoreSummary(self.store.path, self.store.size_bytes(), accounts)

    def clear(self, scope: str, names: dict[str, str]) -> StoreSummary:
        """Forget everything kept for one account (and give the space back); the new summary."""
        self.store.clear(scope)
        return self.summary(names)
