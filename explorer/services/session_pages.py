"""Pages of session rows with their sort keys, made on the worker so that a click sorts at once.

Times and durations travel as a float array, and each text column as integer codes into that
column's vocabulary (its case-folded texts in order of first appearance, across the pages of
one list). Ranking a vocabulary once (`rank_words`) orders a column by integers: numpy sorts a
hundred thousand of those in a few milliseconds, where the texts themselves took ten times that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from explorer.services.session_rows import (
    ROW_CELLS,
    ROW_DURATION,
    ROW_ENDED,
    ROW_LOADED,
    TEXT_COLUMNS,
    SessionRow,
)

FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int32]
TEXT_SLICE = 2_048  # words turned into numpy text per call (text_array)
NUMBER_FIELDS = (ROW_LOADED, ROW_ENDED, ROW_DURATION)
"""The columns of `SessionPage.numbers`, in this order."""


@dataclass(frozen=True, slots=True)
class SessionPage:
    """Rows and their keys: `numbers[i]` holds row i's NUMBER_FIELDS (NaN when missing),
    `codes[i, j]` the code of its j-th text column, and `words[j]` the texts of column j
    first seen in this page, coded from `first_codes[j]` on (the pages before used the
    codes below it)."""

    rows: list[SessionRow]
    numbers: FloatArray
    codes: CodeArray
    words: tuple[tuple[str, ...], ...]
    first_codes: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def part(self, start: int, stop: int) -> SessionPage:
        """Rows start..stop with their keys; no words (a page's words go with its whole)."""
        after = tuple(f + len(w) for f, w in zip(self.first_codes, self.words, strict=True))
        return SessionPage(
            self.rows[start:stop], self.numbers[start:stop], self.codes[start:stop],
            tuple(() for _ in after), after,
        )  # fmt: skip


class RowCoder:
    """Makes the pages of one list, in the list's order (codes depend on what came before).

    Each column's vocabulary is kept as the tuples of words that pages added (`chunks`): a
    tuple of texts is dropped from the garbage collector's watch, where one list of a hundred
    thousand session ids was walked by every full collection while the list was fetched."""

    def __init__(self, columns: int = len(TEXT_COLUMNS)) -> None:
        """`columns`: how many text cells each row holds (more than TEXT_COLUMNS when a list
        adds its own, as a group's adds the video)."""
        self._codes: list[dict[str, int]] = [{} for _ in range(columns)]
        self._chunks: list[list[tuple[str, ...]]] = [[] for _ in range(columns)]
        self._sizes = [0 for _ in range(columns)]

    def page(self, rows: Sequence[SessionRow]) -> SessionPage:
        rows = list(rows)
        numbers = np.array(
            [(r[ROW_LOADED], r[ROW_ENDED], r[ROW_DURATION]) for r in rows], dtype=np.float64
        ).reshape(len(rows), len(NUMBER_FIELDS))
        codes = np.empty((len(rows), len(self._codes)), np.int32)
        new: list[tuple[str, ...]] = []
        first = tuple(self._sizes)
        cells = [cast(tuple[str, ...], row[ROW_CELLS]) for row in rows]
        texts = list(zip(*cells, strict=True)) or [() for _ in self._codes]
        for column, known in enumerate(self._codes):
            folded = list(map(str.casefold, texts[column]))
            fresh = tuple(text for text in dict.fromkeys(folded) if text not in known)
            size = self._sizes[column]
            known.update(zip(fresh, range(size, size + len(fresh)), strict=True))
            if fresh:
                self._chunks[column].append(fresh)
                self._sizes[column] = size + len(fresh)
            codes[:, column] = list(map(known.__getitem__, folded))
            new.append(fresh)
        return SessionPage(rows, numbers, codes, tuple(new), first)

    @property
    def words(self) -> tuple[list[str], ...]:
        """Every column's vocabulary so far, in code order."""
        return tuple([word for chunk in chunks for word in chunk] for chunks in self._chunks)

    def ranks(self) -> tuple[CodeArray, ...]:
        """Per text column, the rank of each code among the column's texts (see rank_words)."""
        return tuple(rank_words(words) for words in self.words)


def text_array(words: Sequence[str]) -> npt.NDArray[np.str_]:
    """The words as a numpy text array, made a slice at a time. Made in one call, a hundred
    thousand session ids held the GIL for 10 to 25 ms, so long the GUI thread waited (a
    worker ranks them at the end of a list); between slices the GIL changes hands."""
    count = len(words)
    width = 1
    for start in range(0, count, TEXT_SLICE):
        width = max(width, *map(len, words[start : start + TEXT_SLICE]))
    texts = np.empty(count, f"<U{width}")
    for start in range(0, count, TEXT_SLICE):
        texts[start : start + TEXT_SLICE] = words[start : start + TEXT_SLICE]
    return texts


def rank_words(words: Sequence[str]) -> CodeArray:
    """`rank[code]`: where `words[code]` falls when the words are sorted (by code point, as
    Python orders strings); equal words share a rank."""
    if not words:
        return np.empty(0, np.int32)
    texts = text_array(words)
    order = np.argsort(texts, kind="stable")  # numpy lets go of the GIL while it sorts
    ordered = texts[order]
    # a new rank wherever a word differs from the one before it in sorted order
    steps = np.concatenate([[0], np.cumsum(ordered[1:] != ordered[:-1])]).astype(np.int32)
    ranks = np.empty(len(words), np.int32)
    ranks[order] = steps
    return ranks
