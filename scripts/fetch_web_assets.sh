#!/usr/bin/env bash
# Download the JavaScript/CSS that wijkkracht's web map loads from CDNs, so that the map can be
# rendered offline (the browser test serves these files instead of the CDN).
#
# Usage: scripts/fetch_web_assets.sh [DEST]      (default DEST: .cache/web-assets)
#
# Each npm package is unpacked to DEST/<name>@<version>/, mirroring the CDN URL layout
# https://cdn.jsdelivr.net/npm/<name>@<version>/<path>. Packages already present are skipped,
# so a second run does no network access.
#
# The map loads only Leaflet, at the version Folium pins (folium.Map.default_js/default_css):
# wijkkracht.output.webmap drops Folium's other default assets (jQuery, Bootstrap, Font Awesome,
# Leaflet.awesome-markers), which it does not use, and uses no folium.plugins. When Folium pins
# another Leaflet version, the browser test says so; update PACKAGES below.
set -euo pipefail

PACKAGES=(
  "leaflet@1.9.3"
)

dest="${1:-.cache/web-assets}"
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
  rm -rf "$target.partial" "$target"
  mv "$work/unpacked/package" "$target.partial"
  mv "$target.partial" "$target"   # appears complete or not at all
  rm -rf "$work"
  trap - EXIT
  echo "fetch_web_assets: $spec -> $target"
done
