"""Cross-tab: a breakdown split by a second dimension, as a matrix with totals.

Built from a split (`explorer.domain.splits`) of a buckets query: each row is one segment of
the split (a value of the row dimension), each column a value the breakdowns list. A cell is
a number, 0 where a done row's breakdown does not list the column and the metric counts
events (nothing happened there), NaN there otherwise ("no data"), and None when its whole row
is missing (that row's request failed or was cancelled): missing is never shown as zero.

Totals add up cells, so they exist only for additive metrics (counts, sums); for a rate or a
peak the totals are None and `totals_note` says why. A row or column total that would need a
missing cell is None too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from explorer.domain.frames import BucketFrame
from explorer.domain.splits import SplitAnswer


@dataclass(frozen=True)
class CrossTab:
    """Rows x columns of figures; ``cells[r][c]`` is a float (NaN: no data) or None (missing)."""

    row_dimension: str
    column_dimension: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[float | None, ...], ...]
    additive: bool
    missing_rows: tuple[str, ...] = ()  # the rows whose request failed or was cancelled

    @classmethod
    def of(cls, answer: SplitAnswer) -> CrossTab:
        """The matrix of a split whose base query is a breakdown (rows in the split's order,
        columns in the order they first appear)."""
        base = answer.question.base
        if base.breakdown is None:
            raise ValueError("a cross-tab splits a breakdown; this query has none")
        frames: dict[str, BucketFrame | None] = {}
        additive = True
        for part in answer.parts:
            frame = part.result if isinstance(part.result, BucketFrame) else None
            frames[part.key] = frame
            if frame is not None:
                additive = additive and frame.context.is_additive
        columns = list(
            dict.fromkeys(str(d) for f in frames.values() if f is not None for d in f.dimensions)
        )
        empty = 0.0 if additive else math.nan
        cells: list[tuple[float | None, ...]] = []
        for frame in frames.values():
            if frame is None:
                cells.append(tuple(None for _ in columns))
                continue
            found = {str(d): float(v) for d, v in zip(frame.dimensions, frame.values, strict=True)}
            cells.append(tuple(found.get(c, empty) for c in columns))
        missing = tuple(k for k, f in frames.items() if f is None)
        return cls(
            answer.question.dimension,
            base.breakdown,
            tuple(frames),
            tuple(columns),
            tuple(cells),
            additive,
            missing,
        )

    def cell(self, row: str, column: str) -> float | None:
        """The figure at ``row`` x ``column`` (None: missing; NaN: no data)."""
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def row_totals(self) -> tuple[float | None, ...]:
        """Each row's sum (None for a non-additive metric or a missing row)."""
        return tuple(_total(row, self.additive) for row in self.cells)

    def column_totals(self) -> tuple[float | None, ...]:
        """Each column's sum (None for a non-additive metric or when a row is missing)."""
        return tuple(
            _total(tuple(row[i] for row in self.cells), self.additive)
            for i in range(len(self.columns))
        )

    def grand_total(self) -> float | None:
        """The sum of every cell, or None (see `row_totals`)."""
        return _total(self.row_totals(), self.additive)

    @property
    def totals_note(self) -> str:
        """Why totals are missing, in words (empty when they are all there)."""
        if not self.additive:
            return "totals are not shown: this figure does not add up across segments"
        if self.missing_rows:
            return (
                f"column totals are not shown: {', '.join(self.missing_rows)} "
                "could not be fetched, and a total without them would be too low"
            )
        return ""


def _total(cells: tuple[float | None, ...], additive: bool) -> float | None:
    if not additive or any(c is None for c in cells):
        return None
    return math.fsum(c for c in cells if c is not None and not math.isnan(c))
