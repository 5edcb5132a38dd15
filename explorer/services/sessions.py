"""Player sessions of a video or live stream: list them, inspect one, compare several.

Every method is a blocking call for a worker thread (cancel token, progress callback). Rows
for the GUI's session table (session_rows.py), with their sort keys (session_pages.py), are
made here, on the workers, so that the GUI thread only appends them. Exports live in
session_files.py.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, TypeVar

from explorer.api.client import ApiVideoClient
from explorer.api.errors import ApiError, NetworkError, NotFound
from explorer.api.models import PlayerSession, SessionEvent
from explorer.api.pagination import run_in_background
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.timeline import Timeline, TimelineEvent, build_timeline
from explorer.domain.timeline_figures import FloatArray, SessionFigures, overlay_paths
from explorer.domain.timeline_figures import session_figures as figures_of
from explorer.services.gradual_release import release_when_freed
from explorer.services.local_cache import LocalCache
from explorer.services.session_pages import CodeArray, RowCoder, SessionPage
from explorer.services.session_rows import (
    ROW_CELLS,
    ROW_DURATION,
    ROW_ENDED,
    ROW_HAYSTACK,
    ROW_ID,
    ROW_LOADED,
    ROW_METADATA,
    TEXT_COLUMNS,
    SessionRecord,
    SessionRow,
    row_from_stored,
    stored_row,
)

__all__ = [
    "ROW_CELLS",
    "ROW_DURATION",
    "ROW_ENDED",
    "ROW_HAYSTACK",
    "ROW_ID",
    "ROW_LOADED",
    "ROW_METADATA",
    "TEXT_COLUMNS",
    "Comparison",
    "Inspection",
    "Media",
    "PlayerSession",
    "SessionEvent",
    "SessionList",
    "SessionPage",
    "SessionRecord",
    "SessionRow",
    "SessionService",
    "parse_metadata_pairs",
    "sessions_unavailable",
]

MediaType = Literal["video", "live-stream"]
R = TypeVar("R")

LIST_CONCURRENCY = 2
"""Pages of a session list in flight at once. Parsing a page holds the GIL, so two threads
already parse as fast as Python can, and two requests in flight keep up with api.video's
500 requests a minute up to 240 ms of latency; every further thread only contends for the
GIL with the GUI thread, whose longest stall grows with them (README, Figures)."""

RAW_STATISTICS_GONE = (
    "This account's API does not offer raw statistics (player sessions and their events) any "
    "more: api.video retired them in September 2023. Everything else keeps working."
)
_MISSING_RESOURCE = ("videoId", "liveStreamId", "sessionId")


@dataclass(frozen=True)
class Media:
    """The video or live stream whose sessions are listed."""

    media_id: str
    media_type: MediaType
    title: str

    @property
    def live(self) -> bool:
        return self.media_type == "live-stream"

    @property
    def asset(self) -> tuple[str, str, str]:
        """The asset columns of an export: (media_id, media_type, media_title)."""
        return (self.media_id, self.media_type, self.title)


@dataclass(frozen=True)
class SessionList:
    """A period's sessions; `error` when some pages are missing (then `partial`); `ranks`,
    when the rows were delivered as pages, ranks each text column's codes (RowCoder.ranks)."""

    media: Media
    period: str
    metadata: Mapping[str, str]
    rows: list[SessionRow]
    total: int | None
    error: ApiError | None = None
    ranks: tuple[CodeArray, ...] = ()
    stored_at: datetime | None = None  # offline: the local store's copy, fetched then

    @property
    def partial(self) -> bool:
        return self.error is not None

    @property
    def records(self) -> list[SessionRecord]:
        return [SessionRecord._make(row) for row in self.rows]

    @property
    def sessions(self) -> list[PlayerSession]:
        return [SessionRecord._make(row).session for row in self.rows]


@dataclass(frozen=True)
class Inspection:
    """One session with its events, its timeline and what they amount to."""

    media: Media
    session: PlayerSession
    events: list[SessionEvent]
    timeline: Timeline
    figures: SessionFigures
    media_duration: float | None
    error: ApiError | None = None  # some pages of events are missing

    @property
    def session_id(self) -> str:
        return self.session.session.session_id


