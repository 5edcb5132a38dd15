"""The `analytics-explorer` command: the GUI by default, and headless sub-commands."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from explorer.serve_command import SEED, add_sandbox_parser, timestamp_ms

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_CRASH = 70  # an unexpected error (a bug): see the crash report
FILE_OPTIONS = (
    "out",
    "data_dir",
    "rules_file",
    "store",
    "file",
    "exploration_file",
)  # file names may hold any bytes (surrogate escapes)
POSITIONALS = ("kind", "metric", "aggregation", "breakdown", "video_id", "session_id")


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    from explorer.services.sources import keys

    api_kinds = keys()  # the kinds of source (explorer.services.sources.KINDS)
    group = parser.add_argument_group(
        "connection", "With none of these, the built-in sandbox serves the data."
    )
    group.add_argument(
        "--base-url", help="production, sandbox, or a URL (a proxy, a local sandbox)"
    )
    group.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="the environment variable holding the API key (never pass a key as an argument); "
        "with --account, instead of the keyring",
    )
    group.add_argument(
        "--account",
        metavar="NAME",
        help="a saved account (the app's Accounts dialog); its key comes from the keyring",
    )
    group.add_argument(
        "--api-kind",
        choices=api_kinds,
        help="the API at --base-url: api.video's (default) or the VideoCloud analytics API",
    )
    group.add_argument("--sandbox", action="store_true", help="use the built-in sandbox (default)")
    group.add_argument(
        "--sandbox-flavor",
        choices=api_kinds,
        help="the API the built-in sandbox serves (default apivideo)",
    )
    group.add_argument("--sandbox-scale", choices=("small", "default", "large"), default="default")
    group.add_argument("--sandbox-seed", type=SEED, default=1)
    group.add_argument("--sandbox-now", type=timestamp_ms, default=None, help=argparse.SUPPRESS)


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--out", metavar="FILE", help="write here (atomically) instead of stdout")
    parser.add_argument("--tz", default=_local_zone(), help="IANA time zone for times shown")


def _local_zone() -> str:
    from explorer.domain.timerange import local_zone_name

    return local_zone_name()


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """Run `explorer.commands.<name>` through its `execute`, importing the commands (the API
    clients, their models, the sandbox) only when a command runs: the window needs none of
    them before its first paint."""

    def run(args: argparse.Namespace) -> int:
        from explorer import commands

        code: int = commands.execute(getattr(commands, name), args)
        return code

    return run


def _compare_command() -> Any:
    return __import__("explorer.compare_command").compare_command


def _run_query(args: argparse.Namespace) -> int:
    """A plain query, or a split or comparison of one (explorer/compare_command.py)."""
    forms = _compare_command()
    if forms.is_split_or_compare(args):
        code: int = forms.run_query_forms(args)
        return code
    return _command("run_query")(args)


def _drilldown_sessions(args: argparse.Namespace) -> int:
    """`sessions`: a period's listing, or the sessions behind a number (a window)."""
    from explorer import commands, drilldown_command

    code: int = commands.execute(drilldown_command.run_sessions, args)
    return code


def _add_query_parser(commands: argparse._SubParsersAction[Any]) -> None:
    from explorer.domain import catalogue as cat

    query = commands.add_parser("query", help="run an analytics query")
    kinds = query.add_subparsers(title="kinds", metavar="KIND", required=True)
    shapes = {
        "metrics": ("one aggregated value", ["aggregation"]),
        "buckets": ("a breakdown by a dimension", ["breakdown"]),
        "timeseries": ("values over time", []),
    }
    for kind, (summary, positionals) in shapes.items():
        sub = kinds.add_parser(kind, help=f"api.video: {summary}")
        sub.add_argument("metric", choices=sorted(cat.METRICS[cat.Endpoint(kind)]))
        for name in positionals:
            choices = sorted(cat.AGGREGATIONS) if name == "aggregation" else sorted(cat.BREAKDOWNS)
            sub.add_argument(name, choices=choices)
        sub.add_argument("--from", dest="start", metavar="TIME", help="RFC 3339 or YYYY-MM-DD")
        sub.add_argument("--to", dest="end", metavar="TIME", help="exclusive end")
        sub.add_argument("--last", metavar="DURATION", help="e.g. 90m, 24h, 7d")
        sub.add_argument(
            "--period",
            metavar="NAME",
            help="said aloud, in --tz: yesterday, 'this week', 'last week', 'this month', "
            "'last month', 'last Tuesday', 'same time last week'",
        )
        if kind == "timeseries":
            sub.add_argument("--interval", choices=list(cat.INTERVALS))
        sub.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE[,VALUE]")
        sub.add_argument("--unique", action="store_true")
        sub.add_argument("--view-duration", choices=cat.VIEW_DURATIONS)
        if kind != "metrics":
            sub.add_argument("--sort-by", choices=cat.SORT_BY[cat.Endpoint(kind)])
            sub.add_argument("--sort-order", choices=cat.SORT_ORDERS)
        _compare_command().add_query_options(sub)
        _add_output_options(sub)
        _add_connection_options(sub)
        sub.set_defaults(kind=kind, run=_run_query)
    _add_videocloud_reports(kinds)


