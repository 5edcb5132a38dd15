#!/bin/sh
# Add Analytics Explorer, unpacked from the .tar.gz, to your desktop's menu (for you only):
# a .desktop entry in ~/.local/share/applications that runs the app from where this script is,
# its icons in ~/.local/share/icons/hicolor, and the exploration file type (*.aexplore, opened
# by a double-click) in ~/.local/share/mime. Run it again after moving the folder;
# `install-desktop-entry.sh --remove` takes them away.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry="$data/applications/analytics-explorer.desktop"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry" "$data"/icons/hicolor/*/apps/analytics-explorer.png \
        "$data/mime/packages/analytics-explorer-mime.xml"
    if command -v update-mime-database >/dev/null; then update-mime-database "$data/mime"; fi
    echo "removed $entry, the icons and the file type"
    exit 0
fi
mkdir -p "$data/applications"
for size in 48 128 256; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$here/share/icons/hicolor/${size}x${size}/apps/analytics-explorer.png" \
        "$data/icons/hicolor/${size}x${size}/apps/analytics-explorer.png"
done
mkdir -p "$data/mime/packages"
cp "$here/share/mime/packages/analytics-explorer-mime.xml" "$data/mime/packages/"
if command -v update-mime-database >/dev/null; then update-mime-database "$data/mime"; fi
sed "s|^Exec=.*|Exec=\"$here/analytics-explorer\" open %f|" \
    "$here/share/applications/analytics-explorer.desktop" > "$entry"
echo "installed $entry (runs $here/analytics-explorer)"
