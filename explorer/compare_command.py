"""`analytics-explorer query ... --split-by|--compare` and `analytics-explorer rank`.

* `query KIND ... --split-by DIMENSION [--values A,B,...] [--group NAME=A,B ...]`: the query
  once per value of the dimension (one breakdown request where the API has it), as CSV with the
  dimension as the first column and one row per value (per value and timestamp for a
  timeseries, per value and bucket for a breakdown: a cross-tab in long form).
* `query KIND ... --compare previous|week|OFFSET`: the query and the same query over the
  earlier period, as CSV with a first column `series` (`current` or `previous`), the rest as
  without `--compare`.
* `rank [--last 7d | --from ... --to ...] [--filter ...] [--min-volume N]`: "what hurts most",
  as CSV `metric,breakdown,segment,segment_value,overall_value,volume,impact` sorted by impact.

Each says what it costs on standard error before sending (requests and about how long at the
current rate budget), then, as every command (explorer/commands.py), writes only a complete
answer: a part that failed or was cancelled fails the command, naming it, and nothing is
written. Warnings (an earlier period older than the API keeps) go to standard error and to the
JSON metadata.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the rest is imported when a command runs: the parser is built at every start
    from explorer import commands as run
    from explorer.services.table_files import Table

AddOptions = Callable[[argparse.ArgumentParser], None]
DEFAULT_RANK_PERIOD = "7d"


class _Commands:
    """`explorer.commands`, imported when first used (see explorer/retention_command.py)."""

    def __getattr__(self, name: str) -> Any:
        from explorer import commands

        return getattr(commands, name)


if not TYPE_CHECKING:
    run = _Commands()


def _values(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",")]
    if not values or any(not v for v in values):
        raise argparse.ArgumentTypeError(f"{text!r}: give values separated by commas, e.g. EU,AS")
    return list(dict.fromkeys(values))


def _group(text: str) -> tuple[str, list[str]]:
    name, sep, rest = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: use NAME=VALUE,VALUE (an asset group)")
    return name.strip(), _values(rest)


def _min_volume(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a number of impressions") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"{text!r}: not below 0")
    return value


def add_query_options(parser: argparse.ArgumentParser) -> None:
    """`--split-by`, `--values`, `--group` and `--compare` on a `query` kind's parser."""
    from explorer.domain.splits import SPLIT_DIMENSIONS

    parser.add_argument("--split-by", choices=list(SPLIT_DIMENSIONS), metavar="DIMENSION")
    parser.add_argument(
        "--values", type=_values, metavar="A,B,...", help="the values to split over"
    )
    parser.add_argument(
        "--group",
        type=_group,
        action="append",
        default=[],
        metavar="NAME=A,B",
        help="a named group of values split as one (an asset group of media ids)",
    )
    parser.add_argument(
        "--compare",
        metavar="previous|week|OFFSET",
        help="also the previous period, the same period a week earlier, or OFFSET (7d, 30d) back",
    )


def is_split_or_compare(args: argparse.Namespace) -> bool:
    """Whether a `query` asks for a split or a comparison (else it is a plain query)."""
    return bool(
        getattr(args, "split_by", None)
        or getattr(args, "compare", None)
        or getattr(args, "values", None)
        or getattr(args, "group", None)
    )


def run_query_forms(args: argparse.Namespace) -> int:
    """`query ... --split-by|--compare`, through `commands.execute`."""
    code: int = run.execute(_split_or_compare, args)
    return code


def add_rank_parser(
    commands: argparse._SubParsersAction[Any], output: AddOptions, connection: AddOptions
) -> None:
    """The `rank` command, with the shared output and connection options."""
    rank = commands.add_parser("rank", help="what hurts most: segments ranked by their impact")
    rank.add_argument(
        "--last", metavar="DURATION", help=f"e.g. 24h, 7d (default {DEFAULT_RANK_PERIOD})"
    )
    rank.add_argument("--from", dest="start", metavar="TIME", help="RFC 3339 or YYYY-MM-DD")
    rank.add_argument("--to", dest="end", metavar="TIME", help="exclusive end")
    rank.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE[,VALUE]")
    rank.add_argument(
        "--min-volume",
        type=_min_volume,
        metavar="N",
        help="the least impressions (starts, plays) a segment needs to be listed (default 50)",
    )
    output(rank)
    connection(rank)
    rank.set_defaults(run=lambda a: run.execute(run_rank, a))


