"""The sandbox database: raw simulated data (assets, sessions, events) and what is derived from it.

Times are integer milliseconds since the Unix epoch, UTC, in *stored* time. The service shows
them shifted by a whole number of days so that the data always ends "now" (see clock.py).

Raw tables are written by the simulator (or by a test, by hand); the `derived_*` tables are
computed from the raw events by derive.py and are what the analytics SQL reads.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 1

RAW_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS players (
    player_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    theme TEXT NOT NULL            -- JSON object: the colour strings and booleans of the spec
);

CREATE TABLE IF NOT EXISTS videos (
    video_id TEXT PRIMARY KEY,     -- 'vi' + 20 base62 characters
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    tags TEXT NOT NULL,            -- JSON array of strings
    metadata TEXT NOT NULL,        -- JSON array of {"key", "value"}
    public INTEGER NOT NULL,
    panoramic INTEGER NOT NULL,
    mp4_support INTEGER NOT NULL,
    player_id TEXT,
    language TEXT,
    duration REAL NOT NULL,        -- media length in seconds
    live_stream_id TEXT,           -- set when the video is a recording of a live stream
    plays_before_retention INTEGER NOT NULL DEFAULT 0  -- all-time plays older than the data
);

CREATE TABLE IF NOT EXISTS live_streams (
    live_stream_id TEXT PRIMARY KEY,  -- 'li' + 20 base62 characters
    name TEXT NOT NULL,
    stream_key TEXT NOT NULL,
    public INTEGER NOT NULL,
    broadcasting INTEGER NOT NULL,
    player_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    plays_before_retention INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS sessions (
    sid INTEGER PRIMARY KEY,       -- internal row id, joins events
    session_id TEXT NOT NULL UNIQUE,  -- 'ps' + 20 base62 characters
    media_id TEXT NOT NULL,
    media_type TEXT NOT NULL,      -- 'video' | 'live-stream'
    viewer_id INTEGER NOT NULL,    -- stands for user-agent + IP: what 'unique' counts
    loaded_at INTEGER NOT NULL,
    ended_at INTEGER,              -- last sign of life; NULL while it may still go on
    continent TEXT NOT NULL,
    country TEXT NOT NULL,         -- ISO 3166 alpha-2
    city TEXT NOT NULL,
    device_type TEXT NOT NULL,
    device_vendor TEXT NOT NULL,
    device_model TEXT NOT NULL,
    os_name TEXT NOT NULL,
    os_shortname TEXT NOT NULL,
    os_version TEXT NOT NULL,
    client_name TEXT NOT NULL,     -- the browser (or app client)
    client_version TEXT NOT NULL,
    client_type TEXT NOT NULL,     -- 'browser' | 'mobile app' | …
    referrer_url TEXT NOT NULL,    -- '' for mobile apps
    referrer_medium TEXT NOT NULL,
    referrer_source TEXT NOT NULL,
    referrer_search_term TEXT NOT NULL,
    metadata TEXT NOT NULL         -- JSON array of {"key", "value"} (videos only, else '[]')
);

CREATE TABLE IF NOT EXISTS events (
    sid INTEGER NOT NULL,
    seq INTEGER NOT NULL,          -- order within the session
    type TEXT NOT NULL,            -- ready play pause resume seek.backward seek.forward end
    emitted_at INTEGER NOT NULL,
    at REAL,                       -- playhead (s) for point events
    from_pos REAL,                 -- seeks
    to_pos REAL,
    PRIMARY KEY (sid, seq)
) WITHOUT ROWID;
"""

DERIVED_DDL = """
DROP TABLE IF EXISTS derived_sessions;
CREATE TABLE derived_sessions (
    sid INTEGER PRIMARY KEY,
    ready_at INTEGER,              -- impression time point
    impression_ms INTEGER,         -- ready_at - loaded_at
    start_at INTEGER,              -- first play
    end_at INTEGER,                -- first 'end' event
    view3_at INTEGER, view5_at INTEGER, view10_at INTEGER, view30_at INTEGER
);
DROP TABLE IF EXISTS derived_spans;
CREATE TABLE derived_spans (       -- wall-clock intervals of playback: watch time, plays, ccv
    sid INTEGER NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL
);
"""

DERIVED_INDEXES = """
CREATE INDEX IF NOT EXISTS ix_sessions_media ON sessions (media_id, loaded_at);
CREATE INDEX IF NOT EXISTS ix_sessions_loaded ON sessions (loaded_at);
CREATE INDEX IF NOT EXISTS ix_derived_ready ON derived_sessions (ready_at);
CREATE INDEX IF NOT EXISTS ix_derived_start ON derived_sessions (start_at);
CREATE INDEX IF NOT EXISTS ix_derived_end ON derived_sessions (end_at);
CREATE INDEX IF NOT EXISTS ix_spans_start ON derived_spans (start_at);
CREATE INDEX IF NOT EXISTS ix_spans_sid ON derived_spans (sid);
CREATE INDEX IF NOT EXISTS ix_derived_view5 ON derived_sessions (view5_at);
"""


def create_raw_tables(db: sqlite3.Connection) -> None:
    db.executescript(RAW_DDL)
