"""The command line against a stub server answering badly: every limit ends with exit 3 or 4
and a sentence naming it, nothing half-written; odd numbers, text and fields never exit 70."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer import cli, commands
from explorer.api.errors import (
    BodyTooLarge,
    DeadlineExceeded,
    RateLimited,
    TooManyPages,
    WaitTooLong,
)
from tests.unit.api.badserver import (
    BadServer,
    Pages,
    Reply,
    Request,
    Whole,
    bomb_reply,
    json_reply,
    raw_json,
)

KEY_VAR = "EXPLORER_TEST_KEY"


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_VAR, "stub-key-Wm8Rz2Kx6")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out.csv"


def run(capsys: pytest.CaptureFixture[str], server: BadServer, *argv: str) -> tuple[int, str, str]:
    code = cli.main([*argv, "--base-url", server.base_url, "--api-key-env", KEY_VAR])
    stdout, stderr = capsys.readouterr()
    return code, stdout, stderr


def video(n: int, title: str = "") -> dict[str, Any]:
    return {"videoId": f"vi{n}", "title": title or f"video {n}"}


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[BadServer] = []

    def start(answer: Any) -> BadServer:
        server = BadServer(answer).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_a_bomb_exits_3_naming_the_limit(
    serve: Any, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve(lambda request: bomb_reply("gzip", 64))
    code, stdout, stderr = run(
        capsys, server, "assets", "videos", "--format", "csv", "--out", str(out)
    )
    assert code == 3
    assert "the largest answer accepted (max_body_bytes)" in stderr
    assert not out.exists() and stdout == ""


def test_pages_that_all_say_page_1_exit_3_with_nothing_written(
    serve: Any, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def videos(request: Request) -> Reply:
        items = [video(n) for n in range(100)]
        pagination = {"currentPage": 1, "pageSize": 100, "pagesTotal": 3, "itemsTotal": 300}
        return json_reply(200, {"data": items, "pagination": pagination})

    server = serve(videos)
    code, _, stderr = run(capsys, server, "assets", "videos", "--format", "csv", "--out", str(out))
    assert code == 3
    assert "page 2 was asked for but the answer says it is page 1" in stderr
    assert not out.exists()


def test_a_200_asking_to_wait_a_day_exits_3_at_once(
    serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    def videos(request: Request) -> Reply:
        reply = Pages(150)(request)
        assert isinstance(reply, Whole)
        body = json.loads(reply.body)
        body["data"] = [video(item["n"]) for item in body["data"]]
        headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Retry-After": "86400"}
        return json_reply(200, body, **headers)

    server = serve(videos)
    code, _, stderr = run(capsys, server, "assets", "videos", "--format", "csv")
    assert code == 3
    assert "asked to wait 86400 s, more than the 90 s limit" in stderr
    assert len(server.seen) == 1


def test_a_number_that_is_not_finite_exits_3(
    serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    body = '{"data": [{"type": "play", "at": NaN}], "pagination": {"currentPage": 1}}'
    server = serve(lambda request: raw_json(body))
    code, stdout, stderr = run(capsys, server, "events", "ps1", "--format", "csv")
    assert code == 3
    assert "a number that is not finite (NaN)" in stderr
    assert stdout == ""


def test_a_lone_surrogate_is_written_escaped(
    serve: Any, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = '{"data": [{"videoId": "vi1", "title": "bad \\ud800 title"}], "pagination": {}}'
    server = serve(lambda request: raw_json(body))
    for kind in ("csv", "json", "table"):
        code, stdout, stderr = run(capsys, server, "assets", "videos", "--format", kind)
        assert code == 0, stderr
        assert "bad \\ud800 title" in stdout.replace("\\\\", "\\")


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{}], 0),  # the spec requires no field of an event
        ([{"type": "play"}, {"emittedAt": "2026-03-10T12:00:00Z"}], 0),
        ([{"emittedAt": "9999-12-31T23:59:59-23:59"}], 3),
        ([{"type": None}], 3),
        ([1, "x"], 3),
        (None, 3),
    ],
)
def test_events_with_missing_or_odd_fields_never_exit_70(
    serve: Any, capsys: pytest.CaptureFixture[str], items: Any, code: int
) -> None:
    body: dict[str, Any] = {"pagination": {}}
    if items is not None:
        body["data"] = items
    server = serve(lambda request: json_reply(200, body))
    got, _, stderr = run(capsys, server, "events", "ps1", "--format", "csv")
    assert got == code, stderr
    if code == 3:
        assert "unreadable response" in stderr


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (BodyTooLarge("big", limit="max_body_bytes"), 3),
        (TooManyPages("many"), 3),
        (RateLimited(429, None, retry_after=600, limit="x", allowed=90), 3),
        (WaitTooLong(86400, "max_rate_limit_wait_s", 90), 3),
        (DeadlineExceeded("slow", limit="request_deadline_s"), 4),
    ],
)
def test_every_limit_maps_to_exit_3_or_4(
    error: Exception, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(args: Any) -> Any:
        raise error

    assert commands.execute(fail, Namespace()) == code
    assert str(error) in capsys.readouterr().err


class Namespace:
    out = None
    format = "csv"
