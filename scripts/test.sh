#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian 12 machine, then run them.
#   bash scripts/test.sh [pytest arguments]
#
# apt (only what is missing): QGIS (the plugin's algorithms run in a real QGIS), Chromium
# (browser tests), npm (the map's JS/CSS for offline tests), and the headers and compilers for
# building the geo stack against the system GDAL/PROJ/GEOS.
#
# pip: ONE virtual environment (default .venv, or $WIJKKRACHT_VENV) that can also import QGIS:
# made by Debian's /usr/bin/python3 (the python3 on PATH may be another one that cannot import
# qgis) with --system-site-packages, so that Debian's qgis and PyQt5 are visible. In it:
#   * numpy < 2 (Debian's GDAL and QGIS bindings are built against numpy 1);
#   * pyproj 3.6.1 (the last release that supports the system's PROJ 9.1), pyogrio, rasterio and
#     shapely built from source against the system GDAL/PROJ/GEOS, so that one process (QGIS,
#     qgis_process) holds one copy of each library; prebuilt wheels bring their own GDAL/PROJ,
#     which clash with QGIS's (crashes at exit inside qgis_process);
#   * the package (editable) with its test extras, every dependency upgraded eagerly so that no
#     old Debian package (attrs, pyparsing, ...) leaks in, and matplotlib (osmnx imports it).
# The build is recorded in a stamp file; a second run with the same pyproject.toml and recipe
# skips pip entirely.
set -euo pipefail
cd "$(dirname "$0")/.."

# Bump when the recipe below changes: the next run rebuilds the environment.
RECIPE=5
SYSTEM_PYTHON=/usr/bin/python3

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
/usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 || need_apt+=(qgis python3-qgis qgis-providers)
for pkg in libgdal-dev libproj-dev proj-bin libgeos-dev build-essential python3-dev python3-venv; do
    installed "$pkg" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "test.sh: apt-get install ${need_apt[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${need_apt[@]}" >/dev/null
fi

VENV="${WIJKKRACHT_VENV:-.venv}"
STAMP="$VENV/.wijkkracht-test-env"
want_stamp="recipe=$RECIPE pyproject=$(sha256sum pyproject.toml | cut -c1-16)"

# A venv made by another interpreter or without the system site-packages cannot import qgis.
if [ -f "$VENV/pyvenv.cfg" ] && ! { grep -qx "home = /usr/bin" "$VENV/pyvenv.cfg" \
        && grep -qx "include-system-site-packages = true" "$VENV/pyvenv.cfg"; }; then
    echo "test.sh: $VENV was not made by $SYSTEM_PYTHON --system-site-packages; rebuilding" >&2
    rm -rf "$VENV"
fi
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want_stamp" ]; then
    start=$SECONDS
    echo "test.sh: building the test environment in $VENV (a few minutes the first time)" >&2
    rm -f "$STAMP"
    [ -x "$VENV/bin/python" ] || "$SYSTEM_PYTHON" -m venv --system-site-packages "$VENV"
    PY="$VENV/bin/python"
    pip_q=(-q --disable-pip-version-check)
    "$PY" -m pip install "${pip_q[@]}" -U pip
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # pyproj 3.6.1 does not build with Cython >= 3.1; rasterio needs Cython 3.1, hence two steps.
    printf 'cython<3.1\n' > "$tmp/build-constraints.txt"
    # pyarrow 26 needs numpy 2 at import (its metadata does not say so)
    printf 'pyproj==3.6.1\nnumpy<2\npyarrow<26\n' > "$tmp/constraints.txt"
    "$PY" -m pip install "${pip_q[@]}" --build-constraint "$tmp/build-constraints.txt" \
        --no-binary pyproj -c "$tmp/constraints.txt" pyproj numpy
    "$PY" -m pip install "${pip_q[@]}" -U --upgrade-strategy eager \
        --no-binary pyogrio,rasterio,shapely,pyproj -c "$tmp/constraints.txt" \
        -e ".[test,batch]" matplotlib
    rm -rf "$tmp"
    trap - EXIT
    # Debian's python3-matplotlib (a QGIS dependency) puts ITS mpl_toolkits into sys.modules at
    # start-up (matplotlib-*-nspkg.pth in dist-packages), which breaks the venv's matplotlib
    # ("Unable to import Axes3D"). A .pth in the venv, processed before dist-packages, imports the
    # venv's own mpl_toolkits first (made a regular package); Debian's path is then appended.
    site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    if [ -d "$site/mpl_toolkits" ]; then
        [ -f "$site/mpl_toolkits/__init__.py" ] || : > "$site/mpl_toolkits/__init__.py"
        printf 'import mpl_toolkits  # added by scripts/test.sh, see there\n' \
            > "$site/00-wijkkracht-mpl-toolkits.pth"
    fi
    # The result must be one QGIS-capable stack on the system libraries.
    "$PY" - <<'EOF'
import warnings
warnings.simplefilter("error")
import osmnx  # noqa: F401  (imports matplotlib: no warning allowed)
import pyogrio, pyproj, rasterio, shapely
from osgeo import gdal
import qgis.core  # noqa: F401
assert pyproj.__version__ == "3.6.1", pyproj.__version__
assert pyogrio.__gdal_version_string__ == gdal.__version__, pyogrio.__gdal_version_string__
assert rasterio.__gdal_version__ == gdal.__version__, rasterio.__gdal_version__
print(f"test.sh: QGIS {qgis.core.Qgis.QGIS_VERSION}, GDAL {gdal.__version__}, "
      f"PROJ {pyproj.proj_version_str}, GEOS {shapely.geos_version_string}")
EOF
    echo "$want_stamp" > "$STAMP"
    echo "test.sh: test environment ready in $((SECONDS - start)) s" >&2
fi

export WIJKKRACHT_WEB_ASSETS="${WIJKKRACHT_WEB_ASSETS:-$PWD/.cache/web-assets}"
bash scripts/fetch_web_assets.sh "$WIJKKRACHT_WEB_ASSETS"

# Browser and QGIS tests must run here, not skip.
export WIJKKRACHT_REQUIRE_BROWSER=1
export WIJKKRACHT_REQUIRE_QGIS=1
# bin/pytest, not python -m pytest: that would put the repository root on sys.path, where
# our processing/ shadows QGIS's.
exec "$VENV/bin/pytest" "$@"
