"""The client against the loopback sandbox: typed results, and faults that change nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from explorer.api.client import ApiVideoClient, ClientOptions, MediaType
from explorer.api.errors import AuthenticationFailed, BadRequest, NotFound
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ScalarResult, TimeseriesFrame
from explorer.domain.query import Query
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import ANCHOR_MS, Dataset, open_dataset
from explorer.sandbox.faults import Fault, FaultPlan
from explorer.sandbox.server import SandboxService
from tests.support.handmade import S, ev
from tests.support.scenario import A, B, C, sessions
from tests.unit.conftest import Serve

SANDBOX_RETRY = RetryPolicy(
    attempts=8, rate_limited_attempts=8, base_delay_s=0.001, max_delay_s=0.01
)
"""Enough tries for faults that land on the same request twice; backoffs of milliseconds."""

Connect = Callable[..., ApiVideoClient]


@pytest.fixture
def connect(serve: Serve) -> Iterator[Connect]:
    """connect(sessions, auth=..., key=..., **service options) -> a client of a new sandbox."""
    clients: list[ApiVideoClient] = []

    def make(
        dataset: list[S], *, auth: str = "bearer", key: str = DEFAULT_API_KEY, **options: Any
    ) -> ApiVideoClient:
        api = serve(dataset, **options)
        client = ApiVideoClient(
            api.service.base_url,  # type: ignore[attr-defined]
            Secret(key),
            options=ClientOptions(auth=auth, retry=SANDBOX_RETRY),  # type: ignore[arg-type]
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def scenario(connect: Connect) -> ApiVideoClient:
    return connect(sessions())


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- each typed call on the hand-built scenario (answers from tests/support/scenario.py) ---


def test_an_aggregate_is_a_scalar_result(scenario: ApiVideoClient) -> None:
    result = scenario.run(Query(Endpoint.METRICS, "play", aggregation="count"))
    assert isinstance(result, ScalarResult)
    assert result.value == 6.0  # s1 s2 s4 s5 s7 s8 played in the day before now
    assert (result.context.metric, result.context.aggregation) == ("play", "count")
    assert result.context.start == utc("2026-03-09T12:00:00")  # the server's default window
    assert result.context.end == utc("2026-03-10T12:00:00")
    assert not result.partial


def test_a_breakdown_is_a_bucket_frame(scenario: ApiVideoClient) -> None:
    frame = scenario.run(Query(Endpoint.BUCKETS, "play", breakdown="country"))
    assert isinstance(frame, BucketFrame)
    assert frame.dimensions.tolist() == ["US", "FR"]
    assert frame.values.tolist() == [4.0, 2.0]
    assert frame.context.breakdown == "country" and not frame.partial


def test_a_timeseries_is_a_timeseries_frame(scenario: ApiVideoClient) -> None:
    frame = scenario.run(Query(Endpoint.TIMESERIES, "impression"))
    assert isinstance(frame, TimeseriesFrame)
    assert frame.timestamps.tolist() == [
        datetime(2026, 3, 9, 23),
        datetime(2026, 3, 10, 8),
        datetime(2026, 3, 10, 9),
        datetime(2026, 3, 10, 11),
    ]
    assert frame.values.tolist() == [1.0, 3.0, 1.0, 2.0]
    assert frame.context.interval == "hour"  # chosen by the server for a one-day range


def test_filters_and_dates_reach_the_server(scenario: ApiVideoClient) -> None:
    query = Query(
        Endpoint.METRICS,
        "play",
        aggregation="count",
        start=utc("2026-03-09T12:00:00"),
        end=utc("2026-03-10T06:00:00"),
        filters={"mediaId": (A,)},
    )
    result = scenario.metrics(query)
    assert result.value == 1.0  # only s1, across midnight
    assert result.context.end == utc("2026-03-10T06:00:00")


def test_a_bad_parameter_is_a_bad_request(scenario: ApiVideoClient) -> None:
    with pytest.raises(BadRequest) as caught:
        scenario.metrics(Query(Endpoint.METRICS, "play", aggregation="peak"))
    assert caught.value.name == "aggregation"


def test_videos_live_streams_and_players(scenario: ApiVideoClient) -> None:
    videos = scenario.videos(sort_by="title")
    assert [(v.video_id, v.title, v.tags) for v in videos.items] == [
        (A, "Algebra 1", ["maths", "course"]),
        (B, "Spring ad", ["ad"]),
    ]
    assert not videos.partial and videos.items_total == 2
    lives = scenario.live_streams()
    assert [(s.live_stream_id, s.name, s.broadcasting) for s in lives.items] == [
        (C, "Keynote", True)
    ]
    players = scenario.players()
    assert [(p.player_id, p.name) for p in players.items] == [("plDDDDDDDDDDDDDDDDDDDD", "Default")]


def test_one_video_and_a_missing_one(scenario: ApiVideoClient) -> None:
    video = scenario.video(A)
    assert video.title == "Algebra 1"
    assert video.created_at == utc("2026-01-05T09:00:00")
    assert [(m.key, m.value) for m in video.metadata] == [("level", "1")]
    with pytest.raises(NotFound):
        scenario.video("viDoesNotExist")
    with pytest.raises(NotFound):
        scenario.video("../live-streams")  # one path segment, never another route


def test_sessions_of_a_video_and_of_a_live_stream(scenario: ApiVideoClient) -> None:
    of_a = scenario.sessions("video", A, "2026-03-10")
    assert [s.session.session_id for s in of_a.items] == [
        "ps00000000000000000002",
        "ps00000000000000000004",
    ]  # s6 loads in the future; s1 loaded the day before
    s2 = of_a.items[0]
    assert s2.session.loaded_at == utc("2026-03-10T08:00:00")
    assert s2.session.ended_at == utc("2026-03-10T08:09:30")
    assert (s2.location.country, s2.device.type, s2.os.name) == ("United States", "phone", "ios")
    assert [(m.key, m.value) for m in of_a.items[1].session.metadata] == [("plan", "premium")]
    of_c = scenario.sessions("live-stream", C, "2026-03-10")
    assert [s.session.session_id for s in of_c.items] == [
        "ps00000000000000000005",
        "ps00000000000000000008",
    ]


def test_events_of_a_session(scenario: ApiVideoClient) -> None:
    events = scenario.session_events("ps00000000000000000002")
    assert [(e.type, e.at, e.start, e.to) for e in events.items] == [
        ("ready", None, None, None),
        ("play", 0, None, None),
        ("seek.forward", None, 60, 300),
        ("pause", 360, None, None),
        ("resume", 360, None, None),
        ("end", 600, None, None),
    ]
    assert events.items[0].emitted_at == utc("2026-03-10T08:00:02")


def test_http_basic_works_too(connect: Connect) -> None:
    client = connect(sessions(), auth="basic")
    assert client.metrics(Query(Endpoint.METRICS, "end", aggregation="count")).value == 2.0


def test_a_wrong_key_is_refused_with_advice(connect: Connect) -> None:
    client = connect(sessions(), key="not-the-sandbox-key")
    with pytest.raises(AuthenticationFailed) as caught:
        client.videos()
    assert "check the API key and its environment" in str(caught.value)
    assert "not-the-sandbox-key" not in repr(caught.value)


def test_expired_tokens_are_renewed(connect: Connect) -> None:
    client = connect(sessions(), token_ttl_s=0)  # every token is dead on arrival
    with pytest.raises(AuthenticationFailed):
        client.videos()
    live = connect(sessions(), token_ttl_s=30)
    assert len(live.videos().items) == 2  # refreshed before every call (30 s < the margin)
    assert len(live.videos().items) == 2


# --- faults across multi-page fetches -----------------------------------------------------------


def crowd(n: int) -> list[S]:
    """n sessions of video A on 2026-03-10 from 01:00, each from its own referrer, with three
    events each; and one long session with 250 events (seeks), for event pages."""
    many = []
    for i in range(n):
        hour, minute = divmod(i, 60)
        t = f"2026-03-10T{hour + 1:02d}:{minute:02d}:"
        many.append(
            S(
                A,
                t + "00+00:00",
                [
                    ev("ready", t + "01+00:00"),
                    ev("play", t + "02+00:00", at=0),
                    ev("pause", t + "30+00:00", at=28),
                ],
                viewer=i + 1,
                ended_at=t + "40+00:00",
                referrer=f"https://site{i:03d}.example.com/",
                country=("FR", "US")[i % 2],
            )
        )
    seeks = [
        ev("seek.forward", f"2026-03-10T11:{k // 60:02d}:{k % 60:02d}+00:00", frm=k, to=k + 1)
        for k in range(249)
    ]
    many.append(
        S(B, "2026-03-10T10:59:00+00:00", [ev("ready", "2026-03-10T10:59:30+00:00"), *seeks])
    )
    return many


CROWD = 350


def _inject(plan: FaultPlan, *faults: Fault) -> Callable[[int, int], None]:
    """A progress callback that injects `faults` once the first page is in, so that the later
    pages, fetched together, meet them (a 429 burst then costs one wait, not three)."""
    done: list[bool] = []

    def progress(fetched: int, total: int) -> None:
        if not done:
            done.append(True)
            for fault in faults:
                plan.inject(fault)

    return progress


def test_faults_across_the_pages_of_a_session_list_change_nothing(connect: Connect) -> None:
    plan = FaultPlan()
    client = connect(crowd(CROWD), faults=plan)
    clean = client.sessions("video", A, "2026-03-10")
    assert len(clean.items) == CROWD and clean.pages_total == 4 and not clean.partial
    sent = client.http.requests_sent

    plan.inject(Fault.SERVER_ERROR)
    plan.inject(Fault.TRUNCATED)  # page 1 meets these two first
    progress = _inject(
        plan,
        *[Fault.RATE_LIMITED] * 3,  # a burst
        Fault.RESET,
        Fault.SERVER_ERROR,
        Fault.TRUNCATED,
        Fault.RESET,
    )
    faulty = client.sessions("video", A, "2026-03-10", progress=progress)

    assert faulty.items == clean.items
    assert not faulty.partial and faulty.error is None
    assert plan.pick() is None  # every fault was met
    assert client.http.requests_sent - sent >= 4 + 9  # each fault cost one more try


def test_faults_across_the_pages_of_a_breakdown_and_of_events(connect: Connect) -> None:
    plan = FaultPlan()
    client = connect(crowd(CROWD), faults=plan)
    query = Query(Endpoint.BUCKETS, "play", breakdown="referrer", sort_by="dimensionValue")
    clean = client.buckets(query)
    assert len(clean) == CROWD
    assert clean.dimensions[0] == "https://site000.example.com/"
    (long_session,) = [
        s.session.session_id for s in client.sessions("video", B, "2026-03-10").items
    ]
    clean_events = client.session_events(long_session)
    assert len(clean_events.items) == 250 and clean_events.pages_total == 3

    progress = _inject(plan, Fault.TRUNCATED, Fault.RESET, Fault.SERVER_ERROR, Fault.TRUNCATED)
    faulty = client.buckets(query, progress=progress)
    assert plan.pick() is None
    for fault in (Fault.RESET, Fault.SERVER_ERROR, Fault.TRUNCATED, Fault.SERVER_ERROR):
        plan.inject(fault)
    faulty_events = client.session_events(long_session)
    assert plan.pick() is None

    assert faulty.dimensions.tolist() == clean.dimensions.tolist()
    assert np.array_equal(faulty.values, clean.values)
    assert faulty.context == clean.context and not faulty.partial
    assert faulty_events.items == clean_events.items and not faulty_events.partial


# --- the simulator's small project, with random faults -------------------------------------------


class CountingPlan(FaultPlan):
    """A FaultPlan that counts the faults it handed out."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.met: list[Fault] = []

    def pick(self) -> Fault | None:
        fault = super().pick()
        if fault is not None:
            self.met.append(fault)
        return fault


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return open_dataset(7, "small", tmp_path_factory.mktemp("small"))


