"""`analytics-explorer --self-test`: run as a person runs it, in a subprocess, and its checks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from explorer.selftest import MIN_INK_PIXELS, Summary, ink_pixels, one_line
from explorer.ui.common.app_icon import ICON_SIZES, app_icon, icon_files
from explorer.ui.results.timeseries_view import TimeseriesView

REPO_ROOT = Path(__file__).resolve().parents[2]
SUMMARY = re.compile(r"self-test ok: 3 queries, 3 charts, csv [1-9]\d* rows, \d+\.\d s")


def isolated_env(home: Path) -> dict[str, str]:
    """The test's environment with a fresh HOME, XDG folders and TMPDIR under ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "QT_QPA"))}
    for name in ("home", "tmp", "cache", "config", "data"):
        (home / name).mkdir(parents=True)
    env.update(
        HOME=str(home / "home"),
        TMPDIR=str(home / "tmp"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
    )
    return env


def run_self_test(env: dict[str, str], *code: str) -> subprocess.CompletedProcess[str]:
    """``python -m explorer --self-test``, or ``code`` run first and then the CLI's main."""
    if code:
        script = "\n".join([*code, "from explorer.cli import main", "raise SystemExit(main())"])
        argv = [sys.executable, "-c", script, "--self-test"]
    else:
        argv = [sys.executable, "-m", "explorer", "--self-test"]
    return subprocess.run(
        argv,
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def leftovers(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())


@pytest.mark.timeout(180)
def test_the_self_test_passes_prints_one_line_and_leaves_nothing_behind(tmp_path: Path) -> None:
    result = run_self_test(isolated_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert SUMMARY.fullmatch(result.stdout.rstrip("\n")), result.stdout
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""
    assert leftovers(tmp_path) == []


@pytest.mark.timeout(180)
def test_a_failing_step_exits_1_with_the_reason_on_one_line(tmp_path: Path) -> None:
    # A chart that draws nothing of its data: its view exists, but has no data's colour.
    result = run_self_test(
        isolated_env(tmp_path), "import explorer.selftest as s", "s.MIN_INK_PIXELS = 10**9"
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("self-test failed: play count: ")
    assert "pixels of the data's colour" in lines[0]
    assert leftovers(tmp_path) == []


@pytest.mark.timeout(180)
def test_a_sandbox_that_cannot_start_is_the_reason(tmp_path: Path) -> None:
    result = run_self_test(
        isolated_env(tmp_path),
        "from explorer.services.sources.apivideo.source import ApiVideoSource",
        "def broken(options=None): raise OSError(28, 'No space left on device')",
        "ApiVideoSource.demo = staticmethod(broken)",
    )
    assert result.returncode == 1
    assert result.stderr == (
        "self-test failed: starting the built-in sandbox: "
        "OSError: [Errno 28] No space left on device\n"
    )


def test_the_self_test_takes_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    from explorer import cli

    with pytest.raises(SystemExit) as stopped:
        cli.main(["--self-test", "sandbox"])
    assert stopped.value.code == 2
    assert "--self-test runs on its own" in capsys.readouterr().err


def test_the_summary_line() -> None:
    assert Summary(3, 3, 21, 2.06).line() == (
        "self-test ok: 3 queries, 3 charts, csv 21 rows, 2.1 s"
    )
    assert one_line("a\n  b\tc ") == "a b c"


def test_ink_is_counted_plain_and_translucent(qtbot: Any) -> None:
    ink = QColor("#308cc6")
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    assert ink_pixels(image, ink) == 0
    painter = QPainter(image)
    painter.setPen(QPen(ink, 1))
    painter.drawLine(QPoint(0, 10), QPoint(99, 10))  # 100 pixels of the colour itself
    translucent = QColor(ink)
    translucent.setAlpha(200)
    painter.fillRect(0, 50, 10, 10, translucent)  # 100 pixels blended over white
    painter.end()
    assert ink_pixels(image, ink) == 200
    assert ink_pixels(image, QColor("#f97316")) == 0


def test_an_empty_chart_has_no_ink(qtbot: Any) -> None:
    """What the self-test's pixel check rejects: a plot with axes and a grid but no series."""
    view = TimeseriesView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    highlight = view.palette().color(view.palette().ColorRole.Highlight)
    assert ink_pixels(view.plot.grab().toImage(), highlight) < MIN_INK_PIXELS


def test_the_app_icon_comes_from_resources(qtbot: Any) -> None:
    files = icon_files()
    assert [f.name for f in files] == [f"analytics-explorer-{s}.png" for s in ICON_SIZES]
    assert all(f.parent == REPO_ROOT / "resources" / "icons" for f in files)
    icon = app_icon()
    assert not icon.isNull()
    sizes = sorted(size.width() for size in icon.availableSizes())
    assert sizes == list(ICON_SIZES)
    assert icon.pixmap(48, 48).toImage().pixelColor(24, 24).alpha() == 255
