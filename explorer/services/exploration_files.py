"""Exploration files on disk: save (atomically), open (checked), and answer headless, one CSV
per tab (`analytics-explorer run FILE --out DIR`). The format: explorer.domain.exploration."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.atomic_write import atomic_write, describe_write_error
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.exploration import (
    MAX_BYTES,
    Exploration,
    ExplorationError,
    SavedTab,
    read_exploration,
)
from explorer.domain.frames import BucketFrame, Result, ScalarResult, TimeseriesFrame
from explorer.domain.query import Query
from explorer.domain.report import Report
from explorer.domain.videocloud_catalogue import ReportRequest
from explorer.services.comparison_tables import IncompleteAnswer, answer_table
from explorer.services.result_codec import PayloadError, read_result, result_payload
from explorer.services.table_files import export_table

__all__ = [
    "Exploration",
    "ExplorationError",
    "SavedTab",
    "Written",
    "csv_names",
    "load_exploration",
    "run_exploration",
    "save_exploration",
    "saved_answer",
    "tab_data",
]

Answer = Result | Report
Ask = Callable[[Any, CancelToken, ProgressCallback], Answer]


def load_exploration(path: Path) -> Exploration:
    """The exploration in `path`; ExplorationError naming the file and what is wrong."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise ExplorationError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExplorationError(f"{path}: not UTF-8 text, so not an exploration") from None
    try:
        return read_exploration(text)
    except ExplorationError as error:
        raise ExplorationError(f"{path}: {error}") from None


def save_exploration(exploration: Exploration, path: Path) -> None:
    """Write it by a temporary name and a rename; ExplorationError (in words) on failure."""
    text = exploration.to_json()
    try:
        with atomic_write(path, encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as error:
        raise ExplorationError(describe_write_error(error, path)) from None


def tab_data(answer: object) -> dict[str, Any] | None:
    """An answer as a tab's `data` (None for a partial one or anything else)."""
    if isinstance(answer, Report | ScalarResult | BucketFrame | TimeseriesFrame):
        return None if answer.partial else result_payload(answer)
    return None


def saved_answer(tab: SavedTab) -> Answer | None:
    """The answer saved with a tab, if it was and fits its question; None otherwise."""
    if tab.data is None:
        return None
    try:
        answer = read_result(tab.data)
    except PayloadError:
        return None
    question = tab.question
    fits = question.fits(answer) if isinstance(question, Query | ReportRequest) else False
    return answer if fits else None  # a fan-out's answer is not saved: it is asked again


def csv_names(tabs: Sequence[SavedTab]) -> list[str]:
    """A file name per tab: `01-play-by-country.csv`, in tab order, never twice the same."""
    names = []
    for number, tab in enumerate(tabs, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", tab.title.casefold()).strip("-")[:60] or "tab"
        names.append(f"{number:02d}-{slug}.csv")
    return names


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int
    title: str


def run_exploration(
    exploration: Exploration,
    ask: Ask,
    out_dir: Path,
    titles: Callable[[Answer], dict[str, str] | None] = lambda answer: None,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> list[Written]:
    """Answer every tab's question with `ask` and write one CSV per tab into `out_dir`
    (created), in the tab's zone. A partial answer is an error: nothing of it is written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    names = csv_names(exploration.tabs)
    progress(0, len(names))
    for done, (tab, name) in enumerate(zip(exploration.tabs, names, strict=True), 1):
        cancel.raise_if_cancelled()
        answer = ask(tab.question, cancel, no_progress)
        if getattr(answer, "partial", False):
            error = getattr(answer, "error", None)
            raise ExplorationError(f"tab {done} ({tab.title}): the answer is partial ({error})")
        try:  # a split, comparison or ranking with a part missing is not written either
            table = answer_table(answer, tab.zone, titles(answer))
        except IncompleteAnswer as error:
            raise ExplorationError(f"tab {done} ({tab.title}): {error}") from None
        path = out_dir / name
        rows = export_table(table, "csv", path)
        written.append(Written(path, rows, tab.title))
        progress(done, len(names))
    return written
