"""The simulator: deterministic, the right size, and every session's events physically sound."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest

from explorer.domain.catalogue import CONTINENTS, DEVICE_TYPES
from explorer.sandbox import population
from explorer.sandbox.schema import SCHEMA_VERSION
from explorer.sandbox.simulator import DAYS_AHEAD, DAYS_BACK, SCALES, generate

ANCHOR = 1_767_225_600_000  # 2026-01-01T00:00:00Z
DAY = 86_400_000
SEED = 7
TOL = 0.0005  # seconds: positions are whole milliseconds; this only absorbs float error
SEEKS = ("seek.backward", "seek.forward")


def _generated(seed: int = SEED, anchor: int = ANCHOR) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    generate(db, seed=seed, scale=SCALES["small"], anchor_ms=anchor)
    return db


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    connection = _generated()
    yield connection
    connection.close()


def _dump(db: sqlite3.Connection) -> list[str]:
    return list(db.iterdump())


@dataclass
class Ev:
    type: str
    t: int
    at: float | None
    frm: float | None
    to: float | None


def _sessions(db: sqlite3.Connection) -> Iterator[tuple[sqlite3.Row, float, list[Ev]]]:
    """Every session with its media duration (0 for live) and its events in seq order."""
    db.row_factory = sqlite3.Row
    durations = dict(db.execute("SELECT video_id, duration FROM videos").fetchall())
    events: dict[int, list[Ev]] = defaultdict(list)
    seqs: dict[int, list[int]] = defaultdict(list)
    for sid, seq, kind, t, at, frm, to in db.execute(
        "SELECT sid, seq, type, emitted_at, at, from_pos, to_pos FROM events ORDER BY sid, seq"
    ):
        events[sid].append(Ev(kind, t, at, frm, to))
        seqs[sid].append(seq)
    for row in db.execute("SELECT * FROM sessions ORDER BY sid"):
        assert seqs[row["sid"]] == list(range(len(seqs[row["sid"]]))), row["session_id"]
        yield row, durations.get(row["media_id"], 0.0), events[row["sid"]]
    db.row_factory = None


def physics_problems(
    events: list[Ev], *, live: bool, duration: float, ended_at: int | None = None
) -> list[str]:
    """What is physically wrong with one session's events (empty when all is well).

    The playhead is replayed from the events: while playing it must have moved by exactly the
    wall-clock time since the previous event (never faster), paused it stays put, seeks jump
    from where it is, `end` is at the media's end, and a live viewer never passes the edge.
    """
    if not events or events[0].type != "ready":
        return ["the first event is not ready"]
    problems: list[str] = []
    state, pos, play_t, last_t = "loaded", events[0].at, None, events[0].t
    if pos is None:
        return ["ready has no position"]
    for i, e in enumerate(events[1:], start=1):
        where = f"event {i} ({e.type})"
        if e.t < last_t:
            problems.append(f"{where}: emitted before the previous event")
        if state == "playing":
            pos += (e.t - last_t) / 1000
        seek = e.type in SEEKS
        if seek != (e.at is None) or seek != (e.frm is not None) or seek != (e.to is not None):
            problems.append(f"{where}: at/from/to do not fit the event type")
            break
        here = e.frm if seek else e.at
        assert here is not None
        if abs(here - pos) > TOL:
            problems.append(f"{where}: playhead {here} but {pos:.3f} expected from wall time")
        if seek:
            assert e.to is not None
            if (e.type == "seek.forward") != (e.to > here):
                problems.append(f"{where}: wrong direction")
            pos = e.to
            state = "playing" if state == "ended" else state  # the replay button
        elif e.type == "play":
            if state != "loaded":
                problems.append(f"{where}: a second play")
            state, play_t = "playing", e.t
        elif e.type in ("pause", "end"):
            if state != "playing":
                problems.append(f"{where}: while not playing")
            state = "paused" if e.type == "pause" else "ended"
            if e.type == "end" and not live and abs(pos - duration) > TOL:
                problems.append(f"{where}: end at {pos}, the video lasts {duration}")
        elif e.type == "resume":
            if state != "paused":
                problems.append(f"{where}: while not paused")
            state = "playing"
        else:
            problems.append(f"{where}: unexpected")
        if pos < -TOL or (not live and pos > duration + TOL):
            problems.append(f"{where}: playhead {pos} outside the media")
        if live and play_t is not None and pos > (e.t - play_t) / 1000 + TOL:
            problems.append(f"{where}: playhead {pos} past the live edge")
        last_t = e.t
    if ended_at is not None:
        if ended_at < last_t:
            problems.append("ended before its last event")
        elif state == "playing" and not live and pos + (ended_at - last_t) / 1000 > duration + TOL:
            problems.append("still playing past the end of the video when it closed")
    return problems


# --- the checker itself can fail -----------------------------------------------------------

_GOOD = [
    Ev("ready", 1_000, 0.0, None, None),
    Ev("play", 3_000, 0.0, None, None),
    Ev("pause", 13_000, 10.0, None, None),
    Ev("seek.forward", 20_000, None, 10.0, 25.5),
    Ev("resume", 30_000, 25.5, None, None),
    Ev("end", 34_500, 30.0, None, None),
    Ev("seek.backward", 36_000, None, 30.0, 0.0),
    Ev("pause", 38_000, 2.0, None, None),
]


def test_the_physics_checker_accepts_a_sound_session() -> None:
    assert physics_problems(_GOOD, live=False, duration=30.0, ended_at=40_000) == []


@pytest.mark.parametrize(
    ("index", "event", "complaint"),
    [
        (2, Ev("pause", 13_000, 10.5, None, None), "playhead 10.5"),  # faster than wall clock
        (4, Ev("resume", 30_000, 26.0, None, None), "playhead 26.0"),  # not where it paused
        (3, Ev("seek.forward", 20_000, 10.0, 10.0, 25.5), "at/from/to"),  # a seek with at
        (5, Ev("end", 34_500, 30.0, None, None), ""),  # control: unchanged
        (1, Ev("play", 500, 0.0, None, None), "emitted before"),
        (0, Ev("play", 1_000, 0.0, None, None), "first event is not ready"),
    ],
)
def test_the_physics_checker_rejects_broken_sessions(index: int, event: Ev, complaint: str) -> None:
    broken = [*_GOOD[:index], event, *_GOOD[index + 1 :]]
    problems = physics_problems(broken, live=False, duration=30.0)
    assert (problems == []) == (complaint == "")
    assert all(complaint in p for p in problems[:1])


def test_the_physics_checker_knows_the_live_edge_and_the_end() -> None:
    ahead = [
        Ev("ready", 0, 0.0, None, None),
        Ev("play", 1_000, 0.0, None, None),
        Ev("seek.forward", 11_000, None, 10.0, 12.0),
    ]
    assert "past the live edge" in physics_problems(ahead, live=True, duration=0)[0]
    short = [*_GOOD[:5], Ev("end", 33_500, 29.0, None, None)]
    assert "the video lasts" in physics_problems(short, live=False, duration=29.5)[-1]


# --- determinism, size, speed --------------------------------------------------------------


def test_same_seed_gives_the_same_bytes(db: sqlite3.Connection) -> None:
    assert _dump(_generated()) == _dump(db)


def test_another_seed_or_anchor_gives_other_data(db: sqlite3.Connection) -> None:
    other = _generated(seed=SEED + 1)
    assert other.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1_500
    assert set(other.execute("SELECT video_id FROM videos")).isdisjoint(
        db.execute("SELECT video_id FROM videos")
    )
    moved = _generated(anchor=ANCHOR + 7 * DAY)
    lo, hi = moved.execute("SELECT MIN(loaded_at), MAX(loaded_at) FROM sessions").fetchone()
    assert ANCHOR - 24 * DAY <= lo < hi < ANCHOR + 8 * DAY


def test_small_scale_counts_and_meta(db: sqlite3.Connection) -> None:
    small = SCALES["small"]
    for table, expected in (
        ("players", small.players),
        ("videos", small.videos),
        ("live_streams", small.live_streams),
        ("sessions", small.sessions),
    ):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == expected, table
    assert 3 * small.sessions < db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    meta = dict(db.execute("SELECT key, value FROM meta"))
    assert meta == {
        "seed": str(SEED),
        "scale": "small",
        "anchor_ms": str(ANCHOR),
        "schema_version": str(SCHEMA_VERSION),
    }
    assert SCALES["default"].sessions >= 50_000 and SCALES["default"].videos >= 40
    assert SCALES["large"].sessions >= 500_000


def test_small_scale_generates_fast() -> None:
    started = time.perf_counter()
    _generated(seed=99)
    assert time.perf_counter() - started < 2.0  # about 0.05 s; generous for slow CI machines


# --- events ---------------------------------------------------------------------------------


def test_every_session_is_physically_sound(db: sqlite3.Connection) -> None:
    bad = {}
    checked = 0
    for row, duration, events in _sessions(db):
        live = row["media_type"] == "live-stream"
        problems = physics_problems(events, live=live, duration=duration, ended_at=row["ended_at"])
        if problems:
            bad[row["session_id"]] = problems
        checked += 1
    assert checked == 1_500
    assert bad == {}


def test_one_session_decoded_by_hand(db: sqlite3.Connection) -> None:
    """The first video session that pauses, resumes and reaches the end, walked through."""
    db.row_factory = sqlite3.Row
    sid, duration, loaded = db.execute(
        "SELECT s.sid, v.duration, s.loaded_at FROM sessions s JOIN videos v ON v.video_id = "
        "s.media_id WHERE (SELECT group_concat(type, ' ') FROM (SELECT type FROM events e "
        "WHERE e.sid = s.sid ORDER BY seq)) = 'ready play pause resume end' ORDER BY s.sid"
    ).fetchone()
    rows = db.execute("SELECT * FROM events WHERE sid = ? ORDER BY seq", (sid,)).fetchall()
    db.row_factory = None
    ready, play, pause, resume, end = rows
    assert 150 <= ready["emitted_at"] - loaded <= 4000  # impression time
    assert ready["at"] == play["at"]  # the player is ready where playback starts
    assert play["emitted_at"] > ready["emitted_at"]
    played = (pause["emitted_at"] - play["emitted_at"]) / 1000
    assert pause["at"] == pytest.approx(play["at"] + played, abs=TOL)  # wall-clock speed
    assert resume["at"] == pause["at"] and resume["emitted_at"] > pause["emitted_at"]
    played = (end["emitted_at"] - resume["emitted_at"]) / 1000
    assert end["at"] == duration == pytest.approx(resume["at"] + played, abs=TOL)
    for event in rows:
        assert event["from_pos"] is None and event["to_pos"] is None


def test_shares_of_ready_only_replays_and_live_edges(db: sqlite3.Connection) -> None:
    kinds: Counter[str] = Counter()
    for row, _, events in _sessions(db):
        types = [e.type for e in events]
        kinds["ready only"] += types == ["ready"]
        kinds["replay"] += any(
            a.type == "end" and b.type == "seek.backward" and b.to == 0 for a, b in pairwise(events)
        )
        kinds["seek while paused"] += any(
            a.type == "pause" and b.type in SEEKS for a, b in pairwise(events)
        )
        kinds["live"] += row["media_type"] == "live-stream"
        kinds["live end"] += row["media_type"] == "live-stream" and "end" in types
        assert types.count("play") <= 1 and types.count("ready") == 1
    assert 0.08 * 1_500 < kinds["ready only"] < 0.25 * 1_500
    assert kinds["replay"] > 10 and kinds["seek while paused"] > 5
    assert kinds["live"] == round(1_500 * 0.24)
    assert kinds["live end"] == 0  # small: the 24/7 stream and the one still on the air


def test_positions_have_millisecond_precision(db: sqlite3.Connection) -> None:
    for at, frm, to in db.execute("SELECT at, from_pos, to_pos FROM events"):
        for value in (at, frm, to):
            assert value is None or abs(value * 1000 - round(value * 1000)) < 1e-6


# --- sessions -------------------------------------------------------------------------------


def test_session_times(db: sqlite3.Connection) -> None:
    lo, hi = ANCHOR - DAYS_BACK * DAY, ANCHOR + DAYS_AHEAD * DAY
    first, last = db.execute("SELECT MIN(loaded_at), MAX(loaded_at) FROM sessions").fetchone()
    assert lo <= first and last < hi
    open_ = db.execute("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0]
    assert 10 <= open_ <= 150
    midnight = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE ended_at / ? > loaded_at / ?", (DAY, DAY)
    ).fetchone()[0]
    assert midnight >= 3
    around_anchor = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE media_type = 'live-stream' AND loaded_at < ? "
        "AND (ended_at IS NULL OR ended_at > ?)",
        (ANCHOR, ANCHOR),
    ).fetchone()[0]
    assert around_anchor >= 1
    after = db.execute("SELECT COUNT(*) FROM sessions WHERE loaded_at >= ?", (ANCHOR,))
    assert after.fetchone()[0] > 50  # the live trickle after the anchor


def test_referrer_is_empty_exactly_for_mobile_apps(db: sqlite3.Connection) -> None:
    pairs = Counter(
        db.execute("SELECT client_type = 'mobile app', referrer_url = '' FROM sessions")
    )
    assert set(pairs) == {(0, 0), (1, 1)}
    sites = {u for (u,) in db.execute("SELECT DISTINCT referrer_url FROM sessions")}
    assert any(u.endswith("/") for u in sites) and any(u and not u.endswith("/") for u in sites)


def test_places_devices_and_clients(db: sqlite3.Connection) -> None:
    continent_of = {c.code: c.continent for c in population.COUNTRIES}
    rows = db.execute(
        "SELECT continent, country, city, device_type, os_name, client_name, client_type "
        "FROM sessions"
    ).fetchall()
    for continent, country, city, device, os_name, client, client_type in rows:
        assert continent in CONTINENTS and continent_of[country] == continent
        assert city and device in DEVICE_TYPES and os_name == os_name.lower()
        assert client_type in ("browser", "mobile app", "unknown") and client
    assert {"windows", "mac osx", "android", "ios"} <= {r[4] for r in rows}
    assert {"chrome", "safari"} <= {r[5] for r in rows}
    assert population.country_names()["FR"] == "france"


def test_impressions_are_slower_on_phones_in_asia(db: sqlite3.Connection) -> None:
    def average(where: str) -> float:
        return float(
            db.execute(
                "SELECT AVG(e.emitted_at - s.loaded_at) FROM sessions s JOIN events e "
                f"ON e.sid = s.sid AND e.seq = 0 WHERE {where}"
            ).fetchone()[0]
        )

    asia = average("s.continent = 'AS' AND s.device_type = 'phone'")
    europe = average("s.continent IN ('EU', 'NA') AND s.device_type = 'computer'")
    assert asia > 1.6 * europe


def test_viewers_come_back(db: sqlite3.Connection) -> None:
    viewers = db.execute("SELECT COUNT(DISTINCT viewer_id) FROM sessions").fetchone()[0]
    assert viewers < 1_500 / 2
    same_day = db.execute(
        "SELECT COUNT(*) FROM (SELECT viewer_id, loaded_at / ? FROM sessions "
        "GROUP BY 1, 2 HAVING COUNT(*) > 1)",
        (DAY,),
    ).fetchone()[0]
    assert same_day > 20


def test_a_daily_rhythm_in_local_time(db: sqlite3.Connection) -> None:
    offset = {c.code: c.utc_offset_h for c in population.COUNTRIES}
    hours = Counter(
        int((loaded / 3_600_000 + offset[country]) % 24)
        for loaded, country in db.execute(
            "SELECT loaded_at, country FROM sessions WHERE media_type = 'video'"
        )
    )
    evening = sum(hours[h] for h in range(18, 23))
    night = sum(hours[h] for h in range(1, 6))
    assert evening > 3 * night


def test_one_video_is_clearly_the_busiest(db: sqlite3.Connection) -> None:
    counts = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE media_type = 'video' GROUP BY media_id ORDER BY 1 DESC"
    ).fetchall()
    assert counts[0][0] > 1.5 * counts[1][0]


def test_session_metadata_only_on_videos(db: sqlite3.Connection) -> None:
    carried: Counter[str] = Counter()
    for media_type, metadata in db.execute("SELECT media_type, metadata FROM sessions"):
        pairs = json.loads(metadata)
        assert all(set(p) == {"key", "value"} for p in pairs)
        carried[media_type] += bool(pairs)
    assert carried["live-stream"] == 0 and carried["video"] > 100


# --- assets ---------------------------------------------------------------------------------

_ID = {
    "vi": re.compile(r"^vi[0-9A-Za-z]{20}$"),
    "li": re.compile(r"^li[0-9A-Za-z]{20}$"),
    "pl": re.compile(r"^pl[0-9A-Za-z]{20}$"),
    "ps": re.compile(r"^ps[0-9A-Za-z]{20}$"),
}


def test_identifiers(db: sqlite3.Connection) -> None:
    for prefix, sql in (
        ("vi", "SELECT video_id FROM videos"),
        ("li", "SELECT live_stream_id FROM live_streams"),
        ("pl", "SELECT player_id FROM players"),
        ("ps", "SELECT session_id FROM sessions"),
    ):
        ids = [r[0] for r in db.execute(sql)]
        assert ids and all(_ID[prefix].match(i) for i in ids) and len(set(ids)) == len(ids)
    media = {
        r[0]
        for r in db.execute(
            "SELECT video_id FROM videos UNION SELECT live_stream_id FROM live_streams"
        )
    }
    assert {r[0] for r in db.execute("SELECT DISTINCT media_id FROM sessions")} <= media


def test_videos(db: sqlite3.Connection) -> None:
    db.row_factory = sqlite3.Row
    videos = db.execute("SELECT * FROM videos").fetchall()
    lives = {r["live_stream_id"] for r in db.execute("SELECT live_stream_id FROM live_streams")}
    players = {r["player_id"] for r in db.execute("SELECT player_id FROM players")}
    db.row_factory = None
    kinds: Counter[str] = Counter()
    for v in videos:
        tags: list[Any] = json.loads(v["tags"])
        assert tags and all(isinstance(t, str) for t in tags)
        assert all(set(m) == {"key", "value"} for m in json.loads(v["metadata"]))
        assert v["created_at"] <= v["published_at"] <= v["updated_at"] <= ANCHOR
        assert v["player_id"] is None or v["player_id"] in players
        assert v["plays_before_retention"] >= 0
        kind = (
            "recording"
            if v["live_stream_id"]
            else "ad"
            if "ad" in tags
            else ("short" if "shorts" in tags else "course")
        )
        low, high = {
            "ad": (6, 31),
            "short": (15, 90),
            "course": (300, 2400),
            "recording": (1800, 5400),
        }[kind]
        assert low <= v["duration"] <= high, v["title"]
        assert v["live_stream_id"] is None or v["live_stream_id"] in lives
        kinds[kind] += 1
    assert set(kinds) == {"ad", "short", "course", "recording"}


def test_live_streams_and_players(db: sqlite3.Connection) -> None:
    streams = db.execute("SELECT name, stream_key, broadcasting FROM live_streams").fetchall()
    assert all(re.match(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$", k) for _, k, _ in streams)
    assert any(b for _, _, b in streams)
    colours = (
        "text",
        "link",
        "linkHover",
        "linkActive",
        "trackPlayed",
        "trackUnplayed",
        "trackBackground",
        "backgroundTop",
        "backgroundBottom",
        "backgroundText",
    )
    flags = ("enableApi", "enableControls", "forceAutoplay", "hideTitle", "forceLoop")
    for name, theme in db.execute("SELECT name, theme FROM players"):
        values = json.loads(theme)
        assert name and set(values) == {*colours, *flags}
        assert all(re.match(r"^rgba\(\d+, \d+, \d+, [\d.]+\)$", values[c]) for c in colours)
        assert all(isinstance(values[f], bool) for f in flags)


def test_the_stream_on_air_draws_its_audience_in_waves(db: sqlite3.Connection) -> None:
    """Arrivals to the stream on the air now follow an hourly wave from its start (six hours
    before the anchor): far more in the rising half-hour of each hour than in the falling."""
    from explorer.sandbox.simulator import AUDIENCE_WAVES

    (period, _amplitude), *_ = AUDIENCE_WAVES
    start = ANCHOR - 6 * 3_600_000
    loads = [
        t
        for (t,) in db.execute(
            "SELECT s.loaded_at FROM sessions s JOIN live_streams l "
            "ON l.live_stream_id = s.media_id WHERE l.name = ? AND s.loaded_at >= ?",
            ("Tech Summit: Main Stage", start),
        )
    ]
    assert len(loads) > 100
    rising = sum(1 for t in loads if (t - start) % period < period / 2)
    assert rising > 2 * (len(loads) - rising)
