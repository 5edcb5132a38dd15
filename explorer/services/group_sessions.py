"""The sessions of a group of videos: each video's list fetched in turn, as one list with a
Video column (its title), so that a session says whose it is."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from explorer.api.errors import ApiError
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.services.session_pages import RowCoder, SessionPage
from explorer.services.session_rows import TEXT_COLUMNS, SessionRow
from explorer.services.sessions import Media, SessionService

VIDEO_COLUMN = "Video"
GROUP_TEXT_COLUMNS = (*TEXT_COLUMNS, VIDEO_COLUMN)
"""A group's rows: a session's text columns, then its video's title."""


def with_video(row: SessionRow, title: str) -> SessionRow:
    """The row with its video's title as one more text cell (and in the text filtered on)."""
    sid, loaded, ended, duration, cells, haystack, os_name, client, metadata = row
    haystack = f"{haystack}\x1f{title.casefold()}"
    return (sid, loaded, ended, duration, (*cells, title), haystack, os_name, client, metadata)


@dataclass(frozen=True)
class GroupPage:
    """A page of one video's sessions, coded for the group's list (its rows carry the title)."""

    media: Media
    page: SessionPage


@dataclass(frozen=True)
class GroupSessionList:
    """A period's sessions of several videos, in the videos' order; `errors`, per video
    title, says which lists are missing pages (then `partial`)."""

    medias: tuple[Media, ...]
    period: str
    metadata: Mapping[str, str]
    rows: list[SessionRow]
    totals: tuple[int | None, ...]
    errors: dict[str, ApiError] = field(default_factory=dict)
    offline: tuple[str, ...] = ()  # titles whose list came from the local store

    @property
    def partial(self) -> bool:
        return bool(self.errors)


def list_group_sessions(
    service: SessionService,
    medias: Sequence[Media],
    period: str,
    metadata: Mapping[str, str] | None = None,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
    deliver: Callable[[GroupPage], None] | None = None,
) -> GroupSessionList:
    """Every session of the period of each video, one video after the other, each through
    `SessionService.list_sessions` (its pages, cache and cancelling); `progress(n, count)`
    as video n+1 of count starts, (count, count) at the end. Rows are delivered as GroupPages
    coded for the whole list. A video whose list fails is named in `errors` (the list is then
    partial) and the next one is fetched; when every video fails, the first failure is raised."""
    videos = tuple(medias)
    coder = RowCoder(len(GROUP_TEXT_COLUMNS))
    rows: list[SessionRow] = []
    totals: list[int | None] = []
    errors: dict[str, ApiError] = {}
    offline: list[str] = []
    for number, media in enumerate(videos):
        cancel.raise_if_cancelled()
        progress(number, len(videos))
        title = media.title or media.media_id

        def on_page(page: SessionPage, media: Media = media, title: str = title) -> None:
            titled = [with_video(row, title) for row in page.rows]
            rows.extend(titled)
            if deliver is not None:
                deliver(GroupPage(media, coder.page(titled)))

        try:
            listing = service.list_sessions(media, period, metadata, cancel, deliver=on_page)
        except ApiError as error:  # this video's list is missing; the others still come
            errors[title] = error
            totals.append(None)
            continue
        totals.append(listing.total)
        if listing.error is not None:
            errors[title] = listing.error
        if listing.stored_at is not None:
            offline.append(title)
    if videos and len(errors) == len(videos) and not rows:
        raise next(iter(errors.values()))  # nothing listed: the failure is the answer
    progress(len(videos), len(videos))
    wanted = dict(metadata or {})
    return GroupSessionList(videos, period, wanted, rows, tuple(totals), errors, tuple(offline))
