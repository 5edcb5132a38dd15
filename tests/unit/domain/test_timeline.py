"""Session timelines: the playhead path, its flags and its figures, by hand and by property."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.domain.timeline import (
    Ending,
    Flag,
    FlagKind,
    Jump,
    Segment,
    Timeline,
    TimelineEvent,
)
from explorer.domain.timeline import build_timeline as build_with_end_time
from explorer.domain.timeline_figures import (
    SessionFigures,
    overlay_paths,
    session_figures,
    union_length,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def t(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


CLOSED = T0 + timedelta(days=1)  # an end time after every event of these tests


def build_timeline(
    events: list[TimelineEvent] | tuple[TimelineEvent, ...],
    *,
    media_duration: float | None = None,
    live: bool = False,
) -> Timeline:
    """The path of a session that has an end time after its events: the tests of the path
    and its oddities are not about the end time (those below pass it themselves)."""
    return build_with_end_time(events, media_duration=media_duration, live=live, ended_at=CLOSED)


def ev(
    kind: str,
    s: float | None,
    at: float | None = None,
    start: float | None = None,
    to: float | None = None,
) -> TimelineEvent:
    return TimelineEvent(kind, None if s is None else t(s), at, start, to)


def seek(kind: str, s: float, start: float | None, to: float | None) -> TimelineEvent:
    return ev(f"seek.{kind}", s, start=start, to=to)


def flags(timeline: Timeline) -> dict[FlagKind, int]:
    return {f.kind: f.count for f in timeline.flags}


def seg(a: float, b: float, p: float, q: float, state: str) -> Segment:
    return Segment(t(a), t(b), p, q, state)  # type: ignore[arg-type]


# A 100 s video: watched 0-10, paused, 10-15, skipped to 40, 40-45, back to 35, 35-100, end.
BASIC = [
    ev("ready", 0, at=0),
    ev("play", 2, at=0),
    ev("pause", 12, at=10),
    ev("resume", 20, at=10),
    seek("forward", 25, 15, 40),
    seek("backward", 30, 45, 35),
    ev("end", 95, at=100),
]
BASIC_SEGMENTS = (
    seg(0, 2, 0, 0, "paused"),
    seg(2, 12, 0, 10, "playing"),
    seg(12, 20, 10, 10, "paused"),
    seg(20, 25, 10, 15, "playing"),
    seg(25, 30, 40, 45, "playing"),
    seg(30, 95, 35, 100, "playing"),
)
BASIC_FIGURES = SessionFigures(
    ready_to_play_s=2.0,
    playing_s=85.0,  # 10 + 5 + 5 + 65
    distinct_watched_s=80.0,  # [0, 15] and [35, 100]
    furthest_position_s=100.0,
    completion_percent=80.0,
    pauses=1,
    seeks_backward=1,
    seeks_backward_s=10.0,
    seeks_forward=1,
    seeks_forward_s=25.0,
    ended=True,
    replays=0,
)


# --- the path of a sound session --------------------------------------------------------------


def test_a_sound_session_by_hand() -> None:
    timeline = build_timeline(BASIC, media_duration=100)
    assert timeline.segments == BASIC_SEGMENTS
    assert timeline.jumps == (
        Jump(t(25), 15.0, 40.0, "forward", "seek"),
        Jump(t(30), 45.0, 35.0, "backward", "seek"),
    )
    assert timeline.flags == ()
    assert not timeline.open_ended
    assert (timeline.start, timeline.finish) == (t(0), t(95))
    assert [p.time for p in timeline.ends] == [t(95)]
    assert session_figures(timeline) == BASIC_FIGURES


def test_points_keep_every_event_for_the_lane() -> None:
    points = build_timeline(BASIC, media_duration=100).points
    assert [p.kind for p in points] == [e.kind for e in BASIC]
    assert [p.index for p in points] == list(range(len(BASIC)))
    forward = points[4]
    assert (forward.position, forward.position_after) == (15.0, 40.0)
    assert (forward.at, forward.start, forward.to) == (None, 15, 40)
    assert not any(p.estimated for p in points)


def test_the_path_draws_jumps_as_vertical_steps() -> None:
    (xs, ys), empty = overlay_paths([build_timeline(BASIC), build_timeline([])])
    assert xs.tolist() == [0, 2, 12, 20, 25, 25, 30, 30, 95]
    assert ys.tolist() == [0, 0, 10, 10, 15, 40, 45, 35, 100]
    assert xs.dtype == ys.dtype == np.float64
    assert empty[0].size == empty[1].size == 0


def test_overlay_aligns_sessions_at_their_own_start() -> None:
    later = [TimelineEvent(e.kind, e.emitted_at + timedelta(hours=5), e.at, e.start, e.to)
             for e in BASIC if e.emitted_at is not None]  # fmt: skip
    first, second = overlay_paths([build_timeline(BASIC), build_timeline(later)])
    assert first[0].tolist() == second[0].tolist()
    assert first[1].tolist() == second[1].tolist()


@pytest.mark.parametrize(("at", "jumped"), [(10.8, False), (9.2, False), (11.5, True), (8.4, True)])
def test_disagreements_of_a_second_or_less_re_anchor_silently(at: float, jumped: bool) -> None:
    timeline = build_timeline([ev("play", 0, at=0), ev("pause", 10, at=at)])
    assert (FlagKind.POSITION_JUMP in flags(timeline)) == jumped
    assert len(timeline.jumps) == jumped
    assert timeline.points[-1].position == at


def test_a_ready_mid_session_does_not_stop_playback() -> None:
    events = [ev("ready", 0, at=0), ev("play", 1, at=0), ev("ready", 5, at=4)]
    timeline = build_timeline([*events, ev("pause", 9, at=8)])
    assert timeline.segments[1:] == (seg(1, 5, 0, 4, "playing"), seg(5, 9, 4, 8, "playing"))


def test_a_position_jump_without_a_seek_is_a_resync() -> None:
    events = [ev("play", 0, at=0), ev("pause", 10, at=30), ev("resume", 20, at=5)]
    timeline = build_timeline([*events, ev("pause", 22, at=7)])
    assert flags(timeline) == {FlagKind.POSITION_JUMP: 2}
    assert timeline.jumps == (
        Jump(t(10), 10.0, 30.0, "forward", "resync"),
        Jump(t(20), 30.0, 5.0, "backward", "resync"),
    )
    assert timeline.flags[0].message == "the position jumped 2 times without a seek"
    figures = session_figures(timeline)
    assert (figures.seeks_forward, figures.seeks_backward) == (0, 0)  # not seeks


def test_a_seek_whose_from_disagrees_resyncs_first() -> None:
    timeline = build_timeline([ev("play", 0, at=0), seek("forward", 10, 20, 50), ev("pause", 15)])
    assert [(j.from_pos, j.to_pos, j.cause) for j in timeline.jumps] == [
        (10.0, 20.0, "resync"),
        (20.0, 50.0, "seek"),
    ]
    assert overlay_paths([timeline])[0][1].tolist() == [0, 10, 20, 50, 55]


def test_a_seek_while_paused_moves_the_paused_playhead() -> None:
    events = [ev("play", 0, at=0), ev("pause", 5, at=5), seek("backward", 8, 5, 1)]
    timeline = build_timeline([*events, ev("resume", 10, at=1), ev("pause", 12, at=3)])
    assert timeline.segments[1:] == (
        seg(5, 8, 5, 5, "paused"),
        seg(8, 10, 1, 1, "paused"),
        seg(10, 12, 1, 3, "playing"),
    )


# --- the odd cases ----------------------------------------------------------------------------


def test_no_events_gives_an_empty_timeline_and_a_flag() -> None:
    timeline = build_timeline([], media_duration=60)
    assert (timeline.points, timeline.segments, timeline.jumps, timeline.path) == ((), (), (), ())
    assert [f.message for f in timeline.flags] == ["the session has no events"]
    assert timeline.start is None and not timeline.open_ended
    figures = session_figures(timeline)
    assert figures.furthest_position_s is None and figures.ready_to_play_s is None
    assert (figures.playing_s, figures.distinct_watched_s, figures.completion_percent) == (0, 0, 0)
    assert not figures.ended


def test_events_out_of_order_are_re_sorted_and_counted() -> None:
    shuffled = [BASIC[6], BASIC[0], BASIC[3], BASIC[1], BASIC[2], BASIC[4], BASIC[5]]
    timeline = build_timeline(shuffled, media_duration=100)
    assert timeline.segments == BASIC_SEGMENTS
    assert session_figures(timeline) == BASIC_FIGURES
    # the fewest moves that sort it: `end` and `resume`
    assert timeline.flags == (Flag(FlagKind.OUT_OF_ORDER, 2),)
    assert [p.index for p in timeline.points] == [1, 3, 4, 2, 5, 6, 0]
    reversed_four = build_timeline(BASIC[3::-1])
    assert reversed_four.flags[0].message == "3 events arrived out of order and were re-sorted"


def test_ties_keep_the_order_received() -> None:
    pause_then_seek = [ev("play", 0, at=0), ev("pause", 5, at=5), seek("forward", 5, 5, 9)]
    timeline = build_timeline([*pause_then_seek, ev("resume", 7, at=9), ev("pause", 9, at=11)])
    assert [p.kind for p in timeline.points][1:3] == ["pause", "seek.forward"]
    assert timeline.segments[1] == seg(5, 7, 9, 9, "paused")  # the seek came after the pause
    assert FlagKind.OUT_OF_ORDER not in flags(timeline)


def test_duplicates_are_ignored_and_counted() -> None:
    doubled = [*BASIC[:3], BASIC[2], *BASIC[3:], BASIC[2], BASIC[6]]
    timeline = build_timeline(doubled, media_duration=100)
    assert timeline.segments == BASIC_SEGMENTS
    assert session_figures(timeline).pauses == 1
    assert [f.message for f in timeline.flags] == ["3 duplicated events were ignored"]
    near_twin = ev("pause", 12, at=10.001)  # not exact: kept
    assert len(build_timeline([*BASIC, near_twin]).points) == len(BASIC) + 1


def test_unknown_types_are_kept_as_other() -> None:
    events = [ev("play", 0, at=0), ev("buffer", 4, at=99), ev("pause", 10, at=10)]
    timeline = build_timeline(events)
    other = timeline.points[1]
    assert (other.kind, other.type_name, other.at) == ("other", "buffer", 99)
    assert (other.position, other.estimated) == (4.0, True)  # drawn where the playhead was
    assert timeline.jumps == ()  # its `at` does not move the playhead
    assert [f.message for f in timeline.flags] == [
        '1 event of an unknown type ("buffer") shown as other'
    ]
    two = build_timeline([*events, ev("error", 11), ev("buffer", 12), ev("Pause", 13)])
    assert two.flags[0].message == (
        '4 events of unknown types ("buffer", "error", "Pause") shown as other'
    )


def test_a_missing_at_carries_the_extrapolated_position() -> None:
    events = [ev("ready", 0, at=0), ev("play", 1, at=0), ev("pause", 11), ev("resume", 15)]
    timeline = build_timeline([*events, ev("end", 20, at=15)], media_duration=15)
    assert [(p.position, p.estimated) for p in timeline.points[2:4]] == [(10, True), (10, True)]
    assert timeline.segments[-1] == seg(15, 20, 10, 15, "playing")
    assert [f.message for f in timeline.flags] == ["2 events had no position"]


def test_a_first_event_without_position_starts_at_zero() -> None:
    timeline = build_timeline([ev("play", 0), ev("pause", 3, at=3)])
    assert timeline.points[0].position == 0 and timeline.points[0].estimated
    assert flags(timeline) == {FlagKind.NO_POSITION: 1}


@pytest.mark.parametrize(
    ("start", "to", "jump", "after"),
    [
        (None, 30.0, (10.0, 30.0), 30.0),  # from carried
        (10.0, None, (10.0, 10.0), 10.0),  # stays put
        (None, None, (10.0, 10.0), 10.0),
        (math.nan, -4.0, (10.0, 10.0), 10.0),  # unusable positions count as none
    ],
)
def test_a_seek_without_from_or_to(
    start: float | None, to: float | None, jump: tuple[float, float], after: float
) -> None:
    timeline = build_timeline([ev("play", 0, at=0), seek("backward", 10, start, to)])
    (only,) = timeline.jumps
    assert (only.from_pos, only.to_pos) == jump
    assert only.direction == ("forward" if jump[1] > jump[0] else "backward")
    assert timeline.points[-1].position_after == after
    assert flags(timeline) == {FlagKind.NO_POSITION: 1}
    figures = session_figures(timeline)
    assert figures.seeks_backward + figures.seeks_forward == 1


def test_a_seek_past_the_end_is_clamped() -> None:
    events = [ev("play", 0, at=0), seek("forward", 10, 10, 75), ev("end", 12, at=60)]
    timeline = build_timeline(events, media_duration=60)
    assert timeline.jumps == (Jump(t(10), 10.0, 60.0, "forward", "seek"),)
    assert timeline.segments[-1] == seg(10, 12, 60, 60, "unknown")  # nowhere left to play
    assert [f.message for f in timeline.flags] == [
        "a seek went past the end of the media (clamped)"
    ]
    assert session_figures(timeline).seeks_forward_s == 50


def test_positions_past_the_end_are_clamped_with_a_second_of_slack() -> None:
    rounded = build_timeline([ev("play", 0, at=0), ev("end", 60.4, at=60.4)], media_duration=60)
    assert rounded.flags == () and rounded.points[-1].position == 60
    past = build_timeline([ev("play", 0, at=0), ev("end", 70, at=70)], media_duration=60)
    assert FlagKind.POSITION_PAST_END in flags(past)
    assert past.points[-1].position == 60


def test_playing_past_the_end_without_end_is_not_counted_as_playing() -> None:
    timeline = build_timeline([ev("play", 0, at=50), ev("pause", 30, at=60)], media_duration=60)
    assert timeline.segments == (seg(0, 10, 50, 60, "playing"), seg(10, 30, 60, 60, "unknown"))
    assert session_figures(timeline).playing_s == 10


# --- how a session ended: its end time (`endedAt`) and its events agree -------------------


def test_a_session_with_an_end_time_is_never_said_to_be_open() -> None:
    """Issue 15.1: a session that ended (at `endedAt`) while playing, with no `end` event, is
    flagged "never ended" no more: the viewer left mid-video, what followed is not known."""
    events = [ev("ready", 0, at=0), ev("play", 1, at=0), seek("forward", 11, 10, 20)]
    timeline = build_with_end_time(events, media_duration=100, ended_at=t(565))
    assert timeline.flags == () and not timeline.open_ended
    assert timeline.ending is Ending.LEFT_PLAYING
    assert timeline.ended_at == t(565) and timeline.unknown_after_s == 554
    assert timeline.segments[-1] == seg(1, 11, 0, 10, "playing")  # the events end at 11 s
    assert timeline.tail == seg(11, 565, 20, 20, "unknown")  # nothing says what came next
    figures = session_figures(timeline)
    assert not figures.ended and figures.playing_s == 10  # the unknown stretch is not playing


def test_a_session_without_an_end_time_is_flagged_still_open_even_after_an_end_event() -> None:
    played = [ev("ready", 0, at=0), ev("play", 1, at=0), ev("end", 31, at=30)]
    timeline = build_with_end_time(played, media_duration=30, ended_at=None)
    assert flags(timeline) == {FlagKind.NO_END_TIME: 1} and timeline.open_ended
    assert timeline.flags[0].message == (
        "the session has no end time: it is still open, or its end was not recorded"
    )
    assert timeline.ending is Ending.AT_END and session_figures(timeline).ended
    assert timeline.tail is None and timeline.unknown_after_s is None


def test_a_session_with_neither_an_end_time_nor_an_end_event_is_flagged() -> None:
    timeline = build_with_end_time([ev("ready", 0, at=0), ev("play", 1, at=0)], ended_at=None)
    assert FlagKind.NO_END_TIME in flags(timeline)
    assert timeline.ending is Ending.LEFT_PLAYING


def test_a_session_whose_state_is_never_known() -> None:
    events = [seek("forward", 0, 0, 10), ev("buffer", 5)]
    timeline = build_with_end_time(events, media_duration=60, ended_at=t(5))
    assert timeline.segments == (seg(0, 5, 10, 10, "unknown"),)
    assert timeline.ending is Ending.LEFT_UNKNOWN and timeline.tail is None
    assert timeline.unknown_after_s == 0 and timeline.flags[0].kind is FlagKind.UNKNOWN_TYPE


@pytest.mark.parametrize(
    ("last", "ending"),
    [(ev("pause", 30, at=29), Ending.LEFT_PAUSED), (ev("end", 30, at=29), Ending.AT_END)],
)
def test_a_final_pause_or_end_says_how_playback_stopped(
    last: TimelineEvent, ending: Ending
) -> None:
    timeline = build_with_end_time(
        [ev("ready", 0, at=0), ev("play", 1, at=0), last], ended_at=t(30)
    )
    assert timeline.ending is ending and timeline.flags == () and timeline.tail is None


def test_events_after_the_end_time_are_flagged_and_no_tail_is_drawn() -> None:
    events = [ev("play", 0, at=0), ev("pause", 10, at=10), ev("resume", 20, at=10)]
    timeline = build_with_end_time(
        events, ended_at=datetime(2026, 1, 1, 13, 0, 15, tzinfo=timezone(timedelta(hours=1)))
    )
    assert flags(timeline) == {FlagKind.EVENTS_AFTER_END: 1}
    assert timeline.flags[0].message == "1 event came after the session's end time"
    assert timeline.tail is None and timeline.ended_at == t(15)


def test_a_session_with_no_events_has_no_ending() -> None:
    timeline = build_with_end_time([], ended_at=None)
    assert timeline.ending is Ending.NO_EVENTS and flags(timeline) == {FlagKind.NO_EVENTS: 1}
    assert not timeline.open_ended


def test_a_seek_after_end_is_a_replay() -> None:
    events = [ev("ready", 0, at=0), ev("play", 1, at=0), ev("end", 31, at=30)]
    replay = [*events, seek("backward", 33, 30, 0), ev("pause", 43, at=10)]
    timeline = build_timeline(replay, media_duration=30)
    assert timeline.segments[-2:] == (seg(31, 33, 30, 30, "paused"), seg(33, 43, 0, 10, "playing"))
    assert timeline.jumps == (Jump(t(33), 30.0, 0.0, "backward", "replay"),)
    figures = session_figures(timeline)
    assert (figures.replays, figures.seeks_backward, figures.seeks_backward_s) == (1, 0, 0)
    assert (figures.playing_s, figures.distinct_watched_s, figures.completion_percent) == (
        40,
        30,
        100,
    )
    assert figures.ended and figures.pauses == 1 and timeline.ending is Ending.LEFT_PAUSED


def test_a_seek_after_a_pause_that_followed_end_is_no_replay() -> None:
    events = [ev("play", 0, at=0), ev("end", 30, at=30), ev("pause", 31, at=30)]
    timeline = build_timeline([*events, seek("backward", 33, 30, 0)], media_duration=30)
    assert timeline.jumps[-1].cause == "seek" and timeline.ending is Ending.LEFT_PAUSED


def test_a_live_stream_has_no_cap_and_no_completion() -> None:
    events = [ev("ready", 0, at=0), ev("play", 2, at=0), seek("forward", 602, 600, 900)]
    timeline = build_timeline([*events, ev("pause", 612, at=910)], media_duration=300, live=True)
    assert timeline.media_duration is None and timeline.live
    assert timeline.flags == ()
    figures = session_figures(timeline)
    assert figures.completion_percent is None
    assert (figures.playing_s, figures.distinct_watched_s, figures.furthest_position_s) == (
        610,
        610,
        910,
    )


@pytest.mark.parametrize("duration", [None, 0.0, -5.0, math.inf, math.nan])
def test_an_unknown_duration_gives_no_completion(duration: float | None) -> None:
    timeline = build_timeline(BASIC, media_duration=duration)
    assert timeline.media_duration is None
    assert session_figures(timeline).completion_percent is None
    assert session_figures(timeline).distinct_watched_s == 80


def test_events_without_time_are_left_out_and_counted() -> None:
    timeline = build_timeline([*BASIC, ev("pause", None, at=3), ev("buffer", None)])
    assert len(timeline.points) == len(BASIC)
    assert timeline.flags[0].message == "2 events had no time and are not shown"


def test_naive_times_are_utc_and_mix_with_aware_ones() -> None:
    paris = timezone(timedelta(hours=1))
    events = [
        TimelineEvent("play", datetime(2026, 1, 1, 12, 0, 0), 0.0),
        TimelineEvent("pause", datetime(2026, 1, 1, 13, 0, 10, tzinfo=paris), 10.0),
    ]
    timeline = build_timeline(events)
    assert timeline.segments == (seg(0, 10, 0, 10, "playing"),)
    assert timeline.start is not None and timeline.start.tzinfo is UTC


# --- figures ----------------------------------------------------------------------------------


def test_ready_to_play_needs_a_ready_and_a_later_play() -> None:
    def figure(events: list[TimelineEvent]) -> float | None:
        return session_figures(build_timeline(events)).ready_to_play_s

    assert figure([ev("ready", 3, at=0), ev("play", 7.5, at=0)]) == 4.5
    assert figure([ev("play", 1, at=0), ev("ready", 3, at=0), ev("play", 7, at=0)]) == 4
    assert figure([ev("ready", 3, at=0)]) is None
    assert figure([ev("play", 3, at=0)]) is None


def test_pauses_and_seeks_add_up() -> None:
    events = [ev("play", 0, at=0), ev("pause", 5, at=5), ev("resume", 6, at=5)]
    events += [
        seek("forward", 8, 7, 17),
        seek("forward", 9, 18, 20.5),
        seek("backward", 10, 21.5, 1),
    ]
    events += [ev("pause", 12, at=3), ev("pause", 13, at=3)]
    figures = session_figures(build_timeline(events, media_duration=40))
    assert (figures.pauses, figures.seeks_forward, figures.seeks_backward) == (3, 2, 1)
    assert (figures.seeks_forward_s, figures.seeks_backward_s) == (12.5, 20.5)
    # played 0-5, 5-7, 17-18, 20.5-21.5, 1-3: distinct [0, 7] + 1 + 1 = 9 of 40
    assert figures.distinct_watched_s == 9 and figures.completion_percent == 22.5
    assert figures.playing_s == 11 and figures.furthest_position_s == 21.5


@pytest.mark.parametrize(
    ("intervals", "length"),
    [
        ([], 0),
        ([(0, 10)], 10),
        ([(0, 10), (5, 15)], 15),
        ([(20, 30), (0, 10), (10, 12)], 22),
        ([(0, 100), (10, 20), (30, 40)], 100),
        ([(5, 5), (7, 6)], 0),
    ],
)
def test_union_length(intervals: list[tuple[float, float]], length: float) -> None:
    assert union_length(intervals) == length


# --- properties -------------------------------------------------------------------------------

_KINDS = ["ready", "play", "pause", "resume", "seek.backward", "seek.forward", "end", "buffer"]
_POSITIONS = st.one_of(
    st.none(),
    st.floats(0, 200),
    st.floats(allow_nan=True, allow_infinity=True),
)
_EVENTS = st.lists(
    st.builds(
        TimelineEvent,
        st.sampled_from(_KINDS),
        st.one_of(st.none(), st.integers(0, 600_000).map(lambda ms: t(ms / 1000))),
        _POSITIONS,
        _POSITIONS,
        _POSITIONS,
    ),
    max_size=30,
)
_DURATIONS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


@settings(max_examples=300)
@given(_EVENTS, _DURATIONS, st.booleans())
def test_any_events_build_a_sound_timeline(
    events: list[TimelineEvent], duration: float | None, live: bool
) -> None:
    timeline = build_timeline(events, media_duration=duration, live=live)
    cap = timeline.media_duration
    for before, after in pairwise(timeline.segments):
        assert before.end <= after.start
    for segment in timeline.segments:
        rise, elapsed = segment.pos_end - segment.pos_start, segment.seconds
        assert elapsed > 0
        if segment.state == "playing":
            assert 0 <= rise <= elapsed + 1e-6  # never faster than the wall clock
        else:
            assert rise == 0
        for pos in (segment.pos_start, segment.pos_end):
            assert 0 <= pos <= (math.inf if cap is None else cap)
    assert [p.time for p in timeline.points] == sorted(p.time for p in timeline.points)
    assert bool(timeline.points) != (FlagKind.NO_EVENTS in flags(timeline))
    assert all(f.count > 0 and f.message for f in timeline.flags)

    figures = session_figures(timeline)
    for value in (
        figures.ready_to_play_s, figures.playing_s, figures.distinct_watched_s,
        figures.furthest_position_s, figures.completion_percent, figures.pauses,
        figures.seeks_backward, figures.seeks_backward_s, figures.seeks_forward,
        figures.seeks_forward_s, figures.replays,
    ):  # fmt: skip
        assert value is None or value >= 0
    assert figures.distinct_watched_s <= figures.playing_s + 1e-6
    if cap is not None:
        assert figures.distinct_watched_s <= cap + 1e-9
        assert figures.completion_percent is not None and figures.completion_percent <= 100
    ((xs, ys),) = overlay_paths([timeline])
    assert len(xs) == len(ys) and bool(np.all(np.diff(xs) >= 0))


@given(_EVENTS, st.randoms(use_true_random=False))
def test_the_order_received_does_not_matter_for_distinct_times(
    events: list[TimelineEvent], shuffler: random.Random
) -> None:
    timed = {e.emitted_at: e for e in events if e.emitted_at is not None}  # one per instant
    ordered = sorted(timed.values(), key=lambda e: e.emitted_at or T0)
    shuffled = list(ordered)
    shuffler.shuffle(shuffled)
    a, b = build_timeline(ordered, media_duration=120), build_timeline(shuffled, media_duration=120)
    assert (a.segments, a.jumps, a.path) == (b.segments, b.jumps, b.path)
    assert [f for f in b.flags if f.kind is not FlagKind.OUT_OF_ORDER] == list(a.flags)


# --- agreement with the sandbox ---------------------------------------------------------------


Simulated = tuple[list[TimelineEvent], float | None, list[tuple[str, int]], datetime]


def _simulated_sessions(n: int) -> list[Simulated]:
    """Sessions from the sandbox's simulator: our events, media duration, derive's input and
    when the viewer left (the session's end time)."""
    from explorer.sandbox.playback import EVENT_TYPES, LIVE, SEEK_TYPES, Plan, simulate

    rng = np.random.default_rng(11)
    loaded = np.arange(n, dtype=np.int64) * 1000
    cls = rng.integers(0, 4, n)
    plan = Plan(
        loaded=loaded,
        impression_ms=rng.integers(200, 3000, n),
        cls=cls,
        duration_ms=np.where(cls == LIVE, 0, rng.integers(20_000, 1_800_000, n)),
        window_end=loaded + rng.integers(600_000, 4 * 3_600_000, n),
        autoplay=rng.random(n) < 0.3,
    )
    events = simulate(rng, plan)
    sessions: list[Simulated] = [
        (
            [],
            None if cls[i] == LIVE else plan.duration_ms[i] / 1000,
            [],
            datetime.fromtimestamp(int(events.closed_at[i]) / 1000, UTC),
        )
        for i in range(n)
    ]
    for row, kind, ms, pos, to in zip(
        events.row, events.kind, events.emitted_at, events.pos_ms, events.to_ms, strict=True
    ):
        name, when = EVENT_TYPES[kind], datetime.fromtimestamp(ms / 1000, UTC)
        if kind in SEEK_TYPES:
            event = TimelineEvent(name, when, None, pos / 1000, to / 1000)
        else:
            event = TimelineEvent(name, when, pos / 1000)
        sessions[row][0].append(event)
        sessions[row][2].append((name, int(ms)))
    return sessions


def test_simulated_sessions_are_sound_and_agree_with_the_sandbox() -> None:
    from explorer.sandbox.derive import derive_session

    sessions = _simulated_sessions(1500)
    endings = set()
    for events, duration, raw, closed in sessions:
        timeline = build_with_end_time(
            events, media_duration=duration, live=duration is None, ended_at=closed
        )
        assert timeline.flags == ()  # an end time is never contradicted by the events
        assert all(j.cause != "resync" for j in timeline.jumps)
        endings.add(timeline.ending)
        assert (timeline.ending is Ending.AT_END) == (raw[-1][0] == "end")
        figures = session_figures(timeline)
        watch_ms = derive_session(None, raw).watch_ms()
        assert figures.playing_s == pytest.approx(watch_ms / 1000, abs=1e-3)
        assert figures.replays == sum(
            1 for a, b in pairwise(raw) if a[0] == "end" and b[0].startswith("seek")
        )
    assert {Ending.AT_END, Ending.LEFT_PLAYING, Ending.LEFT_PAUSED} <= endings
