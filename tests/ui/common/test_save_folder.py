"""Save dialogs start in the last export's folder, else Documents, else home, never in the
process's working directory (issue 15.16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from explorer.domain.catalogue import Endpoint
from explorer.ui.common import export_folder
from explorer.ui.main_window import MainWindow
from tests.ui.conftest import wait_idle


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    started = tmp_path / "started-here"
    started.mkdir()
    monkeypatch.chdir(started)  # where the app was launched from: never the default
    return folder


def test_documents_then_home(home: Path, settings: QSettings) -> None:
    assert export_folder.default_folder() == home
    assert export_folder.start_path(settings, "a.csv") == str(home / "a.csv")
    (home / "Documents").mkdir()
    assert export_folder.start_path(settings, "a.csv") == str(home / "Documents" / "a.csv")


def test_the_last_export_folder_wins_while_it_exists(
    home: Path, settings: QSettings, tmp_path: Path
) -> None:
    last = tmp_path / "reports"
    last.mkdir()
    export_folder.remember(settings, last / "plays.csv")
    assert export_folder.start_path(settings, "b.csv") == str(last / "b.csv")
    assert export_folder.start_path(settings, "/abs/c.csv") == "/abs/c.csv"
    last.rmdir()  # gone: back to the default
    assert export_folder.start_path(settings, "b.csv") == str(home / "b.csv")


def test_ctrl_e_starts_in_documents_then_in_the_last_folder(
    qtbot: Any, home: Path, ready_window: MainWindow, tmp_path: Path
) -> None:
    (home / "Documents").mkdir()
    builder = ready_window.builder
    builder.set_endpoint(Endpoint.METRICS)
    assert builder.metric_combo.set_value("play")
    page = ready_window.run_query()
    assert page is not None
    qtbot.waitUntil(lambda: not page.running)
    asked: list[str] = []
    target = tmp_path / "chosen" / "plays.csv"
    target.parent.mkdir()

    def choose(suggested: str) -> Path:
        asked.append(suggested)
        return target

    ready_window.ask_export_path = choose  # type: ignore[method-assign]
    ready_window.export_action.trigger()
    wait_idle(qtbot, ready_window.runner)
    ready_window.export_action.trigger()
    wait_idle(qtbot, ready_window.runner)
    assert Path(asked[0]).parent == home / "Documents"
    assert Path(asked[1]).parent == target.parent
    assert not any(a.startswith(str(Path.cwd())) for a in asked)
