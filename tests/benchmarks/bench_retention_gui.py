"""The window while a Retention tab's sample grows: the longest UI-thread stall.

gui.retention.stall.max: a Retention tab (explorer/ui/audience) fetching the events of SAMPLE
sessions of a demo course video over a month, round by round, redrawing the curve and its
figures after each round, with the sandbox in a process of its own (as an account's API is)
and, as gui.retention.in_process_sandbox, in the app's process as the demo runs it; measured
with bench_gui's heartbeat (5 ms timer on the UI thread, garbage collected on the GUI thread
as the app does), beside the idle event loop's longest gap in the same run. The issue's
target: under 50 ms. A smoke run (`run.py --smoke`) samples 30 sessions of the small demo.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date
from pathlib import Path
from typing import Any

from tests.benchmarks import Figure, benchmark, sized
from tests.benchmarks.sandbox_process import own_process

SAMPLE = sized(1_000, 30)
SCALE = sized("default", "small")
RUNS = sized(3, 1)


def _one_run(runner: Any, service: Any, media: Any, today: date, month: Any) -> tuple[float, Any]:
    """The longest stall while one tab fetches its sample, and that sample."""
    from explorer.ui.audience.retention_view import RetentionView
    from tests.benchmarks.bench_gui import _measure, spin

    view = RetentionView(runner, service, media, today, "UTC")
    view.resize(1280, 800)
    view.show()
    view.picker.set_period(month)
    view.size.setValue(SAMPLE)
    view.precision.setValue(0)  # no early stop: the whole sample is fetched
    view.estimate()
    spin(lambda: view.subjects[0].sampler is not None, timeout_s=600)
    stall = _measure(
        lambda: view.subjects[0].sample is not None and not view.busy("fetch", "summary"),
        view.fetch,
    )
    sample = view.subjects[0].sample
    view.close()
    view.deleteLater()
    return stall, sample


def _stalls_of(source: Any, name: str) -> list[Figure]:
    from explorer.domain.period import Period, PeriodKind
    from explorer.services.sessions import Media
    from explorer.ui.bridge.tasks import TaskRunner
    from tests.benchmarks.bench_gui import _measure

    runner = TaskRunner()
    try:
        assert source.sessions is not None
        video = next(a for a in source.load_assets().of_kind("video") if "lesson" in a.title)
        media = Media(video.asset_id, "video", video.title)
        today = source.now().astimezone(UTC).date()
        month = Period.containing(PeriodKind.MONTH, today)
        stalls, idles, sizes, seconds = [], [], [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            stall, sample = _one_run(runner, source.sessions, media, today, month)
            seconds.append(round(time.perf_counter() - started, 1))
            assert sample is not None and sample.stopped, sample
            stalls.append(stall)
            sizes.append(sample.size)
            idles.append(_measure(lambda: True, lambda: None))
        print(f"# {name}: {video.title}: samples of {sizes} sessions, {seconds} s")
    finally:
        runner.shutdown(wait=True)
    return [
        Figure(f"{name}.stall.max", max(stalls) * 1000, "ms", max(idles) * 1000),
        Figure(f"{name}.sample", float(max(sizes)), "sessions"),
    ]


@benchmark("gui.retention")
def _retention() -> list[Figure]:
    from explorer.services.connection import SandboxOptions
    from explorer.services.sources.apivideo.source import ApiVideoSource
    from tests.benchmarks.bench_gui import _app

    _app()
    with tempfile.TemporaryDirectory(prefix="bench-retention-") as folder:
        with own_process(Path(folder), SCALE) as source:
            figures = _stalls_of(source, "gui.retention")
        demo = ApiVideoSource.demo(SandboxOptions(scale=SCALE, data_dir=Path(folder)))
        try:
            figures += _stalls_of(demo, "gui.retention.in_process_sandbox")
        finally:
            demo.close()
    return figures
