"""The seeded simulator that fills the sandbox database with a realistic api.video project.

`generate` writes players, live streams, videos (project.py), sessions and their player events
(playback.py) over [anchor - DAYS_BACK days, anchor + DAYS_AHEAD days). Every draw comes from
numpy generators seeded with the seed: a seed, scale and anchor always give the same bytes.

The shape of the data: a daily rhythm in each viewer's local time (evening peak) with a
weekday/weekend difference per kind of content; Zipf-like popularity with one clearly busiest
video; videos published inside the window are watched from publication on, with a launch
spike; live streams are watched during their broadcasts (one runs 24/7, one broadcasts from six
hours before the anchor to past the end of the data, so there are concurrent viewers whatever
time of the anchor's day the service maps to now, and its audience rises and falls in waves
(AUDIENCE_WAVES) for the live view to follow; others run daily, weekly or now and then);
a viewer pool smaller than the sessions, so viewers come back, sometimes in two tabs at once;
impressions slower far from Europe/North America and on phones and TVs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from explorer.sandbox import population as pop
from explorer.sandbox.derive import Progress
from explorer.sandbox.playback import (
    AD,
    EVENT_TYPES,
    LIVE,
    SEEK_TYPES,
    Bools,
    Floats,
    Ints,
    Plan,
    simulate,
)
from explorer.sandbox.project import (
    DAY_MS,
    HOUR_MS,
    LIVE_SHARE,
    Catalogue,
    Timeline,
    build_catalogue,
    random_ids,
)
from explorer.sandbox.scales import SCALES as SCALES  # re-exported: the sizes generated
from explorer.sandbox.scales import SIMULATOR_VERSION as SIMULATOR_VERSION
from explorer.sandbox.scales import Scale
from explorer.sandbox.schema import SCHEMA_VERSION, create_raw_tables

DAYS_BACK = 31
DAYS_AHEAD = 1
NEVER_CLOSED_SHARE = 0.03  # players that never said goodbye: ended_at NULL
MULTI_TAB_SHARE = 0.04
CHUNK = 25_000  # sessions per batch of events; fixed, as it orders the random draws
AUDIENCE_WAVES = ((60 * 60_000, 0.9), (240 * 60_000, 0.4))
"""The on-air stream's arrivals: (period in ms, relative amplitude) of each wave, from the
broadcast's start; viewers stay ~10 minutes, so its concurrent viewers rise and fall too."""
Row = tuple[object, ...]


AssetsReady = Callable[[sqlite3.Connection], None]  # the catalogue is written: list it


def generate(
    db: sqlite3.Connection,
    *,
    seed: int,
    scale: Scale,
    anchor_ms: int,
    progress: Progress = None,
    assets_ready: AssetsReady | None = None,
) -> None:
    """Create the raw tables and fill them with the project of this seed, scale and anchor;
    ``progress(done, total)`` hears the sessions simulated so far. ``assets_ready(db)`` is
    called once the players, live streams and videos are written (on ``db``, not committed
    yet), before the sessions, which take most of the time."""
    entropy = [seed & 0xFFFF_FFFF_FFFF_FFFF, 0xA91D]
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(entropy).spawn(3)]
    timeline = Timeline(anchor_ms - DAYS_BACK * DAY_MS, anchor_ms + DAYS_AHEAD * DAY_MS, anchor_ms)
    catalogue = build_catalogue(
        rngs[0], scale.videos, scale.live_streams, scale.players, scale.sessions, timeline
    )
    geo = _Geo()
    sessions = _plan_sessions(rngs[1], scale.sessions, catalogue, geo, timeline)
    create_raw_tables(db)
    with db:
        for table in ("meta", "players", "videos", "live_streams", "sessions", "events"):
            db.execute(f"DELETE FROM {table}")
        db.executemany("INSERT INTO players VALUES (?,?,?,?,?)", catalogue.players)
        db.executemany("INSERT INTO live_streams VALUES (?,?,?,?,?,?,?,?,?)", catalogue.lives)
        db.executemany(f"INSERT INTO videos VALUES ({','.join('?' * 16)})", catalogue.videos)
        if assets_ready is not None:
            assets_ready(db)
        simulated = 0
        for session_rows, event_rows in _batches(rngs[2], sessions, catalogue, geo, timeline):
            db.executemany(f"INSERT INTO sessions VALUES ({','.join('?' * 24)})", session_rows)
            db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?)", event_rows)
            simulated += len(session_rows)
            if progress is not None:
                progress(simulated, scale.sessions)
        meta = {
            "seed": seed,
            "scale": scale.name,
            "anchor_ms": anchor_ms,
            "schema_version": SCHEMA_VERSION,
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])


