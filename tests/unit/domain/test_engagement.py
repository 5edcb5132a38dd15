"""Per-video figures, the viewer report, estimated QoE and key moments on hand-built sessions."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from explorer.domain.continents import UNKNOWN, continent_of
from explorer.domain.engagement import engagement, union_per_owner, viewer_report
from explorer.domain.key_moments import clock, key_moments
from explorer.domain.playback import EventColumns, playback
from explorer.domain.retention import RetentionCurve, retention_curve
from explorer.domain.timeline import TimelineEvent

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
NAN = math.nan


def ev(kind: str, t: float, at: float | None = None, frm: float | None = None,
       to: float | None = None) -> TimelineEvent:  # fmt: skip
    return TimelineEvent(kind, T0 + timedelta(seconds=t), at, frm, to)


def when(t: float) -> float:
    return (T0 + timedelta(seconds=t)).timestamp()


# a 100 s video; times in seconds after T0; loadedAt 2 s before the first event
FULL = [ev("ready", 1, 0), ev("play", 3, 0), ev("end", 103, 100)]  # 100 % , completed by `end`
NEAR = [ev("ready", 1, 0), ev("play", 2, 0), ev("pause", 98, 96)]  # 96 %: past 95 %, completed
HALF = [ev("ready", 1, 0), ev("play", 5, 0), ev("pause", 55, 50)]  # 50 %
REWATCH = [ev("ready", 1, 0), ev("play", 2, 0), ev("seek.backward", 22, frm=20, to=0),
           ev("pause", 52, 30)]  # fmt: skip  # 30 %, 50 s of watch time
NEVER = [ev("ready", 4, 0)]  # ready, never played
STALL = [ev("ready", 1, 0), ev("play", 2, 0), ev("pause", 22, 10)]  # 20 s wall, 10 s media


def build(sessions: list[list[TimelineEvent]], ended: list[float] | None = None):  # type: ignore[no-untyped-def]
    loaded = [when(-1)] * len(sessions)
    ended = ended or [NAN] * len(sessions)
    return playback(EventColumns.from_sessions(sessions, ended, loaded), 100)


def test_per_video_figures() -> None:
    figures = engagement(build([FULL, NEAR, HALF, REWATCH, NEVER]))[0]
    assert (figures.sessions, figures.played) == (5, 4)
    assert figures.completion_rate == 0.5  # FULL (end) and NEAR (96 >= 95) of 4 played
    assert figures.mean_watched == pytest.approx((1.0 + 0.96 + 0.5 + 0.3) / 4)
    assert figures.median_watched == pytest.approx((0.5 + 0.96) / 2)
    # watch time: 100, 96, 50, 20 + 30 = 50 -> median of (50, 50, 96, 100) = 73
    assert figures.median_watch_time_s == pytest.approx(73.0)


def test_estimated_quality_of_experience() -> None:
    # still playing at 90 when it ended 30 s later: the 20 s past the end are not a stall
    capped = [ev("ready", 1, 0), ev("play", 2, 90)]
    figures = engagement(build([FULL, HALF, NEVER, STALL, capped], [NAN] * 4 + [when(32)]))[0]
    # ready time: loadedAt (t=-1) to ready: 2, 2, 5, 2, 2 -> median 2
    assert figures.median_ready_s == pytest.approx(2.0)
    # ready to first play: 2, 4, (never), 1, 1 -> median 1.5
    assert figures.median_to_first_play_s == pytest.approx(1.5)
    assert figures.ready_never_played == 1
    # stall: FULL 0, HALF 50 wall - 50 media = 0, STALL 20 - 10 = 10, capped 0
    assert figures.stall_s == pytest.approx(10.0)
    assert figures.stalled == 1
    assert figures.median_stall_s == pytest.approx(0.0)


def test_figures_split_by_group() -> None:
    pb = build([FULL, HALF, NEVER])
    first, second = engagement(pb, np.array([0, 1, 1]), 2)
    assert (first.played, first.completion_rate) == (1, 1.0)
    assert (second.sessions, second.played, second.completion_rate) == (2, 1, 0.0)
    assert second.ready_never_played == 1


def test_viewer_report_unites_each_value_s_sessions() -> None:
    first_half = [ev("play", 0, 0), ev("pause", 50, 50)]
    second_half = [ev("play", 200, 50), ev("pause", 250, 100)]
    overlap = [ev("play", 0, 10), ev("pause", 30, 40)]
    pb = playback(
        EventColumns.from_sessions(
            [first_half, second_half, overlap, FULL],
            [when(60), when(260), NAN, NAN],
            [when(-1)] * 4,
        ),
        100,
    )
    rows = viewer_report(pb, ["ana", "ana", "bob", None])
    assert [(r.value, r.sessions, r.completed) for r in rows] == [
        ("ana", 2, True),
        ("bob", 1, False),
    ]
    assert rows[0].watched == pytest.approx(1.0)  # 0-50 and 50-100 together: all of it
    assert rows[1].watched == pytest.approx(0.3)
    assert rows[0].last_seen == pytest.approx(when(260))  # the later endedAt
    assert rows[1].last_seen == pytest.approx(when(30))  # no endedAt: its last event


def test_union_per_owner_counts_overlaps_once() -> None:
    owner = np.array([0, 0, 0, 1])
    total = union_per_owner(owner, np.array([0.0, 5, 20, 1]), np.array([10.0, 12, 21, 2]), 3)
    assert total.tolist() == [13.0, 1.0, 0.0]


def _curve(
    viewers: list[int], passes: list[int], skipped: list[int], played: int
) -> RetentionCurve:
    n = len(viewers)
    return RetentionCurve(
        duration=float(n), sessions=played, played=played, viewers=np.array(viewers),
        passes=np.array(passes), skipped=np.array(skipped), low=np.zeros(n), high=np.ones(n),
        exact=False,
    )  # fmt: skip


def test_key_moments_in_words() -> None:
    # 100 viewers; 40 s; a drop of 30 at 10-15 s, a rewatch of 20 at 20 s, 25 skip 30-34
    viewers = [100] * 10 + [70] * 30
    passes = list(viewers)
    passes[20] += 20
    skipped = [0] * 30 + [25] * 5 + [0] * 5
    moments = key_moments(_curve(viewers, passes, skipped, 100))
    texts = [m.text for m in moments]
    assert texts[0] == "At 0:30, 70% of viewers were still watching"
    drops = [m for m in moments if m.kind == "drop"]
    assert drops[0].viewers == 30 and drops[0].start <= 9 < drops[0].end
    assert "30% of viewers left (30 of 100)" in drops[0].text
    rewatch = [m for m in moments if m.kind == "rewatch"]
    assert [(m.start, m.viewers) for m in rewatch] == [(20, 20)]
    assert [(m.start, m.end, m.viewers) for m in moments if m.kind == "skip"] == [(30, 35, 25)]
    assert "Skipped 0:30–0:35: by up to 25% of viewers" in texts


def test_key_moments_of_a_real_curve_and_of_nobody() -> None:
    session = [ev("play", 0, 0), ev("pause", 40, 40)]
    curve = retention_curve(playback(EventColumns.from_sessions([session]), 60))
    assert key_moments(curve)[0].text == "At 0:30, 100% of viewers were still watching"
    empty = retention_curve(playback(EventColumns.from_sessions([[ev("ready", 0, 0)]]), 60))
    assert key_moments(empty) == []
    assert clock(3725) == "1:02:05" and clock(65) == "1:05"


def test_continents_from_names_and_codes() -> None:
    assert continent_of("France") == "EU"
    assert continent_of("united states") == "NA"
    assert continent_of("AU") == "AZ"  # Oceania, as api.video spells it
    assert continent_of("Brazil") == "SA"
    assert continent_of("") == UNKNOWN and continent_of("Atlantis") == UNKNOWN


def test_continents_agree_with_the_sandbox_population() -> None:
    from explorer.sandbox.population import COUNTRIES

    for country in COUNTRIES:
        assert continent_of(country.name) == country.continent, country.name
        assert continent_of(country.code) == country.continent, country.code
