"""Period over period: a query against an earlier period, aligned on the current one.

The earlier period (`Shift`) is the previous period of the same length (``previous``: it ends
where the current one starts), the same period a week earlier (``week``), or the current one
moved back by a custom offset (``7d``, ``30d``: any `parse_duration` text). `shifted` gives
the earlier query; `ComparisonAnswer` holds both answers, lays the earlier timeseries on the
current period's axis (each earlier bucket moved forward by the shift) and gives the change,
absolute and in % (None where the earlier figure is 0 or missing: no % of nothing).

Too little data (`coverage`): the API keeps 30 days (`MAX_LOOKBACK`, less a safety margin:
`earliest_start`). The part of the earlier period older than that is covered only by the local
store's history, and only for a timeseries (the store keeps timeseries buckets, not totals or
breakdowns). A part neither covers is uncovered: the comparison then warns, naming the span and
the share of the earlier period it is; when the earlier period is wholly uncovered it is not
asked at all. A timeseries whose older buckets came from the store says so (`notes`). The
earlier figure being 0 or missing also warns: there is nothing to compare against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import numpy as np

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, Result, ScalarResult, TimeseriesFrame
from explorer.domain.parts import Part
from explorer.domain.query import Query
from explorer.domain.timerange import (
    as_zone,
    describe_duration,
    earliest_start,
    format_rfc3339,
    parse_duration,
)

WEEK = timedelta(weeks=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ShiftKind(StrEnum):
    """How the earlier period is chosen."""

    PREVIOUS = "previous"  # the period of the same length just before
    WEEK = "week"  # the same period one week earlier
    OFFSET = "offset"  # the same period moved back by a custom offset


@dataclass(frozen=True)
class Shift:
    """Which earlier period a query is compared with (see the module docstring)."""

    kind: ShiftKind
    offset: timedelta = timedelta(0)  # only for OFFSET

    @classmethod
    def parse(cls, text: str) -> Shift:
        """``previous``, ``week`` or an offset such as ``7d`` or ``30d``; raises ValueError
        with a sentence naming the choices."""
        word = text.strip().lower()
        if word in ("previous", "week"):
            return cls(ShiftKind(word))
        try:
            return cls(ShiftKind.OFFSET, parse_duration(word))
        except ValueError:
            raise ValueError(
                f"'{text}' is not a comparison; use previous, week or an offset like 7d or 30d"
            ) from None

    def offset_for(self, start: datetime, end: datetime) -> timedelta:
        """How far back the earlier period lies for the current ``[start, end)``."""
        if self.kind is ShiftKind.PREVIOUS:
            return end - start
        return WEEK if self.kind is ShiftKind.WEEK else self.offset

    def earlier(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        """The earlier period for the current ``[start, end)``."""
        back = self.offset_for(start, end)
        return start - back, end - back

    @property
    def label(self) -> str:
        """``the previous period``, ``a week earlier``, ``30 days earlier``."""
        if self.kind is ShiftKind.PREVIOUS:
            return "the previous period"
        if self.kind is ShiftKind.WEEK:
            return "a week earlier"
        return f"{describe_duration(self.offset)} earlier"


def check(query: Query) -> list[str]:
    """Why ``query`` cannot be compared with an earlier period (empty when it can)."""
    if query.is_all_time:
        return ["the all-time play total ignores from and to, so it has no earlier period"]
    return []


def shifted(query: Query, shift: Shift, now: datetime) -> tuple[Query, Query, timedelta]:
    """The current query with its range made explicit (as the server resolves it at ``now``),
    the earlier query over the shifted range, and how far back it lies."""
    window = query.effective_range(now)
    if window is None:
        raise ValueError(check(query)[0])
    start, end = window
    zone = query.start.tzinfo if query.start is not None else start.tzinfo
    start, end = start.astimezone(zone), end.astimezone(zone)
    back = shift.offset_for(start, end)
    current = replace(query, start=start, end=end)
    if query.endpoint is Endpoint.TIMESERIES:
        current = replace(current, interval=query.effective_interval(now))
    earlier = replace(current, start=start - back, end=end - back)
    return current, earlier, back


@dataclass(frozen=True)
class Coverage:
    """How much of the earlier period ``[start, end)`` has figures: from the API (from
    ``api_from``), from the local store's history (``stored``), and the span nobody covers."""

    start: datetime
    end: datetime
    api_from: datetime
    stored: tuple[datetime, datetime] | None  # the span the store's history covers, if any
    uncovered: tuple[datetime, datetime] | None

    @property
    def uncovered_share(self) -> float:
        """The uncovered part's share of the earlier period (0 to 1)."""
        if self.uncovered is None:
            return 0.0
        whole = (self.end - self.start).total_seconds()
        gap = (self.uncovered[1] - self.uncovered[0]).total_seconds()
        return gap / whole if whole > 0 else 1.0

    @property
    def askable(self) -> bool:
        """False when nothing of the earlier period can be had: it is not asked."""
        return self.uncovered_share < 1.0

    def warnings(self) -> list[str]:
        """The "too little data" warning naming the uncovered span, if any."""
        if self.uncovered is None:
            return []
        first, last = self.uncovered
        share = round(self.uncovered_share * 100)
        return [
            f"too little data to compare: the earlier period from {format_rfc3339(first)} to "
            f"{format_rfc3339(last)} ({describe_duration(last - first)}, {share}% of it) is "
            "older than the 30 days the API keeps and not in the local store's history"
        ]

    def notes(self) -> list[str]:
        """Where the earlier figures came from when not all from the API."""
        if self.stored is None:
            return []
        first, last = self.stored
        return [
            f"the earlier period's figures from {format_rfc3339(first)} to "
            f"{format_rfc3339(last)} come from the local store's history"
        ]


