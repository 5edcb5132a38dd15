"""The headless commands behind `analytics-explorer query|assets|sessions|events`.

The source (an account, --base-url with --api-kind, or the built-in sandbox of
--sandbox-flavor) has a kind (`explorer.services.sources`) and is opened as the window opens
it, as a `DataSource` of that kind: api.video takes every command; a VideoCloud source takes
`query video|summary|users|user-engagement|system-health|system-performance` and `assets
videos`. A command the source's kind does not offer exits 2 with a sentence naming what does
(`SourceKind.commands`).

Each returns an exit code: 0 success, 1 the output could not be written (a full disk, a closed
standard output), 2 invalid usage or query (a destination that is not a regular file, too),
3 API error, 4 network or timeout. Partial data is never written as if complete: the
command says what is missing, writes nothing and fails. A reader that closes the pipe early
(`| head`) ends the command quietly with 0. Messages show control characters escaped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from zoneinfo import ZoneInfoNotFoundError

from explorer.api.client import MediaType
from explorer.api.errors import ApiError, NetworkError
from explorer.api.pagination import Fetched
from explorer.api.secrets import Secret
from explorer.domain.cancel import Cancelled, CancelToken, ProgressCallback
from explorer.domain.catalogue import FILTER_KEYS, Endpoint
from explorer.domain.query import Query
from explorer.domain.timerange import Preset, TimeRange, as_zone, describe_range
from explorer.services import result_tables, videocloud_reports
from explorer.services.accounts import Account, AccountBook, AccountError
from explorer.services.connection import (
    ConnectionSetupError,
    SandboxOptions,
    key_from_environment,
    resolve_base_url,
)
from explorer.services.query_history import remember
from explorer.services.source import DataSource
from explorer.services.sources import APIVIDEO, DEFAULT, VIDEOCLOUD, SourceKind, kind_named
from explorer.services.sources.videocloud.source import VideoCloudSource
from explorer.services.std_streams import PipeClosed, say, stdout_takes_unicode, write_stdout
from explorer.services.table_files import DestinationError, ExportError, Table, export_table, render
from explorer.services.vault import Vault, VaultError
from explorer.services.videocloud_queries import ReportRequest

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_API, EXIT_NETWORK = 0, 1, 2, 3, 4
T = TypeVar("T")
S = TypeVar("S", bound=DataSource)
MAX_ID_LENGTH = 256  # api.video's ids are 24 characters; anything longer is a mistake

if TYPE_CHECKING:  # loaded by the commands that compare, not at start-up
    from explorer.services.comparisons import Comparisons


class UsageError(Exception):
    """Something the person typed is wrong; the message names it."""


def identifier(text: str, what: str) -> str:
    """An id as typed, checked: not empty, not absurdly long, no control characters."""
    if not text.strip():
        raise UsageError(f"{what}: the id is empty; give the id of one")
    if len(text) > MAX_ID_LENGTH:
        raise UsageError(
            f"{what}: an id of {len(text)} characters is too long (at most {MAX_ID_LENGTH})"
        )
    if not text.isprintable():
        raise UsageError(f"{what}: the id {text!r} holds control characters")
    return text


def _progress() -> ProgressCallback:
    if not sys.stderr.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rfetching pages: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


@dataclass(frozen=True)
class Origin(Generic[S]):
    """Where the data comes from, read from the options before anything is connected."""

    kind: SourceKind[S]
    label: str  # in words: "account 'Shop'", "https://…", "the built-in sandbox"
    account: Account | None = None
    base_url: str | None = None  # None with no account: the built-in sandbox


def _kind(key: str) -> SourceKind[Any]:
    try:
        return kind_named(key)
    except ValueError as error:
        raise UsageError(str(error)) from None


def origin(args: argparse.Namespace) -> Origin[Any]:
    """The source --account, --base-url/--api-kind or --sandbox-flavor name (checked)."""
    api_kind: str | None = getattr(args, "api_kind", None)
    flavor: str | None = getattr(args, "sandbox_flavor", None)
    if getattr(args, "account", None) and args.base_url:
        raise UsageError("--account and --base-url exclude each other: choose one")
    if flavor and (getattr(args, "account", None) or args.base_url):
        raise UsageError("--sandbox-flavor only applies to the built-in sandbox")
    if getattr(args, "account", None):
        try:
            account = AccountBook().named(args.account)
        except AccountError as error:
            raise UsageError(str(error)) from None
        kind = _kind(account.kind)
        if api_kind and api_kind != account.kind:
            raise UsageError(
                f"account {account.name!r} speaks {kind.label}, "
                f"not {_kind(api_kind).label} (--api-kind {api_kind})"
            )
        return Origin(kind, f"account {account.name!r}", account, account.url)
    if args.base_url:
        try:
            url = resolve_base_url(args.base_url)
        except ConnectionSetupError as error:
            raise UsageError(str(error)) from None
        return Origin(_kind(api_kind) if api_kind else DEFAULT, url, base_url=url)
    if flavor and api_kind and flavor != api_kind:
        raise UsageError(f"--api-kind {api_kind} and --sandbox-flavor {flavor} disagree")
    key = flavor or api_kind
    return Origin(_kind(key) if key else DEFAULT, "the built-in sandbox")


def require(args: argparse.Namespace, kind: SourceKind[S], what: str) -> Origin[S]:
    """The origin, if it speaks `kind`; else a UsageError saying what applies to it."""
    found = origin(args)
    if found.kind is kind:
        return found
    wanted, have = kind.label, found.kind.label
    if found.account is not None:
        switch = f"Choose an account that speaks {wanted}."
    elif found.base_url is not None:
        switch = f"If {found.base_url} speaks {wanted}, add --api-kind {kind.key}."
    else:
        switch = f"Add --sandbox-flavor {kind.key} for the sandbox's {wanted} flavor."
    raise UsageError(
        f"{what} works with {wanted} only, but {found.label} speaks {have}, "
        f"which offers: {found.kind.commands}. {switch}"
    )


def _key(args: argparse.Namespace, found: Origin[Any]) -> Secret:
    """The key: from --api-key-env, else the account's from the keyring."""
    if args.api_key_env:
        try:
            return key_from_environment(args.api_key_env)
        except ConnectionSetupError as error:
            raise UsageError(str(error)) from None
    if found.account is None:
        raise UsageError("--base-url needs --api-key-env VAR naming the key's variable")
    name = found.account.name
    try:
        key = Vault().load(found.account.id)
    except VaultError as error:
        raise UsageError(f"account {name!r}: {error}") from None
    if key is None:
        where = Vault().unavailable() or "The keyring holds no key for it."
        raise UsageError(
            f"account {name!r}: no key. {where} Add the key in the app's "
            "Accounts dialog, or pass --api-key-env VAR naming a variable that holds it."
        )
    return key


