"""The analytics v2 endpoints of the sandbox: /data/metrics, /data/buckets, /data/timeseries.

Requests are validated as the spec describes (400 bodies name the parameter), then computed
by the engine over stored time. Choices where the spec is silent, documented for users:
buckets are sorted by metricValue descending by default, timeseries by emittedAt ascending;
timeseries buckets align to whole minutes, hours or days in the offset of `from`, and only
buckets with data are returned; `from` may be up to 30 days (and one minute of grace) old.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from explorer.domain import catalogue as cat
from explorer.domain.catalogue import Endpoint
from explorer.sandbox.clock import Clock, day_shift_ms
from explorer.sandbox.engine import Buckets, Engine, Group, Scope, Values
from explorer.sandbox.errors import invalid_attribute, invalid_query
from explorer.sandbox.params import (
    Params,
    check_known,
    from_ms,
    page_body,
    page_params,
    parse_bool,
    parse_datetime,
    render_datetime,
    to_ms,
)

LOOKBACK_GRACE = timedelta(minutes=1)
LIVE_WINDOW_MS = 20_000
_UNEXPECTED = "This field was not expected."


def _one_of(options: tuple[str, ...] | list[str]) -> str:
    return "This value must be one of " + ", ".join(f'"{o}"' for o in options) + "."


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


class Analytics:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    # --- shared parsing -----------------------------------------------------------------

    def _timeframe(
        self, params: Params, now: datetime, all_time: bool
    ) -> tuple[datetime, datetime]:
        raw_from, raw_to = params.get("from"), params.get("to")
        to = parse_datetime("to", raw_to) if raw_to else now
        start = parse_datetime("from", raw_from) if raw_from else None
        if start is None:
            start = (to - cat.DEFAULT_RANGE).astimezone(to.tzinfo)
        if all_time:
            return start, to
        if start >= to:
            raise invalid_query("from", "This value should be earlier than to.")
        if start < now - cat.MAX_LOOKBACK - LOOKBACK_GRACE:
            raise invalid_query("from", "This value must be within the last 30 days.")
        return start, to

    @staticmethod
    def _filters(params: Params, allowed: tuple[str, ...]) -> dict[str, list[str]]:
        filters: dict[str, list[str]] = {}
        for key, values in params.deep("filterBy").items():
            name = f"filterBy[{key}]"
            spec = cat.FILTER_KEYS.get(key)
            if spec is None or key not in allowed:
                raise invalid_query(name, _UNEXPECTED)
            if not spec.is_list and len(values) != 1:
                raise invalid_query(name, "This value should be of type string.")
            for value in values:
                if spec.values and value not in spec.values:
                    raise invalid_query(name, _one_of(spec.values))
                if spec.max_length and len(value) > spec.max_length:
                    raise invalid_query(
                        name,
                        f"This value should not contain more than {spec.max_length} characters.",
                    )
            filters[key] = values
        return filters

    @staticmethod
    def _options(params: Params, metric: str) -> tuple[bool, str]:
        raw_unique, raw_duration = params.get("unique"), params.get("viewDuration")
        unique = False
        if raw_unique is not None:
            if not cat.accepts_unique(metric):
                raise invalid_query("unique", _UNEXPECTED)
            unique = parse_bool("unique", raw_unique)
        duration = cat.DEFAULT_VIEW_DURATION
        if raw_duration is not None:
            if not cat.accepts_view_duration(metric):
                raise invalid_query("viewDuration", _UNEXPECTED)
            duration = check_known(
                "viewDuration", raw_duration, cat.VIEW_DURATIONS, "view duration"
            )
        return unique, duration

    @staticmethod
    def _sort(params: Params, endpoint: Endpoint) -> tuple[str, bool]:
        fields = cat.SORT_BY[endpoint]
        sort_by = params.get("sortBy") or (
            "metricValue" if endpoint is Endpoint.BUCKETS else "emittedAt"
        )
        if sort_by not in fields:
            raise invalid_query("sortBy", _one_of(fields))
        order = params.get("sortOrder") or ("desc" if sort_by == "metricValue" else "asc")
        if order not in cat.SORT_ORDERS:
            raise invalid_query("sortOrder", _one_of(cat.SORT_ORDERS))
        return sort_by, order == "desc"

    def _now(self) -> tuple[int, int]:
        now = self.clock.now_ms()
        return now, day_shift_ms(self.engine.dataset.anchor_ms, now)

    # --- computing ----------------------------------------------------------------------

    def _compute(
        self,
        metric: str,
        aggregation: str | None,
        window: tuple[int, int],
        scope: Scope,
        group: Group,
        unique: bool,
        duration: str,
    ) -> Values:
        lo, hi = window
        engine = self.engine
        if metric in ("impression", "start", "end"):
            return engine.points(metric, lo, hi, scope, group)
        if metric == "view":
            return engine.views(int(duration.removesuffix("s")), lo, hi, scope, group, unique)
        if metric == "play-rate" or (metric == "play" and aggregation == "rate"):
            return engine.play_rate(lo, hi, scope, group)
        if metric == "play":
            return engine.plays(lo, hi, scope, group)
        if metric == "impression-time":
            return engine.impression_time(aggregation or "average", lo, hi, scope)
        if metric == "watch-time":
            return engine.watch_time(aggregation or "sum", lo, hi, scope)
        if metric in ("ccv", "ccv-peak"):
            return engine.ccv("peak", lo, hi, scope, group, unique)
        if metric == "ccv-average":
            return engine.ccv("average", lo, hi, scope, group, unique)
        raise AssertionError(f"no computation for {metric}")

    def _window(self, start: datetime, to: datetime, now: int, shift: int) -> tuple[int, int]:
        return to_ms(start) - shift, min(to_ms(to), now) - shift

    @staticmethod
    def _timeframe_body(start: datetime, to: datetime) -> dict[str, str]:
        return {"from": render_datetime(start), "to": render_datetime(to)}

    # --- endpoints ----------------------------------------------------------------------

    @staticmethod
    def _check_path(endpoint: Endpoint, metric: str, name: str = "", value: str = "") -> None:
        """The path's metric, then its aggregation or breakdown (`name`), for this endpoint."""
        known = cat.METRICS[endpoint]
        if metric not in known:
            raise invalid_attribute("metric", _one_of(list(known)))
        if name:
            allowed = (cat.aggregations_for if name == "aggregation" else cat.breakdowns_for)(
                metric
            )
            if value not in allowed:
                raise invalid_attribute(name, _one_of(allowed))

    def metrics(self, metric: str, aggregation: str, params: Params) -> dict[str, Any]:
        self._check_path(Endpoint.METRICS, metric, "aggregation", aggregation)
        all_time = cat.is_all_time(Endpoint.METRICS, metric, aggregation)
        now, shift = self._now()
        now_dt = datetime.fromtimestamp(now / 1000, UTC)
        start, to = self._timeframe(params, now_dt, all_time)
        unique, duration = self._options(params, metric)
        scope = Scope.of(
            self._filters(params, cat.filter_keys_for(Endpoint.METRICS, metric, aggregation))
        )
        params.refuse_leftovers()
        if all_time:
            values = self.engine.play_total(now - shift, scope, by_media=False)
        elif aggregation == "live":
            live = (now - LIVE_WINDOW_MS - shift, now - shift)
            values = self._compute(metric, aggregation, live, scope, None, unique, duration)
        else:
            window = self._window(start, to, now, shift)
            values = self._compute(metric, aggregation, window, scope, None, unique, duration)
        return {
            "context": {
                "metric": cat.context_metric(metric, unique=unique, view_duration=duration),
                "aggregation": aggregation,
                "timeframe": self._timeframe_body(start, to),
            },
            "data": _number(values.get(None, 0.0)),
        }

    def buckets(self, metric: str, breakdown: str, params: Params, path: str) -> dict[str, Any]:
        self._check_path(Endpoint.BUCKETS, metric, "breakdown", breakdown)
        all_time = cat.is_all_time(Endpoint.BUCKETS, metric)
        now, shift = self._now()
        now_dt = datetime.fromtimestamp(now / 1000, UTC)
        start, to = self._timeframe(params, now_dt, all_time)
        unique, duration = self._options(params, metric)
        scope = Scope.of(self._filters(params, cat.filter_keys_for(Endpoint.BUCKETS, metric)))
        sort_by, descending = self._sort(params, Endpoint.BUCKETS)
        current, size = page_params(params)
        params.refuse_leftovers()
        if all_time:
            values = self.engine.play_total(now - shift, scope, by_media=True)
        else:
            window = self._window(start, to, now, shift)
            values = self._compute(metric, None, window, scope, breakdown, unique, duration)
        rows = [(str(k), v) for k, v in values.items()]
        if sort_by == "metricValue":
            rows.sort(key=lambda r: (-r[1] if descending else r[1], r[0]))
        else:
            rows.sort(key=lambda r: r[0], reverse=descending)
        page = rows[(current - 1) * size : current * size]
        return {
            "context": {
                "metric": cat.context_metric(metric, unique=unique, view_duration=duration),
                "breakdown": breakdown,
                "timeframe": self._timeframe_body(start, to),
            },
            "data": [{"dimensionValue": k, "metricValue": _number(v)} for k, v in page],
            "pagination": page_body(path, params, current, size, len(rows), len(page)),
        }

    def timeseries(self, metric: str, params: Params, path: str) -> dict[str, Any]:
        self._check_path(Endpoint.TIMESERIES, metric)
        now, shift = self._now()
        now_dt = datetime.fromtimestamp(now / 1000, UTC)
        start, to = self._timeframe(params, now_dt, all_time=False)
        raw_interval = params.get("interval")
        interval = (
            check_known("interval", raw_interval, list(cat.INTERVALS), "interval")
            if raw_interval is not None
            else cat.default_interval(to - start)
        )
        if interval == "minute" and to - start >= cat.MINUTE_INTERVAL_MAX_RANGE:
            raise invalid_query(
                "interval", "This interval cannot be used with a timeframe over 60 minutes."
            )
        unique, duration = self._options(params, metric)
        scope = Scope.of(self._filters(params, cat.filter_keys_for(Endpoint.TIMESERIES, metric)))
        sort_by, descending = self._sort(params, Endpoint.TIMESERIES)
        current, size = page_params(params)
        params.refuse_leftovers()

        width = int(cat.INTERVALS[interval].total_seconds() * 1000)
        offset = int((start.utcoffset() or timedelta(0)).total_seconds() * 1000)
        origin = ((to_ms(start) + offset) // width) * width - offset
        count = math.ceil((to_ms(to) - origin) / width)
        window = self._window(start, to, now, shift)
        buckets = Buckets(origin - shift, width, count)
        values = self._compute(metric, None, window, scope, buckets, unique, duration)
        rows = sorted((int(k), v) for k, v in values.items() if isinstance(k, int))
        if sort_by == "metricValue":
            rows.sort(key=lambda r: (-r[1] if descending else r[1], r[0]))
        elif descending:
            rows.reverse()
        page = rows[(current - 1) * size : current * size]
        data = [
            {
                "emittedAt": render_datetime(from_ms(origin + i * width, start)),
                "metricValue": _number(v),
            }
            for i, v in page
        ]
        return {
            "context": {
                "metric": cat.context_metric(metric, unique=unique, view_duration=duration),
                "interval": interval,
                "timeframe": self._timeframe_body(start, to),
            },
            "data": data,
            "pagination": page_body(path, params, current, size, len(rows), len(page)),
        }
