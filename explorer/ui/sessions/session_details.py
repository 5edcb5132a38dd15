"""The inspector's side panels: who watched (session metadata), what it amounts to, what was odd."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from explorer.domain.timeline import Ending, Timeline
from explorer.domain.timeline_figures import SessionFigures
from explorer.domain.timerange import as_zone
from explorer.services.sessions import Inspection, PlayerSession
from explorer.ui.common.formatting import format_length
from explorer.ui.sessions.session_table_model import NO_END_TIME, NO_END_TIME_WHY

SESSION_FIELDS = ("Session", "Loaded", "Ended", "Length", "Location", "Device", "OS", "Client")
REFERRER_FIELDS = ("Referrer", "Medium", "Source", "Search term", "Metadata")
FIGURE_FIELDS = (
    "Ready to play",
    "Time playing",
    "Distinct watched",
    "Furthest position",
    "Completion",
    "Pauses",
    "Seeks backward",
    "Seeks forward",
    "Reached the end",
    "How it ended",
    "Replays",
)
_LEFT_STATE = {
    Ending.LEFT_PAUSED: "paused",
    Ending.LEFT_PLAYING: "playing",
    Ending.LEFT_UNKNOWN: "in a state not known",
}


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p) or "—"


def _paren(text: str | None) -> str | None:
    return f"({text})" if text else None


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{format_length(value)} ({value:,.1f} s)"


def _moment(value: datetime | None, zone: str) -> str:
    if value is None:
        return "—"
    return value.astimezone(as_zone(zone)).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + f" ({zone})"


def session_facts(item: PlayerSession, zone: str) -> dict[str, str]:
    s = item.session
    length = "—"
    if s.loaded_at and s.ended_at:
        length = _seconds((s.ended_at - s.loaded_at).total_seconds())
    return {
        "Session": s.session_id,
        "Loaded": _moment(s.loaded_at, zone),
        "Ended": _moment(s.ended_at, zone) if s.ended_at else f"{NO_END_TIME} ({NO_END_TIME_WHY})",
        "Length": length,
        "Location": ", ".join(p for p in (item.location.city, item.location.country) if p) or "—",
        "Device": _join(item.device.type, item.device.vendor, item.device.model),
        "OS": _join(item.os.name, item.os.version, _paren(item.os.shortname)),
        "Client": _join(item.client.name, item.client.version, _paren(item.client.type)),
        "Referrer": item.referrer.url or "— (none: typed, bookmarked or an app)",
        "Medium": item.referrer.medium or "—",
        "Source": item.referrer.source or "—",
        "Search term": item.referrer.search_term or "—",
        "Metadata": "; ".join(f"{m.key}={m.value}" for m in s.metadata) or "—",
    }  # fmt: skip


def figure_facts(figures: SessionFigures, duration: float | None, live: bool) -> dict[str, str]:
    if live:
        completion = "— (a live stream has no end to complete)"
    elif figures.completion_percent is None or duration is None:
        completion = "— (the video's length is unknown: the API does not give it, no end event)"
    else:
        completion = f"{figures.completion_percent:.1f} % of {format_length(duration)}"
        completion += " (length taken from the end event)"
    return {
        "Ready to play": _seconds(figures.ready_to_play_s),
        "Time playing": _seconds(figures.playing_s),
        "Distinct watched": _seconds(figures.distinct_watched_s),
        "Furthest position": _seconds(figures.furthest_position_s),
        "Completion": completion,
        "Pauses": str(figures.pauses),
        "Seeks backward": f"{figures.seeks_backward} ({_seconds(figures.seeks_backward_s)})",
        "Seeks forward": f"{figures.seeks_forward} ({_seconds(figures.seeks_forward_s)})",
        "Reached the end": "yes (an end event came)" if figures.ended else "no (no end event)",
        "Replays": str(figures.replays),
    }


def ending_text(timeline: Timeline, zone: str) -> str:
    """How the session ended, in words that agree with its end time and its events: whether
    playback stopped at an `end` event or the viewer left mid-video, whether the session has
    an end time, and that what happened after the last event is not known."""
    if not timeline.points:
        return "— (no events)"
    last = timeline.points[-1]
    media = "stream" if timeline.live else "video"
    closed = timeline.ended_at is not None
    where = (
        f"(last event at {format_length(last.position_after)} of the {media}, "
        f"{_LEFT_STATE.get(timeline.ending, '')})"
    )
    if timeline.ending is Ending.AT_END:
        head = "Stopped at the end of the media (an end event came)"
    elif timeline.ends:  # reached the end earlier, then went on
        replayed = ", replayed" if any(j.cause == "replay" for j in timeline.jumps) else ""
        head = f"Reached the end{replayed}, with no end event since {where}"
        if closed:
            head = f"Reached the end{replayed}, then left without another end event {where}"
    elif closed:
        head = f"Left mid-{media} without an end event {where}"
    else:
        head = f"No end event yet {where}"
    if not closed:
        tail = (
            f"the session has {NO_END_TIME} ({NO_END_TIME_WHY}): "
            "what happened after the last event is not known"
        )
    else:
        tail = f"the session ended at {_moment(timeline.ended_at, zone)}"
        gap = timeline.unknown_after_s
        if gap is not None and gap >= 1.0:
            tail += (
                f", {format_length(gap)} after the last event: "
                "what happened in between is not known"
            )
    return f"{head}; {tail}."


class _FactsBox(QGroupBox):
    """A titled form of read-only, selectable values."""

    def __init__(self, title: str, names: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setAccessibleName(title)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in names:
            value = QLabel("—", self)
            value.setAccessibleName(name)
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name, value)
            self.values[name] = value

    def show_facts(self, facts: dict[str, str]) -> None:
        for name, label in self.values.items():
            label.setText(facts.get(name, "—"))


class SessionDetails(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = _FactsBox("Session", SESSION_FIELDS + REFERRER_FIELDS, self)
        self.figures = _FactsBox("Figures", FIGURE_FIELDS, self)
        self.flags = QLabel("", self)
        self.flags.setAccessibleName("Data flags")
        self.flags.setWordWrap(True)
        self.flags.setTextFormat(Qt.TextFormat.PlainText)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.flags)
        column.addWidget(self.figures)
        column.addWidget(self.session)
        column.addStretch(1)

    def show_inspection(self, inspection: Inspection, zone: str) -> None:
        self.session.show_facts(session_facts(inspection.session, zone))
        facts = figure_facts(inspection.figures, inspection.media_duration, inspection.media.live)
        facts["How it ended"] = ending_text(inspection.timeline, zone)
        self.figures.show_facts(facts)
        self.flags.setText(flag_text(inspection))


def flag_text(inspection: Inspection) -> str:
    """The timeline's flags in words, with missing pages first; a calm line when all is well."""
    lines = []
    if inspection.error is not None:
        lines.append(f"Some events are missing: {inspection.error}")
    lines += [f.message[0].upper() + f.message[1:] + "." for f in inspection.timeline.flags]
    if not lines:
        return "Nothing odd in this session's events."
    return "\n".join(f"⚠ {line}" for line in lines)
