"""A missing Python package: the algorithms that need it are withheld, the others offered, and the
QGIS log and message bar say what to install. QGIS keeps running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wijkkracht.processing import dependencies

REPO = Path(__file__).resolve().parents[2]
EVERY = {"neighbourhoodanalysis", "fetchosm", "loadbag", "loadestablishments", "proximity",
         "mixeduse", "nomix", "vacancy", "intensityrasters", "classifystreets", "fittypologymodel",
         "exportwebmap", "report"}


@pytest.fixture
def hide(wijkkracht_provider: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``hide(*modules)``: reload the provider as if the modules were not installed; returns
    the algorithm names offered and the messages logged. The provider is reloaded with
    everything installed afterwards."""
    from qgis.core import QgsApplication

    real = dependencies.find_spec

    def reload(*modules: str) -> tuple[set[str], list[tuple[str, str, int]]]:
        monkeypatch.setattr(dependencies, "find_spec",
                            lambda name: None if name in modules else real(name))
        log: list[tuple[str, str, int]] = []

        def record(message: str, tag: str, level: Any) -> None:
            log.append((tag, message, int(level)))

        QgsApplication.messageLog().messageReceived.connect(record)
        try:
            wijkkracht_provider.refreshAlgorithms()
            QgsApplication.processEvents()
        finally:
            QgsApplication.messageLog().messageReceived.disconnect(record)
        return {a.name() for a in wijkkracht_provider.algorithms()}, log

    yield reload
    monkeypatch.setattr(dependencies, "find_spec", real)
    wijkkracht_provider.refreshAlgorithms()
    assert {a.name() for a in wijkkracht_provider.algorithms()} == EVERY


@pytest.mark.parametrize(("hidden", "withheld", "package"), [
    (("sklearn",), {"classifystreets", "fittypologymodel", "neighbourhoodanalysis"},
     "scikit-learn"),
    (("osmnx",), {"fetchosm"}, "osmnx"),
    (("folium",), {"exportwebmap"}, "folium"),
    (("numpy", "osmnx"), EVERY, "numpy"),
])
def test_missing_package_withholds_algorithms(hide: Any, hidden: tuple[str, ...],
                                              withheld: set[str], package: str,
                                              wijkkracht_provider: Any) -> None:
    offered, log = hide(*hidden)
    assert offered == EVERY - withheld
    messages = [m for tag, m, _ in log if tag == "wijkkracht"]
    assert len(messages) == 1, log
    message = messages[0]
    assert package in message and "pip install" in message
    assert dependencies.install_command([dependencies.PACKAGES[h] for h in hidden]) in message
    from wijkkracht.processing.i18n import tr

    assert {cls.NAME for cls in wijkkracht_provider.withheld} == withheld
    for cls, missing in wijkkracht_provider.withheld.items():
        assert {p.module for p in missing} <= set(hidden)
        assert tr(cls.DISPLAY_NAME) in message


# pyogrio and rasterio: no algorithm needs them inside QGIS (QGIS reads the BAG files and
# writes the GeoTIFFs with its own GDAL), so none is withheld without them
@pytest.mark.parametrize("hidden", [(), ("fiona",), ("pyogrio",), ("rasterio",),
                                    ("pyogrio", "rasterio", "fiona")])
def test_nothing_missing_nothing_logged(hide: Any, hidden: tuple[str, ...]) -> None:
    offered, log = hide(*hidden)
    assert offered == EVERY and not [m for tag, m, _ in log if tag == "wijkkracht"]


def test_install_commands_per_platform() -> None:
    sklearn = [dependencies.PACKAGES["sklearn"]]
    assert dependencies.install_command(sklearn, "win32") == "python -m pip install scikit-learn"
    assert dependencies.install_command(sklearn, "darwin").startswith(
        "/Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install")
    assert "--user" in dependencies.install_command(sklearn, "linux")
    assert "OSGeo4W Shell" in dependencies.install_hint(sklearn, "win32")


def test_broken_lookup_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> Any:
        raise ValueError(f"{name}.__spec__ is None")

    monkeypatch.setattr(dependencies, "find_spec", broken)
    assert not dependencies.is_installed("sklearn")


# ------------------------------------------------------------------------------------------
# A fresh QGIS process in which scikit-learn (and pyogrio, rasterio) cannot be imported at all (a
# meta-path finder refuses them), with a stand-in for the QGIS window: the plugin starts as in
# the desktop (classFactory, initGui), withholds, tells, imports no geo library on the way, runs
# an algorithm, and unloads.

