"""The query builder each kind of source calls for, and what the window asks of one.

A source's kind (`explorer.services.sources`; a source names it in `api`) says what can be
asked of it; the window builds the matching builder with `builder_for` and then speaks only
`QuestionBuilder`: a widget with Run / Cancel / Copy-as-curl, a zone picker, and
`question()`. The registry is keyed by `SourceKind.key`, so a third kind adds one line here
(and its builder, if none of these fits its catalogue) and no branch elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from explorer.domain.report import Answer
from explorer.services.source import Assets
from explorer.services.sources import APIVIDEO, VIDEOCLOUD


class QuestionBuilder(Protocol):
    """What the main window asks of a query builder (it is also a QWidget)."""

    run_requested: SignalInstance
    cancel_requested: SignalInstance
    curl_requested: SignalInstance
    zone_changed: SignalInstance  # the display zone was changed by the person

    @property
    def zone_name(self) -> str: ...

    def set_zone(self, zone: str) -> None: ...

    def question(self) -> Any:
        """The question as chosen now (a `Query`, a `ReportRequest`…), times resolved."""
        ...

    def problems(self) -> list[str]:
        """Why the question as chosen cannot be sent (empty: it can)."""
        ...

    def title_of(self, question: Any) -> str:
        """What a result tab of ``question`` is called (assets by the names shown here)."""
        ...

    def set_clock(self, now: Callable[[], datetime], history: bool = False) -> None: ...

    def set_ready(self, ready: bool) -> None: ...

    def set_busy(self, busy: bool) -> None: ...

    def set_scope(self, asset_id: str | None) -> None:
        """Narrow the question to one asset (None: the whole project)."""
        ...

    def set_assets(self, assets: Assets) -> None:
        """The source's assets are known (titles for pickers, tags for filters)."""
        ...

    def learn_values(self, values: dict[str, list[str]]) -> None:
        """Values seen in the data, per filter key, for completions."""
        ...

    def learn_from(self, result: Answer) -> None:
        """A result came back: learn what it tells of the data (a breakdown's values)."""
        ...

    def state(self) -> dict[str, Any]: ...

    def restore(self, state: dict[str, Any]) -> None: ...


def _query_builder(parent: QWidget | None) -> QWidget:
    from explorer.ui.builders.query_builder import QueryBuilder

    return QueryBuilder(parent)


def _report_builder(parent: QWidget | None) -> QWidget:
    from explorer.ui.builders.report_builder import ReportBuilderPanel

    return ReportBuilderPanel(parent)


# Each kind's builder, and the settings key its state is kept under between launches.
BUILDERS: dict[str, tuple[Callable[[QWidget | None], QWidget], str]] = {
    APIVIDEO.key: (_query_builder, "query/state"),
    VIDEOCLOUD.key: (_report_builder, "query/videocloud-state"),
}


def _entry(api: str) -> tuple[Callable[[QWidget | None], QWidget], str]:
    try:
        return BUILDERS[api]
    except KeyError:
        raise TypeError(f"no query builder for the kind of source {api!r}") from None


def builder_for(api: str, parent: QWidget | None = None) -> QWidget:
    """A new query builder for the kind of source ``api`` names."""
    return _entry(api)[0](parent)


def state_key(api: str) -> str:
    """Where the builder of the kind ``api`` keeps its state in the settings."""
    return _entry(api)[1]
