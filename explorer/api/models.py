"""Wire models of api.video's responses (pydantic), lenient where the spec is incomplete.

Unknown fields are ignored; enums the spec leaves incomplete (context metric, aggregation,
breakdown) are plain strings; timestamps go through `parse_timestamp`, which reads the odd
shapes seen in the spec's own examples. What would mislead if guessed (a value that is not
a number, a timestamp that cannot be read) fails the parse instead.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_ODD_HOUR = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2})\+00:00:00:00$")
_SHORT_OFFSET = re.compile(r"([+-]\d{2})$")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_HOUR_ONLY = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2})(?=[+-]|Z|$)")


def parse_timestamp(value: Any) -> datetime:
    """An aware datetime from RFC 3339 and its near misses (`Z`, `+00`, `+0000`, a space for
    `T`, hour-only, and the spec's malformed `2024-05-29T07+00:00:00:00`); naive means UTC.
    Years 1 and 9999 are refused: shown in a time zone they would overflow the calendar."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError("a timestamp must be a string")
    text = value.strip()
    odd = _ODD_HOUR.match(text)
    if odd:
        text = f"{odd[1]}T{odd[2]}:00:00+00:00"
    text = _HOUR_ONLY.sub(r"\1T\2:00:00", text)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _COMPACT_OFFSET.sub(r"\1:\2", text)
    if _SHORT_OFFSET.search(text) and text.count(":") >= 2:
        text = _SHORT_OFFSET.sub(r"\1:00", text)
    moment = datetime.fromisoformat(text)
    if not 1 < moment.year < 9999:  # no real event; and no time zone could show it
        raise ValueError("a timestamp at the edge of the calendar")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Link(Wire):
    rel: str = ""
    uri: str = ""


class Pagination(Wire):
    current_page: int | None = Field(None, alias="currentPage")
    current_page_items: int | None = Field(None, alias="currentPageItems")
    page_size: int | None = Field(None, alias="pageSize")
    pages_total: int | None = Field(None, alias="pagesTotal")
    items_total: int | None = Field(None, alias="itemsTotal")
    links: list[Link] = Field(default_factory=list)

    def link(self, rel: str) -> str | None:
        return next((link.uri for link in self.links if link.rel == rel and link.uri), None)


class Timeframe(Wire):
    start: Timestamp | None = Field(None, alias="from")
    end: Timestamp | None = Field(None, alias="to")


class AnalyticsContext(Wire):
    metric: str = ""
    aggregation: str | None = None
    breakdown: str | None = None
    interval: str | None = None
    timeframe: Timeframe = Field(default_factory=Timeframe)


class MetricsResponse(Wire):
    context: AnalyticsContext
    data: float


class Bucket(Wire):
    dimension_value: str | None = Field(None, alias="dimensionValue")
    metric_value: float = Field(alias="metricValue")


class BucketsResponse(Wire):
    context: AnalyticsContext
    data: list[Bucket]
    pagination: Pagination = Field(default_factory=Pagination)


class Point(Wire):
    emitted_at: Timestamp = Field(alias="emittedAt")
    metric_value: float = Field(alias="metricValue")


class TimeseriesResponse(Wire):
    context: AnalyticsContext
    data: list[Point]
    pagination: Pagination = Field(default_factory=Pagination)


class Metadata(Wire):
    key: str = ""
    value: str = ""


class VideoAssets(Wire):
    player: str | None = None
    hls: str | None = None
    thumbnail: str | None = None
    iframe: str | None = None
    mp4: str | None = None


class Video(Wire):
    video_id: str = Field(alias="videoId")
    title: str = ""
    description: str | None = None
    created_at: Timestamp | None = Field(None, alias="createdAt")
    published_at: Timestamp | None = Field(None, alias="publishedAt")
    updated_at: Timestamp | None = Field(None, alias="updatedAt")
    tags: list[str] = Field(default_factory=list)
    metadata: list[Metadata] = Field(default_factory=list)
    public: bool | None = None
    player_id: str | None = Field(None, alias="playerId")
    assets: VideoAssets = Field(default_factory=VideoAssets)


class LiveStream(Wire):
    live_stream_id: str = Field(alias="liveStreamId")
    name: str = ""
    public: bool | None = None
    broadcasting: bool = False
    player_id: str | None = Field(None, alias="playerId")
    created_at: Timestamp | None = Field(None, alias="createdAt")
    updated_at: Timestamp | None = Field(None, alias="updatedAt")
    assets: VideoAssets = Field(default_factory=VideoAssets)


class Player(Wire):
    player_id: str = Field(alias="playerId")
    name: str = ""
    created_at: Timestamp | None = Field(None, alias="createdAt")
    updated_at: Timestamp | None = Field(None, alias="updatedAt")


class SessionInfo(Wire):
    session_id: str = Field(alias="sessionId")
    loaded_at: Timestamp | None = Field(None, alias="loadedAt")
    ended_at: Timestamp | None = Field(None, alias="endedAt")
    metadata: list[Metadata] = Field(default_factory=list)


class Location(Wire):
    country: str | None = None
    city: str | None = None


class Referrer(Wire):
    url: str | None = None
    medium: str | None = None
    source: str | None = None
    search_term: str | None = Field(None, alias="searchTerm")


class Device(Wire):
    type: str | None = None
    vendor: str | None = None
    model: str | None = None


class OperatingSystem(Wire):
    name: str | None = None
    shortname: str | None = None
    version: str | None = None


class Client(Wire):
    type: str | None = None
    name: str | None = None
    version: str | None = None


class PlayerSession(Wire):
    session: SessionInfo
    location: Location = Field(default_factory=Location)
    referrer: Referrer = Field(default_factory=Referrer)
    device: Device = Field(default_factory=Device)
    os: OperatingSystem = Field(default_factory=OperatingSystem)
    client: Client = Field(default_factory=Client)


class SessionEvent(Wire):
    type: str = "unknown"
    emitted_at: Timestamp | None = Field(None, alias="emittedAt")
    at: float | None = None
    start: float | None = Field(None, alias="from")
    to: float | None = None


class EncodingMetadata(Wire):
    duration: float | None = None  # the spec types it as integer seconds


class VideoEncoding(Wire):
    playable: bool | None = None
    metadata: EncodingMetadata = Field(default_factory=EncodingMetadata)


class VideoStatus(Wire):
    """`GET /videos/{videoId}/status`; only what the explorer reads (the media's length)."""

    encoding: VideoEncoding = Field(default_factory=VideoEncoding)


class Page(Wire):
    """Any list response: items stay raw until the caller's item model reads them."""

    data: list[dict[str, Any]]
    pagination: Pagination = Field(default_factory=Pagination)
