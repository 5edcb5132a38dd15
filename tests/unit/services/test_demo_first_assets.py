"""The demo's assets, handed over as soon as the generator made them (issue 21: the tree fills
on a first launch before the sessions are generated), are those the running sandbox lists."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from explorer.sandbox.clock import instant_ms
from explorer.services.connection import SandboxOptions
from explorer.services.source import Assets
from explorer.services.sources.apivideo.source import ApiVideoSource

NOW_MS = instant_ms("2026-03-10T13:00:00Z")


def _facts(assets: Assets) -> list[tuple[Any, ...]]:
    return [(a.kind, a.asset_id, a.title, a.facts, a.tags, a.player_url) for a in assets.items]


def test_the_first_assets_come_before_the_sessions_and_match_the_listings(tmp_path: Path) -> None:
    heard: list[tuple[str, Any]] = []
    seen: list[Assets] = []

    def progress(done: int, total: int) -> None:
        heard.append(("progress", done))

    def first_assets(assets: Assets) -> None:
        seen.append(assets)
        heard.append(("assets", threading.current_thread().name))

    options = SandboxOptions(scale="small", data_dir=tmp_path, now_ms=NOW_MS)
    source = ApiVideoSource.demo(options, progress, first_assets)
    try:
        listed = source.load_assets()
    finally:
        source.close()
    assert len(seen) == 1
    kinds = {a.kind for a in seen[0].items}
    assert kinds == {"video", "live-stream", "player"}
    # the same assets, in the same order, with the same facts (times shifted alike)
    assert _facts(seen[0]) == _facts(listed)
    # before any session was simulated: only the first "0%" was said before them
    said = [step for step, _ in heard]
    assets_at = said.index("assets")
    assert all(done == 0 for kind, done in heard[:assets_at] if kind == "progress")
    assert any(kind == "progress" and done > 0 for kind, done in heard[assets_at:])


def test_an_existing_dataset_hands_nothing_over(tmp_path: Path) -> None:
    options = SandboxOptions(scale="small", data_dir=tmp_path, now_ms=NOW_MS)
    ApiVideoSource.demo(options).close()  # generated
    seen: list[Assets] = []
    source = ApiVideoSource.demo(options, None, seen.append)
    source.close()
    assert seen == []  # the listing comes from the sandbox at once instead
