"""A question (an api.video `Query`, a split, a comparison or a ranking of them, or a VideoCloud
`ReportRequest`) as a JSON-ready dict and back, and said in one line: what the query history
and the exploration files keep.

The dict is ``{"type": "apivideo-query", "query": {...}}`` (`Query.to_dict`),
``{"type": "apivideo-split", "query": {...}, "dimension": "continent", "values": [...],
"groups": [{"label": ..., "values": [...]}]}``, ``{"type": "apivideo-compare", "query": {...},
"compare": "previous" | "week" | "10080m"}``, ``{"type": "apivideo-rank", "from": RFC 3339,
"to": RFC 3339, "filters": {...}, "min_volume": 50}`` or ``{"type": "videocloud-report",
"report": {...}}`` (`ReportRequest.to_dict`). Reading one that is not well-formed raises
ValueError with a sentence naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from explorer.domain.comparison import ComparisonQuestion, Shift, ShiftKind
from explorer.domain.impact import DEFAULT_MIN_VOLUME, RankRequest
from explorer.domain.query import Query
from explorer.domain.splits import SplitQuestion, ValueGroup
from explorer.domain.timerange import format_rfc3339
from explorer.domain.videocloud_catalogue import REPORTS, ReportRequest

Question = Query | SplitQuestion | ComparisonQuestion | RankRequest | ReportRequest
QUERY_TYPE = "apivideo-query"
SPLIT_TYPE = "apivideo-split"
COMPARE_TYPE = "apivideo-compare"
RANK_TYPE = "apivideo-rank"
REPORT_TYPE = "videocloud-report"
SOURCE_KIND = {
    QUERY_TYPE: "apivideo",
    SPLIT_TYPE: "apivideo",
    COMPARE_TYPE: "apivideo",
    RANK_TYPE: "apivideo",
    REPORT_TYPE: "videocloud",
}
"""The kind of source (explorer.services.sources) that answers each type of question."""
_TYPES = (
    (Query, QUERY_TYPE),
    (SplitQuestion, SPLIT_TYPE),
    (ComparisonQuestion, COMPARE_TYPE),
    (RankRequest, RANK_TYPE),
    (ReportRequest, REPORT_TYPE),
)


def _shift_text(shift: Shift) -> str:
    if shift.kind is ShiftKind.OFFSET:
        return f"{int(shift.offset.total_seconds() // 60)}m"
    return shift.kind.value


def question_dict(question: Question) -> dict[str, Any]:
    """The question as a JSON-ready dict."""
    if isinstance(question, Query):
        return {"type": QUERY_TYPE, "query": question.to_dict()}
    if isinstance(question, SplitQuestion):
        return {
            "type": SPLIT_TYPE,
            "query": question.base.to_dict(),
            "dimension": question.dimension,
            "values": list(question.values),
            "groups": [{"label": g.label, "values": list(g.values)} for g in question.groups],
        }
    if isinstance(question, ComparisonQuestion):
        return {
            "type": COMPARE_TYPE,
            "query": question.query.to_dict(),
            "compare": _shift_text(question.shift),
        }
    if isinstance(question, RankRequest):
        return {
            "type": RANK_TYPE,
            "from": format_rfc3339(question.start),
            "to": format_rfc3339(question.end),
            "filters": {k: list(v) for k, v in question.filters.items()},
            "min_volume": question.min_volume,
        }
    return {"type": REPORT_TYPE, "report": question.to_dict()}


def source_kind(question: object) -> str | None:
    """The kind of source that answers the question (None: not a question)."""
    for kind, name in _TYPES:
        if isinstance(question, kind):
            return SOURCE_KIND[name]
    return None


def _query(data: Mapping[str, Any], kind: str) -> Query:
    body = data.get("query")
    if not isinstance(body, Mapping):
        raise ValueError(f"an {kind} needs its 'query' object")
    try:
        return Query.from_dict(body)
    except (ValidationError, ValueError, TypeError) as error:
        raise ValueError(f"the query cannot be read: {_first_problem(error)}") from None


def _strings(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what} must be a list of strings")
    return tuple(value)


def _split(data: Mapping[str, Any]) -> SplitQuestion:
    dimension = data.get("dimension")
    if not isinstance(dimension, str):
        raise ValueError("an apivideo-split needs its 'dimension'")
    groups = data.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, Mapping) for g in groups):
        raise ValueError("a split's 'groups' must be a list of {label, values}")
    return SplitQuestion(
        _query(data, SPLIT_TYPE),
        dimension,
        _strings(data.get("values", []), "a split's 'values'"),
        tuple(
            ValueGroup(str(g.get("label", "")), _strings(g.get("values"), "a group's 'values'"))
            for g in groups
        ),
    )


def _rank(data: Mapping[str, Any]) -> RankRequest:
    try:
        start = datetime.fromisoformat(str(data["from"]))
        end = datetime.fromisoformat(str(data["to"]))
        volume = float(data.get("min_volume", DEFAULT_MIN_VOLUME))
    except (KeyError, ValueError) as error:
        raise ValueError(f"an apivideo-rank needs 'from' and 'to' in RFC 3339 ({error})") from None
    filters = data.get("filters", {})
    if not isinstance(filters, Mapping):
        raise ValueError("a ranking's 'filters' must be an object")
    return RankRequest(
        start,
        end,
        {str(k): _strings(v, f"the filter {k}") for k, v in filters.items()},
        volume,
    )


def question_from(data: object) -> Question:
    """A question from `question_dict`'s form; ValueError, in words, for anything else."""
    if not isinstance(data, Mapping):
        raise ValueError("a question must be an object with a 'type'")
    kind = data.get("type")
    if kind == QUERY_TYPE:
        return _query(data, QUERY_TYPE)
    if kind == SPLIT_TYPE:
        return _split(data)
    if kind == COMPARE_TYPE:
        return ComparisonQuestion(_query(data, COMPARE_TYPE), Shift.parse(str(data.get("compare"))))
    if kind == RANK_TYPE:
        return _rank(data)
    if kind == REPORT_TYPE:
        body = data.get("report")
        if not isinstance(body, Mapping) or body.get("report") not in REPORTS:
            raise ValueError(f"a videocloud-report needs a 'report' among {', '.join(REPORTS)}")
        try:
            return ReportRequest.from_dict(body)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"the report cannot be read: {error}") from None
    raise ValueError(f"unknown question type {kind!r}: use {', '.join(SOURCE_KIND)}")


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))
    return str(error)


def describe(question: Question) -> str:
    """One line that says the question: "play by country · mediaId=vi1 · 2026-03-01 – …"."""
    if isinstance(question, ReportRequest):
        return question.title
    if isinstance(question, RankRequest):
        span = f"{question.start:%Y-%m-%d %H:%M} – {question.end:%Y-%m-%d %H:%M %z}"
        return f"what hurts most · {span}"
    if isinstance(question, SplitQuestion | ComparisonQuestion):
        inner = question.base if isinstance(question, SplitQuestion) else question.query
        return " · ".join([question.title, *describe(inner).split(" · ")[1:]])
    parts = [question.title]
    if question.interval:
        parts[0] += f" by {question.interval}"
    parts += [f"{key}={','.join(values)}" for key, values in question.filters.items() if values]
    if question.unique:
        parts.append("unique")
    if question.view_duration:
        parts.append(f"view {question.view_duration}")
    if question.is_all_time:
        parts.append("all time")
    elif question.start is not None and question.end is not None:
        parts.append(f"{question.start:%Y-%m-%d %H:%M} – {question.end:%Y-%m-%d %H:%M %z}")
    return " · ".join(parts)
