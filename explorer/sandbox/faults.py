"""Fault injection: what can go wrong between a client and api.video, on request.

`FaultPlan.pick()` is asked once per request. Faults come from an explicit queue first
(`inject(kind, count)`, for tests that need an exact sequence), then at random with
probability `rate` (seeded, so a run is repeatable). A `latency_ms` applies to every request.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from enum import StrEnum


class Fault(StrEnum):
    RATE_LIMITED = "429"  # a burst: this and the next two requests get 429
    SERVER_ERROR = "5xx"  # 500, 502 or 503
    TRUNCATED = "truncated"  # the body stops halfway, then the connection closes
    RESET = "reset"  # the connection is reset before any response
    SLOW_BODY = "slow"  # the body trickles out over about a second


BURST_LENGTH = 3


class FaultPlan:
    def __init__(self, rate: float = 0.0, latency_ms: int = 0, seed: int = 0) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        self.rate = rate
        self.latency_ms = latency_ms
        self._random = random.Random(seed)
        self._queue: deque[Fault] = deque()
        self._lock = threading.Lock()

    def inject(self, kind: Fault | str, count: int = 1) -> None:
        with self._lock:
            self._queue.extend([Fault(kind)] * count)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pick(self) -> Fault | None:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self.rate and self._random.random() < self.rate:
                fault = self._random.choice(list(Fault))
                if fault is Fault.RATE_LIMITED:
                    self._queue.extend([Fault.RATE_LIMITED] * (BURST_LENGTH - 1))
                return fault
        return None

    def server_status(self) -> int:
        with self._lock:
            return self._random.choice((500, 502, 503))
