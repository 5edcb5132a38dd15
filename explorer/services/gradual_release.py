"""Free big structures a piece at a time on a thread of their own: no thread holds the GIL long.

Dropping the last reference to a hundred thousand session rows frees over half a million
objects in one call, which holds the GIL for 15 to 60 ms: whichever thread drops them, the GUI
thread waits as long. `release_gradually(pieces)` takes over pieces that between them hold the
last references (a list's pages, say) and frees them one by one on a short-lived thread that
hands the GIL over between pieces (without that, the GUI thread waited up to a switch interval
at each of its many takes of the GIL: 25 ms in all, against 40 ms for the drop at once).
`release_when_freed(owner, pieces)` does so once `owner` is freed (the owner's own references
then go cheaply: the pieces still hold what they point to).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable

THREAD_NAME = "gradual-release"


def release_gradually(pieces: Iterable[object]) -> None:
    """Free `pieces` one at a time on a thread of their own; the caller keeps no reference
    to them (a list given is emptied: its items move to that thread, lest the list free them
    where it is dropped). At interpreter shutdown (no new threads) they are freed here."""
    queue = list(pieces)
    if isinstance(pieces, list):
        pieces.clear()
    if not queue:
        return
    try:
        threading.Thread(target=_free, args=(queue,), name=THREAD_NAME, daemon=True).start()
    except RuntimeError:  # "can't create new thread at interpreter shutdown"
        queue.clear()


def _free(queue: list[object]) -> None:
    while queue:
        queue.pop()  # one piece's objects
        time.sleep(0)  # hand the GIL over, if someone waits for it, before the next piece


def release_when_freed(owner: object, pieces: Iterable[object]) -> None:
    """Keep `pieces` until `owner` is freed, then `release_gradually` them."""
    finalizer = weakref.finalize(owner, release_gradually, list(pieces))
    finalizer.atexit = False  # at exit, nobody waits for a window any more
