"""One shared httpx.Client with auth, pacing, bounded retries and error mapping.

httpx documents a Client as safe to share between threads; every call here may run on a
worker thread. Retries: 5xx, timeouts, resets and cut-short bodies are retried with jittered
exponential backoff; a 429 waits X-RateLimit-Retry-After; a 401 renews the token once.
All of it is bounded by `RetryPolicy`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from explorer import __version__
from explorer.api.auth import Auth
from explorer.api.errors import (
    AuthenticationFailed,
    BadRequest,
    Forbidden,
    MalformedResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ResponseError,
    ServerError,
    Timeout,
)
from explorer.api.pacing import Pacer
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken

log = logging.getLogger(__name__)

Params = Sequence[tuple[str, str]] | Mapping[str, str]
_Pairs = list[tuple[str, str | int | float | bool | None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries per request for 5xx, timeouts and network failures
    rate_limited_attempts: int = 6  # tries per request through 429s
    base_delay_s: float = 0.25
    max_delay_s: float = 8.0
    max_rate_limit_wait_s: float = 90.0

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2^attempt)]."""
        return random.uniform(0, min(self.max_delay_s, self.base_delay_s * 2**attempt))


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 10.0
    read_s: float = 30.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_s, connect=self.connect_s)


def is_loopback(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _body(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep to read
        return None
    return body if isinstance(body, dict) else None


def _describe(method: str, url: httpx.URL | str) -> str:
    parsed = httpx.URL(str(url))
    return f"{method} {parsed.path}"


def json_object(response: httpx.Response, described: str) -> dict[str, Any]:
    """The body as a JSON object, or MalformedResponse."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        raise MalformedResponse(
            "the body is not JSON", excerpt=response.content, request=described
        ) from None
    if not isinstance(body, dict):
        raise MalformedResponse(
            "the body is not a JSON object", excerpt=response.content, request=described
        )
    return body


class Http:
    def __init__(
        self,
        base_url: str,
        auth: Auth,
        *,
        transport: httpx.BaseTransport | None = None,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        max_connections: int = 16,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.retry = retry
        self.pacer = Pacer()
        self._client = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=timeouts.httpx(),
            # TLS is verified everywhere but on this machine's own loopback (a local sandbox)
            verify=not is_loopback(self.base_url),
            limits=httpx.Limits(max_connections=max_connections),
            headers={
                "User-Agent": f"analytics-explorer/{__version__}",
                "Accept": "application/json",
            },
            follow_redirects=False,
        )

    @property
    def requests_sent(self) -> int:
        return self.pacer.sent

    def close(self) -> None:
        self._client.close()

    def __repr__(self) -> str:
        return f"Http({self.base_url!r})"

    # --- the auth endpoints (no Authorization header) ------------------------------------

    def _send_auth(self, path: str, body: dict[str, Any]) -> httpx.Response:
        described = f"POST {path}"
        request = self._client.build_request("POST", path, json=body)
        response = self._attempts(request, described, NEVER_CANCELLED)
        if response.status_code in (400, 401):
            raise AuthenticationFailed(response.status_code, _body(response), request=described)
        if response.status_code >= 400:
            self._raise_for(response, described)
        return response

    # --- requests ------------------------------------------------------------------------

    def get_json(
        self, path: str, params: Params | None = None, cancel: CancelToken = NEVER_CANCELLED
    ) -> dict[str, Any]:
        """GET a JSON object, or raise an ApiError subclass (or Cancelled)."""
        described = _describe("GET", path)
        response = self.send("GET", path, params=params, cancel=cancel)
        if response.status_code >= 400:
            self._raise_for(response, described)
        return json_object(response, described)

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> httpx.Response:
        """Send with auth, pacing and the bounded retries; return the last answer whatever its
        status (a caller maps it). Raises Timeout, NetworkError, RateLimited past the retries,
        MalformedResponse for an undecodable body, or Cancelled. A POST is retried like a GET:
        only send here what is harmless to repeat."""
        described = _describe(method, path)
        pairs = params.items() if isinstance(params, Mapping) else params or ()
        query: _Pairs = list(pairs)
        renewed = False
        while True:
            header = self.auth.header(self._send_auth)
            request = self._client.build_request(
                method,
                path,
                params=query,
                json=json_body,
                headers={"Authorization": header.reveal()},
            )
            response = self._attempts(request, described, cancel)
            if response.status_code == 401 and not renewed and self.auth.invalidate(header):
                renewed = True
                continue
            return response

    def same_origin(self, url: str) -> bool:
        """True for a relative URL or one on this client's scheme, host and port."""
        target, base = httpx.URL(url), httpx.URL(self.base_url)
        if target.is_relative_url:
            return True
        return (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)

    @contextmanager
    def stream(self, url: str, cancel: CancelToken = NEVER_CANCELLED) -> Iterator[httpx.Response]:
        """GET `url` with its body left for the caller to read (a download); one try, no
        retries. Credentials and pacing only go to this client's own origin: a URL elsewhere
        (a pre-signed link on a file host) is fetched without them. Any status comes back:
        the caller checks it (and reads an error body with `read()`)."""
        described = _describe("GET", url)
        own = self.same_origin(url)
        headers = {"Authorization": self.auth.header(self._send_auth).reveal()} if own else {}
        request = self._client.build_request("GET", url, headers=headers)
        cancel.raise_if_cancelled()
        if own:
            self.pacer.acquire(cancel)
        answered: Mapping[str, str] | None = None
        try:
            try:
                response = self._client.send(request, stream=True)
            except httpx.TimeoutException as error:
                raise Timeout("no answer in time", request=described) from error
            except httpx.TransportError as error:
                raise NetworkError(
                    f"the connection failed ({type(error).__name__})", request=described
                ) from error
            answered = response.headers
            try:
                yield response
            finally:
                response.close()
        finally:
            if own:
                self.pacer.release(answered)

    def _attempts(
        self, request: httpx.Request, described: str, cancel: CancelToken
    ) -> httpx.Response:
        """Send with pacing and bounded retries; returns any response that is not retried."""
        failures = 0
        limited = 0
        while True:
            cancel.raise_if_cancelled()
            self.pacer.acquire(cancel)
            headers: Mapping[str, str] | None = None
            started = time.perf_counter()
            try:
                response = self._client.send(request)
                response.read()
                headers = response.headers
            except httpx.TimeoutException as error:
                failures += 1
                if failures >= self.retry.attempts:
                    raise Timeout(
                        f"no answer in time after {failures} tries", request=described
                    ) from error
                log.info("%s timed out (try %d); retrying", described, failures)
            except httpx.DecodingError:
                raise MalformedResponse(
                    "the body could not be decoded (bad Content-Encoding)", request=described
                ) from None
            except httpx.TransportError as error:
                failures += 1
                if failures >= self.retry.attempts:
                    raise NetworkError(
                        f"the connection failed after {failures} tries ({type(error).__name__})",
                        request=described,
                    ) from error
                log.info(
                    "%s failed with %s (try %d); retrying",
                    described,
                    type(error).__name__,
                    failures,
                )
            else:
                status = response.status_code
                elapsed_ms = (time.perf_counter() - started) * 1000
                log.debug("%s answered %d in %.0f ms", described, status, elapsed_ms)
                if status == 429:
                    limited += 1
                    wait = self._retry_after(response)
                    if (
                        limited >= self.retry.rate_limited_attempts
                        or wait > self.retry.max_rate_limit_wait_s
                    ):
                        raise RateLimited(
                            status, _body(response), retry_after=wait, request=described
                        )
                    self.pacer.hold_until(wait)
                elif status >= 500:
                    failures += 1
                    if failures >= self.retry.attempts:
                        return response
                    log.info("%s answered %d (try %d); retrying", described, status, failures)
                else:
                    return response
            finally:
                self.pacer.release(headers)
            if failures and cancel.wait(self.retry.backoff(failures)):
                cancel.raise_if_cancelled()

    @staticmethod
    def _retry_after(response: httpx.Response) -> float:
        raw = response.headers.get("X-RateLimit-Retry-After") or response.headers.get("Retry-After")
        try:
            return max(0.0, float(raw)) if raw is not None else 1.0
        except ValueError:
            return 1.0

    @staticmethod
    def _raise_for(response: httpx.Response, described: str) -> None:
        status = response.status_code
        body = _body(response)
        kind: type[ResponseError]
        if status == 400:
            kind = BadRequest
        elif status == 401:
            raise AuthenticationFailed(status, body, request=described)
        elif status == 403:
            kind = Forbidden
        elif status == 404:
            kind = NotFound
        elif status == 429:
            raise RateLimited(
                status, body, retry_after=Http._retry_after(response), request=described
            )
        elif status >= 500:
            kind = ServerError
        else:
            kind = ResponseError
        raise kind(status, body, request=described)
