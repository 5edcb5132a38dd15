"""`python -m explorer` as a process: it becomes interactive on a fresh profile, or says why not."""

from __future__ import annotations

import os
import subprocess
import sys

from explorer.app import EXIT_WHEN_READY_VARIABLE, NOW_VARIABLE, READY_LINE, SCALE_VARIABLE
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


def test_an_unknown_scale_is_named_and_the_app_exits_1(profile: Profile) -> None:
    done = launch("huge")
    assert (done.returncode, done.stdout) == (1, "")
    assert "EXPLORER_SANDBOX_SCALE='huge': choose one of small, default, large" in done.stderr
    assert profile.sandbox_files() == []


def test_a_now_without_an_offset_is_named_and_the_app_exits_1(profile: Profile) -> None:
    done = launch("small", **{NOW_VARIABLE: "2026-03-10T13:00:00"})
    assert (done.returncode, done.stdout) == (1, "")
    assert "EXPLORER_SANDBOX_NOW='2026-03-10T13:00:00' has no offset" in done.stderr
