"""SIGKILL in the middle of an export: no partial file at the destination, an old file intact."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from explorer.sandbox.faults import FaultPlan
from tests.support import scenario
from tests.support.patience import PATIENCE_S
from tests.unit.conftest import Serve
from tests.unit.services.sessions_data import DAY, many

CHILD = """
import sys
from pathlib import Path
from explorer.api.client import ApiVideoClient
from explorer.api.secrets import Secret
from explorer.sandbox.auth import DEFAULT_API_KEY
from explorer.services.bulk_sessions_csv import ExportRequest, export_sessions
from explorer.services.sessions import Media, SessionService

base_url, path = sys.argv[1], Path(sys.argv[2])
client = ApiVideoClient(base_url, Secret(DEFAULT_API_KEY))
request = ExportRequest([Media(sys.argv[3], "video", "Algebra 1")], sys.argv[4], {}, "UTC", path)
export_sessions(
    SessionService(client), request, report=lambda p: print(p.rows_written, flush=True)
)
print("finished", flush=True)
"""
WATCHDOG_S = 20.0


def export_and_kill(base_url: str, path: Path) -> list[str]:
    """Start the export in a child process, SIGKILL it once rows are being written; returns
    what it printed."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, base_url, str(path), scenario.A, DAY],
        stdout=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(WATCHDOG_S, child.kill)  # a hung child fails, never hangs
    watchdog.start()
    printed: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            printed.append(line.strip())
            if line.strip().isdigit() and int(line) > 0:
                break  # rows are flowing into the temporary file
        assert child.poll() is None, f"the export ended before it could be killed: {printed}"
        child.send_signal(signal.SIGKILL)
        assert child.wait(PATIENCE_S) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
    return printed


@pytest.mark.parametrize("existing", [False, True], ids=["fresh", "existing"])
def test_sigkill_mid_export_leaves_the_destination_as_it_was(
    serve: Serve, tmp_path: Path, existing: bool
) -> None:
    api = serve(many(400), faults=FaultPlan(latency_ms=15), rate_limit=1_000_000)
    out = tmp_path / "out"
    out.mkdir()
    path = out / "sessions.csv"
    old = b"session_id\r\nan earlier export\r\n" * 100
    if existing:
        path.write_bytes(old)

    printed = export_and_kill(api.service.base_url, path)  # type: ignore[attr-defined]

    assert "finished" not in printed
    if existing:
        assert path.read_bytes() == old  # byte for byte
    else:
        assert not path.exists()
    assert not (out / "sessions.partial.csv").exists()
    leftover = [p.name for p in out.iterdir() if p != path]
    # what a SIGKILL cannot clean up: one hidden, recognisable temporary file, beside it
    assert len(leftover) == 1 and leftover[0].startswith(".sessions.csv.partial-")
