"""One request of a fan-out and what became of it: done, failed, cancelled or still pending.

A fan-out (a split, a comparison, a cross-tab, a ranking) asks many queries and puts their
answers together. Each answer is a `Part`. A part that failed or was cancelled has no result
and is shown as missing, never as zero; its `reason` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from explorer.domain.frames import Result
from explorer.domain.query import Query


class PartState(StrEnum):
    """Where one part of a fan-out stands."""

    PENDING = "pending"  # not answered yet
    DONE = "done"  # answered (the result may still be partial: a page failed)
    FAILED = "failed"  # the request failed; `reason` says how
    CANCELLED = "cancelled"  # cancelled before its answer arrived


@dataclass(frozen=True)
class Part:
    """One query of a fan-out (`key` names it within the fan-out) and its outcome.

    ``result`` is set exactly when ``state`` is DONE; ``reason`` explains FAILED and
    CANCELLED; ``seconds`` is how long the request took (0 until it ends)."""

    key: str
    query: Query
    state: PartState = PartState.PENDING
    result: Result | None = None
    reason: str = ""
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if (self.result is not None) != (self.state is PartState.DONE):
            raise ValueError("a part has a result exactly when it is done")

    @property
    def missing(self) -> bool:
        """True when there is no figure for this part (failed, cancelled or pending)."""
        return self.state is not PartState.DONE

    @property
    def partial(self) -> bool:
        """True when this part's figures are incomplete: missing, or a result marked partial."""
        return self.result is None or self.result.partial

    def done(self, result: Result, seconds: float = 0.0) -> Part:
        """This part, answered."""
        return replace(self, state=PartState.DONE, result=result, reason="", seconds=seconds)

    def failed(self, reason: str, seconds: float = 0.0) -> Part:
        """This part, failed with ``reason`` (a sentence)."""
        return replace(self, state=PartState.FAILED, result=None, reason=reason, seconds=seconds)

    def cancelled(self, reason: str = "cancelled before its answer arrived") -> Part:
        """This part, cancelled (only a part not done yet can be)."""
        if self.state is PartState.DONE:
            return self
        return replace(self, state=PartState.CANCELLED, result=None, reason=reason)

    def describe(self) -> str:
        """``EU: failed (server error 500)``; ``EU: done``."""
        return f"{self.key}: {self.state}" + (f" ({self.reason})" if self.reason else "")


PartCallback = Callable[[Part], None]
"""Receives each part as it ends (done, failed or cancelled), in the order they end."""


def no_parts(part: Part) -> None:
    """The part callback for callers that only want the final answer."""
