"""The bulk export job: several assets' sessions of a period, with their events, in one CSV.

One row per event, with the session's columns and the asset's id, type and title joined in:
the same columns as the single-asset period export (session_files.py), assets one after the
other in the order given, each asset's sessions in the API's order. Every asset's session list
is fetched first, so that progress counts sessions (their events are most of the work) out of
a known total; then rows are streamed into the file as sessions complete: the job holds the
session lists (compact rows) and a window of event lists being fetched, never the whole table.

The rule for partial data (nothing incomplete is ever passed off as complete):

* Rows go to a hidden temporary file beside the chosen name (``.sessions.csv.partial-XXXX``).
  The chosen name only ever receives a complete export.
* When something could not be fetched after the client's bounded retries (an asset's session
  list, or some of its pages; a session's events, or some of their pages), the job carries on
  with the rest, then renames the file to the partial name beside the chosen one
  (``sessions.csv`` -> ``sessions.partial.csv``, replacing an older partial file) and leaves the
  chosen name untouched. The summary lists every asset whose list is incomplete (how many
  sessions of how many were listed) and every session left out, with the reason.
* A session's events are all or nothing: a session whose events arrived only in part gives no
  rows at all and is listed as missing (a reader cannot otherwise tell a cut-short session).
* When no asset could be listed at all (a refused key, no raw statistics, no network), nothing
  is written and the first error is raised.
* Cancel, or a write error (full disk, read-only or vanished folder): the temporary file is
  removed, no name is touched, and Cancelled or ExportError is raised.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from explorer.api.errors import ApiError
from explorer.api.pagination import Fetched
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.services.result_tables import (
    ASSET_COLUMNS,
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    session_event_table,
)
from explorer.services.sessions import (
    Media,
    SessionEvent,
    SessionList,
    SessionRecord,
    SessionService,
)
from explorer.services.table_files import CsvSink, ExportError, atomic_csv

HEADER = (*ASSET_COLUMNS, *SESSION_COLUMNS, *EVENT_COLUMNS)
REPORT_INTERVAL_S = 0.1  # progress snapshots at most ten times a second
WAIT_SLICE_S = 0.1  # how often a wait for events looks at the cancel token

Report = Callable[["JobProgress"], None]


def partial_path(path: Path) -> Path:
    """Where an incomplete export goes: ``sessions.csv`` -> ``sessions.partial.csv``."""
    return path.with_name(f"{path.stem}.partial{path.suffix}")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: assets, one period, a metadata filter (videos only), zone, file."""

    media: Sequence[Media]
    period: str
    metadata: Mapping[str, str]
    zone: str
    path: Path


@dataclass(frozen=True)
class JobProgress:
    """A snapshot of a running job; `sessions_total` grows as each asset's list arrives (all
    lists come before any events)."""

    assets_done: int
    assets_total: int
    sessions_done: int
    sessions_total: int
    rows_written: int
    pages_fetched: int

    def describe(self) -> str:
        return (
            f"Assets {self.assets_done}/{self.assets_total} · sessions "
            f"{self.sessions_done:,}/{self.sessions_total:,} · {self.rows_written:,} rows "
            f"written · {self.pages_fetched:,} pages fetched"
        )


@dataclass(frozen=True)
class Missing:
    """What could not be fetched: an asset's session list (or part of it), or one session's
    events (`session_id`)."""

    media: Media
    reason: str
    session_id: str | None = None

    def describe(self) -> str:
        kind = "live stream" if self.media.live else "video"
        asset = f"{self.media.title or self.media.media_id} ({kind} {self.media.media_id})"
        if self.session_id is None:
            return f"{asset}: {self.reason}"
        return f"{asset}, session {self.session_id}: {self.reason}"


