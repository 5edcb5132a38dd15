"""Which view draws which kind of answer: one entry per answer type (beside builders/registry.py).

To add a result view: a QWidget with ``show_answer(answer, shown)``, and one line in `VIEWS`.
The chart views load with pyqtgraph on first use, not at start-up, hence the factories.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from explorer.domain.frames import BucketFrame, ScalarResult, TimeseriesFrame
from explorer.domain.report import Report


@dataclass(frozen=True)
class Shown:
    """What a view needs besides the answer: how to say times, names and an empty answer."""

    zone: str
    fetched_at: datetime
    titles: Mapping[str, str] = field(default_factory=dict)  # asset id -> title
    empty_reasons: Sequence[str] = ()  # why there may be no data, said if there is none
    question: Any = None  # the question asked (a view may offer to ask a follow-up)


class ResultView(Protocol):
    def show_answer(self, answer: Any, shown: Shown) -> None: ...


def _scalar(parent: QWidget) -> QWidget:
    from explorer.ui.results.scalar_view import ScalarView

    return ScalarView(parent)


def _breakdown(parent: QWidget) -> QWidget:
    from explorer.ui.results.breakdown_view import BreakdownView

    return BreakdownView(parent)


def _timeseries(parent: QWidget) -> QWidget:
    from explorer.ui.results.timeseries_view import TimeseriesView

    return TimeseriesView(parent)


def _report(parent: QWidget) -> QWidget:
    from explorer.ui.results.report_view import ReportView

    return ReportView(parent)


def _split(parent: QWidget) -> QWidget:
    from explorer.ui.results.split_view import SplitView

    return SplitView(parent)


def _comparison(parent: QWidget) -> QWidget:
    from explorer.ui.results.comparison_view import ComparisonView

    return ComparisonView(parent)


def _ranking(parent: QWidget) -> QWidget:
    from explorer.ui.results.ranking_view import RankingView

    return RankingView(parent)


VIEWS: dict[type, Callable[[QWidget], QWidget]] = {
    ScalarResult: _scalar,
    BucketFrame: _breakdown,
    TimeseriesFrame: _timeseries,
    Report: _report,
}

NAMED_VIEWS: dict[str, Callable[[QWidget], QWidget]] = {
    "explorer.domain.splits.SplitAnswer": _split,  # a split by a dimension, or a cross-tab
    "explorer.domain.comparison.ComparisonAnswer": _comparison,  # period over period
    "explorer.services.ranking.Ranking": _ranking,  # what hurts most
}
"""Answers whose modules load with their first question, not at start-up: named here and
added to `VIEWS` when the first one is drawn."""


def answer_kind(answer: object) -> type:
    """The registered type an answer is drawn as (its own class or the nearest base)."""
    for kind in type(answer).__mro__:
        named = NAMED_VIEWS.get(f"{kind.__module__}.{kind.__qualname__}")
        if named is not None:
            VIEWS.setdefault(kind, named)
        if kind in VIEWS:
            return kind
    raise TypeError(f"no result view draws a {type(answer).__name__}")
