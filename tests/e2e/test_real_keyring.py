"""The vault against a real Secret Service: gnome-keyring in a private D-Bus session.

A child Python runs under ``dbus-run-session`` with ``gnome-keyring-daemon --unlock
--components=secrets`` (a throw-away login keyring in a temporary home), stores, loads and
removes a key through `explorer.services.vault.Vault` with keyring's default backend, and reads
the collection with secretstorage to check the item sits under service ``analytics-explorer``.
Skipped, with the reason in the summary, where the tools are not installed (Debian packages
``dbus-daemon`` and ``gnome-keyring``; secretstorage and jeepney come with keyring on Linux).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.services.vault import SERVICE

KEY = "realKR-Tn6Wq1Ex8Rb3Yu5Io0Pa9Sd2"
ACCOUNT = "0123456789abcdef0123456789abcdef"
TOOLS = ("dbus-run-session", "gnome-keyring-daemon")
REPO = Path(__file__).resolve().parents[2]

CHILD = f"""
import json, sys
import keyring, secretstorage
from explorer.api.secrets import Secret
from explorer.services.vault import SERVICE, Vault

def items():
    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        found = collection.search_items({{"service": SERVICE, "username": {ACCOUNT!r}}})
        return [(item.get_label(), item.get_secret().decode()) for item in found]
    finally:
        connection.close()

vault = Vault()
backend = type(vault.backend)
out = {{"backend": f"{{backend.__module__}}.{{backend.__name__}}"}}
out["unavailable"] = vault.unavailable()
vault.store({ACCOUNT!r}, Secret({KEY!r}))
loaded = vault.load({ACCOUNT!r})
out["loaded"] = loaded.reveal() if loaded is not None else None
out["in_memory"] = vault.in_memory({ACCOUNT!r})
out["stored"] = items()
vault.remove({ACCOUNT!r})
out["after_remove"] = vault.load({ACCOUNT!r}) is None
out["left"] = items()
vault.remove({ACCOUNT!r})  # a key that is not there is no error
print("RESULT " + json.dumps(out), flush=True)
"""


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@pytest.mark.skipif(
    bool(missing_tools()),
    reason=f"no real Secret Service here: {', '.join(missing_tools())} not installed "
    "(Debian: apt-get install dbus-daemon gnome-keyring)",
)
def test_the_vault_stores_loads_and_removes_a_key_in_gnome_keyring(tmp_path: Path) -> None:
    home, runtime = tmp_path / "home", tmp_path / "run"
    for folder in (home / ".cache", home / ".local" / "share", home / ".config", runtime):
        folder.mkdir(parents=True)
    runtime.chmod(0o700)
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DBUS_", "XDG_", "GNOME_KEYRING", "PYTHON_KEYRING"))
    }
    env.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )
    command = (
        "echo -n scan-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        f' && exec "{sys.executable}" "{script}"'
    )
    run = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", command],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=90,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    result = json.loads(lines[-1].removeprefix("RESULT "))
    assert result["backend"] == "keyring.backends.SecretService.Keyring"
    assert result["unavailable"] is None
    assert result["loaded"] == KEY and result["in_memory"] is False
    [(label, secret)] = result["stored"]
    assert secret == KEY and SERVICE in label and ACCOUNT in label
    assert result["after_remove"] is True and result["left"] == []
    assert KEY not in run.stderr  # the daemon and the child say nothing of the key
