"""Viewer behaviour: turns planned sessions into player events with a physically sound playhead.

All sessions of a batch advance together, one *step* at a time (numpy across sessions). A step
is a stretch of playback followed by one interaction; each step owns five event slots:

    end · replay seek · pause · seek · resume

so that events are in time order within a session by construction. Positions and times are
integer milliseconds here; the simulator stores positions as seconds (REAL, ms precision).

Rules the events obey (tests/unit/sandbox/test_simulator.py checks them):

* `ready` comes first, `impression_ms` after loading, `at` = the start position;
* `play` once, at 0 or at a resume position (courses), a little after ready;
* while playing the playhead advances exactly at wall-clock speed; paused, it stays put;
* `pause`/`resume` carry the current position; a seek while paused moves it;
* seeks carry `from` (the current position) and `to`, and do not change playing/paused;
* videos: `end` at the media duration when the playhead reaches it; a replay is a
  `seek.backward` to 0 after `end` and playback goes on (no second `play`);
* live streams: `at` counts seconds of stream since this viewer pressed play (0 at `play`),
  so the live edge at wall time t is t - play time; the playhead never passes it (seeks
  forward stop at the edge). `end` only when the broadcast stops and the viewer reaches its
  last frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

COURSE, SHORT, AD, LIVE = 0, 1, 2, 3
"""Behaviour classes (a recording of a live stream behaves like a course)."""
EVENT_TYPES = ("ready", "play", "pause", "resume", "seek.backward", "seek.forward", "end")
READY, PLAY, PAUSE, RESUME, SEEK_BACK, SEEK_FWD, END = range(7)
SEEK_TYPES = (SEEK_BACK, SEEK_FWD)

STEPS = 10  # segments of playback per session at most
_SLOTS_PER_STEP = 5

# per class: course, short, ad, live
_PLAY_P = np.array([0.88, 0.9, 0.72, 0.86])
_COMPLETE_P = np.array([0.25, 0.55, 0.6, 0.0])
_REPLAY_P = np.array([0.04, 0.5, 0.03, 0.0])
_INTERACTION_P = np.array([0.18, 0.6, 0.8, 0.35])  # geometric: more interactions when low
_ACTIONS = np.array([[0.5, 0.25, 0.25], [0.35, 0.25, 0.4], [0.8, 0.1, 0.1], [0.7, 0.05, 0.25]])
_PAUSE_MEDIAN_MS = np.array([25_000.0, 6_000.0, 8_000.0, 12_000.0])


@dataclass
class Plan:
    """A batch of sessions as the simulator planned them (times in ms)."""

    loaded: Ints
    impression_ms: Ints
    cls: Ints
    duration_ms: Ints  # media length; 0 for live streams
    window_end: Ints  # live: end of the broadcast the session joined, or <= loaded if offline
    autoplay: Bools


@dataclass
class Events:
    """Events of a batch in (session, seq) order; `row` indexes the plan's sessions."""

    row: Ints
    seq: Ints
    kind: Ints
    emitted_at: Ints
    pos_ms: Ints  # `at` for point events, `from` for seeks
    to_ms: Ints  # seeks only
    closed_at: Ints  # per session: when the viewer left (last sign of life)


class _Slots:
    def __init__(self, n: int, width: int) -> None:
        self.kind = np.full((n, width), -1, np.int64)
        self.t = np.zeros((n, width), np.int64)
        self.pos = np.zeros((n, width), np.int64)
        self.to = np.zeros((n, width), np.int64)
        self.col = 0

    def put(
        self, mask: Bools, kind: int | Ints, t: Ints, pos: Ints, to: Ints | None = None
    ) -> None:
        c = self.col
        self.col += 1
        self.kind[:, c] = np.where(mask, kind, -1)
        self.t[:, c] = t
        self.pos[:, c] = pos
        if to is not None:
            self.to[:, c] = to

    def flatten(self, closed_at: Ints) -> Events:
        mask = self.kind >= 0
        counts = mask.sum(axis=1)
        row = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        first = np.cumsum(counts) - counts
        seq = np.arange(len(row), dtype=np.int64) - np.repeat(first, counts)
        return Events(
            row, seq, self.kind[mask], self.t[mask], self.pos[mask], self.to[mask], closed_at
        )


