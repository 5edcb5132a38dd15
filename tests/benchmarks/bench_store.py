"""The local store with big writes: 100,000 sessions in one put, readers and writers beside it.

store.put_sessions_100k.time: one `put_sessions` of 100,000 session rows (about 270 bytes of
JSON each), replacing the previous 100,000; .encode is the part spent turning rows into JSON
before the write lock is taken, the rest is one transaction of `executemany` inserts.
store.put_sessions_100k.reader_longest / .writer_longest: while that put runs, the slowest
`result()` of a reader thread and the slowest small `put_result()` of another writer thread:
what a big write costs the others (readers never wait for it under WAL; writers queue).
store.sessions_100k.time: reading them back as dicts. store.open_big: `open_store` on the
resulting file (its `PRAGMA quick_check` reads every page). store.clear_big: `clear` of that
account, space given back. A smoke run (`run.py --smoke`) writes 2,000 rows; its figures keep
the 100k names.
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.benchmarks import Figure, benchmark, sized

ROWS = sized(100_000, 2_000)
POINTS = sized(200_000, 2_000)


def _rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "sessionId": f"ps{i:020d}",
            "loadedAt": "2026-11-20T10:00:00.000+00:00",
            "endedAt": "2026-11-20T10:05:13.000+00:00",
            "referrer": "https://www.example.com/articles/some-page",
            "device": "computer",
            "os": "Linux",
            "browser": "Firefox",
            "country": "FR",
            "videoId": "vi4blUQJFrYWbaG44NChkH27",
            "metadata": [{"key": "plan", "value": "pro"}],
        }
        for i in range(n)
    ]


class _Neighbour(threading.Thread):
    """Calls `action` in a loop until stopped; keeps the slowest call."""

    def __init__(self, action: Any) -> None:
        super().__init__(daemon=True)
        self.action, self.longest, self.calls = action, 0.0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            began = time.perf_counter()
            self.action()
            self.longest = max(self.longest, time.perf_counter() - began)
            self.calls += 1
            time.sleep(0.002)


@benchmark("store.big")
def _() -> list[Figure]:
    from explorer.store import open_store
    from explorer.store.store import _dump

    now = datetime.now(UTC)
    rows = _rows(ROWS)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.sqlite3"
        store = open_store(path).store
        store.put_result("acc", "q", {"v": 1}, now)
        store.put_sessions("acc", "vi1", "2026-W47", rows, now)  # the one being replaced

        began = time.perf_counter()
        for row in rows:
            _dump(row)
        encode = time.perf_counter() - began

        reader = _Neighbour(lambda: store.result("acc", "q"))
        writer = _Neighbour(lambda: store.put_result("other", "q", {"v": 2}, now))
        reader.start()
        writer.start()
        time.sleep(0.05)
        began = time.perf_counter()
        store.put_sessions("acc", "vi1", "2026-W47", rows, now)
        put = time.perf_counter() - began
        time.sleep(0.05)
        for neighbour in (reader, writer):
            neighbour.stop.set()
            neighbour.join()
        figures += [
            Figure("store.put_sessions_100k.time", put * 1e3, "ms"),
            Figure("store.put_sessions_100k.encode", encode * 1e3, "ms"),
            Figure("store.put_sessions_100k.reader_longest", reader.longest * 1e3, "ms"),
            Figure("store.put_sessions_100k.writer_longest", writer.longest * 1e3, "ms"),
        ]

        began = time.perf_counter()
        cached = store.sessions("acc", "vi1", "2026-W47")
        figures.append(
            Figure("store.sessions_100k.time", (time.perf_counter() - began) * 1e3, "ms")
        )
        assert cached is not None and len(cached.value) == ROWS
        store.put_points("acc", "s", [(i * 60_000, float(i)) for i in range(POINTS)], now)
        store.close()
        figures.append(Figure("store.file_size", path.stat().st_size / 1e6, "MB"))

        began = time.perf_counter()
        opened = open_store(path)
        figures.append(Figure("store.open_big", (time.perf_counter() - began) * 1e3, "ms"))
        assert opened.notice is None
        began = time.perf_counter()
        opened.store.clear("acc")
        figures.append(Figure("store.clear_big", (time.perf_counter() - began) * 1e3, "ms"))
        figures.append(Figure("store.size_after_clear", opened.store.size_bytes() / 1e6, "MB"))
        opened.store.close()
    return figures
