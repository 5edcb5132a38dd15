"""Reading an answer's body within the limits, and reading it as JSON strictly.

The body is streamed: the bytes on the wire and the decoded bytes are counted as they arrive
and reading stops past `Limits.max_wire_bytes` / `max_body_bytes`. gzip and deflate are
inflated here, a bounded piece at a time (`zlib`'s `max_length`): httpx's own decoders
inflate each network read whole, so one 64 KB read of a gzip bomb becomes 64 MB, and stacked
encodings multiply that. Other encodings are refused (we only ask for gzip and deflate).

JSON: a number that is not finite (`NaN`, `Infinity`, `1e999`) makes the answer unreadable;
text that no encoder can write (a lone surrogate such as `"\\ud800"`, bytes that are not
UTF-8) is kept escaped (`\\ud800`, `\\udcff`) so that nothing downstream fails on it.
"""

from __future__ import annotations

import io
import json
import math
import re
import zlib
from collections.abc import Iterator
from typing import Any

import httpx

from explorer.api.errors import BodyTooLarge, MalformedResponse
from explorer.api.limits import Limits, size

ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024  # the most bytes inflated at a time
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_UNWRITABLE = re.compile(r"[\ud800-\udfff]|\\u[dD][89abcdefABCDEF]")
_LONGEST_INT = 400  # digits: past a float's range (1.8e308), no count or value is real


class _Inflater:
    """gzip or deflate (zlib-wrapped, or raw as some servers send it), a piece at a time."""

    def __init__(self, encoding: str) -> None:
        self._wbits = _WBITS[encoding]
        self._raw_fallback = encoding == "deflate"
        self._zlib = zlib.decompressobj(self._wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                piece = self._zlib.decompress(data, PIECE)
            except zlib.error:
                if not self._raw_fallback:
                    raise
                self._raw_fallback = False
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_fallback = False
            if piece:
                yield piece
            data = self._zlib.unconsumed_tail
            if not data and len(piece) < PIECE:
                return


def _encoding(response: httpx.Response, described: str) -> str:
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower() or "identity"
    if encoding != "identity" and encoding not in _WBITS:
        raise MalformedResponse(
            f"the body is encoded as {encoding!r}, which this client does not read "
            f"(it asks for {ACCEPT_ENCODING})",
            request=described,
        )
    return encoding


def iter_decoded(response: httpx.Response, described: str) -> Iterator[bytes]:
    """The decoded body of a streamed response, in pieces of at most PIECE bytes (or a
    network read, when not encoded). `response.num_bytes_downloaded` counts the wire bytes.

    Raises MalformedResponse for an encoding we cannot read or bad compressed data; the
    transport's own errors (httpx.TimeoutException, httpx.TransportError) pass through."""
    if response.is_stream_consumed:  # read whole already (an in-memory transport's answer)
        yield response.content
        return
    encoding = _encoding(response, described)
    if encoding == "identity":
        yield from response.iter_raw()
        return
    inflater = _Inflater(encoding)
    try:
        for raw in response.iter_raw():
            yield from inflater.feed(raw)
    except zlib.error:
        raise MalformedResponse(
            f"the body could not be decoded (bad {encoding} data)", request=described
        ) from None


def read_body(response: httpx.Response, limits: Limits, described: str) -> bytes:
    """The decoded body of a streamed response, read within the limits: BodyTooLarge past
    one of them (see iter_decoded for the other errors)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_wire_bytes:
        raise _too_large(
            f"announces {int(declared):,} bytes, more than",
            limits.max_wire_bytes,
            described,
            wire=True,
        )
    out = io.BytesIO()
    for piece in iter_decoded(response, described):
        if response.num_bytes_downloaded > limits.max_wire_bytes:
            raise _too_large("goes on past", limits.max_wire_bytes, described, wire=True)
        if out.tell() + len(piece) > limits.max_body_bytes:
            raise _too_large("inflates past", limits.max_body_bytes, described)
        out.write(piece)
    return out.getvalue()


def _too_large(how: str, limit: int, described: str, *, wire: bool = False) -> BodyTooLarge:
    name = "max_wire_bytes" if wire else "max_body_bytes"
    return BodyTooLarge(
        f"the body {how} {size(limit)}, the largest answer accepted ({name}); "
        "no real answer is this large: check the server's address or ask for less",
        limit=name,
        request=described,
    )


class UnreadableNumber(ValueError):
    """A number in a JSON body that no figure can be: not finite, or beyond a float."""


def _refuse_constant(name: str) -> Any:
    raise UnreadableNumber(f"a number that is not finite ({name})")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnreadableNumber(f"a number beyond a float's range ({text[:40]})")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > _LONGEST_INT:
        raise UnreadableNumber(f"a number of {len(text)} digits")
    return int(text)


def _escaped(value: Any) -> Any:
    """`value` with every string that cannot be written as UTF-8 escaped."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {_escaped(key): _escaped(item) for key, item in value.items()}
    return value


def parse_json(data: bytes) -> Any:
    """The JSON document in `data`; ValueError (or RecursionError, for nesting too deep to
    read) when it is not JSON or holds a number that is not finite."""
    text = data.decode("utf-8-sig", "surrogateescape")
    value = json.loads(
        text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int
    )
    return _escaped(value) if _UNWRITABLE.search(text) else value


def json_error(error: Exception) -> str:
    """What was wrong with a body that `parse_json` refused, in words."""
    if isinstance(error, UnreadableNumber):
        return f"the body holds {error}, which no figure can be"
    if isinstance(error, RecursionError):
        return "the body is not JSON that can be read (nested too deep)"
    return "the body is not JSON"
