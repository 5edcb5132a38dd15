"""PySide6's check of each newly imported module, made cheap: start-up imports hundreds.

Once PySide6 is loaded, every module imported after it is checked for the text "PySide6"
(its ``__feature__`` machinery, ``PySide6.support.feature._mod_uses_pyside``) through
``inspect.getsource``: tens of milliseconds over the modules a worker imports while the
window starts (httpx, the API client, the sandbox). The same question, answered by reading
the module's file once, costs a tenth of that. The app selects no ``__feature__``, so the
answer only ever sorts modules; it is kept exact all the same.
"""

from __future__ import annotations

import sys
from types import ModuleType


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source file says "PySide6" (False when it has none)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def lighten_feature_check() -> bool:
    """Put `mentions_pyside` in place of PySide6's check; False if this PySide6 has none."""
    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = mentions_pyside  # type: ignore[attr-defined]
    return True
