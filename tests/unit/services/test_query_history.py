"""The query history: kept per account across reopenings, searchable, starred, forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from explorer.domain.questions import question_dict, question_from
from explorer.domain.videocloud_catalogue import ReportRequest
from explorer.services.query_history import QueryHistory
from explorer.store import open_store
from explorer.store.history import MAX_ENTRIES

T0 = datetime(2026, 3, 10, 12, tzinfo=UTC)
PLAYS_FR = Query(
    Endpoint.BUCKETS, "play", breakdown="device-type", start=T0, end=T0 + timedelta(days=1),
    filters={"country": ("FR",)},
)  # fmt: skip
VIEWS = Query(Endpoint.TIMESERIES, "view", interval="hour", start=T0, end=T0 + timedelta(hours=6))
REPORT = ReportRequest("video", "7d", "vi1")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def test_questions_are_kept_per_account_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with open_store(path).store as store:
        clock = Clock()
        mine = QueryHistory(store, "acc-1", clock)
        mine.record(PLAYS_FR)
        mine.record(VIEWS)
        mine.record(REPORT)
        mine.record(PLAYS_FR)  # again: moved to the top, counted
        QueryHistory(store, "acc-2", clock).record(VIEWS)
    with open_store(path).store as store:
        entries = QueryHistory(store, "acc-1").entries()
        assert [e.question for e in entries] == [PLAYS_FR, REPORT, VIEWS]
        assert [e.times for e in entries] == [2, 1, 1]
        assert len(QueryHistory(store, "acc-2").entries()) == 1


def test_search_star_and_forget(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite3").store as store:
        history = QueryHistory(store, "acc", Clock())
        plays, views = history.record(PLAYS_FR), history.record(VIEWS)
        assert plays is not None and views is not None
        assert [e.question for e in history.entries("device country=fr")] == [PLAYS_FR]
        assert [e.question for e in history.entries("over time")] == [VIEWS]
        assert history.entries("100%") == []  # LIKE's wildcards are plain text
        assert history.star(views)
        assert [e.entry_id for e in history.entries(starred_only=True)] == [views]
        assert history.forget(plays)
        assert not history.forget(plays)
        assert not QueryHistory(store, "other").star(views)  # another account's entry
        assert [e.question for e in history.entries()] == [VIEWS]


def test_the_oldest_unstarred_go_first_beyond_the_limit(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite3").store as store:
        history = QueryHistory(store, "acc", Clock())
        first = history.record(REPORT)
        assert first is not None
        history.star(first)
        for n in range(MAX_ENTRIES + 5):
            history.record(ReportRequest("summary", "7d", top=n + 1))
        entries = history.entries(limit=MAX_ENTRIES * 2)
        assert len(entries) == MAX_ENTRIES + 1  # the starred one stays
        assert entries[-1].question == REPORT
        assert ReportRequest("summary", "7d", top=1) not in [e.question for e in entries]


def test_a_question_from_a_newer_version_is_listed_not_a_crash(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite3").store as store:
        history = QueryHistory(store, "acc", Clock())
        history._table.record("acc", {"type": "future-question"}, "something new", T0)
        (entry,) = history.entries()
        assert entry.question is None
        assert "unknown question type" in entry.problem


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be an object"),
        ({"type": "apivideo-query"}, "needs its 'query'"),
        ({"type": "apivideo-query", "query": {"endpoint": "nope", "metric": "play"}}, "endpoint"),
        ({"type": "videocloud-report", "report": {"report": "x"}}, "needs a 'report' among"),
    ],
)
def test_a_malformed_question_says_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        question_from(data)


def test_questions_round_trip() -> None:
    for question in (PLAYS_FR, VIEWS, REPORT):
        assert question_from(question_dict(question)) == question
