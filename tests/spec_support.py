"""The api.video OpenAPI contract for tests: load the specs, validate responses, walk examples.

Three specs make the contract (copies in tests/contract/api-video, see API.md §0 there for
their provenance):

* `openapi.yaml`: current; analytics v2 `/data/*`, assets, auth;
* `openapi-2023-09-raw-statistics.yaml`: player sessions and session events;
* `openapi-2024-07-analytics-v1-plays.yaml`: the legacy v1 "plays".

`spec_for_path()` says which one serves a path. `validate_response()` checks one real HTTP
response (status, content type, JSON body, declared headers) with openapi-core against a copy
of that spec patched for the known gaps in `KNOWN_GAPS`, and nothing else:

* `analytics-aggregated-metrics-response` context.aggregation lacks `peak` and `live`
  (API.md §3.1, §3.6, §10; the ccv aggregations came in generator PR #403, 2024-10/11);
* `analytics-metrics-breakdown-response` context.breakdown lacks `referrer` (API.md §3.2,
  §3.6, §10; the breakdown was added to the path parameter only);
* `analytics-metrics-breakdown-response` context.metric lacks `play-total` (API.md §3.2, §9,
  §10; `/data/buckets/play-total/media-id` is documented).

Each patch only widens an enum, and fails if the spec already has the value (then drop it).
`iter_response_examples()` walks every response example of all three specs.

Notes on the validator:

* The specs do not pass openapi-spec-validator (a header pattern in the upload operation is a
  PCRE regex with `(?<name>...)` groups), so the spec check is switched off; responses are
  still validated strictly against the schemas.
* Only the path selects the operation: the spec's servers are `https://ws.api.video` and
  `https://sandbox.api.video`, and any scheme and host given here (the local sandbox runs on
  `http://127.0.0.1:PORT`) is mapped onto the first of them.
* YAML is read without implicit timestamps, so an unquoted `2024-05-29T07:15:05+00:00` in an
  example stays the string a JSON body would carry.
* Parsing a spec takes about 0.15 s with libyaml (much longer without): each parse is cached
  per process, and pickled under `.pytest_cache/d/explorer-openapi/` keyed on the file's
  SHA-256, so a later session reads it back in a few milliseconds.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import pickle
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from tests.contract import API_VIDEO_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]

SPEC_CURRENT = "openapi.yaml"
SPEC_RAW_STATISTICS = "openapi-2023-09-raw-statistics.yaml"
SPEC_PLAYS = "openapi-2024-07-analytics-v1-plays.yaml"
SPECS = (SPEC_CURRENT, SPEC_RAW_STATISTICS, SPEC_PLAYS)

AUTO = "auto"
"""Pass as `spec` to `validate_response()` to pick the spec with `spec_for_path()`."""

SERVER_URL = "https://ws.api.video"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_CACHE_FORMAT = 1  # bump when the parsing below changes what a cached pickle holds


def spec_path(spec: str) -> Path:
    """The file of one of `SPECS`."""
    if spec not in SPECS:
        raise ValueError(f"unknown spec {spec!r}; expected one of {SPECS}")
    return API_VIDEO_DIR / spec


# --- which spec serves which path ------------------------------------------------------------

_ROUTES: tuple[tuple[str, str], ...] = (
    (r"/analytics/(videos|live-streams)/plays", SPEC_PLAYS),
    (r"/analytics/(videos|live-streams)/[^/]+", SPEC_RAW_STATISTICS),
    (r"/analytics/sessions/[^/]+/events", SPEC_RAW_STATISTICS),
    (r"/(data|auth)/.*", SPEC_CURRENT),
    (r"/(videos|live-streams|players)(/.*)?", SPEC_CURRENT),
)


def spec_for_path(path: str) -> str:
    """The spec that serves `path` (a query string or a scheme and host are ignored)."""
    bare = urlsplit(path).path
    for pattern, spec in _ROUTES:
        if re.fullmatch(pattern, bare):
            return spec
    raise ValueError(f"no spec is known to serve {bare!r}")


# --- the known gaps, patched in a copy ---------------------------------------------------------


@dataclass(frozen=True)
class SpecPatch:
    """Widen one enum of one spec by `add`: a gap between the spec and the documented API."""

    spec: str
    pointer: tuple[str, ...]  # keys from the document root down to the schema holding `enum`
    add: tuple[str, ...]
    source: str


_SCHEMAS = ("components", "schemas")
_CONTEXT = ("properties", "context", "properties")

KNOWN_GAPS: tuple[SpecPatch, ...] = (
    SpecPatch(
        SPEC_CURRENT,
        (*_SCHEMAS, "analytics-aggregated-metrics-response", *_CONTEXT, "aggregation"),
        ("peak", "live"),
        "API.md §3.1/§3.6/§10: /data/metrics/ccv/{peak,live} exist (the path parameter lists "
        "them since generator PR #403, 2024-10-25), but the response enum still stops at "
        "count/rate/total/average/sum; the official Python client raises on the echo.",
    ),
    SpecPatch(
        SPEC_CURRENT,
        (*_SCHEMAS, "analytics-metrics-breakdown-response", *_CONTEXT, "breakdown"),
        ("referrer",),
        "API.md §3.2/§3.6/§10: the `referrer` breakdown was added to the path parameter in "
        "2024-11 but not to the response's context.breakdown enum.",
    ),
    SpecPatch(
        SPEC_CURRENT,
        (*_SCHEMAS, "analytics-metrics-breakdown-response", *_CONTEXT, "metric"),
        ("play-total",),
        "API.md §3.2/§9/§10: /data/buckets/play-total/media-id is a documented metric, but the "
        "response's context.metric enum for breakdowns lacks `play-total`.",
    ),
)


def apply_known_gaps(spec: str, document: dict[str, Any]) -> None:
    """Patch `document` (a parsed `spec`) in place; fail loudly if a gap was fixed upstream."""
    for patch in KNOWN_GAPS:
        if patch.spec != spec:
            continue
        node: Any = document
        for key in patch.pointer:
            node = node[key]
        enum = node["enum"]
        already = [value for value in patch.add if value in enum]
        if already:
            raise AssertionError(
                f"{spec} {'/'.join(patch.pointer)} already lists {already}: drop the patch"
            )
        enum.extend(patch.add)


# --- loading (cached) ------------------------------------------------------------------------

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JsonishLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML loading that keeps timestamps as strings, as JSON would."""


_JsonishLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _cache_dir() -> Path:
    return REPO_ROOT / ".pytest_cache" / "d" / "explorer-openapi"


def parse_spec_file(path: Path, *, use_cache: bool = True) -> dict[str, Any]:
    """A fresh parse of one spec file, read back from the pickle cache when it is current."""
    raw = path.read_bytes()
    key = hashlib.sha256(raw + f"|{_CACHE_FORMAT}|{_BaseLoader.__name__}".encode()).hexdigest()
    cached = _cache_dir() / f"{path.stem}-{key[:24]}.pickle"
    if use_cache and cached.is_file():
        try:
            with cached.open("rb") as stream:
                document: dict[str, Any] = pickle.load(stream)
            return document
        except (OSError, pickle.UnpicklingError, EOFError):
            pass  # a torn or stale file: parse again and overwrite it
    document = yaml.load(raw, Loader=_JsonishLoader)
    if use_cache:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(partial, cached)
        except OSError:
            pass  # a read-only checkout still works, only slower
    return document


@functools.cache
def _parsed(spec: str) -> dict[str, Any]:
    return parse_spec_file(spec_path(spec))


@functools.cache
def load_spec(spec: str, *, patched: bool = True) -> dict[str, Any]:
    """The parsed spec, with `KNOWN_GAPS` applied unless `patched=False`. Do not mutate it."""
    if not patched:
        return _parsed(spec)
    document = copy.deepcopy(_parsed(spec))
    apply_known_gaps(spec, document)
    return document


@functools.cache
def openapi(spec: str, *, patched: bool = True) -> OpenAPI:
    """An openapi-core app over `load_spec(spec, patched=patched)`, built once per process."""
    # spec_validator_cls=None: the specs fail openapi-spec-validator (see the module docstring).
    return OpenAPI.from_dict(
        load_spec(spec, patched=patched), config=Config(spec_validator_cls=None)
    )


# --- response validation ---------------------------------------------------------------------


class ResponseContractError(AssertionError):
    """A response that does not match the spec; the message lists every problem found."""


