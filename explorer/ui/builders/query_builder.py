"""The query builder: only valid combinations can be chosen, and problems show before sending."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QRadioButton,
    QWidget,
)

from explorer.domain.catalogue import BREAKDOWNS, Endpoint
from explorer.domain.frames import BucketFrame
from explorer.domain.no_data import unknown_media, unknown_media_sentence
from explorer.domain.query import Query
from explorer.domain.report import Answer
from explorer.domain.splits import SplitQuestion
from explorer.domain.timerange import as_zone
from explorer.services.source import Assets
from explorer.ui.builders import choices as ch
from explorer.ui.builders.builder_parts import BuilderActions, add_pair, buddy_label
from explorer.ui.builders.choice_combo import ChoiceCombo
from explorer.ui.builders.compare_editor import CompareEditor, Question
from explorer.ui.builders.filter_editor import FilterEditor
from explorer.ui.builders.time_range_editor import TimeRangeEditor
from explorer.ui.common.eliding_label import ElidingLabel

STATE_VERSION = 1
MEDIA_KINDS = ("video", "live-stream")
CLOCK_REFRESH_MS = 30_000


class QueryBuilder(QWidget):
    """Edits one api.video `Query` (a `QuestionBuilder`, explorer.ui.builders.registry). ``query()``
    resolves the time range against the data source's now."""

    query_changed = Signal()
    run_requested = Signal()
    cancel_requested = Signal()
    curl_requested = Signal()
    zone_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._history = False  # a local history: timeseries may start beyond the lookback
        self._known_media: set[str] = set()  # the account's media ids, when listed completely
        self._updating = False
        self._problems: list[str] = []
        self._ready = False
        self._cost_of: Callable[[Any], str] | None = None  # what a fan-out costs, in words
        self._groups: dict[str, tuple[str, ...]] = {}  # saved asset groups, by name
        self._build()
        self._shown_zone = self.zone_name
        self._on_shape_changed()
        # presets ending "now" move with the clock: keep the shown bounds and checks current
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(CLOCK_REFRESH_MS)
        self._clock_timer.timeout.connect(self._on_clock_timer_timeout)
        self._clock_timer.start()

    # --- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.kind_buttons = QButtonGroup(self)
        kinds = QHBoxLayout()
        for endpoint, label in ch.ENDPOINT_LABELS.items():
            button = QRadioButton(label, self)
            button.setAccessibleName(f"{label} query")
            button.setToolTip(ch.ENDPOINT_HINTS[endpoint])
            button.setProperty("endpoint", endpoint.value)
            self.kind_buttons.addButton(button)
            kinds.addWidget(button)
        self.kind_buttons.buttons()[0].setChecked(True)
        self.scope_label = ElidingLabel(self, least="Scope: …")  # a title never widens it
        self.scope_label.setAccessibleName("Scope")
        self.scope_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        kinds.addStretch(1)
        kinds.addWidget(self.scope_label)

        self.metric_combo = ChoiceCombo("Metric", self)
        self.metric_combo.setMinimumContentsLength(len("impression-time  (ms)"))  # never cut
        self.aggregation_combo = ChoiceCombo("Aggregation", self)
        self.breakdown_combo = ChoiceCombo("Breakdown", self)
        self.interval_combo = ChoiceCombo("Interval", self)
        self.time_range = TimeRangeEditor(lambda: self._now(), self)
        self.unique_check = QCheckBox("Unique viewers", self)
        self.unique_check.setAccessibleName("Unique viewers")
        self.view_duration_combo = ChoiceCombo("View duration", self)
        self.sort_by_combo = ChoiceCombo("Sort by", self)
        self.sort_order_combo = ChoiceCombo("Sort order", self)
        self.filter_editor = FilterEditor(self)
        self.compare_editor = CompareEditor(self)
        actions = BuilderActions.make(
            self, "query", "Copy the exact request; the API key stays $API_VIDEO_KEY"
        )
        self.problems_label, self.run_button = actions.problems_label, actions.run_button
        self.cancel_button, self.curl_button = actions.cancel_button, actions.curl_button

        grid = QGridLayout(self)
        grid.addLayout(kinds, 0, 0, 1, 8)
        add_pair(grid, 1, 0, "&Metric", self.metric_combo)
        add_pair(grid, 1, 2, "A&ggregation", self.aggregation_combo)
        add_pair(grid, 1, 4, "&Breakdown", self.breakdown_combo)
        add_pair(grid, 1, 6, "&Interval", self.interval_combo)
        grid.addWidget(buddy_label("&Time range", self.time_range.preset, self), 2, 0)
        grid.addWidget(self.time_range, 2, 1, 1, 7)
        grid.addWidget(self.unique_check, 3, 1)
        add_pair(grid, 3, 2, "View &duration", self.view_duration_combo)
        add_pair(grid, 3, 4, "&Sort by", self.sort_by_combo)
        add_pair(grid, 3, 6, "&Order", self.sort_order_combo)
        grid.addWidget(
            buddy_label("&Filters", self.filter_editor.add_button, self),
            4,
            0,
            Qt.AlignmentFlag.AlignTop,
        )
        grid.addWidget(self.filter_editor, 4, 1, 1, 7)
        grid.addWidget(buddy_label("Split b&y", self.compare_editor.split_combo, self), 5, 0)
        grid.addWidget(self.compare_editor, 5, 1, 1, 7)
        grid.addWidget(self.problems_label, 6, 0, 1, 8)
        grid.addLayout(actions.buttons, 7, 0, 1, 8)
        for column in (1, 3, 5, 7):
            grid.setColumnStretch(column, 1)

        self.kind_buttons.buttonToggled.connect(self._on_kind_buttons_toggled)
        for combo in (self.metric_combo, self.aggregation_combo):
            combo.value_changed.connect(self._on_shape_changed)
        for combo in (
            self.breakdown_combo,
            self.interval_combo,
            self.view_duration_combo,
            self.sort_by_combo,
        ):
            combo.value_changed.connect(self._on_option_changed)
        self.sort_order_combo.value_changed.connect(self._on_option_changed)
        self.unique_check.toggled.connect(self._on_option_changed)
        self.time_range.range_changed.connect(self._on_shape_changed)
        self.time_range.range_changed.connect(self._on_time_range_range_changed)
        self.filter_editor.filters_changed.connect(self._on_option_changed)
        self.compare_editor.changed.connect(self._on_option_changed)
        self.run_button.clicked.connect(self.run_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.curl_button.clicked.connect(self.curl_requested)

    # --- reading ---------------------------------------------------------------------------

    def endpoint(self) -> Endpoint:
        checked = self.kind_buttons.checkedButton()
        return Endpoint(checked.property("endpoint")) if checked else Endpoint.METRICS

    def query(self) -> Query:
        """The query as chosen, with the time range resolved now (maybe invalid)."""
        start, end = self.time_range.resolve()
        unique = True if self.unique_check.isEnabled() and self.unique_check.isChecked() else None
        return Query(
            endpoint=self.endpoint(),
            metric=self.metric_combo.value() or "",
            aggregation=self.aggregation_combo.value(),
            breakdown=self.breakdown_combo.value(),
            interval=self.interval_combo.value(),
            start=start,
            end=end,
            filters=self.filter_editor.filters(),
            unique=unique,
            view_duration=self.view_duration_combo.value(),
            sort_by=self.sort_by_combo.value(),
            sort_order=self.sort_order_combo.value(),
        )

    def question(self) -> Question:
        """The query, or the split or comparison the "Split by" / "Compare with" fields make."""
        return self.compare_editor.wrap(self.query())

    def title_of(self, question: Question) -> str:
        """What makes the question distinct, for its tab and header: the metric and its shape,
        the scope (asset titles), the other filters and the range (the preset's name, or the
        custom bounds in the zone): ``impression-time average · continent AS · Last 24 hours``.
        A split or comparison is named by its own title over its query's.
        """
        if not isinstance(question, Query):
            inner = question.base if isinstance(question, SplitQuestion) else question.query
            return " · ".join([question.title, *self.title_of(inner).split(" · ")[1:]])
        parts = [question.title]
        media = question.filters.get("mediaId", ())
        if len(media) == 1:
            parts.append(self.filter_editor.label_of("mediaId", media[0]) or media[0])
        elif media:
            parts.append(f"{len(media)} videos or live streams")
        for key, values in question.filters.items():
            if key != "mediaId" and values:
                shown = ", ".join(v if v else "(empty)" for v in values)
                parts.append(f"{key} {shown}")
        if not question.is_all_time:
            parts.append(self._range_text(question))
        return " · ".join(parts)

    def _range_text(self, question: Query) -> str:
        if not self.time_range.is_custom or question.start is None or question.end is None:
            return self.time_range.preset.currentText()
        zone = as_zone(self.zone_name)
        start, end = question.start.astimezone(zone), question.end.astimezone(zone)
        pattern = "%Y-%m-%d %H:%M:%S" if start.second or end.second else "%Y-%m-%d %H:%M"
        until = end.strftime(pattern[9:] if start.date() == end.date() else pattern)
        return f"{start.strftime(pattern)} → {until}"

    def problems(self) -> list[str]:
        return list(self._problems)

    @property
    def zone_name(self) -> str:
        return self.time_range.zone_name

    def set_zone(self, zone: str) -> None:
        self.time_range.set_zone(zone)

    # --- writing ---------------------------------------------------------------------------

    def set_clock(self, now: Callable[[], datetime], history: bool = False) -> None:
        """Where "now" comes from (the workspace's clock: a pinned sandbox has its own), and
        whether a local history lets a timeseries reach back beyond the API's lookback."""
        self._now = now
        self._history = history
        self.time_range.refresh()
        self._on_shape_changed()

    def set_ready(self, ready: bool) -> None:
        """Whether queries can be sent (a workspace is open)."""
        self._ready = ready
        self._validate()

    def set_cost_reader(self, cost_of: Callable[[Any], str] | None) -> None:
        """How to say what a split or comparison will cost before it is sent (None: the
        source has none to offer)."""
        self._cost_of = cost_of
        self._validate()

    def set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)

    def set_endpoint(self, endpoint: Endpoint) -> None:
        for button in self.kind_buttons.buttons():
            if button.property("endpoint") == endpoint.value:
                button.setChecked(True)

    def set_scope(self, media_id: str | None) -> None:
        self.filter_editor.set_scope(media_id)

    def scope_ids(self) -> tuple[str, ...]:
        """The videos and live streams the question is narrowed to (none: the project)."""
        return self.filter_editor.filters().get("mediaId", ())

    def set_scope_ids(self, ids: tuple[str, ...]) -> None:
        """Several videos (a multi-selection, a saved group): one mediaId row holds them."""
        filters = {k: v for k, v in self.filter_editor.filters().items() if k != "mediaId"}
        self.filter_editor.set_filters({**filters, "mediaId": tuple(ids)} if ids else filters)

    def set_groups(self, groups: dict[str, tuple[str, ...]]) -> None:
        """The account's saved asset groups: the scope names one it equals; Split by offers
        them."""
        self._groups = dict(groups)
        self.compare_editor.set_groups(groups)
        self._validate()

    def add_to_scope(self, media_id: str) -> None:
        """Add a video to a filter that names several (a tree click never drops them)."""
        ids = self.scope_ids()
        if media_id not in ids:
            self.filter_editor.set_filters(
                {**self.filter_editor.filters(), "mediaId": (*ids, media_id)}
            )

    def set_assets(self, assets: Assets) -> None:
        """Titles for the media filter, tags for the tag filter."""
        media = [(a.asset_id, a.title) for a in assets.items if a.kind in MEDIA_KINDS]
        self.filter_editor.set_known("mediaId", media)
        complete = not assets.problems and not assets.offline and "video" in assets.kinds
        self._known_media = {m for m, _ in media} if complete else set()
        tags = sorted({t for a in assets.of_kind("video") for t in a.tags})
        self.filter_editor.set_known("tag", [(t, "") for t in tags])
        self._validate()

    def learn_values(self, values: dict[str, list[str]]) -> None:
        """Values seen in the data (the countries of the last 30 days) for the filters."""
        for key, seen in values.items():
            self.filter_editor.set_known(key, [(v, "") for v in seen])

    def learn_from(self, result: Answer) -> None:
        """A breakdown tells which values its dimension has: offer them as filter values."""
        if not isinstance(result, BucketFrame):
            return
        breakdown = BREAKDOWNS.get(result.context.breakdown or "")
        if breakdown is not None and breakdown.filter_key != "mediaId":
            self.learn_values({breakdown.filter_key: [str(d) for d in result.dimensions if d]})

    def state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "query": self.query().to_dict(),
            "compare": self.compare_editor.state(),
            "range": self.time_range.preset.value(),
            "tz": self.zone_name,
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Bring back ``state()``; raises ValueError (or KeyError) on a state it cannot read."""
        query = Query.from_dict(state["query"])
        self.time_range.set_zone(str(state.get("tz") or self.zone_name))
        self.set_endpoint(query.endpoint)
        self.metric_combo.set_value(query.metric)
        self.aggregation_combo.set_value(query.aggregation)
        self.breakdown_combo.set_value(query.breakdown)
        self.interval_combo.set_value(query.interval)
        self.unique_check.setChecked(bool(query.unique))
        self.view_duration_combo.set_value(query.view_duration)
        self.sort_by_combo.set_value(query.sort_by)
        self.sort_order_combo.set_value(query.sort_order)
        self.filter_editor.set_filters(dict(query.filters))
        chosen = state.get("range")
        if chosen == ch.CUSTOM_RANGE and query.start is not None and query.end is not None:
            self.time_range.set_custom(query.start, query.end)
        elif chosen:
            self.time_range.set_preset(str(chosen))
        self.compare_editor.restore(dict(state.get("compare") or {}))
        self._on_shape_changed()

    # --- slots -----------------------------------------------------------------------------

    def _on_time_range_range_changed(self) -> None:
        if self.zone_name != self._shown_zone:
            self._shown_zone = self.zone_name
            self.zone_changed.emit()

    def _on_kind_buttons_toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self._on_shape_changed()

    def _on_shape_changed(self) -> None:
        """Endpoint, metric, aggregation or range changed: recompute what may be chosen."""
        if self._updating:
            return
        self._updating = True
        try:
            endpoint = self.endpoint()
            self.metric_combo.set_choices(ch.metric_choices(endpoint))
            metric = self.metric_combo.value() or ""
            self.aggregation_combo.set_choices(
                ch.aggregation_choices(endpoint, metric), ch.aggregation_inapplicable(endpoint)
            )
            aggregation = self.aggregation_combo.value()
            self.breakdown_combo.set_choices(
                ch.breakdown_choices(endpoint, metric), ch.breakdown_inapplicable(endpoint)
            )
            self.interval_combo.set_choices(
                ch.interval_choices(self.time_range.length()), ch.interval_inapplicable(endpoint)
            )
            why_not = ch.unique_inapplicable(metric)
            self.unique_check.setEnabled(not why_not)
            self.unique_check.setToolTip(why_not or "Count each viewer once (unique=true)")
            self.view_duration_combo.set_choices(
                ch.view_duration_choices(), ch.view_duration_inapplicable(metric)
            )
            self.sort_by_combo.set_choices(
                ch.sort_by_choices(endpoint), ch.sort_inapplicable(endpoint)
            )
            self.sort_order_combo.set_choices(
                ch.sort_order_choices(), ch.sort_inapplicable(endpoint)
            )
            self.time_range.set_applicable(ch.range_inapplicable(endpoint, metric, aggregation))
            self.filter_editor.set_key_choices(ch.filter_key_choices(endpoint, metric, aggregation))
        finally:
            self._updating = False
        self._validate()

    def _on_clock_timer_timeout(self) -> None:
        self.time_range.refresh()
        self._on_shape_changed()

    def _on_option_changed(self) -> None:
        if not self._updating:
            self._validate()

    def _validate(self) -> None:
        question: Question | None = None
        try:
            query = self.query()
            question = self.compare_editor.wrap(query)
            self._problems = question.validate(self._now(), history=self._history)
            self._problems += self.compare_editor.problems()
            if question is not query and self._ready and self._cost_of is None:
                self._problems.append("this source offers no splits or comparisons")
        except ValueError as error:  # a bound that cannot exist, e.g. in a DST gap
            self._problems = [str(error)]
            query = None
        if self._problems:
            text = "\n".join(f"• {p[0].upper()}{p[1:]}" for p in self._problems)
        else:
            text = "Ready to send." if self._ready else "Waiting for the data source…"
            unknown = unknown_media(query, self._known_media) if query is not None else []
            if unknown:  # said, not refused: a deleted video keeps its analytics
                text += f"\n⚠ {unknown_media_sentence(unknown)}: expect no data."
            if question is not query and question is not None and self._cost_of is not None:
                text += f"\nCosts {self._cost_of(question)}."
        self.problems_label.setText(text)
        self.run_button.setEnabled(self._ready and not self._problems)
        self._show_scope(query)
        self.query_changed.emit()

    def _show_scope(self, query: Query | None) -> None:
        ids = query.filters.get("mediaId", ()) if query is not None else ()
        if not ids:
            text = "Scope: the whole project"
        elif len(ids) == 1:
            label = self.filter_editor.label_of("mediaId", ids[0])
            text = f"Scope: {label} ({ids[0]})" if label else f"Scope: {ids[0]}"
        else:
            group = next((n for n, g in self._groups.items() if set(g) == set(ids)), "")
            text = f"Scope: {len(ids)} videos or live streams"
            text = f"Scope: the group '{group}' ({len(ids)} videos)" if group else text
        self.scope_label.setText(text)
