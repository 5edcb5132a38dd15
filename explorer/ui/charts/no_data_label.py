"""In a chart's place when a result holds no data: why there may be none, in words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from explorer.ui.common.formatting import no_data_text


class NoDataLabel(QLabel):
    """Hidden while there is data; otherwise says why there may be none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("No data")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def show_for(self, empty: bool, reasons: list[str]) -> None:
        self.setText(no_data_text(reasons) if empty else "")
        self.setVisible(empty)
