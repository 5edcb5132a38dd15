"""The Alerts dock: the background checker on the open source (a loopback sandbox pinned at
2026-03-10T12:00Z whose last hour doubles its impression time), its log, the query an entry
opens, the rules file remembered, a bad file said with its line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSystemTrayIcon

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.domain.frames import ScalarResult
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.alert_checker import SETTING, AlertChecker
from explorer.ui.panels.alert_log import NO_TRAY
from tests.support.handmade import NOW, build, ms
from tests.ui.conftest import FakeWorkspace, PinnedWorkspace, wait_idle
from tests.unit.services.test_alert_checks import SLOW_START, anomaly, scenario


@pytest.fixture
def doubled(tmp_path: Path) -> Iterator[PinnedWorkspace]:
    """A workspace whose last hour's impression time doubled (2000 ms against ~1000)."""
    dataset = build(tmp_path / "alerts", scenario(today_ms=2000))
    service = SandboxService(dataset, clock=Clock(ms(NOW)), faults=FaultPlan()).start()
    workspace = PinnedWorkspace(
        ApiVideoClient(service.base_url, Secret(DEFAULT_API_KEY)), "Alerts project", "DEMO"
    )
    yield workspace
    workspace.close()
    service.stop()


def rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def checked(qtbot: Any, window: MainWindow, rounds: int) -> None:
    qtbot.waitUntil(lambda: window.alerts.rounds >= rounds, timeout=60_000)
    wait_idle(qtbot, window.runner)


def test_a_round_logs_every_rule_and_an_entry_opens_its_query(
    qtbot: Any, window: MainWindow, doubled: PinnedWorkspace, tmp_path: Path
) -> None:
    window.set_workspace(doubled)
    wait_idle(qtbot, window.runner)
    window.alerts.set_rules_path(rules(tmp_path, SLOW_START + anomaly()))
    checked(qtbot, window, 1)
    log = window.alert_log
    assert log.entries.topLevelItemCount() == 2
    first, second = log.entries.topLevelItem(0), log.entries.topLevelItem(1)
    assert (first.text(1), first.text(2)) == ("slow start", "Fired")
    assert "= 2,000 over the last 1 hour: above 1,500" in first.text(3)
    assert (second.text(1), second.text(2)) == ("impression time", "Fired")
    assert window.alert_dock.isVisibleTo(window)
    assert "2 rules, 2 firing" in log.status.text()
    assert "every 5 minutes: 2 requests a round" in log.status.text()
    assert window.alerts.timer.isActive()
    assert window.alerts.timer.interval() == 5 * 60 * 1000
    if not QSystemTrayIcon.isSystemTrayAvailable():  # offscreen: the log says so
        assert log.tray_note.text() == NO_TRAY

    tabs = window.results.count()
    assert log.open_row(0)
    assert window.results.count() == tabs + 1
    page = window.results.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: isinstance(page.result, ScalarResult), timeout=60_000)
    assert page.query.metric == "impression-time"
    assert page.query.filters == {"mediaType": ("video",)}
    assert page.result.value == 2000


def test_the_next_round_notifies_only_rules_that_start_firing(
    qtbot: Any, window: MainWindow, doubled: PinnedWorkspace, tmp_path: Path
) -> None:
    told: list[list[Any]] = []
    window.alerts.round_done.connect(lambda _all, started: told.append(started))
    window.set_workspace(doubled)
    wait_idle(qtbot, window.runner)
    window.alerts.set_rules_path(rules(tmp_path, SLOW_START))
    checked(qtbot, window, 1)
    window.alerts.check_now()
    checked(qtbot, window, 2)
    assert [len(started) for started in told] == [1, 0]  # fired twice, told once
    assert window.alert_log.entries.topLevelItemCount() == 2


def test_a_bad_rules_file_is_logged_with_its_line(
    qtbot: Any, window: MainWindow, doubled: PinnedWorkspace, tmp_path: Path
) -> None:
    window.set_workspace(doubled)
    wait_idle(qtbot, window.runner)
    problems: list[str] = []
    window.alerts.problem.connect(problems.append)
    window.alerts.set_rules_path(rules(tmp_path, '[[rule]]\nmetric = "play"\nabove = "x"\n'))
    qtbot.waitUntil(lambda: bool(problems), timeout=60_000)
    assert "line 1: rule 'rule 1': play takes the aggregation" in problems[0]
    item = window.alert_log.entries.topLevelItem(0)
    assert item.text(2) == "Not checked" and "line 1" in item.text(3)
    assert window.alerts.timer.isActive()  # tried again later
    assert not window.alert_log.open_row(0)  # a problem has no query


def test_the_rules_file_is_remembered_across_launches(
    qtbot: Any, settings: QSettings, runner: TaskRunner, tmp_path: Path
) -> None:
    path = rules(tmp_path, SLOW_START)
    first = AlertChecker(runner, settings)
    first.set_rules_path(path)  # no source yet: nothing is checked
    assert first.rounds == 0
    settings.sync()
    again = AlertChecker(runner, QSettings(settings.fileName(), QSettings.Format.IniFormat))
    assert again.path == path
    assert settings.value(SETTING) == str(path)


def test_no_rules_file_says_how_to_choose_one(window: MainWindow) -> None:
    assert "Open rules file" in window.alert_log.status.text()
    menus = [a.text() for a in window.menuBar().actions()]
    assert "&Alerts" in menus


def test_a_source_other_than_api_video_is_said(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    fake = FakeWorkspace(lambda query, cancel: ScalarResult(None, 0))  # type: ignore[arg-type]
    window.alerts.set_rules_path(rules(tmp_path, SLOW_START))
    window.set_workspace(fake)  # type: ignore[arg-type]
    assert "checked against api.video sources; Fake project is not one" in (
        window.alert_log.status.text()
    )
    window.alerts.check_now()
    assert window.runner.running(window.alerts, "alerts") is None
    assert fake.queries == []
