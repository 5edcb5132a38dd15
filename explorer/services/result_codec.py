"""Results, reports and assets to JSON-able payloads for the local store, and back.

A payload names its kind (``scalar``, ``buckets``, ``timeseries``) and carries the context and
the columns; timestamps are epoch milliseconds; NaN is kept as None. A ``report`` payload
carries a `Report`'s fields, its entries as rows and its datetimes as ISO 8601 with their
offsets (in the request, tagged ``{"datetime": ...}``). Assets go as the API's own camelCase
records, so a stored list reads back through the same lenient wire models.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np
from pydantic import BaseModel

from explorer.domain.catalogue import Endpoint
from explorer.domain.frames import BucketFrame, Result, ResultContext, ScalarResult, TimeseriesFrame
from explorer.domain.report import Entry, Report, Shape, Value


class PayloadError(ValueError):
    """A stored payload does not describe a result (an older or damaged entry)."""


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _context(context: ResultContext) -> dict[str, Any]:
    return {
        "endpoint": context.endpoint.value,
        "metric": context.metric,
        "aggregation": context.aggregation,
        "breakdown": context.breakdown,
        "interval": context.interval,
        "start": context.start.isoformat() if context.start else None,
        "end": context.end.isoformat() if context.end else None,
    }


def _read_context(payload: dict[str, Any]) -> ResultContext:
    return ResultContext(
        Endpoint(payload["endpoint"]),
        payload["metric"],
        payload.get("aggregation"),
        payload.get("breakdown"),
        payload.get("interval"),
        datetime.fromisoformat(payload["start"]) if payload.get("start") else None,
        datetime.fromisoformat(payload["end"]) if payload.get("end") else None,
    )


def result_payload(result: Result | Report) -> dict[str, Any]:
    """A complete result as a payload (partial results are not stored)."""
    if isinstance(result, Report):
        return report_payload(result)
    base = {"context": _context(result.context)}
    if isinstance(result, ScalarResult):
        return {"kind": "scalar", **base, "value": _number(result.value)}
    if isinstance(result, BucketFrame):
        return {
            "kind": "buckets",
            **base,
            "dimensions": [str(d) for d in result.dimensions],
            "values": [_number(v) for v in result.values],
        }
    return {
        "kind": "timeseries",
        **base,
        "timestamps": result.timestamps.astype("int64").tolist(),
        "values": [_number(v) for v in result.values],
    }


def read_result(payload: Any) -> Result | Report:
    """The result a payload describes; PayloadError if it does not describe one."""
    if isinstance(payload, dict) and payload.get("kind") == "report":
        return read_report(payload)
    try:
        context = _read_context(payload["context"])
        kind = payload["kind"]
        values = np.array(
            [math.nan if v is None else v for v in payload.get("values", [])], dtype=np.float64
        )
        if kind == "scalar":
            value = payload["value"]
            return ScalarResult(context, math.nan if value is None else float(value))
        if kind == "buckets":
            return BucketFrame(context, np.array(payload["dimensions"], dtype=object), values)
        if kind == "timeseries":
            stamps = np.array(payload["timestamps"], dtype=np.int64).astype("datetime64[ms]")
            return TimeseriesFrame(context, stamps, values)
    except (KeyError, TypeError, ValueError) as error:
        raise PayloadError(f"a stored result cannot be read: {error}") from None
    raise PayloadError(f"a stored result of unknown kind {kind!r}")


def _value(value: Value) -> Value:
    return None if isinstance(value, float) and math.isnan(value) else value


def _moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def report_payload(report: Report) -> dict[str, Any]:
    """A report as a payload: entries as ``[section, name, value, unit, key, date]`` rows."""
    return {
        "kind": "report",
        "report": report.kind,
        "title": report.title,
        "shapes": [[section, shape.value] for section, shape in report.shapes],
        "entries": [
            [e.section, e.name, _value(e.value), e.unit, e.key, _moment(e.date)]
            for e in report.entries
        ],
        "request": {
            name: {"datetime": value.isoformat()} if isinstance(value, datetime) else value
            for name, value in report.request.items()
        },
        "partial": report.partial,
        "error": report.error,
    }


def _read_value(value: Any) -> Value:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"a report value {value!r} is neither a number nor text")


def _read_request_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"datetime"}:
        return datetime.fromisoformat(value["datetime"])
    return value


def read_report(payload: Any) -> Report:
    """The report a ``report`` payload describes; PayloadError if it does not describe one."""
    try:
        entries = tuple(
            Entry(
                str(section), str(name), _read_value(value), str(unit), str(key),
                datetime.fromisoformat(date) if date is not None else None,
            )
            for section, name, value, unit, key, date in payload["entries"]
        )  # fmt: skip
        shapes = tuple((str(section), Shape(shape)) for section, shape in payload["shapes"])
        request = {str(k): _read_request_value(v) for k, v in payload["request"].items()}
        error = payload.get("error")
        return Report(
            str(payload["report"]), str(payload["title"]), entries, shapes, request,
            partial=bool(payload.get("partial", False)),
            error=None if error is None else str(error),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PayloadError(f"a stored report cannot be read: {error}") from None


def asset_records(items: list[Any]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in items]


def read_assets(model: type[BaseModel], records: list[dict[str, Any]]) -> list[Any]:
    """Stored records back as the wire model they were written from (`asset_records`)."""
    return [model.model_validate(record) for record in records]
