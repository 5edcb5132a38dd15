#!/usr/bin/env bash
# Build Analytics Explorer's Linux packages: a one-folder app (PyInstaller), a .tar.gz and a
# .deb, in dist/. No arguments. It installs what it needs (dpkg-dev and binutils from Debian if
# missing; PyInstaller from PyPI into a build venv, build/venv, beside the app installed from
# this checkout), builds, and runs the built app's --self-test: if that fails, the build fails.
#
# Environment (optional): PYTHON, the interpreter for the build venv (default: the one .venv
# was made with, else python3); DIST_DIR (default dist) and BUILD_DIR (default build), relative
# to the repository or absolute; BUILD_VENV (default $BUILD_DIR/venv).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
NAME=analytics-explorer
DIST_DIR=$(realpath -m "${DIST_DIR:-dist}")
BUILD_DIR=$(realpath -m "${BUILD_DIR:-build}")
BUILD_VENV=$(realpath -m "${BUILD_VENV:-$BUILD_DIR/venv}")
PYINSTALLER_SPEC="pyinstaller>=6.10,<7"
started=$SECONDS

say() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - started)); }
fail() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# --- system tools ------------------------------------------------------------------------------
say "system tools"
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then  # the interpreter the project's venv (and its tests) use
        PYTHON=$(.venv/bin/python -c 'import sys; print(sys._base_executable)')
    else
        PYTHON=$(command -v python3) || fail "no python3; set PYTHON"
    fi
