"""The growing sample: seeded and nested, its cost said first, the store's events reused (never
fetched twice), stopped by precision, size or budget, cancelled keeping what it has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.api.client import ApiVideoClient
from explorer.api.errors import ServerError
from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import ANCHOR_MS, open_dataset
from explorer.sandbox.server import SandboxService
from explorer.services.local_cache import LocalCache
from explorer.services.retention_sampling import (
    Sample,
    Sampler,
    media_length,
    prepare,
    sample_order,
)
from explorer.services.sessions import Media, SessionList, SessionService
from explorer.store import Store, open_store

MONTH = "2025-12"


class Sandbox:
    """The small built-in dataset, served with no rate limit to speak of (these tests send
    hundreds of requests; the pacing has tests of its own)."""

    def __init__(self) -> None:
        dataset = open_dataset(1, "small")
        self.service = SandboxService(dataset, clock=Clock(ANCHOR_MS), rate_limit=100_000)
        self.service.start()

    def client(self) -> ApiVideoClient:
        return ApiVideoClient(self.service.base_url, Secret(DEFAULT_API_KEY))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    served = Sandbox()
    yield served
    served.service.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3")
    yield opened.store
    opened.store.close()


class Counting:
    """Counts the events requests a client sends, per session."""

    def __init__(self, client: ApiVideoClient) -> None:
        self.calls: list[str] = []
        self.fail: set[str] = set()
        original = client.session_events

        def session_events(session_id: str, **kwargs: Any) -> Any:
            self.calls.append(session_id)
            if session_id in self.fail:
                raise ServerError(503, {"title": "unavailable"})
            return original(session_id, **kwargs)

        client.session_events = session_events  # type: ignore[method-assign]


@pytest.fixture
def service(sandbox: Sandbox, store: Store) -> Iterator[SessionService]:
    client = sandbox.client()
    found = SessionService(client)
    found.cache = LocalCache(store, "demo")
    yield found
    client.close()


@pytest.fixture(scope="module")
def busiest(sandbox: Sandbox) -> tuple[Media, float]:
    """The video with the most sessions in the month, and its length."""
    with sandbox.client() as client:
        service = SessionService(client)
        counts = []
        for video in client.videos().items:
            listed = client.sessions("video", video.video_id, MONTH).items_total or 0
            counts.append((listed, video.video_id, video.title))
        _, vid, title = max(counts)
        return Media(vid, "video", title), media_length(service, vid)


def listing(service: SessionService, media: Media) -> SessionList:
    found = service.list_sessions(media, MONTH)
    assert not found.partial and len(found.rows) > 120
    return found


def test_the_order_is_seeded_and_independent_of_the_api_order(
    service: SessionService, busiest: tuple[Media, float]
) -> None:
    records = listing(service, busiest[0]).records
    order = sample_order(records, 3)
    backwards = sample_order(records[::-1], 3)
    assert [records[i].session_id for i in order] == [
        records[::-1][i].session_id for i in backwards
    ]
    assert order != sample_order(records, 4)
    assert sorted(order) == list(range(len(records)))


def test_a_bigger_sample_extends_a_smaller_one(
    service: SessionService, busiest: tuple[Media, float]
) -> None:
    media, duration = busiest
    found = listing(service, media)
    small = Sampler(service, found, duration, seed=5, size=30).run()
    big = Sampler(service, found, duration, seed=5, size=60).run()
    ids = [r.session_id for r in big.records]
    assert [r.session_id for r in small.records] == ids[:30]
    assert (small.stopped, small.size, small.complete) == ("sample size", 30, False)
    assert small.label == f"a random sample of 30 of {len(found.rows)} sessions"


def test_stored_events_are_never_fetched_again_and_the_cost_says_so(
    service: SessionService, busiest: tuple[Media, float]
) -> None:
    media, duration = busiest
    found = listing(service, media)
    counting = Counting(service.client)
    first = Sampler(service, found, duration, seed=1, size=40, rate_per_minute=500)
    cost = first.cost()
    assert (cost.sample, cost.stored, cost.requests) == (40, 0, 40)
    assert cost.seconds == pytest.approx(40 * 60 / 500)
    assert "40 events requests, about 5 s at the account's 500 requests a minute" in cost.describe()
    one = first.run()
    assert sorted(counting.calls) == sorted(r.session_id for r in one.records)
    again = Sampler(service, found, duration, seed=1, size=70)
    cost = again.cost()
    assert (cost.stored, cost.requests, cost.rate_known) == (40, 30, False)
    assert "api.video's documented 500 requests a minute" in cost.describe()
    two = again.run()
    assert len(counting.calls) == 70 and len(set(counting.calls)) == 70  # none twice
    assert two.requests == 30
    first_curve = one.curves()[0]
    assert (
        Sample(two.records[:40], one.columns, two.sessions_total, duration, 0)
        .curves()[0]
        .viewers.tolist()
        == first_curve.viewers.tolist()
    )


def test_all_of_them_is_exact(service: SessionService, busiest: tuple[Media, float]) -> None:
    media, duration = busiest
    found = listing(service, media)
    sampler = prepare(service, media, MONTH)  # the length and the list, fetched
    assert (sampler.duration, sampler.cost().sample) == (duration, len(found.rows))
    sample = sampler.run()
    curve = sample.curves()[0]
    assert sample.complete and sample.stopped == "every session"
    assert sample.label == f"all {len(found.rows)} sessions"
    assert curve.exact and (curve.low == curve.share).all() and curve.half_width == 0


def test_a_precision_stops_the_sample_early(
    service: SessionService, busiest: tuple[Media, float]
) -> None:
    media, duration = busiest
    found = listing(service, media)
    sample = Sampler(service, found, duration, precision=0.2).run()
    assert sample.stopped == "precision" and sample.size < len(found.rows)
    assert sample.curves()[0].half_width <= 0.2


def test_cancelling_keeps_what_it_has(
    service: SessionService, busiest: tuple[Media, float]
) -> None:
    media, duration = busiest
    found = listing(service, media)
    cancel = CancelToken()
    seen: list[Sample] = []

    def deliver(state: Sample) -> None:
        assert "curve" in vars(state)  # computed on the sampler's thread, not the reader's
        seen.append(state)
        cancel.cancel()  # after the first round

    sample = Sampler(service, found, duration).run(cancel, deliver=deliver)
    assert sample.stopped == "cancelled" and not sample.complete
    assert sample.size == seen[0].size == 25
    assert seen[-1] is not seen[0] and seen[-1].stopped == "cancelled"
    assert sample.curves()[0].played > 0


def test_sessions_whose_events_fail_are_named_and_left_out(
    service: SessionService, busiest: tuple[Media, float]
) -> None:
    media, duration = busiest
    found = listing(service, media)
    order = sample_order(found.records, 1)
    bad = found.records[order[2]].session_id
    counting = Counting(service.client)
    counting.fail = {bad}
    sample = Sampler(service, found, duration, size=10).run()
    assert sample.failed == [bad] and sample.size == 9 and not sample.complete
    assert "1 sessions' events could not be fetched" in sample.label
