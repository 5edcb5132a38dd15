"""Query results as read-only columnar frames (numpy) that carry the server's context.

Choices the spec leaves open:

* Timestamps are ``numpy.datetime64[ms]``, UTC by convention (numpy has no time zones): the
  dtype says what the numbers are, sorts and compares natively, and ``.astype("int64")`` gives
  epoch milliseconds; ``epoch_seconds()`` is what pyqtgraph's date axis wants.
* Dimension values are a numpy ``object`` array of ``str`` (a fixed-width ``<U`` array would
  reserve 2048 characters per referrer row).
* Frames are frozen dataclasses with write-protected arrays; every operation returns a new one.
* ``partial``/``error`` travel with the data (a failed page 3 keeps pages 1-2, labelled).
* ``top_n`` folds the rest into one "Other (k more)" row. Its value is their sum only when the
  metric is additive over disjoint buckets (event counts, non-unique views, sums); for rates,
  concurrent-viewer figures and unique viewers (one viewer can be in several buckets) a sum
  would mislead and the value is NaN: the row says how many buckets it holds, not a number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from explorer.domain.catalogue import METRICS, Endpoint, Unit, base_metric, unit_of
from explorer.domain.timerange import as_zone, format_rfc3339

FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]
TimeArray = npt.NDArray[np.datetime64]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_ADDITIVE_METRICS = frozenset({"play", "start", "end", "impression", "play-total", "view"})


@dataclass(frozen=True)
class ResultContext:
    """What the server says a result is: ``metric`` exactly as echoed (``unique-view-5``)."""

    endpoint: Endpoint
    metric: str
    aggregation: str | None = None
    breakdown: str | None = None
    interval: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        for name, moment in (("start", self.start), ("end", self.end)):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"the timeframe's {name} must carry a time zone")

    @property
    def base_metric(self) -> str:
        """The catalogue name: ``unique-view-10`` -> ``view``."""
        return base_metric(self.metric)

    @property
    def unique(self) -> bool:
        return self.metric.startswith("unique-")

    @property
    def view_duration(self) -> str | None:
        """``10s`` for an echoed ``view-10`` or ``unique-view-10``, else None."""
        name = self.metric.removeprefix("unique-")
        seconds = name.removeprefix("view-")
        return f"{seconds}s" if name != seconds and seconds.isdigit() else None

    @property
    def unit(self) -> Unit | None:
        """The unit of the values, or None for a metric this catalogue does not know."""
        if self.base_metric not in METRICS[self.endpoint]:
            return None
        return unit_of(self.endpoint, self.base_metric, self.aggregation)

    @property
    def is_additive(self) -> bool:
        """True when the values of disjoint buckets add up to the value of their union."""
        if self.unique:
            return False
        if self.aggregation == "sum":
            return True
        if self.aggregation not in (None, "count", "total"):
            return False
        return self.base_metric in _ADDITIVE_METRICS


@dataclass(frozen=True)
class Provenance:
    """A result that did not come whole from the API just now: the local store's copy
    (``offline``: the API could not be reached), or a timeseries whose buckets before
    ``history_until`` come from the local history, kept beyond the API's retention."""

    fetched_at: datetime
    offline: bool = False
    history_until: datetime | None = None

    def __post_init__(self) -> None:
        for moment in (self.fetched_at, self.history_until):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError("provenance times must carry a time zone")


def format_value(value: float) -> str:
    """A cell for tables and CSV: ``12`` for whole numbers, shortest round trip otherwise."""
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def _readonly(array: npt.NDArray[np.generic]) -> None:
    array.setflags(write=False)


def _merge_flags(frames: Sequence[BucketFrame | TimeseriesFrame]) -> tuple[bool, str | None]:
    errors = list(dict.fromkeys(f.error for f in frames if f.error))
    return any(f.partial for f in frames), "; ".join(errors) or None


def _check_same(first: ResultContext, other: ResultContext) -> None:
    keys = ("endpoint", "metric", "aggregation", "breakdown", "interval")
    if any(getattr(first, k) != getattr(other, k) for k in keys):
        raise ValueError(f"cannot join pages of different results: {first} and {other}")


def _value_order(values: FloatArray, descending: bool) -> npt.NDArray[np.intp]:
    """A stable order by value; NaN last either way."""
    return np.argsort(-values if descending else values, kind="stable")


