"""Project-wide pytest set-up: what is collected, and where the shared contract lives."""

from __future__ import annotations

import pytest

from tests.spec_support import shared_dir

# Benchmarks print figures instead of asserting; run them with `python tests/benchmarks/run.py`.
collect_ignore = ["benchmarks"]


def pytest_report_header(config: pytest.Config) -> str:
    return f"shared dir (specs, seeds): {shared_dir()}"
