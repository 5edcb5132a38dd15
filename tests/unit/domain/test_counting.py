"""Which sessions a metric counts: the README's rules per session, by hand and against the
sandbox's own derivation on random event sequences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.domain.counting import counted_in, playback_of
from explorer.sandbox.derive import derive_session

T0 = datetime(2026, 3, 10, 23, 50, tzinfo=UTC)
MIDNIGHT = datetime(2026, 3, 11, tzinfo=UTC)
NEXT = MIDNIGHT + timedelta(days=1)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_session_playing_across_midnight_counts_as_a_play_on_both_days() -> None:
    playback = playback_of([("ready", at(0)), ("play", at(1)), ("pause", at(900))], None)
    assert counted_in("play", playback, MIDNIGHT - timedelta(days=1), MIDNIGHT)
    assert counted_in("play", playback, MIDNIGHT, NEXT)
    # but it started, and became ready, on the first day only
    assert not counted_in("start", playback, MIDNIGHT, NEXT)
    assert not counted_in("impression", playback, MIDNIGHT, NEXT)


def test_paused_before_midnight_is_not_playing_after_it() -> None:
    playback = playback_of([("play", at(1)), ("pause", at(60)), ("seek.forward", at(700))], None)
    assert not counted_in("play", playback, MIDNIGHT, NEXT)


def test_a_replay_after_the_end_plays_again_without_a_play_event() -> None:
    events = [("play", at(1)), ("end", at(30)), ("seek.backward", at(700)), ("pause", at(720))]
    playback = playback_of(events, None)
    assert counted_in("play", playback, MIDNIGHT, NEXT)
    assert counted_in("end", playback, MIDNIGHT - timedelta(days=1), MIDNIGHT)


def test_still_playing_at_the_last_event_plays_until_the_session_ended() -> None:
    events = [("play", at(1)), ("seek.forward", at(60))]
    assert counted_in("play", playback_of(events, at(900)), MIDNIGHT, NEXT)
    assert not counted_in("play", playback_of(events, None), MIDNIGHT, NEXT)


def test_a_view_counts_when_the_playback_adds_up_to_the_view_duration() -> None:
    events = [("play", at(0)), ("pause", at(3)), ("resume", at(598)), ("pause", at(700))]
    playback = playback_of(events, None)
    assert counted_in("view", playback, MIDNIGHT - timedelta(days=1), MIDNIGHT, 3)
    assert counted_in("view", playback, MIDNIGHT, NEXT, 5)  # 3 s + 2 s after midnight
    assert not counted_in("view", playback, MIDNIGHT - timedelta(days=1), MIDNIGHT, 5)


def test_a_metric_that_does_not_count_sessions_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="does not count sessions"):
        counted_in("watch-time", playback_of([], None), MIDNIGHT, NEXT)


KINDS = ["ready", "play", "pause", "resume", "end", "seek.forward", "seek.backward", "other"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 5_000)), max_size=12),
    st.one_of(st.none(), st.integers(0, 6_000)),
)
def test_the_spans_and_moments_are_the_sandboxs(
    steps: list[tuple[str, int]], closed: int | None
) -> None:
    """The sandbox computes every metric from the same rules (explorer/sandbox/derive.py):
    on any sequence of events, the moments and stretches of playback agree."""
    times, now = [], 0
    for kind, gap in steps:
        now += gap
        times.append((kind, now))
    ended = None if closed is None else now + closed
    facts = derive_session(ended, times)
    base = datetime(2026, 1, 1, tzinfo=UTC)

    def moment(ms: int | None) -> datetime | None:
        return None if ms is None else base + timedelta(milliseconds=ms)

    playback = playback_of([(k, moment(t)) for k, t in times], moment(ended))
    assert playback.ready_at == moment(facts.ready_at)
    assert playback.started_at == moment(facts.start_at)
    assert playback.ended_at == moment(facts.end_at)
    assert playback.spans == tuple((moment(a), moment(b)) for a, b in facts.spans)
    for seconds in (3, 5, 10, 30):
        assert playback.view_at(seconds) == moment(facts.view_at[seconds])