@dataclass(frozen=True, eq=False)
class ScalarResult:
    """One number from ``/data/metrics``."""

    context: ResultContext
    value: float
    partial: bool = False
    error: str | None = None
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", float(self.value))
        if self.error is not None and not self.partial:
            raise ValueError("a result with an error must be marked partial")

    def __len__(self) -> int:
        return 1

    @property
    def header(self) -> tuple[str, str]:
        return ("metric", "value")

    def to_rows(self, tz: str | ZoneInfo = "UTC") -> list[tuple[str, ...]]:
        return [(self.context.metric, format_value(self.value))]


@dataclass(frozen=True, eq=False)
class BucketFrame:
    """``/data/buckets`` rows: one dimension value (str) and one float64 value each.

    ``other_count`` > 0 marks the last row as the "Other" row of ``top_n``, folding that
    many buckets.
    """

    context: ResultContext
    dimensions: ObjectArray
    values: FloatArray
    partial: bool = False
    error: str | None = None
    other_count: int = field(default=0)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        dimensions = np.array(self.dimensions, dtype=object, copy=True)
        values = np.array(self.values, dtype=np.float64, copy=True)
        if dimensions.ndim != 1 or values.shape != dimensions.shape:
            raise ValueError("dimensions and values must be 1-D arrays of the same length")
        if not all(isinstance(d, str) for d in dimensions):
            raise TypeError("dimension values must be str")
        if self.error is not None and not self.partial:
            raise ValueError("a result with an error must be marked partial")
        _readonly(dimensions)
        _readonly(values)
        object.__setattr__(self, "dimensions", dimensions)
        object.__setattr__(self, "values", values)

    @classmethod
    def from_records(
        cls,
        context: ResultContext,
        records: Iterable[tuple[str, float]],
        *,
        partial: bool = False,
        error: str | None = None,
    ) -> BucketFrame:
        rows = list(records)
        return cls(
            context,
            np.array([d for d, _ in rows], dtype=object),
            np.array([v for _, v in rows], dtype=np.float64),
            partial=partial,
            error=error,
        )

    @classmethod
    def empty(cls, context: ResultContext) -> BucketFrame:
        return cls.from_records(context, [])

    @classmethod
    def concat(cls, pages: Sequence[BucketFrame]) -> BucketFrame:
        """Join pages in order, under the first page's context; partial if any page is."""
        if not pages:
            raise ValueError("concat needs at least one page")
        for page in pages:
            _check_same(pages[0].context, page.context)
            if page.other_count:
                raise ValueError("cannot join a frame that top_n already folded")
        partial, error = _merge_flags(pages)
        return cls(
            pages[0].context,
            np.concatenate([p.dimensions for p in pages]),
            np.concatenate([p.values for p in pages]),
            partial=partial,
            error=error,
        )

    def __len__(self) -> int:
        return len(self.values)

    @property
    def header(self) -> tuple[str, str]:
        return (self.context.breakdown or "dimension", self.context.metric)

    def to_rows(self, tz: str | ZoneInfo = "UTC") -> list[tuple[str, ...]]:
        """``(dimension, value)`` text cells; NaN is an empty cell. ``tz`` is not used here."""
        return [
            (str(d), format_value(float(v)))
            for d, v in zip(self.dimensions, self.values, strict=True)
        ]

    def _take(self, order: npt.NDArray[np.intp]) -> BucketFrame:
        return replace(self, dimensions=self.dimensions[order], values=self.values[order])

    def sorted_by(
        self, key: Literal["value", "dimension"] = "value", *, descending: bool = True
    ) -> BucketFrame:
        """A stable sort; NaN values go last, and an "Other" row stays last."""
        real = len(self) - (1 if self.other_count else 0)
        if key == "value":
            order = _value_order(self.values[:real], descending)
        else:
            ranked = sorted(range(real), key=lambda i: str(self.dimensions[i]), reverse=descending)
            order = np.array(ranked, dtype=np.intp)
        tail = np.arange(real, len(self), dtype=np.intp)
        return self._take(np.concatenate([order, tail]).astype(np.intp))

    def top_n(self, n: int, other_label: str = "Other") -> BucketFrame:
        """The ``n`` largest buckets, then one "Other (k more)" row for the rest.

        When only one bucket would be folded it is shown as itself instead. The "Other" value
        is the sum of the rest for additive metrics, NaN otherwise (see the module docstring).
        """
        if n < 1:
            raise ValueError("top_n needs n >= 1")
        if self.other_count:
            raise ValueError("this frame is already folded")
        ordered = self.sorted_by("value", descending=True)
        if len(ordered) <= n + 1:
            return ordered
        rest = ordered.values[n:]
        other = float(np.sum(rest)) if self.context.is_additive else math.nan
        dimensions = np.append(ordered.dimensions[:n], f"{other_label} ({len(rest)} more)")
        return replace(
            ordered,
            dimensions=dimensions.astype(object),
            values=np.append(ordered.values[:n], other),
            other_count=len(rest),
        )


