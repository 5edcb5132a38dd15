"""Tiny hand-built sandbox datasets whose analytics answers are worked out by hand in the tests."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from explorer.sandbox.database import Dataset, build_dataset


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


NOW = "2026-03-10T12:00:00+00:00"


@dataclass
class S:
    """One session: where it came from and its events `(type, time, at, from, to)`."""

    media_id: str
    loaded_at: str
    events: list[tuple[str, str, float | None, float | None, float | None]]
    viewer: int = 1
    ended_at: str | None = None
    country: str = "FR"
    continent: str = "EU"
    device: str = "computer"
    os: str = "windows"
    browser: str = "chrome"
    referrer: str = "https://blog.example.com/"
    medium: str = "organic"  # referrer_medium: organic, social, paid, unknown…
    metadata: list[dict[str, str]] = field(default_factory=list)


def ev(
    kind: str, when: str, at: float | None = None, frm: float | None = None, to: float | None = None
) -> tuple[str, str, float | None, float | None, float | None]:
    return (kind, when, at, frm, to)


VIDEOS = [
    ("viAAAAAAAAAAAAAAAAAAAA", "Algebra 1", ["maths", "course"], 600.0, 1000),
    ("viBBBBBBBBBBBBBBBBBBBB", "Spring ad", ["ad"], 20.0, 0),
]
LIVE = [("liCCCCCCCCCCCCCCCCCCCC", "Keynote", 5)]


def build(tmp_path: Path, sessions: list[S], now: str = NOW) -> Dataset:
    def populate(db: sqlite3.Connection) -> None:
        created = ms("2026-01-05T09:00:00+00:00")
        db.execute("INSERT INTO meta VALUES ('anchor_ms', ?)", (str(ms(now)),))
        db.execute(
            "INSERT INTO players VALUES ('plDDDDDDDDDDDDDDDDDDDD', 'Default', ?, ?, ?)",
            (created, created, json.dumps({"text": "rgba(255, 255, 255, 1)", "enableApi": True})),
        )
        for vid, title, tags, duration, history in VIDEOS:
            db.execute(
                "INSERT INTO videos VALUES (?,?,?,?,?,?,?,?,1,0,1,NULL,'en',?,NULL,?)",
                (
                    vid,
                    title,
                    f"About {title}",
                    created,
                    created,
                    created,
                    json.dumps(tags),
                    json.dumps([{"key": "level", "value": "1"}]),
                    duration,
                    history,
                ),
            )
        for lid, name, history in LIVE:
            db.execute(
                "INSERT INTO live_streams VALUES (?,?,'key-1',1,1,NULL,?,?,?)",
                (lid, name, created, created, history),
            )
        for sid, s in enumerate(sessions, start=1):
            media_type = "video" if s.media_id.startswith("vi") else "live-stream"
            ended = ms(s.ended_at) if s.ended_at else None
            mobile = s.referrer == ""
            db.execute(
                "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,'Paris',?,'Dell','unknown',?,'W10',"
                "'10',?,'120.0',?,?,?,'unknown','',?)",
                (
                    sid,
                    f"ps{sid:020d}",
                    s.media_id,
                    media_type,
                    s.viewer,
                    ms(s.loaded_at),
                    ended,
                    s.continent,
                    s.country,
                    s.device,
                    s.os,
                    s.browser,
                    "mobile app" if mobile else "browser",
                    s.referrer,
                    s.medium,
                    json.dumps(s.metadata),
                ),
            )
            for seq, (kind, when, at, frm, to) in enumerate(s.events):
                db.execute(
                    "INSERT INTO events VALUES (?,?,?,?,?,?,?)",
                    (sid, seq, kind, ms(when), at, frm, to),
                )

    return build_dataset(tmp_path / "handmade.sqlite", populate)
