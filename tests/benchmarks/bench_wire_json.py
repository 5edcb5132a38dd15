"""Parsing a full buckets page: pydantic's one-pass validate_json vs json.loads then validate."""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from tests.benchmarks import Figure, benchmark, compare, sized
from tests.spec_support import SPEC_CURRENT, iter_response_examples

ROWS = 100  # the API's largest page


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore")
    dimensionValue: str  # the wire's names
    metricValue: float


class _Page(BaseModel):
    """A stand-in for the api package's wire model until it exists; same shape."""

    model_config = ConfigDict(extra="ignore")
    context: dict[str, Any]
    data: list[_Row]
    pagination: dict[str, Any]


def _page_body() -> bytes:
    """The spec's buckets example, its one row repeated to a full page."""
    example = next(
        e.value
        for e in iter_response_examples((SPEC_CURRENT,))
        if e.path == "/data/buckets/{metric}/{breakdown}" and e.status == "200"
    )
    page = copy.deepcopy(example)
    row = page["data"][0]
    page["data"] = [{**row, "dimensionValue": f"{row['dimensionValue']}{i}"} for i in range(ROWS)]
    return json.dumps(page).encode()


@benchmark("wire.buckets_page100.parse")
def _parse_buckets_page() -> list[Figure]:
    body = _page_body()
    assert _Page.model_validate_json(body) == _Page.model_validate(json.loads(body))
    return compare(
        "wire.buckets_page100.parse",
        ours=lambda: _Page.model_validate_json(body),
        baseline=lambda: _Page.model_validate(json.loads(body)),
        unit="us",
        repeat=sized(300, 10),
        warmup=sized(20, 1),
    )
