"""The window while a fan-out fills in (issue 18's compare & rank): the UI-thread stalls.

gui.fanout.*: the real window (explorer/ui/main_window.py) asks a fan-out through its task
runner, as Run does (`MainWindow.ask`), and redraws the result tab for each growing snapshot the
runner hands over (`ResultPage.show_growing`) until the whole answer is drawn. A 5 ms heartbeat
timer on the UI thread records every gap between its beats meanwhile: `.stall.max` is the
longest gap of `RUNS` runs (the issue's target: under 50 ms), `.gap.p95` the 95th percentile of
all gaps, beside the idle event loop's in the same process. Three fan-outs:

* `lines`: plays over the last 7 days, hourly, split by country over `COUNTRIES` ISO codes (the
  sandbox's 35 countries and others, which answer zeros): one line per country, and a table of
  one column per country (168 rows);
* `crosstab`: plays by operating system over the last 7 days, split by the same countries: a
  matrix of one row per country and a column per operating system;
* `rank`: "what hurts most" over the last 7 days of the whole project (the sweep of every
  figure over every breakdown, then impression time per segment).

The sandbox serves the default-scale dataset in a process of its own (as an account's API is,
on another machine), adding `LATENCY_MS` to every request, with no rate limit (the parts
arrive as fast as the fan-out's 8 requests in flight allow: the hardest case for the window;
at the default 500 a minute, the runs after the first wait for the budget). As in the app,
garbage is collected on the GUI thread's timer (bench_gui's `_app`) and the chart code is
loaded on a worker once the asset tree shows (explorer/ui/charts/chart_preload.py). A smoke
run (`run.py --smoke`) asks 6 countries of the small dataset with 5 ms of latency, once.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.benchmarks import Figure, benchmark, p95, sized
from tests.benchmarks.sandbox_process import own_process

SCALE = sized("default", "small")
LATENCY_MS = sized(100, 5)
COUNT = sized(100, 6)
RUNS = sized(3, 1)
TIMEOUT_S = 900

OTHER_COUNTRIES = tuple(
    " ".join(
        (
            "AT BE CH DK FI NO IE GR CZ HU RO BG HR RS SK SI UA BY LT LV EE IS LU MT CY",
            "PE VE EC BO PY UY CR PA GT CU DO HN SV NI JM",
            "CN TW HK TH MY PK BD LK NP IL SA QA KW IR IQ JO LB KZ UZ",
            "GH TZ UG ET DZ TN CM CI ZW AO",
        )
    ).split()
)
"""Real ISO 3166 codes the sandbox has no viewer in: their parts answer zeros."""


def countries(count: int) -> tuple[str, ...]:
    """``count`` distinct country codes, the sandbox's own first."""
    from explorer.sandbox.population import COUNTRIES as SANDBOX_COUNTRIES

    codes = [c.code for c in SANDBOX_COUNTRIES] + list(OTHER_COUNTRIES)
    if count > len(codes):
        raise ValueError(f"only {len(codes)} country codes are listed here")
    return tuple(codes[:count])


class GapRecorder:
    """A 5 ms timer on the UI thread keeping every gap between two beats (s)."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._last = 0.0
        self.gaps: list[float] = []

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> list[float]:
        self._on_timer_timeout()  # a stall still going on counts too
        self._timer.stop()
        return self.gaps

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now


def _gaps(done: Callable[[], bool], work: Callable[[], None]) -> list[float]:
    """Every UI-thread gap (s) from ``work``, run by the event loop as a slot is, until
    ``done()`` and the repaints after it (bench_gui's `_measure`, keeping each gap)."""
    import gc

    from PySide6.QtCore import QTimer

    from tests.benchmarks.bench_gui import spin

    recorder = GapRecorder()
    spin(lambda: True, settle_ms=100)  # idle, shown, painted
    gc.collect()
    recorder.start()
    QTimer.singleShot(0, work)
    spin(done, timeout_s=TIMEOUT_S)
    return recorder.stop()


def _questions(source: Any) -> dict[str, Any]:
    from explorer.domain.catalogue import Endpoint
    from explorer.domain.query import Query
    from explorer.domain.splits import SplitQuestion
    from explorer.services.ranking import RankRequest

    now = source.now()
    start = now - timedelta(days=7)
    codes = countries(COUNT)
    hourly = Query(
        endpoint=Endpoint.TIMESERIES, metric="play", interval="hour", start=start, end=now
    )
    by_os = Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="operating-system", start=start, end=now
    )
    lines = SplitQuestion(hourly, "country", values=codes)
    crosstab = SplitQuestion(by_os, "country", values=codes)
    return {  # name -> (question, its tab's title)
        f"lines_{COUNT}": (lines, lines.title),
        f"crosstab_{COUNT}": (crosstab, crosstab.title),
        "rank": (RankRequest(start, now), "What hurts most · last 7 days"),
    }


