"""Asset groups: a named set of videos and live streams, saved per account (issue 19).

A group is hand-picked (a list of media ids) or a rule over the account's assets: every video
with a tag, every video whose metadata has a key=value, every video or live stream whose title
contains a search. `AssetGroup.resolve` turns it into the media ids it holds today (a rule
follows the account: a video tagged later joins the group). A group is used as a query's
scope (one ``mediaId`` filter with its ids) and as a segment of a split by groups (one bar per
group). Tags and metadata values match exactly, as the API's own ``tags[]`` and
``metadata[key]=value`` video filters do; a title search ignores case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

MAX_MEMBERS = 200
"""The most media ids a group sends in one ``mediaId`` filter (each id is ~22 characters of
query string; 200 keep a request's URL well under the 8 KB servers commonly accept)."""

MAX_NAME = 80
MEDIA_KINDS = ("video", "live-stream")


class GroupKind(StrEnum):
    PICKED = "picked"  # a hand-picked list of ids
    TAG = "tag"  # every video with the tag
    METADATA = "metadata"  # every video whose metadata has key=value
    SEARCH = "search"  # every video or live stream whose title contains the words


class Member(Protocol):
    """What a group reads of an asset (`explorer.services.source.Asset` has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def asset_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def metadata(self) -> tuple[tuple[str, str], ...]: ...


@dataclass(frozen=True)
class AssetGroup:
    """A named group; ``ids`` for a hand-picked one, ``term`` for a tag or a title search,
    ``key`` and ``term`` (the value) for a metadata pair."""

    name: str
    kind: GroupKind
    ids: tuple[str, ...] = ()
    term: str = ""
    key: str = ""

    @classmethod
    def picked(cls, name: str, ids: Iterable[str]) -> AssetGroup:
        return cls(name.strip(), GroupKind.PICKED, tuple(dict.fromkeys(i for i in ids if i)))

    @classmethod
    def tagged(cls, name: str, tag: str) -> AssetGroup:
        return cls(name.strip(), GroupKind.TAG, term=tag.strip())

    @classmethod
    def with_metadata(cls, name: str, key: str, value: str) -> AssetGroup:
        return cls(name.strip(), GroupKind.METADATA, term=value.strip(), key=key.strip())

    @classmethod
    def searching(cls, name: str, words: str) -> AssetGroup:
        return cls(name.strip(), GroupKind.SEARCH, term=words.strip())

    def holds(self, asset: Member) -> bool:
        """Whether ``asset`` belongs to the group (players never do)."""
        if asset.kind not in MEDIA_KINDS:
            return False
        if self.kind is GroupKind.PICKED:
            return asset.asset_id in self.ids
        if self.kind is GroupKind.TAG:
            return asset.kind == "video" and self.term in asset.tags
        if self.kind is GroupKind.METADATA:
            return asset.kind == "video" and (self.key, self.term) in asset.metadata
        return self.term.casefold() in asset.title.casefold()

    def resolve(self, assets: Iterable[Member]) -> tuple[str, ...]:
        """The media ids the group holds among ``assets``, in their order. A hand-picked
        group keeps its ids as picked, listed or not (a list not loaded yet drops none)."""
        if self.kind is GroupKind.PICKED:
            return self.ids
        return tuple(dict.fromkeys(a.asset_id for a in assets if self.holds(a)))

    def rule(self) -> str:
        """What the group is: "hand-picked", "every video tagged 'course'"…"""
        if self.kind is GroupKind.PICKED:
            return "hand-picked"
        if self.kind is GroupKind.TAG:
            return f"every video tagged '{self.term}'"
        if self.kind is GroupKind.METADATA:
            return f"every video whose metadata has {self.key}={self.term}"
        return f"every video or live stream whose title contains '{self.term}'"

    def describe(self, count: int) -> str:
        """ "12 hand-picked videos or live streams", "every video tagged 'course' (3 now)"."""
        if self.kind is GroupKind.PICKED:
            noun = "video or live stream" if count == 1 else "videos or live streams"
            return f"{count} hand-picked {noun}"
        return f"{self.rule()} ({count} now)"

    def validate(self, others: Iterable[str] = ()) -> list[str]:
        """Every problem with the group, one sentence each; ``others`` are the names of the
        account's other groups (a name is used once, ignoring case)."""
        problems: list[str] = []
        if not self.name:
            problems.append("a group needs a name; type one")
        elif len(self.name) > MAX_NAME:
            problems.append(f"a group's name has at most {MAX_NAME} characters; shorten it")
        if self.name.casefold() in {o.casefold() for o in others}:
            problems.append(f"there is already a group named '{self.name}'; choose another name")
        if self.kind is GroupKind.PICKED:
            if not self.ids:
                problems.append("a hand-picked group needs at least one video or live stream")
            elif len(self.ids) > MAX_MEMBERS:
                problems.append(
                    f"a group holds at most {MAX_MEMBERS} videos ({len(self.ids)} were "
                    "chosen); split them into several groups"
                )
        elif self.kind is GroupKind.METADATA:
            if not self.key or not self.term:
                problems.append("a metadata group needs a key and a value (plan=premium)")
        elif not self.term:
            what = "a tag" if self.kind is GroupKind.TAG else "words to search titles for"
            problems.append(f"the group needs {what}")
        return problems

    def scope_problems(self, ids: tuple[str, ...]) -> list[str]:
        """Why the resolved ``ids`` cannot be a query's scope (none, or too many)."""
        if not ids:
            return [f"the group '{self.name}' holds no video now ({self.rule()})"]
        if len(ids) > MAX_MEMBERS:
            return [
                f"the group '{self.name}' holds {len(ids)} videos; a query takes at most "
                f"{MAX_MEMBERS}: narrow its rule or split it into several groups"
            ]
        return []

    def renamed(self, name: str) -> AssetGroup:
        return AssetGroup(name.strip(), self.kind, self.ids, self.term, self.key)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "kind": self.kind.value}
        if self.kind is GroupKind.PICKED:
            data["ids"] = list(self.ids)
        else:
            data["term"] = self.term
        if self.kind is GroupKind.METADATA:
            data["key"] = self.key
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AssetGroup:
        """A saved group; raises ValueError with a sentence when it cannot be read."""
        try:
            kind = GroupKind(str(data.get("kind")))
        except ValueError:
            raise ValueError(
                f"a saved group has an unknown kind '{data.get('kind')}'; choose "
                "picked, tag, metadata or search"
            ) from None
        ids = data.get("ids") or []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError("a saved group's ids must be a list of media ids")
        group = cls(
            str(data.get("name") or "").strip(),
            kind,
            tuple(ids),
            str(data.get("term") or ""),
            str(data.get("key") or ""),
        )
        problems = group.validate()
        if problems:
            raise ValueError(f"the saved group '{group.name}' cannot be used: {problems[0]}")
        return group


def groups_from_list(data: Iterable[Any]) -> tuple[list[AssetGroup], list[str]]:
    """Saved groups read back, and a sentence per entry that could not be (kept out)."""
    groups: list[AssetGroup] = []
    problems: list[str] = []
    for entry in data:
        if not isinstance(entry, Mapping):
            problems.append("a saved group is not a record; it was left out")
            continue
        try:
            group = AssetGroup.from_dict(entry)
        except ValueError as error:
            problems.append(str(error))
            continue
        if group.name.casefold() in {g.name.casefold() for g in groups}:
            problems.append(f"the group '{group.name}' was saved twice; the first is kept")
            continue
        groups.append(group)
    return groups, problems
