"""The fan-out: concurrent within its bound, parts as they end, cancel keeps what arrived,
a failure is missing (never zero), and the cost said before sending."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from explorer.api.errors import ApiError
from explorer.domain.cancel import Cancelled, CancelToken, ProgressCallback
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import Result, ResultContext, ScalarResult
from explorer.domain.parts import Part, PartState
from explorer.domain.query import Query
from explorer.services.fanout import FanOut, estimate
from explorer.services.source import RateBudget

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
CONTEXT = ResultContext(Endpoint.METRICS, "impression-time", "average")
PATIENCE_S = 60.0  # a wait for something that must happen, on a busy machine


def part(value: str) -> Part:
    query = Query(
        endpoint=Endpoint.METRICS,
        metric="impression-time",
        aggregation="average",
        start=NOW - timedelta(days=1),
        end=NOW,
        filters={"continent": (value,)},
    )
    return Part(value, query)


def value_of(query: Query) -> float:
    return float(len(query.filters["continent"][0]) * 100)


def unknown_budget() -> RateBudget:
    return RateBudget(None, None)


def test_seven_parts_are_in_flight_at_once() -> None:
    together = threading.Barrier(7, timeout=PATIENCE_S)  # broken unless all 7 run at once

    def run(query: Query, cancel: CancelToken, progress: ProgressCallback) -> Result:
        together.wait()
        return ScalarResult(CONTEXT, value_of(query))

    parts = [part(c) for c in ("AS", "AF", "NA", "SA", "AN", "EU", "AZ")]
    done = FanOut(run, unknown_budget).run(parts)
    assert [p.state for p in done] == [PartState.DONE] * 7


def test_parts_reach_the_callback_as_they_end_and_return_in_order() -> None:
    eu_may_end = threading.Event()

    def run(query: Query, cancel: CancelToken, progress: ProgressCallback) -> Result:
        if query.filters["continent"] == ("EU",):
            assert eu_may_end.wait(PATIENCE_S)
        return ScalarResult(CONTEXT, value_of(query))

    seen: list[str] = []

    def arrived(p: Part) -> None:
        seen.append(p.key)
        if p.key == "AS":
            eu_may_end.set()

    progress: list[tuple[int, int]] = []
    done = FanOut(run, unknown_budget).run(
        [part("EU"), part("AS")], on_part=arrived, progress=lambda d, t: progress.append((d, t))
    )
    assert seen == ["AS", "EU"]
    assert [p.key for p in done] == ["EU", "AS"]
    assert progress == [(0, 2), (1, 2), (2, 2)]


def test_a_cancel_keeps_what_arrived_and_marks_the_rest_cancelled() -> None:
    cancel = CancelToken()
    started = threading.Semaphore(0)

    def run(query: Query, cancel: CancelToken, progress: ProgressCallback) -> Result:
        if query.filters["continent"] == ("EU",):
            return ScalarResult(CONTEXT, 800.0)
        started.release()
        if cancel.wait(PATIENCE_S):
            raise Cancelled()
        raise AssertionError("never cancelled")

    seen: list[Part] = []

    def arrived(p: Part) -> None:
        seen.append(p)
        if p.key == "EU":
            cancel.cancel()

    parts = [part("EU"), part("AS"), part("AF"), part("NA")]
    done = FanOut(run, unknown_budget, concurrency=2).run(parts, cancel, arrived)
    assert done[0].state is PartState.DONE and done[0].result is not None
    assert done[0].result.value == 800.0  # type: ignore[union-attr]
    assert [p.state for p in done[1:]] == [PartState.CANCELLED] * 3
    assert all(p.result is None for p in done[1:])
    assert sorted(p.key for p in seen) == ["AF", "AS", "EU", "NA"]  # every part reported once


def test_a_failed_part_is_missing_with_its_reason_and_the_others_stand() -> None:
    def run(query: Query, cancel: CancelToken, progress: ProgressCallback) -> Result:
        if query.filters["continent"] == ("AF",):
            raise ApiError("GET /data/metrics/impression-time/average: server error 500")
        return ScalarResult(CONTEXT, value_of(query))

    done = FanOut(run, unknown_budget).run([part("EU"), part("AF")])
    assert done[0].state is PartState.DONE
    assert done[1].state is PartState.FAILED and done[1].result is None
    assert "server error 500" in done[1].reason
    assert done[1].missing and done[1].partial


def test_the_cost_before_any_answer_assumes_the_documented_default() -> None:
    cost = estimate(7, RateBudget(None, None))
    assert (cost.requests, cost.limit, cost.assumed) == (7, 100, True)
    assert cost.sentence() == (
        "7 requests, about 1 s at the current rate budget (100 a minute assumed until the API "
        "tells)"
    )
    assert not cost.needs_confirmation


def test_the_cost_past_the_budget_waits_for_the_reset_and_whole_windows() -> None:
    # 150 requests, 20 left, the window resets in 30 s, 100 a minute: 20 now, 100 after the
    # reset, the last 30 a window later: 30 + 60 s, plus the last request's 0.3 s.
    cost = estimate(150, RateBudget(100, 20, reset_s=30.0))
    assert cost.seconds == pytest.approx(90.3)
    assert cost.sentence() == (
        "150 requests, about 1 min 30 s at the current rate budget (100 a minute, 20 left)"
    )
    assert cost.needs_confirmation


def test_the_measured_request_time_feeds_the_estimate() -> None:
    fanout = FanOut(lambda q, c, p: ScalarResult(CONTEXT, 1.0), lambda: RateBudget(500, 500), 8)
    fanout.run([part(c) for c in ("EU", "AS")])
    cost = fanout.cost(16)  # two waves of 8 requests, each far quicker than the assumed 0.3 s
    assert cost.seconds < 0.6 and not cost.assumed
