"""A total deadline for a request: every socket wait of the calling thread ends by it.

httpx's timeouts bound each wait (connect, one read, one write) but not their sum: a server
that trickles its headers or body a byte at a time restarts the read timeout with every byte
(encode/httpx#1450). Here each wait of a connection's socket is cut to what is left of the
deadline the calling thread set with `deadline(...)`; past it the read raises
httpcore.ReadTimeout, which httpx turns into httpx.ReadTimeout. A sync httpx request runs
on the thread that sends it, so a thread-local deadline is the request's own.

httpx has no public hook for an httpcore network backend (encode/httpx#3749 proposes one):
`DeadlineTransport` wraps the backend of the connection pool an httpx.HTTPTransport builds.
"""

from __future__ import annotations

import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager

import httpcore
import httpx

_local = threading.local()


def remaining() -> float | None:
    """Seconds left before this thread's deadline (None: no deadline)."""
    until: float | None = getattr(_local, "until", None)
    return None if until is None else until - time.monotonic()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket wait of this thread within the block ends `seconds` from now (an
    enclosing, earlier deadline still holds)."""
    before: float | None = getattr(_local, "until", None)
    until = time.monotonic() + seconds
    _local.until = until if before is None else min(before, until)
    try:
        yield
    finally:
        _local.until = before


def _cut(timeout: float | None, kind: type[Exception]) -> float | None:
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise kind("the request deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _cut(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _cut(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _cut(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _cut(timeout, httpcore.ConnectTimeout)
        return _Stream(
            self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _cut(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, its sockets bound by the calling thread's `deadline`."""

    def __init__(self, **options: typing.Any) -> None:
        super().__init__(**options)
        pool = self._pool
        pool._network_backend = _Backend(pool._network_backend)