def _name_list(allowed: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
        unknown = [n for n in names if n not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"{', '.join(unknown) or 'nothing'}: choose among {', '.join(allowed)}"
            )
        return names

    return parse


def _top(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("between 1 and 100")
    return value


def _add_videocloud_reports(kinds: argparse._SubParsersAction[Any]) -> None:
    """`query video ID`, `query summary`…: the reports of a VideoCloud source."""
    from explorer.domain import videocloud_catalogue as vc
    from explorer.domain.videocloud_catalogue import DEFAULT_PERIODS, USER_METRICS, VIDEO_METRICS

    summaries = {
        "video": "VideoCloud: one video's views, engagement and performance",
        "summary": "VideoCloud: totals and the top videos",
        "users": "VideoCloud: active users, growth by source, retention cohorts",
        "user-engagement": "VideoCloud: session length, pages, bounces, by user type and hour",
        "system-health": "VideoCloud: uptime, response times, errors, resources",
        "system-performance": "VideoCloud: API requests, processing queues, storage",
    }
    for report, summary in summaries.items():
        sub = kinds.add_parser(report, help=summary, description=summary)
        periods = vc.SYSTEM_PERIODS if report.startswith("system-") else vc.PERIODS
        if report == "video":
            sub.add_argument("video_id", metavar="ID")
        sub.add_argument(
            "--period", choices=periods, default=DEFAULT_PERIODS[report], help="default %(default)s"
        )
        if report in ("video", "users"):
            allowed = VIDEO_METRICS if report == "video" else USER_METRICS
            sub.add_argument(
                "--metrics",
                type=_name_list(allowed),
                metavar=",".join(allowed),
                help="comma-separated (default: all)",
            )
        if report == "video":
            sub.add_argument("--group-by", choices=vc.GROUP_BY, help="the timelines' step")
            sub.add_argument(
                "--compare",
                action=argparse.BooleanOptionalAction,
                default=True,
                help="the change against the previous period (default: on)",
            )
        if report == "summary":
            sub.add_argument("--top", type=_top, metavar="N", help="how many top videos")
        _add_output_options(sub)
        _add_connection_options(sub)
        sub.set_defaults(kind=report, run=_command("run_report"))


def _add_listing_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    from explorer.domain.counting import COUNTED_METRICS

    assets = commands.add_parser("assets", help="list videos, live streams or players")
    assets.add_argument("kind", choices=("videos", "live-streams", "players"))
    assets.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="VideoCloud: write the videos listed even when the API counts more",
    )
    _add_output_options(assets)
    _add_connection_options(assets)
    assets.set_defaults(run=_command("run_assets"))

    sessions = commands.add_parser("sessions", help="player sessions of a video or live stream")
    target = sessions.add_mutually_exclusive_group(required=True)
    target.add_argument("--video", metavar="ID")
    target.add_argument("--live-stream", metavar="ID")
    sessions.add_argument(
        "--period",
        help="2026-03-01, 2026-W10, 2026-03, 2026 or 2026-03-01/2026-03-09 (UTC days); or "
        "said aloud in --tz: yesterday, 'last week', 'this month', 'last Tuesday'…",
    )
    sessions.add_argument("--from", dest="start", metavar="TIME", help="RFC 3339 or YYYY-MM-DD")
    sessions.add_argument("--to", dest="end", metavar="TIME", help="exclusive end")
    sessions.add_argument(
        "--counted-in",
        choices=COUNTED_METRICS,
        help="only the sessions this metric counted in the window (play: playing at some "
        "moment of it); without it, a window lists the sessions loaded in it",
    )
    sessions.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="DIMENSION=VALUE",
        help="the API's dimension names and values: country=FR, device-type=phone, "
        "browser=safari (several: all must match)",
    )
    sessions.add_argument(
        "--view-duration", choices=("3s", "5s", "10s", "30s"), help="with --counted-in view"
    )
    sessions.add_argument("--metadata", action="append", default=[], metavar="KEY=VALUE")
    sessions.add_argument("--with-events", action="store_true", help="one row per event")
    _add_output_options(sessions)
    _add_connection_options(sessions)
    sessions.set_defaults(run=_drilldown_sessions)

    events = commands.add_parser("events", help="the events of one player session")
    events.add_argument("session_id")
    _add_output_options(events)
    _add_connection_options(events)
    events.set_defaults(run=_command("run_events"))


