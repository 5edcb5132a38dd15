"""Tables of splits, period-over-period comparisons and rankings (the CSV and JSON exports).

* A split: the dimension as the first column, then the table each segment's answer has on its
  own (`result_tables.result_table`): one row per value for a figure, per value and timestamp
  for a timeseries, per value and bucket for a breakdown. Split by media, a `media_title`
  column follows the id.
* A comparison: a first column `series` naming `current` or `previous`, then the answer's own
  table, the earlier rows with their own times.
* A ranking: `metric,breakdown,segment,segment_value,overall_value,volume,impact`, sorted by
  impact (explorer.domain.impact).

A table is built only from complete answers: a missing part raises `IncompleteAnswer` naming
it, so that nothing partial is written as if complete.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from explorer.domain.comparison import ComparisonAnswer
from explorer.domain.impact import CSV_HEADER
from explorer.domain.parts import Part
from explorer.domain.splits import SplitAnswer
from explorer.domain.timerange import as_zone
from explorer.services.comparisons import CURRENT, EARLIER
from explorer.services.ranking import Ranking
from explorer.services.result_tables import dimension_text, result_table, when
from explorer.services.table_files import ExportError, Table, export_table

TITLED_DIMENSIONS = frozenset({"media-id"})
"""Split dimensions whose values are asset ids: a `media_title` column follows them."""


class IncompleteAnswer(ExportError):
    """Some parts of a fan-out are missing or partial; the message names them (nothing is
    written: run it again to fill them in)."""


def _require(parts: Sequence[Part], what: str) -> None:
    broken = [p for p in parts if p.partial]
    if broken:
        named = "; ".join(
            p.describe() if p.missing else f"{p.key}: partial ({p.result and p.result.error})"
            for p in broken
        )
        raise IncompleteAnswer(f"{what}: {len(broken)} of {len(parts)} parts missing: {named}")


def split_table(
    answer: SplitAnswer, tz: str | ZoneInfo, titles: Mapping[str, str] | None = None
) -> Table:
    """The split's table (see the module docstring); raises IncompleteAnswer when a part is
    missing. ``titles`` (id -> title) fill the `media_title` column of a split by media and
    of a breakdown by media inside it."""
    question = answer.question
    _require(answer.parts, question.title)
    titled = titles is not None and question.dimension in TITLED_DIMENSIONS
    header: list[str] = [question.dimension, *(["media_title"] if titled else [])]
    keys: list[str] = list(header)
    rows: list[list[str]] = []
    meta: dict[str, Any] = {"split_by": question.dimension, "values": []}
    for part in answer.parts:
        assert part.result is not None
        table = result_table(part.result, tz, titles)
        if part is answer.parts[0]:
            header += list(table.header)
            keys += list(table.keys or table.header)
            meta.update({k: v for k, v in table.meta.items() if k != "partial"})
            meta.pop("error", None)
        first = [dimension_text(part.key)]
        if titled:
            first.append((titles or {}).get(part.key, ""))
        rows += [[*first, *row] for row in table.rows]
        meta["values"].append(part.key)
    return Table(header, rows, meta, keys)


def comparison_table(
    answer: ComparisonAnswer, tz: str | ZoneInfo, titles: Mapping[str, str] | None = None
) -> Table:
    """The comparison's table (see the module docstring); raises IncompleteAnswer when either
    period is missing. Its JSON metadata has both ranges, the warnings and the change. A
    breakdown by media gets its `media_title` column from ``titles``."""
    _require(answer.parts, "the comparison")
    assert answer.current is not None and answer.earlier is not None
    now = result_table(answer.current, tz, titles)
    before = result_table(answer.earlier, tz, titles)
    header = ["series", *now.header]
    keys = ["series", *(now.keys or now.header)]
    rows = [[CURRENT, *r] for r in now.rows] + [[EARLIER, *r] for r in before.rows]
    zone = as_zone(tz)
    meta: dict[str, Any] = {k: v for k, v in now.meta.items() if k not in ("partial", "error")}
    meta.update(
        {
            "compare": answer.shift.label,
            "previous_from": when(answer.earlier_range[0], zone),
            "previous_to": when(answer.earlier_range[1], zone),
            "warnings": answer.data_warnings(),
            "notes": list(answer.notes),
            "change": [
                {
                    "key": row.key,
                    "current": _json_number(row.change.current),
                    "previous": _json_number(row.change.earlier),
                    "absolute": _json_number(row.change.absolute),
                    "percent": row.change.percent,
                }
                for row in answer.rows()
            ],
        }
    )
    return Table(header, rows, meta, keys)


def _json_number(value: float) -> float | None:
    """None for NaN (a value one period does not have): JSON has no NaN."""
    return None if math.isnan(value) else value


def ranking_table(ranking: Ranking, titles: Mapping[str, str] | None = None) -> Table:
    """The ranking's rows (see the module docstring); raises IncompleteAnswer when a part of
    the sweep is missing. Its JSON metadata says the period, the minimum volume and each row
    in words (media named by their ``titles``; the CSV keeps the issue's columns, ids only)."""
    if ranking.missing:
        raise IncompleteAnswer(
            f"the ranking: {len(ranking.missing)} requests missing: " + "; ".join(ranking.missing)
        )
    meta = {
        "period": ranking.period,
        "min_volume": ranking.min_volume,
        "note": ranking.min_volume_note,
        "sentences": ranking.sentences(titles),
    }
    return Table(list(CSV_HEADER), [list(r.cells()) for r in ranking.rows], meta)


def answer_table(answer: Any, zone: str, titles: Mapping[str, str] | None = None) -> Table:
    """Any answer's table: a split, a comparison or a ranking by the tables above (raising
    IncompleteAnswer for one with parts missing), anything else by `result_table`."""
    if isinstance(answer, SplitAnswer):
        return split_table(answer, zone, titles)
    if isinstance(answer, ComparisonAnswer):
        return comparison_table(answer, zone)
    if isinstance(answer, Ranking):
        return ranking_table(answer)
    return result_table(answer, zone, titles)


def write_answer_csv(
    answer: Any, zone: str, path: Path, titles: dict[str, str], cancel: Any, progress: Any
) -> tuple[int, Path]:
    """Ctrl+E, on a worker: any answer's table (`answer_table`) written atomically; the rows
    written and where."""
    return export_table(answer_table(answer, zone, titles), "csv", path), path
