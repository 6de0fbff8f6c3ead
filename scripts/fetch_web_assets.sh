#!/usr/bin/env bash
# Fetch the JavaScript/CSS of wijkkracht's web map from the npm registry (npm pack).
#
# Usage:
#   scripts/fetch_web_assets.sh [DEST]     unpack the packages to DEST (default .cache/web-assets)
#   scripts/fetch_web_assets.sh --vendor   also copy the files the map uses, with their licences,
#                                          into output/web-assets/ (committed; offline maps inline them)
#
# Each npm package is unpacked to DEST/<name>@<version>/, mirroring the CDN URL layout
# https://cdn.jsdelivr.net/npm/<name>@<version>/<path>: the browser tests serve the online map's
# CDN URLs from there, and tests/output/test_webmap_assets.py checks that the files committed in
# output/web-assets/ are byte for byte the ones in these packages. Packages already present are
# skipped, so a second run does no network access.
#
# The map loads Leaflet and Leaflet.markercluster (wijkkracht.output.webmap.WEB_ASSETS, which
# lists the same versions and files as VENDOR below); it drops Folium's other default assets
# (jQuery, Bootstrap, Font Awesome, awesome-markers). To change a version, change it here and
# in WEB_ASSETS, run with --vendor, and commit output/web-assets/.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  "leaflet@1.9.3"
  "leaflet.markercluster@1.5.3"
)

# "<package>@<version> <file in the package> ...": what output/web-assets/<package>@<version>/
# holds, each file under its path in the package without the leading dist/.
VENDOR=(
  "leaflet@1.9.3 LICENSE dist/leaflet.js dist/leaflet.css dist/images/layers.png dist/images/layers-2x.png dist/images/marker-icon.png"
  "leaflet.markercluster@1.5.3 MIT-LICENCE.txt dist/leaflet.markercluster.js dist/MarkerCluster.css"
)

vendor=0
dest=".cache/web-assets"
for arg in "$@"; do
  case "$arg" in
    --vendor) vendor=1 ;;
    -*) echo "fetch_web_assets: unknown option $arg" >&2; exit 2 ;;
    *) dest="$arg" ;;
  esac
done
mkdir -p "$dest"

for spec in "${PACKAGES[@]}"; do
  target="$dest/$spec"
  if [[ -f "$target/package.json" ]]; then
    continue
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent --pack-destination "$work" "$spec" >/dev/null)
  tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
  if [[ -z "$tarball" ]]; then
    echo "fetch_web_assets: npm pack $spec produced no tarball" >&2
    exit 1
  fi
  mkdir -p "$work/unpacked"
  tar -xzf "$tarball" -C "$work/unpacked"
  chmod -R u+rwX,go+rX,go-w "$work/unpacked/package"
  rm -rf "$target.partial" "$target"
  mv "$work/unpacked/package" "$target.partial"
  mv "$target.partial" "$target"   # appears complete or not at all
  rm -rf "$work"
  trap - EXIT
  echo "fetch_web_assets: $spec -> $target"
done

if [[ $vendor == 1 ]]; then
  for entry in "${VENDOR[@]}"; do
    read -r -a parts <<< "$entry"
    spec="${parts[0]}"
    out="output/web-assets/$spec"
    rm -rf "$out.partial"
    for file in "${parts[@]:1}"; do
      rel="${file#dist/}"
      mkdir -p "$(dirname "$out.partial/$rel")"
      install -m 0644 "$dest/$spec/$file" "$out.partial/$rel"
    done
    rm -rf "$out"
    mv "$out.partial" "$out"
    echo "fetch_web_assets: vendored $spec -> $out"
  done
fi
