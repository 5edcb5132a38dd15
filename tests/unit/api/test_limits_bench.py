"""A smoke-size run of the limits benchmark (tests/benchmarks/bench_limits.py): it runs, each
read ends at its limit, and the figures stay near the limits they answer to (generous bounds:
RSS is the whole child's, on a busy machine)."""

from __future__ import annotations

from explorer.api.limits import Limits
from tests.benchmarks.bench_limits import measure

SMOKE = Limits(max_body_bytes=1024 * 1024, max_wire_bytes=1024 * 1024, request_deadline_s=1.0)


def test_the_limits_benchmark_at_smoke_size() -> None:
    figures, outcomes = measure(SMOKE, bomb_mib=64, trickle_every_s=0.05)
    value = {figure.name: figure.value for figure in figures}
    assert outcomes["bomb"].startswith("BodyTooLarge: ")
    assert outcomes["endless"].startswith("BodyTooLarge: ")
    assert outcomes["trickle"].startswith("DeadlineExceeded: ")
    assert value["limits.max_body_bytes"] == 1.0
    # 64 MiB inflated would show as 64+ MiB of growth; the limit keeps it near 1 MiB
    assert value["limits.bomb.peak_rss_growth"] < 32
    assert value["limits.endless.peak_rss_growth"] < 32
    assert value["limits.trickle.gave_up_after"] >= SMOKE.request_deadline_s
