"""`python -m explorer` as a process: it becomes interactive on a fresh profile, or says why not."""

from __future__ import annotations

import os
import subprocess
import sys

from explorer.app import (
    EXIT_WHEN_READY_VARIABLE,
    NOW_VARIABLE,
    PREPARING_DEMO,
    READY_LINE,
    SCALE_VARIABLE,
    SHOWN_LINE,
)
from tests.e2e.conftest import Profile

LAUNCH_TIMEOUT_S = 60


def launch(scale: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,  # the profile fixture pointed HOME and the XDG folders at tmp
        "QT_QPA_PLATFORM": "offscreen",
        SCALE_VARIABLE: scale,
        EXIT_WHEN_READY_VARIABLE: "1",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-m", "explorer"],
        env=env,
        capture_output=True,
        text=True,
        timeout=LAUNCH_TIMEOUT_S,
        check=False,
    )


def test_the_app_reports_when_it_is_interactive_and_quits(profile: Profile) -> None:
    done = launch("small")
    assert (done.returncode, done.stdout) == (0, READY_LINE + "\n"), done.stderr
    assert [p.name[:14] for p in profile.sandbox_files()] == ["sandbox-small-"]
    saved = profile.folder("XDG_CONFIG_HOME") / "analytics-explorer" / "analytics-explorer.conf"
    assert "query" in saved.read_text(encoding="utf-8")  # state saved on the way out


def test_a_first_launch_shows_the_window_and_says_how_far_the_demo_data_is(
    profile: Profile,
) -> None:
    first = launch("small", **{EXIT_WHEN_READY_VARIABLE: "steps"})
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert SHOWN_LINE in lines and lines[-1] == READY_LINE, lines
    said = [line for line in lines if line not in (SHOWN_LINE, READY_LINE)]
    prefix = f"analytics-explorer: {PREPARING_DEMO}, "
    assert said and all(line.startswith(prefix) and line.endswith("%") for line in said), said
    percents = [int(line.removeprefix(prefix).removesuffix("%")) for line in said]
    assert percents == sorted(percents) and percents[0] >= 0 and percents[-1] <= 100
    again = launch("small", **{EXIT_WHEN_READY_VARIABLE: "steps"})  # the data exists: no words
    assert again.returncode == 0, again.stderr
    assert sorted(again.stdout.splitlines()) == sorted([SHOWN_LINE, READY_LINE])
    assert again.stdout.splitlines()[-1] == READY_LINE


def test_an_unknown_scale_is_named_and_the_app_exits_1(profile: Profile) -> None:
    done = launch("huge")
    assert (done.returncode, done.stdout) == (1, "")
    assert "EXPLORER_SANDBOX_SCALE='huge': choose one of small, default, large" in done.stderr
    assert profile.sandbox_files() == []


def test_a_now_without_an_offset_is_named_and_the_app_exits_1(profile: Profile) -> None:
    done = launch("small", **{NOW_VARIABLE: "2026-03-10T13:00:00"})
    assert (done.returncode, done.stdout) == (1, "")
    assert "EXPLORER_SANDBOX_NOW='2026-03-10T13:00:00' has no offset" in done.stderr
