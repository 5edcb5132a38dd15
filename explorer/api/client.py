"""Typed calls for everything the explorer reads from api.video, returning domain objects.

`ApiVideoClient` is safe to share between worker threads. Every call that may take several
requests takes a cancel token and a progress callback; lists come back complete or labelled
partial (see pagination.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from explorer.api import models
from explorer.api.auth import BasicAuth, TokenAuth
from explorer.api.errors import MalformedResponse
from explorer.api.http import Http, RetryPolicy, Timeouts
from explorer.api.limits import Limits
from explorer.api.pagination import DEFAULT_CONCURRENCY, Fetched, PageCallback, fetch_all
from explorer.api.secrets import Secret
from explorer.api.urls import PRODUCTION_URL as PRODUCTION_URL  # re-exported
from explorer.api.urls import SANDBOX_URL as SANDBOX_URL
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, Result, ResultContext, ScalarResult, TimeseriesFrame
from explorer.domain.query import Query

MediaType = Literal["video", "live-stream"]
T = TypeVar("T")


@dataclass(frozen=True)
class ClientOptions:
    auth: Literal["bearer", "basic"] = "bearer"
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    concurrency: int = DEFAULT_CONCURRENCY
    limits: Limits = field(default_factory=Limits)


def _context(query: Query, wire: models.AnalyticsContext) -> ResultContext:
    return ResultContext(
        endpoint=query.endpoint,
        metric=wire.metric or query.metric,
        aggregation=wire.aggregation or query.aggregation,
        breakdown=wire.breakdown or query.breakdown,
        interval=wire.interval or query.interval,
        start=wire.timeframe.start,
        end=wire.timeframe.end,
    )


def _read(model: type[models.Wire], body: Any, what: str) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        detail = str(error).splitlines()[0]
        raise MalformedResponse(
            f"{what} does not have the expected shape ({detail})", excerpt=str(body)
        ) from None


class ApiVideoClient:
    def __init__(
        self,
        base_url: str,
        api_key: Secret,
        *,
        options: ClientOptions = ClientOptions(),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        auth: httpx.Auth = (
            BasicAuth(api_key) if options.auth == "basic" else TokenAuth(api_key, base_url=base_url)
        )
        self.http = Http(
            base_url,
            auth,
            transport=transport,
            timeouts=options.timeouts,
            retry=options.retry,
            limits=options.limits,
        )
        self.concurrency = options.concurrency

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ApiVideoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ApiVideoClient({self.http.base_url!r})"

    def _all(
        self,
        path: str,
        params: Sequence[tuple[str, str]] | Mapping[str, str],
        item: type[models.Wire],
        cancel: CancelToken,
        progress: ProgressCallback,
        on_page: PageCallback[Any] | None = None,
        keep_items: bool = True,
    ) -> Fetched[Any]:
        return fetch_all(
            self.http,
            path,
            params,
            item.model_validate,
            concurrency=self.concurrency,
            cancel=cancel,
            progress=progress,
            on_page=on_page,
            keep_items=keep_items,
        )

    # --- analytics v2 --------------------------------------------------------------------

    def run(
        self,
        query: Query,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Result:
        if query.endpoint is Endpoint.METRICS:
            return self.metrics(query, cancel)
        if query.endpoint is Endpoint.BUCKETS:
            return self.buckets(query, cancel, progress)
        return self.timeseries(query, cancel, progress)

    def metrics(self, query: Query, cancel: CancelToken = NEVER_CANCELLED) -> ScalarResult:
        body = self.http.get_json(query.path(), query.to_params(), cancel)
        response: models.MetricsResponse = _read(models.MetricsResponse, body, "the metric")
        return ScalarResult(_context(query, response.context), response.data)

    def buckets(
        self,
        query: Query,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> BucketFrame:
        fetched = self._all(query.path(), query.to_params(), models.Bucket, cancel, progress)
        wire: models.BucketsResponse = _read(
            models.BucketsResponse, {**fetched.first, "data": []}, "the breakdown"
        )
        return BucketFrame.from_records(
            _context(query, wire.context),
            ((b.dimension_value or "", b.metric_value) for b in fetched.items),
            partial=fetched.partial,
            error=str(fetched.error) if fetched.error else None,
        )

    def timeseries(
        self,
        query: Query,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> TimeseriesFrame:
        fetched = self._all(query.path(), query.to_params(), models.Point, cancel, progress)
        wire: models.TimeseriesResponse = _read(
            models.TimeseriesResponse, {**fetched.first, "data": []}, "the timeseries"
        )
        return TimeseriesFrame.from_records(
            _context(query, wire.context),
            ((p.emitted_at, p.metric_value) for p in fetched.items),
            partial=fetched.partial,
            error=str(fetched.error) if fetched.error else None,
        )

    # --- assets --------------------------------------------------------------------------

    def videos(
        self,
        *,
        title: str | None = None,
        tags: Sequence[str] = (),
        metadata: Mapping[str, str] | None = None,
        description: str | None = None,
        live_stream_id: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Fetched[models.Video]:
        params: list[tuple[str, str]] = []
        for name, value in (
            ("title", title),
            ("description", description),
            ("liveStreamId", live_stream_id),
            ("sortBy", sort_by),
            ("sortOrder", sort_order),
        ):
            if value:
                params.append((name, value))
        params += [("tags[]", tag) for tag in tags]
        params += [(f"metadata[{k}]", v) for k, v in (metadata or {}).items()]
        return self._all("/videos", params, models.Video, cancel, progress)

    def video(self, video_id: str, cancel: CancelToken = NEVER_CANCELLED) -> models.Video:
        body = self.http.get_json(f"/videos/{_segment(video_id)}", None, cancel)
        result: models.Video = _read(models.Video, body, "the video")
        return result

    def video_status(
        self, video_id: str, cancel: CancelToken = NEVER_CANCELLED
    ) -> models.VideoStatus:
        """The video's upload and encoding status; its length is `encoding.metadata.duration`."""
        body = self.http.get_json(f"/videos/{_segment(video_id)}/status", None, cancel)
        result: models.VideoStatus = _read(models.VideoStatus, body, "the video's status")
        return result

    def live_streams(
        self,
        *,
        name: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Fetched[models.LiveStream]:
        params = [
            (k, v) for k, v in (("name", name), ("sortBy", sort_by), ("sortOrder", sort_order)) if v
        ]
        return self._all("/live-streams", params, models.LiveStream, cancel, progress)

    def players(
        self,
        *,
        sort_by: str | None = None,
        sort_order: str | None = None,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Fetched[models.Player]:
        params = [(k, v) for k, v in (("sortBy", sort_by), ("sortOrder", sort_order)) if v]
        return self._all("/players", params, models.Player, cancel, progress)

    # --- raw statistics ------------------------------------------------------------------

    def sessions(
        self,
        media_type: MediaType,
        media_id: str,
        period: str,
        *,
        metadata: Mapping[str, str] | None = None,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        on_page: PageCallback[models.PlayerSession] | None = None,
        keep_items: bool = True,
    ) -> Fetched[models.PlayerSession]:
        """Every player session of a video or live stream in `period`; `on_page` receives
        each page of sessions as it arrives (on this thread), in order; with `keep_items=False`
        they are not gathered into the result as well (see fetch_all)."""
        return self.sessions_as(
            _same, media_type, media_id, period, metadata=metadata, cancel=cancel,
            progress=progress, on_page=on_page, keep_items=keep_items,
        )  # fmt: skip

    def sessions_as(
        self,
        convert: Callable[[models.PlayerSession], T],
        media_type: MediaType,
        media_id: str,
        period: str,
        *,
        metadata: Mapping[str, str] | None = None,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        on_page: PageCallback[T] | None = None,
        keep_items: bool = True,
        concurrency: int | None = None,
    ) -> Fetched[T]:
        """The sessions, each passed through `convert` on the thread that fetched its page:
        a long list's models then live no longer than their page's parse (a hundred thousand
        of them surviving into the garbage collector's older generations cost the GUI its
        longest pauses). `concurrency` caps the pages in flight (default: the client's)."""
        kind = "videos" if media_type == "video" else "live-streams"
        params = [("period", period), *((f"metadata[{k}]", v) for k, v in (metadata or {}).items())]
        path = f"/analytics/{kind}/{_segment(media_id)}"

        def parse(item: dict[str, Any]) -> T:
            return convert(models.PlayerSession.model_validate(item))

        return fetch_all(
            self.http, path, params, parse, concurrency=concurrency or self.concurrency,
            cancel=cancel, progress=progress, on_page=on_page, keep_items=keep_items,
        )  # fmt: skip

    def session_events(
        self,
        session_id: str,
        *,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Fetched[models.SessionEvent]:
        path = f"/analytics/sessions/{_segment(session_id)}/events"
        return self._all(path, [], models.SessionEvent, cancel, progress)


def _same(session: models.PlayerSession) -> models.PlayerSession:
    return session


def _segment(value: str) -> str:
    """An id as one path segment: no slash can steer the request elsewhere."""
    return quote(value, safe="")