@dataclass(frozen=True, eq=False)
class TimeseriesFrame:
    """``/data/timeseries`` rows: bucket start (datetime64[ms], UTC) and float64 value."""

    context: ResultContext
    timestamps: TimeArray
    values: FloatArray
    partial: bool = False
    error: str | None = None
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        raw = np.asarray(self.timestamps)
        if raw.dtype.kind not in "iuM" and raw.size:
            raise TypeError("timestamps must be datetime64 or epoch milliseconds; see from_records")
        timestamps = raw.astype("datetime64[ms]", copy=True)
        values = np.array(self.values, dtype=np.float64, copy=True)
        if timestamps.ndim != 1 or values.shape != timestamps.shape:
            raise ValueError("timestamps and values must be 1-D arrays of the same length")
        if self.error is not None and not self.partial:
            raise ValueError("a result with an error must be marked partial")
        _readonly(timestamps)
        _readonly(values)
        object.__setattr__(self, "timestamps", timestamps)
        object.__setattr__(self, "values", values)

    @classmethod
    def from_records(
        cls,
        context: ResultContext,
        records: Iterable[tuple[datetime, float]],
        *,
        partial: bool = False,
        error: str | None = None,
    ) -> TimeseriesFrame:
        """Build from aware datetimes (any zone); a naive one raises ``ValueError``."""
        rows = list(records)
        millis = [_epoch_ms(t) for t, _ in rows]
        return cls(
            context,
            np.array(millis, dtype=np.int64).astype("datetime64[ms]"),
            np.array([v for _, v in rows], dtype=np.float64),
            partial=partial,
            error=error,
        )

    @classmethod
    def empty(cls, context: ResultContext) -> TimeseriesFrame:
        return cls.from_records(context, [])

    @classmethod
    def concat(cls, pages: Sequence[TimeseriesFrame]) -> TimeseriesFrame:
        """Join pages in order, under the first page's context; partial if any page is."""
        if not pages:
            raise ValueError("concat needs at least one page")
        for page in pages:
            _check_same(pages[0].context, page.context)
        partial, error = _merge_flags(pages)
        return cls(
            pages[0].context,
            np.concatenate([p.timestamps for p in pages]),
            np.concatenate([p.values for p in pages]),
            partial=partial,
            error=error,
        )

    def __len__(self) -> int:
        return len(self.values)

    @property
    def header(self) -> tuple[str, str]:
        return ("time", self.context.metric)

    def epoch_seconds(self) -> FloatArray:
        """Seconds since 1970 as float64 (pyqtgraph's ``DateAxisItem``)."""
        return self.timestamps.astype(np.int64).astype(np.float64) / 1000.0

    def datetimes(self, tz: str | ZoneInfo = "UTC") -> list[datetime]:
        zone = as_zone(tz)
        return [
            (_EPOCH + int(ms) * _ONE_MS).astimezone(zone) for ms in self.timestamps.astype(np.int64)
        ]

    def to_rows(self, tz: str | ZoneInfo = "UTC") -> list[tuple[str, ...]]:
        """``(time, value)`` text cells, time in ``tz`` as RFC 3339 (whole seconds)."""
        return [
            (format_rfc3339(moment), format_value(float(value)))
            for moment, value in zip(self.datetimes(tz), self.values, strict=True)
        ]

    def sorted_by(
        self, key: Literal["time", "value"] = "time", *, descending: bool = False
    ) -> TimeseriesFrame:
        """A stable sort; NaN values go last."""
        if key == "value":
            order = _value_order(self.values, descending)
        else:
            ms = self.timestamps.astype(np.int64)
            order = np.argsort(-ms if descending else ms, kind="stable")
        return replace(self, timestamps=self.timestamps[order], values=self.values[order])


Result = ScalarResult | BucketFrame | TimeseriesFrame


def _epoch_ms(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone")
    return (moment - _EPOCH) // _ONE_MS
