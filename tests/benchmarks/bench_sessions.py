"""The Sessions tab with 100,000 sessions of one video: list and render them, sort, filter.

sessions.list_100k.time: from pressing Load to every row in the table (1,000 pages from the
sandbox, streamed into the table as they arrive), against the same fetch with no GUI at all
(`client.sessions` on the main thread): the ratio is what showing them costs.
sessions.list_100k.first_rows: until the first rows show.
sessions.*.longest_stall: the longest gap of a 5 ms heartbeat QTimer on the UI thread while
it happens, against the 50 ms target. Sorting and filtering are the person's own clicks and
keystrokes, done on the UI thread (numpy over prepared keys), measured the same way.
sessions.fetch_without_table.longest_stall: the same fetch and rows on a worker, no table: the
stall the work behind the window causes by itself (garbage collections, the GIL).
sessions.idle.longest_stall: the heartbeat with nothing to do, the machine's noise floor.
The sandbox runs in a process of its own, as an account's API would (on another machine);
sessions.in_process_sandbox.* repeats the listing with it in the GUI's process, as the demo
runs it, where its threads compete for the GIL. Its rate limit is lifted: the GUI is under
test here, not the pacing. Garbage is collected as the app collects it (on a GUI-thread timer).
A smoke run (`run.py --smoke`) lists 2,000 sessions; its figures keep the 100k names.
"""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tests.benchmarks import Figure, benchmark, sized
from tests.benchmarks.bench_gui import Heartbeat, _app, spin

SESSIONS = sized(100_000, 2_000)
PAGES = SESSIONS // 20  # each referrer page has 20 sessions
FILTERED_PAGE = PAGES * 21 // 25  # the page one filter keystroke narrows the table to
TARGET_MS = 50.0
IDLE_S = sized(3.0, 0.3)
VIDEO = "viHUNDREDTHOUSANDSESS"


