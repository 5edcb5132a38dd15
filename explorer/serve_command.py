"""`analytics-explorer sandbox`: its options, the key it accepts, serving until a signal.

The key is generated for each run and printed once (never in the process list), or read from
the variable --api-key-env names; --api-key KEY still works, and its help says who sees it.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

EXIT_OK = 0
EXIT_USAGE = 2


def timestamp_ms(text: str) -> int:
    from explorer.sandbox.clock import instant_ms

    try:
        return instant_ms(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a fraction between 0 and 1")
    return value


def int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer in [low, high], else a sentence saying so."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


SEED = int_between(0, 2**32 - 1)


def add_sandbox_parser(commands: argparse._SubParsersAction[Any]) -> None:
    from explorer.sandbox.flavors import FLAVORS
    from explorer.sandbox.ratelimit import DEFAULT_RATE_LIMIT  # not the server: start-up

    sandbox = commands.add_parser(
        "sandbox",
        help="serve the built-in api.video-compatible sandbox",
        description="Serve a local api.video-compatible API over simulated player events.",
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument(
        "--port", type=int_between(0, 65535), default=0, help="0 picks a free port"
    )
    key = sandbox.add_mutually_exclusive_group()
    key.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="the environment variable holding the key to accept (default: a key generated "
        "for this run, printed once)",
    )
    key.add_argument(
        "--api-key",
        metavar="KEY",
        help="the key to accept; unsafe: every user of the machine sees it in the process "
        "list (prefer --api-key-env)",
    )
    sandbox.add_argument(
        "--flavor",
        choices=list(FLAVORS),
        default="apivideo",
        help="the API to serve: api.video's (default) or the VideoCloud analytics API",
    )
    sandbox.add_argument("--seed", type=SEED, default=1)
    sandbox.add_argument("--scale", choices=("small", "default", "large"), default="default")
    sandbox.add_argument("--data-dir", type=Path, default=None)
    sandbox.add_argument("--now", type=timestamp_ms, default=None, help="pin the clock")
    sandbox.add_argument(
        "--rate-limit",
        type=int_between(1, 1_000_000),
        default=DEFAULT_RATE_LIMIT,
        metavar="PER_MINUTE",
    )
    sandbox.add_argument("--latency-ms", type=int_between(0, 60_000), default=0)
    sandbox.add_argument("--fault-rate", type=_fraction, default=0.0, metavar="FRACTION")
    sandbox.add_argument(
        "--allow-remote", action="store_true", help="listen on a non-loopback host (unsafe)"
    )
    sandbox.set_defaults(run=run_sandbox)


def _sandbox_key(args: argparse.Namespace) -> tuple[str, str]:
    """(the key the sandbox accepts, how to show it): from --api-key-env, --api-key, or
    generated for this run (shown once on stdout, never in the process list)."""
    from explorer.services.connection import ConnectionSetupError, key_from_environment

    if args.api_key_env:
        try:
            value = key_from_environment(args.api_key_env).reveal()
        except ConnectionSetupError as error:
            raise ValueError(str(error)) from None
        return value, f"the value of ${args.api_key_env}"
    if args.api_key:
        return args.api_key, args.api_key
    generated = "sbx-" + secrets.token_urlsafe(24)
    return generated, generated


def run_sandbox(args: argparse.Namespace) -> int:
    from explorer.sandbox.clock import Clock
    from explorer.sandbox.database import open_dataset
    from explorer.sandbox.faults import FaultPlan
    from explorer.sandbox.server import SandboxService

    try:
        api_key, shown_key = _sandbox_key(args)
        print(f"opening the {args.scale} dataset (seed {args.seed})…", file=sys.stderr, flush=True)
        dataset = open_dataset(args.seed, args.scale, args.data_dir)
        service = SandboxService(
            dataset,
            host=args.host,
            port=args.port,
            api_key=api_key,
            clock=Clock(args.now),
            rate_limit=args.rate_limit,
            faults=FaultPlan(rate=args.fault_rate, latency_ms=args.latency_ms, seed=args.seed),
            allow_remote=args.allow_remote,
            flavor=args.flavor,
        )
    except (ValueError, OSError) as error:
        print(f"analytics-explorer sandbox: {error}", file=sys.stderr)
        return EXIT_USAGE
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    for number in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            signal.signal(number, on_signal)
    service.start()
    print(f"base URL: {service.base_url}", flush=True)
    print(f"API key: {shown_key}", flush=True)
    while not stopped.wait(0.5):
        pass
    service.stop()
    print("sandbox stopped", file=sys.stderr, flush=True)
    return EXIT_OK
