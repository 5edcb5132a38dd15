"""The Pacer keeps requests inside the X-RateLimit budget, counting those in flight."""

from __future__ import annotations

import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from explorer.api.pacing import Pacer
from explorer.domain.cancel import Cancelled, CancelToken
from tests.unit.api.support import FakeTime, Sleeper, http_for, json_response


def budget(remaining: int, retry_after: int, limit: int = 100) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Retry-After": str(retry_after),
    }


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def pacer(clock: FakeTime) -> Pacer:
    return Pacer(clock=clock)


@pytest.fixture
def sleeper(clock: FakeTime) -> Sleeper:
    return Sleeper(clock)


def test_an_unknown_budget_lets_requests_go(pacer: Pacer, sleeper: Sleeper) -> None:
    for _ in range(10):
        pacer.acquire(sleeper)
    assert sleeper.waits == []
    assert pacer.sent == 10


def test_a_spent_budget_waits_until_the_window_resets(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=0, retry_after=42))
    started = clock()
    pacer.acquire(sleeper)
    assert 42.0 <= clock() - started <= 42.5
    assert pacer.limit == 100
    assert pacer.remaining is None  # a new window: the next answer tells its budget


def test_requests_go_while_the_budget_lasts(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=3, retry_after=30))
    for left in (2, 1, 0):
        pacer.acquire(sleeper)
        pacer.release(budget(remaining=left, retry_after=30))
    assert sleeper.waits == []  # three more went out at once
    pacer.acquire(sleeper)  # the fourth waits for the reset
    assert clock() >= 1030.0


def test_requests_in_flight_count_against_the_budget(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=2, retry_after=10))
    pacer.acquire(sleeper)
    pacer.acquire(sleeper)  # two in flight, none answered yet
    assert sleeper.waits == []
    pacer.acquire(sleeper)  # a third would exceed the budget
    assert clock() >= 1010.0


def test_a_failure_without_an_answer_gives_its_slot_back(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=1, retry_after=10))
    pacer.acquire(sleeper)
    pacer.release(None)  # reset before any answer: the server did not count it
    pacer.acquire(sleeper)
    assert sleeper.waits == []


def test_a_429_holds_everyone_until_its_retry_after(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=50, retry_after=60))
    pacer.acquire(sleeper)
    pacer.hold_until(5.0)  # what Http does on a 429, then it releases with the 429's headers
    pacer.release(budget(remaining=0, retry_after=5))
    pacer.acquire(sleeper)
    assert 5.0 <= clock() - 1000.0 <= 5.5  # the newest answer tells when the window resets


def test_a_late_answer_does_not_raise_the_budget_of_its_window(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    """Answers to concurrent requests arrive out of order: the smallest remaining wins."""
    for _ in range(3):
        pacer.acquire(sleeper)
    pacer.release(budget(remaining=0, retry_after=10))  # the server counted this one last
    pacer.release(budget(remaining=2, retry_after=10))  # ...and these two before it
    pacer.release(budget(remaining=1, retry_after=10))
    assert pacer.remaining == 0
    pacer.acquire(sleeper)
    assert clock() >= 1010.0


def test_a_429_is_not_undone_by_its_own_headers(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    pacer.acquire(sleeper)
    pacer.hold_until(20.0)  # what Http does on a 429, before releasing it
    pacer.release(budget(remaining=7, retry_after=20))
    pacer.acquire(sleeper)
    assert clock() >= 1020.0


def test_a_429_hold_ends_at_its_retry_after_whatever_other_answers_say(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    """A 429 (Retry-After 1) while another request is in flight, whose later answer reports
    the minute's budget (480 left, reset in 58 s): wait one second, not 58."""
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=481, retry_after=58))
    pacer.acquire(sleeper)
    pacer.acquire(sleeper)
    pacer.hold_until(1.0)
    pacer.release(budget(remaining=0, retry_after=1))  # the 429
    pacer.release(budget(remaining=480, retry_after=58))  # the other one, answered after it
    pacer.acquire(sleeper)
    assert 1.0 <= clock() - 1000.0 <= 1.5


def test_a_new_window_starts_from_its_own_budget(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=0, retry_after=10))
    clock.advance(11)  # the window reset while a request was on its way
    pacer.release(budget(remaining=99, retry_after=60))
    assert pacer.remaining == 99


def test_cancel_wakes_a_waiting_acquire() -> None:
    pacer = Pacer()  # real time: the wait would last a minute
    pacer.acquire(CancelToken())
    pacer.release(budget(remaining=0, retry_after=60))
    token = CancelToken()
    outcome: list[BaseException | None] = []

    def wait() -> None:
        try:
            pacer.acquire(token)
            outcome.append(None)
        except Cancelled as error:
            outcome.append(error)

    worker = threading.Thread(target=wait)
    worker.start()
    time.sleep(0.05)
    assert outcome == []  # still waiting
    started = time.monotonic()
    token.cancel()
    worker.join(timeout=2)
    assert not worker.is_alive()
    assert time.monotonic() - started < 30  # woken, not at the end of the minute's wait
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


class WindowedServer:
    """Fixed windows of `window_s` seconds allowing `per_window` requests each, like api.video
    (a window opens with the first request after the last one closed)."""

    def __init__(self, per_window: int, window_s: float) -> None:
        self.per_window = per_window
        self.window_s = window_s
        self.started = -math.inf
        self.used = 0
        self.answered = 0
        self.limited = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.random = random.Random(7)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            now = time.monotonic()
            if now - self.started >= self.window_s:
                self.started, self.used = now, 0
            allowed = self.used < self.per_window
            self.used += allowed
            remaining = self.per_window - self.used
            retry_after = math.ceil(self.started + self.window_s - now)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            delay = self.random.uniform(0, 0.02)
        time.sleep(delay)  # concurrent answers come back in any order
        with self.lock:
            self.in_flight -= 1
            self.answered += 1
            self.limited += not allowed
        headers = budget(remaining, retry_after, self.per_window)
        if not allowed:
            return json_response(429, {"title": "Too many requests."}, **headers)
        return json_response(200, {"ok": True}, **headers)


def test_a_long_concurrent_run_never_meets_a_429() -> None:
    server = WindowedServer(per_window=5, window_s=1.0)
    with http_for(server) as (http, _), ThreadPoolExecutor(4) as pool:
        started = time.monotonic()
        results = list(pool.map(lambda n: http.get_json(f"/videos/vi{n}"), range(11)))
        elapsed = time.monotonic() - started
    assert results == [{"ok": True}] * 11
    assert server.limited == 0
    assert server.answered == 11  # nothing needed a retry
    assert server.max_in_flight > 1  # the requests really overlapped
    assert elapsed > 1.9  # 11 requests at 5 a window span three windows
    assert elapsed < 30  # and no wait of a default length (a busy machine is slow)


def test_the_reset_is_known_once_an_answer_tells_it(
    pacer: Pacer, sleeper: Sleeper, clock: FakeTime
) -> None:
    assert pacer.resets_in() is None
    pacer.acquire(sleeper)
    pacer.release(budget(remaining=40, retry_after=30))
    assert pacer.resets_in() == pytest.approx(30.0)
    clock.advance(12.0)
    assert pacer.resets_in() == pytest.approx(18.0)
    clock.advance(20.0)
    assert pacer.resets_in() == 0.0
