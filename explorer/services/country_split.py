"""A metric the API only gives as one number (`impression-time`, `watch-time`…) split by
country: the countries seen in the same window, then the metric asked once per country.

The countries are those with impressions in the query's window and scope (every session
that counts for any metric had one); at most MAX_COUNTRIES of them, the busiest, are asked
(a result cut there is marked partial and says so).
"""

from __future__ import annotations

from dataclasses import replace

from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult
from explorer.domain.query import Query
from explorer.services.source import DataSource

MAX_COUNTRIES = 50
"""At most this many requests (and one to list the countries) per split."""


def can_split(query: Query) -> str:
    """Why this question cannot be split by country ("" when it can)."""
    if query.endpoint is not Endpoint.METRICS:
        return "only a single number (Aggregate) is split by country"
    if query.is_all_time or query.aggregation == "live":
        return "this aggregation takes no country filter"
    return ""


def split_by_country(
    source: DataSource,
    query: Query,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> BucketFrame:
    """The metric of ``query`` per country, as a breakdown by country (blocking)."""
    reason = can_split(query)
    if reason:
        raise ValueError(f"Cannot split {query.title} by country: {reason}.")
    now = source.now()
    window = query.effective_range(now)
    assert window is not None
    start, end = window
    others = {k: v for k, v in query.filters.items() if k != "country"}
    chosen = set(query.filters.get("country", ()))
    seen = source.run_query(
        Query(
            endpoint=Endpoint.BUCKETS,
            metric="impression",
            breakdown="country",
            start=start,
            end=end,
            filters=others,
        ),
        cancel,
        no_progress,
    )
    if not isinstance(seen, BucketFrame):
        raise TypeError("the country list came back in the wrong shape")
    countries = [str(d) for d in seen.dimensions if str(d) and (not chosen or str(d) in chosen)]
    asked = countries[:MAX_COUNTRIES]
    records: list[tuple[str, float]] = []
    context: ResultContext | None = None
    for index, country in enumerate(asked):
        cancel.raise_if_cancelled()
        answer = source.run_query(
            replace(query, start=start, end=end, filters={**others, "country": (country,)}),
            cancel,
            no_progress,
        )
        if not isinstance(answer, ScalarResult):
            raise TypeError("a country's figure came back in the wrong shape")
        context = context or answer.context
        records.append((country, answer.value))
        progress(index + 1, len(asked))
    records.sort(key=lambda r: (-r[1], r[0]))
    base = context or ResultContext(Endpoint.METRICS, query.metric, query.aggregation)
    split = ResultContext(
        Endpoint.METRICS, base.metric, base.aggregation, breakdown="country",
        start=start, end=end,
    )  # fmt: skip
    cut = len(countries) - len(asked)
    error = (
        f"only the {len(asked)} busiest of {len(countries)} countries were asked" if cut else None
    )
    return BucketFrame.from_records(
        split, records, partial=bool(cut) or seen.partial, error=error or seen.error
    )
