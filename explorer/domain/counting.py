"""Which sessions a metric counted in a window: the README's semantics of each count, per session.

The analytics API counts sessions (README, "The built-in sandbox": what each metric counts):

* ``impression``: the player became ready (its first ``ready``) in the window;
* ``start``: its first ``play`` is in the window;
* ``end``: it reached the end (its first ``end``) in the window;
* ``view``: its playback time, added up, reached the view duration (5 s by default) in the
  window;
* ``play``: it was playing at some moment of the window (a session playing across midnight
  counts on both days).

A session plays from a ``play`` or ``resume`` until a ``pause`` or ``end``; seeks move the
playhead without stopping playback, except that a seek after ``end`` is a replay (the player's
replay button sends no ``play``). Still playing after its last event, it plays until it ended
(``endedAt``), or, never closed, until that last event. A stretch of playback that starts and
stops at the same moment still counts for the moment it starts.
Times are compared to the millisecond; a window is ``[start, end)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

COUNTED_METRICS = ("play", "start", "view", "end", "impression")
"""The metrics whose count is a number of sessions, each counted at moments of its events."""
DEFAULT_VIEW_SECONDS = 5
VIEW_SECONDS = (3, 5, 10, 30)  # the API's viewDuration values, without their `s`
_STARTS = frozenset({"play", "resume"})
_STOPS = frozenset({"pause", "end"})
_INSTANT = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Playback:
    """One session's moments: when it became ready, first played, ended, and its stretches of
    playback."""

    ready_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    spans: tuple[tuple[datetime, datetime], ...] = field(default_factory=tuple)

    def view_at(self, seconds: int) -> datetime | None:
        """When its playback time, added up, first reached `seconds`."""
        need = timedelta(seconds=seconds)
        for start, stop in self.spans:
            if need <= stop - start:
                return start + need
            need -= stop - start
        return None

    def playing_in(self, start: datetime, end: datetime) -> bool:
        """Playing at some moment of ``[start, end)``."""
        return any(
            begin < end and max(stop, begin + _INSTANT) > start for begin, stop in self.spans
        )


def playback_of(
    events: Iterable[tuple[str, datetime | None]], closed_at: datetime | None
) -> Playback:
    """A session's moments from its events ``(type, emitted_at)`` in the API's order and
    when it ended (``endedAt``, None if not known); events without a time are skipped."""
    ready = started = ended = None
    spans: list[tuple[datetime, datetime]] = []
    since: datetime | None = None
    after_end = False
    last: datetime | None = None
    for kind, moment in events:
        if moment is None:
            continue
        last = moment
        if kind == "ready" and ready is None:
            ready = moment
        elif kind == "play" and started is None:
            started = moment
        if kind == "end" and ended is None:
            ended = moment
        replay = after_end and kind.startswith("seek.")
        if (kind in _STARTS or replay) and since is None:
            since, after_end = moment, False
        elif kind in _STOPS and since is not None:
            spans.append((since, max(moment, since)))
            since, after_end = None, kind == "end"
    if since is not None and last is not None:
        stop = last if closed_at is None else max(last, closed_at)
        spans.append((since, stop))
    return Playback(ready, started, ended, tuple(spans))


def counted_in(
    metric: str,
    playback: Playback,
    start: datetime,
    end: datetime,
    view_seconds: int = DEFAULT_VIEW_SECONDS,
) -> bool:
    """Whether `metric` counted this session in ``[start, end)``; ValueError for a metric
    that does not count sessions."""
    if metric == "play":
        return playback.playing_in(start, end)
    moments = {
        "impression": playback.ready_at,
        "start": playback.started_at,
        "end": playback.ended_at,
    }
    if metric == "view":
        if view_seconds not in VIEW_SECONDS:
            raise ValueError(
                f"a view duration of {view_seconds} s: the API takes "
                + ", ".join(f"{s}s" for s in VIEW_SECONDS)
            )
        moment = playback.view_at(view_seconds)
    elif metric in moments:
        moment = moments[metric]
    else:
        raise ValueError(
            f"{metric!r} does not count sessions: choose among {', '.join(COUNTED_METRICS)}"
        )
    return moment is not None and start <= moment < end
