"""The simulated project's assets: players, live streams with their broadcasts, and videos."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from explorer.sandbox import population as pop
from explorer.sandbox.playback import AD, COURSE, LIVE, SHORT, Bools, Floats, Ints

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
LIVE_KINDS = ("always", "now", "daily", "weekly", "occasional")
LIVE_SHARE = 0.24  # of sessions, when the project has live streams
_LIVE_POPULARITY = {"always": 1.0, "now": 1.2, "daily": 0.8, "weekly": 0.5, "occasional": 0.4}
_RECORDED_FIRST = ("weekly", "occasional", "daily", "now", "always")
_VIDEO_CLASS = {"course": COURSE, "recording": COURSE, "short": SHORT, "ad": AD}
_PLAYER_ROLE = {"course": 0, "recording": 0, "short": 1, "ad": 2, "live": 3}
_ALPHABET = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8
)
_ACCENTS = (
    (235, 87, 87),
    (47, 128, 237),
    (39, 174, 96),
    (242, 153, 74),
    (155, 81, 224),
    (86, 204, 242),
)
Row = tuple[object, ...]


def random_ids(rng: np.random.Generator, prefix: str, n: int) -> list[str]:
    """`prefix` + 20 base62 characters each, all distinct."""
    codes = _ALPHABET[rng.integers(0, 62, size=(n, 20))]
    ids = [prefix + raw.decode() for raw in codes.view("S20").ravel().tolist()]
    if len(set(ids)) != n:  # 62**20 possibilities: this does not happen
        raise RuntimeError("duplicate simulated id")
    return ids


@dataclass(frozen=True)
class Timeline:
    """The data window [lo, hi) around the anchor, cut into UTC days from `day0`."""

    lo: int
    hi: int
    anchor: int

    @property
    def day0(self) -> int:
        return self.lo // DAY_MS * DAY_MS

    @property
    def days(self) -> int:
        return -(-(self.hi - self.day0) // DAY_MS)

    def weekday(self, day: int) -> int:
        return (self.day0 // DAY_MS + day + 3) % 7  # 1970-01-01 was a Thursday

    def wrap(self, t: Ints) -> Ints:
        """Bring times that a time zone pushed out of the window back in by a whole day."""
        t = np.where(t < self.lo, t + DAY_MS, np.where(t >= self.hi, t - DAY_MS, t))
        return np.asarray(self.lo + (t - self.lo) % (self.hi - self.lo), dtype=np.int64)


@dataclass
class Catalogue:
    """Asset rows for the database, and per media (videos, then live streams) what sessions
    need: behaviour class, duration, autoplay, popularity and day weights."""

    players: list[Row]
    lives: list[Row]
    videos: list[Row]
    media_ids: list[str]
    cls: Ints
    duration_ms: Ints
    autoplay: Bools
    day_weights: Floats  # media x days of the timeline
    video_weight: Floats  # sums to 1 over videos
    live_weight: Floats  # sums to 1 over live streams
    windows: list[Ints]  # per live stream: sorted (start, end) broadcasts
    live_kinds: list[str]


def _rgba(c: Sequence[int], a: float = 1) -> str:
    return f"rgba({c[0]}, {c[1]}, {c[2]}, {a:g})"


def _theme(i: int) -> dict[str, object]:
    accent = _ACCENTS[i % len(_ACCENTS)]
    light, dark = [min(255, v + 40) for v in accent], [max(0, v - 40) for v in accent]
    white, black, grey = (255, 255, 255), (0, 0, 0), (72, 72, 72)
    return {
        "text": _rgba(white),
        "link": _rgba(accent),
        "linkHover": _rgba(light),
        "linkActive": _rgba(dark),
        "trackPlayed": _rgba(accent),
        "trackUnplayed": _rgba(white, 0.2),
        "trackBackground": _rgba(black, 0),
        "backgroundTop": _rgba(grey),
        "backgroundBottom": _rgba((20, 20, 20)),
        "backgroundText": _rgba(white),
        "enableApi": True,
        "enableControls": i != 2,
        "forceAutoplay": i in (1, 2),
        "hideTitle": i == 1,
        "forceLoop": False,
    }


def _players(rng: np.random.Generator, n: int, lo: int) -> list[Row]:
    rows: list[Row] = []
    for i, pid in enumerate(random_ids(rng, "pl", n)):
        created = lo - int(rng.integers(200 * DAY_MS, 700 * DAY_MS))
        updated = created + int(rng.integers(0, 150 * DAY_MS))
        name = pop.PLAYER_NAMES[i % len(pop.PLAYER_NAMES)]
        rows.append((pid, name, created, updated, json.dumps(_theme(i))))
    return rows


def _broadcasts(rng: np.random.Generator, kind: str, variant: int, tl: Timeline) -> Ints:
    """The broadcast windows (start, end) of a live stream of this kind."""
    if kind == "always":
        return np.array([[tl.lo - DAY_MS, tl.hi + DAY_MS]], np.int64)
    if kind == "now":  # on the air from six hours before the anchor until after the data ends
        return np.array([[tl.anchor - 6 * HOUR_MS, tl.hi + DAY_MS]], np.int64)
    days = range(-1, tl.days + 1)
    slots: list[tuple[int, float, float]]  # UTC day, start hour, hours on the air
    if kind == "daily":
        start, hours = (17.0, 2.0) if variant == 0 else (7.0, 1.0)
        slots = [(d, start, hours) for d in days if variant or tl.weekday(d) < 5]
    elif kind == "weekly":
        weekday, start, hours = (1, 15.0, 1.5) if variant == 0 else (4, 16.0, 1.0)
        slots = [(d, start, hours) for d in days if tl.weekday(d) == weekday]
    else:
        picked = rng.choice(np.arange(2, max(tl.days - 4, 5)), 3, replace=False)
        slots = [(int(d), rng.uniform(13, 20), rng.uniform(1, 3)) for d in sorted(picked)]
    starts = [tl.day0 + d * DAY_MS + int(s * HOUR_MS) for d, s, _ in slots]
    ends = [a + int(h * HOUR_MS) for a, (_, _, h) in zip(starts, slots, strict=True)]
    return np.array(list(zip(starts, ends, strict=True)), np.int64).reshape(-1, 2)


def _video_kinds(rng: np.random.Generator, n: int, n_live: int) -> list[str]:
    wanted = {
        "short": round(n * 0.35),
        "ad": max(1, round(n * 0.2)) if n >= 3 else 0,
        "recording": min(n_live, max(1, n // 12)) if n_live and n >= 4 else 0,
    }
    kinds = [kind for kind, count in wanted.items() for _ in range(count)][:n]
    kinds += ["course"] * (n - len(kinds))
    return [kinds[i] for i in rng.permutation(n)]


def _describe(rng: np.random.Generator, kind: str, c: int, live_name: str) -> tuple[Row, float]:
    """(title, description, tags, metadata, public, language), duration in s, for the c-th
    video of its kind."""
    meta: list[tuple[str, str]]
    if kind == "course":
        name, slug, topics = pop.COURSES[c % len(pop.COURSES)]
        number, k = c // len(pop.COURSES) + 1, c % len(pop.COURSES)
        level, teacher = pop.LEVELS[k % 3], pop.INSTRUCTORS[k % len(pop.INSTRUCTORS)]
        lesson = pop.LESSONS[(number - 1) % len(pop.LESSONS)]
        title = f"{name}, lesson {number}: {lesson}"
        text = f"Lesson {number} of {name}, a {level} course by {teacher}."
        tags = [*topics, level]
        meta = [
            ("course", slug),
            ("level", level),
            ("lesson", str(number)),
            ("instructor", teacher),
        ]
        public, duration = True, rng.uniform(300, 2400)
    elif kind == "short":
        name, slug, handle = pop.SERIES[c % len(pop.SERIES)]
        subject = pop.SUBJECTS[int(rng.integers(len(pop.SUBJECTS)))]
        title = f"{name} #{c // len(pop.SERIES) + 1}: {subject}"
        text = f"{name} by {handle}. New every week."
        tags, meta = ["shorts", slug], [("creator", handle), ("series", slug)]
        public, duration = True, rng.uniform(15, 90)
    elif kind == "ad":
        name, slug, advertiser = pop.CAMPAIGNS[c % len(pop.CAMPAIGNS)]
        seconds = int(rng.choice([6, 10, 15, 20, 30]))
        variant, placement = "AB"[(c // len(pop.CAMPAIGNS)) % 2], pop.PLACEMENTS[c % 3]
        title = f"{name}: {seconds}s spot, cut {variant}"
        text = f"{advertiser} {placement} ad for the {name} campaign."
        tags = ["ad", slug, placement]
        meta = [
            ("campaign", slug),
            ("advertiser", advertiser),
            ("variant", variant),
            ("placement", placement),
        ]
        public, duration = False, seconds + rng.uniform(0, 0.5)
    else:
        title, text = f"{live_name} (replay {c + 1})", f"Recording of {live_name}."
        tags, meta = ["live", "replay"], [("source", "live")]
        public, duration = True, rng.uniform(1800, 5400)
    language = "en" if kind == "short" else pop.LANGUAGES[int(rng.integers(len(pop.LANGUAGES)))]
    metadata = json.dumps([{"key": k, "value": v} for k, v in meta])
    return (title, text, json.dumps(tags), metadata, int(public), language), round(duration, 3)


def _day_weights(rng: np.random.Generator, tl: Timeline) -> Floats:
    """Per behaviour class and day: weekend factor, a slow growth and some day-to-day noise."""
    days = np.arange(tl.days)
    weekend = np.array([tl.weekday(int(d)) >= 5 for d in days])
    factors = np.array(pop.WEEKEND_FACTORS)[:, None]
    base = np.where(weekend[None, :], factors, 1.0) * (1 + 0.15 * days / tl.days)[None, :]
    return np.asarray(base * rng.lognormal(0, 0.08, base.shape), dtype=np.float64)


@dataclass
class _Lives:
    rows: list[Row]
    ids: list[str]
    names: list[str]
    kinds: list[str]
    weight: Floats
    windows: list[Ints]


def _live_streams(
    rng: np.random.Generator, n: int, player_ids: list[str], sessions: int, tl: Timeline
) -> _Lives:
    kinds = [LIVE_KINDS[i % len(LIVE_KINDS)] for i in range(n)]
    ids = random_ids(rng, "li", n)
    weight = np.array([_LIVE_POPULARITY[k] for k in kinds]) * rng.lognormal(0, 0.2, n)
    weight /= max(weight.sum(), 1e-9)
    lives = _Lives([], ids, [], kinds, weight, [])
    for i, (lid, kind) in enumerate(zip(ids, kinds, strict=True)):
        variant = (i // len(LIVE_KINDS)) % 2
        lives.windows.append(_broadcasts(rng, kind, variant, tl))
        name = pop.LIVE_NAMES[kind][variant]
        key = rng.bytes(16).hex()
        key = "-".join((key[:8], key[8:12], key[12:16], key[16:20], key[20:]))
        player = player_ids[_PLAYER_ROLE["live"] % len(player_ids)] if player_ids else None
        created = tl.lo - int(rng.integers(30 * DAY_MS, 400 * DAY_MS))
        age_months = (tl.lo - created) / (31 * DAY_MS)
        history = int(weight[i] * sessions * LIVE_SHARE * age_months * 0.5)
        broadcasting = int(kind in ("always", "now"))
        updated = created + int(rng.integers(0, 30 * DAY_MS))
        lives.rows.append((lid, name, key, 1, broadcasting, player, created, updated, history))
        lives.names.append(name)
    return lives


def _popularity(rng: np.random.Generator, n: int, busiest: int) -> Floats:
    """Zipf-like shares over n videos, with rank 1 (clearly the busiest) at `busiest`."""
    ranks = rng.permutation(n) + 1
    top = int(np.argmin(ranks))
    ranks[[busiest, top]] = ranks[[top, busiest]]
    weight = ranks.astype(np.float64) ** -1.1
    return np.asarray(weight / max(weight.sum(), 1e-9), dtype=np.float64)


def _dates(
    rng: np.random.Generator, fresh: bool, weights: Floats, tl: Timeline
) -> tuple[int, int, int, float, Floats]:
    """created, published, updated, age in days before the window (0 if published inside it),
    and the day weights from publication on (with a launch spike for a fresh video)."""
    if fresh:
        first = int(rng.integers(2, max(tl.days - 4, 3)))
        published = tl.day0 + first * DAY_MS - int(rng.uniform(14, 20) * HOUR_MS)
        since = np.arange(tl.days) - first
        weights = np.where(since < 0, 0.0, weights * (1 + 3 * np.exp(-since / 2.5)))
        age = 0.0
    else:
        age = rng.uniform(1, 10) if rng.random() < 0.2 else min(1 + rng.exponential(120), 400)
        published = tl.lo - int(age * DAY_MS)
    created = published - int(rng.uniform(600_000, 3 * DAY_MS))
    updated = min(published + int(rng.uniform(0, 60) * DAY_MS), tl.anchor)
    return created, published, updated, age, weights


def build_catalogue(
    rng: np.random.Generator, videos: int, lives: int, players: int, sessions: int, tl: Timeline
) -> Catalogue:
    """All assets of a project of this size, and what its sessions need to know about them."""
    player_rows = _players(rng, players, tl.lo)
    player_ids = [str(r[0]) for r in player_rows]
    autoplay = {str(r[0]): bool(json.loads(str(r[4]))["forceAutoplay"]) for r in player_rows}
    base = _day_weights(rng, tl)
    live = _live_streams(rng, lives, player_ids, sessions, tl)
    kinds = _video_kinds(rng, videos, lives)
    busiest = kinds.index("short") if "short" in kinds else 0
    video_weight = _popularity(rng, videos, busiest)
    video_sessions = sessions * (1 - LIVE_SHARE * (lives > 0))
    recorded = sorted(range(lives), key=lambda i: _RECORDED_FIRST.index(live.kinds[i]))
    counters = dict.fromkeys(_VIDEO_CLASS, 0)
    rows: list[Row] = []
    day_weights = np.repeat(base[LIVE][None, :], videos + lives, axis=0)
    durations = np.zeros(videos + lives, np.int64)
    for i, (vid, kind) in enumerate(zip(random_ids(rng, "vi", videos), kinds, strict=True)):
        c = counters[kind]
        counters[kind] += 1
        stream = recorded[c % lives] if kind == "recording" else -1
        fields, duration = _describe(rng, kind, c, live.names[stream] if stream >= 0 else "")
        durations[i] = round(duration * 1000)
        role = _PLAYER_ROLE[kind] % players if players else -1
        if players >= 5 and rng.random() < 0.2:
            role = int(rng.integers(4, players))
        player = player_ids[role] if role >= 0 and rng.random() >= 0.08 else None
        fresh = kind != "recording" and i != busiest and rng.random() < 0.15
        created, published, updated, age, day_weights[i] = _dates(
            rng, fresh, base[_VIDEO_CLASS[kind]], tl
        )
        history = int(video_weight[i] * video_sessions * age / 31 * 0.7 * rng.uniform(0.6, 1.4))
        title, text, tags, metadata, public, language = fields
        flags = (int(rng.random() < 0.02), int(rng.random() < 0.8))  # panoramic, mp4 support
        live_id = live.ids[stream] if stream >= 0 else None
        rows.append((vid, title, text, created, published, updated, tags, metadata, public,
                     *flags, player, language, duration, live_id, history))  # fmt: skip
    video_players = [r[11] for r in rows] + [r[5] for r in live.rows]
    return Catalogue(
        players=player_rows,
        lives=live.rows,
        videos=rows,
        media_ids=[str(r[0]) for r in rows] + live.ids,
        cls=np.array([_VIDEO_CLASS[k] for k in kinds] + [LIVE] * lives, np.int64),
        duration_ms=durations,
        autoplay=np.array([autoplay.get(str(p), False) for p in video_players], np.bool_),
        day_weights=day_weights,
        video_weight=video_weight,
        live_weight=live.weight,
        windows=live.windows,
        live_kinds=live.kinds,
    )
