"""`analytics-explorer check RULES_FILE`: check alert rules once, headless, for cron and CI.

Prints one line per rule (FIRED, ok, skipped, FAILED) and, for each that fired, the query
command that shows it. Exit codes: 0 none fired, 1 some fired, 2 the rules file is bad (its
line and why) or the command line is, 3 a rule could not be checked (API error; none fired),
4 the same for a network failure. Anomalies read and extend the local store's hourly history
(the app's store unless --store or --no-store says otherwise).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.services.alert_checks import Round

EXIT_NONE_FIRED, EXIT_FIRED, EXIT_BAD_RULES, EXIT_API, EXIT_NETWORK = 0, 1, 2, 3, 4
AddOptions = Callable[[argparse.ArgumentParser], None]


def add_parser(commands: argparse._SubParsersAction[Any], connection: AddOptions) -> None:
    check = commands.add_parser(
        "check",
        help="check alert rules once: exit 0 none fired, 1 some fired, 2 a bad rules file",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    check.add_argument("rules_file", metavar="RULES_FILE", help="the rules (TOML; see the README)")
    where = check.add_mutually_exclusive_group()
    where.add_argument(
        "--store", metavar="FILE", help="the local store holding the history (default: the app's)"
    )
    where.add_argument(
        "--no-store", action="store_true", help="keep no history: anomalies fetch theirs each time"
    )
    connection(check)
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    from explorer import commands as run
    from explorer.api.errors import ApiError, NetworkError
    from explorer.domain.alerts import RulesError
    from explorer.services.alert_checks import read_rules
    from explorer.services.sources import APIVIDEO
    from explorer.services.std_streams import PipeClosed, say
    from explorer.services.table_files import ExportError

    try:
        rules = read_rules(Path(args.rules_file))
    except RulesError as error:
        say(f"analytics-explorer: {args.rules_file}: {error}")
        return EXIT_BAD_RULES
    try:
        found = run.require(args, APIVIDEO, "check")
        with run.connect(args, found) as source:
            store = _attach_store(source, args)
            now = source.now if found.base_url is None else run.now  # the demo's clock
            try:
                checked = _check(source, rules, now)
            finally:
                if store is not None:
                    store.close()
    except run.UsageError as error:
        say(f"analytics-explorer: {error}")
        return EXIT_BAD_RULES
    except ApiError as error:
        say(f"analytics-explorer: {error}")
        return EXIT_NETWORK if isinstance(error, NetworkError) else EXIT_API
    try:
        _print(checked)
    except PipeClosed:
        pass  # the reader has what it wanted: the exit code still tells
    except ExportError as error:
        say(f"analytics-explorer: {error}")
    if checked.fired:
        return EXIT_FIRED
    if checked.failed:
        network = all(isinstance(e, NetworkError) for e in checked.errors)
        return EXIT_NETWORK if network else EXIT_API
    return EXIT_NONE_FIRED


def _attach_store(source: Any, args: argparse.Namespace) -> Any:
    """The local store attached to ``source`` (None with --no-store or when it cannot open:
    then anomalies fetch their history each time, and stderr says so)."""
    if args.no_store:
        return None
    from explorer.services.std_streams import say
    from explorer.store import StoreError, open_store

    try:
        opened = open_store(Path(args.store) if args.store else None)
    except StoreError as error:
        say(f"analytics-explorer: working without the local store: {error}")
        return None
    if opened.notice:
        say(f"analytics-explorer: {opened.notice}")
    source.attach_store(opened.store)
    return opened.store


def _check(source: Any, rules: Any, now: Any) -> Round:
    from explorer.domain.cancel import CancelToken
    from explorer.services.alert_checks import AlertChecks
    from explorer.services.std_streams import say

    checked = AlertChecks(source, now).run(rules, CancelToken())
    say(f"analytics-explorer: {len(rules.rules)} rules checked in {checked.requests} requests")
    return checked


def _print(checked: Round) -> None:
    from explorer.services.alert_checks import query_command
    from explorer.services.std_streams import write_stdout

    labels = {"fired": "FIRED", "quiet": "ok", "skipped": "skipped", "failed": "FAILED"}
    lines = []
    for outcome in checked.outcomes:
        lines.append(f"{labels[outcome.state]:<8}{outcome.rule.name}: {outcome.text}")
        if outcome.fired and outcome.query is not None:
            lines.append(f"{'':<8}shown by: {query_command(outcome.query)}")
    write_stdout("\n".join(lines) + "\n")
