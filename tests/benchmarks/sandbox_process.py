"""The sandbox in a process of its own, as an account's API is (on another machine): what the
window then stalls on in a GUI benchmark is its own work, not the server's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

KEY = "bench-own-process-Kq4Wm8Tz"


@contextmanager
def own_process(folder: Path, scale: str, latency_ms: int = 0) -> Iterator[Any]:
    """A source on `analytics-explorer sandbox` serving ``folder``'s dataset of ``scale``,
    adding ``latency_ms`` to each request, with no rate limit to speak of."""
    from explorer.api.secrets import Secret
    from explorer.services.sources import APIVIDEO

    command = [
        sys.executable, "-m", "explorer", "sandbox", "--port", "0", "--api-key-env", "BENCH_KEY",
        "--scale", scale, "--data-dir", str(folder), "--latency-ms", str(latency_ms),
        "--rate-limit", "1000000",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_KEY": KEY}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = ""
        while not line.startswith("base URL:"):
            line = server.stdout.readline()
            if not line:
                raise RuntimeError("the sandbox did not start")
        source = APIVIDEO.connect(line.split(":", 1)[1].strip(), Secret(KEY), "bench", "LOCAL")
        try:
            yield source
        finally:
            source.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