class _Geo:
    """Reference tables flattened for numpy: cities, agents (device to client), referrers."""

    def __init__(self) -> None:
        cities = [
            (i, name, c.weight * w / sum(x for _, x in c.cities))
            for i, c in enumerate(pop.COUNTRIES)
            for name, w in c.cities
        ]
        self.city_country = np.array([c for c, _, _ in cities], np.int64)
        self.city_name = np.array([n for _, n, _ in cities], dtype=object)
        self.city_weight = np.array([w for _, _, w in cities])
        self.country = np.array([c.code for c in pop.COUNTRIES], dtype=object)
        self.continent = np.array([c.continent for c in pop.COUNTRIES], dtype=object)
        self.continent_index = np.array(
            [pop.CONTINENT_ORDER.index(c.continent) for c in pop.COUNTRIES], np.int64
        )
        self.offset_ms = np.array([c.utc_offset_h * HOUR_MS for c in pop.COUNTRIES], np.int64)
        agents, weights = [], []
        for p in pop.PLATFORMS:
            for name, versions, share in p.clients:
                for oi, os_version in enumerate(p.os_versions):  # newer versions more common
                    for version in versions:
                        agents.append((*p.device, os_version, name, version, p.client_type))
                        w = share * (oi + 1) / len(versions)
                        weights.append([w * cw for cw in p.weights])
        self.agents = np.array(agents, dtype=object)
        self.agent_weights = np.array(weights)  # agents x CONTINENT_ORDER
        refs = [pop.APP_REFERRER, *pop.REFERRERS]  # row 0: the mobile apps' empty referrer
        self.referrers = np.array(
            [(r.url, r.medium, r.source, term) for r in refs for term in r.search_terms],
            dtype=object,
        )
        self.referrer_weights = np.array(
            [[w / len(r.search_terms) for w in r.weights] for r in refs for _ in r.search_terms]
        )


@dataclass
class _Sessions:
    """Planned sessions, sorted by loading time (sid = position + 1)."""

    media: Ints
    viewer: Ints
    city: Ints
    agent: Ints
    loaded: Ints
    window_end: Ints
    impression_ms: Ints
    referrer: Ints
    metadata: Ints
    ids: list[str]


def _choose_by_group(
    rng: np.random.Generator, group: Ints, weights: Floats, out: Ints, keep: Bools
) -> None:
    """out[i] = a row drawn with weights[:, group[i]], for every i where keep[i]."""
    for g in range(weights.shape[1]):
        here = np.flatnonzero(keep & (group == g))
        w = weights[:, g]
        if len(here):
            out[here] = rng.choice(len(w), len(here), p=w / w.sum())


