"""The sandbox: dataset generation per scale, and the latency of two heavy 30-day queries.

Latency is measured over HTTP on loopback against the server's floor: a trivial request
(GET /players, one row) timed in turns with the query, so the ratio is the query's cost in
multiples of the round trip itself. A smoke run (`run.py --smoke`) does all of it at the small
scale, with three timed requests each.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.database import open_dataset
from explorer.sandbox.server import SandboxService
from tests.benchmarks import Figure, benchmark, compare, sized

QUERIES = {
    "buckets_play_country": ("/data/buckets/play/country", {}),
    "timeseries_play_hour": ("/data/timeseries/play", {"interval": "hour", "pageSize": "100"}),
}


def _window() -> dict[str, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=30) + timedelta(minutes=15)
    return {"from": start.isoformat(), "to": now.isoformat()}


def _latency(scale: str, data_dir: Path) -> list[Figure]:
    dataset = open_dataset(1, scale, data_dir)
    figures: list[Figure] = []
    with (
        SandboxService(dataset, rate_limit=10**9) as service,
        httpx.Client(base_url=service.base_url, auth=(DEFAULT_API_KEY, ""), timeout=60) as client,
    ):
        window = _window()
        for name, (path, params) in QUERIES.items():
            assert client.get(path, params={**params, **window}).status_code == 200
            figures += compare(
                f"sandbox.{name}.{scale}",
                ours=lambda p=path, q=params: client.get(p, params={**q, **window}),
                baseline=lambda: client.get("/players", params={"pageSize": "1"}),
                unit="ms",
                repeat=sized(15 if scale == "large" else 40, 3),
                warmup=sized(2, 1),
            )
    return figures


def _generation(scale: str, folder: Path) -> list[Figure]:
    """Generate the scale's dataset into the empty ``folder``, then open it again (cached)."""
    started = time.perf_counter()
    dataset = open_dataset(1, scale, folder)
    elapsed = time.perf_counter() - started
    sessions = dataset.connection().execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    print(f"# {scale}: {sessions} sessions, {dataset.path.stat().st_size / 2**20:.0f} MiB")
    reopen = time.perf_counter()
    open_dataset(1, scale, folder)
    reopened = time.perf_counter() - reopen
    return [
        Figure(f"sandbox.generate.{scale}", elapsed, "s"),
        Figure(f"sandbox.reopen_cached.{scale}", reopened * 1000, "ms"),
    ]


def _generation_and_latency(scale: str, latency: bool = True) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix=f"bench-sandbox-{scale}-") as name:
        folder = Path(name)
        figures = _generation(scale, folder)
        return figures + _latency(scale, folder) if latency else figures


@benchmark("sandbox.small")
def _small() -> list[Figure]:
    return _generation_and_latency("small", latency=False)


@benchmark("sandbox.default")
def _default() -> list[Figure]:
    return _generation_and_latency(sized("default", "small"))


@benchmark("sandbox.large")
def _large() -> list[Figure]:
    return _generation_and_latency(sized("large", "small"))
