"""The data-source interface: what the GUI, the command line and the store ask of a source.

A data source is one analytics API behind one key (or the built-in sandbox). Each kind of
source (`explorer.services.sources`: its key, label, demo, probe, catalogue…) has its class:
`explorer.services.sources.apivideo.source.ApiVideoSource` (api.video's analytics v2, raw
statistics and asset listings) and `explorer.services.sources.videocloud.source.VideoCloudSource`
(the VideoCloud analytics API of seed 004); `api` names the kind. The GUI holds a
`DataSource` and never asks which one it is; where the two differ, the source says so
through what it offers:

* **What exists**: `load_assets()` returns `Assets`, a flat list of `Asset`s (id, title,
  kind, the facts a tooltip shows) and the kinds the source lists (`Assets.kinds`: api.video
  lists videos, live streams and players; VideoCloud only videos). `stored_assets()` is the
  local store's copy, instantly.
* **What can be asked**: `catalogue` is the source's question catalogue (api.video's
  `explorer.domain.catalogue`, or `explorer.domain.videocloud_catalogue`); the GUI builds
  the query builder of its kind (`explorer.ui.builders.registry`, keyed by `api`). A
  question is an object of that
  catalogue: a `Query` or a `ReportRequest`. `check(question)` lists its problems as
  sentences; `curl(question)` is the request as a shell command, key left out.
* **How results come back**: `run_query(question)` returns an `Answer`: a scalar, a
  `BucketFrame` or a `TimeseriesFrame` (one metric, `explorer.domain.frames`) or a `Report`
  (titled sections of figures, breakdowns, timelines and matrices, `explorer.domain.report`).
  Each carries `provenance` when it is not fresh from the API (the stored copy offline).
* **What else it has**: `sessions` (player sessions and their events), `exports`
  (server-side export jobs) and `comparisons` (split by, period over period, cross-tab and
  the "what hurts most" ranking, fanned out within the rate budget:
  `explorer.services.comparisons`) are None where the source has none; the GUI offers the
  matching actions only where they are set.

Every method may block: call it on a worker thread. Long ones take a cancel token and a
progress callback. Nothing here touches Qt.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from explorer.domain.cancel import CancelToken, ProgressCallback
from explorer.domain.report import Answer
from explorer.domain.timerange import describe_duration

if TYPE_CHECKING:  # the store: not imported before the window's first paint
    from explorer.services.comparisons import Comparisons
    from explorer.services.sessions import SessionService
    from explorer.services.videocloud_export_jobs import RemoteExports
    from explorer.store import Store


KIND_TITLES = {"video": "Videos", "live-stream": "Live streams", "player": "Players"}


@dataclass(frozen=True, slots=True)
class Asset:
    """One asset as the tree shows it. ``facts`` are the tooltip's lines (a value may be a
    datetime, shown in the chosen zone); ``search`` is extra text the tree's search matches."""

    kind: str  # a key of KIND_TITLES
    asset_id: str
    title: str
    facts: tuple[tuple[str, Any], ...] = ()
    tags: tuple[str, ...] = ()
    player_url: str = ""
    _: KW_ONLY  # the facts added later are named, never placed
    on_air: bool = False  # a live stream broadcasting when the list was fetched
    metadata: tuple[tuple[str, str], ...] = ()  # a video's key=value pairs (asset groups)

    @property
    def label(self) -> str:
        return self.title or self.asset_id


@dataclass(frozen=True)
class Assets:
    """The project's assets; `problems` lists what could not be loaded completely."""

    items: tuple[Asset, ...] = ()
    kinds: tuple[str, ...] = ("video", "live-stream", "player")  # the groups the source lists
    problems: list[str] = field(default_factory=list)
    fetched_at: datetime | None = None  # when the lists were fetched
    stored: bool = False  # read from the local store, not from the API just now
    offline: bool = False  # the API could not be reached: these are the stored lists

    def of_kind(self, kind: str) -> list[Asset]:
        return [a for a in self.items if a.kind == kind]

    def title_of(self, asset_id: str) -> str:
        return next((a.label for a in self.items if a.asset_id == asset_id), asset_id)

    def media_ids(self) -> set[str]:
        """Every video's and live stream's id the account lists (empty when the list is not
        known complete: then no id is called unknown)."""
        if self.problems or self.offline or "video" not in self.kinds:
            return set()
        return {a.asset_id for a in self.items if a.kind in ("video", "live-stream")}

    def titles(self) -> dict[str, str]:
        """Titles of the videos and live streams, by id (those without a title left out)."""
        return {a.asset_id: a.title for a in self.items if a.title and a.kind != "player"}

    def age(self) -> str:
        """ "from 3 hours ago", for stored lists."""
        if self.fetched_at is None:
            return "from an earlier run"
        age = max(datetime.now(UTC) - self.fetched_at, timedelta(0))
        return f"from {describe_duration(age)} ago"


@dataclass(frozen=True)
class RateBudget:
    """The account's per-minute request budget as the last answer told it (None: unknown)."""

    limit: int | None
    remaining: int | None
    reset_s: float | None = None  # seconds until the window resets


class DataSource(Protocol):
    """One analytics API behind one key; see the module docstring."""

    label: str  # what the window title and switcher call it
    kind: str  # DEMO, LOCAL, SANDBOX or PRODUCTION: the badge
    api: str  # the key of its kind of source (`explorer.services.sources`): "apivideo"…
    account_id: str  # the saved account's id; empty for the demo

    @property
    def catalogue(self) -> object:
        """The question catalogue (the kind's: `SourceKind.catalogue`)."""
        ...

    @property
    def sessions(self) -> SessionService | None:
        """Player sessions and their events, or None."""
        ...

    @property
    def exports(self) -> RemoteExports | None:
        """Server-side export jobs, or None."""
        ...

    @property
    def comparisons(self) -> Comparisons | None:
        """Split by, period over period, cross-tab and "what hurts most", or None."""
        ...

    @property
    def base_url(self) -> str: ...

    @property
    def has_history(self) -> bool:
        """Whether a local store is attached (stored copies, history beyond the lookback)."""
        ...

    def now(self) -> datetime: ...

    def rate_budget(self) -> RateBudget: ...

    def attach_store(self, store: Store) -> None: ...

    def close(self) -> None: ...

    def load_assets(self, cancel: CancelToken, progress: ProgressCallback) -> Assets: ...

    def stored_assets(self, cancel: CancelToken, progress: ProgressCallback) -> Assets | None: ...

    def check(self, question: Any) -> list[str]: ...

    def curl(self, question: Any) -> str: ...

    def run_query(
        self, question: Any, cancel: CancelToken, progress: ProgressCallback
    ) -> Answer: ...

    def known_values(self, cancel: CancelToken, progress: ProgressCallback) -> dict[str, list[str]]:
        """Values seen lately per filter key (for completions); may be empty."""
        ...
