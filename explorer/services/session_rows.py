"""Sessions as table rows: plain tuples the GUI appends, filters and sorts, and rebuilds from."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from explorer.api.models import (
    Client,
    Device,
    Location,
    Metadata,
    OperatingSystem,
    PlayerSession,
    Referrer,
    SessionInfo,
)

TEXT_COLUMNS = (
    "Country",
    "City",
    "Device type",
    "Device vendor",
    "Device model",
    "OS",
    "OS version",
    "Client",
    "Client version",
    "Referrer URL",
    "Referrer medium",
    "Referrer source",
    "Search term",
    "Session id",
    "Metadata",
)


def _epoch(moment: datetime | None) -> float:
    return math.nan if moment is None else moment.timestamp()


def _moment(seconds: float) -> datetime | None:
    return None if math.isnan(seconds) else datetime.fromtimestamp(seconds, UTC)


SessionRow = tuple[
    str, float, float, float, tuple[str, ...], str, str | None, str | None,
    tuple[tuple[str, str], ...],
]  # fmt: skip
"""A SessionRecord as a plain tuple of strings and floats, which the garbage collector stops
tracking: a hundred thousand pydantic sessions cost it about two million objects, and its full
collections of those stalled the GUI for up to a second; rows cost it nothing."""
ROW_ID, ROW_LOADED, ROW_ENDED, ROW_DURATION, ROW_CELLS, ROW_HAYSTACK = range(6)
ROW_METADATA = 8


def stored_row(row: SessionRow) -> list[Any]:
    """A row as JSON can hold it (for the local store): NaN as None, tuples as lists."""
    sid, loaded, ended, duration, cells, haystack, os_name, client, metadata = row
    times = [None if math.isnan(t) else t for t in (loaded, ended, duration)]
    return [sid, *times, list(cells), haystack, os_name, client, [list(p) for p in metadata]]


def row_from_stored(data: Sequence[Any]) -> SessionRow:
    """The row `stored_row` wrote; ValueError if it is not one."""
    try:
        sid, loaded, ended, duration, cells, haystack, os_name, client, metadata = data
        loaded, ended, duration = (
            math.nan if t is None else float(t) for t in (loaded, ended, duration)
        )
        pairs = tuple((str(k), str(v)) for k, v in metadata)
        return (
            str(sid), loaded, ended, duration, tuple(str(c) for c in cells), str(haystack),
            os_name, client, pairs,
        )  # fmt: skip
    except (TypeError, ValueError) as error:
        raise ValueError(f"a stored session row cannot be read: {error}") from None


class SessionRecord(NamedTuple):
    """One session as the table shows it: times as epoch seconds (NaN when missing), the text
    columns (TEXT_COLUMNS), a case-folded text to filter on, and what else rebuilds the
    session. Held as plain SessionRows; this names their fields."""

    session_id: str
    loaded_at: float
    ended_at: float
    duration: float
    cells: tuple[str, ...]
    haystack: str
    os_shortname: str | None
    client_type: str | None
    metadata: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, item: PlayerSession) -> SessionRecord:
        return cls._make(cls.row_of(item))

    @staticmethod
    def row_of(item: PlayerSession, texts: dict[str, str] | None = None) -> SessionRow:
        """The session as a row; with `texts` (one dict for all the rows of a list), equal
        texts of different rows become one object: a city or a browser is held once rather
        than a hundred thousand times, and the rows cost less memory and less time to free."""
        s, where, device, os, client, ref = (
            item.session, item.location, item.device, item.os, item.client, item.referrer
        )  # fmt: skip
        loaded, ended = _epoch(s.loaded_at), _epoch(s.ended_at)
        metadata = tuple((m.key, m.value) for m in s.metadata)
        shared = [
            value or ""
            for value in (
                where.country, where.city, device.type, device.vendor, device.model, os.name,
                os.version, client.name, client.version, ref.url, ref.medium, ref.source,
                ref.search_term,
            )
        ]  # fmt: skip
        if texts is not None:
            shared = list(map(texts.setdefault, shared, shared))
        listed = "; ".join(f"{k}={v}" for k, v in metadata)
        cells = (*shared, s.session_id, listed)  # the id is the one text no two rows share
        haystack = "\x1f".join(cells).casefold()
        return (
            s.session_id, loaded, ended, ended - loaded, cells, haystack, os.shortname,
            client.type, metadata,
        )  # fmt: skip

    @property
    def session(self) -> PlayerSession:
        """The session as the API described it (an empty text reads as absent)."""
        c = [value or None for value in self.cells]
        return PlayerSession(
            session=SessionInfo(
                session_id=self.session_id,
                loaded_at=_moment(self.loaded_at),
                ended_at=_moment(self.ended_at),
                metadata=[Metadata(key=k, value=v) for k, v in self.metadata],
            ),
            location=Location(country=c[0], city=c[1]),
            device=Device(type=c[2], vendor=c[3], model=c[4]),
            os=OperatingSystem(name=c[5], version=c[6], shortname=self.os_shortname),
            client=Client(name=c[7], version=c[8], type=self.client_type),
            referrer=Referrer(url=c[9], medium=c[10], source=c[11], search_term=c[12]),
        )
