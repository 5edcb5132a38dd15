"""A first launch on a fresh profile, driven like a person: demo, a video, over time, export."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from explorer.app import run_gui
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, TimeseriesFrame
from explorer.domain.query import Query
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.asset_model import ID_ROLE, KIND_ROLE
from explorer.ui.results.result_table import EXACT_ROLE
from tests.e2e.conftest import Profile

ZONE = "Asia/Kolkata"  # +05:30: hourly buckets fall on the half hour in UTC
OFFSET = timedelta(hours=5, minutes=30)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


class SavePathDialog:
    """Stands in for QFileDialog in the window's module: "saves" to one path, records asks."""

    target: ClassVar[Path] = Path()
    suggestions: ClassVar[list[str]] = []

    @classmethod
    def getSaveFileName(cls, parent: Any, caption: str, suggested: str, filters: str) -> Any:
        cls.suggestions.append(suggested)
        return str(cls.target), filters


def the_window() -> MainWindow:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    assert len(windows) == 1, windows
    return windows[0]


def child_rows(window: MainWindow, parent: QModelIndex) -> list[QModelIndex]:
    proxy = window.asset_panel.proxy
    return [proxy.index(row, 0, parent) for row in range(proxy.rowCount(parent))]


def video_group(window: MainWindow) -> QModelIndex:
    project = window.asset_panel.proxy.index(0, 0)
    groups = [i for i in child_rows(window, project) if str(i.data()).startswith("Videos (")]
    assert len(groups) == 1
    return groups[0]


def busiest_video(window: MainWindow, ids: list[str]) -> str:
    """The video with the most plays over the range the builder resolves now (per the API)."""
    assert window.workspace is not None
    start, end = window.builder.time_range.resolve()
    query = Query(
        endpoint=Endpoint.BUCKETS, metric="play", breakdown="media-id", start=start, end=end
    )
    plays = window.workspace.run_query(query)
    assert isinstance(plays, BucketFrame) and not plays.partial
    ranked = [str(d) for d in plays.sorted_by("value").dimensions if str(d) in ids]
    assert ranked, "the demo has no video played in the last 24 hours"
    return ranked[0]


