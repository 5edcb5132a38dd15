"""Checking alert rules against an api.video source: a threshold on the value now, an anomaly
against the same hour of day in the local store's hourly history (`explorer.domain.alerts`).

One round asks the API one `/data/metrics` request per rule, one live-stream listing when a
rule waits for its stream to be on air, and for an anomaly the same-hour values the store does
not hold yet (once: each is kept under ``alerts/hourly:`` and the rule's question, and hours
older than the API's lookback can only come from there). Blocking: run it on a worker.
"""

from __future__ import annotations

import contextlib
import math
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from explorer.api.errors import ApiError
from explorer.domain.alert_file import parse_rules
from explorer.domain.alerts import (
    SHORTEST_CHECK,
    Anomaly,
    Baseline,
    Outcome,
    Rule,
    RulesError,
    RuleSet,
    Threshold,
    judge_anomaly,
    last_whole_hour,
    number,
    same_hours,
)
from explorer.domain.cancel import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from explorer.domain.catalogue import FILTER_KEYS
from explorer.domain.frames import ScalarResult
from explorer.domain.query import Query
from explorer.domain.timerange import as_zone, describe_duration, earliest_start, format_rfc3339
from explorer.services.errors import describe_error
from explorer.services.source import DataSource
from explorer.services.sources.apivideo.source import ApiVideoSource
from explorer.store import StoreError

SERIES_PREFIX = "alerts/hourly:"
BACKFILL_PER_ROUND = 8  # the window's rounds fetch an anomaly's missing history this many at a time
BUDGET_SHARE = 0.05  # the background checker spends at most this share of the rate budget
ASSUMED_LIMIT = 100  # requests a minute when the API has not said yet (sandbox reads, API.md §5)
MAX_RULES_BYTES = 1_000_000


def read_rules(path: Path) -> RuleSet:
    """The rules in ``path``; a `RulesError` when it cannot be read or used."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_RULES_BYTES + 1)
    except OSError as error:
        raise RulesError(0, f"the rules file cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_RULES_BYTES:
        raise RulesError(
            0, f"the rules file is over {MAX_RULES_BYTES:,} bytes: is it the right one?"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RulesError(line, "not UTF-8 text (TOML files are UTF-8)") from None
    return parse_rules(text)


def alert_source(source: DataSource | None) -> ApiVideoSource | None:
    """The source alerts can be checked against (api.video's), or None."""
    return source if isinstance(source, ApiVideoSource) else None


def requests_per_round(rules: RuleSet) -> int:
    """What one round asks of the API once the history is stored: a request per rule, and
    one listing of the live streams when a rule waits for one to be on air."""
    on_air = any(
        isinstance(r.condition, Threshold) and r.condition.while_on_air for r in rules.rules
    )
    return len(rules.rules) + int(on_air)


def check_interval(rules: RuleSet, limit_per_minute: int | None) -> tuple[timedelta, str]:
    """How often to check (the file's ``check_every``, longer if it would spend more than
    `BUDGET_SHARE` of the per-minute budget), and the sentence saying what that costs."""
    limit = limit_per_minute or ASSUMED_LIMIT
    per_round = requests_per_round(rules)
    minutes = math.ceil(per_round / (BUDGET_SHARE * limit))
    interval = max(rules.check_every, timedelta(minutes=minutes), SHORTEST_CHECK)
    share = per_round / (interval.total_seconds() / 60) / limit
    said = "" if limit_per_minute else " (assumed until the API says)"
    return interval, (
        f"every {describe_duration(interval)}: {per_round} requests a round, "
        f"{share:.1%} of the {limit} a minute{said}"
    )


def query_command(query: Query) -> str:
    """The `analytics-explorer query` command line that shows ``query``."""
    words = ["analytics-explorer", "query", str(query.endpoint), query.metric]
    words += [query.aggregation] if query.aggregation else []
    if query.start is not None and query.end is not None:
        words += ["--from", format_rfc3339(query.start), "--to", format_rfc3339(query.end)]
    for key, values in query.filters.items():
        if values:
            joined = ",".join(values) if FILTER_KEYS[key].is_list else values[0]
            words += ["--filter", f"{key}={joined}"]
    words += ["--unique"] if query.unique else []
    words += ["--view-duration", query.view_duration] if query.view_duration else []
    return " ".join(shlex.quote(w) for w in words)


@dataclass
class Round:
    """One round of checks: an outcome per rule, and the requests it took."""

    outcomes: list[Outcome] = field(default_factory=list)
    requests: int = 0
    errors: list[ApiError] = field(default_factory=list)  # why the failed ones failed

    @property
    def fired(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.fired]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == "failed"]


def check_file(
    path: Path,
    source: ApiVideoSource,
    cancel: CancelToken = NEVER_CANCELLED,
    progress: ProgressCallback = no_progress,
) -> tuple[RuleSet, Round]:
    """Read the rules in ``path`` (a `RulesError` if they cannot be used) and check them as the
    window does: an anomaly's missing history fetched a few hours a round."""
    rules = read_rules(path)
    return rules, AlertChecks(source, backfill=BACKFILL_PER_ROUND).run(rules, cancel, progress)


