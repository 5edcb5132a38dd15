"""The sandbox's sense of now, and the whole-day shift that keeps stored data ending at now."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

DAY_MS = 86_400_000


@dataclass(frozen=True)
class Clock:
    """Real time, or a pinned instant (`--now`) so that tests are reproducible."""

    pinned_ms: int | None = None

    def now_ms(self) -> int:
        if self.pinned_ms is not None:
            return self.pinned_ms
        return time.time_ns() // 1_000_000


def instant_ms(text: str) -> int:
    """An RFC 3339 instant with its offset (what a clock is pinned to), in epoch milliseconds;
    anything else is a ValueError saying what is wrong."""
    try:
        value = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise ValueError(f"{text!r} is not an RFC 3339 instant") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no offset: write e.g. {text}Z")
    return int(value.timestamp() * 1000)


def day_shift_ms(anchor_ms: int, now_ms: int) -> int:
    """Whole days to add to stored times so the data's anchor day is today.

    The simulator writes data up to a day past its anchor, so any instant of the
    current day has data behind it; shifting by whole days keeps the daily rhythm.
    """
    return ((now_ms - anchor_ms) // DAY_MS) * DAY_MS
