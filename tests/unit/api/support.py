"""Helpers for the API client tests: fake time, a recording MockTransport, and leak checks."""

from __future__ import annotations

import base64
import json
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from explorer.api.auth import BasicAuth, TokenAuth
from explorer.api.http import Http, RetryPolicy
from explorer.api.pacing import Pacer
from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken

BASE_URL = "https://api.test"
# Random-looking credentials: no fragment of them can turn up in a message by chance.
KEY = "Zq7vK2mW9xR4tL8pN3bH6jD1fG5sC0yA"
ACCESS = ("eyAcc1.Tq4Wm8Rz2Kx6", "eyAcc2.Hn3Vb7Lp1Jd5", "eyAcc3.Cs9Fg4Yt8Ue2")
REFRESH = ("rfTok1-Pw6Ea2Nm9Qo4", "rfTok2-Xi5Ku1Zh7Gr3", "rfTok3-Bv8Dy3Wl6Sa1")
BASIC = base64.b64encode(f"{KEY}:".encode()).decode()  # what HTTP Basic sends for KEY

FAST = RetryPolicy(attempts=3, rate_limited_attempts=3, base_delay_s=0.001, max_delay_s=0.002)
"""Three tries for everything, with backoffs of at most 2 ms."""

Handler = Callable[[httpx.Request], httpx.Response]


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)


def problem(status: int, title: str, **fields: Any) -> httpx.Response:
    """An api.video error body (RFC 7807 style)."""
    kind = fields.pop("type", "https://docs.api.video/reference/some-problem")
    return json_response(status, {"type": kind, "title": title, "status": status, **fields})


def tokens(n: int) -> dict[str, Any]:
    """The n-th answer of the auth endpoints (0-based)."""
    return {
        "token_type": "Bearer",
        "expires_in": 3600,
        "access_token": ACCESS[n],
        "refresh_token": REFRESH[n],
    }


@dataclass
class Seen:
    """One request as the server saw it."""

    method: str
    path: str
    params: dict[str, str]
    authorization: str | None
    body: Any


@dataclass
class Recorder:
    """A MockTransport handler that records every request before answering it."""

    answer: Handler
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        entry = Seen(
            request.method,
            request.url.path,
            dict(request.url.params),
            request.headers.get("Authorization"),
            body,
        )
        with self.lock:
            self.seen.append(entry)
        return self.answer(request)

    @property
    def paths(self) -> list[str]:
        return [f"{s.method} {s.path}" for s in self.seen]

    def count(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)


@contextmanager
def http_for(
    answer: Handler, *, auth: httpx.Auth | None = None, retry: RetryPolicy = FAST
) -> Iterator[tuple[Http, Recorder]]:
    """An Http over a recording MockTransport (HTTP Basic unless `auth` says otherwise)."""
    recorder = Recorder(answer)
    http = Http(
        BASE_URL,
        auth or BasicAuth(Secret(KEY)),
        transport=httpx.MockTransport(recorder),
        retry=retry,
    )
    try:
        yield http, recorder
    finally:
        http.close()


def token_auth(clock: Callable[[], float] | None = None) -> TokenAuth:
    return TokenAuth(Secret(KEY), clock=clock) if clock else TokenAuth(Secret(KEY))


class FakeTime:
    """A clock that only moves when told to (or when a `Sleeper` sleeps)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class Sleeper(CancelToken):
    """A cancel token whose waits pass fake time at once and are recorded.

    Http and Pacer sleep only through `cancel.wait`, so with a Pacer on the same FakeTime a
    wait of an hour takes no real time and the test can check exactly how long it was.
    """

    def __init__(self, time: FakeTime) -> None:
        super().__init__()
        self.time = time
        self.waits: list[float] = []

    def wait(self, seconds: float) -> bool:
        if self.cancelled:
            return True
        self.waits.append(seconds)
        self.time.advance(seconds)
        return False


def fake_paced(http: Http, time: FakeTime) -> Sleeper:
    """Put `http` on fake time; pass the returned token as `cancel` to every call."""
    http.pacer = Pacer(clock=time)
    return Sleeper(time)


def exposed_text(error: BaseException) -> str:
    """Everything a person or a log could see of an exception: str, repr, args, attributes,
    and the formatted traceback with its shown causes."""
    parts = [str(error), repr(error), *map(repr, error.args)]
    parts += [f"{name}={value!r}" for name, value in vars(error).items()]
    parts.append("".join(traceback.format_exception(error)))
    return "\n".join(parts)


def leaks(text: str, *secrets: str, fragment: int = 6) -> list[str]:
    """The fragments (of `fragment` characters) of `secrets` that appear in `text`."""
    found = []
    for secret in secrets:
        for start in range(len(secret) - fragment + 1):
            piece = secret[start : start + fragment]
            if piece in text:
                found.append(piece)
    return found


ALL_SECRETS = (KEY, BASIC, *ACCESS, *REFRESH)
