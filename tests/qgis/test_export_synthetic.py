"""Export interactive map (HTML) from layers with BAG/KvK indicators, in the real QGIS: the map
says SYNTHETIC when the streets layer's metadata (or the user) says so, and applies the privacy
threshold the user gives."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from wijkkracht.demo import analyse_demo
from wijkkracht.output.webmap import DATA_BLOCK_IDS


@pytest.fixture(scope="module")
def bag_layers(qgis_app: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's streets (SYNTHETIC BAG/KvK, threshold 3): as the GeoPackage layer wijkkracht
    writes (its metadata says SYNTHETIC), and as a memory copy without metadata."""
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    from wijkkracht.output.gpkg import write_gpkg

    result = analyse_demo()
    gpkg = write_gpkg(result, tmp_path_factory.mktemp("export") / "demo.gpkg", lang="en")
    said = QgsVectorLayer(f"{gpkg}|layername=streets", "streets", "ogr")
    assert said.isValid()
    assert "SYNTHETIC" in " ".join([said.metadata().abstract(), *said.metadata().rights()])
    plain = said.materialize(QgsFeatureRequest())
    assert "SYNTHETIC" not in " ".join([plain.metadata().abstract(), *plain.metadata().rights()])
    layers = {"plain": plain, "said": said, "result": result}
    _KEEP.append(layers)
    return layers


_KEEP: list[Any] = []


def _config(path: Path) -> dict[str, Any]:
    page = path.read_text(encoding="utf-8")
    found = re.search(rf'<script type="application/json" id="{DATA_BLOCK_IDS["config"]}">'
                      r"(.*?)</script>", page, re.S)
    assert found, "no configuration block in the page"
    return json.loads(found.group(1))


def _streets(path: Path) -> list[dict[str, Any]]:
    page = path.read_text(encoding="utf-8")
    found = re.search(rf'<script type="application/json" id="{DATA_BLOCK_IDS["streets"]}">'
                      r"(.*?)</script>", page, re.S)
    assert found
    return json.loads(found.group(1))["features"]


def test_synthetic_from_the_layer_metadata(wijkkracht_run: Any, bag_layers: dict[str, Any],
                                           tmp_path: Path) -> None:
    said, plain = tmp_path / "said.html", tmp_path / "plain.html"
    wijkkracht_run("exportwebmap", STREETS=bag_layers["said"], LANGUAGE=1, OUTPUT=str(said))
    wijkkracht_run("exportwebmap", STREETS=bag_layers["plain"], LANGUAGE=1, OUTPUT=str(plain))
    assert _config(said)["synthetic"] and "wk-synthetic" in said.read_text(encoding="utf-8")
    assert not _config(plain)["synthetic"]
    # the user's choice wins: yes (1) on the plain layer, no (2) on the one that says it
    forced = tmp_path / "forced.html"
    wijkkracht_run("exportwebmap", STREETS=bag_layers["plain"], SYNTHETIC=1, OUTPUT=str(forced))
    assert _config(forced)["synthetic"]
    denied = tmp_path / "denied.html"
    wijkkracht_run("exportwebmap", STREETS=bag_layers["said"], SYNTHETIC=2, OUTPUT=str(denied))
    assert not _config(denied)["synthetic"]


def test_privacy_threshold_of_the_export(wijkkracht_run: Any, bag_layers: dict[str, Any],
                                         tmp_path: Path) -> None:
    """A stricter threshold on export hides the counts of 3 and 4 the analysis published."""
    pages = {}
    for threshold in (3, 5):
        path = tmp_path / f"t{threshold}.html"
        wijkkracht_run("exportwebmap", STREETS=bag_layers["plain"], LANGUAGE=1,
                       PRIVACY_THRESHOLD=threshold, OUTPUT=str(path))
        pages[threshold] = path
        assert f"below {threshold}" in _config(path)["privacy"]
    names = [ind["name"] for ind in _config(pages[5])["indicators"]]
    col = names.index("home_based_share")
    shown = {t: [f["properties"]["v"][col] for f in _streets(p)] for t, p in pages.items()}
    streets = bag_layers["result"].streets
    small = streets["home_based_est"].isin([3, 4]) | streets["active_est"].isin([3, 4])
    assert small.any()
    # threshold 3: the analysis' values; threshold 5: null wherever a count was 3 or 4
    assert sum(v is not None for v in shown[3]) > sum(v is not None for v in shown[5])
    assert all(v is None for v, s in zip(shown[5], small, strict=True) if s)


