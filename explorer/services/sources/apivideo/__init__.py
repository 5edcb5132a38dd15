"""api.video as a kind of source: analytics v2, raw statistics, sessions and asset listings."""

from __future__ import annotations

from explorer.api.client import PRODUCTION_URL, SANDBOX_URL, ApiVideoClient, ClientOptions
from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken
from explorer.domain.catalogue import CATALOGUE
from explorer.services.curl import API_VIDEO_KEY
from explorer.services.sources.apivideo.source import ApiVideoSource
from explorer.services.sources.kind import TEST_RETRY, SourceKind

PROBE_PATH = "/videos"


def probe(url: str, key: Secret, cancel: CancelToken) -> str:
    """Sign in (the real auth call) and read one page of videos."""
    options = ClientOptions(retry=TEST_RETRY)  # a person is waiting: fail fast
    with ApiVideoClient(url, key, options=options) as client:
        body = client.http.get_json(PROBE_PATH, {"pageSize": "1"}, cancel)
    total = (body.get("pagination") or {}).get("itemsTotal") if isinstance(body, dict) else None
    found = f"{total} video{'s' if total != 1 else ''}" if isinstance(total, int) else "it"
    return f"the key works and the project has {found}"


APIVIDEO = SourceKind[ApiVideoSource](
    key=ApiVideoSource.api,
    label="api.video",
    name="api.video",
    connect=ApiVideoSource.connect,
    demo=ApiVideoSource.demo,
    probe=probe,
    catalogue=CATALOGUE,
    key_variable=API_VIDEO_KEY,
    commands="query metrics, buckets or timeseries; assets videos, live-streams or players; "
    "sessions; events",
    urls={"production": PRODUCTION_URL, "sandbox": SANDBOX_URL},
)