_START = textwrap.dedent("""
    import importlib.abc, json, os, sys
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("sklearn", "pyogrio", "rasterio", "fiona"):
                raise ModuleNotFoundError(f"No module named {name!r} (hidden by the test)")
    sys.meta_path.insert(0, Block())
    plugins_dir, qgis_plugins = sys.argv[1], sys.argv[2]
    sys.path[:0] = [plugins_dir, qgis_plugins]
    from qgis.core import QgsApplication
    app = QgsApplication([], False, sys.argv[3])
    app.initQgis()
    log = []
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: log.append([tag, message]))
    from processing.core.Processing import Processing
    Processing.initialize()

    class Bar:
        messages = []
        def pushMessage(self, title, text, level=None, duration=-1):
            self.messages.append([title, text, int(level), duration])
    class Iface:
        bar = Bar()
        menus = []
        def messageBar(self): return self.bar
        def mainWindow(self): return None
        def addPluginToMenu(self, menu, action): self.menus.append(action.text())
        def removePluginMenu(self, menu, action): self.menus.remove(action.text())

    import qgis.utils
    qgis.utils.iface = Iface()
    # What QGIS itself imported at start-up (QGIS 3.40 imports numpy): not the plugin's doing
    before_plugin = set(sys.modules)
    qgis.utils.plugin_paths.insert(0, plugins_dir)
    qgis.utils.updateAvailablePlugins()
    out = {"loaded": qgis.utils.loadPlugin("wijkkracht")}
    out["started"] = qgis.utils.startPlugin("wijkkracht")  # classFactory + initGui
    QgsApplication.processEvents()
    registry = QgsApplication.processingRegistry()
    out["algorithms"] = sorted(a.name() for a in registry.providerById("wijkkracht").algorithms())
    qgis.utils.plugins["wijkkracht"].run_demo()  # the analysis is withheld: it says so
    out["bar"] = qgis.utils.iface.bar.messages
    out["menus"] = list(qgis.utils.iface.menus)
    out["log"] = log
    out["heavy"] = sorted(m for m in ("numpy", "pandas", "geopandas", "scipy", "sklearn",
                                      "osmnx", "folium", "pyogrio", "shapely")
                          if m in sys.modules and m not in before_plugin)
    # algorithms run on layers and files QGIS read; pyogrio/rasterio are not even importable
    from qgis.core import QgsVectorLayer
    import processing
    layers = {name: QgsVectorLayer(f"{sys.argv[4]}|layername={name}", name, "ogr")
              for name in ("streets", "pois", "study_area")}
    result = processing.run("wijkkracht:vacancy", {
        "STREETS": layers["streets"], "POIS": layers["pois"], "AREA": layers["study_area"],
        "OUTPUT": "TEMPORARY_OUTPUT"})
    out["vacancy_segments"] = result["OUTPUT"].featureCount()
    data = os.path.join(plugins_dir, "wijkkracht", "tests", "data")
    ids = lambda layer: sorted(f["identificatie"] for f in layer.getFeatures())
    gpkg = processing.run("wijkkracht:loadbag", {
        "INPUT": os.path.join(data, "bag_verblijfsobject.gpkg"),
        "EXTENT": "206300,206400,447500,447600 [EPSG:28992]", "OUTPUT": "TEMPORARY_OUTPUT"})
    lv = processing.run("wijkkracht:loadbag", {
        "FOLDER": os.path.join(data, "bag_lv"), "OUTPUT": "TEMPORARY_OUTPUT"})
    out["loadbag"] = {"gpkg": ids(gpkg["OUTPUT"]), "lv": ids(lv["OUTPUT"])}
    tif = os.path.join(os.getcwd(), "n_intensity.tif")  # the test's folder
    params = {"POIS": layers["pois"], "AREA": layers["study_area"], "N_INTENSITY": tif}
    registry_alg = registry.algorithmById("wijkkracht:intensityrasters")
    for definition in registry_alg.destinationParameterDefinitions():
        params.setdefault(definition.name(), None)
    out["raster"] = processing.run("wijkkracht:intensityrasters", params)["N_INTENSITY"]
    out["gdal_libraries"] = sorted(m for m in ("pyogrio", "rasterio") if m in sys.modules)
    out["unloaded"] = qgis.utils.unloadPlugin("wijkkracht")
    out["provider_after_unload"] = registry.providerById("wijkkracht") is not None
    out["menus_after_unload"] = list(qgis.utils.iface.menus)
    print("RESULT " + json.dumps(out), flush=True)
    os._exit(0)
""")


