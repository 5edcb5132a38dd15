"""One refresh of the live view: a live stream's concurrent viewers now, per minute over the
last hour and by country and device over the last few minutes, asked of its data source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from explorer.api.errors import NetworkError
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.frames import BucketFrame, ScalarResult, TimeseriesFrame
from explorer.domain.live import live_questions
from explorer.services.source import DataSource


@dataclass(frozen=True)
class LiveSnapshot:
    """What one refresh found; ``asked_at`` is the source's now when it was asked."""

    media_id: str
    asked_at: datetime
    viewers_now: float
    series: TimeseriesFrame
    countries: BucketFrame
    devices: BucketFrame

    @property
    def partial(self) -> bool:
        """Some answer came incomplete (a page missing): the view says so."""
        return any(f.partial for f in (self.series, self.countries, self.devices))


def fetch_live(
    source: DataSource,
    media_id: str,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> LiveSnapshot:
    """Ask the four questions of a refresh (blocking: call it on a worker thread)."""
    asked_at = source.now()
    questions = live_questions(media_id, asked_at)
    answers = []
    for index, question in enumerate(questions.all()):
        answer = source.run_query(question, cancel, no_progress)
        kept = getattr(answer, "provenance", None)
        if kept is not None and kept.offline:  # a stored copy is not live: a failure
            raise NetworkError(
                "the API could not be reached; only a stored copy from "
                f"{kept.fetched_at:%Y-%m-%d %H:%M:%S} UTC exists, which is not live"
            )
        answers.append(answer)
        progress(index + 1, len(questions.all()))
    now, series, countries, devices = answers
    if not (
        isinstance(now, ScalarResult)
        and isinstance(series, TimeseriesFrame)
        and isinstance(countries, BucketFrame)
        and isinstance(devices, BucketFrame)
    ):
        raise TypeError("the data source answered the live questions with the wrong shapes")
    return LiveSnapshot(media_id, asked_at, now.value, series, countries, devices)
