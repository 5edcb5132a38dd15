"""Fuzzy matching for the command palette: the query's letters in order (a subsequence), scored
so that letters at word starts and unbroken runs win, and gaps cost.

Why not the stdlib's ``difflib``: ``SequenceMatcher.ratio`` and ``get_close_matches`` measure how
alike two whole strings are (typos), so an abbreviation such as "wdo" for "Where viewers drop
off" scores below unrelated short titles, and a title that contains the query letter for letter
is not guaranteed to outrank one that does not. A palette wants the other thing: every letter
typed must be there, in order, and initials count most.

The score of one alignment, letters compared case-insensitively, spaces in the query ignored:

* each matched letter: ``LETTER`` (1);
* a letter at a word start (the first letter, after a non-alphanumeric, or an upper-case letter
  after a lower-case one): ``WORD_START`` more;
* a letter right after the previous matched letter (a run): ``RUN`` more, or as much as the
  run's first letter had if that was more (so "drop" in "… drop off" counts as four word
  starts, as in fzf's scoring);
* a gap of ``n`` skipped letters between two matched ones: ``-min(n, GAP_CAP)``; letters
  before the first match cost ``LEAD`` each, at most ``GAP_CAP``.

The best alignment is found by dynamic programming (``O(len(query) * len(text))``). `rank`
orders candidates by score, then the shorter text, then their given order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

LETTER = 1.0
WORD_START = 8.0
RUN = 5.0
GAP_CAP = 3
LEAD = 0.5

T = TypeVar("T")
_NONE = float("-inf")


def _word_starts(text: str) -> list[bool]:
    starts = []
    for i, char in enumerate(text):
        before = text[i - 1] if i else ""
        starts.append(
            char.isalnum()
            and (not before or not before.isalnum() or (char.isupper() and before.islower()))
        )
    return starts


def _is_subsequence(needle: str, haystack: str) -> bool:
    letters = iter(haystack)
    return all(char in letters for char in needle)


def fuzzy_score(query: str, text: str) -> float | None:
    """How well ``text`` matches ``query`` (higher is better); None when the query's letters
    are not all in ``text`` in order. An empty query matches everything with 0."""
    needle = "".join(query.casefold().split())
    folded = text.casefold()
    if not needle:
        return 0.0
    if not _is_subsequence(needle, folded):
        return None
    # casefold may lengthen a letter (ß -> ss): then word starts are read from the folded text
    bonus = [
        LETTER + (WORD_START if start else 0.0)
        for start in _word_starts(text if len(text) == len(folded) else folded)
    ]
    # best[j]: the best score of the query's letters so far with the last one on folded[j];
    # chunk[j]: the bonus of the first letter of the run that ends there (a run inherits it)
    best = [
        bonus[j] - min(j * LEAD, GAP_CAP) if char == needle[0] else _NONE
        for j, char in enumerate(folded)
    ]
    chunk = list(bonus)
    for letter in needle[1:]:
        row, row_chunk = [_NONE] * len(folded), list(bonus)
        far = _NONE  # the best of best[k] with k at least GAP_CAP letters before j
        for j, char in enumerate(folded):
            if (k := j - 1 - GAP_CAP) >= 0:
                far = max(far, best[k])
            if char != letter:
                continue
            jumped = max(
                [far - GAP_CAP]
                + [best[j - 1 - gap] - gap for gap in range(1, GAP_CAP) if j - 1 - gap >= 0]
            )
            row[j] = bonus[j] + jumped
            if j and best[j - 1] > _NONE:
                carried = max(bonus[j], chunk[j - 1], LETTER + RUN)
                if best[j - 1] + carried >= row[j]:
                    row[j], row_chunk[j] = best[j - 1] + carried, carried
        best, chunk = row, row_chunk
    top = max(best)
    return top if top > _NONE else None


def rank(query: str, candidates: Iterable[T], text: Callable[[T], str]) -> list[T]:
    """The candidates whose ``text`` matches ``query``, best first (ties: shorter text, then
    the given order); an empty query keeps them all in their order."""
    scored: list[tuple[float, int, int, T]] = []
    for order, candidate in enumerate(candidates):
        words = text(candidate)
        score = fuzzy_score(query, words)
        if score is not None:
            scored.append((-score, len(words), order, candidate))
    if not "".join(query.split()):
        return [candidate for *_, candidate in scored]
    scored.sort(key=lambda item: item[:3])
    return [candidate for *_, candidate in scored]
