"""`analytics-explorer sandbox --flavor videocloud` serves the VideoCloud API, as run."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from explorer.cli import build_parser
from tests.unit.cli.test_sandbox_command import start


def test_the_flavor_option_defaults_to_api_video() -> None:
    assert build_parser().parse_args(["sandbox"]).flavor == "apivideo"
    assert build_parser().parse_args(["sandbox", "--flavor", "videocloud"]).flavor == "videocloud"


def test_serves_the_videocloud_flavor(tmp_path: Path) -> None:
    process = start(tmp_path, "--flavor", "videocloud")
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip().removeprefix("base URL: ")
        assert process.stdout.readline().strip() == "API key: cli-test-key"
        headers = {"Authorization": "Bearer cli-test-key"}
        summary = httpx.get(f"{base_url}/analytics/videos/summary", headers=headers)
        assert summary.status_code == 200
        assert summary.json()["success"] is True
        assert summary.json()["data"]["totalVideos"] == 8  # the small project's videos
        api_video = httpx.get(f"{base_url}/data/metrics/play/count", headers=headers)
        assert api_video.status_code == 404  # api.video's paths are not served here
        assert api_video.json()["error"]["code"] == "NOT_FOUND"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


def test_an_unknown_flavor_is_a_usage_error(tmp_path: Path) -> None:
    process = start(tmp_path, "--flavor", "youtube")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "invalid choice" in err
