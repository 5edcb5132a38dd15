"""The VideoCloud analytics API (seed 004) as a kind of source: reports and export jobs."""

from __future__ import annotations

from explorer.api.secrets import Secret
from explorer.api.videocloud import VideoCloudClient, VideoCloudOptions
from explorer.domain.cancel import CancelToken
from explorer.services.curl import VIDEOCLOUD_KEY
from explorer.services.sources.kind import TEST_RETRY, SourceKind
from explorer.services.sources.videocloud.source import VideoCloudSource
from explorer.services.videocloud_queries import CATALOGUE, REPORTS


def probe(url: str, key: Secret, cancel: CancelToken) -> str:
    """Read the summary (every VideoCloud key may): it names the account's videos."""
    with VideoCloudClient(url, key, options=VideoCloudOptions(retry=TEST_RETRY)) as client:
        summary = client.summary(period="1d", cancel=cancel)
    total = summary.total_videos
    found = f"{total} video{'s' if total != 1 else ''}" if total is not None else "videos"
    return f"the key works and the account has {found}"


VIDEOCLOUD = SourceKind[VideoCloudSource](
    key=VideoCloudSource.api,
    label="VideoCloud Analytics API",
    name="VideoCloud",
    connect=VideoCloudSource.connect,
    demo=VideoCloudSource.demo,
    probe=probe,
    catalogue=CATALOGUE,
    key_variable=VIDEOCLOUD_KEY,
    commands="query " + ", ".join(REPORTS) + "; assets videos",
)
