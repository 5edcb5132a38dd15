"""The kinds of source the explorer speaks, one package and one `SourceKind` each, in order.

A kind's package holds its descriptor (`__init__.py`: `APIVIDEO`, `VIDEOCLOUD`) and its
`DataSource` (`source.py`). Every place where the kinds differ reads from here: the account
book's kinds and known URLs (`services/accounts.py`), opening and testing an account
(`services/account_manager.py`), the demo (`explorer.app`), the command line's `--api-kind`
/ `--sandbox-flavor` and what each kind offers (`explorer.cli`, `explorer.commands`), the
ui's builder registry (`explorer.ui.builders`, keyed by `SourceKind.key`) and the key
variable of Copy as curl. A third kind is one more package beside these and one more line
in `KINDS` (and, below services, its client in `explorer.api`, its catalogue in
`explorer.domain`, its sandbox flavour; above, its query builder in `explorer.ui.builders`).
"""

from __future__ import annotations

from typing import Any

from explorer.services.sources.apivideo import APIVIDEO
from explorer.services.sources.kind import SourceKind
from explorer.services.sources.videocloud import VIDEOCLOUD

KINDS: tuple[SourceKind[Any], ...] = (APIVIDEO, VIDEOCLOUD)
DEFAULT = APIVIDEO  # what a URL without --api-kind, and the demo without a flavour, speak


def kind_named(key: str) -> SourceKind[Any]:
    """The kind whose key is ``key``; a ValueError naming the known ones otherwise."""
    for kind in KINDS:
        if kind.key == key:
            return kind
    known = ", ".join(k.key for k in KINDS)
    raise ValueError(f"unknown kind of source {key!r}: choose one of {known}")


def keys() -> list[str]:
    """The kinds' keys, in order (the command line's choices)."""
    return [kind.key for kind in KINDS]


__all__ = ["APIVIDEO", "DEFAULT", "KINDS", "VIDEOCLOUD", "SourceKind", "keys", "kind_named"]
