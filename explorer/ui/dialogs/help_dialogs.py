"""The Help menu's pages: keyboard shortcuts, metric definitions (from the catalogue), About."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from explorer import __version__
from explorer.domain.catalogue import (
    AGGREGATIONS,
    METRIC_AGGREGATIONS,
    METRICS,
    UNIQUE_METRICS,
    VIEW_DURATIONS,
    Metric,
)

UNIQUE_NOTE = (
    "unique: with ccv, ccv-peak, ccv-average and view, counts viewers rather than events; a "
    "viewer is unique for one day, told apart by user agent and IP address (unique data "
    "exists from 2024-08-14)"
)
"""From the API's documentation of `unique` (../shared/api-video/API.md §3.4)."""


def shortcuts_text(actions: Iterable[QAction]) -> str:
    """Every action that has a shortcut, with all its keys, as the window really binds them
    (read from the actions, so the list cannot drift from the code)."""
    lines = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            lines.append(f"{' / '.join(keys):<28} {action.text().replace('&', '')}")
    lines.append(f"{'Double-click a tab':<28} Load the tab's question into the builder")
    lines.append(f"{'Enter, double-click':<28} Inspect the session (in a Sessions tab)")
    return "\n".join(lines)


def _metrics() -> dict[str, Metric]:
    """Each metric once (the first endpoint that names it), in catalogue order."""
    seen: dict[str, Metric] = {}
    for by_name in METRICS.values():
        for name, metric in by_name.items():
            seen.setdefault(name, metric)
    return seen


def metrics_text() -> str:
    """What each metric means, its unit and aggregations, then `unique` and view durations."""
    lines = []
    for name, metric in _metrics().items():
        lines.append(f"{name} ({metric.group.lower()}, {metric.unit.label})")
        lines.append(f"    {metric.description}.")
        aggregations = METRIC_AGGREGATIONS.get(name, ())
        for aggregation in aggregations:
            described = AGGREGATIONS.get(aggregation)
            meaning = described.description if described is not None else ""
            lines.append(f"    {aggregation}: {meaning}".rstrip(": "))
        if name in UNIQUE_METRICS:
            lines.append("    accepts unique (see below)")
        if metric.note:
            lines.append(f"    note: {metric.note}")
    lines.append("")
    lines.append(UNIQUE_NOTE[0].upper() + UNIQUE_NOTE[1:] + ".")
    durations = ", ".join(VIEW_DURATIONS)
    lines.append(
        f"View duration: a view is a play that lasted at least {durations} (5s by default)."
    )
    return "\n".join(lines)


def about_text(
    source: str, base_url: str, store: Path | None, logs: Path | None, settings: str = ""
) -> str:
    """The version, the data source open now, where the local store and the logs are."""
    lines = [
        f"Analytics Explorer {__version__}",
        "",
        f"Data source: {source or 'none open yet'}",
        f"API: {base_url or '—'}",
        f"Local store: {store if store is not None else 'none in this run'}",
        f"Logs: {logs if logs is not None else '—'}",
    ]
    if settings:
        lines.append(f"Settings: {settings}")
    return "\n".join(lines)


class HelpDialog(QDialog):
    """A page of read-only, selectable text with a Close button."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText(text)
        self.text.setAccessibleName(title)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = self.text.font()
        font.setStyleHint(font.StyleHint.Monospace)
        font.setFamily("monospace")
        self.text.setFont(font)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.text, 1)
        column.addWidget(buttons)
        self.resize(640, 480)
