"""Retention curves, engagement figures and viewer reports as tables (CSV, JSON, text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from explorer.domain.engagement import Engagement, ViewerRow
from explorer.domain.frames import format_value
from explorer.domain.key_moments import key_moments
from explorer.domain.retention import BAND, RetentionCurve
from explorer.services.result_tables import when
from explorer.services.table_files import Table

CURVE_COLUMNS = ["second", "viewers", "share", "rewatch", "low", "high", "skipped"]
FIGURE_COLUMNS = [
    "video_id", "title", "duration_s", "sessions", "sampled", "played", "completion_rate",
    "mean_watched", "median_watched", "median_watch_time_s", "est_median_ready_s",
    "est_median_time_to_first_play_s", "est_ready_never_played", "est_median_stall_s",
    "est_stall_s", "est_stalled_sessions",
]  # fmt: skip
VIEWER_COLUMNS = ["video_id", "sessions", "watched", "completed", "last_seen"]


def _share(value: float | None) -> str:
    """Shortest round trip (as every table of the explorer): `1`, `0.5`, `0.3333333333333333`."""
    return "" if value is None else format_value(float(value))


def _seconds(value: float | None) -> str:
    """Seconds to a tenth of a millisecond: the API's times are in milliseconds, and a
    difference of two epoch times carries float noise below that (0.8874999284744263)."""
    return "" if value is None else format_value(round(float(value), 4))


@dataclass(frozen=True)
class Basis:
    """What a table's figures rest on: the sample, and whether it is every session."""

    label: str  # "all 148 sessions", "a random sample of 500 of 2,310 sessions"
    exact: bool
    stopped: str
    seed: int
    partial: bool = False  # cancelled, or some sessions' events missing

    def meta(self) -> dict[str, Any]:
        return {
            "basis": self.label,
            "partial": self.partial,
            "sampled": not self.exact,
            "stopped": self.stopped,
            "seed": self.seed,
            "band": "exact (every session)" if self.exact else BAND,
        }


def curve_table(
    curves: Sequence[RetentionCurve],
    labels: Sequence[str] | None,
    split: str | None,
    video_id: str,
    period: str,
    basis: Basis,
) -> Table:
    """One row per second (per group when split, the group leading)."""
    header = ([split or "split"] if labels is not None else []) + CURVE_COLUMNS
    rows: list[list[str]] = []
    groups = []
    for index, curve in enumerate(curves):
        lead = [labels[index]] if labels is not None else []
        share, rewatch, skipped = curve.share, curve.rewatch, curve.skipped_share
        for s in range(len(curve.viewers)):
            rows.append(
                [
                    *lead, str(s), str(int(curve.viewers[s])), _share(float(share[s])),
                    _share(float(rewatch[s])), _share(float(curve.low[s])),
                    _share(float(curve.high[s])), _share(float(skipped[s])),
                ]
            )  # fmt: skip
        groups.append(
            {
                "value": labels[index] if labels is not None else None,
                "sessions": curve.sessions,
                "played": curve.played,
                "key_moments": [m.text for m in key_moments(curve)],
            }
        )
    meta = {
        "kind": "retention",
        "video_id": video_id,
        "period": period,
        "duration_s": curves[0].duration if curves else None,
        **basis.meta(),
        "split_by": split,
        "groups": groups,
    }
    return Table(header, rows, meta)


def figures_row(
    video_id: str, title: str, sessions_total: int, sampled: int, figures: Engagement
) -> list[str]:
    f = figures
    return [
        video_id, title, _seconds(f.duration), str(sessions_total), str(sampled), str(f.played),
        _share(f.completion_rate), _share(f.mean_watched), _share(f.median_watched),
        _seconds(f.median_watch_time_s), _seconds(f.median_ready_s),
        _seconds(f.median_to_first_play_s), str(f.ready_never_played),
        _seconds(f.median_stall_s), _seconds(f.stall_s), str(f.stalled),
    ]  # fmt: skip


def figures_table(
    rows: list[list[str]], split: str | None, period: str, bases: list[dict[str, Any]]
) -> Table:
    header = ([split] if split else []) + FIGURE_COLUMNS
    meta = {
        "kind": "engagement",
        "period": period,
        "split_by": split,
        "estimates": "est_* columns are estimates from the events (README: Where viewers drop "
        "off): ready time is loadedAt to ready, time to first play is ready to the first play, "
        "stall time is wall-clock time playing minus media advanced",
        "videos": bases,
    }
    return Table(header, rows, meta)


def viewer_table(
    report: list[tuple[str, ViewerRow]],
    key: str,
    zone: ZoneInfo,
    period: str,
    bases: list[dict[str, Any]],
) -> Table:
    header = [VIEWER_COLUMNS[0], key, *VIEWER_COLUMNS[1:]]
    rows = []
    for video_id, row in report:
        seen = None if row.last_seen is None else datetime.fromtimestamp(row.last_seen, UTC)
        rows.append(
            [
                video_id, row.value, str(row.sessions), _share(row.watched),
                "yes" if row.completed else "no", when(seen, zone) if seen else "",
            ]
        )  # fmt: skip
    keys = ["video_id", "value", *VIEWER_COLUMNS[1:]]
    meta = {"kind": "viewers", "key": key, "period": period, "videos": bases}
    return Table(header, rows, meta, keys)
