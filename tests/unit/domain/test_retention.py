"""Retention curves on hand-built sessions, each curve worked out by hand in the test."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.domain.playback import EventColumns, playback
from explorer.domain.retention import retention_curve, retention_curves, wilson
from explorer.domain.timeline import TimelineEvent
from tests.support import retention_reference as ref

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
NAN = math.nan


def ev(
    kind: str, t: float | None, at: float | None = None, frm: float | None = None,
    to: float | None = None,
) -> TimelineEvent:  # fmt: skip
    return TimelineEvent(kind, None if t is None else T0 + timedelta(seconds=t), at, frm, to)


def seek(kind: str, t: float, frm: float | None, to: float | None) -> TimelineEvent:
    return ev(f"seek.{kind}", t, frm=frm, to=to)


def when(t: float) -> float:
    return (T0 + timedelta(seconds=t)).timestamp()


def curve_of(
    sessions: list[list[TimelineEvent]], duration: float, ended: list[float] | None = None
):  # type: ignore[no-untyped-def]
    return retention_curve(playback(EventColumns.from_sessions(sessions, ended), duration))


def covered(bins: int, *ranges: tuple[int, int]) -> list[int]:
    """1 for each second in the inclusive ranges, else 0."""
    out = [0] * bins
    for lo, hi in ranges:
        for s in range(lo, hi + 1):
            out[s] += 1
    return out


def test_play_and_pause_cover_the_seconds_between_their_positions() -> None:
    # plays 0 -> 10 (pause), resumes 10 -> 15 (pause) in a 20 s video
    session = [ev("ready", 0, 0), ev("play", 1, 0), ev("pause", 11, 10), ev("resume", 30, 10),
               ev("pause", 35, 15)]  # fmt: skip
    curve = curve_of([session], 20)
    assert curve.played == 1
    assert curve.viewers.tolist() == covered(20, (0, 14))
    assert curve.share.tolist() == covered(20, (0, 14))
    assert curve.passes.tolist() == covered(20, (0, 14))  # 0-10 and 10-15 join: one pass
    assert curve.percent.tolist()[:3] == [0.0, 5.0, 10.0]  # the axis of % of the length


def test_a_partly_covered_second_counts_and_a_boundary_does_not() -> None:
    # 2.5 -> 7.0: seconds 2 to 6 (second 7 = [7, 8) is only touched at its edge)
    curve = curve_of([[ev("play", 0, 2.5), ev("pause", 4.5, 7.0)]], 10)
    assert curve.viewers.tolist() == covered(10, (2, 6))


def test_a_seek_while_playing_ends_at_from_and_goes_on_from_to() -> None:
    # play 0, seek forward 5 -> 12 at t=5, pause at 15 (t=8); skipped 5..11
    session = [ev("play", 0, 0), seek("forward", 5, 5, 12), ev("pause", 8, 15)]
    curve = curve_of([session], 20)
    assert curve.viewers.tolist() == covered(20, (0, 4), (12, 14))
    assert curve.skipped.tolist() == covered(20, (5, 11))


def test_rewatch_counts_repeats_and_share_does_not() -> None:
    # play 0 -> 10, seek back to 4, play to 10 again, pause: seconds 4-9 twice
    session = [ev("play", 0, 0), seek("backward", 10, 10, 4), ev("pause", 16, 10)]
    other = [ev("play", 0, 0), ev("pause", 3, 3)]
    curve = curve_of([session, other], 10)
    assert curve.played == 2
    assert curve.viewers.tolist() == [2, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    assert curve.passes.tolist() == [2, 2, 2, 1, 2, 2, 2, 2, 2, 2]
    assert curve.rewatch.tolist() == [1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_still_playing_at_the_last_event_plays_until_ended_at_capped_at_the_duration() -> None:
    a = [ev("play", 0, 0)]  # ended 7 s later: 0 -> 7
    b = [ev("play", 0, 5)]  # ended 100 s later: 5 -> 20 (the duration)
    c = [ev("play", 0, 0), ev("pause", 2, 2), ev("resume", 3, 2)]  # no endedAt: 0 -> 2 only
    curve = curve_of([a, b, c], 20, [when(7), when(100), NAN])
    assert curve.played == 3
    expected = np.add(np.add(covered(20, (0, 6)), covered(20, (5, 19))), covered(20, (0, 1)))
    assert curve.viewers.tolist() == expected.tolist()


def test_without_ended_at_playing_lasts_until_the_last_event_even_an_unknown_one() -> None:
    session = [ev("play", 0, 0), ev("buffering", 4)]
    curve = curve_of([session], 20)
    assert curve.viewers.tolist() == covered(20, (0, 3))


def test_an_ended_at_before_the_last_event_is_not_a_limit() -> None:
    session = [ev("play", 0, 0), ev("ready", 6, 6)]  # ready mid-play carries its position
    curve = curve_of([session], 20, [when(3)])
    assert curve.viewers.tolist() == covered(20, (0, 5))


def test_positions_are_clamped_to_the_media() -> None:
    session = [ev("play", 0, -3), ev("pause", 25, 25)]
    curve = curve_of([session], 20)  # -3 -> 0 and 25 -> 20, yet 25 s wall-clock: all of it
    assert curve.viewers.tolist() == [1] * 20


def test_a_seek_past_the_end_is_clamped_and_a_replay_after_end_plays() -> None:
    session = [ev("play", 0, 15), ev("end", 5, 20), seek("backward", 8, 20, 0), ev("pause", 11, 3)]
    curve = curve_of([session], 20)
    assert curve.viewers.tolist() == covered(20, (0, 2), (15, 19))


def test_sessions_that_never_played_are_not_in_the_denominator() -> None:
    never = [ev("ready", 0, 0)]
    paused = [ev("ready", 0, 0), ev("play", 1, 0), ev("pause", 1, 0)]  # nothing played
    watched = [ev("play", 0, 0), ev("pause", 5, 5)]
    curve = curve_of([never, paused, watched], 10)
    assert (curve.sessions, curve.played) == (3, 1)
    assert curve.share.tolist() == covered(10, (0, 4))


def test_out_of_order_duplicated_and_unknown_events_follow_the_inspector() -> None:
    in_order = [ev("play", 0, 0), ev("pause", 10, 10)]
    odd = [ev("pause", 10, 10), ev("play", 0, 0), ev("pause", 10, 10), ev("mystery", 5),
           ev("play", None, 3)]  # fmt: skip
    assert curve_of([odd], 20).viewers.tolist() == curve_of([in_order], 20).viewers.tolist()
    assert curve_of([odd], 20).viewers.tolist() == covered(20, (0, 9))


def test_a_missing_position_is_where_the_playhead_would_have_been() -> None:
    # pause with no `at` after 6 s of playing from 2: at 8
    curve = curve_of([[ev("play", 0, 2), ev("pause", 6, None)]], 20)
    assert curve.viewers.tolist() == covered(20, (2, 7))


def test_a_jump_without_a_seek_is_not_watched() -> None:
    # 5 s of playing from 0, but the pause says 50: the inspector's resync; 0 -> 5 watched
    curve = curve_of([[ev("play", 0, 0), ev("pause", 5, 50)]], 60)
    assert curve.viewers.tolist() == covered(60, (0, 4))


def test_a_stall_keeps_the_position_the_player_reported() -> None:
    # 10 s of wall-clock, 6 s of media: the pause's own position counts
    curve = curve_of([[ev("play", 0, 0), ev("pause", 10, 6)]], 20)
    assert curve.viewers.tolist() == covered(20, (0, 5))


def test_split_curves_have_their_own_denominators() -> None:
    a = [ev("play", 0, 0), ev("pause", 4, 4)]
    b = [ev("play", 0, 0), ev("pause", 2, 2)]
    c = [ev("play", 0, 0), ev("pause", 4, 4)]
    pb = playback(EventColumns.from_sessions([a, b, c]), 4)
    first, second = retention_curves(pb, np.array([0, 0, 1]), 2)
    assert (first.played, first.viewers.tolist()) == (2, [2, 2, 1, 1])
    assert (second.played, second.viewers.tolist()) == (1, [1, 1, 1, 1])


def test_wilson_interval_matches_the_formula() -> None:
    low, high = wilson(np.array([8]), 10)
    # Wilson (1927): centre (p + z²/2n) / (1 + z²/n), half width z/(1+z²/n) sqrt(p(1-p)/n + z²/4n²)
    assert (round(float(low[0]), 4), round(float(high[0]), 4)) == (0.4902, 0.9433)
    played = EventColumns.from_sessions([[ev("play", 0, 0), ev("pause", 1, 1)]])
    assert retention_curve(playback(played, 1), exact=True).half_width == 0.0
    assert retention_curve(playback(played, 1)).half_width > 0.3  # one session: wide


def test_a_duration_that_is_not_positive_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        playback(EventColumns.from_sessions([]), 0)


KINDS = ["ready", "play", "pause", "resume", "seek.backward", "seek.forward", "end", "other"]
position = st.one_of(st.none(), st.floats(-5, 70), st.sampled_from([0.0, 30.0, 60.0, NAN]))


@st.composite
def session(draw: st.DrawFn) -> tuple[list[ref.Ev], float | None]:
    count = draw(st.integers(0, 8))
    events = []
    for _ in range(count):
        t = draw(st.one_of(st.floats(0, 100), st.just(None)))
        events.append(ref.Ev(draw(st.sampled_from(KINDS)), t, draw(position), draw(position),
                             draw(position)))  # fmt: skip
    ended = draw(st.one_of(st.none(), st.floats(0, 200)))
    return events, ended


@settings(max_examples=300, deadline=None)
@given(st.lists(session(), max_size=6), st.sampled_from([1.0, 20.5, 60.0]))
def test_the_vectorised_curve_equals_a_plain_loop_on_any_data(
    sessions: list[tuple[list[ref.Ev], float | None]], duration: float
) -> None:
    def timeline(e: ref.Ev) -> TimelineEvent:
        moment = None if e.time is None else T0 + timedelta(seconds=e.time)
        return TimelineEvent(e.kind, moment, e.at, e.start, e.to)

    columns = EventColumns.from_sessions(
        [[timeline(e) for e in events] for events, _ in sessions],
        [NAN if ended is None else when(ended) for _, ended in sessions],
    )
    shifted = [
        ([ref.Ev(e.kind, None if e.time is None else when(e.time), e.at, e.start, e.to)
          for e in events], None if ended is None else when(ended))
        for events, ended in sessions
    ]  # fmt: skip
    played, viewers, passes = ref.curve(shifted, duration)
    curve = retention_curve(playback(columns, duration))
    assert curve.played == played
    assert curve.viewers.tolist() == viewers
    assert curve.passes.tolist() == passes
