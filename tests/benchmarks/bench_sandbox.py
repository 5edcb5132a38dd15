"""The sandbox: dataset generation per scale, and the latency of two heavy 30-day queries.

Latency is measured over HTTP on loopback against the server's floor: a trivial request
(GET /players, one row) timed in turns with the query, so the ratio is the query's cost in
multiples of the round trip itself.
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
from tests.benchmarks import Figure, benchmark, compare

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
                repeat=15 if scale == "large" else 40,
                warmup=2,
            )
    return figures


def _generation(scale: str) -> tuple[list[Figure], Path]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-sandbox-{scale}-"))
    started = time.perf_counter()
    dataset = open_dataset(1, scale, folder)
    elapsed = time.perf_counter() - started
    sessions = dataset.connection().execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    print(f"# {scale}: {sessions} sessions, {dataset.path.stat().st_size / 2**20:.0f} MiB")
    reopen = time.perf_counter()
    open_dataset(1, scale, folder)
    reopened = time.perf_counter() - reopen
    figures = [
        Figure(f"sandbox.generate.{scale}", elapsed, "s"),
        Figure(f"sandbox.reopen_cached.{scale}", reopened * 1000, "ms"),
    ]
    return figures, folder


@benchmark("sandbox.small")
def _small() -> list[Figure]:
    figures, _ = _generation("small")
    return figures


@benchmark("sandbox.default")
def _default() -> list[Figure]:
    figures, folder = _generation("default")
    return [*figures, *_latency("default", folder)]


@benchmark("sandbox.large")
def _large() -> list[Figure]:
    figures, folder = _generation("large")
    return [*figures, *_latency("large", folder)]
