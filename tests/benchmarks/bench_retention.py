"""A retention curve from 10,000 sessions' events (about 100,000): vectorised against a loop.

retention.curve_10k: `playback` + `retention_curve` (explorer/domain) from the events as
columns, beside the baseline: a plain per-session Python loop (the semantics of
tests/support/retention_reference.py, then each interval's seconds marked in a set per
session), in the same run, on the same events; both give the same curve (checked each run).
The issue's target: under 200 ms. The events are the sandbox simulator's (course videos of
300 s); half the sessions come back after leaving (a second round of events in the same
session), which brings the 10,000 sessions to about 100,000 events. A smoke run
(`run.py --smoke`) uses 200 sessions; its figures keep the names.
"""

from __future__ import annotations

import math

import numpy as np

from explorer.domain.playback import EventColumns, playback
from explorer.domain.retention import retention_curve
from explorer.sandbox.playback import COURSE, EVENT_TYPES, SEEK_TYPES, Events, Plan, simulate
from tests.benchmarks import Figure, benchmark, compare, sized
from tests.support import retention_reference as ref

SESSIONS = sized(10_000, 200)
DURATION_S = 300.0


def _simulated(rng: np.random.Generator, n: int, start_ms: np.ndarray) -> Events:
    plan = Plan(
        loaded=start_ms,
        impression_ms=rng.integers(300, 3000, n),
        cls=np.full(n, COURSE, np.int64),
        duration_ms=np.full(n, int(DURATION_S * 1000), np.int64),
        window_end=np.zeros(n, np.int64),
        autoplay=rng.random(n) < 0.3,
    )
    return simulate(rng, plan)


def events(n: int) -> tuple[EventColumns, list[tuple[list[ref.Ev], float | None]]]:
    """The same sessions as columns and as per-session lists."""
    rng = np.random.default_rng(17)
    first = _simulated(rng, n, np.arange(n, dtype=np.int64) * 60_000)
    back = np.flatnonzero(rng.random(n) < 0.5)
    again = _simulated(rng, len(back), first.closed_at[back] + 10_000)
    row = np.concatenate([first.row, back[again.row]])
    order = np.argsort(row, kind="stable")
    kind = np.concatenate([first.kind, again.kind])[order]
    time = np.concatenate([first.emitted_at, again.emitted_at])[order] / 1000
    pos = np.concatenate([first.pos_ms, again.pos_ms])[order] / 1000
    to = np.concatenate([first.to_ms, again.to_ms])[order] / 1000
    ended = first.closed_at.astype(np.float64) / 1000
    ended[back] = again.closed_at / 1000
    seek = np.isin(kind, SEEK_TYPES)
    columns = EventColumns(
        session=row[order],
        kind=kind,
        time=time,
        at=np.where(seek, np.nan, pos),
        start=np.where(seek, pos, np.nan),
        to=np.where(seek, to, np.nan),
        ended_at=ended,
        loaded_at=np.arange(n, dtype=np.float64) * 60,
    )
    lists: list[tuple[list[ref.Ev], float | None]] = [([], float(e)) for e in ended]
    for s, k, t, p, q, is_seek in zip(row[order], kind, time, pos, to, seek, strict=True):
        name = EVENT_TYPES[k]
        event = ref.Ev(name, t, None, p, q) if is_seek else ref.Ev(name, t, p)
        lists[s][0].append(event)
    return columns, lists


def loop_curve(sessions: list[tuple[list[ref.Ev], float | None]]) -> list[int]:
    """Viewers per second, one session at a time, in plain Python."""
    bins = math.ceil(DURATION_S)
    viewers = [0] * bins
    for session_events, ended_at in sessions:
        seen: set[int] = set()
        for a, b in ref.intervals(session_events, DURATION_S, ended_at):
            if b > a:
                seen.update(range(math.floor(a), min(bins, math.ceil(b))))
        for second in seen:
            viewers[second] += 1
    return viewers


@benchmark("retention.curve_10k")
def _() -> list[Figure]:
    columns, lists = events(SESSIONS)
    ours = retention_curve(playback(columns, DURATION_S))
    if ours.viewers.tolist() != loop_curve(lists):
        raise AssertionError("the vectorised curve and the loop's differ")
    figures = compare(
        "retention.curve_10k",
        ours=lambda: retention_curve(playback(columns, DURATION_S)),
        baseline=lambda: loop_curve(lists),
        unit="ms",
        repeat=sized(7, 2),
        warmup=1,
    )
    return [Figure("retention.curve_10k.events", float(len(columns.kind)), "events"), *figures]
