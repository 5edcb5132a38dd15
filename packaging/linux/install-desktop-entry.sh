#!/bin/sh
# Add Analytics Explorer, unpacked from the .tar.gz, to your desktop's menu (for you only):
# a .desktop entry in ~/.local/share/applications that runs the app from where this script is,
# and its icons in ~/.local/share/icons/hicolor. Run it again after moving the folder;
# `install-desktop-entry.sh --remove` takes both away.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry="$data/applications/analytics-explorer.desktop"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry" "$data"/icons/hicolor/*/apps/analytics-explorer.png
    echo "removed $entry and the icons"
    exit 0
fi
mkdir -p "$data/applications"
for size in 48 128 256; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$here/share/icons/hicolor/${size}x${size}/apps/analytics-explorer.png" \
        "$data/icons/hicolor/${size}x${size}/apps/analytics-explorer.png"
done
sed "s|^Exec=.*|Exec=\"$here/analytics-explorer\"|" \
    "$here/share/applications/analytics-explorer.desktop" > "$entry"
echo "installed $entry (runs $here/analytics-explorer)"
