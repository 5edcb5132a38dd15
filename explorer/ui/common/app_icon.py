"""The application icon: PNG renders from resources/icons, wherever this copy of the app runs."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "analytics-explorer"
ICON_SIZES = (48, 128, 256)


def icon_folders() -> list[Path]:
    """Where the PNGs may be: inside a frozen app (PyInstaller's bundle), then in the source
    checkout this package runs from."""
    folders: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        folders.append(Path(bundle) / "resources" / "icons")
    folders.append(Path(__file__).resolve().parents[3] / "resources" / "icons")
    return folders


def icon_files() -> list[Path]:
    """The PNG of each size, from the first folder that has them all; [] when none does (a
    wheel installed without the repository's resources/)."""
    for folder in icon_folders():
        files = [folder / f"{ICON_NAME}-{size}.png" for size in ICON_SIZES]
        if all(path.is_file() for path in files):
            return files
    return []


def app_icon() -> QIcon:
    """The window icon; the desktop theme's ``analytics-explorer`` icon (which the .deb installs)
    when no PNG is found."""
    files = icon_files()
    if not files:
        return QIcon.fromTheme(ICON_NAME)
    icon = QIcon()
    for path in files:
        icon.addFile(str(path))
    return icon
