"""The query builder a data source's catalogue calls for, and what the window asks of one.

A source's `catalogue` (`explorer.services.source`) says what can be asked of it; the
window builds the matching builder with `builder_for` and then speaks only `QuestionBuilder`:
a widget with Run / Cancel / Copy-as-curl, a zone picker, and `question()`. The registry is
keyed by the catalogue's type, so a third source adds one line here and no branch elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from explorer.domain.catalogue import ApiVideoCatalogue
from explorer.domain.report import Answer
from explorer.domain.videocloud_catalogue import VideoCloudCatalogue
from explorer.services.source import Assets


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


# Each catalogue's builder, and the settings key its state is kept under between launches.
BUILDERS: dict[type, tuple[Callable[[QWidget | None], QWidget], str]] = {
    ApiVideoCatalogue: (_query_builder, "query/state"),
    VideoCloudCatalogue: (_report_builder, "query/videocloud-state"),
}


def _entry(catalogue: object) -> tuple[Callable[[QWidget | None], QWidget], str]:
    try:
        return BUILDERS[type(catalogue)]
    except KeyError:
        raise TypeError(f"no query builder for {type(catalogue).__name__}") from None


def builder_for(catalogue: object, parent: QWidget | None = None) -> QWidget:
    """A new query builder for ``catalogue``."""
    return _entry(catalogue)[0](parent)


def state_key(catalogue: object) -> str:
    """Where the builder of ``catalogue`` keeps its state in the settings."""
    return _entry(catalogue)[1]
