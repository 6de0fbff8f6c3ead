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
# QGIS 3.40 LTR (what planners use) comes from Debian's bookworm-backports; it keeps the system's
# GDAL/PROJ/GEOS, so the source builds below stay valid. The suite is added to the machine's own
# Debian apt source (deb822 Suites: line, or a copy of the one-line entry): no host written here.
MIN_QGIS=34000
qgis_version() {
    /usr/bin/python3 -c "from qgis.core import Qgis; print(Qgis.QGIS_VERSION_INT)" 2>/dev/null \
        || echo 0
}
enable_backports() {
    if grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        return 0
    fi
    local src
    src="$(grep -lE '^Suites:(.*[[:space:]])?bookworm([[:space:]]|$)' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)"
    if [ -n "$src" ]; then
        $SUDO sed -i -E \
            '0,/^(Suites:(.*[[:space:]])?)bookworm([[:space:]]|$)/s//\1bookworm bookworm-backports\3/' \
            "$src"
    else
        sed -n -E 's/^(deb[[:space:]]+(\[[^]]*\][[:space:]]+)?[^[:space:]]+[[:space:]]+)bookworm([[:space:]].*)$/\1bookworm-backports\3/p' \
            /etc/apt/sources.list | head -n1 | $SUDO tee /etc/apt/sources.list.d/backports.list >/dev/null
    fi
}
need_apt=()
need_backports=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# xvfb: the real QGIS desktop in tests/qgis/test_install_packages.py; python3-pip: QGIS's Python
# runs pip there (the plugin's "Install missing packages")
command -v xvfb-run >/dev/null 2>&1 || need_apt+=(xvfb xauth)
if [ "$(qgis_version)" -lt "$MIN_QGIS" ]; then need_backports+=(qgis python3-qgis qgis-providers); fi
for pkg in libgdal-dev libproj-dev proj-bin libgeos-dev build-essential python3-dev python3-venv \
        python3-pip; do
    installed "$pkg" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ] || [ ${#need_backports[@]} -gt 0 ]; then
    [ ${#need_backports[@]} -eq 0 ] || enable_backports
    echo "test.sh: apt-get install ${need_apt[*]} ${need_backports[*]}" >&2
    $SUDO apt-get update -qq
    if [ ${#need_apt[@]} -gt 0 ]; then
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            "${need_apt[@]}" >/dev/null
    fi
    if [ ${#need_backports[@]} -gt 0 ]; then
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            -t bookworm-backports "${need_backports[@]}" >/dev/null
    fi
fi
if [ "$(qgis_version)" -lt "$MIN_QGIS" ]; then
    echo "test.sh: QGIS >= 3.40 is needed, found $(qgis_version)" >&2
    exit 1
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

# A local wheel folder for tests/qgis/test_install_packages.py, where the plugin's "Install
# missing packages" installs into a fresh profile of the real QGIS (tests have no internet). It
# holds what pip takes from PyPI for QGIS's own Python (/usr/bin/python3, its numpy, pyproj,
# scipy and matplotlib pinned as the installer pins them), except the packages bound to
# GEOS/PROJ/GDAL: those are built here against the system's libraries (linux_x86_64 wheels, as a
# user with build tools gets them; PyPI's manylinux wheels carry their own copies).
WHEELS="${WIJKKRACHT_QGIS_WHEELS:-$PWD/.cache/qgis-wheels}"
QGIS_PY_PINS="$("$SYSTEM_PYTHON" -s -c '
import importlib.metadata as m
for name in ("numpy", "pyproj", "shapely", "scipy", "matplotlib"):
    try:
        print(f"{name}=={m.version(name)}")
    except m.PackageNotFoundError:
        pass
')"
wheels_stamp="recipe=1 requirements=$(sha256sum requirements.txt | cut -c1-16) $(echo $QGIS_PY_PINS)"
if [ ! -f "$WHEELS/.stamp" ] || [ "$(cat "$WHEELS/.stamp")" != "$wheels_stamp" ]; then
    start=$SECONDS
    rm -rf "$WHEELS"
    mkdir -p "$WHEELS"
    printf '%s\n' "$QGIS_PY_PINS" > "$WHEELS/pins.txt"
    "$VENV/bin/python" -m pip download -q --disable-pip-version-check --only-binary :all: \
        -d "$WHEELS" -r requirements.txt -c "$WHEELS/pins.txt"
    bound=()
    for name in shapely pyogrio rasterio; do
        file="$(ls "$WHEELS"/"$name"-*.whl 2>/dev/null | head -n1 || true)"
        [ -z "$file" ] || bound+=("$name==$(basename "$file" | cut -d- -f2)")
    done
    rm -f "$WHEELS"/shapely-*.whl "$WHEELS"/pyproj-*.whl "$WHEELS"/pyogrio-*.whl \
        "$WHEELS"/rasterio-*.whl "$WHEELS"/fiona-*.whl "$WHEELS/pins.txt"
    "$VENV/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps \
        --no-binary shapely,pyogrio,rasterio -w "$WHEELS" "${bound[@]}"
    echo "$wheels_stamp" > "$WHEELS/.stamp"
    echo "test.sh: local wheels for QGIS's Python ready in $((SECONDS - start)) s" >&2
fi
export WIJKKRACHT_QGIS_WHEELS="$WHEELS"

# QGIS's PyQt5 -> PyQt6 migration script (tests/qgis/test_qt6_ready.py) imports PyQt6 and
# tokenize-rt: a small venv of its own that also sees QGIS (--system-site-packages).
MIGRATION_VENV="${WIJKKRACHT_PYQT6_VENV:-$(cd "$VENV" && pwd)/pyqt6-migration}"
MIGRATION_REQ=tests/tools/pyqt5_to_pyqt6/requirements.txt
if [ ! -f "$MIGRATION_VENV/.wijkkracht-requirements" ] \
        || ! cmp -s "$MIGRATION_REQ" "$MIGRATION_VENV/.wijkkracht-requirements"; then
    rm -rf "$MIGRATION_VENV"
    "$SYSTEM_PYTHON" -m venv --system-site-packages "$MIGRATION_VENV"
    "$MIGRATION_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$MIGRATION_REQ"
    cp "$MIGRATION_REQ" "$MIGRATION_VENV/.wijkkracht-requirements"
fi
export WIJKKRACHT_PYQT6_VENV="$MIGRATION_VENV"

# QGIS 3.22 (Debian 12's own QGIS, the oldest the plugin supports) as a second environment: Debian
# holds one installed QGIS at a time, so 3.22's packages are unpacked into the user's cache
# (~/.cache/wijkkracht/qgis-3.22, outside the repository: its Python must not read as ours)
# (apt-get download + dpkg -x, byte-compiled as Debian's postinst does; it uses the same system
# Qt, GDAL, PROJ and GEOS as 3.40) and the QGIS tests run a second time against it.
Q322="${WIJKKRACHT_QGIS322:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkkracht/qgis-3.22}"
q322_version="$(apt-cache madison qgis | awk '$3 ~ /^3\.22\./ {print $3; exit}')"
if [ -n "$q322_version" ] && { [ ! -f "$Q322/.stamp" ] || [ "$(cat "$Q322/.stamp")" != "$q322_version" ]; }; then
    rm -rf "$Q322"
    mkdir -p "$Q322/debs" "$Q322/root"
    short="${q322_version%%+*}"
    pkgs=(qgis python3-qgis python3-qgis-common qgis-providers qgis-common qgis-providers-common
          "libqgis-core$short" "libqgis-gui$short" "libqgis-analysis$short" "libqgis-3d$short"
          "libqgis-native$short" "libqgis-app$short" "libqgispython$short" "libqgis-server$short")
    (cd "$Q322/debs" && apt-get download -qq "${pkgs[@]/%/=$q322_version}" 2>/dev/null)
    for deb in "$Q322"/debs/*.deb; do dpkg -x "$deb" "$Q322/root"; done
    rm -rf "$Q322/debs"
    "$SYSTEM_PYTHON" -m compileall -q "$Q322/root/usr/lib/python3/dist-packages/qgis" \
        "$Q322/root/usr/share/qgis/python" >/dev/null 2>&1 || true
    echo "$q322_version" > "$Q322/.stamp"
fi

export WIJKKRACHT_WEB_ASSETS="${WIJKKRACHT_WEB_ASSETS:-$PWD/.cache/web-assets}"
bash scripts/fetch_web_assets.sh "$WIJKKRACHT_WEB_ASSETS"

# Browser and QGIS tests must run here, not skip.
export WIJKKRACHT_REQUIRE_BROWSER=1
export WIJKKRACHT_REQUIRE_QGIS=1
# bin/pytest, not python -m pytest: that would put the repository root on sys.path, where
# our processing/ shadows QGIS's.
set +e
"$VENV/bin/pytest" "$@"
status=$?
# The second pass, on QGIS 3.22, when the whole suite was asked for (no test paths given):
# every test that runs in QGIS except the desktop install test (it starts the installed 3.40
# desktop) and the Qt6 migration script (static, independent of the QGIS version).
whole_suite=1
for arg in "$@"; do [ ! -e "${arg%%::*}" ] || whole_suite=0; done
if [ "$whole_suite" = 1 ] && [ -f "$Q322/.stamp" ]; then
    echo "test.sh: the QGIS tests again on QGIS $(cat "$Q322/.stamp") ($Q322)" >&2
    QGIS_PREFIX_PATH="$Q322/root/usr" LD_LIBRARY_PATH="$Q322/root/usr/lib" \
    PYTHONPATH="$Q322/root/usr/lib/python3/dist-packages" \
    WIJKKRACHT_QGIS_PYTHONPATH="$Q322/root/usr/lib/python3/dist-packages" \
    WIJKKRACHT_QGIS_PLUGINS="$Q322/root/usr/share/qgis/python/plugins" \
    WIJKKRACHT_QGIS_PROCESS="$Q322/root/usr/bin/qgis_process.bin" \
        "$VENV/bin/pytest" "$@" -p no:cacheprovider tests/qgis tests/output/test_gpkg_in_qgis.py \
        --deselect tests/qgis/test_install_packages.py --deselect tests/qgis/test_qt6_ready.py
    status=$(( status || $? ))
fi
# The file-message tests again on the GDAL inside pyogrio's wheels (manylinux, GDAL 3.10-3.12),
# what `pip install wijkkracht` gives outside QGIS: GDAL words its errors differently from the
# system's 3.6, and each message must read the same with both. A small venv of its own, made by
# the same python3 as $VENV but without the system site-packages (no Debian GDAL, numpy or QGIS),
# with prebuilt wheels only for the geo stack and no test extras beyond pytest and hypothesis;
# rebuilt only when pyproject.toml, this recipe or the checkout changes (the stamp), when the whole suite runs.
# Inside $VENV, as the PyQt6 migration venv: tools that scan the tree leave .venv out (its
# site-packages, matplotlib's Qt backends and PIL.ImageQt, are not the project's code), and it
# stays readable for the tests that run the command line as another user (not under ~root).
GDAL_WHEELS_VENV="${WIJKKRACHT_GDAL_WHEELS_VENV:-$(cd "$VENV" && pwd)/gdal-wheels}"
GDAL_WHEELS_TESTS=(tests/reliability/test_file_messages.py tests/reliability/test_bad_inputs.py)
# (the stamp holds this checkout's path: the venv's editable install points at one checkout)
gdal_wheels_stamp="recipe=1 repo=$PWD pyproject=$(sha256sum pyproject.toml | cut -c1-16) $("$SYSTEM_PYTHON" -V)"
if [ "$whole_suite" = 1 ]; then
    start=$SECONDS
    if [ ! -f "$GDAL_WHEELS_VENV/.stamp" ] \
            || [ "$(cat "$GDAL_WHEELS_VENV/.stamp")" != "$gdal_wheels_stamp" ]; then
        echo "test.sh: building $GDAL_WHEELS_VENV (pyogrio's wheel and its own GDAL)" >&2
        rm -rf "$GDAL_WHEELS_VENV"
        mkdir -p "$(dirname "$GDAL_WHEELS_VENV")"
        "$SYSTEM_PYTHON" -m venv "$GDAL_WHEELS_VENV" \
        && "$GDAL_WHEELS_VENV/bin/python" -m pip install -q --disable-pip-version-check -U pip \
        && "$GDAL_WHEELS_VENV/bin/python" -m pip install -q --disable-pip-version-check \
            --only-binary pyogrio,shapely,pyproj,rasterio,numpy -e . "pytest>=7" "hypothesis>=6" \
        && echo "$gdal_wheels_stamp" > "$GDAL_WHEELS_VENV/.stamp"
    fi
    if [ -f "$GDAL_WHEELS_VENV/.stamp" ]; then
        echo "test.sh: the file-message tests again with $("$GDAL_WHEELS_VENV/bin/python" -c \
            'import pyogrio; print(f"pyogrio {pyogrio.__version__}, GDAL {pyogrio.__gdal_version_string__}")')" >&2
        "$GDAL_WHEELS_VENV/bin/pytest" "$@" -p no:cacheprovider "${GDAL_WHEELS_TESTS[@]}"
        status=$(( status || $? ))
    else
        echo "test.sh: could not build $GDAL_WHEELS_VENV" >&2
        status=1
    fi
    echo "test.sh: GDAL-wheels pass took $((SECONDS - start)) s" >&2
fi
exit "$status"
