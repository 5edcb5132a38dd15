"""Deriving playback from events: spans, first play, end, and view thresholds, by hand."""

from __future__ import annotations

from explorer.sandbox.derive import derive_session


def test_pause_resume_and_seeks_while_playing() -> None:
    facts = derive_session(
        None,
        [
            ("ready", 0),
            ("play", 1_000),
            ("seek.forward", 5_000),
            ("pause", 9_000),
            ("resume", 20_000),
            ("end", 22_000),
        ],
    )
    assert facts.spans == [(1_000, 9_000), (20_000, 22_000)]
    assert (facts.ready_at, facts.start_at, facts.end_at) == (0, 1_000, 22_000)
    assert facts.watch_ms() == 10_000
    assert facts.view_at == {3: 4_000, 5: 6_000, 10: 22_000, 30: None}


def test_a_seek_after_end_is_a_replay_but_a_seek_while_paused_is_not() -> None:
    facts = derive_session(
        40_000,
        [
            ("ready", 0),
            ("play", 0),
            ("end", 10_000),
            ("seek.backward", 12_000),
            ("pause", 15_000),
            ("seek.forward", 16_000),
            ("resume", 18_000),
        ],
    )
    # replay from 12 s to the pause at 15 s; the seek while paused leaves it paused until 18 s;
    # then it plays until the tab closes at 40 s
    assert facts.spans == [(0, 10_000), (12_000, 15_000), (18_000, 40_000)]


def test_a_session_that_never_closed_plays_until_its_last_event() -> None:
    assert derive_session(None, [("ready", 0), ("play", 500), ("seek.forward", 2_500)]).spans == [
        (500, 2_500)
    ]
    assert derive_session(None, [("ready", 0)]).spans == []
    assert derive_session(None, []).ready_at is None
