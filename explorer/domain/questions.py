"""A question (an api.video `Query` or a VideoCloud `ReportRequest`) as a JSON-ready dict and
back, and said in one line: what the query history and the exploration files keep.

The dict is ``{"type": "apivideo-query", "query": {...}}`` (`Query.to_dict`) or
``{"type": "videocloud-report", "report": {...}}`` (`ReportRequest.to_dict`). Reading one that
is not well-formed raises ValueError with a sentence naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from explorer.domain.query import Query
from explorer.domain.videocloud_catalogue import REPORTS, ReportRequest

Question = Query | ReportRequest
QUERY_TYPE = "apivideo-query"
REPORT_TYPE = "videocloud-report"
SOURCE_KIND = {QUERY_TYPE: "apivideo", REPORT_TYPE: "videocloud"}
"""The kind of source (explorer.services.sources) that answers each type of question."""


def question_dict(question: Question) -> dict[str, Any]:
    """The question as a JSON-ready dict."""
    if isinstance(question, Query):
        return {"type": QUERY_TYPE, "query": question.to_dict()}
    return {"type": REPORT_TYPE, "report": question.to_dict()}


def source_kind(question: object) -> str | None:
    """The kind of source that answers the question (None: not a question)."""
    if isinstance(question, Query):
        return SOURCE_KIND[QUERY_TYPE]
    if isinstance(question, ReportRequest):
        return SOURCE_KIND[REPORT_TYPE]
    return None


def question_from(data: object) -> Question:
    """A question from `question_dict`'s form; ValueError, in words, for anything else."""
    if not isinstance(data, Mapping):
        raise ValueError("a question must be an object with a 'type'")
    kind = data.get("type")
    if kind == QUERY_TYPE:
        body = data.get("query")
        if not isinstance(body, Mapping):
            raise ValueError("an apivideo-query needs its 'query' object")
        try:
            return Query.from_dict(body)
        except (ValidationError, ValueError, TypeError) as error:
            raise ValueError(f"the query cannot be read: {_first_problem(error)}") from None
    if kind == REPORT_TYPE:
        body = data.get("report")
        if not isinstance(body, Mapping) or body.get("report") not in REPORTS:
            raise ValueError(f"a videocloud-report needs a 'report' among {', '.join(REPORTS)}")
        try:
            return ReportRequest.from_dict(body)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"the report cannot be read: {error}") from None
    raise ValueError(f"unknown question type {kind!r}: use {QUERY_TYPE} or {REPORT_TYPE}")


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
