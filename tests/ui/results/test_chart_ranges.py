"""A timeseries drawn before its tab is laid out still fits its values once shown (at 1024x700
the first chart read 0-600 for values up to 255 until Reset zoom)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import ResultContext, TimeseriesFrame
from explorer.ui.results.timeseries_view import TimeseriesView

END = datetime(2026, 12, 7, 14, 25, tzinfo=UTC)


def test_a_chart_set_while_tiny_fits_its_values_once_it_has_its_size(qtbot: Any) -> None:
    context = ResultContext(
        Endpoint.TIMESERIES, "play", interval="hour", start=END - timedelta(hours=24), end=END
    )
    first = datetime(2026, 12, 6, 14, tzinfo=UTC)
    values = [200.0 + (h % 5) * 10 for h in range(25)]
    frame = TimeseriesFrame.from_records(
        context, [(first + timedelta(hours=h), v) for h, v in enumerate(values)]
    )
    view = TimeseriesView()
    qtbot.addWidget(view)
    view.resize(30, 20)  # a page not laid out yet
    view.set_result(frame, "UTC", now=END)
    view.show()
    qtbot.waitExposed(view)
    view.resize(880, 400)
    box = view.plot.getPlotItem().vb

    def fitted() -> bool:
        low, high = box.viewRange()[1]
        return high <= max(values) * 1.1 and low >= min(values) * 0.9

    qtbot.waitUntil(fitted, timeout=60_000)
