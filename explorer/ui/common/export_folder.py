"""Where a save dialog starts: the folder of the last export, else Documents, else home."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

LAST_FOLDER = "export/last_folder"


def default_folder() -> Path:
    """The user's documents folder when there is one, else the home folder (never the
    process's working directory, which is wherever the app was started from)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def start_path(settings: QSettings | None, name: str) -> str:
    """The suggested file `name` in the last export's folder (if it still exists), else in
    `default_folder()`; a `name` that is already a full path is kept."""
    if Path(name).is_absolute():
        return name
    remembered = settings.value(LAST_FOLDER) if settings is not None else None
    folder = Path(str(remembered)) if remembered else None
    if folder is None or not folder.is_dir():
        folder = default_folder()
    return str(folder / name)


def remember(settings: QSettings | None, path: Path | None) -> None:
    """The folder of a file just chosen for an export: the next save dialog starts there."""
    if settings is not None and path is not None:
        settings.setValue(LAST_FOLDER, str(path.expanduser().parent))
