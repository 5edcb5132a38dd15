"""A time-zone picker: an editable combo over the IANA zones, searchable by any part of a name."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from explorer.domain.timerange import as_zone, local_zone_name
from explorer.ui.builders.time_range_editor import zone_names


class ZoneCombo(QComboBox):
    """The same zone list and completion as the api.video builder's time-range row.

    ``zone_chosen`` fires when the person picks or types another valid zone; ``set_zone``
    (the program's own change) is silent. A typed name that is no zone goes back to the
    zone in use."""

    zone_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Time zone")
        self.setToolTip("Times in the report are shown in this IANA time zone.")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems(zone_names())
        completer = QCompleter(zone_names(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self._zone_name = ""
        self.set_zone(local_zone_name())
        self.activated.connect(self._on_self_activated)
        self.lineEdit().editingFinished.connect(self._on_self_activated)

    @property
    def zone_name(self) -> str:
        return self._zone_name

    def set_zone(self, name: str) -> bool:
        """Use this IANA zone; False (and no change) for an unknown name."""
        if self.findText(name) < 0:
            try:
                as_zone(name)
            except ValueError:
                return False
            self.addItem(name)
        self._zone_name = name
        self.setCurrentIndex(self.findText(name))
        return True

    def _on_self_activated(self) -> None:
        text = self.currentText().strip()
        if text == self._zone_name:
            return
        if self.set_zone(text):
            self.zone_chosen.emit(text)
        else:
            self.setEditText(self._zone_name)  # not a zone: back to the one in use
