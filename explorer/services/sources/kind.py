"""What a kind of source is: one record per API the explorer speaks (`SourceKind`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from explorer.api.limits import RetryPolicy
from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken
from explorer.services.source import DataSource

if TYPE_CHECKING:  # the sandbox: not imported before the window's first paint
    from explorer.services.accounts import Account

S = TypeVar("S", bound=DataSource, covariant=True)
TEST_RETRY = RetryPolicy(attempts=2, rate_limited_attempts=2, max_rate_limit_wait_s=5.0)
"""How `SourceKind.probe` tries a key while a person waits: few retries, short waits."""


@dataclass(frozen=True)
class SourceKind(Generic[S]):
    """One API the explorer speaks, and everything that differs between APIs.

    ``key`` names the kind everywhere: an account's ``kind`` in the account book, the
    command line's ``--api-kind`` and ``--sandbox-flavor``, the sandbox flavour that serves
    its demo (`explorer.sandbox.flavors`), the ui's builder registry (`explorer.ui.builders`).
    """

    key: str  # "apivideo"
    label: str  # "VideoCloud Analytics API": what the accounts dialog and messages call it
    name: str  # "VideoCloud": the short name, in running text ("Studio (VideoCloud, DEMO)")
    connect: Callable[[str, Secret, str, str], S]
    """(base URL, key, label, badge) -> the source; nothing is sent yet."""
    demo: Callable[..., S]
    """(options: SandboxOptions, progress: ProgressCallback | None = None) -> the built-in
    sandbox serving this kind's flavour, started in-process (``progress`` hears how far
    generating its data is, on first use)."""
    probe: Callable[[str, Secret, CancelToken], str]
    """Try a key with one real request (base URL, key): a sentence saying what was found."""
    catalogue: object  # the questions it can be asked (the ui builds its builder for it)
    key_variable: str  # the variable "Copy as curl" leaves for the key: API_VIDEO_KEY
    commands: str  # the command line's commands it takes, in words
    urls: Mapping[str, str] = field(default_factory=dict)
    """Its public base URLs by environment (production, sandbox); others need a custom URL."""

    def open(self, account: Account, key: Secret) -> S:
        """A saved account's source; ``account_id`` keys what the store keeps of it."""
        source = self.connect(account.url, key, account.name, account.badge)
        source.account_id = account.id
        return source
