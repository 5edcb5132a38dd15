"""`analytics-explorer run FILE --out DIR`: a saved exploration answered headless writes the
numbers the same questions give on the command line; a bad file is a sentence and exit 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from explorer import cli
from explorer.domain.catalogue import Endpoint
from explorer.domain.exploration import Exploration, ExplorationError, SavedTab, read_exploration
from explorer.domain.query import Query
from explorer.domain.videocloud_catalogue import ReportRequest
from explorer.services.exploration_files import save_exploration
from tests.unit.cli.test_cli import api, connection  # noqa: F401 (fixtures)

START = datetime.fromisoformat("2026-03-09T12:00:00+00:00")
END = START + timedelta(days=1)
WINDOW = ["--from", START.isoformat(), "--to", END.isoformat()]
TABS = (
    SavedTab(
        "plays", "Europe/Paris", Query(Endpoint.METRICS, "play", "count", start=START, end=END)
    ),
    SavedTab(
        "plays by country", "UTC",
        Query(Endpoint.BUCKETS, "play", breakdown="country", start=START, end=END),
    ),
    SavedTab(
        "views over time", "Europe/Paris",
        Query(Endpoint.TIMESERIES, "view", interval="hour", start=START, end=END),
    ),
)  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_writes_one_csv_per_tab_with_the_numbers_of_the_same_queries(
    tmp_path: Path,
    connection: list[str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "week.aexplore"
    save_exploration(Exploration(TABS, 1), path)
    out = tmp_path / "csv"
    code, _, err = run(capsys, "run", str(path), "--out", str(out), *connection[:4])
    assert code == 0, err
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [
        "01-plays.csv", "02-plays-by-country.csv", "03-views-over-time.csv",
    ]  # fmt: skip
    shapes = [
        ["metrics", "play", "count"],
        ["buckets", "play", "country"],
        ["timeseries", "view", "--interval", "hour"],
    ]
    for file, shape, tab in zip(files, shapes, TABS, strict=True):
        code, expected, err = run(
            capsys, "query", *shape, *WINDOW, "--format", "csv", *connection[:4], "--tz", tab.zone
        )
        assert code == 0, err
        assert file.read_bytes().decode("utf-8") == expected
        assert len(list(csv.reader(io.StringIO(expected)))) > 1


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{", "not JSON (line 1"),
        ('{"format": "something else"}', "not an exploration"),
        ('{"format": "analytics-explorer/exploration", "version": 9, "tabs": []}', "newer version"),
        ('{"format": "analytics-explorer/exploration", "version": 1, "tabs": []}', "at least one"),
        (
            '{"format": "analytics-explorer/exploration", "version": 1, "tabs": [{"question": '
            '{"type": "apivideo-query", "query": {"endpoint": "metrics", "metric": "play"}}, '
            '"zone": "Mars/Olympus"}]}',
            "tabs[0].zone: 'Mars/Olympus' is not a time zone",
        ),
        (
            '{"format": "analytics-explorer/exploration", "version": 1, "tabs": [{"question": '
            '{"type": "sql"}}]}',
            "tabs[0].question: unknown question type 'sql'",
        ),
    ],
)
def test_a_bad_file_says_what_is_wrong(
    tmp_path: Path, document: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ExplorationError, match=message.replace("[", r"\[").replace("(", r"\(")):
        read_exploration(document)
    path = tmp_path / "bad.aexplore"
    path.write_text(document, "utf-8")
    out = tmp_path / "csv"
    code, _, err = run(capsys, "run", str(path), "--out", str(out))
    assert code == 2
    assert str(path) in err and message in err
    assert not out.exists()  # nothing written
    code, _, err = run(capsys, "open", str(path))
    assert code == 2 and message in err


def test_the_format_round_trips_with_data_and_says_its_version(tmp_path: Path) -> None:
    report = SavedTab("video", "UTC", ReportRequest("video", "7d", "vi1"), builder={"a": 1})
    exploration = Exploration((report,), 0)
    document = json.loads(exploration.to_json())
    assert document["format"] == "analytics-explorer/exploration"
    assert document["version"] == 1 and document["source_kind"] == "videocloud"
    again = read_exploration(exploration.to_json())
    assert again.tabs == exploration.tabs


def test_questions_of_two_kinds_of_source_are_refused() -> None:
    mixed = Exploration((TABS[0], SavedTab("video", "UTC", ReportRequest("summary"))))
    with pytest.raises(ExplorationError, match="different kinds of source"):
        read_exploration(mixed.to_json())


def test_a_split_and_a_comparison_tab_write_what_the_command_line_forms_write(
    tmp_path: Path,
    connection: list[str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fan-out questions (issue 18) travel in an exploration and are answered headless."""
    from explorer import commands
    from explorer.domain.comparison import ComparisonQuestion, Shift
    from explorer.domain.splits import SplitQuestion
    from tests.support.handmade import NOW

    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))  # the sandbox's

    base = Query(Endpoint.METRICS, "play", "count", start=START, end=END)
    daily = Query(Endpoint.TIMESERIES, "play", interval="day", start=START, end=END)
    tabs = (
        SavedTab("by continent", "UTC", SplitQuestion(base, "continent", ("EU", "NA"))),
        SavedTab("vs a week", "UTC", ComparisonQuestion(daily, Shift.parse("week"))),
    )
    path = tmp_path / "fanouts.aexplore"
    save_exploration(Exploration(tabs, 0), path)
    out = tmp_path / "csv"
    code, _, err = run(capsys, "run", str(path), "--out", str(out), *connection[:4])
    assert code == 0, err
    split_file, compare_file = sorted(out.iterdir())
    forms = [
        ["metrics", "play", "count", "--split-by", "continent", "--values", "EU,NA"],
        ["timeseries", "play", "--interval", "day", "--compare", "week"],
    ]
    for file, form in zip((split_file, compare_file), forms, strict=True):
        code, expected, err = run(
            capsys, "query", *form, *WINDOW, "--format", "csv", *connection[:4], "--tz", "UTC"
        )
        assert code == 0, err
        assert file.read_bytes().decode("utf-8") == expected
    assert split_file.read_text().splitlines()[0].startswith("continent,")