@contextmanager
def connect(args: argparse.Namespace, found: Origin[S]) -> Iterator[S]:
    """The data source of `found` (see `require`), as the window opens it: an account's, a
    base URL's, or the demo of its kind (the built-in sandbox runs while inside)."""
    if found.base_url is None:
        options = SandboxOptions(
            scale=args.sandbox_scale, seed=args.sandbox_seed, now_ms=args.sandbox_now
        )
        source = found.kind.demo(options)
    elif found.account is not None:
        source = found.kind.open(found.account, _key(args, found))
    else:
        source = found.kind.connect(found.base_url, _key(args, found), found.label, "PRODUCTION")
    try:
        yield source
    finally:
        source.close()


def _zone(args: argparse.Namespace) -> Any:
    shown = args.tz if len(args.tz) <= 80 else args.tz[:80] + "…"
    try:
        return as_zone(args.tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise UsageError(
            f"--tz: unknown time zone {shown!r} (use an IANA name like Europe/Paris)"
        ) from None


def _parse_time(text: str, zone: Any, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date or an RFC 3339 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _filters(pairs: list[str]) -> dict[str, tuple[str, ...]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in FILTER_KEYS:
            known = ", ".join(FILTER_KEYS)
            raise UsageError(f"--filter {pair!r}: use key=value with a key among {known}")
        values = value.split(",") if FILTER_KEYS[key].is_list and key != "referrer" else [value]
        filters.setdefault(key, []).extend(values)
    return {k: tuple(v) for k, v in filters.items()}


def _last(text: str) -> TimeRange:
    """--last 7d (a rolling duration), or --last week / month / tuesday (said aloud)."""
    try:
        return TimeRange.parse_last(text)
    except ValueError as error:
        try:
            return TimeRange.of(Preset.spoken("last " + text))
        except ValueError:
            raise error from None


def spoken_range(
    text: str, now: datetime, zone: Any, option: str, *, whole: bool = False
) -> tuple[datetime, datetime]:
    """A period said aloud (yesterday, last week, last Tuesday…) as [from, to) in the zone,
    told on stderr with its zone; `whole`: not clamped to the API's 30-day lookback (raw
    statistics have none), still ending now at the latest."""
    try:
        preset = Preset.spoken(text)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None
    span = TimeRange.of(preset)
    start, end = span.period(now, zone) if whole else span.resolve(now, zone)
    end = min(end, now.astimezone(zone)) if whole else end
    say(describe_range(preset.label, start, end, zone))
    return start, end


def build_query(args: argparse.Namespace, now: datetime) -> Query:
    zone = _zone(args)
    endpoint = Endpoint(args.kind)
    start = end = None
    period = getattr(args, "period", None)
    if period:
        if args.start or args.end or args.last:
            raise UsageError("--period cannot be combined with --from, --to or --last")
        start, end = spoken_range(period, now, zone, "--period")
    elif args.last:
        if args.start or args.end:
            raise UsageError("--last cannot be combined with --from or --to")
        try:
            start, end = _last(args.last).resolve(now, zone)
        except ValueError as error:
            raise UsageError(f"--last {args.last!r}: {error}") from None
        except OverflowError:
            raise UsageError(
                f"--last {args.last!r}: a duration that long goes beyond the calendar; "
                "give a shorter one"
            ) from None
    else:
        start = _parse_time(args.start, zone, "--from") if args.start else None
        end = _parse_time(args.end, zone, "--to") if args.end else None
    query = Query(
        endpoint=endpoint,
        metric=args.metric,
        aggregation=getattr(args, "aggregation", None),
        breakdown=getattr(args, "breakdown", None),
        interval=getattr(args, "interval", None),
        start=start,
        end=end,
        filters=_filters(args.filter),
        unique=True if args.unique else None,
        view_duration=args.view_duration,
        sort_by=getattr(args, "sort_by", None),
        sort_order=getattr(args, "sort_order", None),
    )
    if query.is_all_time:
        query = replace(query, start=None, end=None)
    problems = query.validate(now)
    if problems:
        raise UsageError("; ".join(problems))
    return query


def _emit(table: Table, args: argparse.Namespace) -> None:
    """To the file --out names (atomically), or to stdout with no --out or with `--out -`."""
    if args.out and args.out != "-":
        count = export_table(table, args.format, Path(args.out))
        say(f"wrote {count} rows to {args.out}")
    else:
        write_stdout(render(table, args.format, ascii_only=not stdout_takes_unicode()))


def _require_complete(fetched: Fetched[T], what: str) -> list[T]:
    """The items, or the error that cut the list short (nothing partial is written)."""
    if fetched.error is not None:
        say(
            f"{what}: only {fetched.pages_fetched} of {fetched.pages_total} pages arrived; "
            "nothing was written"
        )
        raise fetched.error
    return fetched.items


def media_title(client: Any, media_type: str, media_id: str) -> str:
    """A video's or live stream's title, for the rows of its sessions ("" if not listed)."""
    if media_type == "video":
        return str(client.video(media_id).title)
    streams = client.live_streams().items
    return next((s.name for s in streams if s.live_stream_id == media_id), "")


def now() -> datetime:
    """The moment queries are validated against (tests pin it to the sandbox's clock)."""
    return datetime.now(UTC)


def comparisons_of(source: Any) -> Comparisons:
    """A source's splits, comparisons and ranking on the commands' clock (tests pin it)."""
    from explorer.services.comparisons import Comparisons

    return Comparisons(source.run_query, source.rate_budget, now)


def run_query(args: argparse.Namespace) -> Table:
    found = require(args, APIVIDEO, f"query {args.kind}")
    query = build_query(args, now())
    with connect(args, found) as source:
        remember(source.account_id, source.label, query)  # asked, answered or not
        result = source.run_query(query, CancelToken(), _progress())
        titles = _media_titles(source) if query.breakdown == "media-id" else None
    if result.partial:
        say(f"{result.error}; nothing was written")
        raise ApiError(result.error or "the result is incomplete")
    return result_tables.result_table(result, _zone(args), titles)


def _media_titles(source: DataSource) -> dict[str, str] | None:
    """The titles of the account's videos and live streams, for a breakdown by video: a
    `media_title` column beside the id, as the window's CSV has (a few list requests; when
    they fail the ids stand alone, said on stderr)."""
    assets = source.load_assets(CancelToken(), _progress())
    if assets.problems:
        say("the titles could not all be listed: " + "; ".join(assets.problems))
    return assets.titles() or None


def run_assets(args: argparse.Namespace) -> Table:
    zone = _zone(args)
    if origin(args).kind is VIDEOCLOUD and args.kind == "videos":
        return _videocloud_videos(args, require(args, VIDEOCLOUD, "assets videos"))
    found = require(args, APIVIDEO, f"assets {args.kind}")
    with connect(args, found) as source:
        client, progress = source.client, _progress()
        if args.kind == "videos":
            return result_tables.video_table(
                _require_complete(client.videos(progress=progress), "videos"), zone
            )
        if args.kind == "live-streams":
            streams = _require_complete(client.live_streams(progress=progress), "live streams")
            return result_tables.live_stream_table(streams, zone)
        return result_tables.player_table(
            _require_complete(client.players(progress=progress), "players"), zone
        )


def _metadata(pairs: list[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--metadata {pair!r}: use key=value")
        result[key] = value
    return result


def run_sessions(args: argparse.Namespace) -> Table:
    zone = _zone(args)
    media_type: MediaType = "video" if args.video is not None else "live-stream"
    option = "--video" if args.video is not None else "--live-stream"
    media_id = identifier(args.video if args.video is not None else args.live_stream, option)
    metadata = _metadata(args.metadata)
    if metadata and media_type != "video":
        raise UsageError("--metadata only applies to videos")
    found = require(args, APIVIDEO, "sessions")
    with connect(args, found) as source:
        client = source.client
        title = media_title(client, media_type, media_id)
        sessions = _require_complete(
            client.sessions(
                media_type, media_id, args.period, metadata=metadata, progress=_progress()
            ),
            "sessions",
        )
        asset = (media_id, media_type, title)
        if not args.with_events:
            return result_tables.session_table(sessions, asset, zone)
        events = {}
        for item in sessions:
            sid = item.session.session_id
            events[sid] = _require_complete(client.session_events(sid), f"events of {sid}")
        return result_tables.session_event_table(sessions, events, asset, zone)


def run_events(args: argparse.Namespace) -> Table:
    identifier(args.session_id, "events SESSION_ID")
    found = require(args, APIVIDEO, "events")
    with connect(args, found) as source:
        events = _require_complete(
            source.client.session_events(args.session_id, progress=_progress()), "events"
        )
    return result_tables.event_table(args.session_id, events, _zone(args))


def _videocloud_videos(args: argparse.Namespace, found: Origin[VideoCloudSource]) -> Table:
    """The videos a VideoCloud source lists; an incomplete list is written only when
    --allow-incomplete says so (and stderr says what is missing either way)."""
    with connect(args, found) as source:
        listed = source.client.videos()
    if not listed.complete:
        if not getattr(args, "allow_incomplete", False):
            raise ApiError(
                f"videos: {listed.note}; nothing was written "
                "(--allow-incomplete writes the videos listed)"
            )
        say(f"videos: {listed.note}")
    return videocloud_reports.video_list_table(listed)


def run_report(args: argparse.Namespace) -> Table:
    """`query video|summary|users|…`: one report of a VideoCloud source."""
    zone = _zone(args)
    if args.kind == "video":
        identifier(args.video_id, "query video ID")
    found = require(args, VIDEOCLOUD, f"query {args.kind}")
    request = ReportRequest(
        report=args.kind,
        period=args.period,
        video_id=getattr(args, "video_id", ""),
        metrics=tuple(getattr(args, "metrics", None) or ()),
        group_by=getattr(args, "group_by", None),
        compare=getattr(args, "compare", True),
        top=getattr(args, "top", None),
    )
    with connect(args, found) as source:
        remember(source.account_id, source.label, request)
        report = source.run_query(request)
    return result_tables.report_table(report, zone)


def execute(run: Callable[[argparse.Namespace], Table | None], args: argparse.Namespace) -> int:
    """Run a command and turn every failure into a message and an exit code; a command that
    writes its own files returns None (nothing goes to stdout)."""
    try:
        table = run(args)
        if table is not None:
            _emit(table, args)
    except PipeClosed:
        return EXIT_OK  # the reader has what it wanted, like `head`
    except DestinationError as error:
        say(f"analytics-explorer: {error} (or leave out --out to write to standard output)")
        return EXIT_USAGE
    except (UsageError, ApiError, ExportError) as error:
        say(f"analytics-explorer: {error}")
        if isinstance(error, UsageError):
            return EXIT_USAGE
        if isinstance(error, NetworkError):
            return EXIT_NETWORK
        return EXIT_API if isinstance(error, ApiError) else EXIT_FAILURE
    except Cancelled:
        return 130
    return EXIT_OK


# for the commands built on these conventions (explorer.drilldown_command)
zone_of = _zone
parse_time = _parse_time
progress_callback = _progress
require_complete = _require_complete
media_titles = _media_titles
