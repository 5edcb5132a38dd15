"""Asset groups in the window (issue 19): several videos chosen in the tree scope the query,
saved groups survive a relaunch per account, a group scopes a query to its ids and is a
value of Split by; each figure is the one a direct query filtered to the same ids answers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt

from explorer.domain.asset_groups import MAX_MEMBERS, AssetGroup
from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import ResultContext, ScalarResult
from explorer.domain.splits import SplitAnswer
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.builders.compare_editor import GROUPS
from explorer.ui.main_window import MainWindow
from explorer.ui.panels.asset_model import GROUP_ROLE, KIND_ROLE
from explorer.ui.panels.group_shelf import GroupBook
from explorer.ui.results.result_tabs import ResultPage
from explorer.ui.results.split_view import SplitView
from tests.support.scenario import A, B, C
from tests.ui.conftest import ZONE, FakeWorkspace, PinnedWorkspace, wait_idle
from tests.ui.test_main_window import asset_index


def click(qtbot: Any, window: MainWindow, index: QModelIndex, modifier: Any = None) -> None:
    tree = window.asset_panel.tree
    tree.scrollTo(index)
    where = tree.visualRect(index).center()
    modifiers = modifier or Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, modifiers, where)


def group_index(window: MainWindow, name: str) -> QModelIndex:
    proxy = window.asset_panel.proxy
    hits = proxy.match(
        proxy.index(0, 0),
        GROUP_ROLE,
        name,
        1,
        Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
    )
    assert hits, name
    return hits[0]


def run(qtbot: Any, window: MainWindow) -> ResultPage:
    page = window.run_query(new_tab=True)
    assert page is not None, window.builder.problems()
    qtbot.waitUntil(lambda: not page.running, timeout=120_000)
    return page


def plays(window: MainWindow) -> None:
    builder = window.builder
    builder.set_endpoint(Endpoint.METRICS)
    assert builder.metric_combo.set_value("play")
    assert builder.aggregation_combo.set_value("count")


def test_ctrl_and_shift_click_scope_to_every_video_chosen(
    qtbot: Any, ready_window: MainWindow
) -> None:
    ready_window.show()
    qtbot.waitExposed(ready_window)
    ready_window.asset_panel.tree.expandAll()
    builder = ready_window.builder
    click(qtbot, ready_window, asset_index(ready_window, "video", A))
    assert builder.scope_ids() == (A,)  # a click still scopes to that one asset
    click(
        qtbot,
        ready_window,
        asset_index(ready_window, "video", B),
        Qt.KeyboardModifier.ControlModifier,
    )
    assert builder.scope_ids() == (A, B)
    assert "2 videos" in builder.scope_label.text()
    click(
        qtbot,
        ready_window,
        asset_index(ready_window, "live-stream", C),
        Qt.KeyboardModifier.ShiftModifier,
    )
    assert set(builder.scope_ids()) == {A, B, C}  # Shift: the range from the last click
    assert set(ready_window.asset_panel.selected_media()) == {A, B, C}  # the tree keeps them
    click(qtbot, ready_window, asset_index(ready_window, "video", B))
    assert builder.scope_ids() == (B,)  # a plain click: that one again


def test_a_saved_group_comes_back_in_a_new_window_for_its_account_only(
    qtbot: Any,
    settings: QSettings,
    runner: TaskRunner,
    ready_window: MainWindow,
    workspace: PinnedWorkspace,
) -> None:
    panel = ready_window.asset_panel
    assert panel.shelf.add(AssetGroup.picked("pair", (A, B))) == []
    assert panel.shelf.add(AssetGroup.tagged("course", "course")) == []
    assert panel.shelf.add(AssetGroup.picked("Pair", (A,)))[0].startswith("there is already")
    ready_window.close()

    again = MainWindow(settings, runner)
    qtbot.addWidget(again)
    again.builder.time_range.set_zone(ZONE)
    again.set_workspace(workspace)
    wait_idle(qtbot, runner)
    assert [g.name for g in again.asset_panel.shelf.groups] == ["pair", "course"]
    assert group_index(again, "pair").data() == "pair (2)"
    assert group_index(again, "course").data() == "course (1)"  # only Algebra 1 is tagged so
    assert "every video tagged 'course'" in group_index(again, "course").data(
        Qt.ItemDataRole.ToolTipRole
    )
    other = FakeWorkspace(lambda q, c: ScalarResult(ResultContext(Endpoint.METRICS, "play"), 0))
    again.set_workspace(other)  # another account (the fake's key): none of these groups
    wait_idle(qtbot, runner)
    assert again.asset_panel.shelf.groups == []
    assert again.builder.compare_editor.groups == {}
    assert GroupBook(settings).read("demo:Fake project") == ([], [])
    again.set_workspace(workspace)
    wait_idle(qtbot, runner)
    assert [g.name for g in again.asset_panel.shelf.groups] == ["pair", "course"]


def test_a_group_as_scope_gives_the_figure_of_its_ids_by_hand(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    panel = ready_window.asset_panel
    assert panel.shelf.add(AssetGroup.with_metadata("level one", "level", "1")) == []
    plays(ready_window)
    ready_window.asset_panel.tree.setCurrentIndex(group_index(ready_window, "level one"))
    builder = ready_window.builder
    assert set(builder.scope_ids()) == {A, B}  # both videos have level=1
    assert "the group 'level one'" in builder.scope_label.text()
    page = run(qtbot, ready_window)
    assert isinstance(page.result, ScalarResult)
    by_hand = replace(page.query, filters={"mediaId": (A, B)})
    expected = workspace.run_query(by_hand)
    assert isinstance(expected, ScalarResult)
    assert expected.value > 0  # a figure that can tell the groups apart
    assert page.result.value == expected.value


def test_split_by_two_groups_shows_each_groups_own_figure(
    qtbot: Any, ready_window: MainWindow, workspace: PinnedWorkspace
) -> None:
    panel = ready_window.asset_panel
    assert panel.shelf.add(AssetGroup.searching("algebra", "algebra")) == []
    assert panel.shelf.add(AssetGroup.picked("ad and keynote", (B, C))) == []
    builder = ready_window.builder
    builder.set_endpoint(Endpoint.METRICS)
    assert builder.metric_combo.set_value("watch-time")
    assert builder.aggregation_combo.set_value("sum")
    editor = ready_window.builder.compare_editor
    assert editor.split_combo.set_value(GROUPS)
    page = run(qtbot, ready_window)
    view = page.current_view()
    assert isinstance(view, SplitView)
    assert isinstance(page.result, SplitAnswer)
    shown = dict(view.bar_values())
    assert list(shown) == ["algebra", "ad and keynote"]  # one bar per group, by its name
    for name, ids in (("algebra", (A,)), ("ad and keynote", (B, C))):
        direct = workspace.run_query(replace(page.result.question.base, filters={"mediaId": ids}))
        assert isinstance(direct, ScalarResult)
        assert shown[name] == direct.value, name
    assert shown["algebra"] != shown["ad and keynote"]  # the groups are told apart


def test_split_by_groups_names_an_unknown_group_and_the_known_ones(
    ready_window: MainWindow,
) -> None:
    editor = ready_window.builder.compare_editor
    assert editor.split_combo.set_value(GROUPS)
    assert any("no asset group is saved" in p for p in ready_window.builder.problems())
    ready_window.asset_panel.shelf.add(AssetGroup.picked("pair", (A, B)))
    editor.values_edit.setText("pair, trio")
    assert any(
        "no group named 'trio'; the groups are 'pair'" in p for p in ready_window.builder.problems()
    )
    assert ready_window.run_query() is None


def test_the_context_menu_offers_the_group_actions(ready_window: MainWindow) -> None:
    panel = ready_window.asset_panel
    panel.shelf.add(AssetGroup.picked("pair", (A, B)))
    menu = panel.context_menu(group_index(ready_window, "pair"))
    panel.add_group_actions(menu, group_index(ready_window, "pair"))
    texts = {a.text(): a for a in menu.actions()}
    assert {"Save selection as group…", "New group from tag / metadata / search…"} <= set(texts)
    assert {"Rename group…", "Delete group"} <= set(texts)
    assert group_index(ready_window, "pair").data(KIND_ROLE) == "asset-group"
    assert panel.shelf.rename("pair", "duo") == []
    assert group_index(ready_window, "duo").data() == "duo (2)"
    panel.shelf.delete("duo")
    assert panel.shelf.groups == []


def test_a_group_too_big_for_one_request_is_refused_saying_so(ready_window: MainWindow) -> None:
    many = tuple(f"vi{i:020d}" for i in range(MAX_MEMBERS + 1))
    ready_window.builder.set_groups({"huge": many, "pair": (A, B)})
    assert ready_window.builder.compare_editor.split_combo.set_value(GROUPS)
    problems = ready_window.builder.problems()
    assert any(f"'huge' holds {MAX_MEMBERS + 1} videos" in p for p in problems), problems
    ready_window.builder.compare_editor.values_edit.setText("pair")
    assert not any("huge" in p for p in ready_window.builder.problems())
