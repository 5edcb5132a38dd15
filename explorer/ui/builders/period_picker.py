"""A friendly picker for a raw-statistics period: day, ISO week, month, year or a range of days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from explorer.domain.period import PERIOD_LABELS, Period, PeriodKind
from explorer.domain.timerange import Preset, as_zone
from explorer.ui.builders.choice_combo import ChoiceCombo
from explorer.ui.builders.choices import Choice
from explorer.ui.common.eliding_label import ElidingLabel

SPOKEN = (
    Preset.YESTERDAY,
    Preset.SAME_TIME_LAST_WEEK,
    Preset.THIS_WEEK,
    Preset.LAST_WEEK,
    Preset.THIS_MONTH,
    Preset.LAST_MONTH,
)
WEEKDAYS = tuple(p for p in Preset if p.value.startswith("last_") and p.value.endswith("day"))
DISPLAY_FORMATS = {
    PeriodKind.DAY: "yyyy-MM-dd",
    PeriodKind.WEEK: "yyyy-MM-dd",  # any day of the week: the label shows which week
    PeriodKind.MONTH: "yyyy-MM",
    PeriodKind.YEAR: "yyyy",
    PeriodKind.RANGE: "yyyy-MM-dd",
}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def in_zone(period: Period, zone: str) -> str:
    """What the period's whole UTC days are in `zone`: "" when they are its days too, else
    "= Tue 10 Mar 01:00 to Wed 11 Mar 01:00 in Europe/Paris"."""
    start = datetime.combine(period.first, time(), UTC)
    end = datetime.combine(period.last + timedelta(days=1), time(), UTC)
    local = as_zone(zone)
    first, last = start.astimezone(local), end.astimezone(local)
    if first.utcoffset() == last.utcoffset() == timedelta(0):
        return ""
    return f"= {first:%a %d %b %H:%M} to {last:%a %d %b %H:%M} in {zone}"


class PeriodPicker(QWidget):
    """``period()`` is always a valid Period; ``period_changed`` fires when it changes."""

    period_changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None, zone: str = "UTC") -> None:
        """`today`: the date it starts on, which the periods said aloud count from (the
        callers give the source's date now in UTC; `set_today` changes it)."""
        super().__init__(parent)
        self._zone = zone
        self._today = today
        self.spoken = QToolButton(self)
        self.spoken.setText("▾")
        self.spoken.setAccessibleName("Periods said aloud")
        self.spoken.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.spoken)
        for preset in SPOKEN:
            menu.addAction(preset.label, lambda p=preset: self.choose_spoken(p))
        days = menu.addMenu("Last weekday")
        for preset in WEEKDAYS:
            days.addAction(preset.label, lambda p=preset: self.choose_spoken(p))
        self.spoken.setMenu(menu)
        self.kind = ChoiceCombo("Period kind", self)
        self.kind.set_choices([Choice(k.value, f"{PERIOD_LABELS[k]} (UTC)") for k in PeriodKind])
        self.kind.setToolTip(
            "Raw statistics are asked for by whole UTC days: a day here is a UTC day, "
            "whatever the time zone the times are shown in"
        )
        self.first = self._date_edit("Period date", today)
        self.last = self._date_edit("Period last day", today)
        self.to_label = QLabel("to", self)
        self.summary = ElidingLabel(self, tip=False)  # "… Mon 07 Dec U" read as cut
        self.summary.setAccessibleName("Period sent")
        self.summary.setMinimumWidth(40)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spoken)
        layout.addWidget(self.kind)
        layout.addWidget(self.first)
        layout.addWidget(self.to_label)
        layout.addWidget(self.last)
        layout.addWidget(self.summary, 1)
        self.kind.value_changed.connect(self._on_kind_value_changed)
        self.first.dateChanged.connect(self._on_date_changed)
        self.last.dateChanged.connect(self._on_date_changed)
        self._show()

    def _date_edit(self, name: str, today: date) -> QDateEdit:
        edit = QDateEdit(_qdate(today), self)
        edit.setAccessibleName(name)
        edit.setToolTip(name + " (UTC)")
        edit.setCalendarPopup(True)
        return edit

    def period(self) -> Period:
        kind = PeriodKind(self.kind.value() or PeriodKind.DAY.value)
        first, last = _date(self.first.date()), _date(self.last.date())
        try:
            return Period.containing(kind, first, last)
        except ValueError:  # a range too long: keep its first day only
            return Period.containing(PeriodKind.DAY, first)

    def choose_spoken(self, preset: Preset) -> Period:
        """Yesterday, last week, last Tuesday… counted from `today`, as whole UTC days of the
        raw statistics (the summary says what those days are in the zone)."""
        period = Period.spoken(preset, self._today)
        self.set_period(period)
        return period

    def set_today(self, today: date) -> None:
        """The date it is now in the zone (what "yesterday" counts from)."""
        self._today = today

    def set_zone(self, zone: str) -> None:
        """The zone the sessions' times are shown in: the summary says what the UTC days are
        there."""
        self._zone = zone
        self._show()

    def set_period(self, period: Period) -> None:
        for widget in (self.kind, self.first, self.last):
            widget.blockSignals(True)
        self.kind.set_value(period.kind.value)
        self.first.setDate(_qdate(period.first))
        self.last.setDate(_qdate(period.last))
        for widget in (self.kind, self.first, self.last):
            widget.blockSignals(False)
        self._show()
        self.period_changed.emit()

    def _show(self) -> None:
        kind = PeriodKind(self.kind.value() or PeriodKind.DAY.value)
        ranged = kind is PeriodKind.RANGE
        self.first.setDisplayFormat(DISPLAY_FORMATS[kind])
        self.first.setAccessibleName("Period first day" if ranged else "Period date")
        self.to_label.setVisible(ranged)
        self.last.setVisible(ranged)
        period = self.period()
        span = (
            f"{period.first:%a %d %b}"
            if period.days == 1
            else (f"{period.first:%a %d %b} to {period.last:%a %d %b %Y}")
        )
        local = in_zone(period, self._zone)
        self.summary.setText(" ".join(p for p in (f"{period.wire} · {span} UTC", local) if p))
        self.summary.setToolTip(
            " ".join(p for p in (f"period={period.wire}: {period.describe()}", local) if p)
        )

    def _on_kind_value_changed(self) -> None:
        self._show()
        self.period_changed.emit()

    def _on_date_changed(self, _value: QDate) -> None:
        self._show()
        self.period_changed.emit()
