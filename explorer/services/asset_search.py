"""The asset tree's search, as one rule for the window and the command line: the text typed,
without case, within an asset's title, id or any of its tags."""

from __future__ import annotations

from collections.abc import Iterable


def search_text(title: str, asset_id: str, tags: Iterable[str]) -> str:
    """What the search looks in: the title, the id and the tags, one after the other."""
    return " ".join([title, asset_id, *tags])


def matches(needle: str, title: str, asset_id: str, tags: Iterable[str]) -> bool:
    """Whether the search `needle` (trimmed; empty matches everything) finds this asset."""
    wanted = needle.strip().casefold()
    return wanted in search_text(title, asset_id, tags).casefold()
