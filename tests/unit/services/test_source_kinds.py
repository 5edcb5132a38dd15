"""Each kind of source is described once (`explorer.services.sources`), and every place where
the kinds differ (accounts, the demo, the sandbox, the command line, curl) reads from it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from explorer.api.secrets import Secret
from explorer.cli import build_parser
from explorer.domain.catalogue import Endpoint
from explorer.domain.query import Query
from explorer.domain.videocloud_catalogue import ReportRequest
from explorer.sandbox.flavors import FLAVORS
from explorer.services.account_manager import AccountManager
from explorer.services.accounts import KINDS as ACCOUNT_KINDS
from explorer.services.accounts import KNOWN_URLS, Account, AccountBook
from explorer.services.connection import SandboxOptions
from explorer.services.sources import KINDS, SourceKind, keys, kind_named
from explorer.services.vault import Vault

QUESTIONS: dict[str, Any] = {
    "apivideo": Query(
        endpoint=Endpoint.METRICS,
        metric="play",
        aggregation="count",
        start=datetime(2026, 3, 1, tzinfo=UTC),
        end=datetime(2026, 3, 2, tzinfo=UTC),
    ),
    "videocloud": ReportRequest("summary", "7d"),
}


def test_the_kinds_are_api_video_then_videocloud_each_named_once() -> None:
    assert keys() == ["apivideo", "videocloud"]
    assert [kind_named(k) for k in keys()] == list(KINDS)
    with pytest.raises(ValueError, match="unknown kind of source 'youtube': choose one of"):
        kind_named("youtube")


@pytest.mark.parametrize("kind", KINDS, ids=keys())
def test_the_account_book_offers_each_kind_by_its_label_and_urls(kind: SourceKind[Any]) -> None:
    assert ACCOUNT_KINDS[kind.key] == kind.label
    offered = {env: url for (key, env), url in KNOWN_URLS.items() if key == kind.key}
    assert offered == dict(kind.urls)


@pytest.mark.parametrize("kind", KINDS, ids=keys())
def test_an_account_opens_as_its_kinds_source(kind: SourceKind[Any], tmp_path: Path) -> None:
    manager = AccountManager(AccountBook(tmp_path / "accounts.json"), Vault())
    account = Account.new("Studio", kind.key, "custom", "http://127.0.0.1:9")
    manager.save(account, Secret("a-key"))
    source = manager.open(account.id)
    try:
        assert source.api == kind.key and source.catalogue is kind.catalogue
        assert (source.label, source.kind, source.account_id) == ("Studio", "LOCAL", account.id)
        assert source.base_url == "http://127.0.0.1:9"
    finally:
        source.close()


@pytest.mark.parametrize("kind", KINDS, ids=keys())
def test_the_demo_is_the_sandbox_serving_the_kinds_flavour(kind: SourceKind[Any]) -> None:
    assert kind.key in FLAVORS
    source = kind.demo(SandboxOptions(scale="small", flavor="not-this-one"))
    try:
        assert source.api == kind.key and source.kind == "DEMO"
        assert source.catalogue is kind.catalogue
        assert source.load_assets().items  # it answers in its own API
    finally:
        source.close()


@pytest.mark.parametrize("kind", KINDS, ids=keys())
def test_copy_as_curl_leaves_the_kinds_key_variable(kind: SourceKind[Any]) -> None:
    source = kind.connect("http://127.0.0.1:9", Secret("never-shown"), "", "LOCAL")
    try:
        text = source.curl(QUESTIONS[kind.key])
    finally:
        source.close()
    assert f"${kind.key_variable}" in text and "never-shown" not in text
    others = [k.key_variable for k in KINDS if k is not kind]
    assert not any(f"${other}" in text for other in others)


@pytest.mark.parametrize("option", ["--api-kind", "--sandbox-flavor"])
def test_the_command_line_offers_the_kinds_by_key(option: str) -> None:
    parser = build_parser()
    for key in keys():
        args = parser.parse_args(["assets", "videos", option, key])
        assert vars(args)[option.lstrip("-").replace("-", "_")] == key
    with pytest.raises(SystemExit):
        parser.parse_args(["assets", "videos", option, "youtube"])
