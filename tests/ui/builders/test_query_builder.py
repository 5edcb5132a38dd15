"""The query builder offers exactly the catalogue's valid combinations and says why not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from explorer.domain import catalogue as cat
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from explorer.services.source import Asset, Assets
from explorer.ui.builders.choices import all_metric_names
from explorer.ui.builders.query_builder import QueryBuilder
from tests.ui.conftest import PINNED_NOW, ZONE

COMBINATIONS = [(e, m) for e in Endpoint for m in cat.METRICS[e]]


@pytest.fixture
def builder(qtbot: Any) -> QueryBuilder:
    widget = QueryBuilder()
    qtbot.addWidget(widget)
    widget.time_range.set_zone(ZONE)
    widget.set_clock(lambda: PINNED_NOW)
    widget.set_ready(True)
    return widget


def choose(builder: QueryBuilder, endpoint: Endpoint, metric: str) -> None:
    builder.set_endpoint(endpoint)
    assert builder.metric_combo.set_value(metric), f"{metric} not selectable on {endpoint}"


@pytest.mark.parametrize("endpoint", list(Endpoint))
def test_metrics_offered_are_the_endpoints_own(builder: QueryBuilder, endpoint: Endpoint) -> None:
    builder.set_endpoint(endpoint)
    assert set(builder.metric_combo.enabled_values()) == set(cat.METRICS[endpoint])
    for name in set(all_metric_names()) - set(cat.METRICS[endpoint]):
        assert "Not offered by" in builder.metric_combo.tooltip_of(name)


@pytest.mark.parametrize(("endpoint", "metric"), COMBINATIONS)
def test_aggregations_and_breakdowns_follow_the_catalogue(
    builder: QueryBuilder, endpoint: Endpoint, metric: str
) -> None:
    choose(builder, endpoint, metric)
    aggregations = cat.aggregations_for(metric) if endpoint is Endpoint.METRICS else ()
    breakdowns = cat.breakdowns_for(metric) if endpoint is Endpoint.BUCKETS else ()
    assert set(builder.aggregation_combo.enabled_values()) == set(aggregations)
    assert set(builder.breakdown_combo.enabled_values()) == set(breakdowns)
    assert builder.aggregation_combo.isEnabled() == (endpoint is Endpoint.METRICS)
    assert builder.breakdown_combo.isEnabled() == (endpoint is Endpoint.BUCKETS)
    assert builder.interval_combo.isEnabled() == (endpoint is Endpoint.TIMESERIES)
    assert builder.unique_check.isEnabled() == cat.accepts_unique(metric)
    assert builder.view_duration_combo.isEnabled() == cat.accepts_view_duration(metric)
    assert builder.sort_by_combo.enabled_values() == (
        [None, *cat.SORT_BY[endpoint]] if endpoint in cat.SORT_BY else []
    )
    keys = {r.key.value() for r in [builder.filter_editor.add_row()]}
    assert keys <= set(cat.filter_keys_for(endpoint, metric, builder.aggregation_combo.value()))
    # whatever is offered, the query it makes is valid
    assert builder.problems() == []
    assert builder.run_button.isEnabled()


def test_every_aggregation_offered_makes_a_valid_query(builder: QueryBuilder) -> None:
    for metric in cat.METRICS[Endpoint.METRICS]:
        choose(builder, Endpoint.METRICS, metric)
        for aggregation in builder.aggregation_combo.enabled_values():
            builder.aggregation_combo.set_value(aggregation)
            assert builder.query().aggregation == aggregation
            assert builder.problems() == [], (metric, aggregation)


def test_disabled_options_say_why(builder: QueryBuilder) -> None:
    choose(builder, Endpoint.METRICS, "play")
    assert "play has no 'sum'" in builder.aggregation_combo.tooltip_of("sum")
    assert "only applies to Breakdown" in builder.breakdown_combo.toolTip()
    assert "Unique viewers only apply to" in builder.unique_check.toolTip()
    choose(builder, Endpoint.BUCKETS, "play-total")
    assert "play-total can only be broken down by media-id" in builder.breakdown_combo.tooltip_of(
        "country"
    )
    assert "All-time" in builder.time_range.preset.toolTip()
    assert not builder.time_range.preset.isEnabled()


def test_a_choice_comes_back_when_it_applies_again(builder: QueryBuilder) -> None:
    choose(builder, Endpoint.METRICS, "watch-time")
    builder.aggregation_combo.set_value("sum")
    builder.metric_combo.set_value("play")
    assert builder.aggregation_combo.value() == "count"
    builder.set_endpoint(Endpoint.BUCKETS)
    assert builder.query().aggregation is None
    builder.set_endpoint(Endpoint.METRICS)
    builder.metric_combo.set_value("watch-time")
    assert builder.aggregation_combo.value() == "sum"


def test_minute_interval_needs_a_short_range(builder: QueryBuilder) -> None:
    choose(builder, Endpoint.TIMESERIES, "play")
    builder.time_range.set_preset("last_24_hours")
    assert "minute" not in builder.interval_combo.enabled_values()
    assert "shorter than 1 hour" in builder.interval_combo.tooltip_of("minute")
    builder.time_range.set_preset("last_hour")
    # [now - 1 h, now) is exactly 60 minutes: still too long for the API
    assert "minute" not in builder.interval_combo.enabled_values()
    builder.time_range.set_custom(PINNED_NOW - timedelta(minutes=30), PINNED_NOW)
    assert "minute" in builder.interval_combo.enabled_values()
    builder.interval_combo.set_value("minute")
    assert builder.query().interval == "minute" and builder.problems() == []


def test_problems_show_inline_before_sending(builder: QueryBuilder) -> None:
    choose(builder, Endpoint.METRICS, "play")
    builder.filter_editor.add_row("country", ("FR", "fr"))
    assert builder.problems() == builder.query().validate(PINNED_NOW)
    assert "two-letter ISO 3166" in builder.problems_label.text()
    assert not builder.run_button.isEnabled()
    builder.time_range.set_custom(PINNED_NOW - timedelta(days=40), PINNED_NOW)
    assert "more than 30 days ago" in builder.problems_label.text()


def test_a_filter_key_that_stops_applying_stays_and_is_reported(builder: QueryBuilder) -> None:
    choose(builder, Endpoint.METRICS, "play")
    builder.filter_editor.add_row("country", ("FR",))
    builder.aggregation_combo.set_value("total")
    row = builder.filter_editor.rows()[0]
    assert row.key.value() == "country"  # not silently turned into another filter
    assert "only accept the mediaId and mediaType" in row.key.tooltip_of("country")
    assert any("remove country" in p for p in builder.problems())


def test_the_query_resolves_the_preset_in_the_chosen_zone(builder: QueryBuilder) -> None:
    choose(builder, Endpoint.METRICS, "play")
    builder.time_range.set_preset("today")
    query = builder.query()
    assert query.start is not None and query.end is not None
    assert query.start.isoformat() == "2026-03-10T00:00:00+01:00"
    assert query.end.isoformat() == "2026-03-10T13:00:00+01:00"
    builder.time_range.set_zone("America/New_York")
    assert builder.query().start.isoformat() == "2026-03-10T00:00:00-04:00"


def test_unique_and_view_duration_reach_the_query(builder: QueryBuilder) -> None:
    choose(builder, Endpoint.BUCKETS, "view")
    builder.unique_check.setChecked(True)
    builder.view_duration_combo.set_value("10s")
    builder.breakdown_combo.set_value("device-type")
    builder.sort_order_combo.set_value("asc")
    query = builder.query()
    assert (query.unique, query.view_duration, query.breakdown, query.sort_order) == (
        True,
        "10s",
        "device-type",
        "asc",
    )
    builder.metric_combo.set_value("play")  # neither applies to play
    query = builder.query()
    assert query.unique is None and query.view_duration is None
    assert builder.problems() == []


def test_the_state_round_trips(qtbot: Any, builder: QueryBuilder) -> None:
    choose(builder, Endpoint.TIMESERIES, "ccv-peak")
    builder.interval_combo.set_value("hour")
    builder.unique_check.setChecked(True)
    builder.filter_editor.add_row("deviceType", ("phone", "tv"))
    builder.time_range.set_custom(PINNED_NOW - timedelta(hours=5), PINNED_NOW)
    state = builder.state()
    other = QueryBuilder()
    qtbot.addWidget(other)
    other.set_clock(lambda: PINNED_NOW)
    other.restore(state)
    assert other.zone_name == ZONE
    assert other.query() == builder.query() == Query.from_dict(state["query"])


def test_scope_sets_and_clears_the_media_filter(builder: QueryBuilder) -> None:
    builder.set_assets(Assets((Asset("video", "viAAAAAAAAAAAAAAAAAAAA", "Algebra 1"),)))
    builder.set_scope("viAAAAAAAAAAAAAAAAAAAA")
    assert builder.query().filters == {"mediaId": ("viAAAAAAAAAAAAAAAAAAAA",)}
    assert "Algebra 1" in builder.scope_label.text()
    builder.set_scope(None)
    assert builder.query().filters == {}
    assert builder.scope_label.text() == "Scope: the whole project"


def test_known_values_complete_the_last_value_and_insert_the_id(builder: QueryBuilder) -> None:
    listed = (
        Asset("video", "viAAAAAAAAAAAAAAAAAAAA", "Algebra 1", tags=("maths",)),
        Asset("live-stream", "liC", "Keynote"),
        Asset("player", "pt1", "Not a medium"),
    )
    builder.set_assets(Assets(listed))
    assert builder.filter_editor.known_values("tag") == ["maths"]
    row = builder.filter_editor.add_row("mediaId")
    row.values.setText("liC, alge")
    completer = row.completer
    completer.setCompletionPrefix(completer.splitPath(row.values.text())[0])
    assert completer.completionCount() == 1
    assert completer.pathFromIndex(completer.currentIndex()) == "liC, viAAAAAAAAAAAAAAAAAAAA"
    assert "AS" in builder.filter_editor.known_values("continent")
    assert "phone" in builder.filter_editor.known_values("deviceType")


def test_a_clipped_breakdown_names_itself_whole_in_its_tooltip(builder: QueryBuilder) -> None:
    """At 1024 px the combo shows "Video or live st": its tooltip starts with the whole name."""
    choose(builder, Endpoint.BUCKETS, "play")
    assert builder.breakdown_combo.set_value("media-id")
    assert builder.breakdown_combo.toolTip().startswith("Video or live stream (media-id): ")


def test_a_long_scope_is_elided_and_never_widens_the_builder(builder: QueryBuilder) -> None:
    """A video with a long title in scope kept the builder wider than a 1024 px screen."""
    narrow = builder.minimumSizeHint().width()
    builder.scope_label.setText("Scope: " + "60-second recipes: the one nobody makes " * 4)
    assert builder.minimumSizeHint().width() == narrow
    builder.resize(narrow, builder.height())
    builder.show()
    label = builder.scope_label
    assert label.is_elided() and label.shown_text().endswith("…")
    assert label.toolTip() == label.text()  # the whole of it, one hover away
