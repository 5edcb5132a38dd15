"""The instant a sandbox clock is pinned to, as `--now` and EXPLORER_SANDBOX_NOW give it."""

from __future__ import annotations

import pytest

from explorer.sandbox.clock import instant_ms


@pytest.mark.parametrize(
    "text",
    ["2026-03-10T13:25:00Z", "2026-03-10T14:25:00+01:00", "2026-03-10 13:25Z"],
)
def test_an_instant_with_its_offset_is_read_in_epoch_milliseconds(text: str) -> None:
    assert instant_ms(text) == 1_773_149_100_000


@pytest.mark.parametrize(
    ("text", "says"),
    [("yesterday", "is not an RFC 3339 instant"), ("2026-03-10T13:25", "has no offset")],
)
def test_anything_else_is_named(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=f"'{text}' {says}"):
        instant_ms(text)
