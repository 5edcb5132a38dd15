"""Wire models and timestamps: the odd shapes read right, and no input breaks a parser."""

from __future__ import annotations

import contextlib
import copy
import inspect
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.api import errors, models
from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.errors import ApiError, MalformedResponse, NotFound
from explorer.api.models import parse_timestamp
from explorer.api.pagination import fetch_all
from explorer.api.secrets import Secret
from explorer.domain.cancel import CancelToken
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from tests.unit.api.support import BASE_URL, FAST, KEY, http_for, json_response, token_auth

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Example counts are modest on purpose: the whole file runs in a few seconds."""

# --- parse_timestamp on the shapes seen in the specs and docs ----------------------------------

UTC_0700 = datetime(2024, 5, 29, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-29T07+00:00:00:00", UTC_0700),  # the malformed example in the current spec
        ("2024-05-29T07:00:00+00:00", UTC_0700),
        ("2024-05-29T07:00:00Z", UTC_0700),
        ("2024-05-29T07:00:00z", UTC_0700),
        ("2024-05-29T07:00:00+00", UTC_0700),
        ("2024-05-29T07:00:00+0000", UTC_0700),
        ("2024-05-29 07:00:00+00:00", UTC_0700),
        ("2024-05-29 07:00:00", UTC_0700),  # naive: UTC
        ("2024-05-29T07+00:00", UTC_0700),  # hour only
        ("  2024-05-29T07:00:00Z \n", UTC_0700),
        ("2023-06-10 10:00:00+00:00", datetime(2023, 6, 10, 10, tzinfo=UTC)),  # v1 plays
        (
            "2019-06-24T11:45:01.109Z",  # raw statistics: milliseconds
            datetime(2019, 6, 24, 11, 45, 1, 109_000, tzinfo=UTC),
        ),
        (
            "2024-02-05T00:00:00+01:00",
            datetime(2024, 2, 4, 23, 0, tzinfo=UTC),
        ),
        (
            "2024-02-05T00:00:00-0530",
            datetime(2024, 2, 5, 5, 30, tzinfo=UTC),
        ),
        (
            "2024-02-05T09:00:00+09",
            datetime(2024, 2, 5, 0, 0, tzinfo=UTC),
        ),
    ],
)
def test_timestamps_in_every_shape_seen(text: str, expected: datetime) -> None:
    moment = parse_timestamp(text)
    assert moment == expected
    assert moment.utcoffset() is not None


def test_an_offset_is_kept_not_converted() -> None:
    moment = parse_timestamp("2024-02-05T00:00:00+01:00")
    assert moment.utcoffset() == timedelta(hours=1)
    assert moment.hour == 0


def test_datetimes_pass_through_and_naive_ones_become_utc() -> None:
    aware = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=2)))
    assert parse_timestamp(aware) is aware
    assert parse_timestamp(datetime(2024, 1, 1)) == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    ["", "yesterday", "2024-13-01T00:00:00Z", "2024-05-29T25:00:00Z", "07:00", None, 1717e6, []],
)
def test_unreadable_timestamps_raise_value_error(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(value)


def test_a_model_field_reads_the_odd_shape() -> None:
    point = models.Point.model_validate(
        {"emittedAt": "2024-05-29T07+00:00:00:00", "metricValue": 3, "extra": {"ignored": 1}}
    )
    assert point.emitted_at == UTC_0700
    assert point.metric_value == 3.0


# --- fuzzing: any input gives a value or a ValueError ------------------------------------------

WIRE_MODELS = [
    model
    for _, model in inspect.getmembers(models, inspect.isclass)
    if issubclass(model, models.Wire) and model is not models.Wire
]
FIELD_NAMES = sorted(
    {field.alias or name for model in WIRE_MODELS for name, field in model.model_fields.items()}
)


def test_the_fuzzed_models_are_all_there() -> None:
    """A guard for the fuzzers below: every wire model is collected, and their field names."""
    assert len(WIRE_MODELS) >= 23
    assert {"emittedAt", "metricValue", "pagesTotal", "videoId", "session", "from"} <= set(
        FIELD_NAMES
    )


def _near_timestamps() -> st.SearchStrategy[str]:
    """Strings close to timestamps: real ones, then cut, padded or with odd offsets."""
    moments = st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat())
    offsets = st.sampled_from(
        ["Z", "z", "+00", "+0000", "+00:00", "-23:59", "+24:00", "+00:00:00:00", ""]
    )
    built = st.builds(
        lambda date, sep, hour, rest, off: f"{date}{sep}{hour}{rest}{off}",
        st.dates().map(str),
        st.sampled_from(["T", " ", "t", ""]),
        st.integers(0, 30).map(lambda h: f"{h:02d}"),
        st.sampled_from(["", ":00", ":00:00", ":00:00.1", ":00:00.123456789", ":61:61"]),
        offsets,
    )
    mangled = st.tuples(moments, st.integers(0, 40), st.text(max_size=4)).map(
        lambda t: t[0][: t[1]] + t[2]
    )
    return st.one_of(moments, built, mangled)


LENIENT_TEXT = st.one_of(
    st.text(),
    st.binary().map(lambda raw: raw.decode("utf-8", "replace")),
    st.binary().map(lambda raw: raw.decode("latin-1")),
    _near_timestamps(),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    LENIENT_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=6)), inner, max_size=6
        ),
    ),
    max_leaves=10,
)
OBJECTS = st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUES, max_size=5)


@FUZZ
@given(value=st.one_of(LENIENT_TEXT, JSON_VALUES))
def test_parse_timestamp_gives_an_aware_datetime_or_a_value_error(value: Any) -> None:
    try:
        moment = parse_timestamp(value)
    except ValueError:
        return
    assert moment.utcoffset() is not None


@pytest.mark.parametrize("model", WIRE_MODELS, ids=lambda m: m.__name__)
def test_every_wire_model_gives_a_value_or_a_validation_error(model: type[models.Wire]) -> None:
    @settings(max_examples=12, deadline=None)
    @given(value=st.one_of(OBJECTS, JSON_VALUES))
    def check(value: Any) -> None:
        with contextlib.suppress(pydantic.ValidationError):
            model.model_validate(value)

    check()


STAMP = "2024-05-29T07:15:05+00:00"
SEEDS: dict[type[models.Wire], dict[str, Any]] = {
    models.MetricsResponse: {
        "context": {"metric": "play", "aggregation": "count", "timeframe": {"from": STAMP}},
        "data": 3,
    },
    models.BucketsResponse: {
        "context": {"metric": "play", "breakdown": "country", "timeframe": {"to": STAMP}},
        "data": [{"dimensionValue": "FR", "metricValue": 7}],
        "pagination": {"pagesTotal": 1, "links": [{"rel": "self", "uri": "/data?currentPage=1"}]},
    },
    models.TimeseriesResponse: {
        "context": {"metric": "view", "interval": "hour"},
        "data": [{"emittedAt": "2024-05-29T07+00:00:00:00", "metricValue": 2}],
    },
    models.Video: {
        "videoId": "vi1",
        "title": "Maths",
        "createdAt": STAMP,
        "tags": ["a"],
        "metadata": [{"key": "k", "value": "v"}],
        "assets": {"player": "https://embed.api.video/vod/vi1"},
    },
    models.LiveStream: {"liveStreamId": "li1", "name": "Live", "broadcasting": True},
    models.Player: {"playerId": "pl1", "name": "Default", "updatedAt": STAMP},
    models.PlayerSession: {
        "session": {"sessionId": "ps1", "loadedAt": "2019-06-24T11:45:01.109Z"},
        "location": {"country": "France", "city": "Paris"},
        "referrer": {"url": "https://x.example/", "searchTerm": ""},
        "device": {"type": "computer"},
        "os": {"name": "windows"},
        "client": {"name": "chrome"},
    },
    models.SessionEvent: {"type": "seek.forward", "emittedAt": STAMP, "from": 1, "to": 2},
    models.Page: {"data": [{"n": 1}], "pagination": {"currentPage": 1, "itemsTotal": 1}},
}


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path to every node of a JSON document, the root included."""
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(document)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def mutations(seed: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A valid document with one to three of its nodes replaced by any JSON value, so that
    the fuzzing reaches the validators deep inside (timestamps, numbers, nested models)."""
    edits = st.lists(st.tuples(st.sampled_from(_paths(seed)), JSON_VALUES), min_size=1, max_size=3)

    def apply(changes: list[tuple[tuple[Any, ...], Any]]) -> Any:
        document: Any = seed
        for path, value in changes:
            with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier edit
                document = _replace(document, path, value)  # took this path away
        return document

    return edits.map(apply)


@pytest.mark.parametrize("model", list(SEEDS), ids=lambda m: m.__name__)
def test_a_valid_document_with_any_part_replaced_parses_or_fails_cleanly(
    model: type[models.Wire],
) -> None:
    model.model_validate(SEEDS[model])  # the seed itself is valid

    @settings(max_examples=25, deadline=None)
    @given(value=mutations(SEEDS[model]))
    def check(value: Any) -> None:
        with contextlib.suppress(pydantic.ValidationError):
            model.model_validate(value)

    check()


class OnePage:
    """An Http stand-in: page 1 is the fuzzed body, every later page is a 404."""

    base_url = BASE_URL

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.calls = 0

    def get_json(self, path: str, params: Any, cancel: CancelToken) -> dict[str, Any]:
        self.calls += 1
        if self.calls == 1:
            return self.body
        raise NotFound(404, {"title": "Not found"}, request=f"GET {path}")


SMALL_INTS = st.integers(-2, 5)
LINKS = st.lists(
    st.fixed_dictionaries(
        {
            "rel": st.sampled_from(["next", "self", "last", ""]),
            "uri": st.one_of(
                st.text(max_size=30),
                st.just("/videos?currentPage=2"),
                st.just("https://ws.api.video/videos?currentPage=2"),
                st.just("http://[::1"),
            ),
        }
    ),
    max_size=3,
)
PAGINATION = st.fixed_dictionaries(
    {},
    optional={
        "currentPage": st.one_of(SMALL_INTS, SCALARS),
        "pageSize": st.one_of(SMALL_INTS, st.none()),
        "pagesTotal": st.one_of(SMALL_INTS, st.none(), st.text(max_size=3), st.floats(0, 5)),
        "itemsTotal": st.one_of(SMALL_INTS, st.none(), st.booleans()),
        "links": st.one_of(LINKS, JSON_VALUES),
    },
)
PAGES = st.fixed_dictionaries(
    {"data": st.one_of(st.lists(st.one_of(OBJECTS, JSON_VALUES), max_size=4), JSON_VALUES)},
    optional={"pagination": st.one_of(PAGINATION, JSON_VALUES), "context": JSON_VALUES},
)
LIST_ITEMS = [
    models.Video,
    models.LiveStream,
    models.Player,
    models.PlayerSession,
    models.SessionEvent,
    models.Bucket,
    models.Point,
]


@pytest.mark.parametrize("item", LIST_ITEMS, ids=lambda m: m.__name__)
def test_page_parsing_gives_items_or_an_api_error(item: type[models.Wire]) -> None:
    @settings(max_examples=20, deadline=None)
    @given(body=PAGES)
    def check(body: dict[str, Any]) -> None:
        try:
            fetched = fetch_all(OnePage(body), "/videos", [], item.model_validate)  # type: ignore[arg-type]
        except ApiError as error:
            assert isinstance(error, MalformedResponse)
            return
        assert all(isinstance(i, item) for i in fetched.items)
        if fetched.partial:
            assert isinstance(fetched.error, ApiError)

    check()


def test_the_client_reads_any_json_object_or_raises_an_api_error() -> None:
    """Whatever object the analytics endpoints answer, the typed calls give a frame or an
    ApiError: later pages are 404s, so a partial frame carries that error."""
    current: dict[str, Any] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("currentPage", "1") != "1":
            return json_response(404, {"title": "Not found"})
        return json_response(200, current["body"])

    queries = [
        Query(Endpoint.METRICS, "play", aggregation="count"),
        Query(Endpoint.BUCKETS, "play", breakdown="country"),
        Query(Endpoint.TIMESERIES, "play"),
    ]
    with ApiVideoClient(
        BASE_URL,
        Secret(KEY),
        options=ClientOptions(auth="basic", retry=FAST),
        transport=httpx.MockTransport(answer),
    ) as client:

        @settings(max_examples=80, deadline=None)
        @given(
            body=st.one_of(
                PAGES, OBJECTS, st.fixed_dictionaries({"context": JSON_VALUES, "data": JSON_VALUES})
            ),
            which=st.sampled_from(queries),
        )
        def check(body: dict[str, Any], which: Query) -> None:
            current["body"] = body
            try:
                result = client.run(which)
            except ApiError:
                return
            assert result.context.endpoint is which.endpoint

        check()


@given(content=st.one_of(st.binary(max_size=300), LENIENT_TEXT.map(str.encode)))
@FUZZ
def test_any_bytes_in_a_200_give_an_object_or_malformed_response(content: bytes) -> None:
    with http_for(lambda request: httpx.Response(200, content=content)) as (http, _):
        try:
            body = http.get_json("/videos")
        except MalformedResponse:
            return
    assert isinstance(body, dict)


TOKEN_ANSWERS = st.dictionaries(
    st.sampled_from(["access_token", "refresh_token", "expires_in", "token_type"]),
    st.one_of(SCALARS, st.integers(min_value=10**300, max_value=10**400), JSON_VALUES),
    max_size=4,
)


@given(answer=st.one_of(TOKEN_ANSWERS, JSON_VALUES))
@FUZZ
def test_any_token_answer_gives_a_token_or_malformed_response(answer: Any) -> None:
    """The answer of POST /auth/api-key is parsed by TokenAuth, not by a wire model."""

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/api-key":
            return json_response(200, answer)
        return json_response(200, {"authorization": request.headers["Authorization"]})

    with forgetting_new_secrets(), http_for(serve, auth=token_auth()) as (http, _):
        try:
            body = http.get_json("/videos")
        except MalformedResponse:
            return
    assert body == {"authorization": f"Bearer {answer['access_token']}"}


@contextlib.contextmanager
def forgetting_new_secrets() -> Iterator[None]:
    """Fuzzed tokens are remembered as secrets, as every token is, so that `redact` hides
    them: left behind, a token such as "RATE_LIMIT" was redacted out of a later test's
    error codes. The examples forget theirs."""
    before = set(errors._known_secrets)
    try:
        yield
    finally:
        errors._known_secrets.intersection_update(before)
