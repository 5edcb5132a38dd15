"""The sandbox HTTP service: one API's paths, auth, rate limits and errors on 127.0.0.1.

`flavor` picks the API served (`sandbox/flavors.py`): "apivideo" (the default, api.video's:
`sandbox/apivideo.py`), or "videocloud", the analytics API of seed 004
(`sandbox/videocloud.py`: its routes, auth and `{success, error}` bodies), over the same
dataset, with the same rate limits and faults. The flavour gives the routes, says who is
calling and shapes the errors; everything else here is the same for every flavour.

One `SandboxService` owns a stdlib ThreadingHTTPServer, bounded: at most `max_connections`
connections are served at once (one thread each); one more is answered 503 with Retry-After
and closed at once, on the listening thread. A connection idle for `idle_timeout_s` (no
request, or a request that stalls) is closed, so idle clients free their places. A request
body over MAX_BODY_BYTES is refused with 413, one that cannot be read as JSON (nested too deep
too) with 400. `start()` serves from a daemon thread (the app and the tests embed it);
`serve_forever()` blocks (the CLI command).
Faults from a `FaultPlan` are applied before routing: added latency, 429 bursts, 5xx,
connection resets, and bodies that are cut short or trickle out.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from explorer.sandbox.auth import DEFAULT_API_KEY, TOKEN_TTL_S, Authenticator
from explorer.sandbox.clock import Clock, day_shift_ms
from explorer.sandbox.database import Dataset
from explorer.sandbox.errors import (
    ApiError,
    bad_request,
    invalid_query,
    method_not_allowed,
    server_error,
    too_many_requests,
    unrecognized_url,
)
from explorer.sandbox.faults import Fault, FaultPlan
from explorer.sandbox.flavor import Answer, FileBody, Flavor, Handler, Request, Served
from explorer.sandbox.flavors import FLAVORS
from explorer.sandbox.http_server import (
    IDLE_TIMEOUT_S,
    MAX_CONNECTIONS,
    BoundedHTTPServer,
    within_file_limit,
)
from explorer.sandbox.params import Params
from explorer.sandbox.ratelimit import DEFAULT_RATE_LIMIT as DEFAULT_RATE_LIMIT  # re-exported
from explorer.sandbox.ratelimit import Budget, RateLimiter

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_BODY_BYTES = 64 * 1024
"""The largest request body read: the auth endpoints' bodies are under 1 KB."""


@dataclass(frozen=True)
class CompiledRoute:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    public: bool = False  # no Authorization needed (the auth endpoints)


