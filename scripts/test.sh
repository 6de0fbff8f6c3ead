#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian 12 machine, then run them.
#   bash scripts/test.sh [pytest arguments]
# apt: Chromium (browser tests), npm (to fetch the map's JS/CSS for offline tests) and QGIS
# (the GeoPackage is opened in a real QGIS to check its styles).
# pip: the package and its test extras, in a virtual environment (default .venv, or
# $WIJKKRACHT_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need_apt+=(python3-venv)
/usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 || need_apt+=(qgis python3-qgis qgis-providers)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "test.sh: apt-get install ${need_apt[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

VENV="${WIJKKRACHT_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -U pip
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"

export WIJKKRACHT_WEB_ASSETS="${WIJKKRACHT_WEB_ASSETS:-$PWD/.cache/web-assets}"
bash scripts/fetch_web_assets.sh "$WIJKKRACHT_WEB_ASSETS"

# Browser tests must run here, not skip.
export WIJKKRACHT_REQUIRE_BROWSER=1
exec "$VENV/bin/python" -m pytest "$@"
