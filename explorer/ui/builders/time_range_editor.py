"""The time range row of the query builder: a preset or custom from/to, in an IANA time zone."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDateTimeEdit, QHBoxLayout, QLabel, QWidget

from explorer.domain.timerange import TimeRange, as_zone, local_zone_name
from explorer.ui.builders.choice_combo import ChoiceCombo
from explorer.ui.builders.choices import CUSTOM_RANGE, range_choices

DATE_FORMAT = "yyyy-MM-dd HH:mm"
SECONDS_FORMAT = "yyyy-MM-dd HH:mm:ss"
"""A bound with seconds (a question loaded back) shows them: what is shown is what is sent."""


ZONE_TAB = "/usr/share/zoneinfo/zone.tab"


def _zone_tab(text: str) -> set[str]:
    """The zone names of a ``zone.tab`` (country code, coordinates, name, comment)."""
    return {
        fields[2]
        for line in text.splitlines()
        if line and not line.startswith("#") and len(fields := line.split("\t")) >= 3
    }


@functools.cache
def zone_names() -> list[str]:
    """IANA zone names people pick from, plus UTC: those of ``zone.tab``, one or more per
    country, without the deprecated aliases (America/Nipigon, now America/Toronto's) that the
    full list carries; an alias typed in is still taken. The tzdata package holds the file;
    the system's copy, then ``zoneinfo.available_timezones()`` (which opens ~600 files, ~40 ms
    of start-up), are the fallbacks."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ImportError, OSError):
        try:
            with open(ZONE_TAB, encoding="utf-8") as file:
                text = file.read()
        except OSError:
            text = ""
    listed = _zone_tab(text) or zoneinfo.available_timezones()
    names = {n for n in listed if "/" in n and not n.startswith("Etc/")}
    return ["UTC", *sorted(names)]


def _to_qdatetime(moment: datetime) -> QDateTime:
    """Wall-clock fields to the second: the edit shows the time in the chosen zone as is."""
    return QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute, moment.second),
    )


def _from_qdatetime(value: QDateTime, zone: str) -> datetime:
    date, time = value.date(), value.time()
    return datetime(
        date.year(),
        date.month(),
        date.day(),
        time.hour(),
        time.minute(),
        time.second(),
        tzinfo=as_zone(zone),
    )


def _show(edit: QDateTimeEdit, moment: datetime) -> None:
    """Put a bound in an edit, showing its seconds when it has any (never hidden); fractions
    of a second are not kept, so they are never sent either."""
    edit.setDisplayFormat(SECONDS_FORMAT if moment.second else DATE_FORMAT)
    edit.setDateTime(_to_qdatetime(moment))


