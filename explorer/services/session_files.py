"""Session exports: one session's events, or every session of a period with its events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from explorer.api.errors import ApiError
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.services.result_tables import session_event_table
from explorer.services.sessions import (
    Inspection,
    Media,
    PlayerSession,
    SessionEvent,
    SessionList,
    SessionService,
)
from explorer.services.table_files import ExportError, Table, export_table


def inspection_table(inspection: Inspection, zone: str) -> Table:
    """One session's events, one row each, with its session's and asset's columns."""
    events = {inspection.session_id: inspection.events}
    return session_event_table([inspection.session], events, inspection.media.asset, zone)


def export_inspection(
    inspection: Inspection,
    zone: str,
    path: Path,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> int:
    """Write one inspected session's events to `path` (CSV, atomically); refuses a session
    whose events arrived only in part. (Nothing to fetch: cancel and progress are there so
    that every export is called alike.)"""
    if inspection.error is not None:
        raise ExportError(
            f"not written: some events of {inspection.session_id} are missing "
            f"({inspection.error}); inspect the session again"
        )
    return export_table(inspection_table(inspection, zone), "csv", path)


def period_table(
    service: SessionService,
    media: Media,
    sessions: Sequence[PlayerSession],
    zone: str,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> Table:
    """Every event of `sessions`, fetched on the service's workers, flattened one row per
    event in the list's order; any session whose events fail fails the whole table."""
    ids = [s.session.session_id for s in sessions]
    outcomes = service.for_each(ids, service.complete_events, cancel, progress)
    events: dict[str, list[SessionEvent]] = {}
    for sid in ids:
        outcome = outcomes[sid]
        if isinstance(outcome, ApiError):
            raise ExportError(f"not written: the events of session {sid} failed: {outcome}")
        events[sid] = outcome
    return session_event_table(sessions, events, media.asset, zone)


def export_period(
    service: SessionService,
    media: Media,
    period: str,
    metadata: Mapping[str, str],
    listed: SessionList | None,
    zone: str,
    path: Path,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> int:
    """Write every session of the period with its events to `path` (CSV, atomically). The
    sessions already `listed` (complete) are used when given, else they are fetched (complete or
    refused); either way they become sessions here, on the worker."""
    listing = listed or service.list_sessions(media, period, metadata, cancel)
    if listing.error is not None:
        raise ExportError(f"not written: the session list is incomplete ({listing.error})")
    sessions = listing.sessions
    table = period_table(service, media, sessions, zone, cancel, progress)
    cancel.raise_if_cancelled()
    return export_table(table, "csv", path)
