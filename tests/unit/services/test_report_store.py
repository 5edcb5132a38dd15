"""Reports in the local store: the codec's round trip, the key of a ReportRequest, keep/read."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import Provenance, ResultContext, ScalarResult
from explorer.domain.query import Query
from explorer.domain.report import Report, ReportBuilder, Shape
from explorer.domain.videocloud_catalogue import CATALOGUE, ReportRequest
from explorer.services.local_cache import LocalCache, question_key
from explorer.services.result_codec import (
    PayloadError,
    read_report,
    read_result,
    report_payload,
    result_payload,
)
from explorer.store import Store, open_store

PLUS_TWO = timezone(timedelta(hours=2))
START = datetime(2026, 3, 9, tzinfo=UTC)
END = datetime(2026, 3, 16, 2, tzinfo=PLUS_TWO)
FETCHED = datetime(2026, 3, 16, 12, tzinfo=UTC)


def report(**flags: object) -> Report:
    out = ReportBuilder("videocloud-users", "Users · 7d")
    out.add("period", "start", None, date=START, shape=Shape.FIGURES)
    out.figures("growth", [("new_users", 3.0, ""), ("churn_rate", None, "ratio")])
    out.breakdown("growth.by_source", "new_users", {"organic": 2.0, "ads": 1.0})
    out.add("top_videos", "title", "Algebra 1", key="vi1", shape=Shape.BREAKDOWN)
    out.at("views.timeline", END, [("views", 14.0, "")])
    out.at("retention.cohorts", START, [("size", 3.0, ""), ("day1", 0.5, "ratio")], Shape.MATRIX)
    request = {"period": "7d", "metrics": ["growth"], "compare": True, "from": START, "to": END}
    return out.build(request, **flags)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3")
    yield opened.store
    opened.store.close()


# --- the codec -------------------------------------------------------------------------


def test_a_report_round_trips_through_json() -> None:
    original = report(partial=True, error="the cohorts are missing")
    payload = json.loads(json.dumps(result_payload(original)))  # what the store keeps
    assert payload["kind"] == "report"
    again = read_result(payload)
    assert again == original
    assert isinstance(again, Report) and again.shapes == original.shapes
    assert again.request["to"] == END and again.request["to"].utcoffset() == timedelta(hours=2)
    assert again.section("views.timeline").members() == [END]


def test_nan_is_kept_as_none() -> None:
    out = ReportBuilder("k", "t")
    out.figures("a", [("x", math.nan, "")])
    assert read_report(report_payload(out.build())).entries[0].value is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.pop("entries"),
        lambda p: p.update(shapes=[["growth", "pie"]]),
        lambda p: p["entries"].append(["a", "b", [1], "", "", None]),
        lambda p: p["entries"].append(["a", "b", 1.0, "", "", "2026-03-09T00:00:00"]),  # naive
        lambda p: p["entries"].append(["a", "b"]),
        lambda p: p.update(request=[1, 2]),
    ],
)
def test_a_damaged_report_payload_is_a_payload_error(damage: object) -> None:
    payload = json.loads(json.dumps(report_payload(report())))
    damage(payload)  # type: ignore[operator]
    with pytest.raises(PayloadError, match="a stored report cannot be read"):
        read_result(payload)


# --- keys ------------------------------------------------------------------------------


def test_the_key_of_a_report_request_is_all_of_it() -> None:
    request = ReportRequest("video", "7d", "vi1", ("views",), "day", False, None)
    key = question_key(request)
    path, params = request.target()
    assert json.loads(key) == {"path": path, "params": [list(p) for p in params]}
    assert key == question_key(ReportRequest.from_dict(request.to_dict()))
    assert key != question_key(ReportRequest("video", "30d", "vi1", ("views",), "day", False))
    assert key != question_key(ReportRequest("video", "7d", "vi2", ("views",), "day", False))


def test_a_report_request_with_its_defaults_spelled_out_is_the_same_question() -> None:
    implicit = ReportRequest("users")
    explicit = ReportRequest("users", implicit.chosen_period, metrics=CATALOGUE.metrics("users"))
    assert question_key(implicit) == question_key(explicit)
    assert question_key(ReportRequest("video", None, "vi1")) == question_key(
        ReportRequest("video", ReportRequest("video").chosen_period, "vi1")
    )
    assert question_key(implicit) != question_key(ReportRequest("users", "7d"))


def test_api_video_keys_are_unchanged() -> None:
    query = Query(endpoint=Endpoint.BUCKETS, metric="play", breakdown="country", start=START)
    before = query.to_dict()  # what question_key has always done
    before.pop("start", None)
    before.pop("end", None)
    assert question_key(query) == json.dumps(before, sort_keys=True, separators=(",", ":"))
    assert "start" not in question_key(query)


# --- LocalCache ------------------------------------------------------------------------


def test_a_report_is_kept_and_read_back_marked_offline(store: Store) -> None:
    cache = LocalCache(store, "acc-1")
    request = ReportRequest("users", "7d", metrics=("growth",))
    assert cache.result(request) is None
    cache.keep_result(request, report(), FETCHED)
    stored = cache.result(request)
    assert stored is not None and stored.provenance == Provenance(FETCHED, offline=True)
    assert stored.entries == report().entries and stored.request == report().request
    assert cache.result(ReportRequest("users", "30d", metrics=("growth",))) is None
    assert LocalCache(store, "acc-2").result(request) is None  # another account's store


def test_a_partial_report_is_not_kept(store: Store) -> None:
    cache = LocalCache(store, "acc-1")
    request = ReportRequest("users", "7d")
    cache.keep_result(request, report(partial=True), FETCHED)
    assert cache.result(request) is None


def test_an_answer_that_does_not_fit_its_question_is_ignored(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    request = ReportRequest("users", "7d")
    context = ResultContext(Endpoint.BUCKETS, "play")
    store.put_result(
        "acc-1", question_key(request), result_payload(ScalarResult(context, 3)), FETCHED
    )
    with caplog.at_level(logging.WARNING):
        assert LocalCache(store, "acc-1").result(request) is None
    assert "does not fit its question" in caplog.text
