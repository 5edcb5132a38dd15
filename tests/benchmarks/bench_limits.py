"""The client's limits measured against a stub server (explorer.api.limits; issue 14).

Peak RSS while a decompression bomb (1 GiB of zeros, gzip) or an endless chunked body is
read, each against `max_body_bytes`; and the time to give up on a body trickling a byte at a
time (the per-read timeout never fires), against `request_deadline_s`. Each read runs in a
fresh child process that reports how far its peak RSS (VmHWM, reset just before the request;
Linux) rose above its RSS then, so neither its imports nor the benchmark process blur it.
`measure(limits, …)` takes other limits and sizes: the suite runs it small
(tests/unit/api/test_limits_bench.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from explorer.api.limits import Limits
from tests.benchmarks import Figure, benchmark
from tests.unit.api.badserver import BadServer, Endless, Reply, Trickle, bomb_reply

REPO = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024

CHILD = """
import json, sys, time
from explorer.api.auth import BasicAuth
from explorer.api.errors import ApiError
from explorer.api.http import Http
from explorer.api.limits import Limits
from explorer.api.secrets import Secret

def status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])

base_url, limits = sys.argv[1], Limits(**json.loads(sys.argv[2]))
http = Http(base_url, BasicAuth(Secret("bench-key-Tq4Wm8")), limits=limits)
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # Linux: the peak RSS (VmHWM) starts again from the RSS now
before = status_kib("VmRSS")
started = time.monotonic()
try:
    http.get_json("/data")
    outcome = "no error"
except ApiError as error:
    outcome = type(error).__name__ + ": " + str(error)
took = time.monotonic() - started
after = status_kib("VmHWM")
print(json.dumps({"growth_kib": after - before, "seconds": took, "outcome": outcome}))
"""


def read_in_child(reply: Reply, limits: Limits) -> dict[str, object]:
    """Read `reply` with a fresh client in a child process: its RSS growth, time, outcome."""
    with BadServer(lambda request: reply) as server:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, server.base_url, json.dumps(asdict(limits))],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=600,
            check=True,
        )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(
    limits: Limits, bomb_mib: int, trickle_every_s: float
) -> tuple[list[Figure], dict[str, str]]:
    """The three figures with the limits they answer to, and how each read ended."""
    outcomes: dict[str, str] = {}
    figures = [
        Figure("limits.max_body_bytes", limits.max_body_bytes / MiB, "MiB"),
        Figure("limits.request_deadline_s", limits.request_deadline_s, "s"),
    ]
    runs: list[tuple[str, Reply]] = [
        ("bomb", bomb_reply("gzip", bomb_mib)),
        ("endless", Endless(give_up_s=max(60.0, limits.request_deadline_s * 3))),
    ]
    for name, reply in runs:
        result = read_in_child(reply, limits)
        growth = float(str(result["growth_kib"])) / 1024
        figures.append(Figure(f"limits.{name}.peak_rss_growth", growth, "MiB"))
        outcomes[name] = str(result["outcome"])
    trickle = Trickle(
        body=b" " * 100_000,
        every_s=trickle_every_s,
        give_up_s=limits.request_deadline_s * 3,
    )
    started = time.monotonic()
    result = read_in_child(trickle, limits)
    outcomes["trickle"] = str(result["outcome"])
    figures.append(Figure("limits.trickle.gave_up_after", float(str(result["seconds"])), "s"))
    figures.append(Figure("limits.trickle.wall", time.monotonic() - started, "s"))
    return figures, outcomes


@benchmark("limits")
def _() -> list[Figure]:
    figures, outcomes = measure(Limits(), bomb_mib=1024, trickle_every_s=0.5)
    for name, outcome in outcomes.items():
        print(f"# limits.{name}: {outcome}", file=sys.stderr)
    return figures
