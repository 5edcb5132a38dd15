"""Text from viewers made safe to show: escaped for a terminal, neutralised for a spreadsheet.

Referrer URLs, metadata and titles are set by whoever embeds the player, so they may hold
escape sequences (a terminal would run them) or spreadsheet formulas (a spreadsheet would).
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional overrides and isolates reorder what a terminal shows ("Trojan source").
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
# Injection"): = + - @, and tab and carriage return, which some spreadsheets skip first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"  # a leading quote: the spreadsheet shows the rest as text

# A plain number, maybe signed, maybe a percentage: -3.5, +2, -1e-05, -12.5%. A spreadsheet
# reads it as a number, never as a formula, so it is written as it is.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def _unsafe(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or char in _BIDI_CONTROLS


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """`text` with every control character (C0, DEL, C1: ESC sequences, OSC titles, tabs and
    newlines too), lone surrogate and bidirectional override shown escaped, like `\\x1b`."""
    if text.isprintable() and not any(c in _BIDI_CONTROLS for c in text):
        return text  # the common case, at C speed
    return "".join(_escape(c) if _unsafe(c) else c for c in text)


def for_spreadsheet(cell: str) -> str:
    """`cell`, with a leading quote if a spreadsheet would run it as a formula; numbers
    (-3.5, +2, 1e-05, -12%) are left as they are."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return FORMULA_GUARD + cell
    return cell
