"""Why a query may come back empty: ids the account does not list, a range past the retention."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from explorer.domain.catalogue import MAX_LOOKBACK, RETENTION_NOTE
from explorer.domain.query import Query


def unknown_media(query: Query, known: Collection[str] | None) -> list[str]:
    """The query's video or live stream ids that the account does not list (none when the
    account's list is not known)."""
    if not known:
        return []
    return [value for value in query.filters.get("mediaId", ()) if value not in known]


def unknown_media_sentence(ids: list[str]) -> str:
    """ "'nonsense!!' is not a video or live stream of this account" (several: "are not")."""
    quoted = ", ".join(f"'{value}'" for value in ids)
    verb = "is not a video or live stream" if len(ids) == 1 else "are not videos or live streams"
    return f"{quoted} {verb} of this account (a mistyped or deleted id?)"


def before_retention(query: Query, now: datetime) -> datetime | None:
    """The oldest instant the API keeps by default, when the query's range starts before it."""
    window = query.effective_range(now)
    if window is None:
        return None
    oldest = (now - MAX_LOOKBACK).astimezone(UTC)
    return oldest if window[0] < oldest else None


def why_no_data(query: Query, now: datetime, known: Collection[str] | None) -> list[str]:
    """Reasons an empty answer to `query` (sent at `now`) may have, in words; [] when none is
    known (the range simply holds no data)."""
    reasons = []
    unknown = unknown_media(query, known)
    if unknown:
        reasons.append(unknown_media_sentence(unknown))
    oldest = before_retention(query, now)
    if oldest is not None:
        reasons.append(f"the range starts before {oldest:%Y-%m-%d %H:%M} UTC, and {RETENTION_NOTE}")
    return reasons
