"""The world map: shapes shipped in the package, colours by value with no data left neutral,
hover names the country and its value, a click asks for a filter; light and dark."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest

from explorer.domain.catalogue import Unit
from explorer.ui.charts.world_map import SHAPES, WorldMap, countries, neutral_color
from explorer.ui.common.theme import apply_theme

PARIS = (2.35, 48.85)
KANSAS = (-98.0, 38.5)
MOSCOW = (37.6, 55.75)
CHUKOTKA = (-172.0, 66.0)  # Russia east of the antimeridian


def make(qtbot: Any) -> WorldMap:
    view = WorldMap()
    qtbot.addWidget(view)
    view.resize(900, 520)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_shapes_are_small_public_domain_and_keyed_by_iso_code() -> None:
    assert SHAPES.stat().st_size < 300_000
    document = json.loads(SHAPES.read_text(encoding="utf-8"))
    assert "Natural Earth" in document["origin"] and "public domain" in document["licence"]
    codes = {c.code for c in countries()}
    assert {"FR", "US", "BR", "IN", "JP", "AU", "NG", "RU", "AQ"} <= codes
    assert len(codes) > 170


def test_hover_names_the_country_and_its_value_and_no_data_is_not_zero(qtbot: Any) -> None:
    view = make(qtbot)
    view.set_values({"FR": 1234, "US": 0, "SG": 7}, Unit.COUNT, "play")
    assert view.tooltip_at(*PARIS) == "France (FR)\nplay: 1,234 events"
    assert view.tooltip_at(*KANSAS).endswith("play: 0 events")
    assert view.tooltip_at(*MOSCOW).endswith("play: no data")
    assert view.tooltip_at(-30.0, 0.0) == ""  # the Atlantic
    # Russia east of the antimeridian is Russia too (drawn again 360 degrees over)
    assert view.country_at(*CHUKOTKA) is not None and view.country_at(*CHUKOTKA).code == "RU"
    neutral = neutral_color(view.palette())
    assert view.fill_of("RU") == neutral  # no data: neutral
    assert view.fill_of("US") != neutral  # zero is a value, drawn on the scale
    assert view.fill_of("FR") != view.fill_of("US")
    # a country too small for the map's scale is said under it, not lost
    assert "Singapore 7 events" in view.note.text()


def test_a_click_on_a_country_asks_for_a_filter_on_it(qtbot: Any) -> None:
    view = make(qtbot)
    view.set_values({"FR": 3}, Unit.VIEWERS, "ccv-peak")
    vb = view.plot.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(*PARIS))
    where = view.plot.mapFromScene(scene)
    with qtbot.waitSignal(view.country_clicked) as clicked:
        QTest.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert clicked.args == ["FR"]


def test_light_and_dark_themes_both_colour_the_map(qtbot: Any) -> None:
    view = make(qtbot)
    view.set_values({"FR": 10, "DE": 5}, Unit.COUNT, "play")

    def base_lightness() -> float:
        return float(view.palette().color(QPalette.ColorRole.Base).lightnessF())

    try:
        apply_theme("light")
        qtbot.waitUntil(lambda: base_lightness() >= 0.5)
        light = (view.fill_of("FR"), view.fill_of("DE"), view.fill_of("RU"))
        apply_theme("dark")
        qtbot.waitUntil(lambda: base_lightness() < 0.5)
        dark = (view.fill_of("FR"), view.fill_of("DE"), view.fill_of("RU"))
        # what is drawn follows (the items are repainted on the palette change)
        france = next(i for i, c in enumerate(countries()) if c.code == "FR")
        qtbot.waitUntil(lambda: view.items[france].brush().color() == dark[0])
    finally:
        apply_theme("system")
    assert light != dark
    # the larger value stands out from the base: darker on light, lighter on dark
    assert light[0].lightnessF() < light[1].lightnessF()
    assert dark[0].lightnessF() > dark[1].lightnessF()
