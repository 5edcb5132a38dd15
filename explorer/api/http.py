"""One shared httpx.Client with auth, pacing, bounded retries, limits and error mapping.

httpx documents a Client as safe to share between threads; every call here may run on a
worker thread. Retries: 5xx, timeouts, resets and cut-short bodies are retried with jittered
exponential backoff; a 429 waits X-RateLimit-Retry-After. Credentials are an httpx.Auth
(explorer.api.auth) whose flow this module drives, so that its own requests (the token
exchange) and its one retry after a 401 go through the same pacing, retries and limits.
All of it is bounded by `RetryPolicy` and `Limits` (explorer.api.limits): bodies are streamed
and read within the largest body accepted (body.py), every request within its deadline
(deadline.py, retries included), the waits a server asks for within the longest wait and
the request's wait budget.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from explorer import __version__
from explorer.api.body import ACCEPT_ENCODING, json_error, parse_json, read_body
from explorer.api.deadline import DeadlineTransport, deadline
from explorer.api.errors import (
    DeadlineExceeded,
    MalformedResponse,
    NetworkError,
    RateLimited,
    Timeout,
)
from explorer.api.limits import DEFAULT_LIMITS, DEFAULT_RETRY, Limits, RetryPolicy, seconds
from explorer.api.pacing import LONGEST_WAIT, WAIT_BUDGET, Pacer
from explorer.api.statuses import problem_body, raise_for_status, retry_after
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken

log = logging.getLogger(__name__)

Params = Sequence[tuple[str, str]] | Mapping[str, str]
_DECODED = ("content-encoding", "content-length", "transfer-encoding")  # the body is decoded
_Pairs = list[tuple[str, str | int | float | bool | None]]


__all__ = ["Http", "Limits", "Params", "RetryPolicy", "Timeouts", "json_object"]


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


def _env_proxy(base_url: str) -> str | None:
    """The proxy the environment (HTTPS_PROXY, NO_PROXY…) names for `base_url`, as httpx
    would pick it had we not given it a transport of our own."""
    parts = urlsplit(base_url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(parts.netloc):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _describe(method: str, url: httpx.URL | str) -> str:
    parsed = httpx.URL(str(url))
    return f"{method} {parsed.path}"


def json_object(response: httpx.Response, described: str) -> dict[str, Any]:
    """The body as a JSON object, or MalformedResponse."""
    try:
        body = parse_json(response.content)
    except (ValueError, RecursionError) as error:
        raise MalformedResponse(
            json_error(error), excerpt=response.content, request=described
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
        auth: httpx.Auth,
        *,
        transport: httpx.BaseTransport | None = None,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = DEFAULT_RETRY,
        limits: Limits = DEFAULT_LIMITS,
        max_connections: int = 16,
        rate_limited: Callable[[httpx.Response], bool] | None = None,
    ) -> None:
        """`rate_limited` tells of an answer that says "too many requests" in its body
        whatever its status (VideoCloud's ANALYTICS_RATE_LIMIT): retried like a 429."""
        self.base_url = base_url.rstrip("/")
        self._rate_limited = rate_limited
        self.auth = auth
        self.retry = retry
        self.limits = limits
        self.pacer = Pacer(max_wait_s=retry.max_rate_limit_wait_s)
        # TLS is verified everywhere but on this machine's own loopback (a local sandbox)
        verify = not is_loopback(self.base_url)
        pool = httpx.Limits(max_connections=max_connections)
        self._client = httpx.Client(
            base_url=self.base_url,
            transport=transport
            or DeadlineTransport(verify=verify, limits=pool, proxy=_env_proxy(self.base_url)),
            timeout=timeouts.httpx(),
            verify=verify,
            limits=pool,
            headers={
                "User-Agent": f"analytics-explorer/{__version__}",
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
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

    # --- requests ------------------------------------------------------------------------

    def get_json(
        self, path: str, params: Params | None = None, cancel: CancelToken = NEVER_CANCELLED
    ) -> dict[str, Any]:
        """GET a JSON object, or raise an ApiError subclass (or Cancelled)."""
        described = _describe("GET", path)
        response = self.send("GET", path, params=params, cancel=cancel)
        if response.status_code >= 400:
            raise_for_status(response, described)
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
        pairs = params.items() if isinstance(params, Mapping) else params or ()
        query: _Pairs = list(pairs)
        request = self._client.build_request(method, path, params=query, json=json_body)
        flow = self.auth.sync_auth_flow(request)
        try:
            outgoing = next(flow)
            while True:  # the auth flow's requests (a token exchange, a retry after a 401)
                response = self._attempts(
                    outgoing, _describe(outgoing.method, outgoing.url), cancel
                )
                try:
                    outgoing = flow.send(response)
                except StopIteration:
                    return response
        finally:
            flow.close()

    def _authorised(self, request: httpx.Request, cancel: CancelToken) -> httpx.Request:
        """`request` with its credentials: the auth flow's own requests before it (a token
        exchange) are sent with the bounded retries; the flow ends once `request` is ready."""
        flow = self.auth.sync_auth_flow(request)
        try:
            outgoing = next(flow)
            while outgoing is not request:
                response = self._attempts(
                    outgoing, _describe(outgoing.method, outgoing.url), cancel
                )
                outgoing = flow.send(response)
        except StopIteration:
            raise RuntimeError(f"{self.auth!r} never sent the request") from None
        finally:
            flow.close()
        return request

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
        the caller checks it (and reads an error body with `read()`, or the decoded body
        with body.iter_decoded). The whole transfer, read within the block, ends by the
        listing deadline (a stalled download raises httpx.ReadTimeout)."""
        described = _describe("GET", url)
        own = self.same_origin(url)
        request = self._client.build_request("GET", url)
        cancel.raise_if_cancelled()
        if own:
            request = self._authorised(request, cancel)
        if own:
            self.pacer.acquire(cancel, budget_s=self.limits.wait_budget_s, request=described)
        answered: Mapping[str, str] | None = None
        try:
            with deadline(self.limits.listing_deadline_s):
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
                    _unbind(response)
        finally:
            if own:
                self.pacer.release(answered)

    def _attempts(
        self, request: httpx.Request, described: str, cancel: CancelToken
    ) -> httpx.Response:
        """Send with pacing and bounded retries; returns any response that is not retried,
        its body read within the limits."""
        failures = limited = 0
        waited = 0.0  # seconds waited as the server asked (429s, the rate-limit window)
        spent = 0.0  # seconds on the network and in our own backoffs: the request deadline's
        allowed = self.limits.request_deadline_s
        while True:
            cancel.raise_if_cancelled()
            waited += self.pacer.acquire(
                cancel, budget_s=self.limits.wait_budget_s - waited, request=described
            )
            headers: Mapping[str, str] | None = None
            started = time.monotonic()
            try:
                response = self._read(request, described, allowed - spent)
                headers = response.headers
            except httpx.TimeoutException as error:
                failures += 1
                spent += time.monotonic() - started
                if spent >= allowed:
                    raise self._deadline(described, failures) from error
                if failures >= self.retry.attempts:
                    raise Timeout(
                        f"no answer in time after {failures} tries", request=described
                    ) from error
                log.info("%s timed out (try %d); retrying", described, failures)
            except httpx.TransportError as error:
                failures += 1
                spent += time.monotonic() - started
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
                spent += time.monotonic() - started
                status = response.status_code
                log.debug(
                    "%s answered %d in %.0f ms",
                    described,
                    status,
                    (time.monotonic() - started) * 1000,
                )
                if status == 429 or (self._rate_limited and self._rate_limited(response)):
                    limited += 1
                    wait = retry_after(response)
                    too_long = self._too_long(wait, waited)
                    if too_long:
                        name, asked, cap = too_long
                        raise RateLimited(
                            status,
                            problem_body(response),
                            retry_after=asked,
                            request=described,
                            limit=name,
                            allowed=cap,
                        )
                    if limited >= self.retry.rate_limited_attempts:
                        raise RateLimited(
                            status, problem_body(response), retry_after=wait, request=described
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
            if failures:
                pause = self.retry.backoff(failures)
                if spent + pause >= allowed:
                    raise self._deadline(described, failures)
                spent += pause
                if cancel.wait(pause):
                    cancel.raise_if_cancelled()

    def _read(self, request: httpx.Request, described: str, allowed_s: float) -> httpx.Response:
        """One try: the answer with its whole body, within `allowed_s` seconds (connect,
        headers and body) and the largest body accepted."""
        with deadline(max(0.0, allowed_s)):
            started = time.monotonic()
            response = self._client.send(request, stream=True)
            try:
                content = read_body(response, self.limits, described)
            finally:
                response.close()
                _unbind(response)
            if time.monotonic() - started > allowed_s:  # a transport that never blocked
                raise httpx.ReadTimeout("the request deadline passed", request=request)
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DECODED]
        return httpx.Response(response.status_code, headers=kept, content=content, request=request)

    def _too_long(self, wait: float, waited: float) -> tuple[str, float, float] | None:
        """(the limit, the wait asked, the wait allowed) if waiting `wait` more after
        `waited` would pass the longest wait or the wait budget."""
        if wait > self.retry.max_rate_limit_wait_s:
            return LONGEST_WAIT, wait, self.retry.max_rate_limit_wait_s
        if waited + wait > self.limits.wait_budget_s:
            return WAIT_BUDGET, waited + wait, self.limits.wait_budget_s
        return None

    def _deadline(self, described: str, tries: int) -> DeadlineExceeded:
        limit = seconds(self.limits.request_deadline_s)
        return DeadlineExceeded(
            f"no complete answer within {limit}, the request deadline (request_deadline_s), "
            f"in {tries} {'try' if tries == 1 else 'tries'}; the server is stalled or far too "
            "slow: try again later",
            limit="request_deadline_s",
            request=described,
        )


def _unbind(response: httpx.Response) -> None:
    """Break the reference cycle httpx leaves between a closed response and its stream (the
    stream holds the response to record its elapsed time: encode/httpx#3733). Otherwise each
    response, with its request, headers and connection-pool entry (some 45 objects), waits
    for a garbage collection: a thousand pages made 46,000 objects for one collection on the
    GUI thread, up to 100 ms. The body is read by then; an empty stream takes its place."""
    response.stream = httpx.ByteStream(b"")
