"""The Help menu: keyboard shortcuts, metric definitions from the catalogue, About (issue 15.19)."""

from __future__ import annotations

from typing import Any

from explorer import __version__
from explorer.domain.catalogue import METRICS
from explorer.ui.main_window import MainWindow


def help_actions(window: MainWindow) -> list[str]:
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert "&Help" in menus
    return [a.text().replace("&", "") for a in menus["&Help"].actions()]


def test_the_help_menu_has_shortcuts_metrics_and_about(ready_window: MainWindow) -> None:
    assert help_actions(ready_window) == [
        "Keyboard shortcuts",
        "Metrics: what they mean",
        "About Analytics Explorer",
    ]


def test_the_shortcuts_are_those_the_window_binds(qtbot: Any, ready_window: MainWindow) -> None:
    dialog = ready_window.show_shortcuts()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    for action in ready_window.actions():
        for key in action.shortcuts():
            assert key.toString() in text, key.toString()
    lines = text.splitlines()
    assert any(line.startswith("Ctrl+E ") and "Export result to CSV" in line for line in lines)
    assert any("Ctrl+PgDown / Ctrl+Tab" in line and "Next tab" in line for line in lines)


def test_every_metric_is_defined_with_unique_and_view_duration(
    qtbot: Any, ready_window: MainWindow
) -> None:
    dialog = ready_window.show_metrics()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    for by_name in METRICS.values():
        for name, metric in by_name.items():
            assert f"{name} (" in text and metric.description in text
    assert "a viewer is unique for one day" in text
    assert "View duration: a view is a play that lasted at least 3s, 5s, 10s, 30s" in text


def test_about_says_version_source_store_and_logs(qtbot: Any, ready_window: MainWindow) -> None:
    dialog = ready_window.show_about()
    qtbot.addWidget(dialog)
    lines = dialog.text.toPlainText().splitlines()
    assert lines[0] == f"Analytics Explorer {__version__}"
    assert "Data source: Handmade project (api.video, DEMO)" in lines
    assert any(line.startswith("API: http://127.0.0.1:") for line in lines)
    assert "Local store: none in this run" in lines
    assert any(line.startswith("Logs: /") for line in lines)
