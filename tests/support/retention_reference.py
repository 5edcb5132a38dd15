"""A plain, one-session-at-a-time reading of the retention semantics (README, "Where viewers
drop off"), written apart from explorer/domain/playback.py so that each checks the other: the
acceptance test computes the curve of `sessions --with-events` output with it, the property
test compares it with the vectorised code on random data, and the benchmark times it as the
baseline. Python loops only: no numpy."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

POINT = {"ready", "play", "pause", "resume", "end"}
SEEK = {"seek.backward", "seek.forward"}
TOLERANCE = 1.0  # as the inspector's POSITION_TOLERANCE_S
LARGEST = 1e9  # larger positions are garbage, as in the inspector


@dataclass(frozen=True)
class Ev:
    kind: str
    time: float | None  # epoch seconds
    at: float | None = None
    start: float | None = None  # `from`
    to: float | None = None


def _position(value: float | None, duration: float) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value) or abs(value) > LARGEST:
        return None
    return min(max(value, 0.0), duration)


def _clean(events: Sequence[Ev]) -> list[Ev]:
    """Timed events, duplicates once (the first), in time order, ties as received."""
    seen = set()
    kept = []
    for event in events:
        if event.time is None or math.isnan(event.time):
            continue
        key = (event.kind, event.time, event.at, event.start, event.to)
        key = tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in key)
        if key in seen:
            continue
        seen.add(key)
        kept.append(event)
    return sorted(kept, key=lambda e: e.time or 0.0)


def intervals(
    events: Sequence[Ev], duration: float, ended_at: float | None
) -> list[tuple[float, float]]:
    """The session's playing intervals (start, end positions), in time order."""
    timed = _clean(events)
    known = [e for e in timed if e.kind in POINT or e.kind in SEEK]
    out: list[tuple[float, float]] = []
    position: float | None = None
    state = "unknown"
    last_time = 0.0
    for event in known:
        t = event.time or 0.0
        if position is None:
            carried = 0.0
        elif state == "playing":
            carried = min(position + (t - last_time), duration)
        else:
            carried = position
        if event.kind in SEEK:
            here = _position(event.start, duration)
            found = carried if here is None else here
            target = _position(event.to, duration)
            after = found if target is None else target
        else:
            here = _position(event.at, duration)
            found = after = carried if here is None else here
        if state == "playing" and position is not None:
            stop = found if position <= found <= carried + TOLERANCE else carried
            out.append((position, stop))
        if event.kind in ("play", "resume"):
            state = "playing"
        elif event.kind == "pause":
            state = "paused"
        elif event.kind == "end":
            state = "ended"
        elif event.kind in SEEK and state == "ended":
            state = "playing"
        position, last_time = after, t
    if state == "playing" and position is not None and timed:
        last_seen = timed[-1].time or 0.0
        until = ended_at if ended_at is not None and ended_at >= last_seen else last_seen
        out.append((position, min(position + max(until - last_time, 0.0), duration)))
    return out


def curve(
    sessions: Sequence[tuple[Sequence[Ev], float | None]], duration: float
) -> tuple[int, list[int], list[int]]:
    """(sessions that played, viewers per second, passes per second) by plain loops."""
    bins = max(1, math.ceil(duration))
    viewers = [0] * bins
    passes = [0] * bins
    played = 0
    for events, ended_at in sessions:
        spans = [(a, b) for a, b in intervals(events, duration, ended_at)]
        if not any(b > a for a, b in spans):
            continue
        played += 1
        stretches: list[list[float]] = []
        for a, b in spans:
            if b <= a:
                continue
            if stretches and stretches[-1][1] == a:
                stretches[-1][1] = b
            else:
                stretches.append([a, b])
        for s in range(bins):
            if any(a < s + 1 and b > s and b > a for a, b in spans):
                viewers[s] += 1
            passes[s] += sum(1 for a, b in stretches if a < s + 1 and b > s and b > a)
    return played, viewers, passes