def _operation(document: Mapping[str, Any], path: str, method: str) -> dict[str, Any] | None:
    """The operation of `document` serving `path`; concrete paths win over templated ones."""
    templates = sorted(document["paths"], key=lambda template: template.count("{"))
    for template in templates:
        pattern = re.sub(r"\\\{[^}/]+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            operation = document["paths"][template].get(method.lower())
            return operation if isinstance(operation, dict) else None
    return None


def _missing_headers(
    document: Mapping[str, Any], path: str, method: str, status: int, headers: Mapping[str, str]
) -> list[str]:
    operation = _operation(document, path, method)
    if operation is None:
        return []  # openapi-core reports the unknown path or method
    responses = operation.get("responses", {})
    response = responses.get(str(status), responses.get("default", {}))
    present = {name.lower() for name in headers}
    return [
        f"header {name}: declared by the spec for {status} but missing"
        for name in response.get("headers", {})
        if name.lower() not in present
    ]


def _describe(error: BaseException) -> list[str]:
    """Readable lines for an openapi-core error and the chain of causes below it."""
    lines = [repr(error)]
    cause = error.__cause__
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            lines.extend(f"  {err.json_path}: {err.message}" for err in schema_errors)
        else:
            lines.append(f"  caused by {cause!r}")
        cause = cause.__cause__
    return lines


def response_errors(
    spec: str,
    method: str,
    url_path_with_query: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    require_declared_headers: bool = True,
    patched: bool = True,
) -> list[str]:
    """Every way the response breaks the (patched) spec; empty when it conforms.

    `url_path_with_query` may also be a full URL; only its path selects the operation.
    `require_declared_headers` also demands every header the spec declares for this status
    (such as X-RateLimit-*; API.md §5: every response carries them), which the spec itself
    leaves optional; openapi-core checks the type of those present either way.
    `patched=False` validates against the spec as published, without `KNOWN_GAPS`.
    """
    if spec == AUTO:
        spec = spec_for_path(url_path_with_query)
    path = urlsplit(url_path_with_query).path
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    request = MockRequest(SERVER_URL, method, path)
    response = MockResponse(body, status, dict(headers), content_type=content_type.lower())
    lines: list[str] = []
    for error in openapi(spec, patched=patched).iter_response_errors(request, response):
        lines.extend(_describe(error))
    if require_declared_headers:
        document = load_spec(spec, patched=patched)
        lines.extend(_missing_headers(document, path, method, status, headers))
    return lines


def validate_response(
    spec: str,
    method: str,
    url_path_with_query: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    require_declared_headers: bool = True,
    patched: bool = True,
) -> Any:
    """Raise `ResponseContractError` unless the response matches the spec; return its JSON.

    `spec` is one of `SPECS`, or `AUTO` to route by path. See `response_errors()`.
    """
    problems = response_errors(
        spec,
        method,
        url_path_with_query,
        status,
        headers,
        body,
        require_declared_headers=require_declared_headers,
        patched=patched,
    )
    if problems:
        where = f"{method.upper()} {url_path_with_query} -> {status} ({spec})"
        raise ResponseContractError("\n".join([where, *problems]))
    return json.loads(body) if body.strip() else None


# --- examples --------------------------------------------------------------------------------


class ResponseExample(NamedTuple):
    """One response example: `status` is the spec's key ("200", "default")."""

    spec: str
    path: str
    method: str
    status: str
    example_name: str
    value: Any


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/a/b`) until a node without one."""
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported, not {ref!r}")
        node = document
        for key in ref[2:].split("/"):
            node = node[key.replace("~1", "/").replace("~0", "~")]
    return node


def iter_response_examples(specs: tuple[str, ...] = SPECS) -> Iterator[ResponseExample]:
    """Every response example of `specs`, as whole response bodies.

    Found per path, method, status and media type: the media type's `example`
    (`example_name` "example"), each `examples[NAME].value` after `$ref`s (NAME), and the
    `example` atop the response's schema after `$ref`s ("schema.example"). Examples of single
    properties inside schemas are fragments, not responses, and are left out. Names are
    prefixed with the media type when it is not application/json.
    """
    for spec in specs:
        document = load_spec(spec)
        for path, item in document["paths"].items():
            item = _resolve(document, item)
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not isinstance(operation, Mapping):
                    continue
                for status, response in operation.get("responses", {}).items():
                    response = _resolve(document, response)
                    for media_type, media in (response.get("content") or {}).items():
                        prefix = "" if media_type == "application/json" else f"{media_type}:"
                        found: list[tuple[str, Any]] = []
                        if "example" in media:
                            found.append(("example", media["example"]))
                        for name, example in (media.get("examples") or {}).items():
                            example = _resolve(document, example)
                            if "value" in example:
                                found.append((str(name), example["value"]))
                        schema = _resolve(document, media.get("schema"))
                        if isinstance(schema, Mapping) and "example" in schema:
                            found.append(("schema.example", schema["example"]))
                        for name, value in found:
                            yield ResponseExample(
                                spec, path, method, str(status), prefix + name, value
                            )