def _lognormal(rng: np.random.Generator, median: Floats | float, sigma: float, n: int) -> Floats:
    return np.asarray(median * np.exp(sigma * rng.standard_normal(n)), dtype=np.float64)


def _uniform_ms(rng: np.random.Generator, lo: float, hi: float, n: int) -> Ints:
    return rng.uniform(lo, hi, n).astype(np.int64)


def _intentions(rng: np.random.Generator, plan: Plan, p0: Ints) -> tuple[Ints, Ints]:
    """Planned playing time (ms) and number of interactions of every session."""
    n, cls, dur = len(plan.cls), plan.cls, plan.duration_ms
    remain = (dur - p0).astype(np.float64)
    complete = rng.random(n) < _COMPLETE_P[cls]
    partial = remain * rng.beta(np.where(cls == AD, 1.0, 1.2), np.where(cls == COURSE, 2.2, 1.6))
    loops = np.where(cls == SHORT, rng.uniform(1.1, 3.2, n), rng.uniform(1.15, 1.6, n))
    video = np.where(complete, remain * loops + 20_000, partial)
    live = _lognormal(rng, 9 * 60_000.0, 1.1, n)
    live *= np.where(rng.random(n) < 0.04, rng.uniform(6, 25, n), 1.0)  # the marathon viewers
    watch = np.where(cls == LIVE, np.minimum(live, 10 * 3_600_000), video)
    interactions = np.minimum(rng.geometric(_INTERACTION_P[cls]) - 1, STEPS - 2)
    return np.maximum(watch, 1000).astype(np.int64), interactions.astype(np.int64)


def _segments(rng: np.random.Generator, watch: Ints, k: Ints) -> Ints:
    """Split each planned watch time into k+1 stretches of at least a second."""
    n = len(watch)
    weights = rng.exponential(size=(n, STEPS))
    weights[np.arange(STEPS)[None, :] > k[:, None]] = 0.0
    spread = np.maximum(watch - (k + 1) * 1000, 0).astype(np.float64)
    seg = 1000 + weights / weights.sum(axis=1, keepdims=True) * spread[:, None]
    seg[weights == 0] = 0
    return np.asarray(seg, dtype=np.int64)


def _seek_targets(
    rng: np.random.Generator, plan: Plan, pos: Ints, lag: Ints, forward: Bools
) -> tuple[Bools, Bools, Ints]:
    """Where a seek can go: (possible, forward, target); the direction flips when there is no
    room, e.g. forward at the live edge or backward at the start."""
    n, live = len(pos), plan.cls == LIVE
    room_fwd = np.where(live, lag, plan.duration_ms - 1000 - pos)
    can_f, can_b = room_fwd >= 1000, pos >= 1000
    fwd = np.where(forward, can_f, ~can_b & can_f)
    scale = np.where(
        live, _lognormal(rng, 30_000.0, 0.8, n), plan.duration_ms * rng.uniform(0.03, 0.35, n)
    )
    jump = np.maximum(scale, 2000).astype(np.int64)
    target = np.where(
        fwd,
        pos + np.clip(jump, 1000, np.maximum(room_fwd, 1000)),
        pos - np.clip(jump, 1000, np.maximum(pos, 1000)),
    )
    return can_f | can_b, fwd, target


