"""Asset groups: what each kind of group holds, what it says it is, its validation, saving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from explorer.domain.asset_groups import (
    MAX_MEMBERS,
    AssetGroup,
    GroupKind,
    groups_from_list,
)
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from explorer.domain.splits import SplitQuestion, ValueGroup

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    kind: str
    asset_id: str
    title: str = ""
    tags: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()


ASSETS = [
    Item("video", "v1", "Course 1: basics", ("course", "2025")),
    Item("video", "v2", "Course 2: more", ("course",), (("plan", "premium"),)),
    Item("video", "v3", "Trailer", ("Course",), (("plan", "free"),)),
    Item("live-stream", "l1", "Course live Q&A"),
    Item("player", "p1", "Course player"),
]


def test_a_tag_group_holds_every_video_with_exactly_that_tag() -> None:
    group = AssetGroup.tagged("lessons", "course")
    assert group.resolve(ASSETS) == ("v1", "v2")  # "Course" is another tag, as for the API
    assert group.describe(2) == "every video tagged 'course' (2 now)"


def test_a_metadata_group_matches_key_and_value() -> None:
    assert AssetGroup.with_metadata("paid", "plan", "premium").resolve(ASSETS) == ("v2",)
    assert AssetGroup.with_metadata("paid", "plan", "gold").resolve(ASSETS) == ()


def test_a_title_search_ignores_case_and_takes_live_streams_but_never_players() -> None:
    group = AssetGroup.searching("all course", "COURSE")
    assert group.resolve(ASSETS) == ("v1", "v2", "l1")


def test_a_hand_picked_group_keeps_its_ids_in_order_once_each() -> None:
    group = AssetGroup.picked("mine", ["v3", "v1", "v3", ""])
    assert group.ids == ("v3", "v1")
    assert group.resolve(ASSETS) == ("v3", "v1")
    assert group.resolve([]) == ("v3", "v1")  # the list not loaded yet drops nothing
    assert group.describe(12) == "12 hand-picked videos or live streams"
    assert group.describe(1) == "1 hand-picked video or live stream"


@pytest.mark.parametrize(
    ("group", "others", "sentence"),
    [
        (AssetGroup.picked(" ", ["v1"]), [], "needs a name"),
        (AssetGroup.picked("x" * 81, ["v1"]), [], "at most 80 characters"),
        (AssetGroup.picked("Mine", ["v1"]), ["mine"], "already a group named 'Mine'"),
        (AssetGroup.picked("mine", []), [], "at least one video"),
        (AssetGroup.picked("big", [f"v{i}" for i in range(MAX_MEMBERS + 1)]), [], "at most 200"),
        (AssetGroup.tagged("t", " "), [], "needs a tag"),
        (AssetGroup.with_metadata("m", "plan", ""), [], "a key and a value"),
        (AssetGroup.searching("s", ""), [], "words to search"),
    ],
)
def test_validation_says_what_is_wrong(group: AssetGroup, others: list[str], sentence: str) -> None:
    problems = group.validate(others)
    assert any(sentence in p for p in problems), problems


def test_a_valid_group_has_no_problem() -> None:
    assert AssetGroup.with_metadata("paid", "plan", "premium").validate(["free"]) == []


def test_a_group_holding_nothing_or_too_much_cannot_scope_a_query() -> None:
    group = AssetGroup.tagged("none", "nothing")
    assert "holds no video now" in group.scope_problems(())[0]
    many = tuple(f"v{i}" for i in range(MAX_MEMBERS + 1))
    assert "at most 200" in group.scope_problems(many)[0]
    assert group.scope_problems(("v1",)) == []


@pytest.mark.parametrize(
    "group",
    [
        AssetGroup.picked("mine", ["v1", "v2"]),
        AssetGroup.tagged("lessons", "course"),
        AssetGroup.with_metadata("paid", "plan", "premium"),
        AssetGroup.searching("trailers", "trailer"),
    ],
)
def test_a_group_saved_reads_back_the_same(group: AssetGroup) -> None:
    again, problems = groups_from_list([group.to_dict()])
    assert (again, problems) == ([group], [])


def test_unreadable_saved_groups_are_left_out_saying_why() -> None:
    saved = [
        {"name": "ok", "kind": "tag", "term": "course"},
        {"name": "OK", "kind": "tag", "term": "other"},
        {"name": "odd", "kind": "colour"},
        {"name": "empty", "kind": "picked", "ids": []},
        "nonsense",
    ]
    groups, problems = groups_from_list(saved)
    assert [g.name for g in groups] == ["ok"]
    assert len(problems) == 4
    assert any("unknown kind 'colour'" in p for p in problems)
    assert any("'empty' cannot be used" in p for p in problems)


def test_renaming_keeps_the_rule() -> None:
    group = AssetGroup.with_metadata("paid", "plan", "premium").renamed(" premium ")
    assert (group.name, group.kind, group.key, group.term) == (
        "premium",
        GroupKind.METADATA,
        "plan",
        "premium",
    )


def test_a_split_by_groups_is_titled_by_asset_group_one_query_per_group() -> None:
    base = Query(
        endpoint=Endpoint.METRICS,
        metric="play",
        aggregation="count",
        start=NOW - timedelta(days=1),
        end=NOW,
        filters={"mediaId": ("v9",), "country": ("FR",)},
    )
    groups = tuple(
        ValueGroup(g.name, g.resolve(ASSETS))
        for g in (AssetGroup.tagged("lessons", "course"), AssetGroup.picked("trailer", ["v3"]))
    )
    question = SplitQuestion(base, "media-id", groups=groups)
    assert question.title == "play count by asset group"
    assert question.breakdown_query() is None  # a group is several ids: one query each
    assert [(g.label, q.filters) for g, q in question.queries()] == [
        ("lessons", {"mediaId": ("v1", "v2"), "country": ("FR",)}),
        ("trailer", {"mediaId": ("v3",), "country": ("FR",)}),
    ]
    assert question.validate(NOW) == []