@pytest.fixture
def small_project(
    small_dataset: Dataset, request: pytest.FixtureRequest
) -> Iterator[tuple[SandboxService, CountingPlan]]:
    plan = CountingPlan(seed=request.param)
    service = SandboxService(small_dataset, clock=Clock(ANCHOR_MS), faults=plan).start()
    yield service, plan
    service.stop()


# Seeds whose random faults, between them, include every kind: 429 bursts, 5xx, resets,
# truncated and slow bodies (the draws are repeatable; one run of each takes about 1.5 s).
@pytest.mark.parametrize("small_project", [2, 5, 10], indirect=True)
def test_random_faults_on_the_small_project_change_nothing(
    small_project: tuple[SandboxService, CountingPlan],
) -> None:
    service, plan = small_project
    now = datetime.fromtimestamp(ANCHOR_MS / 1000, UTC)
    start = now - timedelta(days=30)
    hourly = Query(Endpoint.TIMESERIES, "play", interval="hour", start=start, end=now)
    with ApiVideoClient(
        service.base_url, Secret(DEFAULT_API_KEY), options=ClientOptions(retry=SANDBOX_RETRY)
    ) as client:
        clean_series = client.timeseries(hourly)
        counts = client.buckets(
            Query(Endpoint.BUCKETS, "impression", breakdown="media-id", start=start, end=now)
        )
        busiest = str(counts.dimensions[np.argmax(counts.values)])
        kind: MediaType = "video" if busiest.startswith("vi") else "live-stream"
        period = "2025-12-01/2026-01-01"
        clean_sessions = client.sessions(kind, busiest, period)
        assert clean_series.timestamps.size > 300  # several pages: hours with plays in 30 days
        assert len(clean_sessions.items) > 200 and clean_sessions.pages_total >= 3

        plan.rate = 0.3  # from here on, about one request in three meets a random fault
        faulty_series = client.timeseries(hourly)
        faulty_sessions = client.sessions(kind, busiest, period)
        plan.rate = 0.0
    assert len(plan.met) >= 3, plan.met

    assert np.array_equal(faulty_series.timestamps, clean_series.timestamps)
    assert np.array_equal(faulty_series.values, clean_series.values)
    assert not faulty_series.partial
    assert faulty_sessions.items == clean_sessions.items and not faulty_sessions.partial
