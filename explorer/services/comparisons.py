"""Split by, period over period and cross-tab for a source, through the fan-out.

`Comparisons` is what a source offers for issue 18's "Compare and rank" (`DataSource.comparisons`,
None where a source has none). Each method is a blocking call for a worker thread, taking a
cancel token, a progress callback and a part callback (the window's runner passes its
``deliver``: each `Part` reaches it as it ends); it returns the whole answer, in which a
failed or cancelled part is missing, never zero. Before sending, `split_cost` and
`comparison_cost` and `rank_cost` say what it costs (`explorer.services.fanout.Cost`). The
ranking ("what hurts most") is `explorer.services.ranking`'s, delivering growing `Ranking`
snapshots instead of parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from explorer.api.errors import ApiError
from explorer.domain.cancel import (
    NEVER_CANCELLED,
    Cancelled,
    CancelToken,
    ProgressCallback,
    no_progress,
)
from explorer.domain.catalogue import Endpoint
from explorer.domain.comparison import (
    ComparisonAnswer,
    ComparisonQuestion,
    Shift,
    check,
    coverage,
    shifted,
)
from explorer.domain.crosstab import CrossTab
from explorer.domain.frames import BucketFrame
from explorer.domain.impact import RankRequest
from explorer.domain.parts import Part, PartCallback, PartState, no_parts
from explorer.domain.query import Query
from explorer.domain.splits import SplitAnswer, SplitQuestion, parts_from_breakdown
from explorer.services.fanout import DEFAULT_CONCURRENCY, Cost, FanOut, Run
from explorer.services.ranking import Ranking, rank, rank_cost
from explorer.services.source import RateBudget

StoredFrom = Callable[[Query, datetime, datetime], datetime | None]
"""The oldest moment the local store's history holds for a timeseries in a range (or None)."""

Question = SplitQuestion | ComparisonQuestion | RankRequest
"""What the window asks of `Comparisons.answer`: a split (a cross-tab when its base is a
breakdown), a period-over-period comparison, or the "what hurts most" sweep."""
FanOutAnswer = SplitAnswer | ComparisonAnswer | Ranking
"""What `Comparisons.answer` returns, and the growing snapshots it delivers on the way."""

CURRENT, EARLIER = "current", "previous"
"""The keys of a comparison's two parts (the CSV's ``series`` column says them)."""


def _no_history(query: Query, start: datetime, end: datetime) -> datetime | None:
    return None


