"""Session pages: codes in order of first appearance across pages, ranks, parts of a page."""

from __future__ import annotations

import math

import numpy as np

from explorer.services.session_pages import RowCoder, rank_words
from explorer.services.session_rows import TEXT_COLUMNS, SessionRow


def row(n: int, country: str, city: str, loaded: float = 0.0) -> SessionRow:
    cells = (country, city, *("" for _ in TEXT_COLUMNS[2:]))
    return (f"ps{n}", loaded, math.nan, math.nan, cells, "", None, None, ())


def test_codes_follow_first_appearance_across_pages_and_ignore_case() -> None:
    coder = RowCoder()
    first = coder.page([row(0, "France", "Paris"), row(1, "Japan", "Kyoto"), row(2, "FRANCE", "")])
    second = coder.page([row(3, "Brazil", "Paris"), row(4, "japan", "Lyon")])
    assert first.codes[:, 0].tolist() == [0, 1, 0] and second.codes[:, 0].tolist() == [2, 1]
    assert first.words[0] == ("france", "japan") and second.words[0] == ("brazil",)
    assert first.first_codes[:2] == (0, 0) and second.first_codes[:2] == (2, 3)
    assert second.codes[:, 1].tolist() == [0, 3]  # Paris again, then Lyon new
    assert coder.words[1] == ["paris", "kyoto", "", "lyon"]
    ranks = coder.ranks()
    assert ranks[0].tolist() == [1, 2, 0]  # brazil < france < japan
    assert ranks[1].tolist() == [3, 1, 0, 2]  # "" < kyoto < lyon < paris


def test_numbers_keep_missing_times_as_nan() -> None:
    page = RowCoder().page([row(0, "A", "a", loaded=12.5)])
    assert page.numbers.shape == (1, 3) and page.numbers[0, 0] == 12.5
    assert np.isnan(page.numbers[0, 1:]).all()


def test_a_part_has_its_rows_keys_and_no_words() -> None:
    page = RowCoder().page([row(n, f"C{n}", "x") for n in range(5)])
    part = page.part(1, 3)
    assert [r[0] for r in part.rows] == ["ps1", "ps2"] and part.codes[:, 0].tolist() == [1, 2]
    assert all(words == () for words in part.words) and part.first_codes[0] == 5


def test_an_empty_page_and_vocabulary() -> None:
    page = RowCoder().page([])
    assert len(page) == 0 and page.codes.shape == (0, len(TEXT_COLUMNS))
    assert rank_words([]).tolist() == []


def test_ranks_order_words_as_python_does_and_tie_equal_words() -> None:
    words = ["b", "a", "é", "Z", "a", "ab"]
    ranks = rank_words(words).tolist()
    assert ranks == [3, 1, 4, 0, 1, 2]  # dense: Z < a = a < ab < b < é
    assert sorted(words) == [w for _, w in sorted(zip(ranks, words, strict=True))]
