"""A Live tab: one live stream's concurrent viewers now, per minute over the last hour, and
where they watch from (countries on a map, device types) over the last few minutes.

It refreshes every 10 s by default (`live/interval_s` in the settings), stretched when the
API's per-minute budget calls for it (`explorer.domain.live.next_refresh`); a refresh starts
only when the previous one has answered, through the task runner. It pauses while hidden (not
the current tab, the window minimised) and refreshes at once when shown again. It always says
when it last refreshed, and says so plainly when a refresh is late or failed.
"""

from __future__ import annotations

import time
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.catalogue import Unit
from explorer.domain.live import (
    BREAKDOWN_WINDOW,
    DEFAULT_INTERVAL_S,
    RATE_WINDOW_S,
    REQUESTS_PER_REFRESH,
    next_refresh,
)
from explorer.domain.timerange import as_zone
from explorer.services.errors import describe_error
from explorer.services.live_view import LiveSnapshot, fetch_live
from explorer.services.sessions import Media
from explorer.services.source import DataSource
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.charts import chart_style
from explorer.ui.charts.date_axis import ZonedDateAxis
from explorer.ui.charts.world_map import WorldMap

SLOT = "refresh"
INTERVAL_KEY = "live/interval_s"
LATE_AFTER_S = 15.0  # a refresh unanswered this long past its interval is said to be late
MIN_INTERVAL_S, MAX_INTERVAL_S = 5, 600


def interval_setting(settings: QSettings | None) -> float:
    """The refresh interval the person chose (default 10 s), within 5 s to 10 minutes."""
    raw = settings.value(INTERVAL_KEY, DEFAULT_INTERVAL_S) if settings is not None else None
    try:
        value = float(raw) if raw is not None else DEFAULT_INTERVAL_S
    except (TypeError, ValueError):
        value = DEFAULT_INTERVAL_S
    return min(max(value, MIN_INTERVAL_S), MAX_INTERVAL_S)


