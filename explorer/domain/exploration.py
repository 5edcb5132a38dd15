"""An exploration: the open result tabs' questions, their order and the current one, and
optionally their answers, as a small JSON document (`*.aexplore`, docs/exploration-format.md).

Version 1::

    {
      "format": "analytics-explorer/exploration",
      "version": 1,
      "saved_at": "2026-12-08T02:10:00+00:00",
      "source_kind": "apivideo",
      "current": 0,
      "tabs": [
        {"title": "play by country", "zone": "Europe/Paris",
         "question": {"type": "apivideo-query", "query": {...}},
         "builder": {...},              (optional: the builder's state, to load it back)
         "data": {...}}                 (optional: the answer, explorer.services.result_codec)
      ]
    }

Reading checks everything and raises `ExplorationError` with a sentence that names the
problem and where (``tabs[2].question: …``); a newer version is refused, naming both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from explorer.domain.questions import Question, question_dict, question_from, source_kind

FORMAT = "analytics-explorer/exploration"
VERSION = 1
SUFFIX = ".aexplore"
MEDIA_TYPE = "application/x-analytics-explorer-exploration+json"
MAX_TABS = 200
MAX_BYTES = 64 * 1024 * 1024  # with data: a few big breakdowns; beyond, a file is not ours


class ExplorationError(ValueError):
    """A file that is not a readable exploration; the message says why, in words."""


@dataclass(frozen=True)
class SavedTab:
    """One result tab: its question, the zone its times show in, and optionally more."""

    title: str
    zone: str
    question: Question
    builder: dict[str, Any] | None = None
    data: dict[str, Any] | None = None  # the answer as result_codec keeps it


@dataclass(frozen=True)
class Exploration:
    tabs: tuple[SavedTab, ...]
    current: int = 0
    saved_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def source_kind(self) -> str | None:
        """The kind of source the questions are for (None: no tab)."""
        kinds = {source_kind(t.question) for t in self.tabs}
        return kinds.pop() if len(kinds) == 1 else None

    def to_dict(self) -> dict[str, Any]:
        tabs = []
        for tab in self.tabs:
            item: dict[str, Any] = {
                "title": tab.title,
                "zone": tab.zone,
                "question": question_dict(tab.question),
            }
            if tab.builder is not None:
                item["builder"] = tab.builder
            if tab.data is not None:
                item["data"] = tab.data
            tabs.append(item)
        document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
        if self.saved_at is not None:
            document["saved_at"] = self.saved_at.isoformat()
        kind = self.source_kind
        if kind is not None:
            document["source_kind"] = kind
        document["current"] = self.current
        document["tabs"] = tabs
        return document

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _tab(index: int, raw: object) -> SavedTab:
    where = f"tabs[{index}]"
    if not isinstance(raw, Mapping):
        raise ExplorationError(f"{where}: a tab must be an object")
    try:
        question = question_from(raw.get("question"))
    except ValueError as error:
        raise ExplorationError(f"{where}.question: {error}") from None
    zone = raw.get("zone", "UTC")
    try:
        if not isinstance(zone, str) or not zone:
            raise ValueError
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError, OSError):
        raise ExplorationError(
            f"{where}.zone: {zone!r} is not a time zone (use an IANA name such as Europe/Paris)"
        ) from None
    title = raw.get("title", "")
    if not isinstance(title, str):
        raise ExplorationError(f"{where}.title: must be text")
    builder, data = raw.get("builder"), raw.get("data")
    for name, value in (("builder", builder), ("data", data)):
        if value is not None and not isinstance(value, Mapping):
            raise ExplorationError(f"{where}.{name}: must be an object when given")
    return SavedTab(
        title or question.title,
        zone,
        question,
        dict(builder) if builder is not None else None,
        dict(data) if data is not None else None,
    )


def read_exploration(text: str) -> Exploration:
    """An exploration from its JSON text; ExplorationError, in words, for anything else."""
    if len(text) > MAX_BYTES:
        raise ExplorationError(f"the file is over {MAX_BYTES // 1024 // 1024} MiB: not ours")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExplorationError(
            f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise ExplorationError("not JSON that can be read: nested too deep") from None
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise ExplorationError(f"not an exploration: its 'format' is not {FORMAT!r}")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ExplorationError("'version' must be a whole number from 1")
    if version > VERSION:
        raise ExplorationError(
            f"written by a newer version of the app (format version {version}; this one reads "
            f"up to {VERSION}): update Analytics Explorer to open it"
        )
    tabs = document.get("tabs")
    if not isinstance(tabs, list) or not tabs:
        raise ExplorationError("'tabs' must be a list of at least one tab")
    if len(tabs) > MAX_TABS:
        raise ExplorationError(f"{len(tabs)} tabs: at most {MAX_TABS} are opened")
    read = tuple(_tab(i, raw) for i, raw in enumerate(tabs))
    current = document.get("current", 0)
    if not isinstance(current, int) or isinstance(current, bool) or not 0 <= current < len(read):
        raise ExplorationError(f"'current' must be a tab's index, 0 to {len(read) - 1}")
    saved_at = None
    if isinstance(document.get("saved_at"), str):
        try:
            saved_at = datetime.fromisoformat(document["saved_at"])
        except ValueError:
            raise ExplorationError("'saved_at' is not an ISO 8601 date-time") from None
    kinds = {source_kind(t.question) for t in read}
    if len(kinds) > 1:
        raise ExplorationError("its tabs ask different kinds of source: one kind per file")
    return Exploration(read, current, saved_at)
