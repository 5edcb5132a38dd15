"""What hurts most: sweep the breakdowns and rank the segments by their impact on the whole.

`rank` asks, through the fan-out (explorer.services.fanout), the whole's figures on
`/data/metrics` (plays, impressions, starts, ends, views, the average impression time) and, per
breakdown, the buckets of the counts the figures need; then, for impression time, which is
aggregate-only, one filtered `/data/metrics` request per segment with enough impressions. The
figures and the impact are explorer.domain.impact's. A snapshot of the ranking so far
(`Ranking`) reaches ``deliver`` each time a breakdown's figures are in, so the first rows show
long before the sweep ends; a part that fails leaves its rows out and is named in `missing`,
it never counts as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.frames import BucketFrame, Result, ScalarResult
from explorer.domain.impact import (
    AVERAGED,
    RANKED,
    ImpactRow,
    RankedMetric,
    RankRequest,
    min_volume_sentence,
    rank_average,
    rank_ratio,
    sort_rows,
)
from explorer.domain.parts import Part, PartState
from explorer.services.fanout import Cost, FanOut

COUNTS: tuple[str, ...] = ("play", "impression", "start", "end", "view")
"""The counts the ratios need, asked overall and per breakdown."""
_OVERALL = "overall"


@dataclass(frozen=True)
class Ranking:
    """The rows ranked so far (largest impact first), how far the sweep is, and the parts
    that are missing (failed or cancelled: their rows are left out, never counted as zero)."""

    rows: tuple[ImpactRow, ...]
    period: str
    min_volume: float
    parts_done: int
    parts_total: int
    missing: tuple[str, ...] = ()
    finished: bool = False

    @property
    def complete(self) -> bool:
        """The sweep has ended and nothing is missing."""
        return self.finished and not self.missing

    @property
    def min_volume_note(self) -> str:
        """What a segment needs to be listed, in words."""
        return min_volume_sentence(self.min_volume)

    def sentences(self, titles: Mapping[str, str] | None = None) -> list[str]:
        """Each row in words, in rank order (media named by their ``titles``, id -> title)."""
        return [row.sentence(self.period, titles) for row in self.rows]


def rank_cost(fanout: FanOut, request: RankRequest) -> Cost:
    """The sweep's first round (overall figures and breakdowns); the impression-time round
    adds one request per segment with enough impressions, not known before."""
    return fanout.cost(len(COUNTS) + 1 + len(COUNTS) * len(request.breakdowns))


class _Sweep:
    """The answers as they arrive, and the rows they make (calling thread only)."""

    def __init__(self, request: RankRequest, deliver: Callable[[Ranking], None]) -> None:
        self.request = request
        self.deliver = deliver
        self.results: dict[str, Result] = {}
        self.rows: dict[tuple[str, str], list[ImpactRow]] = {}
        self.averages: dict[str, dict[str, float]] = {}
        self.missing: list[str] = []
        self.done = 0
        self.total = 0

    def snapshot(self, finished: bool = False) -> Ranking:
        rows = sort_rows([r for rows in self.rows.values() for r in rows])
        return Ranking(
            tuple(rows),
            self.request.period,
            self.request.min_volume,
            self.done,
            self.total,
            tuple(self.missing),
            finished,
        )

    def counts(self, breakdown: str, metric: str) -> dict[str, float] | None:
        frame = self.results.get(f"{breakdown}:{metric}")
        if not isinstance(frame, BucketFrame) or frame.partial:
            return None
        return {str(d): float(v) for d, v in zip(frame.dimensions, frame.values, strict=True)}

    def overall(self, metric: str) -> float | None:
        found = self.results.get(f"{_OVERALL}:{metric}")
        return found.value if isinstance(found, ScalarResult) else None

    def arrived(self, part: Part) -> None:
        self.done += 1
        if part.state is not PartState.DONE or (part.result and part.result.partial):
            self.missing.append(part.describe())
        elif part.result is not None:
            self.results[part.key] = part.result
            self._rank_ready(part.key)
        self.deliver(self.snapshot())

    def _rank_ready(self, key: str) -> None:
        for metric in RANKED:
            if metric.is_average:
                self._average(metric, key)
                continue
            for breakdown in self.request.breakdowns:
                if (metric.name, breakdown) not in self.rows:
                    self._ratio(metric, breakdown)

    def _ratio(self, metric: RankedMetric, breakdown: str) -> None:
        numerators = self.counts(breakdown, metric.numerator)
        volumes = self.counts(breakdown, metric.volume)
        overall_numerator = self.overall(metric.numerator)
        overall_volume = self.overall(metric.volume)
        if None in (numerators, volumes, overall_numerator, overall_volume):
            return
        self.rows[(metric.name, breakdown)] = rank_ratio(
            metric,
            breakdown,
            numerators or {},
            volumes or {},
            overall_numerator or 0.0,
            overall_volume or 0.0,
            self.request.min_volume,
        )

    def _average(self, metric: RankedMetric, key: str) -> None:
        breakdown, _, rest = key.partition("=")
        segment = rest.removesuffix(f":{AVERAGED}")
        overall = self.overall(AVERAGED)
        volumes = self.counts(breakdown, metric.volume) if rest else None
        result = self.results.get(key)
        if overall is None or volumes is None or not isinstance(result, ScalarResult):
            return
        averages = self.averages.setdefault(breakdown, {})
        averages[segment] = result.value
        counted = {s: v for s, v in volumes.items() if s in averages}
        self.rows[(metric.name, breakdown)] = rank_average(
            metric, breakdown, averages, counted, overall, self.request.min_volume
        )


def rank(
    fanout: FanOut,
    request: RankRequest,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
    deliver: Callable[[Ranking], None] = lambda ranking: None,
) -> Ranking:
    """Sweep and rank (see the module docstring); snapshots reach ``deliver`` as they grow."""
    sweep = _Sweep(request, deliver)
    first = [Part(f"{_OVERALL}:{m}", request.overall_query(m)) for m in (*COUNTS, AVERAGED)]
    first += [
        Part(f"{b}:{m}", request.bucket_query(m, b)) for b in request.breakdowns for m in COUNTS
    ]
    sweep.total = len(first)

    def overall_progress(done: int, total: int) -> None:
        progress(sweep.done, sweep.total)

    fanout.run(first, cancel, sweep.arrived, overall_progress)
    if not cancel.cancelled:
        second = []
        for breakdown in request.breakdowns:
            volumes = sweep.counts(breakdown, "impression") or {}
            second += [
                Part(f"{breakdown}={s}:{AVERAGED}", request.segment_query(breakdown, s))
                for s, v in volumes.items()
                if v >= request.min_volume and v > 0
            ]
        sweep.total += len(second)
        fanout.run(second, cancel, sweep.arrived, overall_progress)
    final = sweep.snapshot(finished=True)
    deliver(final)
    return final
