"""A report: an answer made of titled sections of different shapes, one figure per entry.

api.video answers one metric at a time (the frames of `explorer.domain.frames`); other
sources answer a whole page at once: a video's totals, its views by country and device, a
timeline, a cohort table. A `Report` holds such an answer as a flat list of `Entry`s, each
in a named section, and each section has a `Shape` that says how to read and draw it:

* ``FIGURES``: one value per name (totals): a row of figures.
* ``BREAKDOWN``: members (``key``: a country, a device, a video id) by names: bars and a table.
* ``TIMELINE``: moments (``date``) by names: lines over time.
* ``MATRIX``: moments by names read as a grid (retention cohorts by day): a heat map.

Values are numbers (``float``), text (a video's title) or ``None`` (the server left it
out). ``unit`` uses the base units of `explorer.services.videocloud_reports`: ``s``, ``ms``,
``ratio`` (0.15 is 15 %), ``bit/s``, ``B``, ``B/s``, ``1/s``, empty for counts.
Entries keep the order they were added in; sections come in the order they first appear.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from explorer.domain.frames import Provenance, Result

Value = float | str | None
Member = str | datetime  # a breakdown's key or a timeline's moment


class Shape(StrEnum):
    FIGURES = "figures"
    BREAKDOWN = "breakdown"
    TIMELINE = "timeline"
    MATRIX = "matrix"


@dataclass(frozen=True, slots=True)
class Entry:
    """One figure: ``name`` = ``value`` (in ``unit``), for member ``key`` or moment ``date``."""

    section: str
    name: str
    value: Value
    unit: str = ""
    key: str = ""
    date: datetime | None = None

    def __post_init__(self) -> None:
        if self.date is not None and self.date.utcoffset() is None:
            raise ValueError("a report entry's date must carry a time zone")


@dataclass(frozen=True)
class Section:
    """The entries of one section, and how to read them."""

    name: str
    shape: Shape
    entries: tuple[Entry, ...]

    @property
    def title(self) -> str:
        """``views.by_country`` -> ``Views by country``."""
        words = self.name.replace(".", " ").replace("_", " ").strip()
        return words[:1].upper() + words[1:]

    def names(self) -> list[str]:
        """The figures' names, in first-appearance order."""
        return list(dict.fromkeys(e.name for e in self.entries))

    def members(self) -> list[Member]:
        """The rows: keys of a breakdown, moments of a timeline or matrix; one empty row
        for figures."""
        if self.shape is Shape.FIGURES:
            return [""]
        if self.shape is Shape.BREAKDOWN:
            return list(dict.fromkeys(e.key for e in self.entries))
        return list(dict.fromkeys(e.date for e in self.entries if e.date is not None))

    def unit_of(self, name: str) -> str:
        return next((e.unit for e in self.entries if e.name == name and e.unit), "")

    def grid(self) -> list[list[Value]]:
        """The values by member (row) and name (column); None where there is no entry."""
        members, names = self.members(), self.names()
        row = {m: i for i, m in enumerate(members)}
        column = {n: j for j, n in enumerate(names)}
        cells: list[list[Value]] = [[None] * len(names) for _ in members]
        for entry in self.entries:
            member = self._member_of(entry)
            if member in row:
                cells[row[member]][column[entry.name]] = entry.value
        return cells

    def numbers(self, name: str) -> npt.NDArray[np.float64]:
        """One name's values down the members, NaN where missing or not a number."""
        j = self.names().index(name)
        return np.array([_number(cells[j]) for cells in self.grid()], dtype=np.float64)

    def _member_of(self, entry: Entry) -> Member | None:
        if self.shape is Shape.FIGURES:
            return ""
        if self.shape is Shape.BREAKDOWN:
            return entry.key
        return entry.date


@dataclass(frozen=True)
class Report:
    """A whole answer. ``kind`` names the question (``videocloud-video``), ``request`` what
    was asked (period, metrics…; values JSON-ready or aware datetimes)."""

    kind: str
    title: str
    entries: tuple[Entry, ...]
    shapes: tuple[tuple[str, Shape], ...]
    request: Mapping[str, Any] = field(default_factory=dict)
    provenance: Provenance | None = None
    partial: bool = False
    error: str | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def shape_of(self, section: str) -> Shape:
        return dict(self.shapes).get(section, Shape.FIGURES)

    def sections(self) -> list[Section]:
        grouped: dict[str, list[Entry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.section, []).append(entry)
        return [Section(name, self.shape_of(name), tuple(e)) for name, e in grouped.items()]

    def section(self, name: str) -> Section:
        found = [s for s in self.sections() if s.name == name]
        if not found:
            raise KeyError(f"the report has no section {name!r}")
        return found[0]


class ReportBuilder:
    """Collects entries section by section; `build()` makes the frozen `Report`."""

    def __init__(self, kind: str, title: str) -> None:
        self.kind, self.title = kind, title
        self._entries: list[Entry] = []
        self._shapes: dict[str, Shape] = {}

    def _shape(self, section: str, shape: Shape) -> None:
        known = self._shapes.setdefault(section, shape)
        if known is not shape:
            raise ValueError(f"section {section!r} is a {known.value}, not a {shape.value}")

    def add(
        self, section: str, name: str, value: Value, unit: str = "", *, key: str = "",
        date: datetime | None = None, shape: Shape | None = None,
    ) -> None:  # fmt: skip
        """One entry; its section's shape is ``shape``, else read from what is given."""
        if shape is None:
            shape = (
                Shape.BREAKDOWN
                if key
                else Shape.TIMELINE
                if date and value is not None
                else Shape.FIGURES
            )
        self._shape(section, shape)
        self._entries.append(Entry(section, name, value, unit, key, date))

    def figures(self, section: str, figures: Iterable[tuple[str, Value, str]]) -> None:
        for name, value, unit in figures:
            self.add(section, name, value, unit, shape=Shape.FIGURES)

    def breakdown(
        self, section: str, name: str, counts: Mapping[str, float | None], unit: str = ""
    ) -> None:
        for key, value in counts.items():
            self.add(section, name, value, unit, key=str(key), shape=Shape.BREAKDOWN)

    def at(
        self, section: str, date: datetime, figures: Sequence[tuple[str, Value, str]],
        shape: Shape = Shape.TIMELINE,
    ) -> None:  # fmt: skip
        """A timeline's (or, with ``shape=MATRIX``, a cohort's) figures at ``date``."""
        for name, value, unit in figures:
            self.add(section, name, value, unit, date=date, shape=shape)

    def build(self, request: Mapping[str, Any] | None = None, **flags: Any) -> Report:
        return Report(
            self.kind, self.title, tuple(self._entries), tuple(self._shapes.items()),
            dict(request or {}), **flags,
        )  # fmt: skip


def _number(value: Value) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


# what a data source's run_query returns: a result of one metric, or a report
Answer = Result | Report
