"""The report view: a block per section drawn by its shape, readable units, the zone, laziness."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from explorer.domain.report import Report, ReportBuilder, Shape, Value
from explorer.ui.results import report_view
from explorer.ui.results.figure_cards import FigureCards
from explorer.ui.results.heat_map import HeatMapView
from explorer.ui.results.report_charts import BreakdownBlock, TimelineBlock
from explorer.ui.results.report_format import MISSING, MISSING_TIP, format_figure, label_of
from explorer.ui.results.report_view import ReportView
from explorer.ui.results.result_table import FIRST_NARROWEST
from explorer.ui.results.result_tabs import ResultPage

# a UTC midnight: 01:00 in Paris, 20:00 the day before in New York
DAY = datetime(2026, 3, 9, tzinfo=UTC)


def video_report() -> Report:
    out = ReportBuilder("videocloud-video", "Video v1 · 7d")
    out.add("period", "start", None, date=DAY)
    out.figures("views", [("total", 2021.0, ""), ("unique", None, ""), ("change", 0.125, "ratio")])
    out.breakdown("views.by_country", "views", {"FR": 16.0, "US": 317.0, "DE": None, "IN": 146.0})
    for day in range(3):
        out.at(
            "engagement.timeline",
            DAY + timedelta(days=day),
            [("watch_time", 600.0 + day * 60, "s"), ("completion_rate", 0.5 + day / 10, "ratio")],
        )
    for day, (size, day1, day7) in enumerate([(120.0, 0.4, 0.2), (80.0, 0.1, None)]):
        out.at(
            "retention.cohorts",
            DAY + timedelta(days=day),
            [("size", size, ""), ("day1", day1, "ratio"), ("day7", day7, "ratio")],
            shape=Shape.MATRIX,
        )
    return out.build({"period": "7d"})


def shown(qtbot: Any, report: Report, zone: str = "UTC") -> ReportView:
    view = ReportView()
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show_report(report, zone)
    view.finish()
    return view


def test_one_titled_block_per_section_drawn_by_its_shape(qtbot: Any) -> None:
    view = shown(qtbot, video_report())
    assert [b.title.text() for b in view.blocks] == [
        "Period",
        "Views",
        "Views by country",
        "Engagement timeline",
        "Retention cohorts",
    ]
    kinds = [type(b.content) for b in view.blocks]
    assert kinds[:4] == [FigureCards, FigureCards, BreakdownBlock, TimelineBlock]
    assert view.block("retention.cohorts").content.findChild(HeatMapView) is not None
    assert view.heading.text() == "Video v1 · 7d"
    assert view.pending == 0


def test_figures_read_with_their_units_and_a_missing_one_says_so(qtbot: Any) -> None:
    view = shown(qtbot, video_report())
    cards = view.block("views").content
    assert isinstance(cards, FigureCards)
    assert cards.texts() == {"Total": "2,021", "Unique": MISSING, "Change": "+12.5 %"}
    unique = cards.cards[1]
    assert unique.value.text() == "–"
    assert unique.toolTip() == MISSING_TIP == "not given by the server"
    assert cards.cards[2].toolTip() == "0.125 (ratio)"


@pytest.mark.parametrize(
    ("value", "unit", "sign", "text"),
    [
        (0.425, "ratio", False, "42.5 %"),
        (0.125, "ratio", True, "+12.5 %"),
        (-0.03, "ratio", True, "-3.0 %"),
        (0.0012, "ratio", False, "0.1 %"),  # a percent has one decimal, whatever its size
        (83.0, "s", False, "1 min 23 s"),
        (42.5, "s", False, "42 s"),  # seconds are whole (half to even) ...
        (7500.0, "s", False, "2 h 5 min"),
        (3600.0, "s", False, "1 h"),
        (10_224_000.0, "s", False, "118 d 8 h"),
        (134.1, "ms", False, "134 ms"),  # milliseconds too, and stay milliseconds
        (1500.0, "ms", False, "1,500 ms"),
        (2_528_000.0, "bit/s", False, "2.5 Mbit/s"),  # one decimal after an SI prefix
        (800_000.0, "bit/s", False, "800.0 kbit/s"),
        (4e9, "B", False, "4.0 GB"),
        (512e6, "B", False, "512.0 MB"),
        (1_700_000.0, "B/s", False, "1.7 MB/s"),
        (12.5, "1/s", False, "12.50 /s"),
        (28573.0, "", False, "28,573"),
        (1.25, "", False, "1.2"),  # a count given as a fraction keeps a decimal
        ("60-second recipes", "", False, "60-second recipes"),
        (None, "ratio", False, "–"),
        (float("nan"), "", False, "–"),
    ],
)
def test_units_are_made_readable(value: Value, unit: str, sign: bool, text: str) -> None:
    assert format_figure(value, unit, sign=sign) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(42.46, "s", "42.5 s"), (3.0, "", "3.0"), (766.16, "", "766.2"), (134.1, "ms", "134 ms")],
)
def test_a_mean_shows_one_decimal_more_than_its_kind(value: float, unit: str, text: str) -> None:
    assert format_figure(value, unit, averaged=True) == text


def test_names_read_as_words() -> None:
    assert label_of("average_watch_time") == "Average watch time"
    assert label_of("day30") == "Day 30"


def test_bars_run_from_the_largest_down_and_a_missing_value_comes_last(qtbot: Any) -> None:
    view = shown(qtbot, video_report())
    bars = view.block("views.by_country").content
    assert isinstance(bars, BreakdownBlock)
    labels, values = bars.bar_values()
    assert labels == ["US", "IN", "FR", "DE"]
    assert values[:3] == [317.0, 146.0, 16.0] and np.isnan(values[3])
    assert list(bars.bars.opts["width"]) == [317.0, 146.0, 16.0, 0.0]
    ticks = bars.plot.getAxis("left")._tickLevels[0]
    assert [text for _, text in ticks] == ["US", "IN", "FR", "DE"]
    assert [label.toPlainText() for label in bars.value_labels] == ["317", "146", "16", "–"]
    assert bars.table.rows_text() == [["FR", "16"], ["US", "317"], ["DE", "–"], ["IN", "146"]]


def test_top_videos_are_labelled_with_their_titles_and_tabled_in_full(qtbot: Any) -> None:
    out = ReportBuilder("videocloud-summary", "Summary")
    for video, title, views in (("v1", "Cats", 10.0), ("v2", "Dogs", 30.0), ("v3", "", 20.0)):
        out.add("top_videos", "title", title, key=video)
        out.add("top_videos", "views", views, key=video)
        out.add("top_videos", "engagement", views / 100, "ratio", key=video)
    view = shown(qtbot, out.build())
    bars = view.block("top_videos").content
    assert bars.bar_values() == (["Dogs", "v3", "Cats"], [30.0, 20.0, 10.0])
    assert bars.table.source.header == ["Video", "Title", "Views", "Engagement"]
    assert bars.table.rows_text()[1] == ["v2", "Dogs", "30", "30.0 %"]


def test_hours_of_the_day_keep_their_order(qtbot: Any) -> None:
    out = ReportBuilder("videocloud-user-engagement", "Engagement")
    out.breakdown("by_time_of_day", "users", {"0": 5.0, "1": 9.0, "2": 1.0, "10": 4.0})
    view = shown(qtbot, out.build())
    bars = view.block("by_time_of_day").content
    assert bars.bar_values()[0] == ["00:00", "01:00", "02:00", "10:00"]
    # the zone is said as the vendor leaves it: not stated, not the tab's (issue 15.9)
    assert "does not say in which zone" in bars.readout.text()
    assert "not in the tab's zone" in bars.readout.text()
    assert bars.table.model().headerData(0, Qt.Orientation.Horizontal) == "Hour (no zone)"


def test_pointing_at_a_bar_reads_its_value(qtbot: Any) -> None:
    view = shown(qtbot, video_report())
    view.show()
    qtbot.waitExposed(view)
    bars = view.block("views.by_country").content
    box = bars.plot.getPlotItem().vb
    bars.plot.scene().sigMouseMoved.emit(box.mapViewToScene(QPointF(50, 1)))
    assert bars.readout.text() == "IN: 146"
    assert box.toolTip() == "IN: 146"
    timeline = view.block("engagement.timeline").content
    view.scroll.ensureWidgetVisible(timeline)
    plot = timeline.plots[1]
    moment = (DAY + timedelta(days=2)).timestamp()
    box = plot.getPlotItem().vb

    def laid_out() -> bool:  # scrolled to, sized, and the moment in its range
        (left, right), _ = box.viewRange()
        return plot.isVisible() and box.width() > 100 and left < moment < right

    qtbot.waitUntil(laid_out)
    plot.scene().sigMouseMoved.emit(box.mapViewToScene(QPointF(moment, 0.6)))
    assert timeline.readout.text() == (
        "2026-03-11 (UTC): Watch time 12 min · Completion rate 70.0 %"
    )
    assert all(line.value() == moment and line.isVisible() for line in timeline.cursor)


def test_a_timeline_puts_percentages_on_a_chart_of_their_own_with_a_legend(qtbot: Any) -> None:
    view = shown(qtbot, video_report())
    timeline = view.block("engagement.timeline").content
    assert isinstance(timeline, TimelineBlock)
    assert list(timeline.groups.items()) == [("s", ["watch_time"]), ("ratio", ["completion_rate"])]
    assert len(timeline.plots) == 2
    assert [timeline.legend_of(0), timeline.legend_of(1)] == [["Watch time"], ["Completion rate"]]
    ratio_axis = timeline.plots[1].getAxis("left")
    assert ratio_axis.tickStrings([0.5, 0.6], 1, 0.1) == ["50 %", "60 %"]
    assert ratio_axis.tickStrings([0.025], 1, 0.005) == ["2.5 %"]
    duration_axis = timeline.plots[0].getAxis("left")
    assert duration_axis.tickSpacing(0, 2000, 200) == [(600, 0.0)]  # whole minutes: 10 min
    assert duration_axis.tickStrings([600, 1200], 1, 600) == ["10 min", "20 min"]
    assert timeline.describe_point(1) == (
        "2026-03-10 (UTC): Watch time 11 min · Completion rate 60.0 %"
    )
    points = timeline.points["completion_rate"]
    assert points.opts["hoverable"]
    assert points.opts["tip"](x=0, y=0, data=("completion_rate", 2)) == (
        "Completion rate, 2026-03-11: 70.0 %"
    )


def test_names_of_one_unit_share_a_chart_and_its_legend(qtbot: Any) -> None:
    out = ReportBuilder("videocloud-video", "Video")
    for day in range(2):
        out.at(
            "views.timeline", DAY + timedelta(days=day), [("views", 9.0, ""), ("unique", 4.0, "")]
        )
    view = shown(qtbot, out.build())
    timeline = view.block("views.timeline").content
    assert len(timeline.plots) == 1 and timeline.legend_of(0) == ["Views", "Unique"]
    colors = [timeline.curves[n].opts["pen"].color() for n in ("views", "unique")]
    assert colors[0] != colors[1]
    assert f"color:{colors[1].name()}" in timeline.legends[0].text


def test_dates_are_shown_in_the_chosen_zone(qtbot: Any) -> None:
    view = shown(qtbot, video_report(), "America/New_York")
    timeline = view.block("engagement.timeline").content
    assert timeline.table.source.header[0] == "Date (America/New_York)"
    assert [row[0] for row in timeline.table.rows_text()] == [
        "2026-03-08 20:00",
        "2026-03-09 20:00",  # the clocks went forward on the 8th: EDT from then on
        "2026-03-10 20:00",
    ]
    assert timeline.plots[0].getAxis("bottom")._zone.key == "America/New_York"
    assert view.block("period").content.texts() == {"Start": "2026-03-08 20:00"}
    view = shown(qtbot, video_report(), "UTC")
    in_utc = view.block("engagement.timeline").content
    assert in_utc.table.rows_text()[0][0] == "2026-03-09"  # midnights: the dates alone


def test_the_heat_map_labels_its_cells_and_colours_only_the_percentages(qtbot: Any) -> None:
    view = shown(qtbot, video_report(), "Europe/Paris")
    heat = view.block("retention.cohorts").content.findChild(HeatMapView)
    assert heat.heat.header == ["Cohort (Europe/Paris)", "Size", "Day 1", "Day 7"]
    assert heat.rows_text() == [
        ["2026-03-09 01:00", "120", "40.0 %", "20.0 %"],
        ["2026-03-10 01:00", "80", "10.0 %", "–"],
    ]
    model = heat.heat
    assert model.color_at(0, 1) is None  # a size is a number, not a shade
    assert model.color_at(1, 3) is None  # no value, no shade
    assert model.fraction(0, 2) == 1.0 and model.fraction(0, 3) == 0.5
    strong, weak = model.color_at(0, 2), model.color_at(1, 2)
    base = heat.palette().color(heat.palette().ColorRole.Base)
    assert abs(strong.lightnessF() - base.lightnessF()) > abs(weak.lightnessF() - base.lightnessF())
    index = model.index(0, 2)
    assert model.data(index, Qt.ItemDataRole.BackgroundRole).color() == strong
    assert "of a cohort of 120" in model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_tables_are_keyboard_navigable_and_copy_what_they_show(qtbot: Any) -> None:
    view = shown(qtbot, video_report())
    view.show()
    qtbot.waitExposed(view)
    table = view.block("views.by_country").content.table
    table.setFocus()
    table.setCurrentIndex(table.proxy.index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    table.selectAll()
    assert table.selected_tsv() == "FR\t16\nUS\t317\nDE\t–\nIN\t146"
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [row[0] for row in table.rows_text()][:2] == ["DE", "US"]  # no value sorts as most


def many_sections(count: int) -> Report:
    out = ReportBuilder("big", "Big")
    for n in range(count):
        out.breakdown(f"s{n}.by_key", "views", {f"k{i}": float(i) for i in range(20)})
    return out.build()


def test_a_large_report_is_drawn_over_several_turns(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_view, "TURN_BUDGET_S", 0.0)  # one block a turn, however fast
    view = ReportView()
    qtbot.addWidget(view)
    view.show_report(many_sections(40), "UTC")
    assert view.pending == 39  # one now, the rest later
    with qtbot.waitSignal(view.blocks_built):
        pass
    assert view.pending == 0 and all(b.content is not None for b in view.blocks)


def test_a_newer_report_drops_what_was_left_of_the_older_one(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_view, "TURN_BUDGET_S", 0.0)
    view = ReportView()
    qtbot.addWidget(view)
    view.show_report(many_sections(40), "UTC")
    old = list(view.blocks)
    # a small report may be drawn whole before show_report returns: listen from before it
    with qtbot.waitSignal(view.blocks_built):
        view.show_report(video_report(), "UTC")
    assert len(view.blocks) == 5
    assert sum(b.content is not None for b in old) < 40  # the rest was never drawn


def test_an_empty_or_partial_report_says_so(qtbot: Any) -> None:
    view = shown(qtbot, ReportBuilder("x", "Nothing").build())
    assert view.blocks == [] and "no figures" in view.note.text()
    partial = ReportBuilder("x", "Some")
    partial.figures("views", [("total", 3.0, "")])
    view.show_report(partial.build(partial=True, error="the engagement part timed out"), "UTC")
    assert view.note.text() == "Partial: the engagement part timed out."


@dataclass
class Asked:
    title: str = "Video v1 · 7d"


def test_a_result_page_shows_a_report_with_its_summary_line(qtbot: Any) -> None:
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_running(Asked(), "Europe/Paris")
    report = video_report()
    partial = replace(report, partial=True, error="one part is missing")
    page.show_result(partial, datetime(2026, 3, 9, 12, tzinfo=UTC))
    view = page.current_view()
    assert isinstance(view, ReportView) and view.report is partial
    assert page.header.text() == (
        "Video v1 · 7d · fetched 13:00:00 · times in Europe/Paris · PARTIAL: one part is missing"
    )
    assert len(partial) == 20  # entries
    view.finish()
    assert view.zone == "Europe/Paris"
    page.show_result(report, datetime(2026, 3, 9, 12, tzinfo=UTC))
    assert page.current_view() is view  # made once per page


def test_a_change_from_almost_nothing_is_flagged(qtbot: Any) -> None:
    """Issue 15.9: +1,774 % against a previous period of about 5 views said nothing of it."""
    out = ReportBuilder("videocloud-video", "Video")
    out.figures("views", [("total", 93.0, ""), ("unique", 80.0, ""), ("change", 17.74, "ratio")])
    cards = FigureCards(out.build().sections()[0], "UTC")
    qtbot.addWidget(cards)
    change = next(c for c in cards.cards if c.entry_name == "change")
    assert change.value.text().endswith("⚠")
    assert "previous period of about 5: a change from so few means little" in change.toolTip()
    out = ReportBuilder("videocloud-video", "Video")
    out.figures("views", [("total", 930.0, ""), ("change", 0.25, "ratio")])  # from 744: fine
    calm = FigureCards(out.build().sections()[0], "UTC")
    qtbot.addWidget(calm)
    assert not any("⚠" in c.value.text() for c in calm.cards)


def test_figure_cards_wrap_on_a_laptop_rather_than_run_off_the_right(qtbot: Any) -> None:
    """At 1024x700 a VideoCloud video's four period dates ran off the report's right edge."""
    out = ReportBuilder("videocloud-video", "Video v1 · 7d")
    for name in ("start", "end", "previous_start", "previous_end"):
        out.add("period", name, None, date=DAY + timedelta(hours=13, minutes=30))
    out.figures("views", [("total", 2021.0, ""), ("unique", 1950.0, ""), ("change", 0.1, "ratio")])
    out.breakdown("views.by_country", "views", {"FR": 16.0, "US": 317.0, "IN": 146.0})
    view = ReportView()
    qtbot.addWidget(view)
    view.resize(730, 440)  # what a 1024x700 window leaves beside the asset tree
    view.show_report(out.build({"period": "7d"}), "UTC")
    view.finish()
    view.show()
    qtbot.waitExposed(view)
    cards = view.block("period").content
    qtbot.waitUntil(lambda: view.scroll.horizontalScrollBar().maximum() == 0, timeout=60_000)
    assert cards.columns < 4  # wrapped: every date card in sight
    right = max(card.mapTo(view, card.rect().topRight()).x() for card in cards.cards)
    assert right <= view.scroll.viewport().width()
    view.resize(1400, 600)  # room again: one row
    qtbot.waitUntil(lambda: cards.columns == 4, timeout=60_000)


def test_a_few_small_cards_stay_in_one_row(qtbot: Any) -> None:
    out = ReportBuilder("videocloud-video", "Video v1 · 7d")
    out.figures("views", [("total", 656.0, ""), ("unique", 612.0, ""), ("change", 0.014, "ratio")])
    view = ReportView()
    qtbot.addWidget(view)
    view.resize(730, 440)
    view.show_report(out.build({"period": "7d"}), "UTC")
    view.finish()
    view.show()
    qtbot.waitExposed(view)
    assert view.block("views").content.columns == 3


def test_a_short_named_table_beside_its_chart_needs_no_sideways_scroll(qtbot: Any) -> None:
    """Its first column ("tv", "mobile") kept its contents' width: widened, it pushed the
    values under a scroll bar."""
    out = ReportBuilder("videocloud-video", "Video v1 · 7d")
    devices = {"mobile": 424.0, "desktop": 163.0, "tablet": 64.0, "tv": 4.0, "other": 1.0}
    out.breakdown("views.by_device", "views", devices)
    view = ReportView()
    qtbot.addWidget(view)
    view.resize(730, 440)
    view.show_report(out.build({"period": "7d"}), "UTC")
    view.finish()
    view.show()
    qtbot.waitExposed(view)
    table = view.block("views.by_device").content.table
    assert table.columnWidth(0) < FIRST_NARROWEST
    assert table.horizontalScrollBar().maximum() == 0


def test_the_longest_report_bar_carries_its_value_inside(qtbot: Any) -> None:
    """Beside the longest bar "6 min 4 s" was cut to "6 min 4" at 1024 px."""
    out = ReportBuilder("videocloud-user-engagement", "Engagement")
    out.add("by_user_type", "session_duration", 364.0, "s", key="returning")
    out.add("by_user_type", "session_duration", 357.0, "s", key="new")
    out.add("by_user_type", "session_duration", 60.0, "s", key="bot")
    view = shown(qtbot, out.build())
    bars = view.block("by_user_type").content
    assert [bars.label_inside(i) for i in range(3)] == [True, True, False]


def test_the_heat_maps_cohort_column_keeps_its_header_whole(qtbot: Any) -> None:
    """At 1280x800 it read "ohort (Etc/UTC": the first column had narrowed under its header."""
    out = ReportBuilder("videocloud-users", "Users · 30d")
    for day in range(3):
        out.at(
            "retention.cohorts",
            DAY + timedelta(days=day),
            [("size", 651.0, ""), ("day1", 0.135, "ratio"), ("day7", 0.131, "ratio")],
            shape=Shape.MATRIX,
        )
    view = shown(qtbot, out.build({"period": "30d"}), "Etc/UTC")
    view.show()
    qtbot.waitExposed(view)
    heat = view.block("retention.cohorts").content.findChild(HeatMapView)
    header = heat.horizontalHeader()
    needed = header.fontMetrics().horizontalAdvance("Cohort (Etc/UTC)")
    assert heat.columnWidth(0) >= needed