def _run_gui(args: argparse.Namespace) -> int:
    if getattr(args, "exploration_file", None) is not None:  # `open FILE`
        from explorer.exploration_command import check_file

        refused = check_file(args)
        if refused is not None:
            return refused
    from explorer.app import run_gui

    return run_gui(args)


def _run_self_test() -> int:
    try:
        from explorer.selftest import run_self_test
    except (ImportError, OSError) as error:  # a package without a module or library it needs
        print(f"self-test failed: {error}", file=sys.stderr)
        return 1
    return run_self_test()


class _StrictParser(argparse.ArgumentParser):
    """No abbreviated options: `--api-key` must not silently mean `--api-key-env`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analytics-explorer",
        allow_abbrev=False,
        description="Explore api.video audience analytics. With no command, opens the window.",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation offscreen (sandbox, queries, charts, CSV) and exit",
    )
    parser.add_argument(
        "--log-level",
        choices=("debug", "info", "warning"),
        help="how much goes to the log file in the log dir (default: $EXPLORER_LOG_LEVEL or "
        "info); keys and tokens never do",
    )
    parser.set_defaults(run=_run_gui)
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", parser_class=_StrictParser
    )
    _add_query_parser(commands)
    _add_listing_parsers(commands)
    __import__("explorer.retention_command").retention_command.add_parsers(
        commands, _add_output_options, _add_connection_options
    )
    _compare_command().add_rank_parser(commands, _add_output_options, _add_connection_options)
    __import__("explorer.alert_command").alert_command.add_parser(commands, _add_connection_options)
    __import__("explorer.exploration_command").exploration_command.add_parsers(
        commands, _add_connection_options, _run_gui
    )
    add_sandbox_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes a few hundred thousand objects (modules, classes, schemas) that live as
    # long as the process; collecting them as they come costs ~45 ms of a ~0.5 s start. The
    # collector pauses until the window is built (explorer.app.run_gui), or the command runs.
    # Where the window's own collector already runs (explorer.ui.bridge.gui_collector:
    # a test calling main in-process), automatic collection stays off throughout.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv, collecting)
    except KeyboardInterrupt:  # Ctrl+C before or after a command's own handling
        return _stopped(signal.SIGINT)
    finally:
        if collecting:
            gc.enable()


def _undecodable(args: argparse.Namespace) -> str | None:
    """The first argument (not a file name) holding bytes that are not valid UTF-8: what
    os.fsdecode makes of them are lone surrogates, which no encoder takes."""
    for name, value in vars(args).items():
        if name in FILE_OPTIONS:
            continue
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and any("\ud800" <= c <= "\udfff" for c in text):
                shown = name.upper() if name in POSITIONALS else "--" + name.replace("_", "-")
                return f"{shown} {text!r}"
    return None


def _main(argv: Sequence[str] | None, collecting: bool) -> int:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")  # never a crash on odd text
    parser = build_parser()
    args = parser.parse_args(argv)
    bad = _undecodable(args)
    if bad:
        parser.error(f"{bad}: holds bytes that are not valid UTF-8 text; type it again")
    if collecting and (args.run is not _run_gui or args.self_test):
        gc.enable()
    if args.self_test:
        if args.run is not _run_gui:
            parser.error("--self-test runs on its own, without a command")
        return _run_self_test()
    if args.run is _run_gui:
        gui: int = _run_gui(args)  # run_gui sets up its own logging and crash reports
        return gui
    return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    """Run a command with logging set up; an unexpected error writes a crash report and is
    told in one line (exit code 70), never as a traceback."""
    from explorer.services.diagnostics import CrashHandler, CrashReport, setup_logging
    from explorer.services.stop_signals import Stopped, raised_as_exceptions

    def say(report: CrashReport) -> None:
        where = f"a crash report is in {report.path}" if report.path else report.problem
        print(f"analytics-explorer: unexpected error: {report.summary} ({where})", file=sys.stderr)

    logs = setup_logging(args.log_level)
    crashes = CrashHandler(say).install()
    try:
        with raised_as_exceptions():
            result: int = args.run(args)
    except KeyboardInterrupt:
        return _stopped(signal.SIGINT)
    except Stopped as stop:
        return _stopped(stop.signum)
    except Exception as error:
        crashes.report(error)
        return EXIT_CRASH
    finally:
        crashes.uninstall()
        logs.close()
    return result


def _stopped(signum: int) -> int:
    """Say that a signal ended the command; its exit code (130 for Ctrl+C)."""
    from explorer.services.std_streams import say
    from explorer.services.stop_signals import exit_code, signal_name

    how = " (Ctrl+C)" if signum == signal.SIGINT else ""
    say(
        f"analytics-explorer: stopped by {signal_name(signum)}{how}; "
        "any file being written was left as it was"
    )
    return exit_code(signum)


if __name__ == "__main__":
    raise SystemExit(main())
