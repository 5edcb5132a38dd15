"""VideoCloudClient end to end against the sandbox's videocloud flavor, on a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.api.errors import AuthenticationFailed, BadRequest, NotFound, ServerError
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.api.videocloud import (
    PERIODS,
    SYSTEM_PERIODS,
    ExportRequest,
    VideoCloudClient,
    VideoCloudOptions,
)
from explorer.api.videocloud_export import ExportPolicy
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import ANCHOR_MS, Dataset, open_dataset
from explorer.sandbox.faults import Fault
from explorer.sandbox.server import SandboxService
from explorer.sandbox.videocloud import VideoCloud
from tests.support.videocloud_scenario import A, B, sessions
from tests.unit.conftest import Serve

OPTIONS = VideoCloudOptions(
    retry=RetryPolicy(attempts=4, rate_limited_attempts=4, base_delay_s=0.01, max_delay_s=0.05),
    export=ExportPolicy(first_poll_s=0.02, max_poll_s=0.05, deadline_s=10),
)


def client_of(service: SandboxService, key: str = DEFAULT_API_KEY) -> VideoCloudClient:
    return VideoCloudClient(service.base_url, Secret(key), options=OPTIONS)


@pytest.fixture
def service(serve: Serve) -> SandboxService:
    started: SandboxService = serve(sessions(), flavor="videocloud").service  # type: ignore[attr-defined]
    assert isinstance(started.served, VideoCloud)
    started.served.exports.delay_s = 0.1
    return started


@pytest.fixture
def client(service: SandboxService) -> Iterator[VideoCloudClient]:
    with client_of(service) as opened:
        yield opened


def test_the_hand_built_figures_through_the_client(client: VideoCloudClient) -> None:
    video = client.video(A)
    assert video.views is not None and video.engagement is not None
    assert (video.views.total, video.views.unique, video.views.change) == (4, 3, 3.0)
    assert video.engagement.average_watch_time == 312.2
    assert video.performance is not None and video.performance.average_bitrate is not None
    assert video.performance.average_bitrate.unit == "k"
    listed = client.videos()
    assert [v.id for v in listed.videos] == [A, B] and listed.complete
    assert listed.videos[0].title == "Algebra 1"
    users = client.users(period="7d")
    assert users.growth is not None and users.growth.new_users == 3
    assert client.user_engagement().bounce_rate == 0.2857
    assert client.system_performance(period="24h").api.requests.total == 18
    assert client.system_health().response_time.p99 == 376.8


def test_errors_map_end_to_end(service: SandboxService, client: VideoCloudClient) -> None:
    with pytest.raises(BadRequest) as caught:
        client.video(A, period="2w")
    assert (caught.value.type, caught.value.name) == ("ANALYTICS_INVALID_PERIOD", "period")
    with pytest.raises(BadRequest) as caught:
        client.users(metrics=["activity", "karma"])
    assert caught.value.type == "ANALYTICS_INVALID_METRICS"
    with pytest.raises(NotFound) as missing:
        client.system_health(period="all")
    assert missing.value.type == "ANALYTICS_DATA_UNAVAILABLE"
    with pytest.raises(NotFound):
        client.video("viNOPE")
    with client_of(service, key="wrong-key") as stranger, pytest.raises(AuthenticationFailed):
        stranger.summary()


def test_an_export_end_to_end(client: VideoCloudClient, tmp_path: Path) -> None:
    target = tmp_path / "views.csv"
    statuses: list[str] = []
    done: list[tuple[int, int]] = []
    job = client.export(
        ExportRequest(period="7d", metrics=["views"], video_id=A),
        target,
        on_status=lambda j: statuses.append(j.status),
        progress=lambda d, t: done.append((d, t)),
    )
    assert job.ready and statuses[0] == "processing" and statuses[-1] == "ready"
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "date,video_id,title,views,unique_viewers"
    assert lines[-1] == f"2026-03-10,{A},Algebra 1,2,2"
    assert done[-1][0] == done[-1][1] == target.stat().st_size


def test_a_failed_export_end_to_end(serve: Serve, tmp_path: Path) -> None:
    empty: SandboxService = serve([], flavor="videocloud").service  # type: ignore[attr-defined]
    assert isinstance(empty.served, VideoCloud)
    empty.served.exports.delay_s = 0.05
    out = tmp_path / "out"
    out.mkdir()
    with client_of(empty) as client, pytest.raises(ServerError) as caught:
        client.export(ExportRequest(), out / "nothing.csv")
    assert caught.value.type == "ANALYTICS_EXPORT_FAILED"
    assert "nothing to export" in str(caught.value)
    assert list(out.iterdir()) == []


def test_faults_on_the_socket_change_nothing(
    service: SandboxService, client: VideoCloudClient, tmp_path: Path
) -> None:
    clean = client.video(A, period="30d", group_by="hour")
    for fault in (Fault.RATE_LIMITED, Fault.SERVER_ERROR, Fault.TRUNCATED, Fault.RESET):
        service.faults.inject(fault)
    assert client.video(A, period="30d", group_by="hour") == clean
    job = client.create_export(ExportRequest(type="users", period="7d"))
    ready = client.wait_for_export(job.export_id)
    service.faults.inject(Fault.TRUNCATED)  # the file itself arrives cut short, once
    client.download_export(ready, tmp_path / "users.csv")
    assert service.faults.pick() is None
    assert (tmp_path / "users.csv").read_text(encoding="utf-8").count("\n") == 8  # header + 7 days


# --- the simulator's small project: every endpoint and period parses, and adds up --------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VideoCloudClient]:
    dataset: Dataset = open_dataset(7, "small", tmp_path_factory.mktemp("small"))
    service = SandboxService(dataset, clock=Clock(ANCHOR_MS), flavor="videocloud").start()
    with client_of(service) as opened:
        yield opened
    service.stop()


@pytest.mark.parametrize("period", PERIODS)
def test_the_small_project_adds_up(small: VideoCloudClient, period: str) -> None:
    summary = small.summary(period=period, limit=100)
    assert summary.total_videos == len(summary.top_videos)
    assert summary.total_views == sum(v.views for v in summary.top_videos)
    assert summary.total_watch_time == pytest.approx(
        sum(v.watch_time or 0 for v in summary.top_videos), abs=0.1 * len(summary.top_videos)
    )
    busiest = summary.top_videos[0]
    assert busiest.views > 0
    for group_by in ("hour", "day", "week"):
        video = small.video(busiest.id, period=period, group_by=group_by)
        assert video.views is not None and video.engagement is not None
        views = video.views
        assert views.total == busiest.views
        assert sum(p.views for p in views.timeline) == views.total
        assert sum(views.by_country.values()) == views.total
        assert sum(views.by_device.values()) == sum(views.by_platform.values()) == views.total
        assert (views.unique or 0) <= views.total
        watched = sum(p.watch_time or 0 for p in video.engagement.timeline)
        assert watched == pytest.approx(busiest.watch_time, abs=0.1 * len(views.timeline))
    users = small.users(period=period)
    assert users.activity is not None and users.growth is not None and users.retention
    sessions = users.activity.sessions
    assert sum(sessions.by_device.values()) == sessions.total
    assert sum(users.growth.by_source.values()) == users.growth.new_users
    for cohort in users.retention.cohorts:
        assert cohort.size and all(0 <= (r or 0) <= 1 for r in (cohort.day1, cohort.day7))
    engagement = small.user_engagement(period=period)
    assert len(engagement.by_time_of_day) == 24
    assert 0 <= (engagement.bounce_rate or 0) <= 1


@pytest.mark.parametrize("period", SYSTEM_PERIODS)
def test_the_small_projects_system_figures_agree(small: VideoCloudClient, period: str) -> None:
    health = small.system_health(period=period)
    performance = small.system_performance(period=period)
    requests = performance.api.requests
    assert requests.total == sum(requests.by_endpoint.values())
    assert health.response_time.average == performance.api.response_time.average
    assert sum(health.errors.by_type.values()) == pytest.approx(health.errors.rate, abs=1e-6)
    assert health.uptime is not None and 0.9 < health.uptime <= 1
    assert health.resources.cpu.usage == pytest.approx(health.resources.cpu.load[2] / 4, abs=1e-3)
    assert health.resources.memory.available is not None
    assert performance.storage.bandwidth.outbound is not None