def _check(answer: Any) -> str:
    """The whole answer arrived (else the stalls measured the wrong thing); what it holds."""
    from explorer.domain.splits import SplitAnswer
    from explorer.services.ranking import Ranking

    if isinstance(answer, SplitAnswer):
        assert answer.complete, answer.summary()
        return f"{len(answer.parts)} parts"
    assert isinstance(answer, Ranking), answer
    assert answer.complete and answer.rows, answer.missing
    return f"{answer.parts_total} requests, {len(answer.rows)} rows"


def _one_run(window: Any, question: Any, title: str) -> tuple[list[float], int, float, str]:
    """The gaps while ``question`` fills a new result tab in; the snapshots drawn; seconds."""
    page = window.results.new_page()
    drawn = [0]
    growing = page.show_growing

    def counted(answer: Any, fetched_at: Any) -> None:
        drawn[0] += 1
        growing(answer, fetched_at)

    page.show_growing = counted  # what the runner's `yielded` calls, each delivery
    started = time.perf_counter()
    gaps = _gaps(lambda: not page.running, lambda: window.ask(page, question, "UTC", title))
    seconds = time.perf_counter() - started
    said = _check(page.result)
    window.results.removeTab(window.results.indexOf(page))
    page.deleteLater()
    return gaps, drawn[0], seconds, said


@benchmark("gui.fanout")
def _fanout() -> list[Figure]:
    from explorer.ui.charts.chart_preload import load_chart_modules
    from tests.benchmarks.bench_gui import _app, _window, spin

    _app()
    figures: list[Figure] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-fanout-") as folder,
        own_process(Path(folder), SCALE, LATENCY_MS) as source,
        _window() as window,
    ):
        loaded: list[bool] = []
        window.assets_loaded.connect(lambda: loaded.append(True))
        window.set_workspace(source)
        spin(lambda: bool(loaded) and not window.runner.in_flight(), timeout_s=TIMEOUT_S)
        # as the app does once the tree shows (explorer/app.py): the chart code on a worker
        window.runner.run(
            load_chart_modules, owner=window.runner, slot="preload", label="Loading the charts"
        )
        spin(lambda: not window.runner.in_flight(), timeout_s=TIMEOUT_S)
        idle = _gaps(lambda: True, lambda: None)
        for name, (question, title) in _questions(source).items():
            gaps: list[float] = []
            longest: list[float] = []
            for _ in range(RUNS):
                run_gaps, drawn, seconds, said = _one_run(window, question, title)
                gaps += run_gaps
                longest.append(max(run_gaps))
                print(
                    f"# gui.fanout.{name}: {said} in {seconds:.1f} s, {drawn} snapshots "
                    f"drawn, longest gap {max(run_gaps) * 1000:.1f} ms",
                    flush=True,
                )
            figures += [
                Figure(f"gui.fanout.{name}.stall.max", max(longest) * 1000, "ms",
                       max(idle) * 1000),
                Figure(f"gui.fanout.{name}.gap.p95", p95(gaps) * 1000, "ms",
                       p95(idle) * 1000),
            ]  # fmt: skip
    return figures
