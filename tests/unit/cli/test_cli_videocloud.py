"""`query` and `assets` against a VideoCloud source: the sandbox's videocloud flavor, checked
against what VideoCloudClient itself returns for the same request; exit codes; accounts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from explorer import cli
from explorer.api import videocloud
from explorer.api.secrets import Secret
from explorer.api.videocloud import VideoCloudClient
from explorer.domain import videocloud_catalogue
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.database import ANCHOR_MS, open_dataset
from explorer.sandbox.faults import Fault
from explorer.sandbox.server import SandboxService
from explorer.services.accounts import Account, AccountBook
from explorer.services.vault import Vault
from tests.support.videocloud_scenario import A, B, sessions
from tests.unit.conftest import Serve

KEY_VAR = "EXPLORER_TEST_VC_KEY"
PARIS = ZoneInfo("Europe/Paris")
Row = dict[str, str]


@pytest.fixture
def api(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> httpx.Client:
    monkeypatch.setenv(KEY_VAR, DEFAULT_API_KEY)
    return serve(sessions(), flavor="videocloud")


@pytest.fixture
def connection(api: httpx.Client) -> list[str]:
    url = str(api.base_url)
    return ["--base-url", url, "--api-kind", "videocloud", "--api-key-env", KEY_VAR]


@pytest.fixture
def client(api: httpx.Client) -> Iterator[VideoCloudClient]:
    """The reference: the client asked directly, on the same sandbox."""
    with VideoCloudClient(str(api.base_url), Secret(DEFAULT_API_KEY)) as opened:
        yield opened


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows_of(out: str) -> list[Row]:
    return list(csv.DictReader(io.StringIO(out)))


def pick(rows: list[Row], section: str, name: str, key: str = "", date: str = "") -> str:
    found = [
        r["value"]
        for r in rows
        if (r["section"], r["name"], r["key"], r["date"]) == (section, name, key, date)
    ]
    assert len(found) == 1, (section, name, key, date, found)
    return found[0]


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def paris(moment: datetime) -> str:
    return moment.astimezone(PARIS).isoformat()


# --- values: what the CLI writes is what the client reads --------------------------------------


def test_a_videos_report_matches_the_client(
    connection: list[str], client: VideoCloudClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["query", "video", A, "--period", "7d", "--group-by", "day", "--format", "csv"]
    code, out, err = run(capsys, *argv, *connection, "--tz", "Europe/Paris")
    assert (code, err) == (0, "")
    assert out.startswith("section,key,date,name,value,unit\r\n")
    rows = rows_of(out)
    expected = client.video(A, period="7d", group_by="day")
    views, engagement, performance = expected.views, expected.engagement, expected.performance
    assert views is not None and engagement is not None and performance is not None
    assert (views.total, views.unique, views.change) == (4, 3, 3.0)  # worked out by hand
    assert number(pick(rows, "views", "total")) == views.total
    assert number(pick(rows, "views", "unique")) == views.unique
    assert number(pick(rows, "views", "change")) == views.change
    for section, counts in (
        ("views.by_country", views.by_country),
        ("views.by_device", views.by_device),
        ("views.by_platform", views.by_platform),
    ):
        written = {r["key"]: number(r["value"]) for r in rows if r["section"] == section}
        assert written == counts and counts
    timeline = [r for r in rows if r["section"] == "views.timeline" and r["name"] == "views"]
    assert [(r["date"], number(r["value"])) for r in timeline] == [
        (paris(p.date), p.views) for p in views.timeline
    ]
    assert timeline[-1]["date"] == "2026-03-10T01:00:00+01:00"  # a UTC day, shown in Paris
    assert number(pick(rows, "engagement", "average_watch_time")) == 312.2
    assert number(pick(rows, "engagement", "likes")) == engagement.likes
    watched = [r for r in rows if r["section"] == "engagement.timeline"]
    assert watched and all(r["unit"] in ("s", "ratio") for r in watched)
    bitrate = performance.average_bitrate
    assert bitrate is not None
    assert number(pick(rows, "performance", "average_bitrate")) == bitrate.base
    assert [r["unit"] for r in rows if r["name"] == "average_bitrate"] == ["bit/s"]
    assert number(pick(rows, "performance", "error_rate")) == performance.error_rate
    start = expected.period.start
    assert start is not None and pick(rows, "period", "start", date=paris(start)) == ""


def test_a_videos_report_with_fewer_metrics_and_no_comparison(
    connection: list[str], client: VideoCloudClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["query", "video", A, "--metrics", "views", "--no-compare", "--format", "json"]
    code, out, _ = run(capsys, *argv, *connection, "--tz", "UTC")
    assert code == 0
    body = json.loads(out)
    assert (body["kind"], body["video_id"], body["period"]) == ("videocloud-video", A, "7d")
    assert (body["metrics"], body["compare"]) == (["views"], False)
    sections = {r["section"].split(".")[0] for r in body["rows"]}
    assert sections == {"period", "views"}
    expected = client.video(A, metrics=["views"], compare=False)
    assert expected.views is not None and expected.views.change is None
    change = [r for r in body["rows"] if r["name"] == "change"]
    assert change == [
        {"section": "views", "key": "", "date": "", "name": "change", "value": "", "unit": "ratio"}
    ]


def test_the_summary_and_its_top_videos(
    connection: list[str], client: VideoCloudClient, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "query", "summary", "--period", "7d", "--format", "csv", *connection)
    assert code == 0
    rows = rows_of(out)
    expected = client.summary(period="7d")
    assert number(pick(rows, "totals", "videos")) == expected.total_videos == 2
    assert number(pick(rows, "totals", "views")) == expected.total_views
    assert number(pick(rows, "totals", "watch_time")) == expected.total_watch_time
    assert number(pick(rows, "trends", "views")) == expected.trends.views
    titles = [(r["key"], r["value"]) for r in rows if r["name"] == "title"]
    assert titles == [(v.id, v.title) for v in expected.top_videos]
    assert titles[0] == (A, "Algebra 1")
    for video in expected.top_videos:
        assert number(pick(rows, "top_videos", "views", key=video.id)) == video.views
        assert number(pick(rows, "top_videos", "watch_time", key=video.id)) == video.watch_time

    code, out, _ = run(capsys, "query", "summary", "--top", "1", "--format", "csv", *connection)
    assert code == 0 and [r["key"] for r in rows_of(out) if r["name"] == "title"] == [A]


def test_users_with_growth_and_cohorts(
    connection: list[str], client: VideoCloudClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["query", "users", "--period", "7d", "--format", "csv", "--tz", "Europe/Paris"]
    code, out, _ = run(capsys, *argv, *connection)
    assert code == 0
    rows = rows_of(out)
    expected = client.users(period="7d")
    assert expected.growth is not None and expected.retention is not None
    assert expected.activity is not None
    assert number(pick(rows, "growth", "new_users")) == expected.growth.new_users == 3
    sources = {r["key"]: number(r["value"]) for r in rows if r["section"] == "growth.by_source"}
    assert sources == expected.growth.by_source
    daily = expected.activity.active_users.daily
    assert number(pick(rows, "activity.active_users", "daily")) == daily
    cohorts = expected.retention.cohorts
    assert cohorts
    for cohort in cohorts:
        assert (
            number(pick(rows, "retention.cohorts", "size", date=paris(cohort.date))) == cohort.size
        )
        day1 = pick(rows, "retention.cohorts", "day1", date=paris(cohort.date))
        assert number(day1) == cohort.day1


def test_user_engagement_and_the_system_reports(
    connection: list[str], client: VideoCloudClient, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "query", "user-engagement", "--format", "csv", *connection)
    rows = rows_of(out)
    engagement = client.user_engagement()
    assert code == 0 and number(pick(rows, "engagement", "bounce_rate")) == 0.2857
    hours = [r for r in rows if r["section"] == "by_time_of_day" and r["name"] == "users"]
    assert [(int(r["key"]), number(r["value"])) for r in hours] == [
        (h.hour, h.users) for h in engagement.by_time_of_day
    ]

    code, out, _ = run(capsys, "query", "system-health", "--format", "csv", *connection)
    rows = rows_of(out)
    health = client.system_health()
    assert code == 0 and number(pick(rows, "response_time", "p99")) == 376.8
    assert number(pick(rows, "health", "uptime")) == health.uptime
    available = health.resources.memory.available
    assert available is not None
    assert number(pick(rows, "resources.memory", "available")) == available.base
    loads = [number(r["value"]) for r in rows if r["name"].startswith("load_")]
    assert loads == health.resources.cpu.load

    argv = ["query", "system-performance", "--period", "24h", "--format", "csv"]
    code, out, _ = run(capsys, *argv, *connection)
    rows = rows_of(out)
    figures = client.system_performance(period="24h")
    assert code == 0 and number(pick(rows, "api.requests", "total")) == 18
    endpoints = {
        r["key"]: number(r["value"]) for r in rows if r["section"] == "api.requests.by_endpoint"
    }
    assert endpoints == figures.api.requests.by_endpoint
    outbound = figures.storage.bandwidth.outbound
    assert outbound is not None
    assert number(pick(rows, "storage.bandwidth", "out")) == outbound.base


def test_assets_lists_the_videos(
    connection: list[str], client: VideoCloudClient, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "assets", "videos", "--format", "csv", *connection)
    assert (code, err) == (0, "")
    listed = client.videos()
    assert listed.complete
    assert rows_of(out) == [
        {
            "video_id": v.id,
            "title": v.title,
            "views": str(v.views),
            "watch_time_s": f"{v.watch_time:g}",
        }
        for v in listed.videos
    ]
    assert [r["video_id"] for r in rows_of(out)] == [A, B]


def test_an_incomplete_list_of_videos_is_said_and_not_written(
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(videocloud, "VIDEO_LIST_LIMIT", 1)  # a server that lists only the top one
    target = tmp_path / "videos.csv"
    argv = ["assets", "videos", "--format", "csv", "--out", str(target), *connection]
    code, out, err = run(capsys, *argv)
    assert code == 3 and out == ""
    assert "1 of 2 videos" in err and "nothing was written" in err
    assert not target.exists()

    code, _, err = run(capsys, *argv, "--allow-incomplete")
    assert code == 0 and "1 of 2 videos" in err and "wrote 1 rows" in err
    assert target.read_text(encoding="utf-8").splitlines()[1].startswith(f"{A},Algebra 1,")


# --- kinds that do not apply: exit 2 with a sentence, before any request -----------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["query", "metrics", "play", "count"], "query metrics works with api.video only"),
        (["assets", "live-streams"], "assets live-streams works with api.video only"),
        (["sessions", "--video", A, "--period", "2026-03-10"], "sessions works with api.video"),
        (["events", "ps1"], "events works with api.video only"),
    ],
)
def test_api_video_commands_on_a_videocloud_source_exit_2(
    api: httpx.Client,
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    words: str,
) -> None:
    served = api.service.limiter  # type: ignore[attr-defined]
    code, out, err = run(capsys, *argv, *connection)
    assert code == 2 and out == ""
    assert words in err
    assert "speaks VideoCloud Analytics API, which offers: query video, summary" in err
    assert "add --api-kind apivideo" in err
    assert api.service.limiter is served  # type: ignore[attr-defined]


def test_videocloud_reports_on_an_api_video_source_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_sandbox(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sandbox must not start for a command that cannot run")

    monkeypatch.setattr("explorer.services.connection.EmbeddedSandbox.__init__", no_sandbox)
    code, _, err = run(capsys, "query", "summary")
    assert code == 2
    assert "query summary works with VideoCloud Analytics API only" in err
    assert "the built-in sandbox speaks api.video, which offers: query metrics" in err
    assert "Add --sandbox-flavor videocloud" in err
    code, _, err = run(
        capsys, "query", "summary", "--api-kind", "apivideo", "--sandbox-flavor", "videocloud"
    )
    assert code == 2 and "disagree" in err
    code, _, err = run(
        capsys,
        "query",
        "summary",
        "--base-url",
        "http://127.0.0.1:9",
        "--sandbox-flavor",
        "videocloud",
    )
    assert code == 2 and "--sandbox-flavor only applies to the built-in sandbox" in err


def test_invalid_parameters_are_usage_errors(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["query", "video", A, "--period", "2w"],
        ["query", "video", A, "--metrics", "views,karma"],
        ["query", "system-health", "--period", "all"],
        ["query", "summary", "--top", "0"],
    ):
        with pytest.raises(SystemExit) as stopped:
            cli.main([*argv, *connection])
        assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "karma: choose among views, engagement, performance" in err


# --- the API's error codes, as exit codes ------------------------------------------------------


def test_the_apis_error_codes_exit_3_naming_them(
    connection: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "query", "video", "viNOPE", *connection)
    assert code == 3 and "HTTP 404" in err and "NOT_FOUND" in err
    # Periods the sandbox refuses, let through the CLI's own checks to reach the server:
    for names in (videocloud, videocloud_catalogue):  # the client's, and the CLI's choices
        monkeypatch.setattr(names, "SYSTEM_PERIODS", (*names.SYSTEM_PERIODS, "all"))
        monkeypatch.setattr(names, "PERIODS", (*names.PERIODS, "2w"))
    code, _, err = run(capsys, "query", "system-health", "--period", "all", *connection)
    assert code == 3 and "ANALYTICS_DATA_UNAVAILABLE" in err and "30 days" in err
    code, _, err = run(capsys, "query", "users", "--period", "2w", *connection)
    assert code == 3 and "ANALYTICS_INVALID_PERIOD" in err and "parameter period" in err


def test_a_wrong_key_exits_3_and_is_never_printed(
    connection: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, "wrong-videocloud-key-42")
    code, out, err = run(capsys, "query", "summary", *connection)
    assert code == 3 and "HTTP 401" in err
    assert "wrong-videocloud-key-42" not in out + err


def test_server_failures_exit_3_network_failures_4_and_the_old_file_stays(
    api: httpx.Client, connection: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "summary.csv"
    target.write_text("precious\n")
    api.service.faults.inject(Fault.SERVER_ERROR, 20)  # type: ignore[attr-defined]
    argv = ["query", "summary", "--format", "csv", "--out", str(target), *connection]
    code, _, err = run(capsys, *argv)
    assert code == 3 and "HTTP 5" in err
    assert target.read_text() == "precious\n" and list(folder.iterdir()) == [target]
    api.service.faults.clear()  # type: ignore[attr-defined]
    code, _, err = run(capsys, *argv)
    assert code == 0 and "wrote" in err and target.read_text().startswith("section,key,")

    dead = [
        "--base-url",
        "http://127.0.0.1:9",
        "--api-kind",
        "videocloud",
        "--api-key-env",
        KEY_VAR,
    ]
    code, _, err = run(capsys, "assets", "videos", *dead)
    assert code == 4 and "connection" in err.lower()


# --- a saved VideoCloud account, and the built-in sandbox's flavor -----------------------------


def test_a_videocloud_account_with_its_key_in_the_keyring(
    api: httpx.Client, client: VideoCloudClient, capsys: pytest.CaptureFixture[str]
) -> None:
    account = Account.new("Cloud", "videocloud", "custom", str(api.base_url))
    AccountBook().save(account)
    argv = ["query", "summary", "--format", "csv"]

    code, _, err = run(capsys, *argv, "--account", "Cloud")
    assert code == 2 and "account 'Cloud': no key" in err

    Vault().store(account.id, Secret(DEFAULT_API_KEY))
    code, out, _ = run(capsys, *argv, "--account", "cloud")
    assert code == 0
    assert number(pick(rows_of(out), "totals", "views")) == client.summary().total_views
    code, out, _ = run(capsys, "assets", "videos", "--format", "csv", "--account", "Cloud")
    assert code == 0 and [r["video_id"] for r in rows_of(out)] == [A, B]

    code, _, err = run(capsys, "query", "metrics", "play", "count", "--account", "Cloud")
    assert code == 2 and "account 'Cloud' speaks VideoCloud Analytics API" in err
    assert "Choose an account that speaks api.video." in err
    code, _, err = run(capsys, *argv, "--account", "Cloud", "--api-kind", "apivideo")
    assert (
        code == 2 and "speaks VideoCloud Analytics API, not api.video (--api-kind apivideo)" in err
    )


def test_an_api_video_account_refuses_videocloud_reports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    AccountBook().save(Account.new("Shop", "apivideo", "custom", "http://127.0.0.1:9"))
    code, _, err = run(capsys, "query", "users", "--account", "Shop")
    assert code == 2
    assert "query users works with VideoCloud Analytics API only" in err
    assert "account 'Shop' speaks api.video, which offers: query metrics, buckets" in err


def test_the_built_in_sandboxs_videocloud_flavor(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    now = datetime.fromtimestamp(ANCHOR_MS / 1000, UTC).isoformat()
    argv = ["--sandbox-flavor", "videocloud", "--sandbox-scale", "small", "--sandbox-now", now]
    code, out, _ = run(capsys, "query", "summary", "--format", "csv", *argv)
    assert code == 0
    dataset = open_dataset(1, "small", None)  # the same (cached) dataset, served again here
    service = SandboxService(dataset, clock=Clock(ANCHOR_MS), flavor="videocloud").start()
    try:
        with VideoCloudClient(service.base_url, Secret(DEFAULT_API_KEY)) as reference:
            expected = reference.summary()
            top = reference.videos().videos[0]
    finally:
        service.stop()
    rows = rows_of(out)
    assert number(pick(rows, "totals", "views")) == expected.total_views
    assert [r["key"] for r in rows if r["name"] == "title"] == [v.id for v in expected.top_videos]

    code, out, _ = run(
        capsys, "query", "video", top.id, "--period", "all", "--format", "csv", *argv
    )
    assert code == 0 and number(pick(rows_of(out), "views", "total")) == top.views
