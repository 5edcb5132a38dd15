"""api.video as a kind of source: analytics v2, raw statistics, sessions and asset listings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from explorer.api.secrets import Secret
from explorer.api.urls import PRODUCTION_URL, SANDBOX_URL
from explorer.domain.cancel import CancelToken
from explorer.domain.catalogue import CATALOGUE
from explorer.services.curl import API_VIDEO_KEY
from explorer.services.sources.kind import TEST_RETRY, SourceKind

if TYPE_CHECKING:  # the source, its client and the sandbox load when first used: the
    # account book and the window name the kinds before their first paint
    from explorer.services.sources.apivideo.source import ApiVideoSource

PROBE_PATH = "/videos"


def probe(url: str, key: Secret, cancel: CancelToken) -> str:
    """Sign in (the real auth call) and read one page of videos."""
    from explorer.api.client import ApiVideoClient, ClientOptions

    options = ClientOptions(retry=TEST_RETRY)  # a person is waiting: fail fast
    with ApiVideoClient(url, key, options=options) as client:
        body = client.http.get_json(PROBE_PATH, {"pageSize": "1"}, cancel)
    total = (body.get("pagination") or {}).get("itemsTotal") if isinstance(body, dict) else None
    found = f"{total} video{'s' if total != 1 else ''}" if isinstance(total, int) else "it"
    return f"the key works and the project has {found}"


def _source() -> type[ApiVideoSource]:
    from explorer.services.sources.apivideo.source import ApiVideoSource

    return ApiVideoSource


def _connect(*args: Any) -> ApiVideoSource:
    return _source().connect(*args)


def _demo(*args: Any) -> ApiVideoSource:
    return _source().demo(*args)


APIVIDEO = SourceKind["ApiVideoSource"](
    key="apivideo",  # ApiVideoSource.api
    label="api.video",
    name="api.video",
    connect=_connect,
    demo=_demo,
    probe=probe,
    catalogue=CATALOGUE,
    key_variable=API_VIDEO_KEY,
    commands="query metrics, buckets or timeseries; assets videos, live-streams or players; "
    "sessions; events",
    urls={"production": PRODUCTION_URL, "sandbox": SANDBOX_URL},
)
