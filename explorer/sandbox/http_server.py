"""A threading HTTP server with bounds: so many connections served at once, no more.

The stdlib's ThreadingHTTPServer starts a thread for every connection, without end; with a
thousand idle clients it runs out of file descriptors, and then spins on an `accept` that
fails. Here a connection beyond `max_connections` is answered 503 with Retry-After on the
listening thread, without waiting, and closed; an `accept` out of descriptors waits a little.
"""

from __future__ import annotations

import errno
import resource
import socket
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

MAX_CONNECTIONS = 256
"""Connections served at once (a thread each); the app opens a few dozen at most."""
IDLE_TIMEOUT_S = 15.0
"""An idle connection is closed after this; httpx drops its own idle ones after 5 s."""


def within_file_limit(wanted: int) -> int:
    """`wanted`, or fewer where the process may open few files: a quarter of the limit is
    left to connections, so that accepting one more to refuse it never runs out."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft // 4))


class BoundedHTTPServer(ThreadingHTTPServer):
    """At most `max_connections` connections served at once, each on a daemon thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the listen backlog: a burst waits, it is not reset

    def __init__(self, address: tuple[str, int], handler: type, max_connections: int) -> None:
        self._places = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def refusal(self) -> bytes:
        """The body of the 503 (JSON); a subclass shapes it like its API's errors."""
        return b'{"status":503,"title":"Too many connections at once; try again."}'

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            return super().get_request()
        except OSError as error:
            if error.errno in (errno.EMFILE, errno.ENFILE):
                time.sleep(0.05)  # out of descriptors: wait for some, never spin on accept
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve on a thread of its own if there is a place; else refuse at once."""
        if not self._places.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._places.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._places.release()

    def _refuse(self, request: socket.socket) -> None:
        """503 with Retry-After, written without waiting (a fresh socket's buffer takes it
        whole), then closed."""
        body = self.refusal()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        )
        try:
            request.setblocking(False)
            request.send(head.encode() + body)
            request.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            request.close()
