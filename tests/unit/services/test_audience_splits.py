"""Each session's value of a dimension or metadata key, to split curves and figures by."""

from __future__ import annotations

from explorer.services.audience_splits import EMPTY, NONE, split_groups, value_of
from explorer.services.session_rows import SessionRecord
from explorer.services.sessions import PlayerSession


def record(**parts: object) -> SessionRecord:
    session = {"sessionId": "ps1", "metadata": parts.pop("metadata", [])}
    return SessionRecord.of(PlayerSession.model_validate({"session": session, **parts}))


PHONE_FR = record(
    location={"country": "France"},
    device={"type": "phone"},
    os={"name": "ios"},
    client={"name": "safari"},
    referrer={"url": "https://www.Blog.example.com/post?x=1"},
    metadata=[{"key": "cohort", "value": "b"}, {"key": "country", "value": "x"}],
)
BARE = record(metadata=[{"key": "cohort", "value": ""}])


def test_dimensions_of_a_session() -> None:
    assert [value_of(PHONE_FR, d) for d in ("device-type", "country", "continent", "os")] == [
        "phone", "France", "EU", "ios",
    ]  # fmt: skip
    assert value_of(PHONE_FR, "browser") == "safari"
    assert value_of(PHONE_FR, "referrer-site") == "blog.example.com"
    assert value_of(BARE, "device-type") == EMPTY and value_of(BARE, "referrer-site") == EMPTY
    assert value_of(BARE, "continent") == "(unknown)"


def test_metadata_keys_and_the_prefix_for_a_key_named_like_a_dimension() -> None:
    assert value_of(PHONE_FR, "cohort") == "b"
    assert value_of(PHONE_FR, "metadata:country") == "x"
    assert value_of(PHONE_FR, "country") == "France"
    assert value_of(BARE, "cohort") == EMPTY and value_of(BARE, "learner") is None


def test_groups_are_sorted_labels() -> None:
    groups, labels = split_groups([PHONE_FR, BARE, PHONE_FR], "cohort")
    assert labels == sorted([EMPTY, "b"]) and groups.tolist() == [
        labels.index("b"), labels.index(EMPTY), labels.index("b"),
    ]  # fmt: skip
    groups, labels = split_groups([PHONE_FR, BARE], "learner")
    assert labels == [NONE] and groups.tolist() == [0, 0]
