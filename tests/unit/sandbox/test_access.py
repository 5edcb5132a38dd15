"""Auth (Basic, Bearer, refresh), rate limits with their headers, and injected faults."""

from __future__ import annotations

import time

import httpx
import pytest

from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.faults import Fault, FaultPlan
from tests.support.scenario import sessions
from tests.unit.conftest import Serve

METRIC = "/data/metrics/play/count"


def test_missing_or_wrong_credentials_get_401(serve: Serve) -> None:
    api = serve(sessions())
    bare = httpx.Client(base_url=str(api.base_url))
    assert bare.get(METRIC).status_code == 401
    assert bare.get(METRIC, auth=("wrong-key", "")).status_code == 401
    assert bare.get(METRIC, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert bare.get(METRIC, headers={"Authorization": "Basic !!!"}).status_code == 401
    assert api.get(METRIC).status_code == 200


def test_bearer_tokens_expire_and_refresh(serve: Serve) -> None:
    api = serve(sessions(), token_ttl_s=0.5)
    bare = httpx.Client(base_url=str(api.base_url))
    # a wrong key is 401, as api.video's errors page says (issue 14), not 400
    assert bare.post("/auth/api-key", json={"apiKey": "wrong"}).status_code == 401
    tokens = bare.post("/auth/api-key", json={"apiKey": DEFAULT_API_KEY}).json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 0
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert bare.get(METRIC, headers=bearer).status_code == 200
    time.sleep(0.6)
    assert bare.get(METRIC, headers=bearer).status_code == 401
    fresh = bare.post("/auth/refresh", json={"refreshToken": tokens["refresh_token"]}).json()
    assert (
        bare.get(METRIC, headers={"Authorization": f"Bearer {fresh['access_token']}"}).status_code
        == 200
    )
    # a refresh token is good once
    again = bare.post("/auth/refresh", json={"refreshToken": tokens["refresh_token"]})
    assert again.status_code == 401


def test_rate_limit_headers_and_429(serve: Serve) -> None:
    api = serve(sessions(), rate_limit=3)
    seen = [api.get(METRIC) for _ in range(4)]
    assert [r.status_code for r in seen] == [200, 200, 200, 429]
    assert [r.headers["X-RateLimit-Remaining"] for r in seen] == ["2", "1", "0", "0"]
    assert all(r.headers["X-RateLimit-Limit"] == "3" for r in seen)
    assert 0 < int(seen[-1].headers["X-RateLimit-Retry-After"]) <= 60
    assert seen[-1].json() == {
        "type": "https://docs.api.video/reference/too-many-requests",
        "title": "Too many requests.",
        "status": 429,
    }


def test_injected_faults(serve: Serve) -> None:
    faults = FaultPlan()
    api = serve(sessions(), faults=faults)
    faults.inject(Fault.SERVER_ERROR)
    assert api.get(METRIC).status_code in (500, 502, 503)
    faults.inject(Fault.RATE_LIMITED)
    limited = api.get(METRIC)
    assert limited.status_code == 429 and limited.headers["X-RateLimit-Retry-After"] == "1"
    faults.inject(Fault.RESET)
    with pytest.raises(httpx.TransportError):
        api.get(METRIC)
    faults.inject(Fault.TRUNCATED)
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(METRIC)
    faults.inject(Fault.SLOW_BODY)
    started = time.monotonic()
    assert api.get(METRIC).json()["data"] == 6
    assert time.monotonic() - started >= 0.09
    assert api.get(METRIC).status_code == 200  # the queue is empty again


def test_fault_rate_mixes_faults_and_429_comes_in_bursts() -> None:
    plan = FaultPlan(rate=0.5, seed=7)
    picks = [plan.pick() for _ in range(2000)]
    share = sum(p is not None for p in picks) / len(picks)
    assert 0.45 < share < 0.65  # bursts add a little on top of the rate
    assert {p for p in picks if p is not None} == set(Fault)
    first = picks.index(Fault.RATE_LIMITED)
    assert picks[first : first + 3] == [Fault.RATE_LIMITED] * 3


def test_latency_is_added(serve: Serve) -> None:
    api = serve(sessions(), faults=FaultPlan(latency_ms=200))
    started = time.monotonic()
    api.get(METRIC)
    assert time.monotonic() - started >= 0.2
