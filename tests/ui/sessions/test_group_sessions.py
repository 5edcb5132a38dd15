"""The sessions of a saved group (issue 19): every video's list in one tab, on the sandbox."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

from explorer.domain.asset_groups import AssetGroup
from explorer.ui.main_window import MainWindow
from explorer.ui.sessions.group_sessions_view import GroupSessionsView
from explorer.ui.sessions.sessions_view import SessionsView
from tests.support import scenario
from tests.ui.conftest import wait_idle
from tests.ui.panels.test_asset_groups import group_index


def listed(view: SessionsView) -> list[tuple[str, ...]]:
    """Each row shown: its session id and its text cells."""
    model = view.table.source
    model.flush()
    return [(model.record(r).session_id, *model.record(r).cells) for r in range(model.rowCount())]


def one_video(qtbot: Any, window: MainWindow, media_id: str, title: str) -> list[Any]:
    view = window.open_sessions(media_id, "video", title)
    assert view is not None
    wait_idle(qtbot, window.runner)
    model = view.table.source
    model.flush()
    return [model.record(r) for r in range(model.rowCount())]


def test_a_groups_tab_lists_the_union_of_its_videos_sessions_and_filters_across_them(
    qtbot: Any, ready_window: MainWindow
) -> None:
    panel = ready_window.asset_panel
    assert panel.shelf.add(AssetGroup.picked("Pair", (scenario.A, scenario.B))) == []
    algebra = one_video(qtbot, ready_window, scenario.A, "Algebra 1")
    spring = one_video(qtbot, ready_window, scenario.B, "Spring ad")
    assert algebra and spring  # both videos have sessions today

    index = group_index(ready_window, "Pair")
    menu = panel.context_menu(index)
    panel.add_group_actions(menu, index)
    action = next(a for a in menu.actions() if a.text() == "Open sessions of the group")
    assert action.isEnabled()
    action.trigger()
    view = ready_window.results.currentWidget()
    assert isinstance(view, GroupSessionsView)
    wait_idle(qtbot, ready_window.runner)
    assert view.picker.period().wire == "2026-03-10"
    rows = listed(view)
    video = view.table.source.columns.index("Video")
    assert view.table.source.headerData(video, Qt.Orientation.Horizontal) == "Video"
    expected = {(r.session_id, *r.cells, "Algebra 1") for r in algebra} | {
        (r.session_id, *r.cells, "Spring ad") for r in spring
    }
    assert len(rows) == len(algebra) + len(spring) and set(rows) == expected
    total = len(expected)
    assert view.count.text() == f"{total} sessions of 2 videos"

    # a Metadata condition picks the sessions whose metadata holds the pair, across the videos
    metadata = view.table.source.columns.index("Metadata")
    premium = {r.session_id for r in [*algebra, *spring] if ("plan", "premium") in r.metadata}
    assert 0 < len(premium) < total
    view.column_filters.add(metadata, "plan=premium")
    assert {row[0] for row in listed(view)} == premium
    assert view.count.text() == f"Showing {len(premium)} of {total} sessions of 2 videos"
    view.column_filters.set_conditions([(video, "spring AD")])  # any case
    assert {row[0] for row in listed(view)} == {r.session_id for r in spring}
    view.column_filters.set_conditions([])
    view.filter.setText("algebra")  # the text filter reads the title too
    assert {row[0] for row in listed(view)} == {r.session_id for r in algebra}

    # a session is inspected with its own video
    view.filter.setText("")
    spring_row = next(i for i, row in enumerate(listed(view)) if row[-1] == "Spring ad")
    assert view.media_of(view.table.source.record(spring_row)).media_id == scenario.B


def test_the_query_menu_opens_the_sessions_of_the_current_group(
    qtbot: Any, ready_window: MainWindow
) -> None:
    panel = ready_window.asset_panel
    assert panel.shelf.add(AssetGroup.picked("Pair", (scenario.A, scenario.B))) == []
    panel.tree.setCurrentIndex(group_index(ready_window, "Pair"))
    ready_window.sessions_action.trigger()
    view = ready_window.results.currentWidget()
    assert isinstance(view, GroupSessionsView)
    assert [m.media_id for m in view.medias] == [scenario.A, scenario.B]
    wait_idle(qtbot, ready_window.runner)
    assert view.table.source.rowCount() > 0
    assert ready_window.open_group_sessions("Pair") is view  # the same tab comes forward


def test_the_group_list_goes_video_by_video_saying_which_and_can_be_cancelled(
    ready_window: MainWindow,
) -> None:
    from explorer.domain.cancel import Cancelled, CancelToken
    from explorer.services.group_sessions import list_group_sessions
    from explorer.services.sessions import Media

    service = ready_window.workspace.sessions if ready_window.workspace else None
    assert service is not None
    videos = [Media(scenario.A, "video", "Algebra 1"), Media(scenario.B, "video", "Spring ad")]
    said: list[tuple[int, int]] = []
    pages: list[Any] = []
    result = list_group_sessions(
        service, videos, "2026-03-10", {}, progress=lambda d, t: said.append((d, t)),
        deliver=pages.append,
    )  # fmt: skip
    assert said == [(0, 2), (1, 2), (2, 2)]
    assert [p.media.media_id for p in pages] == sorted(p.media.media_id for p in pages)
    assert sum(len(p.page) for p in pages) == len(result.rows) and not result.partial
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        list_group_sessions(service, videos, "2026-03-10", {}, token)


def test_a_metadata_condition_on_one_videos_tab_matches_a_pair_of_the_sandbox_sessions(
    qtbot: Any, ready_window: MainWindow
) -> None:
    records = one_video(qtbot, ready_window, scenario.A, "Algebra 1")
    view = ready_window.results.currentWidget()
    assert isinstance(view, SessionsView) and "Video" not in view.table.source.columns
    assert "key=value" in view.column_filters.value.toolTip()
    metadata = view.table.source.columns.index("Metadata")
    with_plan = {r.session_id for r in records if any(k == "plan" for k, _ in r.metadata)}
    assert 0 < len(with_plan) < len(records)
    view.column_filters.add(metadata, "PLAN=Premium")
    assert {row[0] for row in listed(view)} == with_plan
    view.column_filters.set_conditions([(metadata, "plan=")])
    assert {row[0] for row in listed(view)} == with_plan
    view.column_filters.set_conditions([(metadata, "plan=basic")])
    assert listed(view) == []


def test_a_video_whose_list_fails_leaves_the_others_listed_and_the_list_partial(
    qtbot: Any, ready_window: MainWindow
) -> None:
    from explorer.api.errors import ApiError
    from explorer.services.group_sessions import list_group_sessions
    from explorer.services.sessions import Media

    service = ready_window.workspace.sessions if ready_window.workspace else None
    assert service is not None
    gone = Media("viZZZZZZZZZZZZZZZZZZZZ", "video", "Gone")
    algebra = Media(scenario.A, "video", "Algebra 1")
    alone = service.list_sessions(algebra, "2026-03-10")
    result = list_group_sessions(service, [gone, algebra], "2026-03-10")
    assert result.partial and list(result.errors) == ["Gone"]
    assert [r[0] for r in result.rows] == [r[0] for r in alone.rows] != []
    with pytest.raises(ApiError):
        list_group_sessions(service, [gone], "2026-03-10")
    view = GroupSessionsView(
        ready_window.runner, service, "Mixed", [gone, algebra], date(2026, 3, 10), "UTC"
    )
    qtbot.addWidget(view)
    view.load()
    wait_idle(qtbot, ready_window.runner)
    assert view.notice.text().startswith("Some sessions are missing (Gone: ")
    assert view.notice.text().endswith("Load again.")
    assert view.count.text() == f"{len(alone.rows)} sessions of 2 videos"


def test_the_tab_says_which_video_loads_and_cancel_stops_the_group(
    qtbot: Any, ready_window: MainWindow
) -> None:
    import threading

    from explorer.services.sessions import Media
    from tests.support.patience import PATIENCE_S

    service = ready_window.workspace.sessions if ready_window.workspace else None
    assert service is not None
    gate = threading.Event()

    class Gated:  # waits before the second video's list
        def list_sessions(self, media: Media, *args: Any, **kwargs: Any) -> Any:
            if media.media_id == scenario.B:
                gate.wait(PATIENCE_S)
            return service.list_sessions(media, *args, **kwargs)

    videos = [Media(scenario.A, "video", "Algebra 1"), Media(scenario.B, "video", "Spring ad")]
    view = GroupSessionsView(
        ready_window.runner,
        Gated(),
        "Pair",
        videos,
        date(2026, 3, 10),
        "UTC",  # type: ignore[arg-type]
    )
    qtbot.addWidget(view)
    view.load()
    qtbot.waitUntil(lambda: "loading video 2 of 2" in view.count.text(), timeout=60_000)
    assert view.cancel_button.isEnabled()
    view.cancel()
    gate.set()
    wait_idle(qtbot, ready_window.runner)
    assert view.notice.text() == "Loading was cancelled: the list is incomplete."
    assert not any(row[-1] == "Spring ad" for row in listed(view))
