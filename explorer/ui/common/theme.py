"""Light, dark or the system's colour scheme, applied as the application palette (charts follow
it: they restyle on every palette change)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

THEMES = {"system": "&System", "light": "&Light", "dark": "&Dark"}
Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_DARK = {
    Role.Window: "#2b2b2b",
    Role.WindowText: "#e6e6e6",
    Role.Base: "#1e1e1e",
    Role.AlternateBase: "#262626",
    Role.ToolTipBase: "#3a3a3a",
    Role.ToolTipText: "#f0f0f0",
    Role.PlaceholderText: "#8a8a8a",
    Role.Text: "#e6e6e6",
    Role.Button: "#353535",
    Role.ButtonText: "#e6e6e6",
    Role.BrightText: "#ff6b6b",
    Role.Light: "#4a4a4a",
    Role.Midlight: "#3d3d3d",
    Role.Mid: "#2f2f2f",
    Role.Dark: "#151515",
    Role.Shadow: "#000000",
    Role.Highlight: "#3d8fd6",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#6cb4ff",
    Role.LinkVisited: "#b48cff",
}
_LIGHT = {
    Role.Window: "#efefef",
    Role.WindowText: "#1a1a1a",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f5f5f5",
    Role.ToolTipBase: "#ffffdc",
    Role.ToolTipText: "#000000",
    Role.PlaceholderText: "#7a7a7a",
    Role.Text: "#1a1a1a",
    Role.Button: "#efefef",
    Role.ButtonText: "#1a1a1a",
    Role.BrightText: "#ffffff",
    Role.Light: "#ffffff",
    Role.Midlight: "#e3e3e3",
    Role.Mid: "#a0a0a0",
    Role.Dark: "#9f9f9f",
    Role.Shadow: "#767676",
    Role.Highlight: "#308cc6",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#0b57d0",
    Role.LinkVisited: "#7b1fa2",
}


def _palette(colours: dict[QPalette.ColorRole, str], dark: bool) -> QPalette:
    palette = QPalette()
    for role, name in colours.items():
        palette.setColor(role, QColor(name))
    muted = QColor("#7f7f7f" if dark else "#a0a0a0")
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, muted)
    return palette


def dark_palette() -> QPalette:
    return _palette(_DARK, dark=True)


def light_palette() -> QPalette:
    return _palette(_LIGHT, dark=False)


def wants_dark(choice: str) -> bool:
    """Whether `choice` (system, light or dark) means dark now."""
    if choice == "dark":
        return True
    if choice == "light":
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


_original: list[QPalette] = []  # the palette the application started with


def apply_theme(choice: str) -> bool:
    """Apply `choice` to the application; True when it is dark. Light keeps the palette the
    application started with when that one is light (the desktop's own), and the platform is
    told the choice (window decorations follow where they can)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return wants_dark(choice)
    if not _original:
        _original.append(QPalette(app.palette()))
    if choice == "system":
        app.styleHints().unsetColorScheme()
    dark = wants_dark(choice)
    if choice != "system":
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    started = _original[0]
    started_light = started.color(Role.Base).lightnessF() >= 0.5
    if dark:
        app.setPalette(dark_palette())
    else:
        app.setPalette(QPalette(started) if started_light else light_palette())
    return dark