def _plan_sessions(
    rng: np.random.Generator, n: int, catalogue: Catalogue, geo: _Geo, tl: Timeline
) -> _Sessions:
    n_videos, n_live = len(catalogue.video_weight), len(catalogue.windows)
    n_live_sessions = round(n * LIVE_SHARE) if n_live else 0
    n_video_sessions = n - n_live_sessions
    # the viewers: a place, a device, maybe an account; some watch much more than others
    n_viewers = max(30, n // 3)
    city_of = rng.choice(len(geo.city_weight), n_viewers, p=geo.city_weight / geo.city_weight.sum())
    continent_of = geo.continent_index[geo.city_country[city_of]]
    agent_of = np.zeros(n_viewers, np.int64)
    _choose_by_group(rng, continent_of, geo.agent_weights, agent_of, agent_of >= 0)
    plan_p = np.array([p for _, p in pop.SESSION_PLANS])
    plan_of = np.where(
        rng.random(n_viewers) < 0.35, rng.choice(len(plan_p), n_viewers, p=plan_p), -1
    )
    appetite = rng.lognormal(0, 1.1, n_viewers)
    viewer = rng.choice(n_viewers, n, p=appetite / appetite.sum())
    media = np.concatenate(
        [
            rng.choice(n_videos, n_video_sessions, p=catalogue.video_weight),
            n_videos + rng.choice(max(n_live, 1), n_live_sessions, p=catalogue.live_weight),
        ]
    )
    cls = catalogue.cls[media]
    # when: a day by the media's day weights, then an hour of the viewer's own day
    day = _days(rng, media, catalogue.day_weights)
    hour = np.zeros(n, np.int64)
    hours = np.array(pop.HOUR_PROFILES).T  # 24 x class
    _choose_by_group(rng, cls, hours, hour, hour >= 0)
    offset = geo.offset_ms[geo.city_country[city_of[viewer]]]
    loaded = tl.day0 + day * DAY_MS + hour * HOUR_MS + rng.integers(0, HOUR_MS, n) - offset
    loaded = tl.wrap(loaded)
    window_end = np.full(n, tl.hi + 2 * DAY_MS, np.int64)
    for s in range(n_live):
        here = np.flatnonzero(media == n_videos + s)
        kind = catalogue.live_kinds[s]
        if kind != "always":
            waves = kind == "now"
            loaded[here] = _broadcast_times(rng, catalogue.windows[s], len(here), tl, waves)
        window_end[here] = _window_end(catalogue.windows[s], loaded[here])
    # a few viewers open the video they are watching in a second tab
    tabs = np.flatnonzero(rng.random(n_video_sessions) < MULTI_TAB_SHARE)
    origin = rng.integers(0, n_video_sessions, len(tabs))
    viewer[tabs], media[tabs] = viewer[origin], media[origin]
    later = loaded[origin] + rng.integers(3_000, 900_000, len(tabs))
    loaded[tabs] = np.minimum(later, tl.hi - 1)
    cls = catalogue.cls[media]
    city, agent = city_of[viewer], agent_of[viewer]
    # how long the player takes to be ready: network distance, device, app or browser
    slow = np.array([pop.CONTINENT_SLOWNESS[c] for c in geo.continent])[geo.city_country[city]]
    slow *= np.array([pop.DEVICE_SLOWNESS[d] for d in geo.agents[:, 0]])[agent]
    app = geo.agents[agent, 8] == "mobile app"
    slow *= np.where(app, 0.85, 1.0) * np.where(cls == AD, 1.2, 1.0)
    impression = np.clip(520 * slow * np.exp(0.45 * rng.standard_normal(n)), 150, 4000)
    referrer = np.zeros(n, np.int64)  # row 0: no referrer, for the mobile apps
    _choose_by_group(rng, cls, geo.referrer_weights, referrer, ~app)
    plan = plan_of[viewer]
    metadata = np.where((cls != LIVE) & (plan >= 0), 1 + plan + 3 * (rng.random(n) < 0.1), 0)
    by_time = np.argsort(loaded, kind="stable")
    return _Sessions(
        media=media[by_time],
        viewer=viewer[by_time],
        city=city[by_time],
        agent=agent[by_time],
        loaded=loaded[by_time],
        window_end=window_end[by_time],
        impression_ms=impression.astype(np.int64)[by_time],
        referrer=referrer[by_time],
        metadata=metadata.astype(np.int64)[by_time],
        ids=random_ids(rng, "ps", n),
    )


def _days(rng: np.random.Generator, media: Ints, day_weights: Floats) -> Ints:
    """A day index per session, drawn from its media's day weights."""
    cdf = np.cumsum(day_weights, axis=1)
    u = rng.random(len(media))
    day = np.zeros(len(media), np.int64)
    by_media = np.argsort(media, kind="stable")
    bounds = np.searchsorted(media[by_media], np.arange(len(day_weights) + 1))
    for m in range(len(day_weights)):
        here = by_media[bounds[m] : bounds[m + 1]]
        day[here] = np.searchsorted(cdf[m], u[here] * cdf[m, -1], side="right")
    return np.asarray(np.minimum(day, day_weights.shape[1] - 1), dtype=np.int64)


def _broadcast_times(
    rng: np.random.Generator, windows: Ints, n: int, tl: Timeline, waves: bool = False
) -> Ints:
    """Loading times for a live stream: mostly inside its broadcasts, front-loaded, and a few
    while it is off the air (those sessions only get a `ready`). With ``waves`` a long
    broadcast's arrivals follow AUDIENCE_WAVES (the same draws, warped: nothing else moves)."""
    clipped = np.clip(windows, tl.lo, tl.hi)
    clipped = clipped[clipped[:, 1] > clipped[:, 0]]
    length = (clipped[:, 1] - clipped[:, 0]).astype(np.float64)
    weight = length * rng.lognormal(0, 0.4, len(length))  # some broadcasts draw more people
    pick = rng.choice(len(weight), n, p=weight / weight.sum())
    # short broadcasts draw their audience early; a long one keeps a steady audience
    steady = rng.random(n)
    if waves:
        steady = _waved(steady, length[pick])
    shape = np.where(length[pick] > 12 * HOUR_MS, steady, rng.beta(1.3, 1.8, n))
    inside = clipped[pick, 0] + (length[pick] * shape).astype(np.int64)
    offline = rng.integers(tl.lo, tl.hi, n)
    return np.asarray(np.where(rng.random(n) < 0.06, offline, inside), dtype=np.int64)


def _waved(u: Floats, length: Floats) -> Floats:
    """Uniform draws in [0, 1) moved so that arrivals over a broadcast of ``length`` ms follow
    1 + sum(amplitude * sin(2 pi t / period)) (inverse transform over a one-minute grid)."""
    out = np.array(u, dtype=np.float64)
    for span in np.unique(length):
        grid = np.arange(0.0, span + 60_000.0, 60_000.0)
        density = np.ones_like(grid)
        for period, amplitude in AUDIENCE_WAVES:
            density += amplitude * np.sin(2 * np.pi * grid / period)
        density = np.maximum(density, 0.05)
        cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
        here = length == span
        out[here] = np.interp(u[here] * cdf[-1], cdf, grid) / span
    return np.asarray(np.clip(out, 0.0, np.nextafter(1.0, 0.0)), dtype=np.float64)


def _window_end(windows: Ints, loaded: Ints) -> Ints:
    """End of the broadcast each loading time falls in; the loading time itself if none."""
    i = np.maximum(np.searchsorted(windows[:, 0], loaded, side="right") - 1, 0)
    inside = (windows[i, 0] <= loaded) & (loaded < windows[i, 1])
    return np.asarray(np.where(inside, windows[i, 1], loaded), dtype=np.int64)


def _session_metadata() -> list[str]:
    plans = [[{"key": "plan", "value": name}] for name, _ in pop.SESSION_PLANS]
    tested = [[*p, {"key": "experiment", "value": "checkout-b"}] for p in plans]
    return [json.dumps(m) for m in ([], *plans, *tested)]


def _seconds(ms: Ints, keep: Bools) -> list[float | None]:
    values: list[float] = np.where(keep, ms / 1000.0, np.nan).tolist()
    return [None if v != v else v for v in values]  # NaN -> NULL


def _batches(
    rng: np.random.Generator, s: _Sessions, catalogue: Catalogue, geo: _Geo, tl: Timeline
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Session rows and event rows, CHUNK sessions at a time."""
    metadata = np.array(_session_metadata(), dtype=object)
    kinds = np.array(EVENT_TYPES, dtype=object)
    media_ids = np.array(catalogue.media_ids, dtype=object)
    media_type = np.where(catalogue.cls == LIVE, "live-stream", "video").astype(object)
    for lo in range(0, len(s.loaded), CHUNK):
        part = slice(lo, lo + CHUNK)
        media = s.media[part]
        plan = Plan(
            s.loaded[part],
            s.impression_ms[part],
            catalogue.cls[media],
            catalogue.duration_ms[media],
            s.window_end[part],
            catalogue.autoplay[media],
        )
        ev = simulate(rng, plan)
        never = (rng.random(len(media)) < NEVER_CLOSED_SHARE) | (ev.closed_at >= tl.hi)
        ended = ev.closed_at.astype(object)
        ended[never] = None
        country = geo.city_country[s.city[part]]
        columns = [
            np.arange(lo + 1, lo + 1 + len(media)),
            s.ids[part],
            media_ids[media],
            media_type[media],
            s.viewer[part] + 1,
            s.loaded[part],
            ended,
            geo.continent[country],
            geo.country[country],
            geo.city_name[s.city[part]],
            *geo.agents[s.agent[part]].T,
            *geo.referrers[s.referrer[part]].T,
            metadata[s.metadata[part]],
        ]
        lists = [c if isinstance(c, list) else c.tolist() for c in columns]
        seek = np.isin(ev.kind, SEEK_TYPES)
        events = zip(
            (ev.row + lo + 1).tolist(),
            ev.seq.tolist(),
            kinds[ev.kind].tolist(),
            ev.emitted_at.tolist(),
            _seconds(ev.pos_ms, ~seek),
            _seconds(ev.pos_ms, seek),
            _seconds(ev.to_ms, seek),
            strict=True,
        )
        yield list(zip(*lists, strict=True)), list(events)