def click(qtbot: Any, window: MainWindow, index: QModelIndex) -> None:
    tree = window.asset_panel.tree
    tree.scrollTo(index)
    rect = tree.visualRect(index)
    assert rect.isValid()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def drive(qtbot: Any, profile: Profile, export_to: Path) -> None:
    """The person's session, run inside the application's own event loop."""
    window = the_window()
    assert window.isVisible()

    # 1. The demo workspace comes up on its own: DEMO badge, the tree filled from /videos.
    qtbot.waitUntil(lambda: window.workspace is not None)
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: window.status.badge.isVisible())
    assert window.status.badge.text() == "DEMO"
    qtbot.waitUntil(lambda: window.asset_panel.proxy.rowCount() == 1)
    qtbot.waitUntil(lambda: not window.runner.in_flight())
    listing = workspace.client.http.get_json("/videos", [("pageSize", "100")])
    total = int(listing["pagination"]["itemsTotal"])
    videos = workspace.client.videos()
    assert videos.error is None and len(videos.items) == total > 1
    group = video_group(window)
    assert group.data() == f"Videos ({total})"
    rows = child_rows(window, group)
    assert sorted(str(i.data(ID_ROLE)) for i in rows) == sorted(v.video_id for v in videos.items)
    assert profile.sandbox_files()[0].name.startswith("sandbox-small-")  # generated just now

    # 2. Over time, hourly, in a zone half an hour off UTC; then pick a video in the tree.
    builder = window.builder
    over_time = next(
        b
        for b in builder.kind_buttons.buttons()
        if b.property("endpoint") == Endpoint.TIMESERIES.value
    )
    qtbot.mouseClick(over_time, Qt.MouseButton.LeftButton)
    assert builder.endpoint() is Endpoint.TIMESERIES
    assert builder.time_range.set_zone(ZONE)
    assert builder.metric_combo.set_value("play")
    assert builder.interval_combo.set_value("hour")
    chosen = busiest_video(window, [str(i.data(ID_ROLE)) for i in rows])
    window.asset_panel.tree.expand(group)
    row = next(i for i in child_rows(window, group) if i.data(ID_ROLE) == chosen)
    assert row.data(KIND_ROLE) == "video"
    click(qtbot, window, row)
    assert builder.query().filters == {"mediaId": (chosen,)}
    assert builder.problems() == []

    # 3. Run: the chart and the table hold exactly what the API returns for that query.
    qtbot.mouseClick(builder.run_button, Qt.MouseButton.LeftButton)
    page = window.results.current_page()
    assert page is not None and page.query is not None
    qtbot.waitUntil(lambda: not page.running)
    view = page.timeseries_view
    assert view is not None and page.current_view() is view, page.header.text()
    expected = workspace.run_query(page.query)
    assert isinstance(expected, TimeseriesFrame) and not expected.partial
    assert len(expected) >= 2
    assert page.query.filters == {"mediaId": (chosen,)}
    assert page.query.start is not None and page.query.start.utcoffset() == OFFSET

    table = view.table.source
    exact = [
        tuple(table.index(r, c).data(EXACT_ROLE) for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]
    assert exact == expected.to_rows(ZONE)  # behind each cell (tooltips, copies)
    shown = [table.index(r, 0).data() for r in range(table.rowCount())]
    assert shown == [f"{m:%Y-%m-%d %H:%M}" for m in expected.datetimes(ZONE)]  # as read
    assert table.header == [f"Time ({ZONE})", "play (events)"]

    x, y = view.curve.getOriginalDataset()
    drawn = dict(zip(x.tolist(), y.tolist(), strict=True))
    returned = dict(zip(expected.epoch_seconds().tolist(), expected.values.tolist(), strict=True))
    assert {t: drawn.get(t) for t in returned} == returned
    assert all(v == 0 for t, v in drawn.items() if t not in returned)  # empty hours: 0 plays
    assert np.allclose(np.diff(x), 3600)
    assert {(t % 3600) for t in drawn} == {1800.0}  # whole hours in +05:30
    start, end = page.query.start.timestamp(), page.query.end.timestamp()
    assert x[0] < start + 3600 and x[-1] < end <= x[-1] + 3600  # the whole range, hour by hour
    assert page.fetched_at is not None  # the hour running when the result came is in progress
    assert view.last_in_progress == bool(page.fetched_at.timestamp() < x[-1] + 3600)

    # 4. Ctrl+E: the file holds the table's rows, with RFC 3339 times in the chosen zone.
    assert "Ctrl+E" in [s.toString() for s in window.export_action.shortcuts()]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert SavePathDialog.suggestions and SavePathDialog.suggestions[-1].endswith(".csv")
    qtbot.waitUntil(lambda: not window.runner.in_flight())
    assert f"Exported {len(exact)} rows to {export_to}" in window.status.currentMessage()
    with export_to.open(encoding="utf-8", newline="") as file:
        written = list(csv.reader(file))
    assert written[0] == [f"emitted_at ({ZONE})", "play (events)"]  # metric, unit, zone
    assert [tuple(r) for r in written[1:]] == exact  # the exact values, not as rounded
    for stamp, _ in written[1:]:
        assert RFC3339.match(stamp), stamp
        moment = datetime.fromisoformat(stamp)
        assert moment.utcoffset() == OFFSET and moment.minute == 0, stamp


def test_a_first_launch_shows_the_demo_and_exports_what_it_charts(
    qtbot: Any, profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    export_to = tmp_path / "exports" / "plays.csv"
    export_to.parent.mkdir()
    monkeypatch.setattr(SavePathDialog, "target", export_to)
    monkeypatch.setattr(SavePathDialog, "suggestions", [])
    monkeypatch.setattr("explorer.ui.main_window.QFileDialog", SavePathDialog)
    failures: list[BaseException] = []

    def session() -> None:
        try:
            drive(qtbot, profile, export_to)
        except BaseException as error:  # re-raised below, once the application has quit
            failures.append(error)
        finally:
            for window in QApplication.topLevelWidgets():
                if isinstance(window, MainWindow):
                    window.close()  # the last window: the application quits

    QTimer.singleShot(0, session)
    code = run_gui(None, settings=settings)  # the code path of `analytics-explorer`
    if failures:
        raise failures[0]
    assert code == 0
    saved = str(settings.value("query/state"))  # the session is remembered for the next launch
    assert Query.from_dict(json.loads(saved)["query"]).endpoint is Endpoint.TIMESERIES
    assert [p.name for p in export_to.parent.iterdir()] == ["plays.csv"]
