"""The one exception the store raises, and how SQLite's failures map onto it."""

from __future__ import annotations

import sqlite3

# SQLite's primary result codes (extended ones like SQLITE_IOERR_WRITE share the prefix).
_CORRUPTION = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_WORDS = {
    "SQLITE_BUSY": "it is in use by another program (is Analytics Explorer open twice?)",
    "SQLITE_LOCKED": "it is in use by another program (is Analytics Explorer open twice?)",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the file or its folder is read-only",
    "SQLITE_PERM": "permission was denied",
    "SQLITE_CANTOPEN": "the file could not be opened (check that its folder is writable)",
    "SQLITE_IOERR": "the disk reported an input/output error",
    "SQLITE_CORRUPT": "the file is damaged",
    "SQLITE_NOTADB": "the file is not a database",
}


class StoreError(Exception):
    """The local store cannot do what was asked; the message says why, in words."""


def is_corruption(error: sqlite3.Error) -> bool:
    """True when SQLite says the file itself is damaged or is not a database."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(_CORRUPTION)


def is_environmental(error: sqlite3.Error) -> bool:
    """True when the failure comes from around the file (locks, disk, rights), not its content."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return any(name.startswith(code) for code in _WORDS) and not is_corruption(error)


def explain(error: sqlite3.Error) -> str:
    """SQLite's failure in words a person can act on."""
    name = getattr(error, "sqlite_errorname", "") or ""
    for code, words in _WORDS.items():
        if name.startswith(code):
            return words
    return str(error) or type(error).__name__


def store_error(action: str, error: sqlite3.Error) -> StoreError:
    """``StoreError("The local store could not <action>: <why>")`` chained to ``error``."""
    wrapped = StoreError(f"The local store could not {action}: {explain(error)}.")
    wrapped.__cause__ = error
    return wrapped