fi
missing=()
command -v dpkg-deb >/dev/null || missing+=(dpkg)
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
command -v objdump >/dev/null || missing+=(binutils)
command -v file >/dev/null || missing+=(file)
# PyInstaller bundles the interpreter's shared library; Debian's python3 is linked statically
# and ships it apart, in libpython3.X.
if ! "$PYTHON" -c 'import ctypes, sysconfig; ctypes.CDLL(sysconfig.get_config_var("INSTSONAME"))' \
    2>/dev/null; then
    missing+=("libpython$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
fi
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=$(command -v sudo) || fail "need root or sudo to install ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- the build venv: the app from this checkout (not editable) and PyInstaller -------------------
say "build venv $BUILD_VENV ($PYTHON)"
mkdir -p "$BUILD_DIR" "$DIST_DIR"
if [ ! -x "$BUILD_VENV/bin/python" ]; then
    "$PYTHON" -m venv "$BUILD_VENV"
fi
pip=("$BUILD_VENV/bin/python" -m pip --disable-pip-version-check --quiet)
constraints=()
if [ -x .venv/bin/pip ]; then  # the versions the test suite ran against
    .venv/bin/pip freeze --exclude-editable --disable-pip-version-check > "$BUILD_DIR/constraints.txt"
    constraints=(--constraint "$BUILD_DIR/constraints.txt")
fi
"${pip[@]}" install "${constraints[@]}" . "$PYINSTALLER_SPEC"
"${pip[@]}" install --no-deps --force-reinstall .  # this checkout's code, even at the same version
VERSION=$("$BUILD_VENV/bin/python" -c 'import explorer; print(explorer.__version__)')
ARCH=$(dpkg --print-architecture)
echo "analytics-explorer $VERSION ($ARCH), $("$BUILD_VENV/bin/pyinstaller" --version | sed 's/^/PyInstaller /')"

# --- the one-folder app --------------------------------------------------------------------------
say "PyInstaller"
APP="$DIST_DIR/$NAME"
rm -rf "$APP"
"$BUILD_VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST_DIR" --workpath "$BUILD_DIR/pyinstaller" packaging/$NAME.spec

# An interpreter built from source (pyenv) keeps its debug symbols: 30 MB of libpython and
# lib-dynload. Strip those only; the wheels' libraries (Qt, numpy) are stripped already, and
# stripping a library patchelf has rewritten can break it.
while IFS= read -r -d '' elf; do
    if file "$elf" | grep -q 'with debug_info'; then strip --strip-debug "$elf"; fi
done < <(find "$APP/_internal" \( -name 'libpython3*.so*' -o -path '*/lib-dynload/*.so' \) -print0)

say "checking the app's shared libraries"
# Every library a bundled binary needs is either in the bundle or on this system (the .deb
# depends on those packages); "not found" means the spec dropped something still needed.
mapfile -t elves < <(find "$APP" -type f \( -name '*.so*' -o -name "$NAME" \) | sort)
lib_path=$(find "$APP/_internal" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)
unresolved=$(for f in "${elves[@]}"; do
    LD_LIBRARY_PATH=$lib_path ldd "$f" 2>/dev/null | grep 'not found' | sed "s|^|${f#"$APP"/}: |"
done || true)
[ -z "$unresolved" ] || fail "unresolved libraries:"$'\n'"$unresolved"

say "self-test of the built app"
# A clean environment: no venv, no PYTHONPATH, an empty zoneinfo search path (so the IANA
# database must come from the bundle's tzdata), a throwaway HOME that must stay empty.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/tmp"
if ! env -i PATH=/usr/bin:/bin HOME="$scratch/home" TMPDIR="$scratch/tmp" LANG=C.UTF-8 \
    PYTHONTZPATH= "$APP/$NAME" --self-test; then
    fail "the built app failed its self-test"
fi
leftovers=$(find "$scratch/home" "$scratch/tmp" -mindepth 1 | head -5)
[ -z "$leftovers" ] || fail "the self-test left files behind: $leftovers"

# --- the package tree: /opt, /usr/bin, the menu entry and the icons ------------------------------
say "package tree"
STAGE="$BUILD_DIR/stage"
rm -rf "$STAGE"
PKG="$STAGE/deb/$NAME"  # dpkg-shlibdeps wants debian/<package>-like trees: deb/<package>
mkdir -p "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" "$PKG/DEBIAN" \
    "$PKG/usr/share/doc/$NAME" "$PKG/usr/share/icons/hicolor/scalable/apps"
cp -a "$APP" "$PKG/opt/$NAME"
ln -s "/opt/$NAME/$NAME" "$PKG/usr/bin/$NAME"
install -m 644 packaging/linux/$NAME.desktop "$PKG/usr/share/applications/$NAME.desktop"
install -D -m 644 packaging/linux/$NAME-mime.xml "$PKG/usr/share/mime/packages/$NAME-mime.xml"
if command -v desktop-file-validate >/dev/null; then  # desktop-file-utils, if installed
    desktop-file-validate "$PKG/usr/share/applications/$NAME.desktop"
fi
for size in 48 128 256; do
    install -D -m 644 "resources/icons/$NAME-$size.png" \
        "$PKG/usr/share/icons/hicolor/${size}x${size}/apps/$NAME.png"
done
install -m 644 "resources/icons/$NAME.svg" "$PKG/usr/share/icons/hicolor/scalable/apps/$NAME.svg"
cat > "$PKG/usr/share/doc/$NAME/copyright" <<EOF
Analytics Explorer $VERSION. Proprietary: see the project's licence.
Bundled: CPython (PSF License), Qt 6 and PySide6 (LGPL-3.0), pyqtgraph (MIT), numpy (BSD-3-Clause,
with OpenBLAS, BSD-3-Clause, and libgfortran, GPL-3.0 with the GCC Runtime Library Exception),
pydantic (MIT), httpx (BSD-3-Clause), tzdata (Apache-2.0), and their dependencies.
EOF
find "$PKG" -type d -exec chmod 755 {} +

say "dependencies (dpkg-shlibdeps)"
mapfile -t pkg_elves < <(find "$PKG/opt" -type f \( -name '*.so*' -o -name "$NAME" \) | sort)
mkdir -p "$STAGE/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$NAME" "$NAME" > "$STAGE/debian/control"
mapfile -t pkg_lib_dirs < <(for f in "${pkg_elves[@]}"; do echo "-l${f%/*}"; done | sort -u)
# Bundled libraries (Qt, ICU, libpython, numpy's) have no Debian package: --ignore-missing-info.
(cd "$STAGE" && dpkg-shlibdeps -O --ignore-missing-info "${pkg_lib_dirs[@]}" \
    "${pkg_elves[@]#"$STAGE"/}") > "$BUILD_DIR/shlibdeps.txt" 2> "$BUILD_DIR/shlibdeps.log" ||
    { cat "$BUILD_DIR/shlibdeps.log" >&2; fail "dpkg-shlibdeps failed"; }
DEPENDS=$(sed -n 's/^shlibs:Depends=//p' "$BUILD_DIR/shlibdeps.txt")
[ -n "$DEPENDS" ] || fail "dpkg-shlibdeps found no dependencies"
# The Qt libraries ARCHITECTURE.md lists for offscreen and for X11 must all be among them.
for needed in libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 \
    libdbus-1-3 libx11-6 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
    libxcb-xkb1 libxkbcommon-x11-0; do
    grep -qE "(^|, )$needed( |,|$)" <<<"$DEPENDS" || fail "Depends lacks $needed: $DEPENDS"
done

cat > "$PKG/DEBIAN/control" <<EOF
Package: $NAME
Version: $VERSION
Architecture: $ARCH
Maintainer: Analytics Explorer team <analytics-explorer@localhost>
Installed-Size: $(du -sk --apparent-size "$PKG" --exclude=DEBIAN | cut -f1)
Depends: $DEPENDS
Section: misc
Priority: optional
Homepage: https://api.video
Description: desktop explorer for api.video audience analytics
 Pick a video, a live stream, a player or the whole project, build a query
 (metric, aggregation, breakdown, filters, time range, interval), see it as a
 chart and a table, open a viewer's session timeline, and export anything to
 CSV. A built-in local sandbox, an api.video-compatible service over simulated
 player events, lets it work before you have an API key.
 .
 Self-contained: Python, Qt (PySide6) and the other libraries it needs are in
 /opt/analytics-explorer; "analytics-explorer --self-test" checks them.
EOF

# --- the packages --------------------------------------------------------------------------------
say "packages"
DEB="$DIST_DIR/${NAME}_${VERSION}_${ARCH}.deb"
TARBALL="$DIST_DIR/$NAME-$VERSION-linux-$(uname -m).tar.gz"
rm -f "$DEB" "$TARBALL"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >/dev/null

# The .tar.gz: the app folder, with the menu entry, the icons and a script to install them.
TREE="$STAGE/tar/$NAME"
mkdir -p "$TREE"
cp -a "$APP/." "$TREE/"
mkdir -p "$TREE/share"
cp -a "$PKG/usr/share/applications" "$PKG/usr/share/icons" "$PKG/usr/share/mime" "$TREE/share/"
install -m 755 packaging/linux/install-desktop-entry.sh "$TREE/install-desktop-entry.sh"
tar --owner=0 --group=0 --numeric-owner -C "$STAGE/tar" -cf - "$NAME" | gzip -6 > "$TARBALL"

say "checking the .deb"
dpkg-deb --info "$DEB" > "$BUILD_DIR/deb-info.txt"
unpacked="$scratch/deb"
dpkg-deb -x "$DEB" "$unpacked"
[ "$(readlink "$unpacked/usr/bin/$NAME")" = "/opt/$NAME/$NAME" ] || fail "bad /usr/bin link"
for path in "usr/share/applications/$NAME.desktop" "usr/share/icons/hicolor/48x48/apps/$NAME.png" \
    "usr/share/icons/hicolor/128x128/apps/$NAME.png" \
    "usr/share/icons/hicolor/256x256/apps/$NAME.png" "opt/$NAME/$NAME"; do
    [ -e "$unpacked/$path" ] || fail "the .deb lacks /$path"
done
env -i PATH=/usr/bin:/bin HOME="$scratch/home" TMPDIR="$scratch/tmp" LANG=C.UTF-8 \
    "$unpacked/opt/$NAME/$NAME" --self-test >/dev/null || fail "the .deb's app failed its self-test"

say "done"
size() { du -sh --apparent-size "$1" | cut -f1; }
printf '%-52s %s\n' "$APP/ (one folder, unpacked)" "$(size "$APP")" \
    "$TARBALL" "$(size "$TARBALL")" \
    "$DEB" "$(size "$DEB") (Installed-Size $(sed -n 's/^Installed-Size: //p' "$PKG/DEBIAN/control") KiB)"
echo "Depends: $DEPENDS"
echo "install: sudo apt install $DEB"
