"""The quality gate as tests: ruff (lint, format), mypy and the import-linter contracts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent  # the tools installed beside the running interpreter


def run_tool(name: str, *args: str) -> None:
    """Run one tool of this venv at the repo root; fail the test with its output."""
    executable = VENV_BIN / name
    if not executable.exists():
        pytest.fail(f"{executable} is missing: install the test extras (pip install -e '.[test]')")
    result = subprocess.run(
        [str(executable), *args],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_COLOR": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        command = " ".join([name, *args])
        pytest.fail(
            f"`{command}` exited {result.returncode}:\n{result.stdout}{result.stderr}",
            pytrace=False,
        )


@pytest.mark.timeout(300)
def test_ruff_check() -> None:
    run_tool("ruff", "check", "--no-fix", ".")


@pytest.mark.timeout(300)
def test_ruff_format() -> None:
    run_tool("ruff", "format", "--check", ".")


@pytest.mark.timeout(600)
def test_mypy() -> None:
    # Files and strictness come from [tool.mypy] in pyproject.toml (strict except explorer.ui).
    run_tool("mypy")


@pytest.mark.timeout(300)
def test_import_contracts() -> None:
    # Contracts in [tool.importlinter]; --no-cache keeps .import_linter_cache out of the tree.
    run_tool("lint-imports", "--no-cache")


def _readme_command(marker: str) -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    lines = [line for line in block.splitlines() if line.strip() and not line.startswith("```")]
    assert len(lines) == 1, f"README.md: exactly one line between the {marker} markers: {lines}"
    return lines[0]


def test_readme_set_up_commands_share_their_install_steps() -> None:
    launch, test = _readme_command("launch-command"), _readme_command("test-command")
    install = launch.rsplit(" && ", 2)[0]  # apt packages and venv, before pip install and run
    assert launch.endswith(" && .venv/bin/pip install -e . && .venv/bin/analytics-explorer")
    assert test == install + (
        " && .venv/bin/pip install -e '.[test]'"
        " && QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest"
    )
    # Root without sudo (CI) and a user with sudo both work: sudo only where it is installed.
    assert test.count("$(command -v sudo) env DEBIAN_FRONTEND=noninteractive apt-get ") == 2
    assert "README" in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