class Comparisons:
    """Split, compare and cross-tab over one source's ``run`` (its `run_query`): ``budget``
    reads its rate budget, ``now`` its clock, ``stored_from`` its store's history (None: no
    store)."""

    def __init__(
        self,
        run: Run,
        budget: Callable[[], RateBudget],
        now: Callable[[], datetime],
        stored_from: StoredFrom | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.fanout = FanOut(run, budget, concurrency)
        self._run = run
        self._now = now
        self._stored_from = stored_from or _no_history

    # --- any of them, as the window asks ---------------------------------------------------

    def cost(self, question: Question) -> Cost:
        """What answering ``question`` sends, said before it is sent."""
        if isinstance(question, SplitQuestion):
            return self.split_cost(question)
        if isinstance(question, ComparisonQuestion):
            return self.comparison_cost(question.query)
        return self.rank_cost(question)

    def answer(
        self,
        question: Question,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        deliver: Callable[[FanOutAnswer], None] = lambda answer: None,
    ) -> FanOutAnswer:
        """``question``'s whole answer; on the way, each growing snapshot of it (the split
        with the parts arrived so far, the ranking so far) reaches ``deliver``."""
        if isinstance(question, SplitQuestion):
            growing = [SplitAnswer.pending(question)]

            def arrived(part: Part) -> None:
                growing[0] = growing[0].with_part(part)
                deliver(growing[0])

            return self.run_split(question, cancel, progress, arrived)
        if isinstance(question, ComparisonQuestion):
            return self.run_comparison(question.query, question.shift, cancel, progress)
        return self.rank(question, cancel, progress, deliver)

    # --- split by ------------------------------------------------------------------------

    def split_cost(self, question: SplitQuestion) -> Cost:
        """What `run_split` sends: one request where a breakdown answers, else one per
        segment. When the values must be discovered (`SplitQuestion.needs_discovery`), call
        `discover` first (one quick request): before it, only that request is counted."""
        if question.breakdown_query() is not None:
            return self.fanout.cost(1)
        return self.fanout.cost(len(question.segments()) or 1)

    def discover(
        self, question: SplitQuestion, cancel: CancelToken = NEVER_CANCELLED
    ) -> SplitQuestion:
        """The question with its values listed by `SplitQuestion.discovery_query` (as is
        when it needs none). Raises the ApiError of the listing request."""
        if not question.needs_discovery:
            return question
        found = self._run(question.discovery_query(), cancel, no_progress)
        assert isinstance(found, BucketFrame)
        if found.partial:
            raise ApiError(f"the values of {question.dimension} could not all be listed")
        return question.with_values(tuple(dict.fromkeys(str(d) for d in found.dimensions)))

    def run_split(
        self,
        question: SplitQuestion,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        deliver: PartCallback = no_parts,
    ) -> SplitAnswer:
        """Every segment's answer; each part reaches ``deliver`` as it ends."""
        single = question.breakdown_query()
        if single is not None:
            return self._split_by_breakdown(question, single, cancel, progress, deliver)
        question = self.discover(question, cancel)
        parts = [Part(g.label, q) for g, q in question.queries()]
        return SplitAnswer(question, tuple(self.fanout.run(parts, cancel, deliver, progress)))

    def _split_by_breakdown(
        self,
        question: SplitQuestion,
        query: Query,
        cancel: CancelToken,
        progress: ProgressCallback,
        deliver: PartCallback,
    ) -> SplitAnswer:
        progress(0, 1)
        try:
            frame = self._run(query, cancel, no_progress)
        except Cancelled:
            parts = [p.cancelled() for p in SplitAnswer.pending(question).parts]
        except ApiError as error:
            parts = [p.failed(str(error)) for p in SplitAnswer.pending(question).parts]
        else:
            assert isinstance(frame, BucketFrame)
            parts = parts_from_breakdown(question, frame)
        progress(1, 1)
        for part in parts:
            deliver(part)
        return SplitAnswer(question, tuple(parts))

    # --- cross-tab -----------------------------------------------------------------------

    def run_crosstab(
        self,
        question: SplitQuestion,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        deliver: PartCallback = no_parts,
    ) -> tuple[CrossTab, SplitAnswer]:
        """A breakdown (``question.base``) split by a second dimension: the matrix and the
        split it was read from (its parts say which rows are missing and why)."""
        if question.base.endpoint is not Endpoint.BUCKETS:
            raise ValueError("a cross-tab splits a breakdown (a buckets query)")
        answer = self.run_split(question, cancel, progress, deliver)
        return CrossTab.of(answer), answer

    # --- period over period --------------------------------------------------------------

    def comparison_cost(self, query: Query) -> Cost:
        """Two requests: the current period and the earlier one."""
        return self.fanout.cost(2)

    def run_comparison(
        self,
        query: Query,
        shift: Shift,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        deliver: PartCallback = no_parts,
    ) -> ComparisonAnswer:
        """``query`` now and over the earlier period ``shift`` names, asked together; the
        earlier period reaching beyond the API's 30 days comes from the store's history
        (timeseries) or is cut at the lookback, and the answer warns of what is not covered."""
        problems = check(query)
        if problems:
            raise ValueError("; ".join(problems))
        now = self._now()
        current, earlier, back = shifted(query, shift, now)
        assert current.start is not None and current.end is not None
        assert earlier.start is not None and earlier.end is not None
        timeseries = query.endpoint is Endpoint.TIMESERIES
        stored = self._stored_from(earlier, earlier.start, earlier.end) if timeseries else None
        covered = coverage(earlier.start, earlier.end, now, stored_from=stored)
        earlier_range = (earlier.start, earlier.end)
        if covered.uncovered is not None and stored is None and covered.askable:
            earlier_range = (covered.api_from.astimezone(earlier.start.tzinfo), earlier.end)
            earlier = replace(earlier, start=earlier_range[0])
        parts = [Part(CURRENT, current), Part(EARLIER, earlier)]
        if not covered.askable:
            reason = covered.warnings()[0]
            parts = self.fanout.run(parts[:1], cancel, deliver, progress)
            skipped = Part(EARLIER, earlier).failed(reason)
            deliver(skipped)
            parts.append(skipped)
        else:
            parts = self.fanout.run(parts, cancel, deliver, progress)
        by_key = {p.key: p for p in parts}
        notes = covered.notes() if by_key[EARLIER].state is PartState.DONE else []
        return ComparisonAnswer(
            by_key[CURRENT].result,
            by_key[EARLIER].result,
            shift,
            back,
            (current.start, current.end),
            earlier_range,
            tuple(covered.warnings()),
            tuple(notes),
            parts=tuple(parts),
        )

    # --- what hurts most -----------------------------------------------------------------

    def rank_cost(self, request: RankRequest) -> Cost:
        """The sweep's first round; the impression-time round adds one request per segment
        with enough impressions (see `explorer.services.ranking.rank_cost`)."""
        return rank_cost(self.fanout, request)

    def rank(
        self,
        request: RankRequest,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
        deliver: Callable[[Ranking], None] = lambda ranking: None,
    ) -> Ranking:
        """Segments ranked by their impact; each growing snapshot reaches ``deliver``."""
        return rank(self.fanout, request, cancel, progress, deliver)
