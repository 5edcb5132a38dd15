"""The main window's menu bar: File, Query, View, Alerts and Help, each action with its shortcut
and a tooltip that says it; the actions the window enables or disables are kept on the window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from explorer.ui.common.theme import THEMES

if TYPE_CHECKING:
    from explorer.ui.main_window import MainWindow


def add_action(window: MainWindow, text: str, slot: Any, *keys: str, menu: Any = None) -> QAction:
    """An action of the window (its shortcut works wherever the focus is), in ``menu``."""
    action = QAction(text, window)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(f"{text.replace('&', '')} ({keys[0]})")
    action.triggered.connect(slot)
    if menu is not None:
        menu.addAction(action)
    window.addAction(action)
    return action


def make_menus(window: MainWindow) -> None:
    """File, Query, View and Help; the actions the window enables or disables are kept on it."""

    def act(text: str, slot: Any, *keys: str, menu: Any = None) -> QAction:
        return add_action(window, text, slot, *keys, menu=menu)

    bar = window.menuBar()
    file = bar.addMenu("&File")
    window.export_action = act("&Export result to CSV…", window.export_current, "Ctrl+E", menu=file)
    window.export_job_action = act(
        "Export sessions with e&vents…", lambda: window.open_export_job(), menu=file
    )
    window.export_job_action.setEnabled(False)  # until a source with sessions is open
    window.remote_exports_action = act(
        "Export &jobs on the server…", window.open_remote_exports, menu=file
    )
    window.remote_exports_action.setEnabled(False)  # until a source with export jobs is open
    window.reload_action = act("&Reload assets", window.reload_assets, "F5", menu=file)
    file.addSeparator()
    act("&Open exploration…", lambda: window.open_exploration(), "Ctrl+O", menu=file)
    act("&Save exploration…", lambda: window.save_exploration(), "Ctrl+S", menu=file)
    act(
        "Save exploration &with data…",
        lambda: window.save_exploration(with_data=True),
        "Ctrl+Alt+S",
        menu=file,
    )
    file.addSeparator()
    window.accounts_action = act("&Accounts…", window.open_accounts, "Ctrl+Shift+A", menu=file)
    act("&Local store…", window.open_store, menu=file)
    file.addSeparator()
    act("&Quit", window.close, "Ctrl+Q", menu=file)
    file.setToolTipsVisible(True)
    query = bar.addMenu("&Query")
    query.setToolTipsVisible(True)
    window.run_action = act(
        "&Run", lambda: window.run_query(), "Ctrl+Return", "Ctrl+Enter", menu=query
    )
    act(
        "Run in a &new tab",
        lambda: window.run_query(new_tab=True),
        "Ctrl+Shift+Return",
        menu=query,
    )
    window.cancel_action = act("&Cancel", window.cancel_current, "Esc", menu=query)
    act("Copy as c&url", window.copy_curl, "Ctrl+Shift+C", menu=query)
    window.sessions_action = act(
        "Open &sessions", window.open_current_sessions, "Ctrl+Shift+S", menu=query
    )
    window.retention_action = act(
        "Where viewers &drop off", window.open_current_retention, "Ctrl+Shift+R", menu=query
    )
    window.rank_action = act(
        "What &hurts most", lambda: window.rank_current(), "Ctrl+Shift+H", menu=query
    )
    act("&Live view", window.open_current_live, menu=query)
    query.addSeparator()
    act("New &tab", window.results.new_page, "Ctrl+T", menu=query)
    act("Close tab", window.close_current_tab, "Ctrl+W", menu=query)
    window.next_tab_action = act(
        "Ne&xt tab", lambda: window.switch_tab(1), "Ctrl+PgDown", "Ctrl+Tab", menu=query
    )
    window.previous_tab_action = act(
        "&Previous tab",
        lambda: window.switch_tab(-1),
        "Ctrl+PgUp",
        "Ctrl+Shift+Tab",
        menu=query,
    )
    window.load_question_action = act(
        "&Load the tab's question", window.load_tab_question, "Ctrl+L", menu=query
    )
    view = bar.addMenu("&View")
    view.addAction(window.asset_dock.toggleViewAction())
    window.builder_action = act(
        "&Query builder", window._on_builder_action_toggled, "Ctrl+Shift+B", menu=view
    )
    window.builder_action.setCheckable(True)
    window.builder_action.setChecked(True)
    window.builder_action.setToolTip(
        "Show or hide the query builder (Ctrl+Shift+B); Sessions tabs hide it while shown"
    )
    act("Search assets", window._focus_search, "Ctrl+F", menu=view)
    act("Query &history", window.toggle_history, "Ctrl+H", menu=view)
    window.palette_action = act(
        "Command &palette…", lambda: window.open_palette(), "Ctrl+K", menu=view
    )
    window.palette_action.setToolTip(
        "Run a menu action, scope to an asset or ask a question again, by typing part of its "
        "name (Ctrl+K)"
    )
    themes = view.addMenu("&Theme")
    group = QActionGroup(window)
    window.theme_actions: dict[str, QAction] = {}
    for name, text in THEMES.items():
        action = themes.addAction(text)
        action.setCheckable(True)
        action.setActionGroup(group)
        action.triggered.connect(lambda _checked=False, n=name: window.set_theme(n))
        window.theme_actions[name] = action
    window.theme_actions["system"].setChecked(True)
    alerts = bar.addMenu("&Alerts")
    alerts.setToolTipsVisible(True)
    act("&Open rules file…", window.open_alert_rules, menu=alerts)
    act("&Check now", window.alerts.check_now, menu=alerts)
    alerts.addAction(window.alert_dock.toggleViewAction())
    help_menu = bar.addMenu("&Help")
    act("&Keyboard shortcuts", window.show_shortcuts, "F1", menu=help_menu)
    act("&Metrics: what they mean", window.show_metrics, menu=help_menu)
    act("&About Analytics Explorer", window.show_about, menu=help_menu)
