"""Alert rules: a rule on a metric, a threshold or an anomaly, and the anomaly's arithmetic.

A rule is an `/data/metrics` query in disguise (metric, aggregation, filters, a rolling
window) and a condition on its one value:

* a **threshold**: ``above``/``below`` a number (either or both), optionally only
  ``while_on_air`` (one of the rule's live streams, or any, is broadcasting);
* an **anomaly**: the last whole hour (in the file's ``zone``) against the same hour of day on
  the ``days`` days before it, out of ``mean ± k·sd`` (sample standard deviation), judged only
  with at least ``min_days`` of those days known.

A rules file (TOML) is read by `explorer.domain.alert_file`. Nothing here does I/O.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from explorer.domain.catalogue import (
    Endpoint,
)
from explorer.domain.query import Query
from explorer.domain.timerange import as_zone

State = Literal["fired", "quiet", "skipped", "failed"]
Direction = Literal["both", "above", "below"]
DIRECTIONS: tuple[str, ...] = ("both", "above", "below")
DEFAULT_WINDOW = timedelta(hours=1)
DEFAULT_CHECK_EVERY = timedelta(minutes=5)
SHORTEST_CHECK = timedelta(minutes=1)
MAX_HISTORY_DAYS = 90


class RulesError(ValueError):
    """A rules file that cannot be used: the line (1-based; 0 when none applies) and why."""

    def __init__(self, line: int, why: str) -> None:
        super().__init__(f"line {line}: {why}" if line else why)
        self.line = line
        self.why = why


@dataclass(frozen=True)
class Threshold:
    """Fires when the value is above ``above`` or below ``below``."""

    above: float | None = None
    below: float | None = None
    while_on_air: bool = False

    def breached(self, value: float) -> bool:
        return (self.above is not None and value > self.above) or (
            self.below is not None and value < self.below
        )

    def describe(self) -> str:
        parts = [f"above {_num(self.above)}" if self.above is not None else ""]
        parts.append(f"below {_num(self.below)}" if self.below is not None else "")
        text = " or ".join(p for p in parts if p)
        return text + (" while on air" if self.while_on_air else "")


@dataclass(frozen=True)
class Anomaly:
    """Fires when the last hour is outside mean ± k·sd of the same hour on earlier days."""

    k: float = 3.0
    min_days: int = 7
    days: int = 28
    direction: Direction = "both"

    def describe(self) -> str:
        side = {"both": "outside", "above": "above", "below": "below"}[self.direction]
        return (
            f"{side} mean ± {_num(self.k)} sd of the same hour over {self.days} days "
            f"(at least {self.min_days})"
        )


@dataclass(frozen=True)
class Rule:
    name: str
    line: int  # where its [[rule]] starts in the file
    metric: str
    aggregation: str
    condition: Threshold | Anomaly
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    window: timedelta = DEFAULT_WINDOW
    unique: bool | None = None
    view_duration: str | None = None

    def query(self, start: datetime, end: datetime) -> Query:
        """The `/data/metrics` question over ``[start, end)`` (no range for all-time totals)."""
        query = Query(
            endpoint=Endpoint.METRICS, metric=self.metric, aggregation=self.aggregation,
            start=start, end=end, filters=dict(self.filters), unique=self.unique,
            view_duration=self.view_duration,
        )  # fmt: skip
        if query.is_all_time:
            return Query(
                endpoint=Endpoint.METRICS, metric=self.metric, aggregation=self.aggregation,
                filters=dict(self.filters),
            )  # fmt: skip
        return query

    def window_query(self, now: datetime) -> Query:
        """A threshold's question: the rolling window ending now."""
        return self.query(now - self.window, now)

    @property
    def what(self) -> str:
        """``impression-time average`` and its filters, as the log says it."""
        scope = ", ".join(f"{k}={','.join(v)}" for k, v in self.filters.items() if v)
        return f"{self.metric} {self.aggregation}" + (f" ({scope})" if scope else "")


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    zone: str = "UTC"
    check_every: timedelta = DEFAULT_CHECK_EVERY


@dataclass(frozen=True)
class Outcome:
    """What checking one rule found, in one sentence; ``query`` shows it in the window."""

    rule: Rule
    state: State
    text: str
    at: datetime
    value: float | None = None
    query: Query | None = None

    @property
    def fired(self) -> bool:
        return self.state == "fired"


# --- anomaly arithmetic ------------------------------------------------------------------------


def last_whole_hour(now: datetime, zone: str) -> datetime:
    """The start of the last complete hour before ``now``, in ``zone``."""
    local = now.astimezone(as_zone(zone))
    top = local.replace(minute=0, second=0, microsecond=0)
    return (top.astimezone(UTC) - timedelta(hours=1)).astimezone(local.tzinfo)


def same_hours(hour: datetime, days: int) -> list[datetime]:
    """The same wall-clock hour on each of the ``days`` days before ``hour`` (aware, in its
    zone; a DST gap's hour lands where the clock shows it), newest first."""
    found = []
    for back in range(1, days + 1):
        wall = hour - timedelta(days=back)  # aware arithmetic in one zone: wall-clock time
        found.append(wall.astimezone(UTC).astimezone(hour.tzinfo))
    return found


@dataclass(frozen=True)
class Baseline:
    values: tuple[float, ...]
    mean: float
    sd: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Baseline:
        kept = tuple(v for v in values if math.isfinite(v))
        if not kept:
            return cls((), math.nan, math.nan)
        sd = statistics.stdev(kept) if len(kept) > 1 else 0.0
        return cls(kept, statistics.fmean(kept), sd)

    def band(self, k: float) -> tuple[float, float]:
        return self.mean - k * self.sd, self.mean + k * self.sd

    def outside(self, value: float, k: float, direction: Direction = "both") -> bool:
        low, high = self.band(k)
        if direction == "above":
            return value > high
        if direction == "below":
            return value < low
        return value > high or value < low


def judge_anomaly(rule: Rule, value: float, baseline: Baseline) -> tuple[State, str]:
    """Fired or quiet, or skipped when the history holds too few days; the sentence why."""
    condition = rule.condition
    assert isinstance(condition, Anomaly)
    days = len(baseline.values)
    if days < condition.min_days:
        return "skipped", (
            f"not enough history to judge {_num(value)}: {days} of the {condition.min_days} "
            f"days needed hold this hour (looked {condition.days} days back); not fired"
        )
    low, high = baseline.band(condition.k)
    band = f"mean {_num(baseline.mean)} ± {_num(condition.k)} sd {_num(baseline.sd)}"
    where = f"[{_num(low)}, {_num(high)}] ({band}, {days} days)"
    if baseline.outside(value, condition.k, condition.direction):
        return "fired", f"{_num(value)} is outside {where}"
    return "quiet", f"{_num(value)} is within {where}"


def _num(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def number(value: float | None) -> str:
    """A value as alerts say it: four significant digits, thousands separated."""
    return _num(value)
