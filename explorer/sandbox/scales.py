"""The sizes a simulated project comes in, and the simulator's version (in a dataset's name).

Apart from the simulator (explorer/sandbox/simulator.py) so that naming or reopening a cached
dataset, as every launch of the demo does, loads none of the generation code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """How big a simulated project is."""

    name: str
    videos: int
    live_streams: int
    players: int
    sessions: int


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale("small", videos=8, live_streams=2, players=2, sessions=1_500),
        Scale("default", videos=40, live_streams=5, players=3, sessions=50_000),
        Scale("large", videos=500, live_streams=10, players=6, sessions=500_000),
    )
}
SIMULATOR_VERSION = 2  # 2: the on-air stream's audience comes in waves
"""Part of a cached dataset's file name: bump it whenever generation changes its output."""