@pytest.fixture(scope="module")
def started_without_sklearn(tmp_path_factory: pytest.TempPathFactory, qgis_app: Any,
                            demo_gpkg: Path) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("start")
    plugins = folder / "plugins"
    plugins.mkdir()
    (plugins / "wijkkracht").symlink_to(REPO, target_is_directory=True)
    script = folder / "start.py"
    script.write_text(_START, encoding="utf-8")
    runtime = folder / "xdg"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime),
           "QGIS_CUSTOM_CONFIG_PATH": str(folder / "profile")}
    qgis_plugins = os.environ.get("WIJKKRACHT_QGIS_PLUGINS", "/usr/share/qgis/python/plugins")
    done = subprocess.run([sys.executable, str(script), str(plugins), qgis_plugins,
                           str(folder / "profile"), str(demo_gpkg)], capture_output=True,
                          text=True,
                          timeout=180, check=False, env=env, cwd=folder)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"QGIS crashed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1][len("RESULT "):])


def test_plugin_starts_without_sklearn(started_without_sklearn: dict[str, Any]) -> None:
    out = started_without_sklearn
    assert out["loaded"] and out["started"]
    # pyogrio and rasterio are hidden too, and withhold nothing: Load BAG addresses reads its
    # files through QGIS, the intensity rasters are written with QGIS's own GDAL (osgeo)
    assert set(out["algorithms"]) == EVERY - {"classifystreets", "fittypologymodel",
                                              "neighbourhoodanalysis"}
    assert len(out["bar"]) == 2 and out["bar"][0] == out["bar"][1]  # start-up, then demo
    title, text, level, duration = out["bar"][0]
    assert title == "wijkkracht" and "scikit-learn" in text and "pip install" in text
    assert "pyogrio" not in text and "rasterio" not in text
    assert level == 1 and duration == 0  # Qgis.Warning, stays until closed
    assert any(tag == "wijkkracht" and "scikit-learn" in m for tag, m in out["log"])
    assert out["menus"] and out["menus"][0].startswith("Demo")


def test_plugin_start_imports_no_geo_library(started_without_sklearn: dict[str, Any]) -> None:
    assert started_without_sklearn["heavy"] == []


def test_algorithms_run_without_pyogrio_or_rasterio(
        started_without_sklearn: dict[str, Any]) -> None:
    """Inside QGIS the layers and files are read, and the GeoTIFFs written, by QGIS and its
    GDAL: pyogrio and rasterio are never needed (nor imported)."""
    import rasterio

    from wijkkracht.core.categories import classify_pois
    from wijkkracht.core.rasters import compute_surfaces
    from wijkkracht.data_sources.bag import read_bag_gpkg, read_bag_lv
    from wijkkracht.data_sources.files import read_area, read_pois
    from wijkkracht.demo import demo_data_path, prepare_demo

    out = started_without_sklearn
    network, _, _ = prepare_demo()  # the study area's segments, as the library makes them
    expected = int(network.segments["in_study_area"].sum())
    assert out["vacancy_segments"] == expected > 2000
    data = REPO / "tests" / "data"
    gpkg = read_bag_gpkg(data / "bag_verblijfsobject.gpkg", bbox=(206300, 447500, 206400, 447600))
    assert out["loadbag"]["gpkg"] == sorted(gpkg["identificatie"]) and len(gpkg) > 1
    assert out["loadbag"]["lv"] == sorted(read_bag_lv(data / "bag_lv")["identificatie"])
    path = demo_data_path()
    surfaces = compute_surfaces(classify_pois(read_pois(path, layer="pois")),
                                read_area(path, layer="study_area").geometry.union_all())
    with rasterio.open(out["raster"]) as src:
        assert src.crs.to_epsg() == 28992 and src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.transform.to_gdal() == surfaces["n_intensity"].transform
        assert (src.read(1) == surfaces["n_intensity"].array).all()
    assert out["gdal_libraries"] == []


def test_plugin_unloads_cleanly(started_without_sklearn: dict[str, Any]) -> None:
    out = started_without_sklearn
    assert out["unloaded"] and not out["provider_after_unload"]
    assert out["menus_after_unload"] == []


def test_map_of_the_analysis_without_folium(wijkkracht_provider: Any, qgis_processing: Any,
                                            demo_layers: dict[str, Any], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The analysis is offered without folium; asking it for the map says what to install."""
    from qgis.core import QgsProcessingException

    real = dependencies.find_spec
    monkeypatch.setattr(dependencies, "find_spec",
                        lambda name: None if name == "folium" else real(name))
    with pytest.raises(QgsProcessingException) as info:
        qgis_processing.run("wijkkracht:neighbourhoodanalysis", {
            "STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
            "STREETS_OUT": "TEMPORARY_OUTPUT", "POIS_OUT": "TEMPORARY_OUTPUT",
            "AREA_OUT": "TEMPORARY_OUTPUT", "PROFILE": "TEMPORARY_OUTPUT",
            "HTML": str(tmp_path / "kaart.html")})
    assert "folium" in str(info.value) and "pip install" in str(info.value)
    assert not (tmp_path / "kaart.html").exists()
