"""The value of a dimension for each session, to split a retention curve or figures by it:
device type, country, continent, OS, browser, referrer site, or a session metadata key."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from explorer.domain.continents import continent_of
from explorer.domain.referrers import site_of
from explorer.services.session_rows import SessionRecord

EMPTY = "(empty)"  # the dimension is there but empty (as breakdowns show it)
NONE = "(none)"  # the session has no such metadata key
METADATA_PREFIX = "metadata:"
_CELL = {"country": 0, "device-type": 2, "os": 5, "browser": 7}
DIMENSIONS = ("device-type", "country", "continent", "os", "browser", "referrer-site")


def metadata_key(split: str) -> str | None:
    """The metadata key a split names, or None for a dimension."""
    if split.startswith(METADATA_PREFIX):
        return split[len(METADATA_PREFIX) :]
    return None if split in DIMENSIONS else split


def value_of(record: SessionRecord, split: str) -> str | None:
    """The session's value; None for a metadata key the session does not have."""
    key = metadata_key(split)
    if key is not None:
        found = next((v for k, v in record.metadata if k == key), None)
        return found if found is None else found or EMPTY
    if split == "continent":
        return continent_of(record.cells[0])
    if split == "referrer-site":
        return site_of(record.cells[9]) or EMPTY
    return record.cells[_CELL[split]] or EMPTY


def split_groups(
    records: Sequence[SessionRecord], split: str
) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Each session's group index and the groups' labels, sorted (absent keys as NONE)."""
    values = [NONE if v is None else v for v in (value_of(r, split) for r in records)]
    labels = sorted(set(values))
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[v] for v in values], np.int64), labels