@dataclass(frozen=True)
class Comparison:
    """Several sessions' playhead paths aligned at their first event."""

    sessions: list[PlayerSession]
    timelines: list[Timeline]
    paths: list[tuple[FloatArray, FloatArray]]
    problems: list[str] = field(default_factory=list)


def parse_metadata_pairs(text: str) -> dict[str, str]:
    """ "plan=premium, level=1" -> {"plan": "premium", "level": "1"}; commas or semicolons
    separate pairs. ValueError, in words, for a pair without a key or a key given twice."""
    pairs: dict[str, str] = {}
    for chunk in text.replace(";", ",").split(","):
        if not chunk.strip():
            continue
        key, sep, value = chunk.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise ValueError(f"“{chunk.strip()}” is not key=value")
        if key in pairs:
            raise ValueError(f"the key “{key}” is given twice; the API takes one value per key")
        pairs[key] = value
    return pairs


def sessions_unavailable(error: BaseException) -> str | None:
    """The sentence to show when a 404 means the API has no raw statistics (rather than a
    video, live stream or session that does not exist); None for any other error."""
    if isinstance(error, NotFound) and error.name not in _MISSING_RESOURCE:
        return RAW_STATISTICS_GONE
    return None


def media_duration(events: Sequence[SessionEvent]) -> float | None:
    """The media's length as an `end` event tells it (the player ends at the last second);
    None without one: the raw statistics do not give a video's duration."""
    ends = [e.at for e in events if e.type == "end" and e.at is not None and e.at > 0]
    return max(ends) if ends else None


def timeline_events(events: Sequence[SessionEvent]) -> list[TimelineEvent]:
    return [TimelineEvent(e.type, e.emitted_at, e.at, e.start, e.to) for e in events]


