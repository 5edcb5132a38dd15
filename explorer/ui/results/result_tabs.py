"""Result tabs: each page runs one query at a time and shows its chart and table, or its error."""

from __future__ import annotations

from collections.abc import Callable, Sized
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.frames import BucketFrame, ScalarResult, TimeseriesFrame
from explorer.domain.no_data import why_no_data
from explorer.domain.query import Query
from explorer.domain.report import Report
from explorer.domain.timerange import describe_duration
from explorer.ui.common.error_panel import ErrorPanel
from explorer.ui.common.formatting import elide, format_moment
from explorer.ui.results.result_table import ResultTableView
from explorer.ui.results.scalar_view import ScalarView
from explorer.ui.results.views import VIEWS, ResultView, Shown, answer_kind

if TYPE_CHECKING:  # the chart views load with pyqtgraph on first use, not at start-up
    from explorer.ui.results.breakdown_view import BreakdownView
    from explorer.ui.results.drill_menu import Pick
    from explorer.ui.results.overlay_view import OverlayView
    from explorer.ui.results.report_view import ReportView
    from explorer.ui.results.timeseries_view import TimeseriesView

TAB_CHARS = 64  # a tab's text is elided past this; its tooltip and header say it whole


def elide_middle(text: str, limit: int) -> str:
    """Text cut in the middle past `limit` characters: a tab keeps what its question starts
    with and what makes it distinct at the end (the range, the period)."""
    if len(text) <= limit:
        return text
    tail = limit // 3
    return f"{text[: limit - tail - 1]}…{text[-tail:]}"


def provenance_note(result: Any, zone: str, now: datetime) -> str:
    """What the summary line says of a result that is not all fresh from the API."""
    provenance = getattr(result, "provenance", None)  # a fan-out's answer has none
    if provenance is None:
        return ""
    if provenance.offline:
        age = describe_duration(max(now - provenance.fetched_at, timedelta(0)))
        return f" · OFFLINE: the stored copy from {age} ago"
    if provenance.history_until is not None:
        until = format_moment(provenance.history_until, zone, "%Y-%m-%d %H:%M")
        return f" · before {until} from the local history"
    return ""


def incomplete(answer: Any) -> str:
    """What is missing from an answer, in words ("" when nothing is): a failed page of a
    `Result`, or the parts of a fan-out not answered."""
    from explorer.domain.comparison import ComparisonAnswer
    from explorer.domain.splits import SplitAnswer
    from explorer.services.ranking import Ranking

    if isinstance(answer, SplitAnswer):  # the view's note says why each part is missing
        return "" if answer.complete else fanout_progress(answer)
    if isinstance(answer, ComparisonAnswer):
        missing = [p.describe() for p in answer.parts if p.partial]
        return "; ".join(missing)
    if isinstance(answer, Ranking):
        return f"{len(answer.missing)} requests missing" if answer.missing else ""
    if getattr(answer, "partial", False):
        return str(getattr(answer, "error", None) or "some pages are missing")
    return ""


def fanout_progress(answer: Any) -> str:
    """How far a fan-out has come: ``3 of 7 parts answered``."""
    from explorer.domain.splits import SplitAnswer
    from explorer.services.ranking import Ranking

    if isinstance(answer, Ranking):
        return f"{answer.parts_done} of {answer.parts_total} requests answered"
    if isinstance(answer, SplitAnswer):
        done = sum(not p.missing for p in answer.parts)
        return f"{done} of {len(answer.parts)} parts answered"
    return "parts arriving"


def cancelled_copy(answer: Any) -> Any:
    """A fan-out's answer so far as it stands after Cancel: its parts still waiting become
    cancelled (missing, never zero), a sweep is marked ended with the rest missing."""
    from explorer.domain.splits import SplitAnswer
    from explorer.services.ranking import Ranking

    if isinstance(answer, SplitAnswer):
        return replace(answer, parts=tuple(p.cancelled() for p in answer.parts))
    if isinstance(answer, Ranking) and not answer.finished:
        left = answer.parts_total - answer.parts_done
        rest = f"{left} requests cancelled before their answers arrived"
        return replace(answer, finished=True, missing=(*answer.missing, rest))
    return answer