class TimeRangeEditor(QWidget):
    """Emits ``range_changed`` whenever the preset, a custom bound or the zone changes."""

    range_changed = Signal()

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self.preset = ChoiceCombo("Time range", self)
        self.preset.set_choices(range_choices())
        self.preset.set_value("last_24_hours")
        self.start_edit = self._date_edit("From (in the chosen time zone)")
        self.end_edit = self._date_edit("To, exclusive (in the chosen time zone)")
        self.zone = QComboBox(self)
        self.zone.setAccessibleName("Time zone")
        self.zone.setToolTip("Times are resolved and shown in this IANA time zone.")
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(zone_names())
        completer = QCompleter(zone_names(), self.zone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCompleter(completer)
        self.zone.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.zone.setMinimumContentsLength(12)
        self._zone_name = ""
        self.set_zone(local_zone_name())

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset, 2)
        layout.addWidget(QLabel("from", self))
        layout.addWidget(self.start_edit, 2)
        layout.addWidget(QLabel("to", self))
        layout.addWidget(self.end_edit, 2)
        layout.addWidget(QLabel("in", self))
        layout.addWidget(self.zone, 2)

        self.preset.value_changed.connect(self._on_preset_value_changed)
        self.start_edit.dateTimeChanged.connect(self._on_bound_changed)
        self.end_edit.dateTimeChanged.connect(self._on_bound_changed)
        self.zone.activated.connect(self._on_zone_activated)
        self.zone.lineEdit().editingFinished.connect(self._on_zone_activated)
        self._fill_custom_from_preset()
        self._sync_enabled()

    def _date_edit(self, name: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        edit.setAccessibleName(name)
        edit.setToolTip(name)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        return edit

    # --- reading ---------------------------------------------------------------------------

    @property
    def zone_name(self) -> str:
        return self._zone_name

    @property
    def is_custom(self) -> bool:
        return self.preset.value() == CUSTOM_RANGE

    def time_range(self) -> TimeRange | None:
        """The chosen range, or None when custom bounds are not in order."""
        if not self.is_custom:
            return TimeRange.of(self.preset.value() or "last_24_hours")
        start = _from_qdatetime(self.start_edit.dateTime(), self._zone_name)
        end = _from_qdatetime(self.end_edit.dateTime(), self._zone_name)
        try:
            return TimeRange.custom(start, end)
        except ValueError:
            return None

    def custom_bounds(self) -> tuple[datetime, datetime]:
        """The custom from/to as entered (possibly out of order), in the zone."""
        return (
            _from_qdatetime(self.start_edit.dateTime(), self._zone_name),
            _from_qdatetime(self.end_edit.dateTime(), self._zone_name),
        )

    def resolve(self) -> tuple[datetime, datetime]:
        """``(from, to)`` for a query sent now; custom bounds as entered even if reversed."""
        chosen = self.time_range()
        if chosen is None:
            return self.custom_bounds()
        return chosen.resolve(self._now(), self._zone_name)

    def length(self) -> timedelta:
        start, end = self.resolve()
        return end - start

    # --- writing ---------------------------------------------------------------------------

    def set_zone(self, name: str) -> bool:
        """Use this IANA zone; False (and no change) for an unknown name."""
        if self.zone.findText(name) < 0:
            try:
                as_zone(name)
            except ValueError:
                return False
            self.zone.addItem(name)
        changed = name != self._zone_name
        self._zone_name = name
        self.zone.setCurrentIndex(self.zone.findText(name))
        if changed:
            self.refresh()
            self.range_changed.emit()
        return True

    def refresh(self) -> None:
        """Show a preset's bounds as of now (the clock moved, or the zone changed)."""
        self._fill_custom_from_preset()

    def set_preset(self, value: str) -> None:
        self.preset.set_value(value)

    def set_custom(self, start: datetime, end: datetime) -> None:
        self.preset.set_value(CUSTOM_RANGE)
        zone = as_zone(self._zone_name)
        _show(self.start_edit, start.astimezone(zone))
        _show(self.end_edit, end.astimezone(zone))

    def set_applicable(self, reason: str) -> None:
        """Disable the whole range (not the zone) when the query ignores it, saying why."""
        self.preset.setEnabled(not reason)
        self.preset.setToolTip(reason or "")
        self._sync_enabled()
        for edit in (self.start_edit, self.end_edit):
            edit.setToolTip(reason or edit.accessibleName())

    # --- slots -----------------------------------------------------------------------------

    def _sync_enabled(self) -> None:
        custom = self.preset.isEnabled() and self.is_custom
        for edit in (self.start_edit, self.end_edit):
            edit.setEnabled(custom)

    def _fill_custom_from_preset(self) -> None:
        """A preset's bounds as of now, to the minute: turned into a custom range, they send
        what they show (no seconds of "now" hidden behind an HH:mm display)."""
        if self.is_custom:
            return
        start, end = self.resolve()
        for edit, moment in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            _show(edit, moment.replace(second=0, microsecond=0))
            edit.blockSignals(False)

    def _on_preset_value_changed(self) -> None:
        self._fill_custom_from_preset()
        self._sync_enabled()
        self.range_changed.emit()

    def _on_bound_changed(self) -> None:
        if self.is_custom:
            self.range_changed.emit()

    def _on_zone_activated(self) -> None:
        text = self.zone.currentText().strip()
        if text == self._zone_name:
            return
        if not self.set_zone(text):
            self.zone.setEditText(self._zone_name)  # not a zone: back to the one in use
