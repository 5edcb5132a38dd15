"""VideoCloud wire models: every response example of seed 004 parses; unit strings; leniency."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from explorer.api import videocloud_models as vc
from explorer.api import videocloud_units as units
from tests.contract import videocloud_examples

_MODELS: dict[str, type[BaseModel]] = {
    "GET /analytics/videos/{id}": vc.VideoAnalytics,
    "GET /analytics/videos/summary": vc.VideoSummary,
    "GET /analytics/users": vc.UserAnalytics,
    "GET /analytics/users/engagement": vc.UserEngagementResponse,
    "GET /analytics/system/health": vc.SystemHealth,
    "GET /analytics/system/performance": vc.SystemPerformance,
    "POST /analytics/export": vc.ExportJob,
}


EXAMPLES = videocloud_examples()  # seed 004's, copied into tests/contract


def test_the_seed_has_the_seven_response_examples() -> None:
    assert [request for request, _ in EXAMPLES] == list(_MODELS)


@pytest.mark.parametrize(("request_line", "body"), EXAMPLES, ids=[r for r, _ in EXAMPLES])
def test_every_response_example_of_the_seed_parses(request_line: str, body: Any) -> None:
    envelope = vc.Envelope.model_validate(body)
    assert envelope.success is True and envelope.error is None
    model = _MODELS[request_line].model_validate(envelope.data)
    # nothing is lost: dumping by alias gives back every key of the example
    assert _keys(model.model_dump(by_alias=True, exclude_none=True)) >= _keys(envelope.data)


def _keys(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        keys: set[str] = set()
        for key, item in value.items():
            path = f"{prefix}.{key}"
            if not re.fullmatch(r"/\w+|[A-Z]{2}|desktop|mobile|web|ios|android", str(key)):
                keys.add(path)  # breakdown keys (countries, endpoints…) are data, not fields
            keys |= _keys(item, path)
        return keys
    if isinstance(value, list):
        return set().union(*(_keys(item, prefix + "[]") for item in value)) if value else set()
    return set()


def example(request_line: str) -> Any:
    body = next(body for request, body in EXAMPLES if request == request_line)
    return _MODELS[request_line].model_validate(body["data"])


def test_seed_values_arrive_typed() -> None:
    video = example("GET /analytics/videos/{id}")
    assert video.views.total == 10_000 and video.views.by_country["UK"] == 2000
    assert video.period.previous.end == video.period.start
    assert video.views.timeline[0].date.isoformat() == "2024-03-24T00:00:00+00:00"
    assert video.performance.average_bitrate.base == 2_500_000
    assert str(video.performance.average_bitrate) == "2500k"
    health = example("GET /analytics/system/health")
    assert health.resources.memory.available.base == 4e9
    assert health.resources.cpu.load == [1.2, 1.5, 1.8]
    performance = example("GET /analytics/system/performance")
    assert performance.storage.bandwidth.inbound.base == 1e8
    assert performance.storage.bandwidth.outbound.base == 5e8
    assert performance.api.requests.by_endpoint["/videos"] == 50_000
    users = example("GET /analytics/users")
    assert users.retention.cohorts[0].day30 == 0.2
    export = example("POST /analytics/export")
    assert export.export_id == "exp_123456" and not export.ready and not export.failed


def test_the_fields_the_seeds_sdk_examples_read_exist() -> None:
    """`analytics.views.total`, `activity.active_users.daily`, `export.download_url`."""
    assert example("GET /analytics/videos/{id}").views.total == 10_000
    assert example("GET /analytics/users").activity.active_users.daily == 1000
    assert example("POST /analytics/export").download_url.endswith("exp_123456.csv")


def test_dumps_round_trip() -> None:
    for request_line, body in EXAMPLES:
        model = _MODELS[request_line].model_validate(body["data"])
        again = _MODELS[request_line].model_validate(model.model_dump(by_alias=True))
        assert again == model, request_line


# --- leniency ----------------------------------------------------------------------------


def test_unknown_fields_are_ignored_and_missing_ones_tolerated() -> None:
    video = vc.VideoAnalytics.model_validate(
        {"views": {"total": 3, "byCountry": {"FR": 3}, "heatmap": [1, 2]}, "newThing": True}
    )
    assert video.views is not None and video.views.unique is None and video.views.timeline == []
    assert video.engagement is None and video.period.start is None
    assert vc.SystemHealth.model_validate({}).resources.memory.available is None
    assert vc.VideoSummary.model_validate({"topVideos": [{"id": "v"}]}).top_videos[0].views == 0


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (vc.VideoAnalytics, {"views": {"total": "many"}}),
        (vc.VideoAnalytics, {"views": {"byCountry": {"FR": 2.5}}}),  # a fractional count
        (vc.ViewsPoint, {"date": "yesterday", "views": 1}),
        (vc.SystemHealth, {"resources": {"storage": {"available": "a lot"}}}),
        (vc.ExportJob, {"status": "ready"}),  # no exportId
        (vc.TopVideo, {"title": "no id"}),
    ],
)
def test_what_would_mislead_fails(model: type[BaseModel], body: Any) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(body)


# --- unit strings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "base"),
    [
        ("2500k", 2.5e6),
        ("2500K", 2.5e6),
        ("2.5M", 2.5e6),
        ("2500kbps", 2.5e6),
        ("2500 kbit/s", 2.5e6),
        ("4Mbit/s", 4e6),
        ("1MB/s", 8e6),  # bytes, written for a bitrate
        (2500, 2.5e6),  # a bare number: kbit/s, like "2500k"
        ("800", 8e5),
    ],
)
def test_bitrates(raw: Any, base: float) -> None:
    assert units.parse_bitrate(raw).base == pytest.approx(base)
    assert units.parse_bitrate(raw).base_unit == "bit/s"


@pytest.mark.parametrize(
    ("raw", "base"),
    [
        ("4GB", 4e9),
        ("100GB", 1e11),
        ("8.8GB", 8.8e9),
        ("512MiB", 512 * 2**20),
        ("1.5T", 1.5e12),
        ("800Mb", 1e8),  # bits
        (1024, 1024),
        ("0B", 0),
    ],
)
def test_sizes(raw: Any, base: float) -> None:
    parsed = units.parse_size(raw)
    assert parsed.base == pytest.approx(base)
    assert parsed.base_unit == "B"


@pytest.mark.parametrize(
    ("raw", "base", "unit"),
    [
        ("100MB/s", 1e8, "MB/s"),
        ("500MB/s", 5e8, "MB/s"),
        ("2.5GBps", 2.5e9, "GBps"),
        ("800Mbit/s", 1e8, "Mbit/s"),
        ("19.0KB/s", 19_000, "KB/s"),
        ("0B/s", 0, "B/s"),
        (10, 10, "B/s"),
    ],
)
def test_rates(raw: Any, base: float, unit: str) -> None:
    parsed = units.parse_rate(raw)
    assert parsed.base == pytest.approx(base)
    assert (parsed.unit, parsed.base_unit) == (unit, "B/s")


@pytest.mark.parametrize(
    ("parse", "raw"),
    [
        (units.parse_bitrate, "fast"),
        (units.parse_bitrate, "-3k"),
        (units.parse_bitrate, "nan"),
        (units.parse_bitrate, True),
        (units.parse_bitrate, None),
        (units.parse_size, "4 parsecs"),
        (units.parse_size, "4GB/s"),  # a rate is not a size
        (units.parse_size, "inf"),
        (units.parse_size, "iB"),
        (units.parse_rate, "100MB"),  # a size is not a rate
        (units.parse_rate, [100]),
    ],
)
def test_unreadable_quantities_fail(parse: Any, raw: Any) -> None:
    with pytest.raises(ValueError):
        parse(raw)
