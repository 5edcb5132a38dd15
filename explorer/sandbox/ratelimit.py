"""A per-minute request budget per caller, reported in the X-RateLimit-* headers."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

DEFAULT_RATE_LIMIT = 500  # requests per minute and caller, as api.video's sandbox


@dataclass(frozen=True)
class Budget:
    limit: int
    remaining: int
    retry_after_s: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Retry-After": str(self.retry_after_s),
        }


class RateLimiter:
    """Fixed one-minute windows, opened by a caller's first request (api.video: 100/min on
    sandbox, 500/min on production for reads)."""

    WINDOW_S = 60.0

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, caller: str) -> Budget:
        now = time.monotonic()
        with self._lock:
            started, used = self._windows.get(caller, (now, 0))
            if now - started >= self.WINDOW_S:
                started, used = now, 0
            allowed = used < self.per_minute
            if allowed:
                used += 1
            self._windows[caller] = (started, used)
        retry_after = max(0, math.ceil(started + self.WINDOW_S - now))
        return Budget(self.per_minute, self.per_minute - used, retry_after, allowed)
