"""Where the app keeps its files: config, data (the store), cache (the sandbox) and logs."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "analytics-explorer"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME))


def all_dirs() -> list[Path]:
    """Every directory the app writes to (the secret scan reads them all)."""
    return [config_dir(), data_dir(), cache_dir(), log_dir()]
