"""Viewer-controlled text in exports: formulas neutralised in CSV, control characters escaped
in the aligned-text table, undecodable text escaped in every format; JSON keeps the data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from explorer.services.table_files import Table, export_table, render
from explorer.services.text_safety import for_spreadsheet, for_terminal

# The OWASP "CSV Injection" list: cells starting with these run as formulas.
FORMULAS = [
    '=HYPERLINK("http://evil.example/","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "+",
    "=",
]
NUMBERS = ["-3.5", "+2", "-1e-05", "-12.5%", "0", "42", "-0.25", "1e3", ".5", "-.5"]
PLAIN = ["https://blog.example.com/", "Algebra 1", "", "2026-03-10T09:00:00+01:00", "a=b"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_formulas_get_a_leading_quote(cell: str) -> None:
    assert for_spreadsheet(cell) == "'" + cell


@pytest.mark.parametrize("cell", NUMBERS + PLAIN)
def test_numbers_and_plain_text_stay_as_they_are(cell: str) -> None:
    assert for_spreadsheet(cell) == cell


def test_control_characters_are_shown_escaped_for_a_terminal() -> None:
    hostile = "a\x1b[2Jb\x1b]0;pwned\x07c\x9bd\x7fe\tf\ng\u202eh\ud800i"
    shown = for_terminal(hostile)
    assert shown == "a\\x1b[2Jb\\x1b]0;pwned\\x07c\\x9bd\\x7fe\\x09f\\x0ag\\u202eh\\ud800i"
    assert shown.isprintable()
    assert for_terminal("Café — 東京 ✓") == "Café — 東京 ✓"


HOSTILE = Table(
    ["referrer", "note", "value"],
    [
        ['=HYPERLINK("http://evil.example/","x")', "\x1b[2J\x1b]0;title\x07", "-3.5"],
        ["@SUM(A1)", "bad \udcff bytes", "+cmd|' /C calc'!A0"],
    ],
)


def test_csv_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert export_table(HOSTILE, "csv", target) == 2
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert rows[1] == [
        '\'=HYPERLINK("http://evil.example/","x")',
        "\x1b[2J\x1b]0;title\x07",
        "-3.5",
    ]
    assert rows[2] == ["'@SUM(A1)", "bad \\udcff bytes", "'+cmd|' /C calc'!A0"]
    assert render(HOSTILE, "csv").splitlines()[1].startswith("\"'=HYPERLINK(")


def test_json_keeps_the_data_and_escapes_only_what_cannot_be_encoded(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    export_table(HOSTILE, "json", target)
    rows = json.loads(target.read_text(encoding="utf-8"))["rows"]
    assert rows[0]["referrer"] == '=HYPERLINK("http://evil.example/","x")'
    assert rows[0]["note"] == "\x1b[2J\x1b]0;title\x07"
    assert rows[1]["note"] == "bad \udcff bytes"  # a JSON \udcff escape: the same string back


def test_the_text_table_never_carries_a_raw_control_character(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    export_table(HOSTILE, "table", target)
    text = target.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J\\x1b]0;title\\x07" in text and "bad \\udcff bytes" in text
    assert render(HOSTILE, "table").count("\n") == 3  # a newline in a cell breaks no row


def test_the_log_and_crash_reports_take_undecodable_text(tmp_path: Path) -> None:
    import logging

    from explorer.services.diagnostics import setup_logging, write_crash_report

    logs = setup_logging("info", directory=tmp_path)
    try:
        logging.getLogger("explorer.test").info("wrote %s", "caf\udce9.csv")
    finally:
        logs.close()
    assert "wrote caf\\udce9.csv" in (tmp_path / logs.path.name).read_text(encoding="utf-8")
    report = write_crash_report(ValueError("bad \udce9 name"), directory=tmp_path)
    assert report.path is not None
    assert "bad \\udce9 name" in report.path.read_text(encoding="utf-8")
