"""Report: sections in order, members, names, grids and numbers per shape; builder rules."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from explorer.domain.report import Entry, Report, ReportBuilder, Section, Shape

D1 = datetime(2026, 3, 9, tzinfo=UTC)
D2 = D1 + timedelta(days=1)
PARIS_WINTER = timezone(timedelta(hours=1))


def sample() -> Report:
    out = ReportBuilder("videocloud-video", "Video vi1 · 7d")
    out.figures("views", [("total", 88.0, ""), ("change", None, "ratio")])
    out.breakdown("views.by_country", "views", {"DE": 16.0, "FR": 9.0})
    out.at("views.timeline", D1, [("views", 14.0, ""), ("unique", 10.0, "")])
    out.at("views.timeline", D2, [("views", 20.0, "")])
    out.add("views.by_country", "share", 0.5, "ratio", key="US")
    out.at("retention.cohorts", D1, [("size", 10.0, ""), ("day1", 0.5, "ratio")], Shape.MATRIX)
    out.figures("views", [("unique", 40.0, "")])  # back to an earlier section
    return out.build({"period": "7d", "from": D1})


def test_sections_come_in_first_appearance_order_with_their_shapes() -> None:
    report = sample()
    assert [(s.name, s.shape) for s in report.sections()] == [
        ("views", Shape.FIGURES),
        ("views.by_country", Shape.BREAKDOWN),
        ("views.timeline", Shape.TIMELINE),
        ("retention.cohorts", Shape.MATRIX),
    ]
    assert report.section("views").names() == ["total", "change", "unique"]
    assert len(report) == 11 and report.kind == "videocloud-video"
    assert report.request == {"period": "7d", "from": D1}
    assert report.shape_of("nowhere") is Shape.FIGURES
    with pytest.raises(KeyError, match="no section 'nowhere'"):
        report.section("nowhere")


def test_figures_are_one_row() -> None:
    views = sample().section("views")
    assert views.members() == [""]
    assert views.grid() == [[88.0, None, 40.0]]
    assert views.unit_of("change") == "ratio" and views.unit_of("total") == ""
    assert views.title == "Views"


def test_a_breakdown_is_members_by_names_with_gaps() -> None:
    countries = sample().section("views.by_country")
    assert countries.members() == ["DE", "FR", "US"]
    assert countries.names() == ["views", "share"]
    assert countries.grid() == [[16.0, None], [9.0, None], [None, 0.5]]
    np.testing.assert_array_equal(countries.numbers("views"), [16.0, 9.0, math.nan])
    assert countries.title == "Views by country"


def test_a_timeline_and_a_matrix_are_moments_by_names() -> None:
    report = sample()
    timeline = report.section("views.timeline")
    assert timeline.members() == [D1, D2]
    assert timeline.grid() == [[14.0, 10.0], [20.0, None]]
    np.testing.assert_array_equal(timeline.numbers("unique"), [10.0, math.nan])
    cohorts = report.section("retention.cohorts")
    assert cohorts.members() == [D1]
    assert cohorts.grid() == [[10.0, 0.5]]


def test_numbers_read_text_as_nan() -> None:
    out = ReportBuilder("k", "t")
    out.add("top", "title", "Algebra", key="vi1")
    out.add("top", "views", 4.0, key="vi1")
    top = out.build().section("top")
    assert top.grid() == [["Algebra", 4.0]]
    assert math.isnan(top.numbers("title")[0]) and top.numbers("views")[0] == 4.0


def test_the_builder_reads_the_shape_from_what_is_given() -> None:
    out = ReportBuilder("k", "t")
    out.add("a", "n", 1.0)
    out.add("b", "n", 1.0, key="x")
    out.add("c", "n", 1.0, date=D1)
    out.add("period", "start", None, date=D1)  # a dated figure without a value
    report = out.build()
    assert [s.shape for s in report.sections()] == [
        Shape.FIGURES,
        Shape.BREAKDOWN,
        Shape.TIMELINE,
        Shape.FIGURES,
    ]


def test_a_section_keeps_one_shape() -> None:
    out = ReportBuilder("k", "t")
    out.figures("views", [("total", 1.0, "")])
    with pytest.raises(ValueError, match="'views' is a figures, not a breakdown"):
        out.breakdown("views", "views", {"DE": 1.0})
    out.at("cohorts", D1, [("size", 1.0, "")], Shape.MATRIX)
    with pytest.raises(ValueError, match="'cohorts' is a matrix, not a timeline"):
        out.at("cohorts", D2, [("size", 1.0, "")])


def test_dates_must_carry_a_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Entry("views.timeline", "views", 1.0, date=datetime(2026, 3, 9))
    out = ReportBuilder("k", "t")
    with pytest.raises(ValueError, match="time zone"):
        out.at("views.timeline", datetime(2026, 3, 9), [("views", 1.0, "")])
    Entry("views.timeline", "views", 1.0, date=datetime(2026, 3, 9, tzinfo=PARIS_WINTER))


def test_flags_and_a_direct_section() -> None:
    report = ReportBuilder("k", "t").build(None, partial=True, error="page 2 failed")
    assert (report.partial, report.error, report.request, report.sections()) == (
        True,
        "page 2 failed",
        {},
        [],
    )
    section = Section("growth.by_source", Shape.BREAKDOWN, (Entry("x", "n", 1.0, key="ads"),))
    assert section.title == "Growth by source" and section.members() == ["ads"]
