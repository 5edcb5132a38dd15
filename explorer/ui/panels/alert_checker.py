"""The background alert checker: the rules file (remembered in the settings) checked against the
open source on a timer whose interval fits the rate budget, each round on a worker."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from explorer.domain.alerts import DEFAULT_CHECK_EVERY, RulesError, RuleSet
from explorer.services.source import DataSource
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.common.formatting import format_moment

if TYPE_CHECKING:  # the checks bring the API client and the store: not before the first paint
    from explorer.services.alert_checks import Round

SETTING = "alerts/rules_file"
SLOT = "alerts"
FIRST_CHECK_MS = 2_000  # after a source opens: its assets load first


class AlertChecker(QObject):
    """Checks the rules file every interval (a single-shot timer re-armed after each round, so
    rounds never overlap); says what it found through its signals."""

    round_done = Signal(list, list)  # every outcome of the round; those that started firing
    problem = Signal(str)  # the rules file is bad, or the round failed: a sentence
    status_changed = Signal(str)  # what is checked, how often and what it costs

    def __init__(self, runner: TaskRunner, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.source: DataSource | None = None
        self.interval_ms = int(DEFAULT_CHECK_EVERY.total_seconds() * 1000)
        self.rounds = 0
        self._firing: set[str] = set()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check_now)
        saved = settings.value(SETTING)
        self.path: Path | None = Path(str(saved)) if saved else None

    def set_source(self, source: DataSource) -> None:
        """Check against ``source`` from now on (soon after it opens)."""
        self.runner.cancel(self.runner.running(self, SLOT))
        self.source = source
        self._firing.clear()
        if self.path is not None:
            self.timer.start(FIRST_CHECK_MS)
        self._say_status()

    def set_rules_path(self, path: Path) -> None:
        """Use the rules in ``path`` (remembered across launches) and check them now."""
        self.path = path
        self.settings.setValue(SETTING, str(path))
        self._firing.clear()
        self.check_now()

    def check_now(self) -> None:
        from explorer.services.alert_checks import alert_source, check_file

        self.timer.stop()
        source = alert_source(self.source)
        if self.path is None or source is None:
            self._say_status()
            return
        self.status_changed.emit(f"Checking the rules in {self.path}…")
        self.runner.run(
            check_file, self.path, source, owner=self, slot=SLOT, label="Checking alerts",
            done=self._on_checked, failed=self._on_failed,
        )  # fmt: skip

    def _say_status(self) -> None:
        from explorer.services.alert_checks import alert_source

        if self.path is None:
            self.status_changed.emit(
                "No rules file yet: Alerts ▸ Open rules file… (see the README)"
            )
        elif self.source is not None and alert_source(self.source) is None:
            self.status_changed.emit(
                f"Alerts are checked against api.video sources; {self.source.label} is not one."
            )
        elif self.source is None:
            self.status_changed.emit(f"Rules: {self.path}; waiting for the data source…")

    def _on_checked(self, checked: tuple[RuleSet, Round]) -> None:
        from explorer.services.alert_checks import check_interval

        rules, found = checked
        self.rounds += 1
        assert self.source is not None
        interval, cost = check_interval(rules, self.source.rate_budget().limit)
        self.interval_ms = int(interval.total_seconds() * 1000)
        started = [o for o in found.fired if o.rule.name not in self._firing]
        self._firing = {o.rule.name for o in found.fired}
        fired = len(found.fired)
        self.status_changed.emit(
            f"Rules: {self.path} ({len(rules.rules)} rules, {fired} firing). "
            f"Checked {cost}; this round took {found.requests} requests."
        )
        self.round_done.emit(found.outcomes, started)
        self.timer.start(self.interval_ms)

    def _on_failed(self, error: BaseException) -> None:
        from explorer.services.errors import describe_error

        if isinstance(error, RulesError):
            text = f"The rules file {self.path} cannot be used: {error}"
        else:
            text = f"The alerts could not be checked: {describe_error(error).message}"
        self.problem.emit(text)
        self.status_changed.emit(text + " Checked again in a while; fix it and press Check now.")
        self.timer.start(self.interval_ms)


def now_text(zone: str) -> str:
    """The moment, as the log shows it (for problems, which have no outcome)."""
    return format_moment(datetime.now().astimezone(), zone)
