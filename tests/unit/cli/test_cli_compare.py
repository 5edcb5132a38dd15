"""Acceptance (issue 18): each command-line form of compare and rank against the same figures
asked one by one: direct filtered queries for a split, a direct query on the shifted range for
a comparison, and direct `/data/metrics` requests (raw HTTP, not this program's client) for
every ranked row."""

from __future__ import annotations

import csv
import io
import math

import httpx
import pytest

from explorer import cli, commands
from explorer.sandbox.faults import Fault
from tests.support.scenario import A, B
from tests.unit.cli.test_cli import KEY_VAR, api  # noqa: F401 (a fixture)

FROM, TO = "2026-03-09T12:00:00+00:00", "2026-03-10T12:00:00+00:00"
WINDOW = ["--from", FROM, "--to", TO]


@pytest.fixture
def connection(api: httpx.Client) -> list[str]:  # noqa: F811 (the fixture)
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR, "--tz", "UTC"]


def rows_of(capsys: pytest.CaptureFixture[str], *argv: str) -> list[list[str]]:
    code = cli.main([*argv, "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return list(csv.reader(io.StringIO(out)))


def test_split_of_an_aggregate_only_metric_matches_direct_filtered_queries(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["query", "metrics", "impression-time", "average", *WINDOW, *connection]
    header, *rows = rows_of(capsys, *base, "--split-by", "continent")
    assert header[0] == "continent"
    assert [r[0] for r in rows] == ["AS", "AF", "NA", "SA", "AN", "EU", "AZ"]
    for row in rows:
        direct_header, direct = rows_of(capsys, *base, "--filter", f"continent={row[0]}")
        assert header[1:] == direct_header
        assert row[1:] == direct
    assert {r[0]: float(r[-1]) for r in rows}["NA"] > 0  # the scenario has impressions there


def test_split_of_a_count_by_chosen_values_matches_direct_filtered_queries(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["query", "metrics", "play", "count", *WINDOW, *connection]
    header, *rows = rows_of(capsys, *base, "--split-by", "country", "--values", "US,FR,DE")
    assert [r[0] for r in rows] == ["US", "FR", "DE"]
    for row in rows:
        direct_header, direct = rows_of(capsys, *base, "--filter", f"country={row[0]}")
        assert [header[1:], row[1:]] == [direct_header, direct]
    assert [r[-1] for r in rows][2] == "0"  # no plays from DE: a real 0, asked and answered


def test_split_of_a_timeseries_has_a_row_per_value_and_timestamp(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["query", "timeseries", "play", *WINDOW, "--interval", "hour", *connection]
    header, *rows = rows_of(capsys, *base, "--split-by", "device-type", "--values", "phone,tv")
    assert header[0] == "device-type"
    for value in ("phone", "tv"):
        direct_header, *direct = rows_of(capsys, *base, "--filter", f"deviceType={value}")
        assert header[1:] == direct_header
        assert [r[1:] for r in rows if r[0] == value] == direct
    assert {r[0] for r in rows} == {"phone", "tv"}  # both have plays in the window


def test_split_by_media_puts_titles_beside_the_ids(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["query", "metrics", "play", "count", *WINDOW, *connection]
    header, *rows = rows_of(capsys, *base, "--split-by", "media-id", "--values", f"{A},{B}")
    assert header[:2] == ["media-id", "media_title"]
    assert [r[0] for r in rows] == [A, B]
    for row in rows:
        _, direct = rows_of(capsys, *base, "--filter", f"mediaId={row[0]}")
        assert row[2:] == direct


def test_compare_with_the_previous_period_matches_a_direct_query_on_the_shifted_range(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    current = ["--from", "2026-03-10T00:00:00+00:00", "--to", TO]
    earlier = ["--from", FROM, "--to", "2026-03-10T00:00:00+00:00"]
    for kind in (["metrics", "play", "count"], ["timeseries", "play", "--interval", "hour"]):
        base = ["query", *kind, *connection]
        header, *rows = rows_of(capsys, *base, *current, "--compare", "previous")
        now_header, *now_rows = rows_of(capsys, *base, *current)
        _, *before_rows = rows_of(capsys, *base, *earlier)
        assert header == ["series", *now_header]
        assert rows == [["current", *r] for r in now_rows] + [["previous", *r] for r in before_rows]
        assert before_rows  # s1 played before midnight: there is something to compare


def test_compare_with_an_offset_and_a_week(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["query", "buckets", "play", "country", *connection]
    current = ["--from", "2026-03-10T00:00:00+00:00", "--to", TO]
    _, *rows = rows_of(capsys, *base, *current, "--compare", "12h")
    _, *direct = rows_of(capsys, *base, "--from", FROM, "--to", "2026-03-10T00:00:00+00:00")
    assert [r[1:] for r in rows if r[0] == "previous"] == direct
    _, *rows = rows_of(capsys, *base, *current, "--compare", "week")
    _, *direct = rows_of(
        capsys, *base, "--from", "2026-03-03T00:00:00+00:00", "--to", "2026-03-03T12:00:00+00:00"
    )
    assert [r[1:] for r in rows if r[0] == "previous"] == direct


def _metric(api: httpx.Client, path: str, filters: dict[str, str]) -> float:  # noqa: F811
    params = [("from", FROM), ("to", TO)]
    for key, value in filters.items():
        params.append((f"filterBy[{key}]" if key == "mediaType" else f"filterBy[{key}][]", value))
    response = api.get(f"/data/metrics/{path}", params=params)
    response.raise_for_status()
    return float(response.json()["data"])


FILTER_KEY = {
    "media-id": "mediaId",
    "media-type": "mediaType",
    "continent": "continent",
    "country": "country",
    "device-type": "deviceType",
    "operating-system": "operatingSystem",
    "browser": "browser",
    "referrer": "referrer",
}
RATIOS = {  # metric -> (numerator path, volume path)
    "play rate": ("play/count", "impression/count"),
    "completion": ("end/count", "start/count"),
    "views": ("view/count", "play/count"),
}


def test_rank_rows_match_figures_asked_one_by_one(
    api: httpx.Client,  # noqa: F811 (the fixture)
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    header, *rows = rows_of(capsys, "rank", *WINDOW, "--min-volume", "1", *connection)
    assert header == [
        "metric", "breakdown", "segment", "segment_value", "overall_value", "volume", "impact",
    ]  # fmt: skip
    impacts = [float(r[6]) for r in rows]
    assert impacts == sorted(impacts, reverse=True)
    assert {r[0] for r in rows} == {"play rate", "completion", "views", "impression time"}
    for metric, breakdown, segment, value, overall, volume, impact in rows:
        only = {FILTER_KEY[breakdown]: segment}
        if metric == "impression time":
            expected_value = _metric(api, "impression-time/average", only)
            expected_overall = _metric(api, "impression-time/average", {})
            expected_volume = _metric(api, "impression/count", only)
            expected_impact = (expected_value - expected_overall) * expected_volume
        else:
            numerator, denominator = RATIOS[metric]
            expected_volume = _metric(api, denominator, only)
            expected_value = _metric(api, numerator, only) / expected_volume
            expected_overall = _metric(api, numerator, {}) / _metric(api, denominator, {})
            expected_impact = (expected_overall - expected_value) * expected_volume
        where = f"{metric} {breakdown}={segment}"
        assert float(value) == pytest.approx(expected_value), where
        assert float(overall) == pytest.approx(expected_overall), where
        assert float(volume) == expected_volume, where
        assert math.isclose(float(impact), expected_impact, rel_tol=1e-9, abs_tol=1e-9), where


def test_rank_lists_only_segments_with_the_minimum_volume(
    api: httpx.Client,  # noqa: F811 (the fixture)
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, *everything = rows_of(capsys, "rank", *WINDOW, "--min-volume", "1", *connection)
    _, *busy = rows_of(capsys, "rank", *WINDOW, "--min-volume", "3", *connection)
    assert busy and all(float(r[5]) >= 3 for r in busy)
    assert [r for r in everything if float(r[5]) >= 3] == busy
    # every browser with an impression is ranked on play rate
    listed = {r[2] for r in everything if r[:2] == ["play rate", "browser"]}
    response = api.get("/data/buckets/impression/browser", params={"from": FROM, "to": TO})
    seen = {b["dimensionValue"] for b in response.json()["data"] if b["metricValue"] >= 1}
    assert listed == seen


def test_a_failed_part_fails_the_command_and_writes_nothing(
    api: httpx.Client,  # noqa: F811 (the fixture)
    connection: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    api.service.faults.inject(Fault.SERVER_ERROR, 1000)  # type: ignore[attr-defined]
    code = cli.main(
        ["query", "metrics", "impression-time", "average", *WINDOW, *connection,
         "--split-by", "continent", "--values", "EU,NA", "--format", "csv"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == commands.EXIT_API
    assert out == ""
    assert "EU: failed" in err and "nothing was written" in err


def test_bad_forms_are_usage_errors(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["query", "metrics", "play", "count", *WINDOW, *connection]
    for extra, words in (
        (["--compare", "fortnight"], "use previous, week or an offset"),
        (["--values", "EU"], "need --split-by"),
        (["--split-by", "continent", "--compare", "week"], "exclude each other"),
        (["--split-by", "continent", "--values", "EU,XX"], "continent must be"),
    ):
        code = cli.main([*base, *extra])
        _, err = capsys.readouterr()
        assert code == commands.EXIT_USAGE, extra
        assert words in err, err
