"""One source's share of the local store: its assets, results and timeseries history.

Keys: an account's id scopes everything (``demo`` for the built-in sandbox). A result is kept
under its question's `store_key` (an api.video query without its time range: the latest
answer to that question, with its own timeframe inside; a VideoCloud `ReportRequest` whole),
so offline the last answer to "plays per day in France" still shows. A timeseries' buckets
are kept under the question's `series_key` so that history outlives the API's retention.
What a question is, and which lists of assets a source has, is the source's business: this
module knows neither.

The store is a convenience: any failure of it is logged and the caller goes on as if nothing
were stored, never failing a query that the API answered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel

from explorer.domain.frames import Provenance, Result, TimeseriesFrame
from explorer.domain.history import Points
from explorer.domain.report import Report
from explorer.services.result_codec import (
    PayloadError,
    asset_records,
    read_assets,
    read_result,
    result_payload,
)
from explorer.store import Store, StoreError

log = logging.getLogger(__name__)
DEMO_SCOPE = "demo"
MAX_STORED_SESSIONS = 20_000
"""A period's session list is kept up to this many rows: writing a hundred thousand takes the
store most of a second of CPU, which the GUI would feel; bigger lists are fetched each time."""


class Question(Protocol):
    """A question as the store keeps its answers (`Query`, `ReportRequest`…)."""

    def store_key(self) -> str: ...

    def series_key(self) -> str | None: ...

    def fits(self, answer: object) -> bool: ...


def question_key(question: Question) -> str:
    """Where the latest answer to ``question`` is kept."""
    return question.store_key()


def series_key(question: Question) -> str | None:
    """Where the buckets of a timeseries ``question`` are kept as history (None: nowhere)."""
    return question.series_key()


class LocalCache:
    def __init__(self, store: Store, scope: str) -> None:
        self.store = store
        self.scope = scope or DEMO_SCOPE

    def assets(
        self, models: Mapping[str, type[BaseModel]]
    ) -> tuple[dict[str, list[Any]], datetime] | None:
        """The stored lists (each of its model in ``models``, by list name) and when the
        oldest was fetched; None unless every list is stored."""
        try:
            lists: dict[str, list[Any]] = {}
            oldest: datetime | None = None
            for kind, model in models.items():
                entry = self.store.assets(self.scope, kind)
                if entry is None:
                    return None
                lists[kind] = read_assets(model, entry.value)
                oldest = min(oldest or entry.fetched_at, entry.fetched_at)
        except (StoreError, ValueError) as error:
            log.warning("stored assets unreadable, ignored: %s", error)
            return None
        assert oldest is not None
        return lists, oldest

    def keep_assets(self, lists: dict[str, list[Any]], fetched_at: datetime) -> None:
        try:
            for kind, items in lists.items():
                self.store.put_assets(self.scope, kind, asset_records(items), fetched_at)
        except StoreError as error:
            log.warning("assets not stored: %s", error)

    def result(self, question: Question) -> Result | Report | None:
        """The last complete answer to this question, marked offline with its fetch time."""
        try:
            cached = self.store.result(self.scope, question.store_key())
            if cached is None:
                return None
            result = read_result(cached.value)
            if not question.fits(result):
                raise PayloadError("a stored answer does not fit its question")
        except (StoreError, PayloadError) as error:
            log.warning("stored result unreadable, ignored: %s", error)
            return None
        return replace(result, provenance=Provenance(cached.fetched_at, offline=True))

    def keep_result(
        self, question: Question, result: Result | Report, fetched_at: datetime
    ) -> None:
        """Keep a complete answer (and a timeseries' buckets as history); partial ones are not."""
        if result.partial:
            return
        try:
            self.store.put_result(
                self.scope, question.store_key(), result_payload(result), fetched_at
            )
            series = question.series_key()
            if isinstance(result, TimeseriesFrame) and series is not None:
                ms = result.timestamps.astype("int64").tolist()
                points = list(zip(ms, result.values.tolist(), strict=True))
                self.store.put_points(self.scope, series, points, fetched_at)
        except StoreError as error:
            log.warning("result not stored: %s", error)

    def sessions(self, media_id: str, key: str) -> tuple[list[Any], datetime] | None:
        """A period's stored session rows (as `session_row` rebuilds them) and their age."""
        try:
            cached = self.store.sessions(self.scope, media_id, key)
        except StoreError as error:
            log.warning("stored sessions unreadable, ignored: %s", error)
            return None
        if cached is None:
            return None
        return [entry["row"] for entry in cached.value], cached.fetched_at

    def keep_sessions(self, media_id: str, key: str, rows: list[Any], fetched_at: datetime) -> None:
        if len(rows) > MAX_STORED_SESSIONS:
            log.info(
                "%d sessions of %s not stored (over %d)", len(rows), media_id, MAX_STORED_SESSIONS
            )
            return
        try:
            self.store.put_sessions(
                self.scope, media_id, key, [{"row": r} for r in rows], fetched_at
            )
        except StoreError as error:
            log.warning("sessions not stored: %s", error)

    def events(self, session_id: str) -> tuple[list[dict[str, Any]], datetime] | None:
        try:
            cached = self.store.events(self.scope, session_id)
        except StoreError as error:
            log.warning("stored events unreadable, ignored: %s", error)
            return None
        return (cached.value, cached.fetched_at) if cached is not None else None

    def keep_events(
        self, session_id: str, events: list[dict[str, Any]], fetched_at: datetime
    ) -> None:
        try:
            self.store.put_events(self.scope, session_id, events, fetched_at)
        except StoreError as error:
            log.warning("events not stored: %s", error)

    def history(self, question: Question, start_ms: int, end_ms: int) -> Points:
        """The stored buckets of this timeseries in ``[start_ms, end_ms)``."""
        series = question.series_key()
        if series is None:
            return Points.from_pairs([])
        try:
            pairs = self.store.points(self.scope, series, start_ms, end_ms)
        except StoreError as error:
            log.warning("history unreadable, ignored: %s", error)
            pairs = []
        return Points.from_pairs(pairs)
