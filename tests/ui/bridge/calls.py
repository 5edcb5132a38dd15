"""Continuations that write down what reached them, for the task runner's tests."""

from __future__ import annotations

import threading
from typing import Any

from explorer.ui.bridge.tasks import Task, TaskRunner


class Calls:
    """``runner.run(fn, owner=..., **calls.continuations())``: each continuation appends
    ``(name, value)`` to ``seen``, and the thread it ran on to ``threads``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.threads: set[str] = set()

    def _note(self, name: str, value: Any = None) -> None:
        self.threads.add(threading.current_thread().name)
        self.seen.append((name, value))

    def continuations(self) -> dict[str, Any]:
        return {
            "done": lambda result: self._note("done", result),
            "failed": lambda error: self._note("failed", error),
            "cancelled": lambda: self._note("cancelled"),
            "progressed": lambda done, total: self._note("progressed", (done, total)),
            "always": lambda: self._note("always"),
        }

    def streaming(self) -> dict[str, Any]:
        return {**self.continuations(), "yielded": lambda chunks: self._note("yielded", chunks)}

    def of(self, name: str) -> list[Any]:
        return [value for kind, value in self.seen if kind == name]

    def ended(self) -> bool:
        return bool(self.seen) and self.seen[-1][0] == "always"

    def run(self, runner: TaskRunner, fn: Any, *args: Any, owner: object, **kw: Any) -> Task:
        return runner.run(fn, *args, owner=owner, label="test", **self.continuations(), **kw)
