"""The bulk export dialog: ticks, start, progress, cancel (also Esc), the summary, the wiring."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.sandbox.clock import Clock
from explorer.sandbox.faults import FaultPlan
from explorer.sandbox.server import SandboxService
from explorer.services.bulk_sessions_csv import HEADER, ExportSummary
from explorer.services.sessions import Media, SessionService
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.dialogs.export_job_dialog import PATH_SETTING, ExportJobDialog
from explorer.ui.main_window import MainWindow
from tests.support import scenario
from tests.support.handmade import NOW, build, ms
from tests.ui.test_main_window import asset_index
from tests.unit.services.sessions_data import many

ALGEBRA = Media(scenario.A, "video", "Algebra 1")
SPRING = Media(scenario.B, "video", "Spring ad")
KEYNOTE = Media(scenario.C, "live-stream", "Keynote")
TODAY = date(2026, 3, 10)


@pytest.fixture(scope="module")
def slow_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxService]:
    """Algebra has 402 sessions that day and every answer takes 10 ms: about a second."""
    dataset = build(tmp_path_factory.mktemp("export-dialog"), [*scenario.sessions(), *many(400)])
    service = SandboxService(
        dataset,
        clock=Clock(ms(NOW)),
        country_names={"FR": "France", "US": "United States"},
        faults=FaultPlan(latency_ms=10),
        rate_limit=1_000_000,
    ).start()
    yield service
    service.stop()


@pytest.fixture
def service(slow_sandbox: SandboxService) -> Iterator[SessionService]:
    client = ApiVideoClient(slow_sandbox.base_url, Secret(DEFAULT_API_KEY))
    yield SessionService(client)
    client.close()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The export folder (the settings file lives in tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def dialog(
    qtbot: Any, runner: TaskRunner, service: SessionService, settings: QSettings, out: Path
) -> ExportJobDialog:
    made = ExportJobDialog(
        runner, service, [ALGEBRA, SPRING, KEYNOTE], {scenario.A}, TODAY, "UTC", settings
    )
    qtbot.addWidget(made)
    made.destination.setText(str(out / "out.csv"))
    made.show()
    return made


def tick(dialog: ExportJobDialog, *media: Media) -> None:
    wanted = {m.media_id for m in media}
    for row in range(dialog.assets.count()):
        item = dialog.assets.item(row)
        ticked = item.data(Qt.ItemDataRole.UserRole + 1).media_id in wanted
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)


def test_the_assets_are_listed_with_their_type_and_ticked_as_asked(
    dialog: ExportJobDialog,
) -> None:
    texts = [dialog.assets.item(r).text() for r in range(dialog.assets.count())]
    assert texts == ["Algebra 1 · Video", "Spring ad · Video", "Keynote · Live stream"]
    assert dialog.selected_media() == [ALGEBRA]
    dialog.all_button.click()
    assert dialog.selected_media() == [ALGEBRA, SPRING, KEYNOTE]
    dialog.none_button.click()
    assert dialog.selected_media() == []
    assert dialog.picker.period().wire == "2026-03-10"


def test_start_shows_progress_then_the_summary_and_remembers_the_file(
    qtbot: Any, dialog: ExportJobDialog, settings: QSettings, out: Path
) -> None:
    tick(dialog, ALGEBRA, KEYNOTE)
    counts: list[str] = []
    bars: list[int] = []
    said = dialog._on_counted

    def counted(chunks: list[Any]) -> None:
        said(chunks)
        counts.append(dialog.counts.text())

    dialog._on_counted = counted  # type: ignore[method-assign]
    dialog.progress.valueChanged.connect(bars.append)
    with qtbot.waitSignal(dialog.export_finished) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
        assert not dialog.assets.isEnabled()
    summary = finished.args[0]
    assert isinstance(summary, ExportSummary) and not summary.partial
    path = out / "out.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(HEADER) and len(lines) == 1 + summary.rows
    assert summary.rows == (6 + 3 + 400 * 2) + (2 + 3)
    # progress arrived while it ran (throttled), ending at the end
    assert any("rows written" in text for text in counts)
    assert any(0 < done < 2000 for done in bars)  # mid-way
    assert dialog.progress.value() == dialog.progress.maximum()
    assert f"{summary.rows:,} rows" in dialog.counts.text()
    assert dialog.notice.text() == f"Export complete: {path}"
    assert dialog.summary_text.isVisible() and "Wrote 814 rows" in dialog.summary_text.toPlainText()
    assert dialog.open_folder_button.isVisible()
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert settings.value(PATH_SETTING) == str(path)
    # the next dialog starts from the remembered file
    again = ExportJobDialog(dialog.runner, dialog.service, [], set(), TODAY, "UTC", settings)
    qtbot.addWidget(again)
    assert again.destination.text() == str(path)


def test_escape_cancels_a_running_export_and_then_closes(
    qtbot: Any, dialog: ExportJobDialog, out: Path
) -> None:
    path = out / "out.csv"
    path.write_bytes(b"precious\r\n")
    dialog.start()
    # the lists are in (the bar counts sessions of a known total) and rows are being written
    qtbot.waitUntil(
        lambda: dialog.progress.maximum() > 0 and "rows written" in dialog.counts.text(),
    )
    assert dialog.running and dialog.progress.value() < dialog.progress.maximum()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # cancelled at once: said before the worker stops
    assert dialog.isVisible() and not dialog.running
    assert dialog.notice.text() == "Cancelled: nothing was written, and out.csv is as it was."
    assert dialog.start_button.isEnabled()
    # the worker stops at its next check and removes its temporary file
    qtbot.waitUntil(lambda: [p.name for p in out.iterdir()] == ["out.csv"])
    assert path.read_bytes() == b"precious\r\n"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_cancel_button_stops_it_too(qtbot: Any, dialog: ExportJobDialog) -> None:
    dialog.start()
    qtbot.waitUntil(lambda: "rows written" in dialog.counts.text())
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert "Cancelled" in dialog.notice.text()


def test_a_partial_export_says_so_and_lists_what_is_missing(
    qtbot: Any, dialog: ExportJobDialog, out: Path
) -> None:
    dialog.assets.item(0).setData(Qt.ItemDataRole.UserRole + 1, Media("viNOPE", "video", "Gone"))
    tick(dialog, KEYNOTE, Media("viNOPE", "video", ""))
    with qtbot.waitSignal(dialog.export_finished):
        dialog.start()
    assert "written as out.partial.csv and out.csv was left untouched" in dialog.notice.text()
    assert "Gone (video viNOPE): its session list could not be fetched" in (
        dialog.summary_text.toPlainText()
    )
    assert sorted(p.name for p in out.iterdir()) == ["out.partial.csv"]


def test_problems_are_said_in_words_and_nothing_starts(dialog: ExportJobDialog) -> None:
    dialog.none_button.click()
    dialog.start()
    assert dialog.notice.text() == "Tick at least one video or live stream."
    dialog.all_button.click()
    dialog.metadata.setText("plan")
    dialog.start()
    assert dialog.notice.text() == "Metadata filter: “plan” is not key=value."
    dialog.metadata.setText("")
    dialog.destination.setText(str(Path(dialog.destination.text()).parent))
    dialog.start()
    assert "is a folder" in dialog.notice.text()
    assert not dialog.running and dialog.runner.in_flight() == []


def test_an_export_that_fails_entirely_writes_nothing_and_says_why(
    qtbot: Any, dialog: ExportJobDialog, out: Path
) -> None:
    dialog.assets.item(0).setData(Qt.ItemDataRole.UserRole + 1, Media("viNOPE", "video", "Gone"))
    tick(dialog, Media("viNOPE", "video", ""))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running)
    assert dialog.notice.text().startswith("Nothing was written. The API answered with an error")
    assert "viNOPE" in dialog.notice.text() and dialog.start_button.isEnabled()
    assert list(out.iterdir()) == []


def test_the_window_opens_it_from_the_menu_and_the_tree(
    qtbot: Any, ready_window: MainWindow
) -> None:
    assert ready_window.export_job_action.isEnabled()
    assert "vents" in ready_window.export_job_action.text()
    panel = ready_window.asset_panel
    menu = panel.context_menu(asset_index(ready_window, "live-stream", scenario.C))
    export = next(a for a in menu.actions() if a.text() == "Export sessions with events…")
    with qtbot.waitSignal(panel.export_requested) as asked:
        export.trigger()
    assert asked.args == [scenario.C]
    opened = [w for w in ready_window.findChildren(ExportJobDialog) if w.isVisible()]
    assert len(opened) == 1 and opened[0].selected_media() == [KEYNOTE]
    assert [m.media_id for m in (
        opened[0].assets.item(r).data(Qt.ItemDataRole.UserRole + 1)
        for r in range(opened[0].assets.count())
    )] == [scenario.A, scenario.B, scenario.C]  # fmt: skip
    opened[0].close()
    # from the File menu, with the project chosen: every asset ticked
    ready_window.asset_panel.tree.setCurrentIndex(asset_index(ready_window, "project"))
    ready_window.export_job_action.trigger()
    dialog = [w for w in ready_window.findChildren(ExportJobDialog) if w.isVisible()][-1]
    assert len(dialog.selected_media()) == 3
    dialog.close()


def test_the_action_waits_for_a_workspace(window: MainWindow) -> None:
    assert not window.export_job_action.isEnabled()
    assert window.open_export_job() is None
    assert "not ready" in window.status.currentMessage()


def test_the_file_chooser_fills_the_file(dialog: ExportJobDialog, out: Path) -> None:
    asked: list[str] = []

    def choose(suggested: str) -> Path | None:
        asked.append(suggested)
        return out / "chosen.csv" if len(asked) == 1 else None

    dialog.ask_path = choose  # type: ignore[method-assign]
    dialog.browse_button.click()
    assert asked == [str(out / "out.csv")] and dialog.destination.text() == str(out / "chosen.csv")
    dialog.browse_button.click()  # the chooser cancelled: the file stays
    assert dialog.destination.text() == str(out / "chosen.csv")
