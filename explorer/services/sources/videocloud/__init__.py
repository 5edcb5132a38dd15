"""The VideoCloud analytics API (seed 004) as a kind of source: reports and export jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken
from explorer.domain.videocloud_catalogue import CATALOGUE, REPORTS
from explorer.services.curl import VIDEOCLOUD_KEY
from explorer.services.sources.kind import TEST_RETRY, SourceKind

if TYPE_CHECKING:  # the source, its client and the sandbox load when first used: the
    # account book and the window name the kinds before their first paint
    from explorer.services.sources.videocloud.source import VideoCloudSource


def probe(url: str, key: Secret, cancel: CancelToken) -> str:
    """Read the summary (every VideoCloud key may): it names the account's videos."""
    from explorer.api.videocloud import VideoCloudClient, VideoCloudOptions

    with VideoCloudClient(url, key, options=VideoCloudOptions(retry=TEST_RETRY)) as client:
        summary = client.summary(period="1d", cancel=cancel)
    total = summary.total_videos
    found = f"{total} video{'s' if total != 1 else ''}" if total is not None else "videos"
    return f"the key works and the account has {found}"


def _source() -> type[VideoCloudSource]:
    from explorer.services.sources.videocloud.source import VideoCloudSource

    return VideoCloudSource


def _connect(*args: Any) -> VideoCloudSource:
    return _source().connect(*args)


def _demo(*args: Any) -> VideoCloudSource:
    return _source().demo(*args)


VIDEOCLOUD = SourceKind["VideoCloudSource"](
    key="videocloud",  # VideoCloudSource.api
    label="VideoCloud Analytics API",
    name="VideoCloud",
    connect=_connect,
    demo=_demo,
    probe=probe,
    catalogue=CATALOGUE,
    key_variable=VIDEOCLOUD_KEY,
    commands="query " + ", ".join(REPORTS) + "; assets videos",
)
