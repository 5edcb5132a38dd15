"""The store under several threads: writers at once, readers beside a long write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from explorer.store import Store, StoreError, open_store
from explorer.store import connections as connections_module
from tests.support.patience import PATIENCE_S
from tests.unit.store.conftest import T0

THREADS = 8


def test_threads_writing_and_reading_at_once_lose_nothing(store: Store) -> None:
    start = threading.Barrier(THREADS)

    def work(n: int) -> int:
        start.wait()
        done = 0
        for i in range(25):
            fetched = T0 + timedelta(seconds=i)
            store.put_sessions(
                "acc", f"vi{n}", f"p{i}", [{"n": n, "i": i, "k": k} for k in range(50)], fetched
            )
            store.put_points("acc", "shared", [(n * 1000 + i, float(n))], fetched)
            store.put_result(f"acc{n % 3}", f"q{n}", {"i": i}, fetched)
            cached = store.sessions("acc", f"vi{n}", f"p{i}")
            assert cached is not None and cached.value[-1] == {"n": n, "i": i, "k": 49}
            done += 1
        return done

    with ThreadPoolExecutor(THREADS) as pool:
        assert sum(pool.map(work, range(THREADS))) == THREADS * 25

    assert len(store.points("acc", "shared", 0, 10**9)) == THREADS * 25
    for n in range(THREADS):
        for i in range(25):
            cached = store.sessions("acc", f"vi{n}", f"p{i}")
            assert cached is not None and len(cached.value) == 50
        assert store.result(f"acc{n % 3}", f"q{n}") is not None
    assert store.accounts() == ["acc", "acc0", "acc1", "acc2"]


def test_readers_do_not_wait_for_a_write_in_progress(store: Store) -> None:
    store.put_result("acc", "q", {"v": 1}, T0)
    inside, release = threading.Event(), threading.Event()

    def long_write() -> None:
        with store._db.transaction("test a long write") as db:  # what a big put_* holds
            db.execute("UPDATE results SET payload = '{\"v\":2}'")
            inside.set()
            release.wait(PATIENCE_S)

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert inside.wait(PATIENCE_S)
        began = time.perf_counter()
        cached = store.result("acc", "q")  # the committed state, at once
        waited = time.perf_counter() - began
    finally:
        release.set()
        writer.join(10)
    assert cached is not None and cached.value == {"v": 1}
    assert waited < PATIENCE_S / 4, waited  # the writer holds on until released
    after = store.result("acc", "q")
    assert after is not None and after.value == {"v": 2}


def test_a_write_that_fails_midway_leaves_the_previous_list(store: Store) -> None:
    store.put_assets("acc", "videos", [{"videoId": "vi1"}], T0)
    with pytest.raises(RuntimeError), store._db.transaction("test a failing write") as db:
        db.execute("DELETE FROM list_items")
        raise RuntimeError("boom")
    cached = store.assets("acc", "videos")
    assert cached is not None and cached.value == [{"videoId": "vi1"}]


def test_another_program_holding_the_lock_gives_words_not_a_hang(
    store: Store, monkeypatch: pytest.MonkeyPatch, store_path: Path
) -> None:
    store.close()
    monkeypatch.setattr(connections_module, "BUSY_TIMEOUT_S", 0.2)
    reopened = open_store(store_path).store
    other = connections_module.connect(store_path)
    other.execute("BEGIN IMMEDIATE")
    try:
        began = time.perf_counter()
        with pytest.raises(StoreError, match="in use by another program"):
            reopened.put_result("acc", "q", 1, T0)
        assert time.perf_counter() - began < 5
        assert reopened.result("acc", "q") is None  # reading still works
    finally:
        other.execute("ROLLBACK")
        other.close()
        reopened.close()
