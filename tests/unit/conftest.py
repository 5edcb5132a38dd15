"""Unit-test fixtures: a sandbox service over a hand-built dataset, and a client for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from tests.support.handmade import NOW, S, build, ms

Serve = Callable[..., httpx.Client]


@contextmanager
def _serving(folder: Path) -> Iterator[Serve]:
    started: list[tuple[SandboxService, httpx.Client]] = []

    def start(sessions: list[S], now: str = NOW, **options: object) -> httpx.Client:
        dataset = build(folder / f"d{len(started)}", sessions, now)
        options.setdefault("faults", FaultPlan())
        service = SandboxService(
            dataset,
            clock=Clock(ms(now)),
            country_names={"FR": "France", "US": "United States"},
            **options,  # type: ignore[arg-type]
        ).start()
        client = httpx.Client(base_url=service.base_url, auth=(DEFAULT_API_KEY, ""), timeout=10)
        client.service = service  # type: ignore[attr-defined]
        started.append((service, client))
        return client

    try:
        yield start
    finally:
        for service, client in started:
            client.close()
            service.stop()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """serve(sessions, **service options) -> an authenticated client (HTTP Basic)."""
    with _serving(tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def serve_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """`serve` shared by a module's tests (for read-only matrices of requests)."""
    with _serving(tmp_path_factory.mktemp("sandbox")) as start:
        yield start