def _split_or_compare(args: argparse.Namespace) -> Table:
    from explorer.services.sources import APIVIDEO

    split = getattr(args, "split_by", None)
    shift_text = getattr(args, "compare", None)
    if split and shift_text:
        raise run.UsageError("--split-by and --compare exclude each other: choose one")
    if not split and (args.values or args.group):
        raise run.UsageError("--values and --group need --split-by DIMENSION")
    found = run.require(args, APIVIDEO, f"query {args.kind}")
    query = run.build_query(args, run.now())
    if split:
        return _split(args, found, query)
    return _compare(args, found, query, shift_text or "")


def _split(args: argparse.Namespace, found: Any, query: Any) -> Table:
    from explorer.api.errors import ApiError
    from explorer.domain.splits import SplitQuestion, ValueGroup
    from explorer.services.comparison_tables import IncompleteAnswer, split_table
    from explorer.services.std_streams import say

    groups = tuple(ValueGroup(name, tuple(values)) for name, values in args.group)
    question = SplitQuestion(query, args.split_by, tuple(args.values or ()), groups)
    problems = question.validate(run.now())
    if problems:
        raise run.UsageError("; ".join(problems))
    with run.connect(args, found) as source:
        comparisons = run.comparisons_of(source)
        question = comparisons.discover(question)
        say(f"{question.title}: {comparisons.split_cost(question).sentence()}")
        answer = comparisons.run_split(question, progress=run._progress())
        titled = args.split_by == "media-id" or query.breakdown == "media-id"
        titles = run._media_titles(source) if titled else None
    try:
        return split_table(answer, run._zone(args), titles)
    except IncompleteAnswer as error:
        raise ApiError(f"{error}; nothing was written") from None


def _compare(args: argparse.Namespace, found: Any, query: Any, text: str) -> Table:
    from explorer.api.errors import ApiError
    from explorer.domain.comparison import Shift, check
    from explorer.services.comparison_tables import IncompleteAnswer, comparison_table
    from explorer.services.std_streams import say

    try:
        shift = Shift.parse(text)
    except ValueError as error:
        raise run.UsageError(f"--compare: {error}") from None
    problems = check(query)
    if problems:
        raise run.UsageError("; ".join(problems))
    with run.connect(args, found) as source:
        comparisons = run.comparisons_of(source)
        say(f"{query.title} against {shift.label}: {comparisons.comparison_cost(query).sentence()}")
        answer = comparisons.run_comparison(query, shift, progress=run._progress())
        titles = run._media_titles(source) if query.breakdown == "media-id" else None
    for warning in answer.data_warnings():
        say(f"warning: {warning}")
    try:
        return comparison_table(answer, run._zone(args), titles)
    except IncompleteAnswer as error:
        raise ApiError(f"{error}; nothing was written") from None


def run_rank(args: argparse.Namespace) -> Table:
    """`rank`: the segments of every breakdown ranked by their impact."""
    from explorer.api.errors import ApiError
    from explorer.domain.catalogue import Endpoint
    from explorer.domain.impact import DEFAULT_MIN_VOLUME, RankRequest
    from explorer.domain.query import Query
    from explorer.services.comparison_tables import IncompleteAnswer, ranking_table
    from explorer.services.sources import APIVIDEO
    from explorer.services.std_streams import say

    found = run.require(args, APIVIDEO, "rank")
    now = run.now()
    if not (args.last or args.start or args.end):
        args.last = DEFAULT_RANK_PERIOD
    args.kind, args.metric, args.aggregation = "metrics", "play", "count"
    args.unique, args.view_duration = False, None
    probe = run.build_query(args, now)  # the period and filters, checked as a query's
    assert isinstance(probe, Query) and probe.endpoint is Endpoint.METRICS
    window = probe.effective_range(now)
    assert window is not None
    min_volume = DEFAULT_MIN_VOLUME if args.min_volume is None else args.min_volume
    request = RankRequest(window[0], window[1], dict(probe.filters), min_volume)
    with run.connect(args, found) as source:
        comparisons = run.comparisons_of(source)
        say(f"rank: {comparisons.rank_cost(request).sentence()}, then one per segment")
        ranking = comparisons.rank(request, progress=run._progress())
        media = any(r.breakdown == "media-id" for r in ranking.rows)
        titles = run._media_titles(source) if media and args.format == "json" else None
    say(f"rank: {ranking.min_volume_note}")
    try:
        return ranking_table(ranking, titles)
    except IncompleteAnswer as error:
        raise ApiError(f"{error}; nothing was written") from None
