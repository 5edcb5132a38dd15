"""api.video's listings as the asset tree shows them, and the demo's stored copy of them.

Apart from the source (services/sources/apivideo/source.py, which re-exports these) so that
the first screen can show the demo's stored tree without importing the HTTP client or the
sandbox: on a later launch, the tree shows from the local store at once (explorer/app.py),
while the sandbox starts and the fresh lists are fetched behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from explorer.api.models import LiveStream, Player, Video
from explorer.services.local_cache import DEMO_SCOPE, LocalCache
from explorer.services.source import Asset, Assets
from explorer.store import Store

DEMO_LABEL = "Demo project (built-in sandbox)"
ASSET_KINDS = ("video", "live-stream", "player")
# The listings the store keeps, by name, and the wire model each reads back as.
ASSET_MODELS: dict[str, type[Video] | type[LiveStream] | type[Player]] = {
    "videos": Video,
    "live_streams": LiveStream,
    "players": Player,
}


def video_asset(video: Video) -> Asset:
    facts = (
        ("Video id", video.video_id),
        ("Created", video.created_at),
        ("Published", video.published_at),
        ("Tags", ", ".join(video.tags) or "none"),
    )
    player_url = video.assets.player or ""
    metadata = tuple((m.key, m.value) for m in video.metadata)
    return Asset(
        "video", video.video_id, video.title, facts, tuple(video.tags), player_url,
        metadata=metadata,
    )  # fmt: skip


def live_stream_asset(stream: LiveStream) -> Asset:
    facts = (
        ("Live stream id", stream.live_stream_id),
        ("Created", stream.created_at),
        ("Broadcasting", "yes" if stream.broadcasting else "no"),
    )
    player_url = stream.assets.player or ""
    return Asset(
        "live-stream", stream.live_stream_id, stream.name, facts, (), player_url,
        on_air=bool(stream.broadcasting),
    )  # fmt: skip


def player_asset(player: Player) -> Asset:
    facts = (("Player id", player.player_id), ("Created", player.created_at))
    return Asset("player", player.player_id, player.name, facts)


def assets_of(
    videos: list[Video], streams: list[LiveStream], players: list[Player], **flags: Any
) -> Assets:
    """The three listings as the tree shows them."""
    items = [*map(video_asset, videos), *map(live_stream_asset, streams)]
    items += map(player_asset, players)
    return Assets(tuple(items), ASSET_KINDS, **flags)


def assets_from_bodies(bodies: Mapping[str, list[dict[str, Any]]]) -> Assets:
    """The tree's assets from the listings' JSON bodies by name ("videos", "live_streams",
    "players"), read as the client reads them: the built-in sandbox hands them over while
    it is still generating its data (`explorer.services.connection.EmbeddedSandbox`)."""
    lists: dict[str, list[Any]] = {
        name: [model.model_validate(body) for body in bodies.get(name, [])]
        for name, model in ASSET_MODELS.items()
    }
    return assets_of(lists["videos"], lists["live_streams"], lists["players"])


def stored_demo_assets(store: Store) -> Assets | None:
    """The api.video demo's assets as last stored (no network, no sandbox), or None."""
    return stored_assets_in(LocalCache(store, DEMO_SCOPE))


def stored_assets_in(cache: LocalCache | None) -> Assets | None:
    """An api.video account's assets as `cache` last kept them, or None."""
    found = cache.assets(ASSET_MODELS) if cache is not None else None
    if found is None:
        return None
    lists, fetched_at = found
    return assets_of(
        lists["videos"], lists["live_streams"], lists["players"],
        fetched_at=fetched_at, stored=True,
    )  # fmt: skip
