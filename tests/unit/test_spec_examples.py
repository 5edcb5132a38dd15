"""The OpenAPI test support: the example walker finds what it must, and the validator can fail."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from tests.spec_support import (
    AUTO,
    KNOWN_GAPS,
    SPEC_CURRENT,
    SPEC_PLAYS,
    SPEC_RAW_STATISTICS,
    SPECS,
    ResponseContractError,
    ResponseExample,
    iter_response_examples,
    load_spec,
    parse_spec_file,
    response_errors,
    spec_for_path,
    spec_path,
    validate_response,
)

RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "100",
    "X-RateLimit-Remaining": "99",
    "X-RateLimit-Retry-After": "60",
}
JSON_HEADERS = {"Content-Type": "application/json", **RATE_LIMIT_HEADERS}
LISTING_PATHS = ("/videos", "/live-streams", "/players", "/watermarks", "/tags")

# Examples that break their own spec's schema, with why; the walker yields them as published.
SELF_CONTRADICTING_EXAMPLES = {
    (spec, path, "404", "Endpoint not found"): "type/title/name are empty (null) in the YAML"
    for spec in (SPEC_RAW_STATISTICS, SPEC_PLAYS)
    for path in ("/analytics/videos/plays", "/analytics/live-streams/plays")
} | {(SPEC_CURRENT, "/tags", "200", "response"): "videoCount is the string '33', not an integer"}

BUCKETS_PAGE: dict[str, Any] = {
    "context": {
        "metric": "play",
        "breakdown": "device-type",
        "timeframe": {"from": "2024-06-01T00:00:00+00:00", "to": "2024-06-02T00:00:00+00:00"},
    },
    "data": [
        {"dimensionValue": "computer", "metricValue": 12},
        {"dimensionValue": "phone", "metricValue": 5},
    ],
    "pagination": {
        "currentPage": 1,
        "currentPageItems": 2,
        "pageSize": 2,
        "pagesTotal": 2,
        "itemsTotal": 3,
        "links": [
            {"rel": "self", "uri": "/data/buckets/play/device-type?currentPage=1&pageSize=2"},
            {"rel": "next", "uri": "/data/buckets/play/device-type?currentPage=2&pageSize=2"},
        ],
    },
}
BUCKETS_URL = "/data/buckets/play/device-type?pageSize=2"


@pytest.fixture(scope="module")
def examples() -> list[ResponseExample]:
    return list(iter_response_examples())


def _body(value: Any) -> bytes:
    return json.dumps(value).encode()


def _without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != key}


def _with_context(document: dict[str, Any], **context: Any) -> dict[str, Any]:
    return {**document, "context": {**document["context"], **context}}


# --- the walker ------------------------------------------------------------------------------


def test_walker_finds_success_examples_for_every_analytics_and_listing_path(
    examples: list[ResponseExample], record_property: Any
) -> None:
    found = Counter((e.spec, e.path) for e in examples if e.method == "get" and e.status == "200")
    wanted = [
        (spec, path)
        for spec in SPECS
        for path in load_spec(spec)["paths"]
        if path.startswith(("/data/", "/analytics/"))
    ]
    wanted += [(SPEC_CURRENT, path) for path in LISTING_PATHS]
    assert len(wanted) == 3 + 5 + 2 + len(LISTING_PATHS)  # the specs' analytics paths, as of now
    assert [key for key in wanted if not found[key]] == []

    per_spec = Counter(e.spec for e in examples)
    lines = [f"{spec}: {per_spec[spec]} response examples" for spec in SPECS]
    lines += [f"  {spec} {path}: {found[spec, path]} for GET 200" for spec, path in wanted]
    print("\n".join(lines))
    for spec in SPECS:
        record_property(f"examples[{spec}]", per_spec[spec])
    assert all(per_spec[spec] >= 100 for spec in SPECS), per_spec


def test_walker_yields_every_kind_of_example_as_json_data(
    examples: list[ResponseExample],
) -> None:
    kinds = Counter("schema" if e.example_name == "schema.example" else "named" for e in examples)
    assert kinds["named"] > 300 and kinds["schema"] > 10, kinds
    # An `examples` entry given by $ref to components/examples is followed.
    assert any(e.example_name == "live-stream-response-example" for e in examples)
    # Errors and all three specs are walked, not only successes.
    assert {e.status for e in examples} >= {"200", "400", "404", "429"}
    for e in examples:
        assert json.loads(json.dumps(e.value)) == e.value, e  # plain JSON, no YAML datetimes
    timeseries = next(e for e in examples if e.path == "/data/timeseries/{metric}")
    assert isinstance(timeseries.value["context"]["timeframe"]["from"], str)


def test_analytics_and_listing_examples_validate_against_their_own_spec(
    examples: list[ResponseExample],
) -> None:
    checked, broken = 0, {}
    for e in examples:
        if e.method != "get" or not e.path.startswith(("/data/", "/analytics/", *LISTING_PATHS)):
            continue
        url = re.sub(r"\{[^}]+\}", "x1", e.path)
        errors = response_errors(e.spec, "get", url, int(e.status), JSON_HEADERS, _body(e.value))
        checked += 1
        if errors:
            broken[e.spec, e.path, e.status, e.example_name] = errors
    assert checked > 150
    assert sorted(broken) == sorted(SELF_CONTRADICTING_EXAMPLES), broken


# --- the validator ---------------------------------------------------------------------------


def test_a_valid_response_passes_and_its_json_is_returned() -> None:
    body = validate_response(
        SPEC_CURRENT, "GET", BUCKETS_URL, 200, JSON_HEADERS, _body(BUCKETS_PAGE)
    )
    assert body == BUCKETS_PAGE


def test_the_sandbox_address_is_mapped_onto_the_spec_server() -> None:
    url = "http://127.0.0.1:8765" + BUCKETS_URL
    assert validate_response(AUTO, "GET", url, 200, JSON_HEADERS, _body(BUCKETS_PAGE))


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (200, JSON_HEADERS, _without(BUCKETS_PAGE, "pagination"), "'pagination' is a required"),
        (200, JSON_HEADERS, {**BUCKETS_PAGE, "data": [{"metricValue": "12"}]}, "not of type"),
        (200, JSON_HEADERS, _with_context(BUCKETS_PAGE, breakdown="planet"), "is not one of"),
        (200, JSON_HEADERS, _with_context(BUCKETS_PAGE, timeframe={"from": "yesterday"}), "date"),
        (200, {**JSON_HEADERS, "Content-Type": "text/html"}, BUCKETS_PAGE, "text/html"),
        (200, {**JSON_HEADERS, "X-RateLimit-Limit": "many"}, BUCKETS_PAGE, "X-RateLimit-Limit"),
        (200, {"Content-Type": "application/json"}, BUCKETS_PAGE, "X-RateLimit-Remaining"),
        (500, JSON_HEADERS, {"status": 500}, "ResponseNotFound"),
    ],
    ids=[
        "no-pagination",
        "string-metric-value",
        "unknown-breakdown",
        "bad-timeframe",
        "html",
        "bad-rate-limit-header",
        "no-rate-limit-headers",
        "undeclared-status",
    ],
)
def test_an_invalid_response_fails_with_the_reason(
    status: int, headers: dict[str, str], body: Any, expected: str
) -> None:
    with pytest.raises(ResponseContractError) as failure:
        validate_response(SPEC_CURRENT, "GET", BUCKETS_URL, status, headers, _body(body))
    assert expected in str(failure.value)


def test_missing_rate_limit_headers_pass_when_not_required() -> None:
    headers = {"Content-Type": "application/json"}
    errors = response_errors(
        SPEC_CURRENT,
        "GET",
        BUCKETS_URL,
        200,
        headers,
        _body(BUCKETS_PAGE),
        require_declared_headers=False,
    )
    assert errors == []


# --- the known gaps --------------------------------------------------------------------------

AGGREGATE = {
    "context": {
        "metric": "ccv",
        "aggregation": "peak",
        "timeframe": {"from": "2024-06-01T00:00:00+00:00", "to": "2024-06-02T00:00:00+00:00"},
    },
    "data": 3,
}
GAP_CASES = [
    ("/data/metrics/ccv/peak", AGGREGATE),
    ("/data/metrics/ccv/live", _with_context(AGGREGATE, aggregation="live")),
    ("/data/buckets/play/referrer", _with_context(BUCKETS_PAGE, breakdown="referrer")),
    ("/data/buckets/play-total/media-id", _with_context(BUCKETS_PAGE, metric="play-total")),
]


@pytest.mark.parametrize(("url", "document"), GAP_CASES, ids=[url for url, _ in GAP_CASES])
def test_each_known_gap_is_patched_and_needs_the_patch(url: str, document: Any) -> None:
    assert validate_response(SPEC_CURRENT, "GET", url, 200, JSON_HEADERS, _body(document))
    published = response_errors(
        SPEC_CURRENT, "GET", url, 200, JSON_HEADERS, _body(document), patched=False
    )
    assert any("is not one of" in line for line in published), published


def test_the_patches_widen_exactly_the_listed_enums() -> None:
    assert sum(len(patch.add) for patch in KNOWN_GAPS) == 4
    patched, published = load_spec(SPEC_CURRENT), load_spec(SPEC_CURRENT, patched=False)
    assert patched != published
    for patch in KNOWN_GAPS:
        node_new: Any = patched
        node_old: Any = published
        for key in patch.pointer:
            node_new, node_old = node_new[key], node_old[key]
        assert node_new["enum"] == node_old["enum"] + list(patch.add)
    for spec in (SPEC_RAW_STATISTICS, SPEC_PLAYS):
        assert load_spec(spec) == load_spec(spec, patched=False)
    still_strict = _with_context(AGGREGATE, aggregation="median")
    errors = response_errors(
        SPEC_CURRENT, "GET", "/data/metrics/ccv/peak", 200, JSON_HEADERS, _body(still_strict)
    )
    assert errors


# --- routing and loading ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "spec"),
    [
        ("/data/metrics/play/count?from=2024-06-01T00:00:00%2B00:00", SPEC_CURRENT),
        ("/data/buckets/play/country", SPEC_CURRENT),
        ("/data/timeseries/play", SPEC_CURRENT),
        ("/videos?currentPage=2", SPEC_CURRENT),
        ("/videos/vi123", SPEC_CURRENT),
        ("/live-streams", SPEC_CURRENT),
        ("/players/pl1", SPEC_CURRENT),
        ("/auth/api-key", SPEC_CURRENT),
        ("/analytics/videos/vi123?period=2024-01", SPEC_RAW_STATISTICS),
        ("/analytics/live-streams/li123", SPEC_RAW_STATISTICS),
        ("/analytics/sessions/ps123/events", SPEC_RAW_STATISTICS),
        ("/analytics/videos/plays?from=2024-06-01&dimension=country", SPEC_PLAYS),
        ("/analytics/live-streams/plays", SPEC_PLAYS),
        ("http://127.0.0.1:9/analytics/live-streams/plays", SPEC_PLAYS),
    ],
)
def test_each_path_is_served_by_its_spec(path: str, spec: str) -> None:
    assert spec_for_path(path) == spec


def test_an_unknown_path_has_no_spec() -> None:
    with pytest.raises(ValueError, match="no spec"):
        spec_for_path("/webhooks")


def test_the_pickled_parse_equals_a_fresh_parse() -> None:
    path = spec_path(SPEC_PLAYS)
    assert parse_spec_file(path) == parse_spec_file(path, use_cache=False)
