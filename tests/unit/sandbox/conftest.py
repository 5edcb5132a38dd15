"""Sandbox tests use the `serve` fixture of tests/unit/conftest.py."""

from tests.unit.conftest import Serve

__all__ = ["Serve"]