def test_offline_export_loads_nothing_from_the_internet(wijkkracht_run: Any,
                                                         bag_layers: dict[str, Any],
                                                         tmp_path: Path) -> None:
    online, offline = tmp_path / "online.html", tmp_path / "offline.html"
    wijkkracht_run("exportwebmap", STREETS=bag_layers["plain"], OUTPUT=str(online))
    wijkkracht_run("exportwebmap", STREETS=bag_layers["plain"], OFFLINE=True,
                   OUTPUT=str(offline))
    # both hold their scripts (self-contained by default, issue 18); OFFLINE also starts
    # without base-map tiles
    for page in (online.read_text(encoding="utf-8"), offline.read_text(encoding="utf-8")):
        assert "cdn.jsdelivr.net" not in page
        assert not re.search(r'<script[^>]+src="https?://', page)
        assert not re.search(r'<link[^>]+href="https?://', page)
        assert "L.map" in page or "leaflet" in page.lower()


def test_a_geopackage_output_keeps_the_synthetic_notice(wijkkracht_run: Any,
                                                        demo_layers: dict[str, Any],
                                                        bag_layers: dict[str, Any],
                                                        tmp_path: Path) -> None:
    """Outputs written to a GeoPackage and not loaded (``qgis_process``, a model) carry their
    abstract as the layer's description, so the next algorithm still knows: *Classify
    streets* on such streets made from SYNTHETIC BAG/KvK data says SYNTHETIC too, and *Export
    interactive map* run on either file says so; outputs of OpenStreetMap data alone do not.
    Both forms of a destination: a path (``qgis_process``) and an output definition (the
    dialog)."""
    from qgis.core import QgsProcessingOutputLayerDefinition, QgsVectorLayer

    from wijkkracht.data_sources.synthetic import SYNTHETIC_NOTICE, write_synthetic

    files = {p.name: p for p in write_synthetic(tmp_path / "syn", seed=0)}
    bag = tmp_path / "bag.gpkg"
    wijkkracht_run("loadbag", INPUT=str(files["bag_synthetic.gpkg"]),
                   LAYER="verblijfsobject_synthetic", EXTENT=demo_layers["streets"],
                   OUTPUT=str(bag))
    streets = tmp_path / "streets.gpkg"
    inputs = {"STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
              "AREA": demo_layers["study_area"]}
    wijkkracht_run("neighbourhoodanalysis", **inputs, BAG=str(bag),
                   ESTABLISHMENTS=str(files["establishments_synthetic.csv"]),
                   REFERENCE_DATE="2026-01-01",
                   STREETS_OUT=QgsProcessingOutputLayerDefinition(str(streets)))
    types, plain_types = tmp_path / "types.gpkg", tmp_path / "plain_types.gpkg"
    wijkkracht_run("classifystreets", INPUT=str(streets), K=4, OUTPUT=str(types))
    # the same streets without metadata: nothing says SYNTHETIC
    wijkkracht_run("classifystreets", INPUT=bag_layers["plain"], K=4, OUTPUT=str(plain_types))
    osm_only = tmp_path / "proximity.gpkg"
    wijkkracht_run("proximity", **inputs, OUTPUT=str(osm_only))

    def abstract(path: Path) -> str:
        layer = QgsVectorLayer(str(path), path.stem, "ogr")
        assert layer.isValid(), path
        return str(layer.metadata().abstract())

    assert abstract(bag).startswith("BAG addresses") and SYNTHETIC_NOTICE in abstract(bag)
    assert abstract(streets).startswith("Streets with indicators")
    assert SYNTHETIC_NOTICE in abstract(streets) and "OpenStreetMap" in abstract(streets)
    assert abstract(types).startswith("Opportunity types") and \
        SYNTHETIC_NOTICE in abstract(types)
    assert abstract(plain_types).startswith("Opportunity types")
    for path in (plain_types, osm_only):
        assert "OpenStreetMap" in abstract(path) and "SYNTHETIC" not in abstract(path), path
    pages = {}
    for layer in (streets, types, plain_types):
        pages[layer.stem] = tmp_path / f"{layer.stem}.html"
        wijkkracht_run("exportwebmap", STREETS=str(layer), LANGUAGE=1,
                       OUTPUT=str(pages[layer.stem]))
    for name in ("streets", "types"):
        assert _config(pages[name])["synthetic"], name
        assert "wk-synthetic" in pages[name].read_text(encoding="utf-8")
    assert not _config(pages["plain_types"])["synthetic"]
