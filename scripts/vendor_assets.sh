#!/usr/bin/env bash
# Fetch the JS/CSS that folium loads from CDNs into static/vendor/, so that maps
# work with no network. Streamlit serves static/ at /app/static/ when
# server.enableStaticServing = true; src/ca_atlas/assets.py points folium there.
#
#   scripts/vendor_assets.sh          fetch what is missing (no-op when up to date)
#   scripts/vendor_assets.sh --check  exit 1 if anything is missing, fetch nothing
#   scripts/vendor_assets.sh --force  fetch everything again
#
# Packages come from the npm registry with `npm pack` (no node_modules, no
# install scripts run). Only the files folium's CSS/JS lists need, plus what
# their CSS references (images, fonts) and each package's licence, are kept.
# VENDOR_DIR overrides the destination (default: <repo>/static/vendor).
# Keep the list in step with src/ca_atlas/assets.py (LOCAL_FILES); axe-core is the one
# package the app never loads: the browser tests inject it (tests/e2e/test_accessibility.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${VENDOR_DIR:-$ROOT/static/vendor}"
STAMP="$DEST/.stamp"

# dir | npm spec | paths inside the package (files or folders)
PACKAGES=(
  "leaflet|leaflet@1.9.4|dist/leaflet.js dist/leaflet.css dist/images LICENSE"
  "leaflet.markercluster|leaflet.markercluster@1.5.3|dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css MIT-LICENCE.txt"
  "leaflet.fullscreen|leaflet.fullscreen@3.0.0|Control.FullScreen.js Control.FullScreen.css icon-fullscreen.svg LICENSE"
  "jquery|jquery@3.7.1|dist/jquery.min.js LICENSE.txt"
  "bootstrap|bootstrap@5.2.2|dist/css/bootstrap.min.css dist/js/bootstrap.bundle.min.js LICENSE"
  "fontawesome-free|@fortawesome/fontawesome-free@6.2.0|css/all.min.css webfonts LICENSE.txt"
  "leaflet.awesome-markers|leaflet.awesome-markers@2.0.5|dist/leaflet.awesome-markers.js dist/leaflet.awesome-markers.css dist/images LICENSE"
  "leaflet-minimap|leaflet-minimap@3.6.1|dist/Control.MiniMap.min.js dist/Control.MiniMap.min.css dist/images LICENSE.txt"
  "leaflet-dvf|leaflet-dvf@0.3.0|dist/leaflet-dvf.markers.min.js LICENSE"
  # not for folium: the browser tests inject it (tests/e2e/test_accessibility.py)
  "axe-core|axe-core@4.14.1|axe.min.js LICENSE LICENSE-3RD-PARTY.txt"
)

die() { echo "vendor_assets: ERROR: $*" >&2; exit 1; }
say() { echo "vendor_assets: $*" >&2; }

mode=fetch
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --force) mode=force ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
  *) die "unknown argument: $1 (use --check or --force)" ;;
esac

expected_stamp() { printf '%s\n' "${PACKAGES[@]}"; }

# 0 when the package's own stamp matches and all its paths exist.
package_ok() {
  local dir="$1" spec="$2" paths="$3" p
  [[ -f "$DEST/$dir/.stamp" && "$(cat "$DEST/$dir/.stamp")" == "$spec" ]] || return 1
  for p in $paths; do [[ -e "$DEST/$dir/$p" ]] || return 1; done
}

all_ok() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(expected_stamp)" ]] || return 1
  local entry dir spec paths
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r dir spec paths <<<"$entry"
    package_ok "$dir" "$spec" "$paths" || return 1
  done
}

if [[ "$mode" != force ]] && all_ok; then
  say "up to date in $DEST"
  exit 0
fi
if [[ "$mode" == check ]]; then
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r dir spec paths <<<"$entry"
    package_ok "$dir" "$spec" "$paths" || say "missing or stale: $dir ($spec)"
  done
  die "static/vendor is incomplete: run 'make vendor' (scripts/vendor_assets.sh)"
fi

command -v npm >/dev/null || die "npm not found on PATH (needed for 'npm pack')"
command -v tar >/dev/null || die "tar not found on PATH"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/ca-vendor.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$DEST"
rm -f "$STAMP"

for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r dir spec paths <<<"$entry"
  if [[ "$mode" != force ]] && package_ok "$dir" "$spec" "$paths"; then
    say "ok       $dir ($spec)"
    continue
  fi
  work="$TMP/$dir"
  mkdir -p "$work/unpacked" "$work/stage"
  tgz="$(cd "$work" && npm pack "$spec" --silent 2>"$work/npm.err" | tail -n 1)" \
    || { cat "$work/npm.err" >&2; die "npm pack $spec failed"; }
  [[ -n "$tgz" && -f "$work/$tgz" ]] || { cat "$work/npm.err" >&2; die "npm pack $spec produced no tarball"; }
  tar -xzf "$work/$tgz" -C "$work/unpacked" --no-same-owner \
    || die "cannot extract $tgz"
  for p in $paths; do
    [[ -e "$work/unpacked/package/$p" ]] || die "$spec has no $p"
    mkdir -p "$work/stage/$(dirname "$p")"
    cp -R "$work/unpacked/package/$p" "$work/stage/$p"
  done
  printf '%s' "$spec" >"$work/stage/.stamp"
  # Replace the package folder in one step, so a failed run leaves no half state.
  rm -rf "$DEST/$dir.new"
  mv "$work/stage" "$DEST/$dir.new"
  rm -rf "$DEST/$dir"
  mv "$DEST/$dir.new" "$DEST/$dir"
  say "fetched  $dir ($spec)"
done

all_ok_except_stamp=1
for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r dir spec paths <<<"$entry"
  package_ok "$dir" "$spec" "$paths" || { all_ok_except_stamp=0; say "still missing: $dir"; }
done
[[ "$all_ok_except_stamp" == 1 ]] || die "vendoring incomplete"
expected_stamp >"$STAMP"
say "done: $(du -sh "$DEST" | cut -f1) in $DEST"