class ResultPage(QWidget):
    """One tab: one question, its latest answer drawn by the view for its kind."""

    cancel_requested = Signal()
    question_requested = Signal(object)  # a view asks a follow-up question (a new tab)
    country_chosen = Signal(str)  # a country clicked on a view's map (ISO alpha-2)
    drill_requested = Signal(object, str)  # (Pointed, drill_menu.SESSIONS | CONTRIBUTORS)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.growing: Any = None  # a fan-out's answer so far, while its parts arrive
        self.query: Any = None  # the question last asked
        self.builder_state: dict[str, Any] | None = None  # the builder as it asked it
        self.source = ""  # the account and source asked: "Studio (api.video, PRODUCTION)"
        self.account = ""  # which account asked it (its id; the label for the demo)
        self._title = ""  # what the builder called it, if not the question's own title
        self.result: Any = None  # a Result, a Report or a fan-out's answer
        self.zone = "UTC"
        self.fetched_at: datetime | None = None
        self.running = False
        self.titles: dict[str, str] = {}  # asset id -> title, shared by the tabs
        self.known_ids: set[str] = set()  # the account's videos and live streams (empty: unknown)
        self._summary = ""
        self.header = QLabel(self)
        self.header.setAccessibleName("Result summary")
        self.header.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.intro = QLabel(
            "Build a query above and press Run (Ctrl+Enter).\n"
            "Choose an asset on the left to narrow it down.",
            self,
        )
        self.intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.intro.setAccessibleName("Result area")
        self.intro.setWordWrap(True)
        self.stack.addWidget(self.intro)
        self.busy = self._busy_page()
        self.stack.addWidget(self.busy)
        self.error = ErrorPanel(self)
        self.stack.addWidget(self.error)
        self.views: dict[type, QWidget] = {}  # answer kind -> its view, made on first use
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        self.header.hide()

    def _busy_page(self) -> QWidget:
        page = QWidget(self)
        self.busy_label = QLabel("Running…", page)
        self.busy_label.setAccessibleName("Query progress")
        self.busy_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar(page)
        self.progress.setAccessibleName("Pages fetched")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(320)
        self.cancel_button = QPushButton("Cancel", page)
        self.cancel_button.setAccessibleName("Cancel this query")
        self.cancel_button.clicked.connect(self.cancel_requested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        column = QVBoxLayout(page)
        column.addStretch(1)
        column.addWidget(self.busy_label)
        column.addLayout(row)
        column.addStretch(2)
        return page

    # --- states ----------------------------------------------------------------------------

    @property
    def title(self) -> str:
        if self.query is None:
            return "New result"
        return self._title or str(self.query.title)

    def show_running(self, query: Any, zone: str, title: str = "") -> None:
        """``query``: the question asked (a `Query`, a `ReportRequest`…), with a ``title``;
        ``title``, if given, names the page instead."""
        self.query, self.zone, self.running, self._title = query, zone, True, title
        self.growing = None
        self.busy_label.setText(f"Running {self.title}…")
        self.progress.setRange(0, 0)
        self.stack.setCurrentWidget(self.busy)

    def show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.busy_label.setText(f"Running {self.title}… page {done} of {total}")

    def show_result(self, result: Any, fetched_at: datetime) -> None:
        """The answer, whole: a `Result`, a `Report`, or a fan-out's (a split, a comparison,
        a ranking), labelled PARTIAL when a page or a part of it is missing."""
        provenance = getattr(result, "provenance", None)
        if provenance is not None and provenance.offline:
            fetched_at = provenance.fetched_at  # the stored copy's own fetch time
        self.result, self.fetched_at, self.running = result, fetched_at, False
        self.growing = None
        summary = self._draw(result, fetched_at)
        summary += provenance_note(result, self.zone, now=datetime.now(UTC))
        self._summary = summary
        self.header.setText(summary)

    def show_growing(self, answer: Any, fetched_at: datetime) -> None:
        """A fan-out's answer so far (its parts arriving): drawn at once, labelled as
        still coming in; Cancel keeps it."""
        self.growing = answer
        summary = self._draw(answer, fetched_at, partial=False)
        self.header.setText(f"{summary} · ANSWERING: {fanout_progress(answer)}")

    def _draw(self, result: Any, fetched_at: datetime, partial: bool = True) -> str:
        reasons: list[str] = []
        if isinstance(result, Sized) and len(result) == 0 and isinstance(self.query, Query):
            reasons = why_no_data(self.query, fetched_at, self.known_ids)
        view = self._view_for(result)
        cast(ResultView, view).show_answer(
            result, Shown(self.zone, fetched_at, self.titles, reasons, self.query)
        )
        self.stack.setCurrentWidget(view)
        summary = f"{self.title} · fetched {format_moment(fetched_at, self.zone, '%H:%M:%S')}"
        summary += f" · times in {self.zone}"
        if self.source:
            summary += f" · from {self.source}"
        missing = incomplete(result)
        if partial and missing:
            summary += f" · PARTIAL: {missing}"
        self.header.show()
        return summary

    def show_error(self, error: BaseException) -> None:
        self.running = False
        self.result = None
        self.error.show_error(error)
        self.stack.setCurrentWidget(self.error)
        self.header.setText(f"{self.title} failed" + (f" · {self.source}" if self.source else ""))
        self.header.show()

    def show_cancelled(self) -> None:
        self.running = False
        if self.growing is not None:  # a fan-out cancelled: what arrived stays, said so
            self.show_result(cancelled_copy(self.growing), self.fetched_at or datetime.now(UTC))
            self.header.setText(f"{self._summary} · CANCELLED: the parts shown arrived before")
        elif self.result is not None:  # a rerun was cancelled: keep what was there
            view = self._view_for(self.result)
            self.stack.setCurrentWidget(view)
            self.header.setText(f"{self._summary} · a newer run was cancelled")
        else:
            self.intro.setText("Cancelled. Press Run (Ctrl+Enter) to try again.")
            self.stack.setCurrentWidget(self.intro)

    def current_view(self) -> QWidget:
        return self.stack.currentWidget()

    def table(self) -> ResultTableView | None:
        view = self.stack.currentWidget()
        table = getattr(view, "table", None)
        return table if isinstance(table, ResultTableView) else None

    def _view_for(self, answer: object) -> QWidget:
        """Each kind of view is created once per page and updated on every run."""
        kind = answer_kind(answer)
        if kind not in self.views:
            self.views[kind] = VIEWS[kind](self)
            self.stack.addWidget(self.views[kind])
            follow_up = getattr(self.views[kind], "question_requested", None)
            if follow_up is not None:
                follow_up.connect(self.question_requested)
            chosen = getattr(self.views[kind], "country_chosen", None)
            if chosen is not None:
                chosen.connect(self.country_chosen)
            signal = getattr(self.views[kind], "drill_requested", None)
            if signal is not None:  # bars and points open the sessions behind them
                signal.connect(self._on_view_drill_requested)
        return self.views[kind]

    def _on_view_drill_requested(self, pick: Pick, where: QPoint | None) -> None:
        """A double-click drills at once; a right-click offers what can be done."""
        from explorer.ui.results import drill_menu  # with the sessions' services: on first use

        query = pick.question or self.query  # a cross-tab's cell: its row's own query
        context = getattr(self.result, "context", None)
        start = getattr(context, "start", None) or getattr(query, "start", None)
        end = getattr(context, "end", None) or getattr(query, "end", None)
        target = drill_menu.pointed(query, start, end, pick)
        noun = "point" if pick.start is not None else "bar"
        if where is not None:
            chosen = drill_menu.show_menu(self, target, noun, where)
        elif isinstance(target, str):
            self.header.setText(f"{self._summary} · no sessions behind this {noun}: {target}")
            return
        else:
            chosen = drill_menu.default_action(target)
        if chosen is not None and not isinstance(target, str):
            self.drill_requested.emit(target, chosen)

    @property
    def scalar_view(self) -> ScalarView | None:
        return cast("ScalarView | None", self.views.get(ScalarResult))

    @property
    def breakdown_view(self) -> BreakdownView | None:
        return cast("BreakdownView | None", self.views.get(BucketFrame))

    @property
    def timeseries_view(self) -> TimeseriesView | None:
        return cast("TimeseriesView | None", self.views.get(TimeseriesFrame))

    @property
    def report_view(self) -> ReportView | None:
        return cast("ReportView | None", self.views.get(Report))


class ToolTab(Protocol):
    """A tab of one asset that is not a question's result (Sessions, Retention)."""

    media: Any
    title: str

    def set_zone(self, zone: str) -> None: ...

    def cancel_all(self) -> None: ...


def is_tool_tab(widget: object) -> bool:
    return not isinstance(widget, ResultPage) and hasattr(widget, "media")


class ResultTabs(QTabWidget):
    """Several results stay open; closing a tab cancels its query (``page_closed``, for any
    kind of tab)."""

    page_closed = Signal(object)
    question_requested = Signal(object)  # a result asks a follow-up question: ask it in a new tab
    country_chosen = Signal(str)  # a country clicked on a page's map
    drill_requested = Signal(object, str)  # a page's: (Pointed, SESSIONS | CONTRIBUTORS)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Results")
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.tabBar().setAccessibleName("Result tabs")
        self.tabCloseRequested.connect(self._on_self_tab_close_requested)
        self.titles: dict[str, str] = {}  # asset id -> title, one dict shared by the pages
        self.known_ids: set[str] = set()  # the account's videos and live streams (empty: unknown)
        self.account, self.account_label = "", ""  # set_account: the account now open
        self.overlay_button = QPushButton("Overlay", self)
        self.overlay_button.setAccessibleName("Overlay timeseries results")
        self.overlay_button.setToolTip("Draw the timeseries results of all tabs on one chart")
        self.overlay_button.setFlat(True)
        self.overlay_button.clicked.connect(self.open_overlay)
        self.setCornerWidget(self.overlay_button)
        self.currentChanged.connect(self._on_self_current_changed)

    def _on_self_current_changed(self, _index: int) -> None:
        self.updateGeometry()  # its minimum is the new current tab's

    def minimumSizeHint(self) -> QSize:
        """The current tab's minimum, not the largest of all (QTabWidget's): a Sessions tab
        in the background asked for its inspector's height beside the builder, and the window
        grew to 934 px on a 700 px screen."""
        current = self.currentWidget()
        inner = current.minimumSizeHint() if current is not None else QSize(0, 0)
        bar = self.tabBar().minimumSizeHint()
        return QSize(max(inner.width(), bar.width()), max(inner.height(), 0) + bar.height())

    def pages(self) -> list[ResultPage]:
        return [p for i in range(self.count()) if isinstance(p := self.widget(i), ResultPage)]

    def new_page(self) -> ResultPage:
        page = ResultPage(self)
        page.titles, page.known_ids = self.titles, self.known_ids
        page.question_requested.connect(self.question_requested)
        page.country_chosen.connect(self.country_chosen)
        page.drill_requested.connect(self.drill_requested)
        self.setCurrentIndex(self.addTab(page, page.title))
        return page

    def tools(self) -> list[ToolTab]:
        """The tabs that are not result pages: Sessions and Retention tabs."""
        widgets = (self.widget(index) for index in range(self.count()))
        return [cast(ToolTab, w) for w in widgets if is_tool_tab(w)]

    def bring_forward(self, wanted: Callable[[QWidget], bool]) -> QWidget | None:
        """Make the first tool tab ``wanted`` picks current, and give it; None if none."""
        found = next((tool for tool in self.tools() if wanted(tool)), None)
        if found is not None:
            self.setCurrentWidget(found)
        return found

    def add_tool(self, view: QWidget, title: str, tooltip: str) -> None:
        self.setCurrentIndex(self.addTab(view, title))
        self.setTabToolTip(self.currentIndex(), tooltip)

    def current_page(self) -> ResultPage | None:
        page = self.currentWidget()
        return page if isinstance(page, ResultPage) else None

    def open_overlay(self) -> OverlayView:
        """The tabs' timeseries results on one chart, in the Overlay tab (made once, redrawn)."""
        from explorer.ui.results.overlay_view import OverlayView

        results: list[tuple[Query | None, str, TimeseriesFrame]] = []
        zone = "UTC"
        for page in self.pages():
            if isinstance(page.result, TimeseriesFrame):
                results.append((page.query, page.title, page.result))
                zone = page.zone
        view = next(
            (w for i in range(self.count()) if isinstance(w := self.widget(i), OverlayView)), None
        )
        if view is None:  # made now, shown on the next turn: both in one would stall the UI
            view = OverlayView(self)
            self.addTab(view, view.title)
            made = view
            QTimer.singleShot(0, view, lambda: self._show_overlay(made, results, zone))
        else:
            self._show_overlay(view, results, zone)
        return view

    def _show_overlay(
        self, view: OverlayView, results: list[tuple[Query | None, str, TimeseriesFrame]], zone: str
    ) -> None:
        self.setCurrentWidget(view)
        view.show_results(results, zone)

    def set_titles(self, titles: dict[str, str], known_ids: set[str] | None = None) -> None:
        """The account's asset titles by id: breakdowns by video or live stream show them,
        those already open included; `known_ids`, every video and live stream it lists (an
        empty result names the ids of its question that are not among them)."""
        self.known_ids.clear()
        self.known_ids.update(known_ids or ())
        if titles == self.titles:
            return
        self.titles.clear()
        self.titles.update(titles)
        for page in self.pages():
            if isinstance(page.result, BucketFrame) and page.breakdown_view is not None:
                page.breakdown_view.set_result(page.result, page.zone, self.titles)

    def set_account(self, account: str, label: str) -> None:
        """The account now open: tabs asked of another one show which in their text."""
        self.account, self.account_label = account, label
        for page in self.pages():
            self.retitle(page)

    def retitle(self, page: ResultPage) -> None:
        index = self.indexOf(page)
        if index >= 0:
            text = elide_middle(page.title, TAB_CHARS) + (" …" if page.running else "")
            if page.account != self.account and page.source:
                text = f"[{elide(page.source.split(' (')[0], 20)}] {text}"
            self.setTabText(index, text)
            self.setTabToolTip(index, page.header.text() or page.title)

    def _on_self_tab_close_requested(self, index: int) -> None:
        page = self.widget(index)
        self.removeTab(index)
        if page is not None:  # a ResultPage, or another kind of tab (sessions)
            self.page_closed.emit(page)
            page.deleteLater()
