"""VideoCloud export jobs: polling until ready (bounded, cancellable) and an atomic download.

Polling waits `first_poll_s`, then longer by `growth` up to `max_poll_s`, and gives up with
`Timeout` after `deadline_s`; a failed job raises ServerError with the job's error (code
ANALYTICS_EXPORT_FAILED). Waits go through the cancel token, so a cancel ends them at once.

The download streams to a temporary file beside the destination (`.NAME.partial-*`, see
explorer.atomic_write), flushes it to disk and renames it over the destination: a failure or
a cancel never leaves half a file and never destroys the file that was there. A connection
that fails, a body cut short (fewer bytes than Content-Length), a 5xx or a 429 (after its
Retry-After) starts the download again, `download_attempts` times in all. Progress is
reported as (bytes received, Content-Length), the total 0 when the server does not say. The
API key only goes with the download when the URL is on the API's own origin; a link
elsewhere (the seed's `https://exports.videocloud.com/…`) is taken to be pre-signed and
fetched without credentials.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from explorer.api.body import iter_decoded
from explorer.api.errors import (
    BodyTooLarge,
    NetworkError,
    RateLimited,
    ServerError,
    Timeout,
    WaitTooLong,
)
from explorer.api.http import Http
from explorer.api.limits import size
from explorer.api.pacing import LONGEST_WAIT
from explorer.api.videocloud_envelope import EXPORT_FAILED, error_for, error_info, retry_after
from explorer.api.videocloud_models import ErrorInfo, ExportJob
from explorer.atomic_write import AtomicWriter, describe_write_error
from explorer.domain.cancel import CancelToken, ProgressCallback

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportPolicy:
    first_poll_s: float = 0.25
    max_poll_s: float = 5.0
    growth: float = 1.5
    deadline_s: float = 600.0
    download_attempts: int = 3


class FileWriteError(Exception):
    """The downloaded file could not be written; the message says where and why, in words."""


def failure(job: ExportJob) -> ServerError:
    """The error for a job that says it failed."""
    info = job.error or ErrorInfo()
    if not info.code:
        info = ErrorInfo(code=EXPORT_FAILED, message=info.message, details=info.details)
    error = error_for(500, info, request=f"GET /analytics/export/{job.export_id}")
    if isinstance(error, ServerError):
        return error
    return ServerError(500, {"type": info.code, "title": str(error)}, request=error.request)


def wait_until_ready(
    poll: Callable[[], ExportJob],
    policy: ExportPolicy,
    cancel: CancelToken,
    on_status: Callable[[ExportJob], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ExportJob:
    """Call `poll` until the job is ready; raise on failure, deadline or cancel."""
    deadline = clock() + policy.deadline_s
    wait = policy.first_poll_s
    while True:
        cancel.raise_if_cancelled()
        job = poll()
        if on_status:
            on_status(job)
        if job.ready:
            return job
        if job.failed:
            raise failure(job)
        left = deadline - clock()
        if left <= 0:
            raise Timeout(
                f"the export was still {job.status!r} after {policy.deadline_s:.0f} s",
                request=f"GET /analytics/export/{job.export_id}",
            )
        if cancel.wait(min(wait, left)):
            cancel.raise_if_cancelled()
        wait = min(policy.max_poll_s, wait * policy.growth)


class _CutShort(Exception):
    pass


def download(
    http: Http,
    url: str,
    path: Path,
    policy: ExportPolicy,
    cancel: CancelToken,
    progress: ProgressCallback,
) -> int:
    """Fetch `url` into `path` atomically, retrying failed transfers; returns the bytes."""
    path = path.expanduser()
    described = f"GET {httpx.URL(url).path}"
    attempt = 0
    while True:
        attempt += 1
        try:
            return _download_once(http, url, path, described, cancel, progress)
        except (NetworkError, ServerError, RateLimited, _CutShort) as error:
            final = isinstance(error, ServerError) and error.type == EXPORT_FAILED
            if isinstance(error, WaitTooLong):  # a limit of the pacing: waiting will not help
                raise
            if final or attempt >= policy.download_attempts:
                if isinstance(error, _CutShort):
                    raise NetworkError(
                        f"the file arrived cut short {attempt} times ({error})", request=described
                    ) from None
                raise
            log.info("%s failed (%s, try %d); downloading again", described, error, attempt)
            wait = (
                error.retry_after if isinstance(error, RateLimited) else http.retry.backoff(attempt)
            )
            longest = http.retry.max_rate_limit_wait_s
            if isinstance(error, RateLimited) and wait > longest:  # Http's own bound
                body = {"type": error.type, "title": error.title}
                raise RateLimited(
                    error.status,
                    body,
                    retry_after=wait,
                    request=described,
                    limit=LONGEST_WAIT,
                    allowed=longest,
                ) from error
            if cancel.wait(wait):
                cancel.raise_if_cancelled()


def _download_once(
    http: Http,
    url: str,
    path: Path,
    described: str,
    cancel: CancelToken,
    progress: ProgressCallback,
) -> int:
    with http.stream(url, cancel) as response:
        if response.status_code >= 400:
            response.read()
            info = error_info(response) or ErrorInfo()
            raise error_for(
                response.status_code, info, request=described, wait=retry_after(response)
            )
        try:
            total = int(response.headers.get("Content-Length", "0"))
        except ValueError:
            total = 0
        try:
            writer = AtomicWriter(path, binary=True)
        except OSError as error:
            raise FileWriteError(describe_write_error(error, path)) from error
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        written = 0
        try:
            for chunk in iter_decoded(response, described):
                cancel.raise_if_cancelled()
                written += len(chunk)
                if written > http.limits.max_download_bytes:
                    raise BodyTooLarge(
                        f"the file goes on past {size(http.limits.max_download_bytes)}, "
                        "the largest export accepted (max_download_bytes); export less "
                        "(a shorter period, fewer metrics)",
                        limit="max_download_bytes",
                        request=described,
                    )
                writer.file.write(chunk)
                progress(response.num_bytes_downloaded if encoded else written, total)
            cancel.raise_if_cancelled()
            # Content-Length counts the bytes on the wire (compressed, if encoded)
            received = response.num_bytes_downloaded if encoded else written
            if total and (received or not encoded) and received < total:
                raise _CutShort(f"{received} of {total} bytes")
            writer.commit()
        except httpx.TimeoutException as error:
            writer.discard()
            raise Timeout("the download stalled", request=described) from error
        except httpx.TransportError as error:
            writer.discard()
            raise NetworkError(
                f"the download failed ({type(error).__name__})", request=described
            ) from error
        except OSError as error:
            writer.discard()
            raise FileWriteError(describe_write_error(error, path)) from error
        except BaseException:
            writer.discard()
            raise
    return written
