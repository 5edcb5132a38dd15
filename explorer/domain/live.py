"""The live view's questions (concurrent viewers now, a minute series, where viewers are) and
how often it may ask them within the API's per-minute request budget.

The minute series covers the last 59 whole minutes and the current one: the API refuses a
minute interval over a timeframe of 60 minutes or more (catalogue.MINUTE_INTERVAL_MAX_RANGE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from explorer.domain.catalogue import MINUTE_INTERVAL_MAX_RANGE, Endpoint
from explorer.domain.query import Query

DEFAULT_INTERVAL_S = 10.0
BREAKDOWN_WINDOW = timedelta(minutes=5)  # "where the viewers are": the last few minutes
SERIES_MINUTES = int(MINUTE_INTERVAL_MAX_RANGE / timedelta(minutes=1)) - 1
BUDGET_SHARE = 0.25
"""The most of the per-minute request budget one live view takes: the rest stays for the
other tabs, the tree and the person's own queries."""
LOW_BUDGET_SHARE = 0.2  # below this share of the limit left, the view waits for the refill
RATE_WINDOW_S = 60.0  # api.video counts requests per minute


@dataclass(frozen=True)
class LiveQuestions:
    """One refresh's questions about one live stream."""

    now: Query  # ccv live: concurrent viewers over the last 20 seconds
    series: Query  # ccv-peak per minute over the last hour
    countries: Query  # ccv-peak by country over the last few minutes
    devices: Query  # ccv-peak by device type over the last few minutes

    def all(self) -> tuple[Query, Query, Query, Query]:
        return (self.now, self.series, self.countries, self.devices)


def live_questions(media_id: str, now: datetime) -> LiveQuestions:
    """The questions of one refresh at ``now`` (an aware datetime)."""
    scope: dict[str, tuple[str, ...]] = {"mediaId": (media_id,)}
    minute = now.replace(second=0, microsecond=0)
    recent = now - BREAKDOWN_WINDOW

    def by(breakdown: str) -> Query:
        return Query(
            endpoint=Endpoint.BUCKETS, metric="ccv-peak", breakdown=breakdown,
            start=recent, end=now, filters=scope,
        )  # fmt: skip

    return LiveQuestions(
        now=Query(endpoint=Endpoint.METRICS, metric="ccv", aggregation="live", filters=scope),
        series=Query(
            endpoint=Endpoint.TIMESERIES,
            metric="ccv-peak",
            interval="minute",
            start=minute - timedelta(minutes=SERIES_MINUTES),
            end=now,
            filters=scope,
        ),
        countries=by("country"),
        devices=by("device-type"),
    )


REQUESTS_PER_REFRESH = len(live_questions("x", datetime.fromisoformat("2026-01-01T00:00Z")).all())


@dataclass(frozen=True)
class Pace:
    """When the next refresh goes, and why it is later than asked (empty when it is not)."""

    delay_s: float
    reason: str = ""


def next_refresh(
    interval_s: float,
    limit: int | None,
    remaining: int | None,
    requests: int = REQUESTS_PER_REFRESH,
    window_s: float = RATE_WINDOW_S,
) -> Pace:
    """The delay before the next refresh: the interval asked for, stretched so that one live
    view sends at most BUDGET_SHARE of the budget per window, and to half a window when
    less than LOW_BUDGET_SHARE of it is left (the budget refills at the window's end)."""
    delay, reason = max(interval_s, 0.05), ""
    if limit is not None and limit > 0:
        floor = window_s * requests / max(limit * BUDGET_SHARE, 1.0)
        if floor > delay:
            delay = floor
            reason = (
                f"every {delay:.0f} s: {requests} requests a refresh within a quarter of the "
                f"{limit} a minute the API allows"
            )
        if remaining is not None and remaining < max(limit * LOW_BUDGET_SHARE, 2 * requests):
            low = window_s / 2
            if low > delay:
                delay = low
                reason = f"slowed: only {remaining} of {limit} requests left this minute"
    return Pace(delay, reason)
