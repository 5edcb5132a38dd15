"""Sessions made up in bulk for the session tests (the hand-built scenario has only eight)."""

from __future__ import annotations

from tests.support import scenario
from tests.support.handmade import S, ev

DAY = "2026-03-10"


def many(count: int) -> list[S]:
    """`count` sessions of video A, a second apart from 10:00, each ready-play-pause."""
    out = []
    for n in range(count):
        t = f"{DAY}T10:{n // 60:02d}:{n % 60:02d}"
        out.append(
            S(
                scenario.A,
                t + "+00:00",
                [ev("ready", t + ".100+00:00", at=0), ev("play", t + ".500+00:00", at=0)],
                ended_at=t + ".900+00:00",
                country="FR" if n % 3 else "US",
            )
        )
    return out