def simulate(rng: np.random.Generator, plan: Plan) -> Events:
    """The events of every planned session, and when each viewer left."""
    n, cls, dur = len(plan.cls), plan.cls, plan.duration_ms
    live = cls == LIVE
    slots = _Slots(n, 2 + _SLOTS_PER_STEP * STEPS)
    p0 = np.where((cls == COURSE) & (rng.random(n) < 0.15), dur * rng.uniform(0.05, 0.85, n), 0)
    p0 = p0.astype(np.int64)
    t = plan.loaded + plan.impression_ms
    slots.put(np.ones(n, np.bool_), READY, t, p0)
    closed = t + _uniform_ms(rng, 2_000, 240_000, n)  # left without playing
    delay = np.where(
        plan.autoplay,
        rng.uniform(30, 400, n),
        np.clip(_lognormal(rng, 2_500.0, 0.9, n), 250, 90_000),
    )
    t = t + delay.astype(np.int64)
    alive = (rng.random(n) < _PLAY_P[cls]) & (~live | (t < plan.window_end))
    slots.put(alive, PLAY, t, p0)
    pos, lag = p0.copy(), np.zeros(n, np.int64)
    watch, k = _intentions(rng, plan, p0)
    seg_all = _segments(rng, watch, k)
    for j in range(STEPS):
        seg = seg_all[:, j]
        remaining = np.maximum(np.where(live, plan.window_end + lag - t, dur - pos), 0)
        hit = alive & (seg >= remaining)
        reached = np.where(live, pos + remaining, dur)
        slots.put(hit, END, t + remaining, reached)
        leftover = seg - remaining
        replay = hit & (rng.random(n) < _REPLAY_P[cls]) & (leftover >= 1000) & (j + 1 < STEPS)
        if j + 1 < STEPS:
            seg_all[:, j + 1] += np.where(replay, leftover, 0)
            k = np.where(replay, np.maximum(k, j + 1), k)
        t = np.where(alive, np.where(hit, t + remaining, t + seg), t)
        pos = np.where(alive, np.where(hit, reached, pos + seg), pos)
        replay_t = t + _uniform_ms(rng, 300, 3_000, n)
        slots.put(replay, SEEK_BACK, replay_t, pos, np.zeros(n, np.int64))
        t, pos = np.where(replay, replay_t, t), np.where(replay, 0, pos)
        done = hit & ~replay
        closed = np.where(done, t + _uniform_ms(rng, 500, 45_000, n), closed)
        alive &= ~done
        # the step's interaction, or the session's last act
        final = alive & (j == k)
        pause_close = final & (rng.random(n) < 0.25)
        act = alive & (j < k) & ~replay
        choice = (rng.random(n)[:, None] > _ACTIONS[cls][:, :2].cumsum(axis=1)).sum(axis=1)
        pausing = act & (choice == 0)
        slots.put(pausing | pause_close, PAUSE, t, pos)
        linger = _lognormal(rng, 60_000.0, 1.0, n).astype(np.int64)
        closed = np.where(final, np.where(pause_close, t + linger, t), closed)
        alive &= ~final
        hold_s = np.clip(_lognormal(rng, _PAUSE_MEDIAN_MS[cls], 1.3, n), 700, 7_200_000)
        hold = hold_s.astype(np.int64)
        seek_in_pause = pausing & (rng.random(n) < 0.1)
        seek_t = np.where(seek_in_pause, t + (hold * rng.uniform(0.2, 0.8, n)).astype(np.int64), t)
        edge_lag = lag + (seek_t - t)
        wants_fwd = np.where(seek_in_pause, rng.random(n) < 0.5, choice == 1)
        possible, fwd, target = _seek_targets(rng, plan, pos, edge_lag, wants_fwd)
        seeking = (seek_in_pause | (act & (choice > 0))) & possible
        slots.put(seeking, np.where(fwd, SEEK_FWD, SEEK_BACK), seek_t, pos, target)
        new_pos = np.where(seeking, target, pos)
        slots.put(pausing, RESUME, t + hold, new_pos)
        lag = np.where(live, lag + np.where(pausing, hold, 0) + pos - new_pos, 0)
        t, pos = np.where(pausing, t + hold, t), new_pos
    assert not alive.any(), "every session ends within its steps"
    return slots.flatten(closed)
