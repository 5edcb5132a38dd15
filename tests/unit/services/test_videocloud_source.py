"""The VideoCloud API as a data source: its assets, its reports, its store copies, its curl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.api.errors import AuthenticationFailed, NetworkError
from explorer.api.http import RetryPolicy
from explorer.api.secrets import Secret
from explorer.api.videocloud import VideoCloudClient, VideoCloudOptions
from explorer.domain.report import Report, Shape
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.services.account_manager import AccountManager
from explorer.services.accounts import Account, AccountBook
from explorer.services.connection import SandboxOptions
from explorer.services.source import DataSource
from explorer.services.sources import KINDS
from explorer.services.sources.videocloud.source import VideoCloudSource
from explorer.services.vault import Vault
from explorer.services.videocloud_queries import ReportRequest
from explorer.store import Store, open_store

NO_RETRY = VideoCloudOptions(retry=RetryPolicy(attempts=1, base_delay_s=0.0))


@pytest.fixture(scope="module")
def demo() -> Iterator[VideoCloudSource]:
    source = VideoCloudSource.demo(SandboxOptions(scale="small"))
    yield source
    source.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3")
    yield opened.store
    opened.store.close()


def test_it_is_a_data_source_without_sessions_but_with_export_jobs(demo: VideoCloudSource) -> None:
    source: DataSource = demo  # mypy checks the protocol here
    assert source.sessions is None and source.exports is not None
    assert source.kind == "DEMO" and "VideoCloud" in source.label


def test_its_assets_are_the_videos_the_summary_names(demo: VideoCloudSource) -> None:
    assets = demo.load_assets()
    assert assets.kinds == ("video",) and assets.items
    assert {a.kind for a in assets.items} == {"video"}
    summary = demo.client.summary(period="all", limit=100)
    assert [a.asset_id for a in assets.items] == [v.id for v in summary.top_videos]
    first = assets.items[0]
    assert first.title == summary.top_videos[0].title
    assert dict(first.facts)["Views (all time)"] == summary.top_videos[0].views


def test_a_video_report_has_its_sections_in_their_shapes(demo: VideoCloudSource) -> None:
    first = demo.load_assets().items[0]
    report = demo.run_query(ReportRequest("video", "30d", first.asset_id, group_by="day"))
    assert isinstance(report, Report) and report.kind == "videocloud-video"
    assert report.title == f"{first.title} · 30d"  # named by the title the list gave
    shapes = {s.name: s.shape for s in report.sections()}
    assert shapes["views"] is Shape.FIGURES
    assert shapes["views.by_country"] is Shape.BREAKDOWN
    assert shapes["views.timeline"] is Shape.TIMELINE
    assert shapes["performance"] is Shape.FIGURES


def test_questions_are_checked_in_words_and_copied_as_curl_without_the_key(
    demo: VideoCloudSource,
) -> None:
    assert demo.check(ReportRequest("video")) == ["choose a video"]
    assert demo.check(ReportRequest("summary", "1h")) == [
        "the period must be one of 1d, 7d, 30d, all"
    ]
    assert demo.check(ReportRequest("system-health", "1h")) == []
    text = demo.curl(ReportRequest("video", "7d", "vi/1", metrics=("views",), group_by="day"))
    assert f"{demo.base_url}/analytics/videos/vi%2F1" in text
    assert "Authorization: Bearer $VIDEOCLOUD_KEY" in text
    assert "period=7d \\" in text and "metrics=views \\" in text and "groupBy=day \\" in text
    assert DEFAULT_API_KEY not in text  # the sandbox's key is not there, only its variable


def test_offline_the_stored_videos_and_reports_come_back_marked(
    demo: VideoCloudSource, store: Store
) -> None:
    key = Secret(DEFAULT_API_KEY)
    online = VideoCloudSource(VideoCloudClient(demo.base_url, key), "VC", "LOCAL")
    online.account_id = "vc-1"
    online.attach_store(store)
    try:
        assets = online.load_assets()
        summary = online.run_query(ReportRequest("summary", "7d"))
    finally:
        online.close()
    dead = VideoCloudClient("http://127.0.0.1:9", Secret("k"), options=NO_RETRY)
    offline = VideoCloudSource(dead, "VC", "LOCAL")
    offline.account_id = "vc-1"
    offline.attach_store(store)
    try:
        stored = offline.load_assets()
        assert stored.offline and stored.items == assets.items
        again = offline.run_query(ReportRequest("summary", "7d"))
        assert again.entries == summary.entries
        assert again.provenance is not None and again.provenance.offline
        with pytest.raises(NetworkError):  # never asked before: nothing stored to show
            offline.run_query(ReportRequest("users", "7d"))
    finally:
        offline.close()


def test_an_account_opens_as_the_source_of_its_kind(tmp_path: Path) -> None:
    assert [kind.key for kind in KINDS] == ["apivideo", "videocloud"]
    book = AccountBook(tmp_path / "accounts.json")
    vault = Vault()
    account = Account.new("Studio", "videocloud", "custom", "http://127.0.0.1:9")
    manager = AccountManager(book, vault)
    manager.save(account, Secret("vc-key"))
    source = manager.open(account.id)
    try:
        assert isinstance(source, VideoCloudSource) and source.account_id == account.id
    finally:
        source.close()


def test_testing_a_videocloud_account_reads_its_summary(
    demo: VideoCloudSource, tmp_path: Path
) -> None:
    manager = AccountManager(AccountBook(tmp_path / "accounts.json"), Vault())
    account = Account.new("Studio", "videocloud", "custom", demo.base_url)
    total = demo.client.summary(period="1d").total_videos
    said = manager.test(account, Secret(DEFAULT_API_KEY))
    assert (
        said == f"Connected to {demo.base_url}: the key works and the account has {total} videos."
    )
    with pytest.raises(AuthenticationFailed):
        manager.test(account, Secret("not-the-key"))
