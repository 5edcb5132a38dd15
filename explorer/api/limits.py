"""Every limit the API clients hold a server to, with its value and the reason for it.

A person never meets these; a broken or hostile server cannot pass them. Each limit, when hit,
raises an error of explorer.api.errors whose message names the limit and what to do.

=========================  ===========  =====================================================
limit                      default      why
=========================  ===========  =====================================================
max_body_bytes             8 MiB        the largest answer read into memory, decoded (a page
                                        of 100 sessions is about 60 KB): a gzip bomb, an
                                        endless chunked body or a huge body stop here
max_wire_bytes             8 MiB        the same answer as it arrives (compressed or not)
request_deadline_s         60 s         one request, connect + headers + whole body, its
                                        retries included (the waits a server asks for are
                                        not counted: the wait budget bounds those); a
                                        server that trickles or never answers ends here
listing_deadline_s         3,600 s      one listing (every page of a list, or every event of
                                        a download): the longest list the store keeps takes
                                        under a minute
max_pages                  10,000       pages a listing may announce or walk (a million
                                        items at 100 a page)
wait_budget_s              120 s        the total a single request waits for 429s and the
                                        rate-limit window: short bursts of 429s are ridden
                                        out, a server that always says "later" is not
max_download_bytes         1 GiB        an export file written to disk
RetryPolicy.attempts       5            tries per request through 5xx, timeouts, resets
RetryPolicy.               30           429s one request rides out (each waits as asked,
rate_limited_attempts                   within the wait budget)
RetryPolicy.               90 s         the longest single wait a server may ask for
max_rate_limit_wait_s                   (Retry-After on a 429, X-RateLimit-Retry-After with
                                        X-RateLimit-Remaining: 0 on any answer); api.video's
                                        window is a minute
=========================  ===========  =====================================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries per request for 5xx, timeouts and network failures
    rate_limited_attempts: int = 30  # 429s one request rides out, within the wait budget
    base_delay_s: float = 0.25
    max_delay_s: float = 8.0
    max_rate_limit_wait_s: float = 90.0  # the longest single wait a server may ask for

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2^attempt)]."""
        return random.uniform(0, min(self.max_delay_s, self.base_delay_s * 2**attempt))


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 8 * MiB
    max_wire_bytes: int = 8 * MiB
    request_deadline_s: float = 60.0
    listing_deadline_s: float = 3600.0
    max_pages: int = 10_000
    wait_budget_s: float = 120.0
    max_download_bytes: int = 1024 * MiB


DEFAULT_RETRY = RetryPolicy()
DEFAULT_LIMITS = Limits()


def size(n: int) -> str:
    """A byte count for a message: `8 MiB`, `512 KiB`, `300 bytes`."""
    if n >= MiB and n % MiB == 0:
        return f"{n // MiB} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n:,} bytes"


def seconds(s: float) -> str:
    """A duration for a message: `60 s`, `0.5 s`."""
    return f"{s:.0f} s" if s >= 10 or s == int(s) else f"{s:.1f} s"
