"""A row of metric checkboxes per report, of which at least one stays ticked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from explorer.ui.builders.report_choices import METRIC_HINTS

LOCKED_HINT = "at least one metric is needed: tick another one first"


class MetricChecks(QWidget):
    """Shows one report's metrics at a time; each report keeps its own ticks. All start
    ticked; the last ticked one is disabled (it cannot be unticked), saying why."""

    metrics_changed = Signal()

    def __init__(self, metrics: Mapping[str, Iterable[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report = ""
        self._metrics = {report: tuple(names) for report, names in metrics.items()}
        self.checks: dict[tuple[str, str], QCheckBox] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for report, names in self._metrics.items():
            for metric in names:
                check = QCheckBox(metric.capitalize(), self)
                check.setAccessibleName(f"{metric.capitalize()} metric")
                check.setChecked(True)
                check.setVisible(False)
                check.toggled.connect(self._on_check_toggled)
                row.addWidget(check)
                self.checks[(report, metric)] = check
        self.none_label = QLabel("— (this report has no metric choice)", self)
        self.none_label.setEnabled(False)
        row.addWidget(self.none_label)
        row.addStretch(1)

    def show_report(self, report: str) -> None:
        """Show ``report``'s metrics (a label saying there are none, where so)."""
        self._report = report
        for (owner, _metric), check in self.checks.items():
            check.setVisible(owner == report)
        shown = [self.checks[(report, m)] for m in self._metrics.get(report, ())]
        self.none_label.setVisible(not shown)
        self.setFocusProxy(shown[0] if shown else None)  # the "Metrics" label's mnemonic
        self._lock_last()

    def ticked(self, report: str) -> tuple[str, ...]:
        """The report's ticked metrics, in the catalogue's order."""
        names = self._metrics.get(report, ())
        return tuple(m for m in names if self.checks[(report, m)].isChecked())

    def set_ticked(self, report: str, metrics: Iterable[str]) -> None:
        """Tick these of the report's metrics and untick the others; unknown names are
        ignored, and none known ticks all (the API's "none means all")."""
        names = self._metrics.get(report, ())
        wanted = set(metrics) & set(names) or set(names)
        self.blockSignals(True)
        try:
            for metric in names:  # tick the wanted ones first: never all unticked on the way
                if metric in wanted:
                    self.checks[(report, metric)].setChecked(True)
            for metric in names:
                if metric not in wanted:
                    self.checks[(report, metric)].setChecked(False)
        finally:
            self.blockSignals(False)
        self._lock_last()
        self.metrics_changed.emit()

    def _lock_last(self) -> None:
        names = self._metrics.get(self._report, ())
        checks = [self.checks[(self._report, m)] for m in names]
        last = sum(c.isChecked() for c in checks) == 1
        for metric, check in zip(names, checks, strict=True):
            locked = last and check.isChecked()
            check.setEnabled(not locked)
            hint = METRIC_HINTS.get(metric, "")
            check.setToolTip(f"{hint}\n({LOCKED_HINT})" if locked else hint)

    def _on_check_toggled(self) -> None:
        self._lock_last()
        self.metrics_changed.emit()
