"""The store's operations: round trips, replacement, history points, accounts, clearing, sizes."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from explorer.store import Cached, Store, StoreError, open_store
from tests.unit.store.conftest import T0

VIDEOS = [{"videoId": "vi1", "title": "Été à Paris 🎬"}, {"videoId": "vi2", "title": "Two"}]


# --- lists: assets, sessions, events ---------------------------------------------------------


def test_assets_round_trip_in_order_with_their_fetch_time(store: Store) -> None:
    store.put_assets("acc", "videos", VIDEOS, T0)
    assert store.assets("acc", "videos") == Cached(VIDEOS, T0)
    assert store.assets("acc", "live-streams") is None
    assert store.assets("other", "videos") is None


def test_fetched_at_comes_back_as_aware_utc_to_the_microsecond(store: Store) -> None:
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 23, 11, 15, 0, 654321, tzinfo=paris)
    store.put_result("acc", "k", {"a": 1}, moment)
    cached = store.result("acc", "k")
    assert cached is not None
    assert cached.fetched_at == moment
    assert cached.fetched_at.tzinfo is UTC
    assert cached.fetched_at.isoformat() == "2026-11-23T10:15:00.654321+00:00"


def test_a_naive_fetched_at_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="time zone"):
        store.put_assets("acc", "videos", VIDEOS, datetime(2026, 11, 23, 10, 0))
    assert store.assets("acc", "videos") is None


def test_a_list_is_replaced_whole(store: Store) -> None:
    store.put_assets("acc", "videos", VIDEOS, T0)
    later = T0 + timedelta(hours=1)
    store.put_assets("acc", "videos", [{"videoId": "vi3"}], later)
    assert store.assets("acc", "videos") == Cached([{"videoId": "vi3"}], later)
    store.put_assets("acc", "videos", [], later)
    assert store.assets("acc", "videos") == Cached([], later)  # "none", unlike never fetched


def test_sessions_are_keyed_by_media_and_period(store: Store) -> None:
    week = [{"sessionId": "ps1", "loadedAt": "2026-11-20T10:00:00Z"}]
    store.put_sessions("acc", "vi1", "2026-W47", week, T0)
    store.put_sessions("acc", "vi1", "2026-W48", [], T0)
    assert store.sessions("acc", "vi1", "2026-W47") == Cached(week, T0)
    assert store.sessions("acc", "vi1", "2026-W48") == Cached([], T0)
    assert store.sessions("acc", "vi2", "2026-W47") is None
    # The key is not a plain concatenation: ("vi1", "2026-W47") never matches ("vi1/2026", "W47").
    assert store.sessions("acc", "vi1\x1f2026", "W47") is None


def test_events_are_keyed_by_session_and_kinds_do_not_mix(store: Store) -> None:
    events = [{"type": "ready", "emittedAt": "t0"}, {"type": "play", "emittedAt": "t1"}]
    store.put_events("acc", "ps1", events, T0)
    assert store.events("acc", "ps1") == Cached(events, T0)
    assert store.assets("acc", "ps1") is None
    assert store.events("acc", "ps2") is None


def test_json_values_round_trip_and_other_values_are_refused(store: Store) -> None:
    payload = {"n": [1, 2.5, None, True, "x"], "nested": {"nan": math.inf}, "big": 2**62}
    store.put_result("acc", "q", payload, T0)
    cached = store.result("acc", "q")
    assert cached is not None and cached.value == payload
    store.put_result("acc", "scalar", 42.5, T0)
    assert store.result("acc", "scalar") == Cached(42.5, T0)
    with pytest.raises(TypeError):
        store.put_result("acc", "bad", {"when": T0}, T0)
    assert store.result("acc", "bad") is None


def test_a_damaged_entry_reads_as_missing(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    store.put_assets("acc", "videos", VIDEOS, T0)
    store.put_result("acc", "q", [1, 2], T0)
    raw = sqlite3.connect(store.path)
    with raw:
        raw.execute("UPDATE list_items SET payload = '{\"videoId\": ' WHERE position = 1")
        raw.execute("UPDATE results SET payload = 'not json'")
    raw.close()
    assert store.assets("acc", "videos") is None
    assert store.result("acc", "q") is None
    assert "damaged entry" in caplog.text


# --- timeseries points -----------------------------------------------------------------------


def test_points_are_read_by_half_open_range_in_time_order(store: Store) -> None:
    store.put_points("acc", "play|hour", [(3000, 3.0), (1000, 1.0), (2000, 2.0)], T0)
    assert store.points("acc", "play|hour", 1000, 3000) == [(1000, 1.0), (2000, 2.0)]
    assert store.points("acc", "play|hour", 0, 10_000) == [(1000, 1.0), (2000, 2.0), (3000, 3.0)]
    assert store.points("acc", "play|day", 0, 10_000) == []
    assert store.points("other", "play|hour", 0, 10_000) == []


def test_points_are_upserted_by_bucket_start(store: Store) -> None:
    store.put_points("acc", "s", [(1000, 1.0), (2000, 2.0)], T0)
    store.put_points("acc", "s", [(2000, 20.0), (3000, 30.0)], T0 + timedelta(days=1))
    assert store.points("acc", "s", 0, 10_000) == [(1000, 1.0), (2000, 20.0), (3000, 30.0)]


def test_nan_points_round_trip(store: Store) -> None:
    store.put_points("acc", "s", [(1000, math.nan), (2000, -0.5)], T0)
    (t1, v1), (t2, v2) = store.points("acc", "s", 0, 10_000)
    assert (t1, t2, v2) == (1000, 2000, -0.5)
    assert math.isnan(v1)


# --- accounts, clearing, sizes, reopening ----------------------------------------------------


def _fill(store: Store, account: str, rows: int) -> None:
    sessions = [
        {"sessionId": f"ps{i}", "referrer": "https://example.com/" * 4} for i in range(rows)
    ]
    store.put_sessions(account, "vi1", "2026-W47", sessions, T0)
    store.put_assets(account, "videos", VIDEOS, T0)
    store.put_result(account, "q", {"total": 1}, T0)
    store.put_points(account, "s", [(i * 1000, float(i)) for i in range(rows)], T0)


def test_accounts_lists_every_account_with_something_stored(store: Store) -> None:
    assert store.accounts() == []
    store.put_points("b", "s", [(1, 1.0)], T0)
    store.put_result("c", "k", 1, T0)
    store.put_events("a", "ps1", [], T0)
    store.put_points("d", "s", [], T0)  # nothing to store: no account
    assert store.accounts() == ["a", "b", "c"]


def test_clear_forgets_one_account_and_leaves_the_others(store: Store) -> None:
    _fill(store, "gone", 100)
    _fill(store, "kept", 100)
    store.clear("gone")
    assert store.accounts() == ["kept"]
    assert store.sessions("gone", "vi1", "2026-W47") is None
    assert store.assets("gone", "videos") is None
    assert store.result("gone", "q") is None
    assert store.points("gone", "s", 0, 10**9) == []
    kept = store.sessions("kept", "vi1", "2026-W47")
    assert kept is not None and len(kept.value) == 100
    assert len(store.points("kept", "s", 0, 10**9)) == 100
    assert store.account_size_bytes("gone") == 0


def test_the_file_shrinks_after_clear(store: Store) -> None:
    _fill(store, "big", 20_000)
    _fill(store, "small", 10)
    before = store.size_bytes()
    assert before > 2_000_000
    store.clear("big")
    after = store.size_bytes()
    assert after < before / 10, (before, after)
    assert after == store.path.stat().st_size  # the write-ahead log was emptied too


def test_account_size_is_close_to_what_the_account_takes_on_disk(store: Store) -> None:
    _fill(store, "big", 20_000)
    _fill(store, "small", 10)
    big, small = store.account_size_bytes("big"), store.account_size_bytes("small")
    total = store.size_bytes()
    assert small < big / 100
    # Text plus a row overhead, no indexes or page slack: below the file, but not far below.
    assert 0.4 * total < big + small < total, (big, small, total)
    store.clear("small")
    assert store.account_size_bytes("big") == big


def test_reopening_after_close_keeps_the_data(store_path: Path) -> None:
    first = open_store(store_path).store
    _fill(first, "acc", 50)
    first.close()
    second = open_store(store_path)
    assert second.notice is None
    try:
        assert second.store.assets("acc", "videos") == Cached(VIDEOS, T0)
        assert len(second.store.points("acc", "s", 0, 10**9)) == 50
        assert second.store.accounts() == ["acc"]
    finally:
        second.store.close()


def test_a_closed_store_says_so(store_path: Path) -> None:
    with open_store(store_path).store as store:
        store.put_result("acc", "k", 1, T0)
    with pytest.raises(StoreError, match="closed"):
        store.result("acc", "k")
    with pytest.raises(StoreError, match="closed"):
        store.put_result("acc", "k", 2, T0)
    store.close()  # twice is harmless
