"""The command palette's fuzzy matching: every letter typed, in order; word starts and runs win."""

from __future__ import annotations

import pytest

from explorer.domain.fuzzy import fuzzy_score, rank

MENU = [
    "Export result to CSV…",
    "Export sessions with events…",
    "Reload assets",
    "Open exploration…",
    "Save exploration…",
    "Run",
    "Run in a new tab",
    "Copy as curl",
    "Where viewers drop off",
    "Window",
    "Query history",
    "Quit",
    "Demo recording of product",
]


def ranked(query: str, texts: list[str] = MENU) -> list[str]:
    return rank(query, texts, lambda text: text)


@pytest.mark.parametrize(
    ("query", "text"),
    [("wvdo", "Where viewers drop off"), ("QUERY h", "Query history"), ("ss", "Straße")],
)
def test_letters_in_order_match_whatever_their_case_and_spaces(query: str, text: str) -> None:
    assert fuzzy_score(query, text) is not None


@pytest.mark.parametrize(
    ("query", "text"), [("odw", "Where viewers drop off"), ("runx", "Run"), ("qh", "Quit")]
)
def test_a_letter_missing_or_out_of_order_is_no_match(query: str, text: str) -> None:
    assert fuzzy_score(query, text) is None


def test_initials_beat_letters_inside_words() -> None:
    # w, d, o all start words of the first; in "Window" d and o sit inside the word
    assert ranked("wdo")[:2] == ["Where viewers drop off", "Window"]


def test_an_unbroken_run_beats_scattered_word_starts() -> None:
    # "drop" as a word beats D(emo) r(ecording) o(f) p(roduct)
    assert ranked("drop")[:2] == ["Where viewers drop off", "Demo recording of product"]


def test_a_word_start_beats_the_same_letters_mid_word() -> None:
    assert ranked("exp")[:2] == ["Export result to CSV…", "Export sessions with events…"]
    assert ranked("exp").index("Open exploration…") > 1


def test_equal_scores_prefer_the_shorter_title_then_the_given_order() -> None:
    assert ranked("run")[:2] == ["Run", "Run in a new tab"]
    assert ranked("tab", ["Load the tab's question", "New tab"]) == [
        "New tab",
        "Load the tab's question",
    ]
    assert ranked("a", ["b a", "c a"]) == ["b a", "c a"]


def test_camel_case_humps_are_word_starts() -> None:
    assert ranked("ts", ["tags", "TopSpeed"]) == ["TopSpeed", "tags"]


def test_an_empty_query_keeps_everything_in_its_order() -> None:
    assert ranked("  ") == MENU
    assert fuzzy_score("", "anything") == 0.0


def test_only_matches_are_returned() -> None:
    assert ranked("csv") == ["Export result to CSV…"]
    assert ranked("zzz") == []
