"""The main window: assets on the left, the query builder above result tabs, a status bar.

The window works over any data source (`explorer.services.source.DataSource`, held as
``workspace``): the query builder is the one the source's kind calls for
(`ui.builders.registry`, keyed by the source's `api`), results are drawn by their type, and
actions a source cannot serve (player sessions, server-side export jobs) are disabled while
it is open."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QCompleter,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.frames import Result
from explorer.services import app_dirs
from explorer.services.errors import describe_error
from explorer.services.source import Assets, DataSource
from explorer.services.sources import DEFAULT, kind_named
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.builders.registry import builder_for, state_key
from explorer.ui.common import export_folder
from explorer.ui.common.theme import THEMES, apply_theme
from explorer.ui.common.window_fit import available_area, first_size
from explorer.ui.dialogs.help_dialogs import HelpDialog, about_text, metrics_text, shortcuts_text
from explorer.ui.panels.account_bar import DEMO_CHOICE, AccountBar
from explorer.ui.panels.alert_checker import AlertChecker, now_text
from explorer.ui.panels.alert_log import AlertLog, AlertNotifier
from explorer.ui.panels.asset_model import tree_media, videos_by_tag
from explorer.ui.panels.asset_panel import AssetPanel
from explorer.ui.panels.group_shelf import GroupBook
from explorer.ui.panels.history_panel import HistoryPanel
from explorer.ui.panels.status_bar import StatusBar
from explorer.ui.results.result_tabs import ResultPage, ResultTabs, ToolTab, is_tool_tab
from explorer.ui.window_menus import make_menus


def _discover(comparisons: Any, question: SplitQuestion, cancel: Any, _progress: Any) -> Any:
    return comparisons.discover(question, cancel)


def is_fan_out(question: object) -> bool:
    """A question answered by many requests (a split, a comparison, a ranking)."""
    from explorer.domain.comparison import ComparisonQuestion
    from explorer.domain.impact import RankRequest
    from explorer.domain.splits import SplitQuestion

    return isinstance(question, SplitQuestion | ComparisonQuestion | RankRequest)


if TYPE_CHECKING:  # these load with pyqtgraph when such a tab first opens, not at start-up
    from explorer.domain.splits import SplitQuestion
    from explorer.services.account_manager import AccountManager
    from explorer.services.query_history import QueryHistory
    from explorer.services.store_admin import StoreAdmin
    from explorer.ui.audience.retention_view import RetentionView
    from explorer.ui.dialogs.accounts_dialog import AccountsDialog
    from explorer.ui.dialogs.command_palette import CommandPalette
    from explorer.ui.dialogs.export_job_dialog import ExportJobDialog
    from explorer.ui.dialogs.store_dialog import StoreDialog
    from explorer.ui.live.live_view import LiveView

    # The dialogs, the API client and the models they bring are imported when first used: the
    # window's first paint needs none of them (start-up, tests/benchmarks/bench_gui.py).
    from explorer.ui.sessions.sessions_view import SessionsView

log = logging.getLogger(__name__)

QUERY = "query"  # a result page's slot in the task runner: its latest question wins
MESSAGE_MS = 8000


def is_sessions_view(widget: object) -> TypeGuard[SessionsView]:
    """Whether ``widget`` is a Sessions tab, without loading that module before one opens."""
    module = sys.modules.get("explorer.ui.sessions.sessions_view")
    return module is not None and isinstance(widget, module.SessionsView)


def is_retention_view(widget: object) -> TypeGuard[RetentionView]:
    """Whether ``widget`` is a Retention tab (its module, with pyqtgraph, loads on first use)."""
    module = sys.modules.get("explorer.ui.audience.retention_view")
    return module is not None and isinstance(widget, module.RetentionView)


def _record(history: QueryHistory, question: Any, _cancel: Any, _progress: Any) -> int | None:
    return history.record(question)


def is_live_view(widget: object) -> TypeGuard[LiveView]:
    """Whether ``widget`` is a Live tab (its module, with pyqtgraph, loads on first use)."""
    module = sys.modules.get("explorer.ui.live.live_view")
    return module is not None and isinstance(widget, module.LiveView)


class MainWindow(QMainWindow):
    assets_loaded = Signal()  # the asset tree shows a freshly loaded list
    assets_shown = Signal()  # the asset tree shows a list: the stored one first, or fresh
    not_ready = Signal(object)  # the data source or its assets could not be loaded: the error
    workspace_requested = Signal(str)  # the person chose the demo ("") or an account id

    def __init__(self, settings: QSettings, runner: TaskRunner) -> None:
        super().__init__()
        self.settings = settings
        self.theme = "system"  # View > Theme: system, light or dark
        self.runner = runner
        self.workspace: DataSource | None = None  # the open data source
        self.accounts: AccountManager | None = None  # set once the account book is read
        self.accounts_dialog: AccountsDialog | None = None
        self.command_palette: CommandPalette | None = None  # open while Ctrl+K shows it
        self.store_admin: StoreAdmin | None = None  # set once the local store is open
        self._waiting: list[tuple[ResultPage, Any]] = []  # restored tabs waiting for a source
        self._tabs_restored = False  # the last run's tabs come back once, on the first source
        self.setWindowTitle("Analytics Explorer")
        self.setObjectName("main-window")

        self.account_bar = AccountBar(self)
        self.addToolBar(self.account_bar)
        self.asset_panel = AssetPanel(self)
        self._tree_scope: tuple[str, ...] = ()  # the videos the tree last chose together
        self.asset_dock = QDockWidget("Assets", self)
        self.asset_dock.setObjectName("assets-dock")
        self.asset_dock.setWidget(self.asset_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.asset_dock)
        self.history_panel = HistoryPanel(runner, self)
        self.history_dock = QDockWidget("Query history", self)
        self.history_dock.setObjectName("history-dock")
        self.history_dock.setWidget(self.history_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.history_dock.hide()  # View > Query history (Ctrl+H)
        self.api = DEFAULT.key  # the kind of source the builder asks questions of
        self.builder: Any = builder_for(self.api, self)  # a QuestionBuilder
        self.results = ResultTabs(self)
        self.results.new_page()
        centre = QWidget(self)
        self.column = QVBoxLayout(centre)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(0)
        self.column.addWidget(self.builder)  # as tall as its rows need: it grows with filters
        self.column.addWidget(self.results, 1)
        self.setCentralWidget(centre)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._make_alerts()
        make_menus(self)
        self._connect()
        self.resize(first_size(available_area(self)))  # a restored geometry wins
        self.restore_state()

    # --- construction ----------------------------------------------------------------------

    def _make_alerts(self) -> None:
        """The Alerts dock (its log), the background checker and the tray notifications."""
        self.alert_log = AlertLog(self)
        self.alert_dock = QDockWidget("Alerts", self)
        self.alert_dock.setObjectName("alerts-dock")
        self.alert_dock.setWidget(self.alert_log)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.alert_dock)
        self.alerts = AlertChecker(self.runner, self.settings, self)
        self.alert_dock.setVisible(self.alerts.path is not None)
        self.alert_notifier = AlertNotifier(self.alert_log, self)
        self.alerts.status_changed.connect(self.alert_log.show_status)
        self.alerts.round_done.connect(self._on_alerts_round_done)
        self.alerts.problem.connect(self._on_alerts_problem)
        self.alert_log.query_requested.connect(self.open_alert_query)
        self.alert_log.open_rules_requested.connect(self.open_alert_rules)
        self.alert_log.check_requested.connect(self.alerts.check_now)
        self.alert_notifier.query_requested.connect(self.open_alert_query)

    def _connect(self) -> None:
        self.runner.tasks_changed.connect(self._on_runner_tasks_changed)
        self._connect_builder()
        self.asset_panel.scope_chosen.connect(self._on_asset_panel_scope_chosen)
        self.asset_panel.scope_ids_chosen.connect(self._on_asset_panel_scope_ids_chosen)
        self.asset_panel.groups_changed.connect(self._on_asset_panel_groups_changed)
        self.asset_panel.analyze_requested.connect(self._on_asset_panel_analyze_requested)
        self.asset_panel.sessions_requested.connect(self.open_sessions)
        self.asset_panel.group_sessions_requested.connect(self.open_group_sessions)
        self.asset_panel.retention_requested.connect(self.open_retention)
        self.asset_panel.export_requested.connect(self.open_export_job)
        self.asset_panel.live_requested.connect(self.open_live)
        self.account_bar.workspace_chosen.connect(self.workspace_requested)
        self.account_bar.manage_requested.connect(self.open_accounts)
        self.asset_panel.message_posted.connect(self._on_message_posted)
        self.results.currentChanged.connect(self._on_results_current_changed)
        self.results.page_closed.connect(self._on_results_page_closed)
        self.results.country_chosen.connect(self.filter_on_country)
        self.results.drill_requested.connect(self.drill_into)
        self.results.tabBarDoubleClicked.connect(self._on_results_tab_bar_double_clicked)
        self.results.question_requested.connect(self._on_results_question_requested)
        self.history_panel.rerun_requested.connect(self.rerun_question)
        self.history_dock.visibilityChanged.connect(self._on_history_dock_visibility_changed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    def _connect_builder(self) -> None:
        self.builder.run_requested.connect(self.run_query)
        self.builder.cancel_requested.connect(self.cancel_current)
        self.builder.curl_requested.connect(self.copy_curl)
        self.builder.zone_changed.connect(self._on_builder_zone_changed)
        changed = getattr(self.builder, "query_changed", None)
        if changed is not None:  # scope and tree agree, always
            changed.connect(self._sync_tree)

    def _use_builder(self, api: str) -> None:
        """Put the builder of the kind of source ``api`` in place (its state from the last
        launch restored, the zone carried over); nothing changes for a source of the same kind."""
        if api == self.api:
            return
        self._save_builder_state()
        zone, old = self.builder.zone_name, self.builder
        self.api = api
        self.builder = builder_for(api, self)
        self.column.replaceWidget(old, self.builder)
        old.hide()
        old.deleteLater()
        self._connect_builder()
        self._restore_builder_state()
        self.builder.set_zone(zone)
        self._show_builder()

    # --- the data source -------------------------------------------------------------------

    def show_connecting(self, text: str) -> None:
        self.asset_panel.set_loading(text)
        self.builder.set_ready(False)
        page = self.results.current_page()
        if page is not None:
            page.intro.setText(f"{text}\nYou can build a query meanwhile.")

    def show_connection_failure(self, error: BaseException) -> None:
        report = describe_error(error)
        self.asset_panel.set_loading(f"No data source: {report.message}")
        page = self.results.current_page() or self.results.new_page()
        page.error.show_report(report, "The data source could not start: ")
        page.stack.setCurrentWidget(page.error)
        self.not_ready.emit(error)

    def set_account_manager(self, manager: AccountManager, current: str) -> None:
        """The saved accounts are known: list them in the switcher, `current` selected."""
        self.accounts = manager
        self.account_bar.set_accounts(manager.accounts(), current)

    def open_accounts(self) -> AccountsDialog | None:
        """The accounts dialog (one at a time); None while the account book is not read."""
        if self.accounts is None:
            self.status.showMessage("The saved accounts are not loaded yet.", MESSAGE_MS)
            return None
        if self.accounts_dialog is None:
            from explorer.ui.dialogs.accounts_dialog import AccountsDialog

            dialog = AccountsDialog(self.accounts, self.runner, self)
            dialog.accounts_changed.connect(self._on_accounts_dialog_accounts_changed)
            dialog.account_chosen.connect(self.workspace_requested)
            dialog.finished.connect(self._on_accounts_dialog_finished)
            self.accounts_dialog = dialog
            dialog.show()
        else:
            self.accounts_dialog.raise_()
            self.accounts_dialog.activateWindow()
        return self.accounts_dialog

    def open_store(self) -> StoreDialog | None:
        """Where the local store is, its size per account, and clearing."""
        if self.store_admin is None:
            self.status.showMessage("There is no local store in this run.", MESSAGE_MS)
            return None
        accounts = self.accounts.accounts() if self.accounts is not None else []
        from explorer.ui.dialogs.store_dialog import StoreDialog

        dialog = StoreDialog(self.store_admin, {a.id: a.name for a in accounts}, self.runner, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.show()
        return dialog

    def _on_accounts_dialog_accounts_changed(self) -> None:
        assert self.accounts is not None
        current = self.workspace.account_id if self.workspace is not None else ""
        self.account_bar.set_accounts(self.accounts.accounts(), current)
        if current and self.accounts.book.get(current) is None:  # the open account was removed
            self.workspace_requested.emit(DEMO_CHOICE)

    def _on_accounts_dialog_finished(self) -> None:
        if self.accounts_dialog is not None:
            self.accounts_dialog.deleteLater()
            self.accounts_dialog = None

    def leave_workspace(self, text: str) -> None:
        """Another data source is opening: drop everything of the current one."""
        self.workspace = None
        self.export_job_action.setEnabled(False)
        self.remote_exports_action.setEnabled(False)
        self.runner.cancel_all()
        self.show_connecting(text)

    def _label(self) -> str:
        return "" if self.workspace is None else self.workspace.label

    def _account_key(self) -> str:
        workspace = self.workspace
        return "" if workspace is None else workspace.account_id or f"demo:{workspace.label}"

    def _source_text(self) -> str:
        """Which account and source a question is asked of: "Studio (api.video, PRODUCTION)"."""
        if self.workspace is None:
            return ""
        api = kind_named(self.workspace.api).name
        return f"{self.workspace.label} ({api}, {self.workspace.kind})"

    def set_workspace(self, workspace: DataSource) -> None:
        switched = self.workspace is not None and workspace is not self.workspace
        self.workspace = workspace
        self._use_builder(workspace.api)
        # the platform appends the application's display name: "Demo project — Analytics
        # Explorer", not the name twice
        self.setWindowTitle(workspace.label)
        self.status.show_badge(workspace.kind, workspace.label)
        has_sessions = workspace.sessions is not None
        self.export_job_action.setEnabled(has_sessions)
        self.sessions_action.setEnabled(has_sessions)
        self.retention_action.setEnabled(has_sessions)
        reason = "" if has_sessions else self._no_sessions_reason()
        for action, tip in (
            (
                self.sessions_action,
                "Open the sessions of the video or saved group chosen in the tree",
            ),
            (self.retention_action, "Where viewers drop off in the video chosen in the tree"),
            (self.export_job_action, "Export several assets' sessions with their events"),
        ):  # a greyed item says why
            action.setToolTip(reason or tip)
            action.setStatusTip(reason or tip)
        self.asset_panel.has_sessions = has_sessions
        self.remote_exports_action.setEnabled(workspace.exports is not None)
        self.account_bar.show_current(workspace.account_id, workspace.kind)
        if not workspace.account_id:
            self.account_bar.name_demo(workspace.label)
        self.builder.set_clock(workspace.now, history=workspace.has_history)
        comparisons = workspace.comparisons
        if hasattr(self.builder, "set_cost_reader"):  # only a builder that offers splits has it
            self.builder.set_cost_reader(None if comparisons is None else self.cost_words)
        self.rank_action.setEnabled(comparisons is not None)
        self.rank_action.setToolTip(
            "Rank the segments that hurt play rate, completion, views and impression time most"
            if comparisons is not None
            else f"{kind_named(workspace.api).name} offers no ranking: it has no breakdowns"
        )
        self.alerts.set_source(workspace)
        self.builder.set_ready(True)
        self.results.set_account(self._account_key(), workspace.label)
        if switched:  # never another account's assets under this one's name
            self.asset_panel.clear(f"Loading the assets of {workspace.label}…")
            self.results.set_titles({}, set())
        self.asset_panel.shelf.use(GroupBook(self.settings), self._account_key())
        page = self.results.current_page()
        if page is not None and page.query is None:
            page.intro.setText(
                "Build a query above and press Run (Ctrl+Enter).\n"
                "Choose an asset on the left to narrow it down."
            )
        self.reload_assets()
        if self._waiting:  # tabs of an exploration opened before the source was ready
            waiting, self._waiting = self._waiting, []
            self.refresh_restored(waiting)
        if not self._tabs_restored:  # the last run's tabs, on the first source
            self._tabs_restored = True
            from explorer.ui.window_explorations import restore_open_tabs

            restore_open_tabs(self)

    def reload_assets(self) -> None:
        if self.workspace is None:
            return
        self.asset_panel.set_loading("Loading assets…")
        if self.workspace.has_history and not self.asset_panel.model.rowCount():
            self.runner.run(
                self.workspace.stored_assets, owner=self, slot="assets/stored",
                label="Reading stored assets", done=self._on_stored_assets,
            )  # fmt: skip
        self.runner.run(
            self.workspace.load_assets, owner=self, slot="assets", label="Loading assets",
            done=self._on_assets_loaded, failed=self._on_assets_failed, always=self._show_budget,
        )  # fmt: skip

    def show_first_assets(self, stored: tuple[str, Assets] | None) -> None:
        """The first screen: the tree as last stored, shown while the data source starts, or
        (first launch) as the demo's generator has just made it, shown while the rest of its
        data is generated (``(label, assets)``; None: nothing stored). Never over a source
        already shown."""
        if stored is None or self.workspace is not None or self.asset_panel.model.rowCount():
            return
        label, assets = stored
        waiting = self.asset_panel.status.text()  # first launch: how far the data is
        self.asset_panel.set_assets(label, assets, self.builder.zone_name)
        if assets.stored:
            self.asset_panel.set_loading(f"Stored assets {assets.age()}; starting the data source…")
        else:
            self.asset_panel.set_loading(waiting)
        self.results.set_titles(assets.titles(), assets.media_ids())
        self._sync_tree()
        self.assets_shown.emit()

    def _on_stored_assets(self, assets: Assets | None) -> None:
        """Show the stored tree at once while the API is asked (never over a fresh one);
        None: nothing is stored."""
        if assets is None or self.workspace is None or self.runner.running(self, "assets") is None:
            return
        self.asset_panel.set_assets(self.workspace.label, assets, self.builder.zone_name)
        self.asset_panel.set_loading(f"Stored assets {assets.age()}; refreshing…")
        self._sync_tree()
        self.results.set_titles(assets.titles(), assets.media_ids())

    def _on_assets_loaded(self, assets: Assets) -> None:
        assert self.workspace is not None
        self.asset_panel.set_assets(self.workspace.label, assets, self.builder.zone_name)
        self.status.show_offline(assets.offline)
        if assets.offline:
            self.asset_panel.set_loading(
                f"Offline: the API cannot be reached; showing the assets stored {assets.age()}."
            )
        self.builder.set_assets(assets)
        self.results.set_titles(assets.titles(), assets.media_ids())
        self._sync_tree()
        self.runner.run(
            self.workspace.known_values, owner=self, slot="discover",
            label="Looking up values in the data", done=self.builder.learn_values,
            failed=lambda e: log.info("looking up values failed: %s", describe_error(e).message),
            always=self._show_budget,
        )  # fmt: skip
        self.assets_loaded.emit()
        self.assets_shown.emit()

    def _on_assets_failed(self, error: BaseException) -> None:
        if not self.asset_panel.model.rowCount():
            text = f"No assets to show: those of {self._label()} could not be loaded"
        else:
            text = "Assets could not be loaded"
        self.asset_panel.set_loading(f"{text}: {describe_error(error).message}")
        self.not_ready.emit(error)

    # --- queries ---------------------------------------------------------------------------

    def run_query(self, new_tab: bool = False) -> ResultPage | None:
        if self.workspace is None:
            self.status.showMessage("The data source is not ready yet.", MESSAGE_MS)
            return None
        for completer in self.builder.findChildren(QCompleter):  # none left open over results
            completer.popup().hide()
        query = self.builder.question()
        problems = self.workspace.check(query) or self.builder.problems()  # and the builder's own
        if problems:
            self.status.showMessage("Not sent: " + "; ".join(problems), MESSAGE_MS)
            return None
        if not self.cost_accepted(query):
            return None
        page = self.results.current_page()
        if new_tab or page is None:
            page = self.results.new_page()
        self.ask(page, query, self.builder.zone_name, self.builder.title_of(query))
        page.builder_state = self.builder.state()  # the question as chosen, to load back
        return page

    def ask(
        self, page: ResultPage, query: Any, zone: str, title: str = "", *, remember: bool = True
    ) -> None:
        """Put ``query`` to the open source; its answer (or failure) shows on ``page``. A
        split, a comparison or a ranking is fanned out (`DataSource.comparisons`): its cost
        is said first (and asked about above a threshold) and its parts show as they come;
        a split over values not known yet lists them first (`_discover_then_ask`)."""
        workspace = self.workspace
        assert workspace is not None
        if getattr(query, "needs_discovery", False):  # a split over values not listed yet
            self._discover_then_ask(page, query, zone, title)
            return
        fanned = is_fan_out(query)
        page.show_running(query, zone, title)
        page.source, page.account = self._source_text(), self._account_key()
        self.results.retitle(page)
        if fanned:
            assert workspace.comparisons is not None
            work, args = workspace.comparisons.answer, (query,)
        else:
            work, args = workspace.run_query, (query,)
        self.runner.run(
            work, *args, owner=page, slot=QUERY, label=f"Running {page.title}",
            done=lambda result: self._on_query_done(page, result),
            failed=lambda error: self._on_query_failed(page, error),
            cancelled=lambda: self._on_query_cancelled(page),
            progressed=page.show_progress, always=self._show_budget,
            yielded=(lambda answers: page.show_growing(answers[-1], workspace.now()))
            if fanned else None,
        )  # fmt: skip
        self.builder.set_busy(True)
        if remember:
            self._remember(query)

    def _discover_then_ask(self, page: ResultPage, question: SplitQuestion, zone: str,
                           title: str) -> None:  # fmt: skip
        """A split over an open dimension (countries, browsers…) with no values chosen: one
        request lists the values seen; what the split then costs is said, and asked about
        above the threshold, before its requests are sent."""
        assert self.workspace is not None and self.workspace.comparisons is not None
        page.show_running(question, zone, title)
        page.source, page.account = self._source_text(), self._account_key()
        self.results.retitle(page)
        self.runner.run(
            _discover, self.workspace.comparisons, question, owner=page, slot=QUERY,
            label=f"Listing the values of {question.dimension}",
            done=lambda found: self._on_discovered(page, found, zone, title),
            failed=lambda error: self._on_query_failed(page, error),
            cancelled=lambda: self._on_query_cancelled(page),
            always=self._show_budget,
        )  # fmt: skip
        self.builder.set_busy(True)
        self._remember(question)  # as asked: a rerun lists the values seen then

    def _on_discovered(self, page: ResultPage, found: SplitQuestion, zone: str, title: str) -> None:
        if not found.segments():
            self._on_query_failed(page, ValueError(
                f"no value of {found.dimension} was seen over this period: nothing to split"
            ))  # fmt: skip
            return
        if not self.cost_accepted(found):
            self._on_query_cancelled(page)
            self.status.showMessage(f"Not sent: {found.title}.", MESSAGE_MS)
            return
        self.ask(page, found, zone, title, remember=False)

    def cost_words(self, question: Any) -> str:
        """What a fan-out will cost, in words, for the builder to say before it is sent."""
        assert self.workspace is not None and self.workspace.comparisons is not None
        if getattr(question, "needs_discovery", False):  # a split over values not listed yet
            return (
                f"1 request to list the values of {question.dimension} seen, then one per value "
                "(said, and asked about when many, before they are sent)"
            )
        return self.workspace.comparisons.cost(question).sentence()

    # --- the query history -------------------------------------------------------------------

    def query_history(self) -> QueryHistory | None:
        """The open account's history (None until the local store is open, or without one)."""
        if self.store_admin is None or self.workspace is None:
            return None
        from explorer.services.query_history import QueryHistory

        return QueryHistory(self.store_admin.store, self._account_key())

    def _remember(self, question: Any) -> None:
        """Keep every question asked in the account's history (on a worker: the disk)."""
        history = self.query_history()
        if history is not None:
            self.runner.run(
                _record, history, question, owner=self, label="Keeping the question",
                done=self._on_question_recorded,
            )  # fmt: skip

    def _on_question_recorded(self, _entry_id: int | None) -> None:
        if not self.history_dock.isHidden():
            self.history_panel.set_history(self.query_history())

    def _on_history_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            self.history_panel.set_history(self.query_history())

    def toggle_history(self) -> None:
        """Show or hide the query history (View > Query history)."""
        self.history_dock.setHidden(not self.history_dock.isHidden())
        if not self.history_dock.isHidden():
            self.history_panel.set_history(self.query_history())
            self.history_panel.search.setFocus()

    def rerun_question(self, question: Any) -> ResultPage | None:
        """Ask a question again (from the history, an exploration) in a new tab."""
        if self.workspace is None:
            self.status.showMessage("The data source is not ready yet.", MESSAGE_MS)
            return None
        from explorer.domain.questions import source_kind

        if source_kind(question) != self.workspace.api:
            self.status.showMessage(
                "Not sent: this question was asked of another kind of data source "
                f"({source_kind(question)}); open an account of that kind to run it.",
                MESSAGE_MS,
            )
            return None
        problems = self.workspace.check(question)
        if problems:
            self.status.showMessage("Not sent: " + "; ".join(problems), MESSAGE_MS)
            return None
        if not self.cost_accepted(question):
            return None
        page = self.results.new_page()
        self.ask(page, question, self.builder.zone_name, self.builder.title_of(question))
        return page

    # --- explorations (File > Open / Save exploration) -----------------------------------------

    def open_exploration(self, path: Path | None = None) -> None:
        """Open an exploration file (`path`, or the one chosen in a dialog)."""
        from explorer.ui import window_explorations

        if path is None:
            window_explorations.ask_and_open(self)
        else:
            window_explorations.open_file(self, path)

    def save_exploration(self, path: Path | None = None, *, with_data: bool = False) -> None:
        """Save the result tabs' questions (and with_data, their answers) to a file."""
        from explorer.ui import window_explorations

        if path is None:
            window_explorations.ask_and_save(self, with_data=with_data)
        else:
            window_explorations.save_to(self, path, with_data=with_data)

    def refresh_restored(self, tabs: list[tuple[ResultPage, Any]]) -> None:
        """Ask restored tabs' questions again, now or once a source is open."""
        if self.workspace is None:
            self._waiting.extend(tabs)
            return
        from explorer.domain.questions import source_kind

        for page, tab in tabs:
            if page not in self.results.pages():
                continue  # closed meanwhile
            if source_kind(tab.question) != self.workspace.api:
                page.intro.setText(
                    f"{tab.title} was asked of another kind of data source "
                    f"({source_kind(tab.question)}): open an account of that kind to refresh it."
                )
                continue
            problems = self.workspace.check(tab.question)
            if problems:
                page.header.setText(f"{tab.title}: not asked again: " + "; ".join(problems))
                page.header.show()
                continue
            costly = self._costly(tab.question)
            if costly:  # a launch never sends a costly fan-out unasked
                page.intro.setText(
                    f"{tab.title} was not asked again on launch: it costs {costly}.\n"
                    "Load its question (Ctrl+L) and Run to ask it."
                )
                page.builder_state = tab.builder
                continue
            self.ask(page, tab.question, tab.zone, tab.title)

    def _costly(self, question: Any) -> str:
        """What a fan-out above the asking threshold costs, in words ("" for any other)."""
        comparisons = self.workspace.comparisons if self.workspace is not None else None
        if not is_fan_out(question) or comparisons is None:
            return ""
        cost = comparisons.cost(question)
        return cost.sentence() if cost.needs_confirmation else ""

    def cost_accepted(self, question: Any) -> bool:
        """Says what a fan-out costs; above the threshold, asks first (True: send it)."""
        if not is_fan_out(question):
            return True
        assert self.workspace is not None and self.workspace.comparisons is not None
        cost = self.workspace.comparisons.cost(question)
        sentence = cost.sentence()
        from explorer.domain.impact import RankRequest

        if isinstance(question, RankRequest):  # its second round is not known before the first
            sentence += ", then one per segment with enough impressions for impression time"
        self.status.showMessage(f"Sending {sentence}.", MESSAGE_MS)
        return not cost.needs_confirmation or self.confirm_cost(sentence)

    def confirm_cost(self, sentence: str) -> bool:
        """Whether to send a costly fan-out; tests replace this (the dialog is modal)."""
        answer = QMessageBox.question(
            self, "Send these requests?", f"This will send {sentence}. Send them?"
        )
        return answer == QMessageBox.StandardButton.Yes

    def rank_current(self, min_volume: float | None = None) -> ResultPage | None:
        """What hurts most, over the builder's time range and filters, in a new tab;
        ``min_volume``: what a segment needs to be listed (else the ranking's default)."""
        workspace = self.workspace
        if workspace is None or workspace.comparisons is None:
            self.status.showMessage("This data source offers no ranking.", MESSAGE_MS)
            return None
        query = self.builder.query()
        window = query.effective_range(workspace.now())
        if window is None:
            self.status.showMessage("Choose a time range to rank over.", MESSAGE_MS)
            return None
        from explorer.domain.impact import RankRequest

        request = RankRequest(window[0], window[1], {k: v for k, v in query.filters.items() if v})
        if min_volume is not None:
            request = replace(request, min_volume=min_volume)
        if not self.cost_accepted(request):
            return None
        page = self.results.new_page()
        scope = self.builder.title_of(query).split(" · ")[1:]  # the scope, filters and range
        self.ask(page, request, self.builder.zone_name, " · ".join(["What hurts most", *scope]))
        return page

    def _on_results_question_requested(self, question: Any) -> None:
        """A result asks a follow-up (a ranking's row opens its split): a new tab."""
        if self.workspace is None or not self.cost_accepted(question):
            return
        page = self.results.new_page()
        self.ask(page, question, self.builder.zone_name, self.builder.title_of(question))

    def cancel_current(self) -> None:
        page = self.results.current_page()
        if page is not None:
            self.runner.cancel(self.runner.running(page, QUERY))

    def _on_query_done(self, page: ResultPage, result: Result) -> None:
        assert self.workspace is not None
        page.show_result(result, self.workspace.now())
        provenance = getattr(result, "provenance", None)
        self.status.show_offline(provenance is not None and provenance.offline)
        self.results.retitle(page)
        self.builder.learn_from(result)
        self._query_ended(page)

    def _on_query_failed(self, page: ResultPage, error: BaseException) -> None:
        page.show_error(error)
        self.results.retitle(page)
        self._query_ended(page)

    def _on_query_cancelled(self, page: ResultPage) -> None:
        page.show_cancelled()
        self.results.retitle(page)
        self.status.showMessage("Query cancelled.", MESSAGE_MS)
        self._query_ended(page)

    def _query_ended(self, page: ResultPage) -> None:
        if page is self.results.current_page():
            self.status.show_fetched(page.fetched_at, page.zone)
            self.builder.set_busy(False)

    def _help(self, title: str, text: str) -> HelpDialog:
        dialog = HelpDialog(title, text, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.show()
        return dialog

    def show_shortcuts(self) -> HelpDialog:
        return self._help("Keyboard shortcuts", shortcuts_text(self.actions()))

    def show_metrics(self) -> HelpDialog:
        return self._help("Metrics", metrics_text())

    def show_about(self) -> HelpDialog:
        store = self.store_admin.store.path if self.store_admin is not None else None
        base_url = self.workspace.base_url if self.workspace is not None else ""
        text = about_text(self._source_text(), base_url, store, app_dirs.log_dir())
        return self._help("About Analytics Explorer", text)

    def load_tab_question(self) -> None:
        """Bring the current tab's question back into the builder (also: double-click a tab)."""
        page = self.results.current_page()
        state = page.builder_state if page is not None else None
        if page is None or state is None:
            self.status.showMessage("This tab has no question to load.", MESSAGE_MS)
            return
        try:
            self.builder.restore(state)
        except (ValueError, KeyError, TypeError):
            self.status.showMessage(
                "This tab's question was asked of another kind of data source: it cannot be "
                "loaded into this builder.",
                MESSAGE_MS,
            )
            return
        self.status.showMessage(f"Loaded into the builder: {page.title}", MESSAGE_MS)

    def _on_results_tab_bar_double_clicked(self, index: int) -> None:
        if index >= 0 and self.results.widget(index) is self.results.current_page():
            self.load_tab_question()

    def switch_tab(self, step: int) -> None:
        """The next (1) or previous (-1) result tab, round the end: window shortcuts, so that
        Ctrl+PgDn never reaches the field that has the focus (it changed the zone)."""
        count = self.results.count()
        if count > 1:
            self.results.setCurrentIndex((self.results.currentIndex() + step) % count)

    def close_current_tab(self) -> None:
        index = self.results.currentIndex()
        if index >= 0:
            self.results.tabCloseRequested.emit(index)

    def copy_curl(self) -> None:
        if self.workspace is None:
            self.status.showMessage("The data source is not ready yet.", MESSAGE_MS)
            return
        try:
            text = self.workspace.curl(self.builder.question())
        except ValueError as error:
            self.status.showMessage(f"Cannot copy as curl: {error}", MESSAGE_MS)
            return
        QGuiApplication.clipboard().setText(text)
        variable = kind_named(self.workspace.api).key_variable  # the one the command reads
        self.status.showMessage(
            f"Copied the request as curl; set {variable} before running it.", MESSAGE_MS
        )

    # --- sessions --------------------------------------------------------------------------

    def open_current_sessions(self) -> None:
        media = self.asset_panel.current_media()
        group = self.asset_panel.current_group()
        if media is None and group:
            self.open_group_sessions(group)
            return
        if media is None:
            self.status.showMessage(
                "Choose a video or live stream (or a saved group) in the asset tree.", MESSAGE_MS
            )
            return
        self.open_sessions(*media)

    def open_sessions(self, media_id: str, kind: str, title: str) -> SessionsView | None:
        """The Sessions tab of a video or live stream (reused if open), listing today's."""
        if self.workspace is None or self.workspace.sessions is None:
            self.status.showMessage(self._no_sessions_reason(), MESSAGE_MS)
            return None
        found = self.results.bring_forward(
            lambda tab: is_sessions_view(tab) and tab.media.media_id == media_id and not tab.drill
        )
        if is_sessions_view(found):
            return found
        media_type = "live-stream" if kind == "live-stream" else "video"
        from explorer.services.sessions import Media

        media = Media(media_id, media_type, title)
        today = self.workspace.now().astimezone(UTC).date()
        from explorer.ui.sessions.sessions_view import SessionsView

        view = SessionsView(
            self.runner, self.workspace.sessions, media, today, self.builder.zone_name, self,
            settings=self.settings,
        )  # fmt: skip
        self._add_tool(view, media_id)
        view.load()
        return view

    def open_group_sessions(self, name: str) -> SessionsView | None:
        """The Sessions tab of a saved group's videos (reused if open), listing today's."""
        if self.workspace is None or self.workspace.sessions is None:
            self.status.showMessage(self._no_sessions_reason(), MESSAGE_MS)
            return None
        ids = self.asset_panel.resolved_groups().get(name)
        if ids is None:
            self.status.showMessage(f"There is no saved group named '{name}'.", MESSAGE_MS)
            return None
        from explorer.ui.sessions.group_sessions_view import GROUP_PREFIX, GroupSessionsView

        found = self.results.bring_forward(
            lambda tab: (
                isinstance(tab, GroupSessionsView) and tab.media.media_id == GROUP_PREFIX + name
            )
        )
        if isinstance(found, GroupSessionsView):
            return found
        by_id = {m.media_id: m for m in tree_media(self.asset_panel.model)}
        medias = [by_id[i] for i in ids if i in by_id]
        today = self.workspace.now().astimezone(UTC).date()
        view = GroupSessionsView(
            self.runner, self.workspace.sessions, name, medias, today, self.builder.zone_name, self
        )
        self._add_tool(view, GROUP_PREFIX + name)
        view.load()
        return view

    def drill_into(self, target: Any, kind: str) -> QWidget | None:
        """The sessions behind a chart's number (a drill-down Sessions tab), or the assets
        that contribute most to a project-wide one (a breakdown by media-id, one request)."""
        from explorer.services import drill_targets

        if self.workspace is None or self.workspace.sessions is None:
            self.status.showMessage(self._no_sessions_reason(), MESSAGE_MS)
            return None
        if kind == "contributors":
            page = self.results.new_page()
            query = drill_targets.contributors_query(target)
            self.ask(
                page, query, self.builder.zone_name, f"{query.metric}: assets that contribute most"
            )
            return page
        try:
            request = drill_targets.drill_down(target, self.results.titles)
        except ValueError as error:
            self.status.showMessage(f"No sessions behind this number: {error}.", MESSAGE_MS)
            return None
        today = self.workspace.now().astimezone(UTC).date()
        from explorer.ui.sessions.drill_sessions_view import DrillSessionsView

        view = DrillSessionsView(
            self.runner, self.workspace.sessions, request, today, self.builder.zone_name, self,
            chart=(target.value, target.what),
        )  # fmt: skip
        self._add_tool(view, request.media.media_id)
        view.load()
        return view

    def open_current_retention(self) -> None:
        media = self.asset_panel.current_media()
        if media is None or media[1] != "video":
            self.status.showMessage("Choose a video in the asset tree.", MESSAGE_MS)
            return
        self.open_retention(media[0], media[2])

    def open_retention(self, media_id: str, title: str) -> RetentionView | None:
        """The Retention tab of a video (reused if open): its cost said, nothing fetched yet."""
        if self.workspace is None or self.workspace.sessions is None:
            self.status.showMessage(self._no_sessions_reason(), MESSAGE_MS)
            return None
        from explorer.services.sessions import Media
        from explorer.ui.audience.retention_view import RetentionView

        found = self.results.bring_forward(
            lambda tab: is_retention_view(tab) and tab.media.media_id == media_id
        )
        if is_retention_view(found):
            return found
        videos = [m for m in tree_media(self.asset_panel.model) if m.media_type == "video"]
        today = self.workspace.now().astimezone(UTC).date()
        view = RetentionView(
            self.runner, self.workspace.sessions, Media(media_id, "video", title), today,
            self.builder.zone_name, self, settings=self.settings, others=videos,
            tagged=videos_by_tag(self.asset_panel.assets),
            searched=self.asset_panel.searched_videos,
            grouped={
                name: [m for m in videos if m.media_id in ids]
                for name, ids in self.asset_panel.resolved_groups().items()
                if any(m.media_id in ids for m in videos)
            },
        )  # fmt: skip
        self._add_tool(view, media_id)
        view.estimate()
        return view

    def open_current_live(self) -> None:
        media = self.asset_panel.current_media()
        if media is None or media[1] != "live-stream":
            self.status.showMessage("Choose a live stream in the asset tree.", MESSAGE_MS)
            return
        self.open_live(media[0], media[2])

    def open_live(self, media_id: str, title: str) -> LiveView | None:
        """The Live tab of a live stream (reused if open): it refreshes while shown."""
        if self.workspace is None:
            self.status.showMessage("The data source is not ready yet.", MESSAGE_MS)
            return None
        from explorer.services.sessions import Media
        from explorer.ui.live.live_view import LiveView

        found = self.results.bring_forward(
            lambda tab: is_live_view(tab) and tab.media.media_id == media_id
        )
        if is_live_view(found):
            return found
        view = LiveView(
            self.runner, self.workspace, Media(media_id, "live-stream", title),
            self.builder.zone_name, self, settings=self.settings,
        )  # fmt: skip
        view.country_chosen.connect(self.filter_on_country)
        self._add_tool(view, media_id)
        return view

    def filter_on_country(self, code: str) -> None:
        """A country clicked on a map: the builder's country filter becomes that country."""
        editor = getattr(self.builder, "filter_editor", None)
        if editor is None:
            self.status.showMessage("This kind of source has no country filter.", MESSAGE_MS)
            return
        filters = dict(editor.filters())
        filters["country"] = (code,)
        editor.set_filters(filters)
        self.builder_action.setChecked(True)
        self._show_builder()
        self.status.showMessage(
            f"Filtered on country {code}: run the query (Ctrl+Enter) to see it alone.", MESSAGE_MS
        )

    def _add_tool(self, view: SessionsView | RetentionView | LiveView, media_id: str) -> None:
        view.message_posted.connect(self._on_message_posted)
        self.results.add_tool(view, view.title, f"{view.title} ({media_id})")

    def _no_sessions_reason(self) -> str:
        if self.workspace is None:
            return "The data source is not ready yet."
        return f"{self.workspace.label} has no player sessions: its API does not offer them."

    def _on_builder_zone_changed(self) -> None:
        for tool in self.results.tools():
            tool.set_zone(self.builder.zone_name)

    # --- export ----------------------------------------------------------------------------

    def ask_export_path(self, suggested: str) -> Path | None:
        """Where to export; tests replace this (the dialog is the only modal step)."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Export result to CSV", suggested, "CSV files (*.csv)"
        )
        return Path(name) if name else None

    def open_export_job(self, media_id: str | None = None) -> ExportJobDialog | None:
        """The bulk export dialog; `media_id` (else the tree's current asset) is ticked, or
        every asset for the project ("")."""
        if self.workspace is None or self.workspace.sessions is None:
            self.status.showMessage(self._no_sessions_reason(), MESSAGE_MS)
            return None
        if media_id is None:
            current = self.asset_panel.current_media()
            media_id = current[0] if current else ""
        from explorer.ui.dialogs.export_job_dialog import ExportJobDialog

        media = tree_media(self.asset_panel.model)
        ticked = {m.media_id for m in media} if not media_id else {media_id}
        today = self.workspace.now().astimezone(UTC).date()
        dialog = ExportJobDialog(
            self.runner, self.workspace.sessions, media, ticked, today, self.builder.zone_name,
            self.settings, self,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_remote_exports(self) -> QWidget | None:
        """The server-side export jobs of a source that has them (File menu)."""
        if self.workspace is None or self.workspace.exports is None:
            self.status.showMessage(
                "This data source has no export jobs on the server.", MESSAGE_MS
            )
            return None
        from explorer.ui.dialogs.remote_exports_dialog import RemoteExportsDialog

        dialog = RemoteExportsDialog(
            self.workspace.exports, self.runner, self.builder.zone_name, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def export_current(self) -> None:
        sessions = self.results.currentWidget()
        if is_sessions_view(sessions):
            sessions.export_session()
            return
        page = self.results.current_page()
        result = page.result if page is not None else None
        if page is None or result is None:
            self.status.showMessage("Nothing to export: run a query first.", MESSAGE_MS)
            return
        stamp = (page.fetched_at or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
        suggested = f"{page.title.replace(' ', '-')}-{stamp}.csv"
        path = self.ask_export_path(export_folder.start_path(self.settings, suggested))
        if path is None:
            return
        export_folder.remember(self.settings, path)
        titles = dict(self.results.titles)
        view = page.breakdown_view
        shown = view.displayed() if view is not None and page.current_view() is view else None
        if shown is not None:
            result = shown  # grouped by site, maybe
        from explorer.services.comparison_tables import write_answer_csv

        self.runner.run(
            write_answer_csv, result, page.zone, path, titles, owner=self, slot="export",
            label=f"Exporting to {path.name}", done=self._on_exported,
            failed=lambda e: self.status.showMessage(
                f"Export failed: {describe_error(e).message}", MESSAGE_MS * 2
            ),
        )  # fmt: skip

    def _on_exported(self, outcome: tuple[int, Path]) -> None:
        count, path = outcome
        self.status.showMessage(f"Exported {count} rows to {path}", MESSAGE_MS)

    # --- state -----------------------------------------------------------------------------

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self._save_builder_state()
        self.settings.setValue("query/tz", self.builder.zone_name)
        self.settings.setValue("window/builder", self.builder_action.isChecked())
        if self._tabs_restored:  # never overwrite them before they came back
            from explorer.ui.window_explorations import remember_open_tabs

            remember_open_tabs(self)
        self.settings.sync()

    def _save_builder_state(self) -> None:
        self.settings.setValue(state_key(self.api), json.dumps(self.builder.state()))

    def _restore_builder_state(self) -> bool:
        """The builder's state from the settings; False when there was none to read."""
        raw = self.settings.value(state_key(self.api))
        if not raw:
            return False
        try:
            self.builder.restore(json.loads(str(raw)))
        except (ValueError, KeyError, TypeError) as error:
            log.warning("ignoring the saved query, which cannot be read: %s", error)
        return True

    def restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # Qt fits one saved on a larger screen to this one
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        if not self._restore_builder_state() and self.settings.value("query/tz"):
            self.builder.set_zone(str(self.settings.value("query/tz")))
        theme = str(self.settings.value("view/theme", "system"))
        if theme != "system":  # "system" needs nothing done: the app starts as the desktop is
            self.set_theme(theme)
        shown = self.settings.value("window/builder", True)
        self.builder_action.setChecked(shown not in (False, "false"))
        self._show_builder()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

    # --- slots -----------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self.asset_dock.show()
        self.asset_panel.search.setFocus()
        self.asset_panel.search.selectAll()

    def choose_asset(self, media_id: str) -> None:
        """Scope the builder to a video or live stream ("": the project) as a click on its row
        in the asset tree does (the command palette)."""
        self.asset_dock.show()
        self.asset_panel.select_media(media_id or None)
        tree = self.asset_panel.tree
        tree.scrollTo(tree.currentIndex())  # opens its group, shows its row chosen
        tree.viewport().update()
        self._on_asset_panel_scope_chosen(media_id)

    def open_palette(self) -> CommandPalette:
        """The command palette (View > Command palette, Ctrl+K), centred over the window."""
        from explorer.ui.palette_sources import open_palette

        if self.command_palette is not None:
            self.command_palette.close()
        self.command_palette = open_palette(self)
        self.command_palette.finished.connect(self._on_command_palette_finished)
        return self.command_palette

    def _on_command_palette_finished(self) -> None:
        if self.command_palette is not None:
            self.command_palette.deleteLater()
            self.command_palette = None

    def _sync_tree(self) -> None:
        scope = getattr(self.builder, "scope_ids", None)
        if scope is not None and self.asset_panel.model.rowCount():
            self.asset_panel.show_scope(scope())

    def _on_asset_panel_scope_chosen(self, media_id: str) -> None:
        scope = getattr(self.builder, "scope_ids", None)
        ids = scope() if scope is not None else ()
        hand_built = set(ids) != set(self._tree_scope)  # not the tree's own multi-selection
        if media_id and len(ids) > 1 and hand_built:  # a hand-built list: add, never replace
            self.builder.add_to_scope(media_id)
            self.status.showMessage(
                f"Added {media_id} to the {len(ids)} videos of the filter; click the project "
                "to clear it.",
                MESSAGE_MS,
            )
            return
        self.builder.set_scope(media_id or None)

    def _on_asset_panel_scope_ids_chosen(self, ids: tuple[str, ...], group: str) -> None:
        """Several videos Ctrl/Shift-clicked, or a saved group: one mediaId filter of all."""
        if not hasattr(self.builder, "set_scope_ids"):
            self.status.showMessage(
                "This source's questions are about one video at a time: choose one.", MESSAGE_MS
            )
            return
        self.builder.set_scope_ids(ids)
        self._tree_scope = ids  # a later plain click replaces it (it was not built by hand)
        what = f"the group '{group}'" if group else "the videos selected"
        self.status.showMessage(f"Scoped to {what}: {len(ids)} videos.", MESSAGE_MS)

    def _on_asset_panel_groups_changed(self, groups: dict[str, tuple[str, ...]]) -> None:
        if hasattr(self.builder, "set_groups"):  # its scope label and Split by read them
            self.builder.set_groups(groups)

    def _on_asset_panel_analyze_requested(self, media_id: str) -> None:
        self.builder.set_scope(media_id or None)
        self.asset_panel.select_media(media_id or None)
        self.run_query()

    def _on_message_posted(self, text: str) -> None:
        self.status.showMessage(text, MESSAGE_MS)

    def set_theme(self, choice: str) -> None:
        """Light, dark or the system's scheme (View > Theme); remembered; charts follow."""
        if choice not in THEMES:
            choice = "system"
        self.theme = choice
        self.theme_actions[choice].setChecked(True)
        apply_theme(choice)
        self.settings.setValue("view/theme", choice)

    def _on_color_scheme_changed(self, _scheme: object) -> None:
        if self.theme == "system":  # the desktop switched: follow it
            apply_theme("system")

    def _on_builder_action_toggled(self, _checked: bool = False) -> None:
        self._show_builder()

    def _show_builder(self) -> None:
        """The builder shows when asked for (View > Query builder) and a result tab is
        current: a Sessions or Retention tab has no use for it and needs its height."""
        tool = is_tool_tab(self.results.currentWidget())
        self.builder.setVisible(self.builder_action.isChecked() and not tool)

    def _on_results_current_changed(self, _index: int) -> None:
        self._show_builder()
        page = self.results.current_page()
        self.status.show_fetched(page.fetched_at if page else None, page.zone if page else "UTC")
        self.builder.set_busy(bool(page and page.running))

    def _on_results_page_closed(self, page: ResultPage | SessionsView) -> None:
        self.runner.cancel_owned(page)
        if is_tool_tab(page):
            cast(ToolTab, page).cancel_all()
        if not self.results.count():
            self.results.new_page()

    # --- alerts ----------------------------------------------------------------------------

    def open_alert_rules(self) -> Path | None:
        """Alerts ▸ Open rules file…: choose the TOML file of rules (remembered)."""
        start = str(self.alerts.path or export_folder.start_path(self.settings, "alerts.toml"))
        name, _ = QFileDialog.getOpenFileName(
            self, "Alert rules", start, "Alert rules (*.toml);;All files (*)"
        )
        if not name:
            return None
        self.alerts.set_rules_path(Path(name))
        self.alert_dock.show()
        return Path(name)

    def open_alert_query(self, query: Any, title: str) -> ResultPage | None:
        """The query that shows an alert, in a new result tab."""
        if self.workspace is None:
            self.status.showMessage("The data source is not ready yet.", MESSAGE_MS)
            return None
        page = self.results.new_page()
        self.ask(page, query, self.builder.zone_name, title)
        self.results.setCurrentWidget(page)
        return page

    def _on_alerts_round_done(self, outcomes: list[Any], started: list[Any]) -> None:
        self.alert_log.zone = self.builder.zone_name
        self.alert_log.add_round(outcomes)
        self.alert_notifier.notify(started)
        if started:
            self.alert_dock.show()
            self.status.showMessage(f"Alert: {started[0].rule.name}: {started[0].text}", MESSAGE_MS)

    def _on_alerts_problem(self, text: str) -> None:
        self.alert_log.add_problem(now_text(self.builder.zone_name), text)
        self.alert_dock.show()

    def _on_runner_tasks_changed(self) -> None:
        self.status.show_activity(self.runner.in_flight())

    def _show_budget(self) -> None:
        if self.workspace is not None:
            self.status.show_budget(self.workspace.rate_budget())