class SandboxService:
    """One flavour's API over a simulated dataset."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        clock: Clock | None = None,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        faults: FaultPlan | None = None,
        token_ttl_s: float = TOKEN_TTL_S,
        allow_remote: bool = False,
        country_names: Mapping[str, str] | None = None,
        flavor: str = "apivideo",
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
    ) -> None:
        if host not in LOOPBACK_HOSTS and not allow_remote:
            raise ValueError(f"refusing to listen on {host!r}: the sandbox serves loopback only")
        if flavor not in FLAVORS:
            raise ValueError(f"unknown flavor {flavor!r}; choose one of {', '.join(FLAVORS)}")
        self.flavor = flavor
        self.dataset = dataset
        self.clock = clock or Clock()
        self.auth = Authenticator(api_key, token_ttl_s)
        self.limiter = RateLimiter(rate_limit)
        self.faults = faults or FaultPlan()
        names = country_names if country_names is not None else _country_names()
        served = Served(dataset, self.clock, self.auth, lambda: self.base_url, names)
        self.served: Flavor = FLAVORS[flavor](served)
        self.routes = [
            CompiledRoute(r.method, re.compile("^" + r.path + "$"), r.handler, r.public)
            for r in self.served.routes()
        ]
        self.max_connections = within_file_limit(max_connections)
        self.idle_timeout_s = idle_timeout_s
        self._httpd = _Server((host, port), _RequestHandler, self)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> SandboxService:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="sandbox-http", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- routing ------------------------------------------------------------------------

    def _match(self, method: str, path: str) -> tuple[CompiledRoute, tuple[str, ...]]:
        allowed_elsewhere = False
        for candidate in self.routes:
            match = candidate.pattern.match(path)
            if match:
                if candidate.method == method:
                    return candidate, tuple(unquote(g) for g in match.groups())
                allowed_elsewhere = True
        raise method_not_allowed() if allowed_elsewhere else unrecognized_url()

    def shape(self, status: int, body: dict[str, Any]) -> dict[str, Any]:
        """An error body in the shape of the flavour served."""
        return self.served.shape(status, body)

    @property
    def challenge(self) -> str:
        """The WWW-Authenticate header of a 401."""
        return self.served.challenge

    def respond(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, client: str
    ) -> tuple[int, Answer, Budget]:
        """Answer one request: (status, JSON body or file, rate-limit budget). Raises nothing."""
        url = urlsplit(target)
        budget: Budget | None = None
        try:
            route, args = self._match(method, url.path)
            anonymous = "anonymous:" + client
            caller = anonymous if route.public else self.served.caller(headers)
            budget = self.limiter.take(caller)
            if not budget.allowed:
                raise too_many_requests()
            payload: Any = None
            if method == "POST":
                try:
                    payload = json.loads(body or b"null")
                except (ValueError, RecursionError):  # RecursionError: nested too deep
                    raise bad_request("body", "The request body is not valid JSON.") from None
            now = self.clock.now_ms()
            request = Request(
                method,
                url.path,
                Params(url.query),
                args,
                payload,
                now,
                day_shift_ms(self.dataset.anchor_ms, now),
            )
            return 200, route.handler(request), budget
        except OverflowError:  # a date or number beyond what the calendar or SQLite hold
            failure = invalid_query("", "A value of the request is out of range.")
            shaped = self.shape(failure.status, failure.body)
            return failure.status, shaped, budget or self.limiter.take("anonymous:" + client)
        except ApiError as error:
            shaped = self.shape(error.status, error.body)
            return error.status, shaped, budget or self.limiter.take("anonymous:" + client)
        except Exception:
            log.exception("sandbox failed on %s %s", method, url.path)
            failure = server_error()
            shaped = self.shape(failure.status, failure.body)
            return failure.status, shaped, budget or self.limiter.take("anonymous:" + client)


def _country_names() -> dict[str, str]:
    from explorer.sandbox.population import country_names

    return country_names()


class _Server(BoundedHTTPServer):
    def __init__(self, address: tuple[str, int], handler: type, service: SandboxService) -> None:
        self.service = service
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler, service.max_connections)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer (an app quitting) is routine, not a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            log.debug("client %s went away: %s", client_address, error)
            return
        log.exception("sandbox failed while serving %s", client_address)

    def refusal(self) -> bytes:
        body = {"title": "Too many connections at once; try again.", "status": 503}
        return json.dumps(self.service.shape(503, body)).encode()


_ODD_BODIES = (Fault.TRUNCATED, Fault.SLOW_BODY)  # faults that write the body their own way


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.service.idle_timeout_s)  # every read, idle too

    def log_message(self, format: str, *args: Any) -> None:
        line = getattr(self, "requestline", "")  # not there when no request arrived in time
        log.debug("%s %s", self.address_string(), line.split(" ")[0:2])

    def _body(self) -> bytes:
        """The request body; an ApiError for a length that is not a number or too large."""
        text = (self.headers.get("Content-Length") or "0").strip()
        if not (text.isascii() and text.isdigit()):
            raise bad_request("Content-Length", "The Content-Length header is not a number.")
        length = int(text)
        if length > MAX_BODY_BYTES:
            title = f"The request body is larger than {MAX_BODY_BYTES} bytes."
            raise ApiError(413, {**bad_request("body", title).body, "status": 413})
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        service = self.server.service
        fault = service.faults.pick()
        if service.faults.latency_ms:
            time.sleep(service.faults.latency_ms / 1000)
        try:
            body = self._body()
        except ApiError as error:  # the body is left unread: the connection ends with this
            self.close_connection = True
            self._send(error.status, service.shape(error.status, error.body), {})
            return
        if fault is Fault.RESET:
            self._reset()
            return
        status, payload, budget = service.respond(
            self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
        )
        headers = budget.headers()
        if fault is Fault.RATE_LIMITED:
            status, payload = 429, service.shape(429, too_many_requests().body)
            headers["X-RateLimit-Remaining"] = "0"
            headers["X-RateLimit-Retry-After"] = "1"
        elif fault is Fault.SERVER_ERROR:
            status = service.faults.server_status()
            payload = service.shape(status, {**server_error().body, "status": status})
        if status == 401:
            headers["WWW-Authenticate"] = service.challenge
        data = self._send(status, payload, headers, body=fault not in _ODD_BODIES)
        if fault is Fault.TRUNCATED:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault is Fault.SLOW_BODY:
            step = max(1, len(data) // 10)
            for offset in range(0, len(data), step):
                self.wfile.write(data[offset : offset + step])
                self.wfile.flush()
                time.sleep(0.1)
            return

    def _send(
        self, status: int, payload: Answer, headers: dict[str, str], body: bool = True
    ) -> bytes:
        """Send the status and headers, and the body unless told not to; returns the body."""
        if isinstance(payload, FileBody):
            data, content_type = payload.data, payload.content_type
            if payload.filename:
                headers["Content-Disposition"] = f'attachment; filename="{payload.filename}"'
        else:
            data = json.dumps(payload, separators=(",", ":")).encode()
            content_type = "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(data)
        return data

    def _reset(self) -> None:
        """Close with RST: the client sees a connection reset, not a clean end of stream."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle
