"""Query-string parsing for the sandbox: known keys, deepObject filters, dates, paging."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from explorer.domain.catalogue import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from explorer.sandbox.errors import invalid_query

_DEEP = re.compile(r"^(?P<root>\w+)\[(?P<key>[^\[\]]*)\](?:\[(?P<index>\d*)\])?$")
_UNEXPECTED = "This field was not expected."


class Params:
    """The parameters of one request, consumed key by key so that leftovers can be refused."""

    def __init__(self, query: str) -> None:
        self.pairs = parse_qsl(query, keep_blank_values=True)
        self._plain: dict[str, str] = {}
        self._deep: dict[str, dict[str, list[str]]] = {}
        for name, value in self.pairs:
            match = _DEEP.match(name)
            if match:
                bucket = self._deep.setdefault(match["root"], {})
                bucket.setdefault(match["key"], []).append(value)
            else:
                self._plain[name] = value
        self._used: set[str] = set()

    def get(self, name: str) -> str | None:
        self._used.add(name)
        return self._plain.get(name)

    def deep(self, root: str) -> dict[str, list[str]]:
        """`root[key]=v`, `root[key][]=v` and `root[key][0]=v`, gathered by key."""
        self._used.add(root)
        return self._deep.get(root, {})

    def refuse_leftovers(self) -> None:
        for name in self._plain:
            if name not in self._used:
                raise invalid_query(name, _UNEXPECTED)
        for root, keys in self._deep.items():
            if root not in self._used:
                raise invalid_query(f"{root}[{next(iter(keys))}]", _UNEXPECTED)

    def without(self, *names: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k not in names]


def parse_datetime(name: str, raw: str) -> datetime:
    """An RFC 3339 date-time with an offset; a `+` decoded to a space is forgiven."""
    text = raw.strip().replace(" ", "+")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise invalid_query(name, "This value is not a valid datetime.") from None
    if value.tzinfo is None:
        raise invalid_query(name, "This value must include a time zone offset.")
    return value


def parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid_query(name, "This value should be of type bool.")


def parse_positive_int(name: str, raw: str | None, default: int, maximum: int | None) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_query(name, "This value should be of type int.") from None
    if value < 1 or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise invalid_query(name, f"This value should be between 1{upper}.")
    return value


MAX_PAGE = 2**31 - 1  # beyond it, (page - 1) * size no longer fits SQLite's integers


def page_params(params: Params) -> tuple[int, int]:
    """(currentPage, pageSize), 1-based, pageSize at most 100, currentPage at most MAX_PAGE."""
    current = parse_positive_int("currentPage", params.get("currentPage"), 1, MAX_PAGE)
    size = parse_positive_int("pageSize", params.get("pageSize"), PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX)
    return current, size


def page_body(
    path: str, params: Params, current: int, size: int, total: int, on_page: int
) -> dict[str, Any]:
    """The `pagination` object, with relative links that keep the other parameters."""
    pages = max(1, math.ceil(total / size))
    rest = params.without("currentPage", "pageSize")

    def uri(page: int) -> str:
        return path + "?" + urlencode([*rest, ("currentPage", str(page)), ("pageSize", str(size))])

    links = [{"rel": "self", "uri": uri(current)}, {"rel": "first", "uri": uri(1)}]
    if 1 < current <= pages:
        links.append({"rel": "previous", "uri": uri(current - 1)})
    if current < pages:
        links.append({"rel": "next", "uri": uri(current + 1)})
    links.append({"rel": "last", "uri": uri(pages)})
    return {
        "currentPage": current,
        "currentPageItems": on_page,
        "pageSize": size,
        "pagesTotal": pages,
        "itemsTotal": total,
        "links": links,
    }


def render_datetime(value: datetime) -> str:
    """RFC 3339 with the value's own offset and seconds precision (`+00:00`, never `Z`)."""
    return value.replace(microsecond=0).isoformat()


def render_ms(ms: int) -> str:
    """Raw-statistics style: UTC with milliseconds and `Z`, like `2019-06-24T11:45:01.109Z`."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def to_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def from_ms(ms: int, like: datetime) -> datetime:
    """The instant `ms` in the offset of `like` (whole seconds)."""
    return datetime.fromtimestamp(ms // 1000, like.tzinfo or UTC)


def check_known(name: str, value: str, allowed: Iterable[str], what: str) -> str:
    options = list(allowed)
    if value not in options:
        listed = ", ".join(f'"{o}"' for o in options)
        raise invalid_query(name, f"This {what} is invalid. Use one of {listed}.")
    return value
