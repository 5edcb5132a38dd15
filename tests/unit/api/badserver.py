"""A stub HTTP server on a free loopback port that answers badly on purpose.

`BadServer(answer)` serves each request on its own thread: `answer(request)` gets the method,
path and query of a request and returns a `Reply`, whose `write(conn, stop)` writes raw bytes
to the socket however it likes (a bomb, an endless body, a trickle, nothing at all). The
token exchange (POST /auth/api-key) is answered for it, so that api.video clients work.
Every endless or stalling reply gives up on its own after `GIVE_UP_S`, or when the client
goes away, or at `stop()`: a client that fails to stop is a failing test, not a hung suite.
"""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

GIVE_UP_S = 30.0
CRLF = b"\r\n"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: dict[str, str]


class Reply:
    def write(self, conn: socket.socket, stop: threading.Event) -> None:
        raise NotImplementedError


def head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X".encode()]
    lines += [f"{k}: {v}".encode() for k, v in headers.items()]
    return CRLF.join(lines) + CRLF + CRLF


@dataclass
class Whole(Reply):
    """A complete answer: `body` with a Content-Length, and any headers."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def write(self, conn: socket.socket, stop: threading.Event) -> None:
        headers = {"Content-Type": "application/json", **self.headers}
        headers.setdefault("Content-Length", str(len(self.body)))
        conn.sendall(head(self.status, headers) + self.body)


def json_reply(status: int, body: Any, **headers: str) -> Whole:
    return Whole(status, json.dumps(body).encode(), dict(headers))


def raw_json(text: str, status: int = 200) -> Whole:
    """A body written as it is (JSON that json.dumps would not write: NaN, lone surrogates)."""
    return Whole(status, text.encode("utf-8", "surrogatepass"))


@cache
def bomb(encoding: str, decoded_mib: int) -> bytes:
    """`decoded_mib` MiB of zeros compressed as `encoding` (gzip or deflate): about a
    thousandth of that on the wire."""
    packer = (
        zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        if encoding == "gzip"
        else zlib.compressobj(9)
    )
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(decoded_mib)]
    return b"".join(parts) + packer.flush()


def bomb_reply(encoding: str, decoded_mib: int) -> Whole:
    return Whole(200, bomb(encoding, decoded_mib), {"Content-Encoding": encoding})


def gzipped(body: Any) -> Whole:
    return Whole(200, gzip.compress(json.dumps(body).encode()), {"Content-Encoding": "gzip"})


@dataclass
class Endless(Reply):
    """A chunked body that never ends (valid JSON as far as it goes)."""

    piece: bytes = b'{"n": 0},' * 7000  # about 64 KB a chunk
    give_up_s: float = GIVE_UP_S

    def write(self, conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head(200, {"Transfer-Encoding": "chunked"}) + _chunk(b'{"data": ['))
        ends = time.monotonic() + self.give_up_s
        while not stop.is_set() and time.monotonic() < ends:
            conn.sendall(_chunk(self.piece))


@dataclass
class Huge(Reply):
    """A valid JSON body of `total` bytes, with its Content-Length (or without: `announce`)."""

    total: int
    announce: bool = True

    def write(self, conn: socket.socket, stop: threading.Event) -> None:
        item = b'{"n": 0},'
        opening, closing = b'{"data": [', b'{"n": 0}]}'
        count = (self.total - len(opening) - len(closing)) // len(item)
        headers = {"Content-Length": str(len(opening) + count * len(item) + len(closing))}
        conn.sendall(head(200, headers if self.announce else {"Connection": "close"}) + opening)
        block = item * 7000
        left = count
        while left > 0 and not stop.is_set():
            n = min(left, 7000)
            conn.sendall(block if n == 7000 else item * n)
            left -= n
        conn.sendall(closing)


@dataclass
class Trickle(Reply):
    """The answer a byte at a time, one every `every_s`; `headers_too` trickles them as well."""

    body: bytes = b'{"data": [], "pagination": {}}' * 100
    every_s: float = 0.05
    headers_too: bool = False
    give_up_s: float = GIVE_UP_S

    def write(self, conn: socket.socket, stop: threading.Event) -> None:
        top = head(200, {"Content-Length": str(len(self.body))})
        if not self.headers_too:
            conn.sendall(top)
        data = (top if self.headers_too else b"") + self.body
        ends = time.monotonic() + self.give_up_s
        for i in range(len(data)):
            if stop.wait(self.every_s) or time.monotonic() > ends:
                return
            conn.sendall(data[i : i + 1])


class Silent(Reply):
    """Accepts the request and never answers."""

    def write(self, conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(0.2)
        ends = time.monotonic() + GIVE_UP_S
        while not stop.is_set() and time.monotonic() < ends:
            try:
                if not conn.recv(1024):
                    return  # the client hung up
            except TimeoutError:
                continue


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}".encode() + CRLF + data + CRLF


Answer = Callable[[Request], Reply]


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        reader = conn.makefile("rb")
        try:
            while not self.server.stopping.is_set():
                line = reader.readline(65536)
                if not line:
                    return
                method, target, _ = line.decode("latin-1").split(" ", 2)
                length = 0
                while (header := reader.readline(65536)) not in (b"\r\n", b"\n", b""):
                    name, _, value = header.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length:
                    reader.read(length)
                parts = urlsplit(target)
                request = Request(method, parts.path, dict(parse_qsl(parts.query)))
                self.server.seen.append(request)
                reply = self.server.reply(request)
                reply.write(conn, self.server.stopping)
        except OSError:  # the client went away: routine here
            return
        finally:
            reader.close()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer: Answer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer
        self.seen: list[Request] = []
        self.stopping = threading.Event()

    def reply(self, request: Request) -> Reply:
        if request.method == "POST" and request.path == "/auth/api-key":
            tokens = {"access_token": "acc-Tq4Wm8Rz", "refresh_token": "ref-Hn3Vb7Lp"}
            return json_reply(200, {**tokens, "expires_in": 3600})
        return self.answer(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A reply that fails because the client gave up is the point of these tests."""


class BadServer:
    def __init__(self, answer: Answer) -> None:
        self._server = _Server(answer)
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def seen(self) -> list[Request]:
        return [r for r in self._server.seen if r.path != "/auth/api-key"]

    def __enter__(self) -> BadServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@dataclass
class Pages:
    """A list of `total` items {"n": i} in pages, where `lie(page, body)` may alter an answer."""

    total: int
    lie: Callable[[int, dict[str, Any]], dict[str, Any]] = lambda page, body: body

    def __call__(self, request: Request) -> Reply:
        page = int(request.params.get("currentPage", "1"))
        size = int(request.params.get("pageSize", "25"))
        pages = max(1, -(-self.total // size))
        items = [{"n": n} for n in range((page - 1) * size, min(page * size, self.total))]
        body = {
            "data": items,
            "pagination": {
                "currentPage": page,
                "currentPageItems": len(items),
                "pageSize": size,
                "pagesTotal": pages,
                "itemsTotal": self.total,
                "links": [],
            },
        }
        return json_reply(200, self.lie(page, body))


def serving(answer: Answer) -> Iterator[BadServer]:
    with BadServer(answer) as server:
        yield server
