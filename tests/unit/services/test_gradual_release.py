"""Gradual release: pieces are freed on a thread of their own, after their owner when it has one."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable

from explorer.services.gradual_release import (
    THREAD_NAME,
    release_gradually,
    release_when_freed,
)


class Piece:
    """A stand-in for a page of rows: something a weak reference can watch."""


class Owner:
    """A stand-in for a SessionList."""


def wait_until(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def releasing() -> bool:
    return any(t.name == THREAD_NAME for t in threading.enumerate())


def test_pieces_are_freed_on_a_thread_that_then_ends() -> None:
    pieces = [Piece() for _ in range(50)]
    watched = [weakref.ref(piece) for piece in pieces]
    freed_on: set[str] = set()
    for ref in watched:
        weakref.finalize(ref(), lambda: freed_on.add(threading.current_thread().name))
    release_gradually(pieces)
    del pieces
    assert wait_until(lambda: all(ref() is None for ref in watched))
    assert freed_on == {THREAD_NAME}  # none of them on this thread
    assert wait_until(lambda: not releasing())


def test_nothing_to_release_starts_no_thread() -> None:
    release_gradually([])
    assert not releasing()


def test_pieces_outlive_their_owner_then_go() -> None:
    owner, piece = Owner(), Piece()
    watched = weakref.ref(piece)
    release_when_freed(owner, [piece])
    del piece
    gc.collect()
    assert watched() is not None  # the owner still lives: its pieces are kept
    del owner
    assert wait_until(lambda: watched() is None)
    assert wait_until(lambda: not releasing())