class SessionService:
    """Session calls over one shared client."""

    def __init__(self, client: ApiVideoClient, workers: int | None = None) -> None:
        self.client = client
        self.workers = max(1, workers or client.concurrency)
        self.cache: LocalCache | None = None  # the workspace's share of the local store

    def list_sessions(
        self,
        media: Media,
        period: str,
        metadata: Mapping[str, str] | None = None,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        deliver: Callable[[SessionPage], None] | None = None,
    ) -> SessionList:
        """Every session of the period as table rows, made on the threads that fetch the
        pages; each page goes to `deliver` (on this thread) with its sort keys as soon as it
        can be placed in order."""
        wanted = dict(metadata or {}) if media.media_type == "video" else {}
        pages: list[tuple[SessionRow, ...]] = []  # tuples: the collector stops walking them
        coder = RowCoder()
        texts: dict[str, str] = {}  # the list's distinct texts, shared by its rows

        def row_of(item: PlayerSession) -> SessionRow:
            return SessionRecord.row_of(item, texts)

        def on_page(page: list[SessionRow]) -> None:
            pages.append(tuple(page))
            if deliver is not None:
                deliver(coder.page(page))

        fetched_at = datetime.now(UTC)
        key = json.dumps(wanted, sort_keys=True) + "@" + period
        try:
            fetched = self.client.sessions_as(
                row_of,
                media.media_type,
                media.media_id,
                period,
                metadata=wanted,
                cancel=cancel,
                progress=progress,
                on_page=on_page,
                keep_items=False,  # the rows are what is kept
                concurrency=min(self.client.concurrency, LIST_CONCURRENCY),
            )
        except NetworkError:
            stored = self.cache.sessions(media.media_id, key) if self.cache is not None else None
            if stored is None:
                raise
            try:
                rows = [row_from_stored(row) for row in stored[0]]
            except ValueError:
                raise NetworkError("offline, and the stored sessions cannot be read") from None
            if deliver is not None and rows:
                deliver(coder.page(rows))
            ranks = coder.ranks() if deliver is not None else ()
            return SessionList(media, period, wanted, rows, len(rows), None, ranks, stored[1])
        rows = list(itertools.chain.from_iterable(pages))
        if self.cache is not None and fetched.error is None:
            self.cache.keep_sessions(
                media.media_id, key, [stored_row(row) for row in rows], fetched_at
            )
        ranks = coder.ranks() if deliver is not None else ()
        total, error = fetched.items_total, fetched.error
        listing = SessionList(media, period, wanted, rows, total, error, ranks)
        release_when_freed(listing, pages)  # when the list goes, its rows go page by page
        return listing

    def events(
        self, session_id: str, cancel: CancelToken = NEVER_CANCELLED
    ) -> tuple[list[SessionEvent], ApiError | None]:
        """A session's events in the API's order, and the error if some pages are missing;
        offline, the stored events when the store has them."""
        fetched_at = datetime.now(UTC)
        try:
            fetched = self.client.session_events(session_id, cancel=cancel)
        except NetworkError:
            stored = self.cache.events(session_id) if self.cache is not None else None
            if stored is None:
                raise
            return [SessionEvent.model_validate(e) for e in stored[0]], None
        if self.cache is not None and fetched.error is None:
            dumped = [e.model_dump(mode="json", by_alias=True) for e in fetched.items]
            self.cache.keep_events(session_id, dumped, fetched_at)
        return fetched.items, fetched.error

    def complete_events(
        self, session_id: str, cancel: CancelToken = NEVER_CANCELLED
    ) -> list[SessionEvent]:
        """All of a session's events, or the error that kept some of them away."""
        events, error = self.events(session_id, cancel)
        if error is not None:
            raise error
        return events

    def inspect(
        self,
        media: Media,
        session: PlayerSession,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Inspection:
        progress(0, 1)
        events, error = self.events(session.session.session_id, cancel)
        progress(1, 1)
        return self.inspection(media, session, events, error)

    @staticmethod
    def inspection(
        media: Media,
        session: PlayerSession,
        events: list[SessionEvent],
        error: ApiError | None = None,
    ) -> Inspection:
        """The timeline and figures of events already at hand."""
        duration = None if media.live else media_duration(events)
        timeline = build_timeline(
            timeline_events(events),
            media_duration=duration,
            live=media.live,
            ended_at=session.session.ended_at,
        )
        return Inspection(media, session, events, timeline, figures_of(timeline), duration, error)

    def compare(
        self,
        media: Media,
        sessions: Sequence[PlayerSession],
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Comparison:
        """The sessions' timelines side by side; a session whose events fail is left out and
        named in `problems` (all failing raises the first error)."""
        ids = [s.session.session_id for s in sessions]
        found = self.for_each(ids, self.events, cancel, progress)
        kept, timelines, problems = [], [], []
        first_error: ApiError | None = None
        for session, sid in zip(sessions, ids, strict=True):
            outcome = found[sid]
            if isinstance(outcome, ApiError):
                first_error = first_error or outcome
                problems.append(f"{sid}: {outcome}")
                continue
            events, error = outcome
            if error is not None:
                problems.append(f"{sid}: some events are missing ({error})")
            kept.append(session)
            timelines.append(self.inspection(media, session, events).timeline)
        if not kept and first_error is not None:
            raise first_error
        return Comparison(kept, timelines, overlay_paths(timelines), problems)

    def for_each(
        self,
        ids: Sequence[str],
        call: Callable[[str, CancelToken], R],
        cancel: CancelToken,
        progress: ProgressCallback,
    ) -> dict[str, R | ApiError]:
        """`call(id, cancel)` for every id on up to `workers` threads, with progress (ids done,
        ids) and cancel between calls; an ApiError becomes that id's outcome. The threads run
        at the page workers' lower CPU priority (api/pagination.py): a Retention sample's
        events are parsed while the window repaints its chart."""
        outcomes: dict[str, R | ApiError] = {}
        pending: dict[Future[R], str] = {}
        queue = iter(ids)
        progress(0, len(ids))
        with ThreadPoolExecutor(
            self.workers, thread_name_prefix="session-events", initializer=run_in_background
        ) as pool:
            try:
                while True:
                    cancel.raise_if_cancelled()
                    while len(pending) < self.workers * 2:
                        sid = next(queue, None)
                        if sid is None:
                            break
                        pending[pool.submit(call, sid, cancel)] = sid
                    if not pending:
                        break
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        sid = pending.pop(future)
                        try:
                            outcomes[sid] = future.result()
                        except ApiError as error:
                            outcomes[sid] = error
                    progress(len(outcomes), len(ids))
            finally:
                for future in pending:
                    future.cancel()
        return outcomes
