"""The `analytics-explorer` command: the GUI by default, and headless sub-commands."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType

EXIT_OK = 0
EXIT_USAGE = 2


def _timestamp_ms(text: str) -> int:
    try:
        value = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 timestamp: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone offset, e.g. {text}+00:00")
    return int(value.timestamp() * 1000)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a fraction between 0 and 1")
    return value


def _add_sandbox_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from explorer.sandbox.auth import DEFAULT_API_KEY
    from explorer.sandbox.server import DEFAULT_RATE_LIMIT

    sandbox = commands.add_parser(
        "sandbox",
        help="serve the built-in api.video-compatible sandbox",
        description="Serve a local api.video-compatible API over simulated player events.",
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=0, help="0 picks a free port")
    sandbox.add_argument("--api-key", default=DEFAULT_API_KEY)
    sandbox.add_argument("--seed", type=int, default=1)
    sandbox.add_argument("--scale", choices=("small", "default", "large"), default="default")
    sandbox.add_argument("--data-dir", type=Path, default=None)
    sandbox.add_argument("--now", type=_timestamp_ms, default=None, help="pin the clock")
    sandbox.add_argument("--rate-limit", type=int, default=DEFAULT_RATE_LIMIT, metavar="PER_MINUTE")
    sandbox.add_argument("--latency-ms", type=int, default=0)
    sandbox.add_argument("--fault-rate", type=_fraction, default=0.0, metavar="FRACTION")
    sandbox.add_argument(
        "--allow-remote", action="store_true", help="listen on a non-loopback host (unsafe)"
    )
    sandbox.set_defaults(run=_run_sandbox)


def _run_sandbox(args: argparse.Namespace) -> int:
    from explorer.sandbox.clock import Clock
    from explorer.sandbox.database import open_dataset
    from explorer.sandbox.faults import FaultPlan
    from explorer.sandbox.server import SandboxService

    print(f"opening the {args.scale} dataset (seed {args.seed})…", file=sys.stderr, flush=True)
    dataset = open_dataset(args.seed, args.scale, args.data_dir)
    try:
        service = SandboxService(
            dataset,
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            clock=Clock(args.now),
            rate_limit=args.rate_limit,
            faults=FaultPlan(rate=args.fault_rate, latency_ms=args.latency_ms, seed=args.seed),
            allow_remote=args.allow_remote,
        )
    except (ValueError, OSError) as error:
        print(f"analytics-explorer sandbox: {error}", file=sys.stderr)
        return EXIT_USAGE
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    service.start()
    print(f"base URL: {service.base_url}", flush=True)
    print(f"API key: {args.api_key}", flush=True)
    while not stopped.wait(0.5):
        pass
    service.stop()
    print("sandbox stopped", file=sys.stderr, flush=True)
    return EXIT_OK


def _run_gui(args: argparse.Namespace) -> int:
    from explorer.app import run_gui

    return run_gui(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analytics-explorer",
        description="Explore api.video audience analytics. With no command, opens the window.",
    )
    parser.set_defaults(run=_run_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_sandbox_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