class AlertChecks:
    """Checks a rule set against one api.video source (and its local store, if attached)."""

    def __init__(
        self,
        source: ApiVideoSource,
        now: Callable[[], datetime] | None = None,
        backfill: int | None = None,
    ) -> None:
        """``backfill``: how many missing same-hour values an anomaly fetches in one round
        (None: all it lacks, as a one-off check wants)."""
        self.source = source
        self.backfill = backfill
        self.now = now or source.now  # the sandbox's clock for the demo (tests pin it)
        self._on_air: set[str] | None = None  # the live streams broadcasting, once a round

    def run(
        self,
        rules: RuleSet,
        cancel: CancelToken = NEVER_CANCELLED,
        progress: ProgressCallback = no_progress,
    ) -> Round:
        now = self.now()
        result = Round()
        self._on_air = None
        for done, rule in enumerate(rules.rules):
            cancel.raise_if_cancelled()
            try:
                if isinstance(rule.condition, Anomaly):
                    outcome = self._anomaly(rule, rules.zone, now, cancel, result)
                else:
                    outcome = self._threshold(rule, rule.condition, now, cancel, result)
            except ApiError as error:
                result.errors.append(error)
                outcome = Outcome(
                    rule, "failed", f"could not be checked: {describe_error(error).message}", now
                )
            result.outcomes.append(outcome)
            progress(done + 1, len(rules.rules))
        return result

    def _value(self, query: Query, cancel: CancelToken, round_: Round) -> float:
        round_.requests += 1
        answer = self.source.run_query(query, cancel, no_progress)
        if not isinstance(answer, ScalarResult):
            raise ApiError(f"the API answered {query.title} with something else than a value")
        if answer.partial:
            raise ApiError(answer.error or "the answer is incomplete")
        if answer.provenance is not None and answer.provenance.offline:
            raise ApiError("the API cannot be reached (only a stored answer is at hand)")
        return answer.value

    def _threshold(
        self, rule: Rule, condition: Threshold, now: datetime, cancel: CancelToken, round_: Round
    ) -> Outcome:
        query = rule.window_query(now)
        if condition.while_on_air:
            on_air = self._streams_on_air(cancel, round_)
            ids = rule.filters.get("mediaId", ())
            live = sorted(on_air.intersection(ids)) if ids else sorted(on_air)
            if not live:
                which = ", ".join(ids) if ids else "no live stream"
                return Outcome(rule, "skipped", f"not on air ({which} not broadcasting)", now)
        value = self._value(query, cancel, round_)
        span = "" if query.is_all_time else f" over the last {describe_duration(rule.window)}"
        if rule.aggregation == "live":
            span = " now (the last 20 seconds)"
        said = f"{rule.what} = {number(value)}{span}"
        if condition.breached(value):
            return Outcome(rule, "fired", f"{said}: {condition.describe()}", now, value, query)
        return Outcome(rule, "quiet", f"{said}, not {condition.describe()}", now, value, query)

    def _streams_on_air(self, cancel: CancelToken, round_: Round) -> set[str]:
        if self._on_air is None:
            listed = self.source.client.live_streams(cancel=cancel)
            round_.requests += max(listed.pages_fetched, 1)
            if listed.error is not None:
                raise listed.error
            self._on_air = {s.live_stream_id for s in listed.items if s.broadcasting}
        return self._on_air

    def _anomaly(
        self, rule: Rule, zone: str, now: datetime, cancel: CancelToken, round_: Round
    ) -> Outcome:
        condition = rule.condition
        assert isinstance(condition, Anomaly)
        hour = last_whole_hour(now, zone)
        query = rule.query(hour, hour + timedelta(hours=1))
        value = self._value(query, cancel, round_)
        if _no_data(rule, value):
            return Outcome(
                rule, "skipped", f"{rule.what}: no data in the last hour", now, None, query
            )
        hours = same_hours(hour, condition.days)
        series = SERIES_PREFIX + query.store_key()
        stored = self._stored(series, _ms(hours[-1]), _ms(hour))
        oldest = earliest_start(now, as_zone("UTC"))
        fresh: list[tuple[int, float]] = [(_ms(hour), value)]
        missing = [h for h in hours if _ms(h) not in stored and h >= oldest]  # newest first
        fetched = missing if self.backfill is None else missing[: self.backfill]
        for past in fetched:
            cancel.raise_if_cancelled()
            past_value = self._value(rule.query(past, past + timedelta(hours=1)), cancel, round_)
            fresh.append((_ms(past), past_value))
            stored[_ms(past)] = past_value
        self._keep(series, fresh, now)
        known = [stored[_ms(h)] for h in hours if _ms(h) in stored]
        baseline = Baseline.of(v for v in known if not _no_data(rule, v))
        state, text = judge_anomaly(rule, value, baseline)
        local = hour.astimezone(as_zone(zone))
        said = f"{rule.what} {local:%H:%M}–{local + timedelta(hours=1):%H:%M} {zone}"
        if len(fetched) < len(missing):
            text += f" ({len(missing) - len(fetched)} earlier same hours are fetched next rounds)"
        return Outcome(rule, state, f"{said}: {text}", now, value, query)

    def _stored(self, series: str, start_ms: int, end_ms: int) -> dict[int, float]:
        cache = self.source.cache
        if cache is None:
            return {}
        try:
            return dict(cache.store.points(cache.scope, series, start_ms, end_ms))
        except StoreError:
            return {}  # the store is a convenience: the API fills what it still serves

    def _keep(self, series: str, points: list[tuple[int, float]], now: datetime) -> None:
        cache = self.source.cache
        if cache is not None:
            with contextlib.suppress(StoreError):  # the store is a convenience: kept next time
                cache.store.put_points(cache.scope, series, points, now)


def _no_data(rule: Rule, value: float) -> bool:
    """An average of nothing: the API answers 0 for an hour without a single impression or
    play, which is no day of history (a count or a rate of 0 is a real value)."""
    return rule.aggregation == "average" and value == 0


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