@dataclass(frozen=True)
class ExportSummary:
    """What a finished job wrote, and anything it could not fetch."""

    requested: Path
    written: Path
    rows: int
    sessions: int  # sessions whose events were written
    sessions_listed: int
    assets: int  # assets with nothing missing
    assets_total: int
    pages: int
    requests: int  # requests the client sent meanwhile, retries included
    seconds: float
    missing: tuple[Missing, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    def lines(self) -> list[str]:
        out = [
            f"Wrote {self.rows:,} rows (one per event) of {self.sessions:,} sessions from "
            f"{self.assets_total} asset{'s' if self.assets_total != 1 else ''} to {self.written}.",
            f"Fetched {self.pages:,} pages in {self.requests:,} requests (retries included) in "
            f"{self.seconds:.1f} s.",
        ]
        if self.partial:
            out.append(
                f"PARTIAL: some data could not be fetched, so the file is named "
                f"{self.written.name} and {self.requested.name} was left untouched. "
                f"{self.sessions_listed - self.sessions:,} of {self.sessions_listed:,} listed "
                f"sessions are left out; complete assets: {self.assets} of {self.assets_total}. "
                "Missing:"
            )
            out += [f"• {m.describe()}" for m in self.missing]
        return out


def export_sessions(
    service: SessionService,
    request: ExportRequest,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
    report: Report | None = None,
) -> ExportSummary:
    """Run the job (a blocking call for a worker thread). `progress(done, total)` counts
    sessions written or missed out of all the assets' sessions, (0, 0) while the lists are
    fetched; `report(JobProgress)`, if given, receives counts at most ten times a
    second and once at the end. Raises Cancelled, ExportError, or an ApiError when no asset
    could be listed at all."""
    return _Job(service, request, cancel, progress, report).run()


class _Job:
    def __init__(
        self,
        service: SessionService,
        request: ExportRequest,
        cancel: CancelToken,
        progress: ProgressCallback,
        report: Report | None,
    ) -> None:
        self.service, self.request, self.cancel = service, request, cancel
        self.progress, self.report = progress, report
        self.media = list(dict.fromkeys(request.media))  # each asset once, in order
        self.missing: list[Missing] = []
        self.assets_done = self.sessions_done = self.sessions_total = 0
        self.sessions_written = self.pages = 0
        self.listing = True  # the lists are being fetched: the total is not known yet
        self.sink: CsvSink | None = None
        self._reported = 0.0

    def run(self) -> ExportSummary:
        if not self.media:
            raise ExportError("nothing to export: choose at least one video or live stream")
        started, sent = time.monotonic(), self.service.client.http.requests_sent
        path = self.request.path.expanduser()
        first_error: ApiError | None = None
        listed = 0
        with atomic_csv(path, HEADER) as sink:
            self.sink = sink
            self._announce(force=True)
            listings: list[SessionList | None] = []
            for media in self.media:
                self.cancel.raise_if_cancelled()
                try:
                    listings.append(self._list(media))
                except ApiError as error:
                    first_error = first_error or error
                    self.missing.append(
                        Missing(media, f"its session list could not be fetched: {error}")
                    )
                    listings.append(None)
                else:
                    listed += 1
            if listed == 0 and first_error is not None:
                raise first_error
            self.listing = False
            self._announce(force=True)
            for media, listing in zip(self.media, listings, strict=True):
                if listing is not None:
                    self._export_asset(media, listing)
                self.assets_done += 1
                self._announce(force=True)
            self.cancel.raise_if_cancelled()  # a cancel that came during the last session
            written = sink.commit(partial_path(path) if self.missing else path)
        incomplete = {m.media for m in self.missing}
        return ExportSummary(
            requested=path,
            written=written,
            rows=sink.rows,
            sessions=self.sessions_written,
            sessions_listed=self.sessions_total,
            assets=len(self.media) - len(incomplete),
            assets_total=len(self.media),
            pages=self.pages,
            requests=self.service.client.http.requests_sent - sent,
            seconds=time.monotonic() - started,
            missing=tuple(self.missing),
        )

    # --- one asset -------------------------------------------------------------------------

    def _list(self, media: Media) -> SessionList:
        counted = 0

        def pages(done: int, total: int) -> None:
            nonlocal counted
            if done > counted:
                self.pages += done - counted
                counted = done
                self._announce()

        listing = self.service.list_sessions(
            media, self.request.period, self.request.metadata, self.cancel, pages
        )
        if listing.error is not None:
            of = f"{listing.total:,}" if listing.total is not None else "an unknown number of"
            self.missing.append(
                Missing(
                    media,
                    f"its session list is incomplete: {len(listing.rows):,} of {of} sessions "
                    f"listed ({listing.error}); the sessions not listed are not in the file",
                )
            )
        self.sessions_total += len(listing.rows)
        self._announce(force=True)
        return listing

    def _export_asset(self, media: Media, listing: SessionList) -> None:
        """Fetch events ahead on the service's workers, write them in the list's order."""
        workers = self.service.workers
        rows = iter(listing.rows)
        window: deque[tuple[SessionRecord, Future[Fetched[SessionEvent]]]] = deque()
        with ThreadPoolExecutor(workers, thread_name_prefix="export-events") as pool:
            try:
                while True:
                    while len(window) < workers * 2:
                        row = next(rows, None)
                        if row is None:
                            break
                        record = SessionRecord._make(row)
                        window.append((record, pool.submit(self._events, record.session_id)))
                    if not window:
                        return
                    record, future = window.popleft()
                    self._write(media, record, self._outcome(future))
            finally:
                for _, queued in window:
                    queued.cancel()

    def _events(self, session_id: str) -> Fetched[SessionEvent]:
        return self.service.client.session_events(session_id, cancel=self.cancel)

    def _outcome(self, future: Future[Fetched[SessionEvent]]) -> Fetched[SessionEvent] | ApiError:
        while not wait([future], timeout=WAIT_SLICE_S).done:
            self.cancel.raise_if_cancelled()
        self.cancel.raise_if_cancelled()
        try:
            return future.result()
        except ApiError as error:
            return error

    def _write(
        self, media: Media, record: SessionRecord, outcome: Fetched[SessionEvent] | ApiError
    ) -> None:
        assert self.sink is not None
        session_id = record.session_id
        if isinstance(outcome, ApiError):
            self.missing.append(
                Missing(media, f"its events could not be fetched ({outcome})", session_id)
            )
        else:
            self.pages += outcome.pages_fetched
            if outcome.error is not None:
                arrived = f"{outcome.pages_fetched} of {outcome.pages_total} pages"
                self.missing.append(
                    Missing(
                        media,
                        f"only {arrived} of its events arrived ({outcome.error}); none written",
                        session_id,
                    )
                )
            else:
                events = {session_id: outcome.items}
                table = session_event_table(
                    [record.session], events, media.asset, self.request.zone
                )
                self.sink.writerows(table.rows)
                self.sessions_written += 1
        self.sessions_done += 1
        self._announce()

    # --- progress --------------------------------------------------------------------------

    def snapshot(self) -> JobProgress:
        return JobProgress(
            self.assets_done,
            len(self.media),
            self.sessions_done,
            self.sessions_total,
            self.sink.rows if self.sink is not None else 0,
            self.pages,
        )

    def _announce(self, force: bool = False) -> None:
        if self.listing:
            self.progress(0, 0)
        else:
            self.progress(self.sessions_done, self.sessions_total)
        now = time.monotonic()
        if self.report is not None and (force or now - self._reported >= REPORT_INTERVAL_S):
            self._reported = now
            self.report(self.snapshot())
