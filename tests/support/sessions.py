"""Helpers for the session GUI tests: made-up sessions, a service that serves pages on demand."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from explorer.domain.cancel import Cancelled, CancelToken, ProgressCallback
from explorer.services.session_pages import RowCoder, SessionPage
from explorer.services.sessions import Media, PlayerSession, SessionList, SessionRecord
from tests.support import scenario

ALGEBRA = Media(scenario.A, "video", "Algebra 1")
KEYNOTE = Media(scenario.C, "live-stream", "Keynote")
DAY = date(2026, 3, 10)
COUNTRIES = ("France", "United States", "Germany", "Japan")


def made_up(n: int, *, length_s: float | None = None) -> SessionRecord:
    """Session n: loaded n seconds after 10:00 UTC, lasting (n % 7) minutes unless told
    (NaN: not ended)."""
    loaded = 1773136800 + n  # 2026-03-10T10:00:00Z
    minutes = n % 7 if length_s is None else length_s / 60
    body: dict[str, Any] = {
        "session": {
            "sessionId": f"ps{n:020d}",
            "loadedAt": _iso(loaded),
        },
        "location": {"country": COUNTRIES[n % 4], "city": f"City {n % 10}"},
        "device": {"type": "phone" if n % 2 else "computer", "vendor": "Acme", "model": "X"},
        "os": {"name": "android" if n % 2 else "windows", "version": "14"},
        "client": {"name": "chrome", "version": "131", "type": "browser"},
        "referrer": {"url": f"https://blog.example.com/post-{n}", "medium": "organic"},
    }
    if not math.isnan(minutes):  # NaN: a session that has not ended
        body["session"]["endedAt"] = _iso(loaded + minutes * 60)
    return SessionRecord.of(PlayerSession.model_validate(body))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


class GatedService:
    """Serves its pages of sessions one at a time, each once the test opens its gate."""

    def __init__(self, pages: list[list[SessionRecord]], total: int | None = None) -> None:
        self.pages = pages
        self.gates = [threading.Event() for _ in pages]
        self.total = total if total is not None else sum(len(p) for p in pages)
        self.asked: list[tuple[str, dict[str, str]]] = []
        self.stopped = threading.Event()

    def list_sessions(
        self,
        media: Media,
        period: str,
        metadata: dict[str, str],
        cancel: CancelToken,
        progress: ProgressCallback,
        deliver: Callable[[SessionPage], None],
    ) -> SessionList:
        self.asked.append((period, dict(metadata)))
        records: list[SessionRecord] = []
        coder = RowCoder()
        try:
            for number, (page, gate) in enumerate(zip(self.pages, self.gates, strict=True)):
                while not gate.wait(0.02):
                    cancel.raise_if_cancelled()
                records += page
                deliver(coder.page(page))
                progress(number + 1, len(self.pages))
        except Cancelled:
            self.stopped.set()
            raise
        return SessionList(media, period, metadata, list(records), self.total, ranks=coder.ranks())

    def open_all(self) -> None:
        for gate in self.gates:
            gate.set()
