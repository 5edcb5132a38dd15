"""The item models pass Qt's model tester; the asset search and the table copy behave."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, ResultContext, ScalarResult, TimeseriesFrame
from explorer.services.source import Assets
from explorer.ui.panels.asset_model import (
    ID_ROLE,
    KIND_ROLE,
    PLAYER_URL_ROLE,
    AssetFilterProxy,
    AssetTreeModel,
)
from explorer.ui.results.result_table import (
    EXACT_ROLE,
    SORT_ROLE,
    ResultTableModel,
    ResultTableView,
)
from tests.support.scenario import A, C
from tests.ui.conftest import ZONE, PinnedWorkspace

START = datetime(2026, 3, 9, 12, tzinfo=UTC)
END = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def assets(workspace: PinnedWorkspace) -> Assets:
    return workspace.load_assets()


def rows_of(model: Any, parent: Any = None) -> list[str]:
    """Every display text of a tree, depth first."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    texts = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        texts.append(index.data())
        texts += rows_of(model, index)
    return texts


def test_the_asset_tree_passes_the_model_tester(qtmodeltester: Any, assets: Assets) -> None:
    model = AssetTreeModel()
    qtmodeltester.check(model)
    model.set_assets("Handmade project", assets, ZONE)
    qtmodeltester.check(model)
    assert rows_of(model) == [
        "Handmade project",
        "Videos (2)",
        "Algebra 1",
        "Spring ad",
        "Live streams (1)",
        "● on air · Keynote",  # broadcasting: badged (issue 20)
        "Players (1)",
        "Default",
    ]


def test_asset_rows_carry_ids_tooltips_and_player_urls(assets: Assets) -> None:
    model = AssetTreeModel()
    model.set_assets("Handmade project", assets, ZONE)
    project = model.index(0, 0)
    video = model.index(0, 0, model.index(0, 0, project))
    assert (video.data(KIND_ROLE), video.data(ID_ROLE)) == ("video", A)
    tip = video.data(Qt.ItemDataRole.ToolTipRole)
    assert "Created: 2026-" in tip and "Published: 2026-" in tip and "Tags: maths, course" in tip
    assert video.data(PLAYER_URL_ROLE).endswith(A)
    stream = model.index(0, 0, model.index(1, 0, project))
    assert (stream.data(KIND_ROLE), stream.data(ID_ROLE)) == ("live-stream", C)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alg", ["Handmade project", "Videos (1 of 2)", "Algebra 1"]),
        ("AD", ["Handmade project", "Videos (1 of 2)", "Spring ad"]),  # a tag, any case
        (C[:8], ["Handmade project", "Live streams (1 of 1)", "● on air · Keynote"]),  # an id
        ("nothing like it", []),
        ("", None),
    ],
)
def test_search_filters_recursively_on_title_id_and_tag(
    qtmodeltester: Any, assets: Assets, text: str, expected: list[str] | None
) -> None:
    model = AssetTreeModel()
    model.set_assets("Handmade project", assets, ZONE)
    proxy = AssetFilterProxy()
    proxy.setSourceModel(model)
    proxy.setFilterFixedString(text)
    qtmodeltester.check(proxy)
    assert rows_of(proxy) == (rows_of(model) if expected is None else expected)


def _context(endpoint: Endpoint, metric: str, **kw: Any) -> ResultContext:
    return ResultContext(endpoint, metric, start=START, end=END, **kw)


RESULTS = {
    "scalar": ScalarResult(_context(Endpoint.METRICS, "play", aggregation="count"), 6),
    "buckets": BucketFrame.from_records(
        _context(Endpoint.BUCKETS, "play", breakdown="country"), [("US", 4), ("FR", 2), ("DE", 9)]
    ),
    "timeseries": TimeseriesFrame.from_records(
        _context(Endpoint.TIMESERIES, "play", interval="hour"),
        [(datetime(2026, 3, 10, 9, tzinfo=UTC), 2), (datetime(2026, 3, 9, 23, tzinfo=UTC), 1)],
    ),
}


@pytest.mark.parametrize("kind", list(RESULTS))
def test_result_tables_pass_the_model_tester(qtmodeltester: Any, kind: str) -> None:
    model = ResultTableModel()
    qtmodeltester.check(model)
    model.set_result(RESULTS[kind], ZONE)
    qtmodeltester.check(model)
    assert model.rowCount() == len(RESULTS[kind])


def test_the_table_sorts_numbers_as_numbers_and_times_as_instants(qtbot: Any) -> None:
    view = ResultTableView("table")
    qtbot.addWidget(view)
    view.set_result(RESULTS["buckets"], ZONE)
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [view.proxy.index(r, 0).data() for r in range(3)] == ["DE", "US", "FR"]
    view.set_result(RESULTS["timeseries"], ZONE)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [view.proxy.index(r, 0).data() for r in range(2)] == [
        "2026-03-10 00:00",  # short, in the zone the header names
        "2026-03-10 10:00",
    ]
    assert [view.proxy.index(r, 0).data(EXACT_ROLE) for r in range(2)] == [
        "2026-03-10T00:00:00+01:00",  # the exact instant in the tooltip and copies
        "2026-03-10T10:00:00+01:00",
    ]
    assert view.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "2026-03-10T00:00:00+01:00"
    assert view.proxy.index(0, 0).data(SORT_ROLE) < view.proxy.index(1, 0).data(SORT_ROLE)
    assert view.source.header == [f"Time ({ZONE})", "play (events)"]


def test_selected_rows_copy_as_tsv(qtbot: Any) -> None:
    view = ResultTableView("table")
    qtbot.addWidget(view)
    view.show()
    view.set_result(RESULTS["buckets"], ZONE)
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(view.proxy.index(0, 0), flags)
    selection.select(view.proxy.index(2, 0), flags)
    view.setFocus()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "US\t4\nDE\t9\n"


def test_a_scalar_tables_header_keeps_the_zones_capitals(qtbot: Any) -> None:
    model = ResultTableModel()
    model.set_result(RESULTS["scalar"], "America/New_York")
    assert model.header[2:4] == ["From (America/New_York)", "To (America/New_York)"]
