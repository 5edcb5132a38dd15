"""`analytics-explorer retention|engagement`: where viewers drop off, from raw sessions.

`retention` writes one row per second of a video (`second,viewers,share,rewatch,low,high,
skipped`, the split value leading when split); `engagement` one row of figures per video
(per split value when split), or with `--by-metadata KEY` one row per value of the key. Both
draw a seeded uniform random sample of the period's sessions (`--sample N`, or `all`), say its
cost before fetching (one events request per session) and what the figures rest on after;
exit codes and `--out` as every command (explorer/commands.py). A session whose events cannot
be fetched fails the command and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the rest is imported when a command runs: the parser is built at every start
    from explorer import commands as run
    from explorer.api.client import ApiVideoClient
    from explorer.domain.cancel import ProgressCallback
    from explorer.services.retention_sampling import Sample
    from explorer.services.retention_tables import Basis
    from explorer.services.table_files import Table

SPLIT_HELP = (
    "device-type, country, continent, os, browser, referrer-site, or a session metadata key "
    "(metadata:KEY when it has one of these names)"
)  # explorer/services/audience_splits.py: DIMENSIONS
DEFAULT_SAMPLE = 500
AddOptions = Callable[[argparse.ArgumentParser], None]


class _Commands:
    """`explorer.commands`, imported when first used: building the parser (at every start,
    the window's too) imports no API client, model or sandbox."""

    def __getattr__(self, name: str) -> Any:
        from explorer import commands

        return getattr(commands, name)


if not TYPE_CHECKING:
    run = _Commands()


def sample_size(text: str) -> int | None:
    """`--sample N|all`: a number of sessions, or None for every session."""
    if text.strip().lower() == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of sessions or 'all'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a sample needs at least one session")
    return value


def _precision(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a share such as 0.05 or 5%") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: between 0 and 1 (or 0% and 100%)")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: not below 0")
    return value


UNSET = -1  # --sample not given: the command's default


def _sampling_options(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--period", required=True, help="2026-03-01, 2026-W10, 2026-03, 2026 or a date range"
    )
    parser.add_argument("--metadata", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--sample",
        type=sample_size,
        default=UNSET,
        metavar="N|all",
        help=f"sessions drawn at random (seeded), or all of them (default {default})",
    )
    parser.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    parser.add_argument(
        "--precision",
        type=_precision,
        metavar="SHARE",
        help="stop once the 95%% band's half width is at most this everywhere (0.05 or 5%%)",
    )
    parser.add_argument(
        "--budget", type=_positive, metavar="REQUESTS", help="stop before more events requests"
    )


def add_parsers(
    commands: argparse._SubParsersAction[Any], output: AddOptions, connection: AddOptions
) -> None:
    """The `retention` and `engagement` commands, with the shared output and connection
    options (explorer/cli.py)."""
    retention = commands.add_parser("retention", help="a video's audience retention per second")
    retention.add_argument("--video", metavar="ID", required=True)
    retention.add_argument("--split-by", metavar="KEY", help=SPLIT_HELP)
    _sampling_options(retention, str(DEFAULT_SAMPLE))
    output(retention)
    connection(retention)
    retention.set_defaults(run=lambda a: run.execute(run_retention, a))

    figures = commands.add_parser("engagement", help="per-video engagement and estimated QoE")
    videos = figures.add_mutually_exclusive_group(required=True)
    videos.add_argument("--video", metavar="ID", nargs="+", help="one or more videos")
    videos.add_argument("--tag", metavar="TAG", help="every video with this tag (a course)")
    videos.add_argument(
        "--search",
        metavar="TEXT",
        help="every video whose title, id or a tag holds TEXT (the asset tree's search)",
    )
    which = figures.add_mutually_exclusive_group()
    which.add_argument("--split-by", metavar="KEY", help=SPLIT_HELP)
    which.add_argument("--by-metadata", metavar="KEY", help="one row per value of this key")
    _sampling_options(figures, f"{DEFAULT_SAMPLE}; all with --by-metadata, a report of who watched")
    output(figures)
    connection(figures)
    figures.set_defaults(run=lambda a: run.execute(run_engagement, a))


def _progress() -> ProgressCallback:
    if not sys.stderr.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rsessions sampled: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def _metadata(pairs: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise run.UsageError(f"--metadata {pair!r}: use key=value")
        found[key] = value
    return found


def _sample(
    client: ApiVideoClient, video_id: str, args: argparse.Namespace, what: str
) -> tuple[Sample, str]:
    """The sample of one video's sessions, its cost said first; its title. Fails (nothing
    written) when the session list or some sessions' events could not be fetched."""
    from explorer.api.errors import ApiError
    from explorer.services.retention_sampling import prepare
    from explorer.services.sessions import Media, SessionService
    from explorer.services.std_streams import say

    service = SessionService(client)
    title = client.video(video_id).title
    try:
        sampler = prepare(
            service, Media(video_id, "video", title), args.period, args.metadata,
            seed=args.seed, size=args.sample, precision=args.precision, budget=args.budget,
        )  # fmt: skip
    except ValueError as error:  # no length in the video's status
        raise ApiError(str(error)) from None
    say(f"{what}: {video_id}: {sampler.cost().describe()}")
    sample = sampler.run(progress=_progress())
    if sample.failed:
        raise ApiError(
            f"{what}: the events of {len(sample.failed)} sessions of {video_id} could not be "
            f"fetched (first: {sample.failed[0]}); nothing was written"
        )
    say(f"{what}: {video_id}: from {sample.label} (stopped: {sample.stopped})")
    return sample, title


def _basis(sample: Sample, seed: int) -> Basis:
    from explorer.services.retention_tables import Basis

    partial = bool(sample.failed) or sample.stopped == "cancelled"
    return Basis(sample.label, sample.complete, sample.stopped, seed, partial)


def _check(args: argparse.Namespace) -> None:
    if args.sample == UNSET:
        args.sample = None if getattr(args, "by_metadata", None) else DEFAULT_SAMPLE
    from explorer.domain.timerange import as_zone
    from explorer.services.audience_splits import metadata_key

    args.metadata = _metadata(args.metadata)
    try:
        args.zone = as_zone(args.tz)
    except ValueError:
        raise run.UsageError(f"--tz: unknown time zone {args.tz!r} (an IANA name)") from None
    split = getattr(args, "split_by", None) or getattr(args, "by_metadata", None)
    if split is not None and (not split.strip() or metadata_key(split) == ""):
        raise run.UsageError("--split-by/--by-metadata: name a dimension or a metadata key")


def run_retention(args: argparse.Namespace) -> Table:
    from explorer.domain.key_moments import key_moments
    from explorer.domain.retention import BAND
    from explorer.services.audience_splits import split_groups
    from explorer.services.retention_tables import curve_table
    from explorer.services.sources import APIVIDEO
    from explorer.services.std_streams import say

    video_id = run.identifier(args.video, "--video")
    _check(args)
    found = run.require(args, APIVIDEO, "retention")
    with run.connect(args, found) as source:
        sample, _title = _sample(source.client, video_id, args, "retention")
    labels = None
    if args.split_by:
        groups, labels = split_groups(sample.records, args.split_by)
        curves = sample.curves(groups, len(labels))
    else:
        curves = sample.curves()
    band = "exact (every session)" if sample.complete else BAND
    say(f"retention: low/high: {band}")
    for index, curve in enumerate(curves):
        lead = f"{labels[index]}: " if labels is not None else ""
        for moment in key_moments(curve):
            say(f"retention: {lead}{moment.text}")
    basis = _basis(sample, args.seed)
    return curve_table(curves, labels, args.split_by, video_id, args.period, basis)


def _chosen_videos(client: ApiVideoClient, tag: str | None, search: str | None) -> list[str]:
    """The ids of the videos with the tag (`GET /videos?tags[]=`), or of those the asset
    tree's search for the text finds (every video listed, then matched as the tree does);
    ApiError, in words, when there is none."""
    from explorer.api.errors import ApiError
    from explorer.services.asset_search import matches
    from explorer.services.std_streams import say

    if tag is not None:
        listed = client.videos(tags=[tag])
        found = [v for v in listed.items if tag in v.tags]  # the exact tag, whatever the API
        what = f"tagged {tag!r}"
    else:
        listed = client.videos()
        found = [v for v in listed.items if matches(search or "", v.title, v.video_id, v.tags)]
        what = f"found by the search {search!r}"
    if listed.partial:
        raise ApiError(f"engagement: the list of videos is incomplete ({listed.error})")
    if not found:
        raise ApiError(f"engagement: no video is {what}; nothing was written")
    say(f"engagement: {len(found)} videos {what}: {', '.join(v.video_id for v in found)}")
    return [v.video_id for v in found]


def run_engagement(args: argparse.Namespace) -> Table:
    from explorer.domain.engagement import engagement, viewer_report
    from explorer.services.audience_splits import split_groups, value_of
    from explorer.services.retention_tables import figures_row, figures_table, viewer_table
    from explorer.services.sources import APIVIDEO

    if args.video is not None:
        videos = [run.identifier(v, "--video") for v in dict.fromkeys(args.video)]
    elif not (args.tag if args.tag is not None else args.search).strip():
        which = "--tag" if args.tag is not None else "--search"
        raise run.UsageError(f"{which}: the text is empty; give a tag or words of a title")
    _check(args)
    found = run.require(args, APIVIDEO, "engagement")
    rows: list[list[str]] = []
    report = []
    bases = []
    with run.connect(args, found) as source:
        if args.video is None:
            videos = _chosen_videos(source.client, args.tag, args.search)
        for video_id in videos:
            sample, title = _sample(source.client, video_id, args, "engagement")
            bases.append({"video_id": video_id, **_basis(sample, args.seed).meta()})
            played = sample.playback()
            if args.by_metadata:
                values = [value_of(r, "metadata:" + args.by_metadata) for r in sample.records]
                report += [(video_id, row) for row in viewer_report(played, values)]
                continue
            if args.split_by:
                groups, labels = split_groups(sample.records, args.split_by)
                for label, figures in zip(
                    labels, engagement(played, groups, len(labels)), strict=True
                ):
                    sizes = int((groups == labels.index(label)).sum())
                    rows.append([label, *figures_row(video_id, title, sizes, sizes, figures)])
            else:
                figures = engagement(played)[0]
                rows.append(
                    figures_row(video_id, title, sample.sessions_total, sample.size, figures)
                )
    if args.by_metadata:
        return viewer_table(report, args.by_metadata, args.zone, args.period, bases)
    return figures_table(rows, args.split_by, args.period, bases)