def coverage(
    start: datetime, end: datetime, now: datetime, *, stored_from: datetime | None = None
) -> Coverage:
    """Which part of ``[start, end)`` the API and the store's history cover at ``now``.

    ``stored_from`` is the oldest moment the store's history holds for this series (None:
    no history, or not a timeseries); the history is taken to reach up to the API's range."""
    api_from = earliest_start(now, as_zone("UTC"))
    if start >= api_from:
        return Coverage(start, end, api_from, None, None)
    old_end = min(end, api_from)
    stored = None
    gap_end = old_end
    if stored_from is not None and stored_from < old_end:
        stored = (max(start, stored_from), old_end)
        gap_end = stored[0]
    uncovered = (start, gap_end) if gap_end > start else None
    return Coverage(start, end, api_from, stored, uncovered)


@dataclass(frozen=True)
class Change:
    """The current figure against the earlier one: difference and % (None when the earlier
    figure is 0 or missing)."""

    current: float
    earlier: float
    absolute: float
    percent: float | None

    @classmethod
    def of(cls, current: float, earlier: float) -> Change:
        """``current - earlier`` and its share of ``earlier`` in %."""
        absolute = current - earlier
        usable = not math.isnan(earlier) and earlier != 0
        return cls(current, earlier, absolute, absolute / earlier * 100 if usable else None)


@dataclass(frozen=True)
class ComparisonRow:
    """One row of the comparison table: the key (a bucket start on the current axis, RFC 3339
    in UTC; a breakdown value; or the metric's name) and the change there."""

    key: str
    change: Change


@dataclass(frozen=True)
class ComparisonAnswer:
    """A query's current answer and its earlier-period answer, with ``offset`` the distance
    between them; either may be None (missing: failed, cancelled or not askable)."""

    current: Result | None
    earlier: Result | None
    shift: Shift
    offset: timedelta
    current_range: tuple[datetime, datetime]
    earlier_range: tuple[datetime, datetime]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()  # the two requests (``current``, ``previous``) and their fate

    @property
    def complete(self) -> bool:
        """Both answers arrived whole."""
        return all(r is not None and not r.partial for r in (self.current, self.earlier))

    def aligned_earlier(self) -> TimeseriesFrame | None:
        """The earlier timeseries moved onto the current period's axis, or None: its buckets
        and its timeframe (which says where buckets without data lie) alike."""
        earlier = self.earlier
        if not isinstance(earlier, TimeseriesFrame):
            return None
        shift_ms = np.timedelta64(int(self.offset.total_seconds() * 1000), "ms")
        context = earlier.context
        moved = replace(
            context,
            start=None if context.start is None else context.start + self.offset,
            end=None if context.end is None else context.end + self.offset,
        )
        return replace(earlier, timestamps=earlier.timestamps + shift_ms, context=moved)

    def rows(self) -> list[ComparisonRow]:
        """The change per key: one row for a scalar, one per bucket value for a breakdown
        (values in either period), one per current-axis bucket start for a timeseries."""
        current, earlier = self.current, self.earlier
        if current is None or earlier is None:
            return []
        if isinstance(current, ScalarResult) and isinstance(earlier, ScalarResult):
            return [ComparisonRow(current.context.metric, Change.of(current.value, earlier.value))]
        if isinstance(current, BucketFrame) and isinstance(earlier, BucketFrame):
            now = _by_key(current.dimensions, current.values)
            before = _by_key(earlier.dimensions, earlier.values)
            keys = list(dict.fromkeys([*now, *before]))
            return [
                ComparisonRow(k, Change.of(now.get(k, math.nan), before.get(k, math.nan)))
                for k in keys
            ]
        aligned = self.aligned_earlier()
        if isinstance(current, TimeseriesFrame) and aligned is not None:
            now = _by_key(current.timestamps.astype("int64"), current.values)
            before = _by_key(aligned.timestamps.astype("int64"), aligned.values)
            keys = sorted({*now, *before}, key=int)
            return [
                ComparisonRow(
                    format_rfc3339(_EPOCH + timedelta(milliseconds=int(k))),
                    Change.of(now.get(k, math.nan), before.get(k, math.nan)),
                )
                for k in keys
            ]
        return []

    def data_warnings(self) -> list[str]:
        """The coverage warnings plus "nothing to compare against" when the earlier figures
        are all 0 or missing."""
        found = list(self.warnings)
        rows = self.rows()
        if self.earlier is not None and rows and all(r.change.percent is None for r in rows):
            found.append(
                "too little data to compare: the earlier period has no figures "
                f"({self.shift.label}); no change in % can be given"
            )
        return found


def _by_key(keys: np.ndarray, values: np.ndarray) -> dict[str, float]:
    return {str(k): float(v) for k, v in zip(keys, values, strict=True)}


@dataclass(frozen=True)
class ComparisonQuestion:
    """A query asked now and over the earlier period ``shift`` names: what the window's
    builder gives when "Compare with" is set (the command line's ``--compare``)."""

    query: Query
    shift: Shift

    @property
    def title(self) -> str:
        """``play over time vs the previous period``."""
        return f"{self.query.title} vs {self.shift.label}"

    def validate(self, now: datetime, *, history: bool = False) -> list[str]:
        """Every problem with the query, and why it has no earlier period if it has none."""
        return self.query.validate(now, history=history) + check(self.query)
