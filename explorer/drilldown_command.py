"""`analytics-explorer sessions` over a window: the sessions behind a number (issue 19).

`sessions --video ID (--period P | --from T1 --to T2) [--counted-in METRIC] [--where D=V …]`
lists the sessions METRIC counted in the window (explorer.services.drilldown), so that their
count equals `query metrics METRIC count --filter mediaId=ID --filter D=V --from T1 --to T2`.
A period said aloud (`yesterday`, `last Tuesday`) is a window in --tz; a period of the raw
statistics (`2026-03-01`, `2026-W10`) is their whole UTC days. With neither --counted-in,
--where, --from/--to nor a spoken period, the command is the plain listing of
`explorer.commands.run_sessions`.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time, timedelta

from explorer import commands
from explorer.api.errors import ApiError
from explorer.commands import UsageError, connect, identifier, media_title, require
from explorer.domain.conditions import Condition, parse_condition
from explorer.domain.period import Period
from explorer.domain.timerange import describe_range
from explorer.services import result_tables
from explorer.services.drilldown import DrillDown, DrillDownService
from explorer.services.sessions import Media, MediaType, SessionService
from explorer.services.sources import APIVIDEO
from explorer.services.std_streams import say
from explorer.services.table_files import Table


def wants_window(args: argparse.Namespace) -> bool:
    """Whether the command asks about a window rather than listing a period."""
    spoken = args.period is not None and _raw_period(args.period) is None
    return bool(args.start or args.end or args.counted_in or args.where or spoken)


def _raw_period(text: str) -> Period | None:
    try:
        return Period.parse(text)
    except ValueError:
        return None


def _window(args: argparse.Namespace, zone: object) -> tuple[datetime, datetime]:
    now = commands.now()
    if args.period is not None:
        if args.start or args.end:
            raise UsageError("--period cannot be combined with --from or --to: choose one")
        raw = _raw_period(args.period)
        if raw is None:
            return commands.spoken_range(args.period, now, zone, "--period", whole=True)
        start = datetime.combine(raw.first, time(), UTC)
        end = datetime.combine(raw.last + timedelta(days=1), time(), UTC)
        say(describe_range(f"period {raw.wire} (UTC days)", start, end, zone))  # type: ignore[arg-type]
        return start, end
    if not (args.start and args.end):
        raise UsageError("give both --from and --to (or --period) for the window")
    start = commands.parse_time(args.start, zone, "--from")
    end = commands.parse_time(args.end, zone, "--to")
    if end <= start:
        raise UsageError("--to must be after --from")
    return start, end


def _conditions(pairs: list[str]) -> tuple[Condition, ...]:
    found: list[Condition] = []
    for pair in pairs:
        try:
            found.append(parse_condition(pair))
        except ValueError as error:
            raise UsageError(f"--where: {error}") from None
    return tuple(found)


def run_sessions(args: argparse.Namespace) -> Table:
    """The plain listing, or the sessions behind a number when a window is asked about."""
    if not wants_window(args):
        if args.period is None:
            raise UsageError("give --period, or --from and --to")
        return commands.run_sessions(args)
    zone = commands.zone_of(args)
    media_type: MediaType = "video" if args.video is not None else "live-stream"
    option = "--video" if args.video is not None else "--live-stream"
    media_id = identifier(args.video if args.video is not None else args.live_stream, option)
    if args.metadata:
        raise UsageError("--metadata lists a period; with a window, use --where")
    if args.view_duration and args.counted_in != "view":
        raise UsageError("--view-duration only applies with --counted-in view")
    conditions = _conditions(args.where)
    start, end = _window(args, zone)
    found = require(args, APIVIDEO, "sessions")
    with connect(args, found) as source:
        client = source.client
        title = media_title(client, media_type, media_id)
        media = Media(media_id, media_type, title)
        request = DrillDown(
            media,
            start,
            end,
            args.counted_in,
            conditions,
            int((args.view_duration or "5s").removesuffix("s")),
        )
        if request.problems():
            raise UsageError("; ".join(request.problems()))
        answer = DrillDownService(SessionService(client)).counted_sessions(
            request, progress=commands.progress_callback()
        )
        if answer.partial:
            say(f"{answer.summary()}; nothing was written")
            raise answer.error or ApiError(answer.summary())
        say(answer.summary())
        events = answer.events
        if args.with_events and args.counted_in is None:
            events = {
                s.session.session_id: commands.require_complete(
                    client.session_events(s.session.session_id),
                    f"events of {s.session.session_id}",
                )
                for s in answer.sessions
            }
    if not args.with_events:
        return result_tables.session_table(answer.sessions, media.asset, zone)
    return result_tables.session_event_table(answer.sessions, events, media.asset, zone)
