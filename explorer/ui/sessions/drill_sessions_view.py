"""A Sessions tab that lists the sessions behind a chart's number (issue 19's drill-down): those
its metric counted in the bucket's window with the bar's `dimension=value`, and how many the
chart showed beside how many are listed (and why, when they differ)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from explorer.services.drill_targets import count_for_table, relation
from explorer.services.drilldown import CountedSessions, DrillDown, DrillDownService
from explorer.services.sessions import SessionService
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.common.formatting import format_moment
from explorer.ui.sessions.sessions_view import SessionsView


class DrillSessionsView(SessionsView):
    """The sessions `drill` asks for; ``chart``: the value the chart showed and what it was
    ("the day of 2026-03-10 01:00"). No period to choose, no metadata, nothing remembered:
    the question is the number's. Its tasks use the `list` slot, like a period's list."""

    def __init__(
        self,
        runner: TaskRunner,
        service: SessionService,
        drill: DrillDown,
        today: date,
        zone: str,
        parent: QWidget | None = None,
        *,
        chart: tuple[float, str] | None = None,
    ) -> None:
        super().__init__(runner, service, drill.media, today, zone, parent)
        self.drill: DrillDown = drill
        self.chart = chart
        self.counted: CountedSessions | None = None  # the answer, once read
        self.relation = QLabel(self)
        self.relation.setAccessibleName("Sessions and the chart's number")
        self.relation.setWordWrap(True)
        self.relation.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (self.picker, self.metadata, self.export_button):
            widget.hide()
        self.load_button.setText("Count again")
        self.load_button.setToolTip("Read the sessions behind the number again")
        self._query_row.insertWidget(0, self.relation, 1)  # beside Count again
        self._show_heading()

    @property
    def title(self) -> str:
        name = self.media.title or self.media.media_id
        return f"Sessions · {name} · {self.drill.metric or 'loaded'}"

    def _show_heading(self) -> None:
        """The asset, the metric, the window in the zone and the conditions."""
        kind = "Live stream" if self.media.live else "Video"
        drill = self.drill
        first = format_moment(drill.start, self.zone, "%Y-%m-%d %H:%M")
        last = format_moment(drill.end, self.zone, "%Y-%m-%d %H:%M")
        how = f"counted in {drill.metric}" if drill.metric else "loaded"
        what = f" · sessions {how} from {first} to {last} ({self.zone})"
        if drill.conditions:
            what += " where " + " and ".join(str(c) for c in drill.conditions)
        self.heading.setText(f"{kind} · {self.media.title or self.media.media_id}{what}")
        self.heading.setToolTip(f"{kind} · {self.media.title} ({self.media.media_id}){what}")

    def set_zone(self, zone: str) -> None:
        super().set_zone(zone)
        self._show_heading()

    def load(self) -> None:
        """Read the sessions behind the number (on a worker), replacing the list."""
        self._show_notice("")
        self.counted = None
        self.relation.setText(f"Reading the sessions {self.drill.describe()}…")
        self.table.source.clear()
        self.runner.run(
            count_for_table, DrillDownService(self.service), self.drill, owner=self,
            slot="list", label=f"Finding the sessions behind the number of {self.media.title}",
            progressed=self._on_list_progressed, done=self._on_counted,
            failed=self._on_list_failed, cancelled=self._on_list_cancelled,
        )  # fmt: skip
        self.progress.setRange(0, 0)
        self.progress.show()
        self._sync_buttons()

    def _on_counted(self, outcome: tuple[CountedSessions, Any]) -> None:
        answer, page = outcome
        self.counted = answer
        if len(page):
            self.table.source.append(page)
        self.table.source.flush()
        self.column_filters.refresh_values()
        self._finish_busy()
        if self.chart is not None:
            self.relation.setText(relation(self.chart[0], self.chart[1], answer))
        else:
            self.relation.setText(answer.summary())
        if answer.partial:
            self._show_notice(f"PARTIAL: {answer.summary()}. Count again.")

    def _on_list_failed(self, error: BaseException) -> None:
        super()._on_list_failed(error)
        self.relation.setText("The sessions behind the number could not be read.")

    def _on_list_cancelled(self) -> None:
        super()._on_list_cancelled()
        self.relation.setText("Cancelled: the sessions behind the number were not all read.")