class LiveView(QWidget):
    """The Live tab of one live stream (a `ToolTab`)."""

    message_posted = Signal(str)
    country_chosen = Signal(str)  # a country clicked on the map (ISO alpha-2)
    refreshed = Signal()  # a refresh answered (drawn) or failed (said)

    def __init__(
        self,
        runner: TaskRunner,
        source: DataSource,
        media: Media,
        zone: str,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        interval_s: float | None = None,
        rate_window_s: float = RATE_WINDOW_S,
    ) -> None:
        super().__init__(parent)
        self.runner, self.source, self.media, self.zone = runner, source, media, zone
        self.settings = settings
        self.title = f"Live: {media.title or media.media_id}"
        self.interval_s = interval_s if interval_s is not None else interval_setting(settings)
        self.rate_window_s = rate_window_s
        self.snapshot: LiveSnapshot | None = None
        self.refreshes = 0  # answered refreshes (tests read this)
        self.failure = ""  # the last refresh's error, "" once one succeeds again
        self.failed_at: datetime | None = None
        self.pace_reason = ""
        self.paused = True  # until shown
        self._asked_mono: float | None = None  # when the refresh in flight was asked
        self._last_asked_mono: float | None = None  # when the latest refresh was asked
        self._due_mono: float | None = None  # when the next refresh is due
        self._delay_s = self.interval_s
        self._watched_window: QWidget | None = None  # minimising it pauses the tab
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        self._ticker = QTimer(self)  # keeps "next in", "late" and the age said current
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._say_status)
        self._build()
        self._say_status()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.viewers = QLabel("—", self)
        self.viewers.setAccessibleName("Concurrent viewers now")
        font = QFont(self.viewers.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setBold(True)
        self.viewers.setFont(font)
        caption = QLabel("viewers now\n(ccv live: the last 20 s)", self)
        self.status = QLabel(self)
        self.status.setAccessibleName("Refresh status")
        self.status.setWordWrap(True)
        self.interval = QSpinBox(self)
        self.interval.setRange(MIN_INTERVAL_S, MAX_INTERVAL_S)
        self.interval.setSuffix(" s")
        self.interval.setValue(round(self.interval_s))
        self.interval.setAccessibleName("Refresh interval")
        self.interval.setToolTip(
            "How often the tab refreshes; it goes slower by itself when the API's request "
            "budget calls for it"
        )
        self.now_button = QPushButton("Refresh now", self)
        top = QHBoxLayout()
        top.addWidget(self.viewers)
        top.addWidget(caption)
        top.addSpacing(16)
        top.addWidget(self.status, 1)
        top.addWidget(QLabel("Every", self))
        top.addWidget(self.interval)
        top.addWidget(self.now_button)

        self.axis = ZonedDateAxis(self.zone)
        self.chart = pg.PlotWidget(self, axisItems={"bottom": self.axis})
        self.chart.setAccessibleName("Concurrent viewers per minute")
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.setTitle("Concurrent viewers (peak per minute), the last hour")
        self.line = self.chart.plot([], [])
        self.current = self.chart.plot([], [])  # the minute still in progress: open ring
        self.map = WorldMap(self)
        self.devices = pg.PlotWidget(self)
        self.devices.setAccessibleName("Viewers by device type")
        self.devices.setMenuEnabled(False)
        self.devices.setMouseEnabled(x=False, y=False)
        self.devices.hideButtons()
        self.devices.invertY(True)
        self.device_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self.devices.addItem(self.device_bars)
        minutes = int(BREAKDOWN_WINDOW.total_seconds() // 60)
        self.map_title = QLabel(f"Where viewers watch from (peak, the last {minutes} minutes)")
        self.devices.setTitle(f"Device types ({minutes} min)")
        where = QWidget(self)
        column = QVBoxLayout(where)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.map_title)
        column.addWidget(self.map, 1)
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(where)
        lower.addWidget(self.devices)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 1)
        lower.setSizes([700, 300])
        self.devices.setMinimumWidth(220)
        self.chart.setMinimumHeight(180)
        body = QSplitter(Qt.Orientation.Vertical, self)
        body.addWidget(self.chart)
        body.addWidget(lower)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 3)
        body.setSizes([300, 450])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(body, 1)
        self.interval.valueChanged.connect(self._on_interval_value_changed)
        self.now_button.clicked.connect(self.refresh)
        self.map.country_clicked.connect(self.country_chosen)
        self._restyle()

    # --- the ToolTab protocol --------------------------------------------------------------

    def set_zone(self, zone: str) -> None:
        self.zone = zone
        self.axis.set_zone(zone)
        self.chart.getAxis("bottom").picture = None
        self.chart.update()
        self._say_status()

    def cancel_all(self) -> None:
        """The tab closes: no more refreshes."""
        self._timer.stop()
        self._ticker.stop()
        self.paused = True
        self.runner.cancel_owned(self)

    # --- refreshing ------------------------------------------------------------------------

    def is_watched(self) -> bool:
        """Shown on screen: the current tab of a window that is not minimised."""
        window = self.window()
        return self.isVisible() and not (window is not None and window.isMinimized())

    def refresh(self) -> None:
        """Ask now, unless a refresh is still out (never two at once, never a queue)."""
        self._timer.stop()
        if self.runner.running(self, SLOT) is not None:
            return
        if not self.is_watched():
            self.pause()
            return
        self._asked_mono, self._due_mono = time.monotonic(), None
        self._last_asked_mono = self._asked_mono
        self.runner.run(
            fetch_live, self.source, self.media.media_id, owner=self, slot=SLOT,
            label=f"Refreshing {self.title}", done=self._on_refresh_done,
            failed=self._on_refresh_failed, cancelled=self._on_refresh_cancelled,
        )  # fmt: skip
        self._say_status()

    def pause(self) -> None:
        self.paused = True
        self._timer.stop()
        self._due_mono = None
        self._ticker.stop()
        self._say_status()

    def resume(self) -> None:
        """Shown again: refresh at once, then on the interval; at once unless the latest
        refresh was asked sooner than the rate budget allows (then as soon as it does), so
        that flicking between tabs cannot send more than the budget allows."""
        if not self.paused:
            return
        self.paused = False
        self._ticker.start()
        since = None if self._last_asked_mono is None else time.monotonic() - self._last_asked_mono
        budget = self.source.rate_budget()
        floor = next_refresh(
            0.0, budget.limit, budget.remaining, REQUESTS_PER_REFRESH, self.rate_window_s
        ).delay_s  # fmt: skip
        if since is None or since >= floor:
            self.refresh()
            return
        wait = floor - since
        self._due_mono = time.monotonic() + wait
        self._timer.start(max(1, round(wait * 1000)))
        self._say_status()

    def _schedule(self) -> None:
        if self.paused or not self.is_watched():
            self.pause()
            return
        budget = self.source.rate_budget()
        pace = next_refresh(
            self.interval_s, budget.limit, budget.remaining, REQUESTS_PER_REFRESH,
            self.rate_window_s,
        )  # fmt: skip
        self.pace_reason = pace.reason
        self._delay_s = pace.delay_s
        self._due_mono = time.monotonic() + pace.delay_s
        self._timer.start(max(1, round(pace.delay_s * 1000)))
        self._say_status()

    def _on_refresh_done(self, snapshot: LiveSnapshot) -> None:
        self._asked_mono = None
        self.snapshot, self.failure, self.failed_at = snapshot, "", None
        self.refreshes += 1
        self._draw(snapshot)
        self._schedule()
        self.refreshed.emit()

    def _on_refresh_failed(self, error: BaseException) -> None:
        self._asked_mono = None
        self.failure = describe_error(error).message
        self.failed_at = self.source.now()
        self._schedule()
        self.refreshed.emit()

    def _on_refresh_cancelled(self) -> None:
        self._asked_mono = None
        self._say_status()

    # --- what it says ----------------------------------------------------------------------

    def _clock(self, moment: datetime) -> str:
        return moment.astimezone(as_zone(self.zone)).strftime("%H:%M:%S")

    def status_text(self) -> str:
        """The refresh line: when it last refreshed (in the chosen zone), and whether it is
        paused, late, failed or slowed down by the rate budget."""
        zone = f" ({self.zone})"
        shown = self.snapshot
        parts = []
        if shown is None:
            parts.append("not refreshed yet")
        else:
            parts.append(f"refreshed {self._clock(shown.asked_at)}{zone}")
            if shown.partial:
                parts.append("partial: some answers came incomplete")
        now = time.monotonic()
        if self.failure and self.failed_at is not None:
            parts.append(f"the refresh at {self._clock(self.failed_at)} failed: {self.failure}")
        if self._asked_mono is not None:
            waiting = now - self._asked_mono
            if waiting > self._delay_s + LATE_AFTER_S:
                parts.append(f"late: the refresh asked {waiting:.0f} s ago has not answered")
            else:
                parts.append("refreshing…")
        elif self.paused:
            parts.append("paused while the tab is hidden")
        elif self._due_mono is not None:
            parts.append(f"next in {max(0.0, self._due_mono - now):.0f} s")
        if self.pace_reason:
            parts.append(self.pace_reason)
        return " · ".join(parts)

    def is_behind(self) -> bool:
        """Whether what is shown is not current: a failure or a late refresh."""
        late = self._asked_mono is not None and (
            time.monotonic() - self._asked_mono > self._delay_s + LATE_AFTER_S
        )
        return bool(self.failure) or late

    def _say_status(self) -> None:
        self.status.setText(self.status_text())
        color = chart_style.warning_color(self.palette()) if self.is_behind() else None
        self.status.setStyleSheet(f"color: {color.name()}" if color is not None else "")

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, snapshot: LiveSnapshot) -> None:
        self.viewers.setText(f"{snapshot.viewers_now:,.0f}")
        series = snapshot.series
        x, y = series.epoch_seconds(), np.nan_to_num(series.values, nan=0.0)
        palette = self.palette()
        self.line.setData(
            x, y, pen=chart_style.series_pen(palette), symbol="o", symbolSize=4,
            symbolBrush=chart_style.series_brush(palette),
        )  # fmt: skip
        if len(x):
            self.current.setData(
                x[-1:], y[-1:], pen=None, symbol="o", symbolSize=8,
                symbolBrush=chart_style.hollow_brush(palette),
                symbolPen=chart_style.series_pen(palette),
            )  # fmt: skip
        top = float(y.max()) if len(y) else 0.0
        self.chart.setYRange(0, max(top * 1.15, 1.0), padding=0)
        countries = snapshot.countries
        self.map.set_values(
            {str(d): float(v) for d, v in zip(countries.dimensions, countries.values, strict=True)},
            Unit.VIEWERS,
            "concurrent viewers (peak)",
        )
        devices = snapshot.devices
        values = np.nan_to_num(devices.values, nan=0.0)
        self.device_bars.setOpts(
            x0=np.zeros(len(values)), y=np.arange(len(values), dtype=float), width=values,
            brush=chart_style.bar_brush(palette),
        )  # fmt: skip
        labels = [
            (i, f"{d} ({v:,.0f})")
            for i, (d, v) in enumerate(zip(devices.dimensions, values, strict=True))
        ]
        self.devices.getAxis("left").setTicks([labels])
        self.devices.setYRange(-0.6, max(len(values), 4) - 0.4, padding=0)
        self.devices.setXRange(
            0, max(float(values.max()) if len(values) else 0.0, 1.0) * 1.15, padding=0
        )

    def _restyle(self) -> None:
        palette = self.palette()
        for plot in (self.chart, self.devices):
            chart_style.style_plot(plot, palette)
        self.devices.showGrid(x=False, y=False)
        if self.snapshot is not None:
            self._draw(self.snapshot)

    # --- events ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window = self.window()
        if window is not self and window is not self._watched_window:
            if self._watched_window is not None:
                self._watched_window.removeEventFilter(self)
            window.installEventFilter(self)  # minimised and restored: pause and resume
            self._watched_window = window
        QTimer.singleShot(0, self, self._on_shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched_window and event.type() == QEvent.Type.WindowStateChange:
            if self._watched_window.isMinimized():
                self.pause()
            else:
                QTimer.singleShot(0, self, self._on_shown)
        return False

    def _on_shown(self) -> None:
        if self.is_watched():
            self.resume()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.pause()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def _on_interval_value_changed(self, value: int) -> None:
        self.interval_s = float(value)
        if self.settings is not None:
            self.settings.setValue(INTERVAL_KEY, value)
        if self._due_mono is not None:  # re-plan the wait from now
            self._schedule()
