"""A growing sample's next round waits until the window has drawn the last one (bounded).

Python runs one thread at a time. The retention chart's repaint is pyqtgraph's: some forty
calls from Qt into Python (each item's boundingRect and paint), each needing the interpreter
lock back. While the sampler's workers parse events (four threads of httpx and pydantic, and
the demo's sandbox serving them in the same process), each of those calls queued behind them
and one repaint took 30 to 130 ms instead of 5 (measured with four busy threads). So a worker
that has handed over a round waits for the window to say "drawn" before it fetches the next:
the repaint then has the interpreter to itself. The wait is bounded (a hidden or minimised
window never says it), and cancelling ends it at once.

The cost: a round of 25 sessions waits for one summary and one repaint, tens of ms, where
fetching it takes seconds at an account's rate limit (500 requests a minute).
"""

from __future__ import annotations

import threading

from explorer.domain.cancel import CancelToken

WAIT_S = 0.5
"""The longest a round waits for the window; past it, the sample grows undrawn."""
POLL_S = 0.05  # how often a waiting worker looks at the cancel token


class RoundPace:
    """`handed()` then `wait(cancel)` on the worker; `drawn()` on the GUI thread."""

    def __init__(self, wait_s: float | None = None) -> None:
        self._drawn = threading.Event()
        self._drawn.set()
        self.wait_s = WAIT_S if wait_s is None else wait_s

    def handed(self) -> None:
        """A round is about to go to the window: it is not drawn yet."""
        self._drawn.clear()

    def drawn(self) -> None:
        """The window has drawn the last round (or will not: hidden, failed, closed)."""
        self._drawn.set()

    def wait(self, cancel: CancelToken) -> bool:
        """Wait until the last round is drawn, cancelled or WAIT_S has passed; True if drawn."""
        left = self.wait_s
        while left > 0 and not cancel.cancelled:
            if self._drawn.wait(min(POLL_S, left)):
                return True
            left -= POLL_S
        return self._drawn.is_set()
