"""Derive what the analytics SQL reads (impressions, starts, views, playing spans) from events.

A session plays from a `play` or `resume` until a `pause` or `end`; seeks move the playhead
but do not stop playback. A seek after `end` is a replay: the player's replay button emits no
`play`, so playback goes on from the seek. A session still playing after its last event plays
until it ended (`ended_at`), or, if it never closed, until that last event.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from explorer.sandbox.schema import DERIVED_DDL, DERIVED_INDEXES

VIEW_THRESHOLDS_S = (3, 5, 10, 30)
Progress = Callable[[int, int], None] | None  # (done, total), as explorer.domain.cancel's
_STARTS_PLAYING = frozenset({"play", "resume"})
_STOPS_PLAYING = frozenset({"pause", "end"})


@dataclass
class SessionFacts:
    """The derived figures of one session (times in ms)."""

    ready_at: int | None = None
    start_at: int | None = None
    end_at: int | None = None
    view_at: dict[int, int | None] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def watch_ms(self) -> int:
        return sum(end - start for start, end in self.spans)


def derive_session(ended_at: int | None, events: Iterable[tuple[str, int]]) -> SessionFacts:
    """Facts of one session from its events `(type, emitted_at)` in sequence order."""
    facts = SessionFacts()
    playing_since: int | None = None
    ended = False  # stopped by `end`: a seek now means a replay
    last_t: int | None = None
    for kind, t in events:
        last_t = t
        if kind == "ready" and facts.ready_at is None:
            facts.ready_at = t
        elif kind == "play" and facts.start_at is None:
            facts.start_at = t
        if kind == "end" and facts.end_at is None:
            facts.end_at = t
        replay = ended and kind.startswith("seek.")
        if (kind in _STARTS_PLAYING or replay) and playing_since is None:
            playing_since = t
            ended = False
        elif kind in _STOPS_PLAYING and playing_since is not None:
            facts.spans.append((playing_since, max(t, playing_since)))
            playing_since = None
            ended = kind == "end"
    if playing_since is not None and last_t is not None:
        stop = max(last_t, ended_at if ended_at is not None else last_t)
        facts.spans.append((playing_since, stop))
    facts.view_at = _view_thresholds(facts.spans)
    return facts


def _view_thresholds(spans: list[tuple[int, int]]) -> dict[int, int | None]:
    """When cumulative playing time first reached each view duration."""
    reached: dict[int, int | None] = dict.fromkeys(VIEW_THRESHOLDS_S)
    watched = 0
    for start, end in spans:
        for threshold in VIEW_THRESHOLDS_S:
            need = threshold * 1000 - watched
            if reached[threshold] is None and need <= end - start:
                reached[threshold] = start + need
        watched += end - start
    return reached


def _session_rows(
    db: sqlite3.Connection,
) -> Iterator[tuple[int, int | None, list[tuple[str, int]]]]:
    cursor = db.execute(
        "SELECT s.sid, s.ended_at, e.type, e.emitted_at FROM sessions s "
        "LEFT JOIN events e ON e.sid = s.sid ORDER BY s.sid, e.seq"
    )
    for sid, rows in groupby(cursor, key=itemgetter(0)):
        group = list(rows)
        events = [(r[2], r[3]) for r in group if r[2] is not None]
        yield sid, group[0][1], events


def derive_all(db: sqlite3.Connection, progress: Progress = None) -> None:
    """(Re)build the derived tables and indexes from the raw sessions and events;
    ``progress(done, total)`` hears the sessions derived so far."""
    db.executescript(DERIVED_DDL)
    session_rows: list[tuple[object, ...]] = []
    span_rows: list[tuple[int, int, int]] = []

    def flush() -> None:
        db.executemany("INSERT INTO derived_sessions VALUES (?,?,?,?,?,?,?,?,?)", session_rows)
        db.executemany("INSERT INTO derived_spans VALUES (?,?,?)", span_rows)
        session_rows.clear()
        span_rows.clear()

    loaded = dict(db.execute("SELECT sid, loaded_at FROM sessions"))
    for done, (sid, ended_at, events) in enumerate(_session_rows(db)):
        if progress is not None and done % 5_000 == 0:
            progress(done, len(loaded))
        facts = derive_session(ended_at, events)
        impression_ms = None if facts.ready_at is None else facts.ready_at - loaded[sid]
        session_rows.append(
            (
                sid,
                facts.ready_at,
                impression_ms,
                facts.start_at,
                facts.end_at,
                *(facts.view_at[t] for t in VIEW_THRESHOLDS_S),
            )
        )
        span_rows.extend((sid, start, end) for start, end in facts.spans)
        if len(session_rows) >= 50_000:
            flush()
    flush()
    db.executescript(DERIVED_INDEXES)
