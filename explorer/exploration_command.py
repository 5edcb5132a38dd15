"""`analytics-explorer run FILE --out DIR` (answer a saved exploration headless, one CSV per
tab) and `analytics-explorer open FILE` (open it in the window). The file format:
explorer.domain.exploration; docs/exploration-format.md. The parsers load nothing heavy: the
window's first paint does not wait for the commands' modules (tests/ui/test_startup.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_USAGE = 0, 2


def add_parsers(
    commands_: argparse._SubParsersAction[Any],
    add_connection_options: Callable[[argparse.ArgumentParser], None],
    run_gui: Callable[[argparse.Namespace], int],
) -> None:
    run = commands_.add_parser(
        "run", help="answer a saved exploration's questions and write one CSV per tab"
    )
    run.add_argument("file", metavar="FILE", help="an exploration (.aexplore)")
    run.add_argument("--out", metavar="DIR", required=True, help="the folder for the CSV files")
    add_connection_options(run)
    run.set_defaults(run=lambda a: _execute(a))
    opened = commands_.add_parser("open", help="open a saved exploration in the window")
    opened.add_argument(
        "exploration_file", metavar="FILE", nargs="?", help="an exploration (.aexplore)"
    )
    opened.set_defaults(run=run_gui)


def _execute(args: argparse.Namespace) -> int:
    from explorer.domain.exploration import ExplorationError
    from explorer.services.std_streams import say

    try:
        return run_file(args)
    except ExplorationError as error:
        say(f"analytics-explorer: {error}")
        return EXIT_USAGE


def run_file(args: argparse.Namespace) -> int:
    """Answer every tab against the source the options name; its kind must be the file's."""
    from explorer import commands
    from explorer.api.errors import ApiError
    from explorer.commands import UsageError, connect, require
    from explorer.domain.cancel import CancelToken
    from explorer.domain.exploration import ExplorationError
    from explorer.domain.query import Query
    from explorer.domain.videocloud_catalogue import ReportRequest
    from explorer.services.exploration_files import load_exploration, run_exploration
    from explorer.services.query_history import remember
    from explorer.services.sources import kind_named
    from explorer.services.std_streams import say

    exploration = load_exploration(Path(args.file))
    kind_key = exploration.source_kind or "apivideo"
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        say(f"analytics-explorer: --out {out}: not a folder; give a folder for the CSV files")
        return EXIT_USAGE

    def answer(_args: argparse.Namespace) -> Any:
        found = require(args, kind_named(kind_key), "run")
        with connect(args, found) as source:
            for number, tab in enumerate(exploration.tabs, 1):
                question = tab.question
                problems = (
                    question.problems()
                    if isinstance(question, ReportRequest)
                    else question.validate(commands.now())
                )
                if problems:
                    raise UsageError(f"tab {number} ({tab.title}): " + "; ".join(problems))

            def ask(question: Any, cancel: CancelToken, progress: Any) -> Any:
                remember(source.account_id, source.label, question)
                if isinstance(question, Query | ReportRequest):
                    return source.run_query(question, cancel, progress)
                if source.comparisons is None:  # a split, comparison or ranking
                    raise UsageError(f"{source.label} offers no splits, comparisons or ranking")
                return commands.comparisons_of(source).answer(question, cancel, progress)

            needs_titles = any(
                getattr(t.question, "breakdown", None) == "media-id" for t in exploration.tabs
            )
            titles = commands.media_titles(source) if needs_titles else None
            try:
                written = run_exploration(exploration, ask, out, lambda _answer: titles)
            except ExplorationError as error:  # a partial answer: that file is not written
                raise ApiError(str(error)) from None
        for item in written:
            say(f"wrote {item.rows} rows to {item.path} ({item.title})")
        return None

    return commands.execute(answer, args)


def check_file(args: argparse.Namespace) -> int | None:
    """For `open FILE`: a clear sentence and exit 2 now, rather than a window that cannot
    show the file; None when it reads."""
    path = getattr(args, "exploration_file", None)
    if path is None:
        return None
    from explorer.domain.exploration import ExplorationError
    from explorer.services.exploration_files import load_exploration

    try:
        load_exploration(Path(path))
    except ExplorationError as error:
        print(f"analytics-explorer: {error}", file=sys.stderr)
        return EXIT_USAGE
    args.exploration_file = str(Path(path).resolve())
    return None
