"""The builder's scope and the asset tree agree, always (issue 15.18)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings

from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.asset_model import ID_ROLE
from tests.support.scenario import A, B
from tests.ui.conftest import ZONE, PinnedWorkspace, wait_idle
from tests.ui.test_main_window import asset_index


def current_id(window: MainWindow) -> str | None:
    index = window.asset_panel.tree.currentIndex()
    return None if not index.isValid() else str(index.data(ID_ROLE) or "")


def test_after_a_restart_the_tree_shows_the_scope_and_sessions_open(
    qtbot: Any,
    settings: QSettings,
    runner: TaskRunner,
    ready_window: MainWindow,
    workspace: PinnedWorkspace,
) -> None:
    ready_window.asset_panel.tree.setCurrentIndex(asset_index(ready_window, "video", A))
    assert ready_window.builder.scope_ids() == (A,)
    ready_window.close()  # saves the builder's state

    again = MainWindow(settings, runner)
    qtbot.addWidget(again)
    again.builder.time_range.set_zone(ZONE)
    assert again.builder.scope_ids() == (A,)  # the builder came back scoped...
    again.set_workspace(workspace)
    wait_idle(qtbot, runner)
    assert current_id(again) == A  # ...and the tree says the same
    again.sessions_action.trigger()  # Ctrl+Shift+S
    wait_idle(qtbot, runner)
    view = again.results.currentWidget()
    assert getattr(getattr(view, "media", None), "media_id", None) == A
    assert "Choose a video" not in again.status.currentMessage()


def test_a_typed_scope_moves_the_tree_and_the_project_clears_it(
    ready_window: MainWindow,
) -> None:
    builder = ready_window.builder
    builder.filter_editor.set_filters({"mediaId": (B,)})
    assert current_id(ready_window) == B
    ready_window.asset_panel.tree.setCurrentIndex(asset_index(ready_window, "project"))
    assert builder.scope_ids() == ()
    builder.filter_editor.set_filters({"mediaId": (A, B)})
    assert current_id(ready_window) is None  # several: no one row stands for them


def test_a_tree_click_adds_to_a_hand_built_list_instead_of_replacing_it(
    ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    builder = ready_window.builder
    live = next(iter(k for k in builder.filter_editor.known_values("mediaId") if k not in (A, B)))
    builder.filter_editor.set_filters({"mediaId": (A, B), "country": ("FR",)})
    ready_window.asset_panel.tree.setCurrentIndex(asset_index(ready_window, "video", live))
    assert builder.query().filters == {"mediaId": (A, B, live), "country": ("FR",)}
    assert "Added" in ready_window.status.currentMessage()
