"""`dimension=value` conditions on a session, named as the analytics API names its dimensions.

A breakdown's name (`device-type`) or its filter key (`deviceType`) both name a dimension;
the condition keeps the breakdown's name. The values are the API's: a country is its ISO
alpha-2 code (`FR`; an English name such as `France` is read too), a continent its code
(`EU`), a referrer its URL (empty: no referrer, a typed or bookmarked visit or an app).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.domain.catalogue import BREAKDOWNS, CONTINENTS
from explorer.domain.continents import country_code

_BY_KEY = {b.filter_key: b.name for b in BREAKDOWNS.values()}


@dataclass(frozen=True)
class Condition:
    """One `dimension = value`: the sessions whose dimension has that value."""

    dimension: str  # a breakdown's name: country, device-type, browser…
    value: str

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}"


def dimension_named(name: str) -> str:
    """The breakdown name for a breakdown name or a filter key; ValueError naming the ones
    there are."""
    text = name.strip()
    if text in BREAKDOWNS:
        return text
    if text in _BY_KEY:
        return _BY_KEY[text]
    raise ValueError(
        f"{text!r} is not a dimension: use one of {', '.join(BREAKDOWNS)} "
        "(or their filter keys, such as deviceType)"
    )


def condition(dimension: str, value: str) -> Condition:
    """A checked condition: a known dimension, a country or continent the API can name."""
    name = dimension_named(dimension)
    text = value.strip()
    if name == "country":
        code = country_code(text)
        if code is None:
            raise ValueError(f"country={text!r}: give an ISO 3166 alpha-2 code such as FR")
        text = code
    elif name == "continent":
        text = text.upper()
        if text not in CONTINENTS:
            raise ValueError(f"continent={value!r}: use one of {', '.join(CONTINENTS)}")
    elif not text and name != "referrer":
        raise ValueError(f"{name}= needs a value (only a referrer may be empty)")
    return Condition(name, value if name == "referrer" else text)


def parse_condition(text: str) -> Condition:
    """ "country=FR" -> Condition("country", "FR"); ValueError, in words, otherwise."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"{text!r} is not DIMENSION=VALUE (for example country=FR)")
    return condition(name, value)
