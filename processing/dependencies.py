"""Which Python packages each algorithm needs, and how to install the missing ones.

QGIS loads the plugin at start-up, so the checks here are cheap: :func:`importlib.util.find_spec`
looks for a package without importing it (nothing heavy is imported, and a broken package cannot
crash QGIS here). This module imports neither QGIS nor any third-party package.

Each algorithm declares its needs as a tuple of *features* (keys of :data:`FEATURES`), e.g.
``("core", "fetch")``; :func:`missing_packages` says which packages of those features are not
installed, and :func:`install_hint` how to install them in the Python that runs QGIS.

Tests hide a package by replacing :data:`find_spec` (the one lookup this module uses) with a
function that returns ``None`` for it.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec

__all__ = [
    "Package",
    "FEATURES",
    "PACKAGES",
    "find_spec",
    "is_installed",
    "missing_packages",
    "install_command",
    "install_hint",
]


@dataclass(frozen=True)
class Package:
    """A Python package: the name it is imported as and the name pip installs it by."""

    module: str
    pip: str


#: Every third-party package the algorithms use, by import name.
PACKAGES: dict[str, Package] = {p.module: p for p in (
    Package("numpy", "numpy"),
    Package("pandas", "pandas"),
    Package("shapely", "shapely"),
    Package("pyproj", "pyproj"),
    Package("geopandas", "geopandas"),
    Package("scipy", "scipy"),
    Package("threadpoolctl", "threadpoolctl"),
    Package("sklearn", "scikit-learn"),
    Package("networkx", "networkx"),
    Package("requests", "requests"),
    Package("osmnx", "osmnx"),
    Package("folium", "folium"),
    Package("branca", "branca"),
    Package("pyogrio", "pyogrio"),
    Package("rasterio", "rasterio"),
    Package("opening_hours", "opening-hours-py"),
    Package("matplotlib", "matplotlib"),
)}

#: What each feature of wijkkracht needs (import names).
#:
#: * ``core``: networks, POIs and indicators (not pyogrio: inside QGIS, QGIS reads the
#:   layers); requests because the library's BAG module (imported by the indicators) imports it;
#: * ``typology``: the clustering into opportunity types;
#: * ``fetch``: downloading from OpenStreetMap (Nominatim, Overpass);
#: * ``webmap``: the interactive HTML map;
#: * ``files``: the library's own file readers where the plugin still uses them (an
#:   establishments export in a GeoPackage, the report from a result GeoPackage). Not *Load
#:   BAG*: PDOK's BAG GeoPackage (streamed by extent) and LV BAG 2.0 XML are read through
#:   QGIS's providers (:mod:`.qgis_io`);
#: * ``rasters``: rasterio, which the library writes its GeoTIFFs with outside QGIS. No
#:   algorithm needs it: inside QGIS the intensity rasters are written with QGIS's own GDAL
#:   (``osgeo.gdal``, :func:`wijkkracht.output.geotiff.write_surface_file` with
#:   ``engine="gdal"``);
#: * ``hours``: the liveliness by hour from OSM opening_hours (optional in the analysis: left
#:   out with a warning when missing);
#: * ``report``: the neighbourhood report (its charts and static map are drawn with
#:   matplotlib).
FEATURES: dict[str, tuple[str, ...]] = {
    "core": ("numpy", "pandas", "shapely", "pyproj", "geopandas", "scipy", "threadpoolctl",
             "requests"),
    "typology": ("sklearn",),
    "fetch": ("networkx", "requests", "osmnx"),
    "webmap": ("folium", "branca"),
    "files": ("pyogrio",),
    "rasters": ("rasterio",),
    "hours": ("opening_hours",),
    "report": ("matplotlib",),
}

#: The lookup used by :func:`is_installed`; replaceable in tests.
find_spec: Callable[[str], ModuleSpec | None] = importlib.util.find_spec


def is_installed(module: str) -> bool:
    """Whether ``module`` can be found, without importing it.

    Parameters
    ----------
    module
        A top-level import name, e.g. ``"sklearn"``.

    Returns
    -------
    bool
        False when the package is not installed (or is hidden: ``sys.modules[module] is None``).
    """
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):  # a half-imported or hidden module
        return False


def missing_packages(features: Iterable[str]) -> list[Package]:
    """The packages the given features need that are not installed, in a stable order.

    Parameters
    ----------
    features
        Keys of :data:`FEATURES`.

    Returns
    -------
    list of Package
        Empty when everything is there.

    Raises
    ------
    KeyError
        For an unknown feature.
    """
    wanted: list[str] = []
    for feature in features:
        for module in FEATURES[feature]:
            if module not in wanted:
                wanted.append(module)
    return [PACKAGES[m] for m in wanted if not is_installed(m)]


def install_command(packages: Sequence[Package], platform: str | None = None) -> str:
    """The command that installs ``packages`` into the Python of QGIS on ``platform``.

    Parameters
    ----------
    packages
        What to install.
    platform
        ``sys.platform`` value; default: this machine's.

    Returns
    -------
    str
        Windows (OSGeo4W or the standalone installer): a command for the *OSGeo4W Shell*;
        macOS (the QGIS.app bundle): the bundle's own Python; Linux and others: the system
        Python that QGIS uses, into the user's site-packages.
    """
    names = " ".join(p.pip for p in packages)
    platform = platform or sys.platform
    if platform.startswith("win"):
        return f"python -m pip install {names}"
    if platform == "darwin":
        return f"/Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install --user {names}"
    # --break-system-packages: Debian 12+/Ubuntu 23.04+ refuse pip outside a venv (PEP 668);
    # with --user the packages go to ~/.local, which QGIS's Python reads, not to the system.
    return f"python3 -m pip install --user --break-system-packages {names}"


_WHERE = {
    "win": ("in the OSGeo4W Shell (Start menu > OSGeo4W Shell, run as administrator)",
            "in de OSGeo4W Shell (Startmenu > OSGeo4W Shell, als administrator)"),
    "darwin": ("in the Terminal, with the Python inside QGIS.app",
               "in de Terminal, met de Python in QGIS.app"),
    "other": ("in a terminal, for the Python that QGIS uses (or install your distribution's "
              "package where it has one, e.g. python3-sklearn on Debian/Ubuntu)",
              "in een terminal, voor de Python die QGIS gebruikt (of installeer het pakket van "
              "je distributie als dat er is, bv. python3-sklearn op Debian/Ubuntu)"),
}


def install_hint(packages: Sequence[Package], platform: str | None = None, *,
                 lang: str = "en") -> str:
    """One paragraph saying what is missing and how to install it, for this QGIS.

    Parameters
    ----------
    packages
        The missing packages (non-empty).
    platform
        ``sys.platform`` value; default: this machine's.
    lang
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        E.g. ``"Missing Python package(s): scikit-learn. Install them with the button
        'Install missing packages' (also in the menu Plugins > wijkkracht), or in the OSGeo4W
        Shell (Start menu > OSGeo4W Shell, run as administrator): python -m pip install
        scikit-learn ; then restart QGIS."``
    """
    platform = platform or sys.platform
    names = ", ".join(p.pip for p in packages)
    command = install_command(packages, platform)
    key = "win" if platform.startswith("win") else "darwin" if platform == "darwin" else "other"
    where = _WHERE[key][1 if lang == "nl" else 0]
    if lang == "nl":
        return (f"Ontbrekende Python-pakketten: {names}. Installeer ze met de knop "
                "'Ontbrekende pakketten installeren' (ook in het menu Plugins > wijkkracht), of "
                f"{where}: {command} ; start QGIS daarna opnieuw.")
    return (f"Missing Python package(s): {names}. Install them with the button 'Install "
            "missing packages' (also in the menu Plugins > wijkkracht), or "
            f"{where}: {command} ; then restart QGIS.")
