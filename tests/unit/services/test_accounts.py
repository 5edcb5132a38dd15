"""Saved accounts: validation, badges, the JSON book (atomic, never a key), the keyring vault."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from explorer.api.secrets import Secret
from explorer.services.accounts import Account, AccountBook, AccountError
from explorer.services.vault import SERVICE, Vault, VaultError
from tests.memory_keyring import MemoryKeyring


def test_environments_give_urls_and_badges() -> None:
    production = Account.new("Shop", "apivideo", "production")
    sandbox = Account.new("Shop test", "apivideo", "sandbox")
    local = Account.new("Mine", "apivideo", "custom", "http://127.0.0.1:8080/")
    lan = Account.new("Lab", "videocloud", "custom", "http://10.0.0.7")
    proxy = Account.new("Proxy", "apivideo", "custom", "https://proxy.example.com/api")
    assert production.url == "https://ws.api.video" and production.badge == "PRODUCTION"
    assert sandbox.url == "https://sandbox.api.video" and sandbox.badge == "SANDBOX"
    assert local.url == "http://127.0.0.1:8080" and local.badge == "LOCAL"
    assert lan.badge == "LOCAL"
    assert proxy.url == "https://proxy.example.com/api" and proxy.badge == "PRODUCTION"
    assert production.id != sandbox.id


@pytest.mark.parametrize(
    ("name", "kind", "environment", "url", "words"),
    [
        ("", "apivideo", "production", "", "needs a name"),
        ("A", "vimeo", "production", "", "unknown kind"),
        ("A", "apivideo", "staging", "", "unknown environment"),
        ("A", "apivideo", "custom", "ftp://x", "not a base URL"),
        ("A", "apivideo", "custom", "https://user:pw@x.example", "credentials"),
        ("A", "apivideo", "custom", "https://ws.api.videohttp://127.0.0.1:8765", "not one base"),
        ("A", "apivideo", "custom", "http://a.example /b", "not one base"),
        ("A", "videocloud", "production", "", "need a custom base URL"),
    ],
)
def test_invalid_accounts_are_refused_in_words(
    name: str, kind: str, environment: str, url: str, words: str
) -> None:
    with pytest.raises(AccountError, match=words):
        Account.new(name, kind, environment, url)


def test_the_book_keeps_accounts_across_instances_and_no_key(tmp_path: Path) -> None:
    path = tmp_path / "config" / "accounts.json"
    book = AccountBook(path)
    shop = Account.new("Shop", "apivideo", "production")
    book.save(shop)
    book.save(Account.new("Lab", "videocloud", "custom", "http://localhost:9000"))
    again = AccountBook(path)
    assert [a.name for a in again] == ["Shop", "Lab"]
    assert again.named("shop") == shop
    assert again.get(shop.id) == shop
    document = json.loads(path.read_text())
    assert set(document["accounts"][0]) == {"id", "name", "kind", "environment", "base_url"}
    assert [p.name for p in path.parent.iterdir()] == ["accounts.json"]  # no temporary left


def test_names_are_unique_and_renames_keep_the_id(tmp_path: Path) -> None:
    book = AccountBook(tmp_path / "accounts.json")
    shop = Account.new("Shop", "apivideo", "production")
    book.save(shop)
    with pytest.raises(AccountError, match="exists already"):
        book.save(Account.new("SHOP", "apivideo", "sandbox"))
    renamed = book.rename(shop.id, "Shop (live)")
    assert renamed.id == shop.id and [a.name for a in book] == ["Shop (live)"]
    with pytest.raises(AccountError, match=r"no account named 'Nope'.*Shop \(live\)"):
        book.named("Nope")
    book.remove(shop.id)
    assert len(AccountBook(book.path)) == 0


def test_a_damaged_book_is_said_in_words(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    path.write_text("{not json")
    with pytest.raises(AccountError, match="damaged"):
        AccountBook(path)


def test_a_failed_write_keeps_the_old_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = AccountBook(tmp_path / "accounts.json")
    book.save(Account.new("Shop", "apivideo", "production"))
    before = book.path.read_bytes()

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    with pytest.raises(AccountError, match=r"(?i)no space left"):
        book.save(Account.new("Lab", "apivideo", "sandbox"))
    assert book.path.read_bytes() == before
    assert [a.name for a in book] == ["Shop"]
    assert [p.name for p in book.path.parent.iterdir()] == ["accounts.json"]


def test_the_vault_keeps_keys_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    vault = Vault()
    assert vault.unavailable() is None
    vault.store("acc1", Secret("key-one"))
    assert memory_keyring.passwords == {(SERVICE, "acc1"): "key-one"}
    assert vault.load("acc1") == Secret("key-one")
    assert vault.load("other") is None
    vault.remove("acc1")
    vault.remove("acc1")  # already gone: no error
    assert memory_keyring.passwords == {}


def test_with_no_keyring_the_vault_says_so_and_keeps_keys_only_if_asked() -> None:
    keyring.set_keyring(fail.Keyring())
    vault = Vault()
    reason = vault.unavailable()
    assert reason is not None and "No system keyring" in reason
    with pytest.raises(VaultError, match="No system keyring"):
        vault.store("acc1", Secret("key-one"))
    assert vault.load("acc1") is None
    vault.store("acc1", Secret("key-one"), keep_in_memory=True)
    assert vault.load("acc1") == Secret("key-one") and vault.in_memory("acc1")
    vault.remove("acc1")
    assert vault.load("acc1") is None


def test_keyring_failures_become_vault_errors_without_the_key(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*_: object) -> None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    monkeypatch.setattr(memory_keyring, "set_password", locked)
    monkeypatch.setattr(memory_keyring, "get_password", locked)
    vault = Vault()
    with pytest.raises(VaultError, match="refused to save the key: the collection is locked"):
        vault.store("acc1", Secret("key-one"))
    with pytest.raises(VaultError, match="could not be read"):
        vault.load("acc1")
