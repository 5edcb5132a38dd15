"""Keep the GUI thread responsive while workers make many objects: the collector and the GIL.

Python runs one thread at a time, so a garbage collection on a worker, or a worker that keeps
the GIL, stalls the GUI as surely as work on the GUI thread. Two process-wide settings, made
once the window is up (before a long list is fetched, at the latest):

* the objects alive then (modules, widgets, the catalogue: some 100,000 of them) are frozen
  out of the collector's passes (`gc.freeze`). Every full collection walked them all, 50 to
  150 ms each, and listing 100,000 sessions set off about thirty of them; the young objects
  are collected first, so only what is really alive is frozen;
* a thread that waits for the GIL asks for it after 1 ms instead of 5 (`sys.setswitchinterval`):
  with a handful of workers parsing pages, the GUI thread otherwise queued behind several of
  them in turn.

What a long list does to keep out of the GUI's way lives with the list: its rows sit in
containers the collector does not walk (session_rows.py, session_table_model.py), its pages are
fetched a few at a time on workers of lower CPU priority (api/pagination.py), and a dropped
list is freed a page at a time (services/gradual_release.py).

Measured with `python tests/benchmarks/run.py sessions` (README, Figures).
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001
_state = {"done": False}


def keep_gui_responsive() -> bool:
    """Freeze the long-lived heap and shorten the GIL's switch interval, once per process;
    True when this call did it."""
    if _state["done"]:
        return False
    _state["done"] = True
    gc.collect(1)  # the young generations only: cheap, and their garbage is not kept
    gc.freeze()
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
    return True
