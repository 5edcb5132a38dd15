"""A timeseries reaching back beyond the API's lookback: fresh buckets plus the local history.

The API answers only from ``now - 30 days`` (less a safety margin); older buckets come from
the store, where every timeseries already fetched was kept. The fresh part starts at the first
bucket boundary inside the lookback (a whole hour; for daily buckets the next midnight at the
range's own UTC offset), so no bucket is half fetched. The merged frame's provenance says where
the history ends, for the chart to mark and the table to label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np

from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import Provenance, Result, ResultContext, TimeseriesFrame
from explorer.domain.history import Points, merge_history
from explorer.domain.query import Query
from explorer.domain.timerange import as_zone, earliest_start
from explorer.services.local_cache import LocalCache

Run = Callable[[Query, CancelToken, ProgressCallback], Result]


def needs_history(query: Query, now: datetime) -> bool:
    """A timeseries whose range starts before what the API still serves."""
    window = query.effective_range(now)
    return (
        query.endpoint is Endpoint.TIMESERIES
        and window is not None
        and window[0] < earliest_start(now, as_zone("UTC"))
    )


def first_whole_bucket(moment: datetime, interval: str, like: datetime) -> datetime:
    """The first bucket start at or after `moment`, in the UTC offset of `like`."""
    local = moment.astimezone(like.tzinfo)
    if interval == "day":
        floor = local.replace(hour=0, minute=0, second=0, microsecond=0)
        step = timedelta(days=1)
    else:
        floor = local.replace(minute=0, second=0, microsecond=0)
        step = timedelta(hours=1)
    return floor if floor == local else floor + step


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def run_with_history(
    run: Run,
    cache: LocalCache,
    query: Query,
    now: datetime,
    cancel: CancelToken,
    progress: ProgressCallback,
) -> Result:
    """The query's whole range: the API for what it still serves, the history before it."""
    window = query.effective_range(now)
    assert window is not None
    start, end = window
    interval = query.effective_interval(now) or "day"
    like = query.start or start
    query = replace(query, interval=interval)
    fresh_start = min(first_whole_bucket(earliest_start(now, as_zone("UTC")), interval, like), end)
    if fresh_start < end:
        fresh = run(replace(query, start=fresh_start.astimezone(like.tzinfo)), cancel, progress)
        assert isinstance(fresh, TimeseriesFrame)
        cache.keep_result(query, fresh, now)
    else:
        fresh = TimeseriesFrame.empty(ResultContext(Endpoint.TIMESERIES, query.metric))
    stored = cache.history(query, _ms(start), _ms(fresh_start))
    merged = merge_history(
        stored,
        Points.of(fresh.timestamps, fresh.values),
        fresh_start_ms=_ms(fresh_start),
        fresh_end_ms=_ms(end),
        start_ms=_ms(start),
        end_ms=_ms(end),
    )
    context = replace(fresh.context, interval=interval, start=start, end=end)
    return TimeseriesFrame(
        context,
        np.asarray(merged.ms).astype("datetime64[ms]"),
        merged.values,
        partial=fresh.partial,
        error=fresh.error,
        provenance=Provenance(now, history_until=fresh_start),
    )
