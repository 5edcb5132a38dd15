"""Numbers with units in VideoCloud answers ("2500k", "4GB", "100MB/s"), read into `Quantity`.

Each parser keeps the number and unit as written beside the value in base units: bit/s for
bitrates, bytes for sizes, bytes/s for transfer rates. Prefixes are SI (k = 10³, M = 10⁶…;
a lowercase m means mega, nobody means milli here), KiB/MiB/GiB are binary; a `b` or `bit`
means bits, a `B` bytes. A string that cannot be read raises ValueError rather than be
guessed; so do negative and non-finite numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

_QUANTITY = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z/]*)\s*$")
_UNIT = re.compile(
    r"^(?P<prefix>[kKmMgGtTpP]?)(?P<binary>i?)(?P<kind>B|b|bit|bits|)(?P<per>/s|ps)?$"
)
_PREFIX = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}


@dataclass(frozen=True)
class Quantity:
    """A number with a unit: `value` and `unit` as written, `base` in `base_unit`."""

    value: float
    unit: str
    base: float
    base_unit: str  # "bit/s", "B" or "B/s"
    text: str

    def __str__(self) -> str:
        return self.text


def _split(raw: Any, what: str) -> tuple[float, str, str]:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"{what} must be a number or a string such as {_EXAMPLES[what]}")
    text = str(raw).strip()
    match = _QUANTITY.match(text)
    if not match:
        raise ValueError(f"{what} {text!r} is not a number with a unit, e.g. {_EXAMPLES[what]}")
    number = float(match[1])
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{what} {text!r} is not a finite, non-negative number")
    return number, match[2], text


_EXAMPLES = {"a bitrate": "2500k", "a size": "4GB", "a transfer rate": "100MB/s"}


def _scale(unit: str, what: str, *, default_kind: str, rate: bool) -> float:
    """Multiplier from `unit` to base units; bits become bytes (or bytes bits) as needed."""
    match = _UNIT.match(unit)
    if not match or (match["binary"] and not match["prefix"]):
        raise ValueError(f"{what} has an unknown unit {unit!r}")
    if match["per"] and not rate:
        raise ValueError(f"{what} has a rate unit {unit!r}")
    power = _PREFIX[match["prefix"].lower()]
    factor = float((1024 if match["binary"] else 1000) ** power)
    kind = "bit" if match["kind"] in ("b", "bit", "bits") else match["kind"] or default_kind
    if kind == "B" and default_kind == "bit":
        return factor * 8  # a bitrate written in bytes
    if kind == "bit" and default_kind == "B":
        return factor / 8  # a size or rate written in bits
    return factor


def parse_bitrate(raw: Any) -> Quantity:
    """A bitrate in bit/s: "2500k", "2.5M", "2500kbps", "4Mbit/s"; a bare number is kbit/s,
    the unit of the seed's "2500k"."""
    if isinstance(raw, Quantity):
        return raw
    number, unit, text = _split(raw, "a bitrate")
    if not unit:
        return Quantity(number, "k", number * 1000, "bit/s", text)
    return Quantity(
        number,
        unit,
        number * _scale(unit, "a bitrate", default_kind="bit", rate=True),
        "bit/s",
        text,
    )


def parse_size(raw: Any) -> Quantity:
    """A size in bytes: "4GB", "100GB", "512MiB", "1.5T" (SI: 1 GB = 10⁹ B; GiB = 2³⁰ B); a
    bare number is bytes."""
    if isinstance(raw, Quantity):
        return raw
    number, unit, text = _split(raw, "a size")
    scale = _scale(unit, "a size", default_kind="B", rate=False) if unit else 1.0
    return Quantity(number, unit or "B", number * scale, "B", text)


def parse_rate(raw: Any) -> Quantity:
    """A transfer rate in bytes/s: "100MB/s", "2.5GBps", "800Mbit/s"; a bare number is bytes/s."""
    if isinstance(raw, Quantity):
        return raw
    number, unit, text = _split(raw, "a transfer rate")
    if unit and not unit.endswith(("/s", "ps")):
        raise ValueError(f"a transfer rate needs a unit per second, not {unit!r}")
    scale = _scale(unit, "a transfer rate", default_kind="B", rate=True) if unit else 1.0
    return Quantity(number, unit or "B/s", number * scale, "B/s", text)


_AS_WRITTEN = PlainSerializer(str, return_type=str)  # dumps give back the string as written
Bitrate = Annotated[Quantity, PlainValidator(parse_bitrate), _AS_WRITTEN]
Size = Annotated[Quantity, PlainValidator(parse_size), _AS_WRITTEN]
Rate = Annotated[Quantity, PlainValidator(parse_rate), _AS_WRITTEN]