def _dataset(folder: Path) -> Any:
    """One video and SESSIONS sessions loaded over the anchor's day, a few events each."""
    from explorer.sandbox.database import ANCHOR_MS, build_dataset

    day_ms = 86_400_000
    start = ANCHOR_MS - ANCHOR_MS % day_ms

    def populate(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO meta VALUES ('anchor_ms', ?)", (str(ANCHOR_MS + day_ms),))
        db.execute(
            f"INSERT INTO videos VALUES ('{VIDEO}','A hundred thousand','',0,0,0,'[]','[]',"
            "1,0,1,NULL,'en',600,NULL,0)"
        )
        countries = ("FR", "US", "DE", "JP", "BR", "IN")
        sessions, events = [], []
        for sid in range(SESSIONS):
            t = start + sid * (day_ms // SESSIONS)
            page = f"https://news.example.com/articles/{sid % PAGES:05d}"
            sessions.append((sid, f"ps{sid:020d}", sid, t, t + 60_000 + sid % 900_000,
                             countries[sid % 6], page))  # fmt: skip
            events += [(sid, 0, "ready", t + 200, 0), (sid, 1, "play", t + 500, 0)]
        db.executemany(
            f"INSERT INTO sessions VALUES (?,?,'{VIDEO}','video',?,?,?,'EU',?,'Paris',"
            "'computer','Dell','x','windows','W10','10','chrome','131.0','browser',"
            "?,'unknown','unknown','unknown','[]')",
            sessions,
        )
        db.executemany("INSERT INTO events VALUES (?,?,?,?,?,NULL,NULL)", events)

    dataset = build_dataset(folder / "hundred-thousand.sqlite", populate)
    return dataset, start, ANCHOR_MS + day_ms  # the sandbox's now: its anchor, no shift


SERVER = """
import sys
from pathlib import Path
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import Dataset
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService

service = SandboxService(
    Dataset(Path(sys.argv[1])), clock=Clock(int(sys.argv[2])), rate_limit=10_000_000,
    faults=FaultPlan(),
).start()
print(service.base_url, flush=True)
sys.stdin.read()  # until the benchmark closes it
service.stop()
"""


@contextmanager
def _sandbox(dataset: Any, now_ms: int, in_process: bool) -> Iterator[str]:
    """The sandbox's base URL: in this process (as the demo runs it) or in its own (as an
    account's API is: on another machine)."""
    if in_process:
        from explorer.sandbox.clock import Clock
        from explorer.sandbox.faults import FaultPlan
        from explorer.sandbox.server import SandboxService

        service = SandboxService(
            dataset, clock=Clock(now_ms), rate_limit=10_000_000, faults=FaultPlan()
        ).start()
        try:
            yield service.base_url
        finally:
            service.stop()
        return
    command = [sys.executable, "-c", SERVER, str(dataset.path), str(now_ms)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdin is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()
        process.wait(timeout=30)


@benchmark("sessions.list_100k")
def _list() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as folder:
        started = time.perf_counter()
        dataset, day_start, now_ms = _dataset(Path(folder))
        day = datetime.fromtimestamp(day_start / 1000, UTC).date()
        took = time.perf_counter() - started
        print(f"# sessions: a dataset of {SESSIONS:,} sessions built in {took:.1f} s")
        with _sandbox(dataset, now_ms, in_process=False) as base_url:
            figures = _run(base_url, day, "sessions")
        with _sandbox(dataset, now_ms, in_process=True) as base_url:
            figures += _run(base_url, day, "sessions.in_process_sandbox", actions=False)
    return figures


def _run(base_url: str, day: date, prefix: str, actions: bool = True) -> list[Figure]:
    from explorer.api.client import ApiVideoClient
    from explorer.api.secrets import Secret
    from explorer.sandbox.auth import DEFAULT_API_KEY
    from explorer.services.sessions import Media, SessionService
    from explorer.ui.bridge.tasks import TaskRunner
    from explorer.ui.sessions.sessions_view import SessionsView

    app = _app()
    client = ApiVideoClient(base_url, Secret(DEFAULT_API_KEY))
    runner = TaskRunner()
    media = Media(VIDEO, "video", "A hundred thousand")
    try:
        bare = _bare_fetch(client, media, day)
        view = SessionsView(runner, SessionService(client), media, day, "Europe/Paris")
        view.resize(1280, 860)
        view.show()
        figures = _measure_list(view, prefix)
        figures.append(_without_table(SessionService(client), media, day, prefix))
        figures.append(_idle(prefix))
        figures[0] = Figure(figures[0].name, figures[0].value, "s", bare)
        if actions:
            figures += _measure_actions(view, app)
        view.close()
        view.deleteLater()
    finally:
        runner.shutdown(wait=True)
        client.close()
    return figures


def _bare_fetch(client: Any, media: Any, day: date) -> float:
    started = time.perf_counter()
    fetched = client.sessions("video", media.media_id, day.isoformat())
    assert len(fetched.items) == SESSIONS and not fetched.partial, len(fetched.items)
    return time.perf_counter() - started


def _measure_list(view: Any, prefix: str) -> list[Figure]:
    from PySide6.QtCore import QTimer

    model = view.table.source
    spin(lambda: True, settle_ms=200)
    gc.collect()
    heartbeat = Heartbeat()
    marks: dict[str, float] = {}

    def load() -> None:
        marks["start"] = time.perf_counter()
        view.load()

    def first_rows() -> bool:
        if model.rowCount() and "first" not in marks:
            marks["first"] = time.perf_counter()
        return False

    watcher = QTimer()
    watcher.timeout.connect(first_rows)
    watcher.start(1)
    heartbeat.start()
    QTimer.singleShot(0, load)

    def complete() -> bool:
        done = view.listing is not None and model.pending == 0
        if done and "end" not in marks:
            marks["end"] = time.perf_counter()
        return done

    spin(complete, timeout_s=600)
    stall = heartbeat.stop()
    watcher.stop()
    assert model.rowCount() == SESSIONS, model.rowCount()
    assert view.count.text() == f"Showing {SESSIONS:,} of {SESSIONS:,} sessions", view.count.text()
    return [
        Figure(f"{prefix}.list_100k.time", marks["end"] - marks["start"], "s"),
        Figure(f"{prefix}.list_100k.first_rows", (marks["first"] - marks["start"]) * 1000, "ms"),
        Figure(f"{prefix}.list_100k.longest_stall", stall * 1000, "ms", TARGET_MS),
    ]


def _without_table(service: Any, media: Any, day: date, prefix: str) -> Figure:
    """The heartbeat while the same rows are fetched and made on a worker, with no table to
    show them: the stall any window would suffer from the work behind it (the garbage
    collector and the GIL), which the table's own cost adds to."""
    done = threading.Event()
    rows: list[int] = []

    def fetch() -> None:
        try:
            service.list_sessions(
                media, day.isoformat(), deliver=lambda page: rows.append(len(page))
            )
        finally:
            done.set()

    spin(lambda: True, settle_ms=100)
    gc.collect()
    heartbeat = Heartbeat()
    heartbeat.start()
    worker = threading.Thread(target=fetch, name="bench-fetch")
    worker.start()
    spin(done.is_set, settle_ms=0, timeout_s=600)
    worker.join()
    assert sum(rows) == SESSIONS, sum(rows)
    return Figure(f"{prefix}.fetch_without_table.longest_stall", heartbeat.stop() * 1000, "ms")


def _idle(prefix: str, seconds: float = IDLE_S) -> Figure:
    """The same heartbeat with nothing to do: this machine's own noise floor."""
    spin(lambda: True, settle_ms=100)
    gc.collect()
    heartbeat = Heartbeat()
    heartbeat.start()
    deadline = time.monotonic() + seconds
    spin(lambda: time.monotonic() > deadline, settle_ms=0)
    return Figure(f"{prefix}.idle.longest_stall", heartbeat.stop() * 1000, "ms", TARGET_MS)


def _stall_of(action: Any, done: Any) -> tuple[float, float]:
    """(seconds the action took, longest heartbeat gap) for an action run from the loop."""
    from PySide6.QtCore import QTimer

    spin(lambda: True, settle_ms=100)
    gc.collect()
    heartbeat = Heartbeat()
    took: list[float] = []

    def run() -> None:
        started = time.perf_counter()
        action()
        took.append(time.perf_counter() - started)

    heartbeat.start()
    QTimer.singleShot(0, run)
    spin(lambda: bool(took) and done())
    return took[0], heartbeat.stop()


def _measure_actions(view: Any, app: Any) -> list[Figure]:
    from PySide6.QtCore import Qt

    from explorer.ui.sessions.session_table import DURATION, FIRST_TEXT

    table, model = view.table, view.table.source
    figures = []
    for name, action, check in (
        ("sort_by_duration", lambda: table.sortByColumn(DURATION, Qt.SortOrder.DescendingOrder),
         lambda: model.rowCount() == SESSIONS),
        ("sort_by_country", lambda: table.sortByColumn(FIRST_TEXT, Qt.SortOrder.AscendingOrder),
         lambda: model.rowCount() == SESSIONS),
        ("filter_keystroke", lambda: view.filter.setText(f"articles/{FILTERED_PAGE:05d}"),
         lambda: model.rowCount() == SESSIONS // PAGES),
        ("filter_cleared", lambda: view.filter.setText(""),
         lambda: model.rowCount() == SESSIONS),
    ):  # fmt: skip
        took, stall = _stall_of(action, check)
        figures.append(Figure(f"sessions.{name}.time", took * 1000, "ms"))
        figures.append(Figure(f"sessions.{name}.longest_stall", stall * 1000, "ms", TARGET_MS))
    return figures
