"""*Intensity rasters* in QGIS: run by QGIS's Processing on the demo layers (and the SYNTHETIC
BAG/KvK data of the demo), compared with the library, loaded styled; and the GeoTIFFs the
command line writes open styled in QGIS (their ``.qml`` is the default style)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio

from wijkkracht.core.categories import classify_pois
from wijkkracht.core.rasters import SURFACES, Surface, compute_surfaces
from wijkkracht.styles import raster_style

REFERENCE_DATE = "2026-01-01"
OSM_SURFACES = [name for name, kind in SURFACES.items() if kind.requires == "osm"]
OUTPUT_KEYS = {name.upper(): name for name in SURFACES}


@pytest.fixture(scope="module")
def library_surfaces() -> dict[str, Surface]:
    """The library's surfaces of the demo (files read by the library, not QGIS)."""
    from wijkkracht.data_sources.files import read_area, read_pois
    from wijkkracht.demo import demo_data_path

    path = demo_data_path()
    pois = classify_pois(read_pois(path, layer="pois"))
    area = read_area(path, layer="study_area").geometry.union_all()
    return compute_surfaces(pois, area)


@pytest.fixture(scope="module")
def rasters(wijkkracht_run: Any, demo_layers: dict[str, Any]) -> dict[str, Any]:
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    out = wijkkracht_run("intensityrasters", feedback=feedback, STREETS=demo_layers["streets"],
                         POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
                         **{key: "TEMPORARY_OUTPUT" for key in OUTPUT_KEYS})
    out["log"] = feedback.textLog()
    return out


def _read(path: str) -> tuple[np.ndarray, Any]:
    with rasterio.open(path) as src:
        return src.read(1), src


def test_intensity_rasters_equal_the_library(rasters: dict[str, Any],
                                             library_surfaces: dict[str, Surface]) -> None:
    # OpenStreetMap only: the establishments' surfaces are not made, nor returned
    assert {k for k in rasters if k in OUTPUT_KEYS} == {k.upper() for k in OSM_SURFACES}
    for name in OSM_SURFACES:
        path = rasters[name.upper()]
        assert Path(path).suffix == ".tif" and Path(path).with_suffix(".qml").exists()
        expected = library_surfaces[name]
        with rasterio.open(path) as src:
            got = src.read(1)
            assert src.crs.to_epsg() == 28992
            assert src.transform.to_gdal() == expected.transform
            assert src.nodata == expected.nodata
            assert src.descriptions[0].startswith(expected.label("nl")) or \
                src.descriptions[0].startswith(expected.label("en"))
            assert "OpenStreetMap" in src.tags()["source"] and "SYNTHETIC" not in src.tags()
        np.testing.assert_array_equal(got, expected.array, err_msg=name)
    business = library_surfaces["business_intensity"].values()
    assert np.nanmax(business) > 100  # a busy centre: more than 100 functions per km²


def test_written_with_the_gdal_of_qgis_not_rasterio(
        wijkkracht_run: Any, demo_layers: dict[str, Any], library_surfaces: dict[str, Surface],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The algorithm writes its GeoTIFFs with ``osgeo.gdal`` (QGIS's own GDAL), never with
    rasterio, and the file is the one the library writes with rasterio, byte for byte."""
    from wijkkracht.output import geotiff
    from wijkkracht.processing.i18n import language

    def no_rasterio(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rasterio used inside QGIS")

    monkeypatch.setattr(geotiff, "_write_with_rasterio", no_rasterio)
    target = tmp_path / "in_qgis.tif"
    wijkkracht_run("intensityrasters", POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
                   N_INTENSITY=str(target),
                   **{key: None for key in OUTPUT_KEYS if key != "N_INTENSITY"})
    monkeypatch.undo()
    with rasterio.open(target) as src:
        source = src.tags()["source"]
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
    library = geotiff.write_surface_file(library_surfaces["n_intensity"],
                                         tmp_path / "library.tif", lang=language(),
                                         source=source,
                                         engine="rasterio")
    assert target.read_bytes() == library.read_bytes()


def test_output_texts_are_the_surfaces_texts() -> None:
    """The titles and help of the outputs, written out in alg_rasters (QGIS builds the
    parameters at start-up, before the library is imported), are the library's."""
    from wijkkracht.processing.alg_rasters import SURFACE_OUTPUTS, SURFACE_TEXTS

    assert set(SURFACE_TEXTS) == set(SURFACES) == set(SURFACE_OUTPUTS.values())
    for name, kind in SURFACES.items():
        assert SURFACE_TEXTS[name] == ((kind.title("nl"), kind.title("en")),
                                       (kind.description("nl"), kind.description("en")),
                                       kind.requires != "osm"), name


def test_bandwidth_below_the_cell_size_is_refused(wijkkracht_run: Any,
                                                  demo_layers: dict[str, Any],
                                                  tmp_path: Path) -> None:
    from qgis.core import QgsProcessingException

    target = tmp_path / "b.tif"
    with pytest.raises(QgsProcessingException, match="at least the cell size"):
        wijkkracht_run("intensityrasters", POIS=demo_layers["pois"],
                       AREA=demo_layers["study_area"], CELL_SIZE=100, BANDWIDTH=50,
                       BUSINESS_INTENSITY=str(target))
    assert not list(tmp_path.iterdir())


def test_no_raster_output_is_refused(wijkkracht_run: Any, demo_layers: dict[str, Any]) -> None:
    """Every raster output is optional, and ``qgis_process`` writes none that is not asked for:
    a run without any says so instead of computing for nothing."""
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="No raster to write"):
        wijkkracht_run("intensityrasters", POIS=demo_layers["pois"],
                       AREA=demo_layers["study_area"])


def test_cell_size_and_bandwidth(wijkkracht_run: Any, demo_layers: dict[str, Any],
                                 tmp_path: Path) -> None:
    """100 m cells on the CBS squares; only the outputs asked for are written."""
    target = tmp_path / "bedrijvigheid.tif"
    out = wijkkracht_run("intensityrasters", POIS=demo_layers["pois"],
                         AREA=demo_layers["study_area"], CELL_SIZE=100, BANDWIDTH=300,
                         BUSINESS_INTENSITY=str(target),
                         **{key: None for key in OUTPUT_KEYS if key != "BUSINESS_INTENSITY"})
    assert out["BUSINESS_INTENSITY"] == str(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bedrijvigheid.qml",
                                                         "bedrijvigheid.tif"]
    with rasterio.open(target) as src:
        x0, cell, _, y0, _, neg = src.transform.to_gdal()
        assert cell == 100 and neg == -100 and x0 % 100 == 0 and y0 % 100 == 0
        assert "bandwidth 300 m" in src.tags()["method"]


# --------------------------------------------------------------------------------------------
# with the SYNTHETIC BAG and establishments of the demo


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from wijkkracht.data_sources.synthetic import write_synthetic

    folder = tmp_path_factory.mktemp("synthetic-rasters")
    files = {p.name: p for p in write_synthetic(folder, seed=0)}
    return {"bag": files["bag_synthetic.gpkg"],
            "establishments": files["establishments_synthetic.csv"]}


@pytest.fixture(scope="module")
def bag_rasters(wijkkracht_run: Any, demo_layers: dict[str, Any],
                synthetic: dict[str, Path]) -> dict[str, Any]:
    from qgis.core import QgsProcessingFeedback

    bag = wijkkracht_run("loadbag", INPUT=str(synthetic["bag"]),
                         LAYER="verblijfsobject_synthetic")["OUTPUT"]
    feedback = QgsProcessingFeedback()
    out = wijkkracht_run("intensityrasters", feedback=feedback, STREETS=demo_layers["streets"],
                         POIS=demo_layers["pois"], AREA=demo_layers["study_area"], BAG=bag,
                         ESTABLISHMENTS=str(synthetic["establishments"]),
                         REFERENCE_DATE=REFERENCE_DATE,
                         **{key: "TEMPORARY_OUTPUT" for key in OUTPUT_KEYS})
    out["log"] = feedback.textLog() + feedback.htmlLog()
    return out


def test_establishment_rasters_equal_the_library(bag_rasters: dict[str, Any],
                                                 synthetic: dict[str, Path]) -> None:
    """The BAG within the streets' extent, the export placed on it: the same surfaces as the
    library's, small numbers of establishments nodata, and SYNTHETIC said in every file."""
    from wijkkracht.core.rasters import count_within
    from wijkkracht.data_sources.bag import read_bag_gpkg
    from wijkkracht.data_sources.establishments import geolocate, read_establishments
    from wijkkracht.data_sources.files import read_area, read_pois, read_streets
    from wijkkracht.demo import demo_data_path

    path = demo_data_path()
    streets = read_streets(path, layer="streets")
    bag = read_bag_gpkg(synthetic["bag"], layer="verblijfsobject_synthetic",
                        bbox=tuple(streets.total_bounds))
    located = geolocate(read_establishments(synthetic["establishments"]).establishments, bag)
    expected = compute_surfaces(classify_pois(read_pois(path, layer="pois")),
                                read_area(path, layer="study_area").geometry.union_all(),
                                bag=bag, establishments=located.matched,
                                reference_date=REFERENCE_DATE)
    assert set(expected) == set(SURFACES)
    for name in ("establishment_intensity", "bag_vacancy_density", "business_intensity"):
        with rasterio.open(bag_rasters[name.upper()]) as src:
            got = src.read(1)
            assert "SYNTHETIC" in src.tags()["SYNTHETIC"]
            assert "BAG" in src.tags()["source"]
        np.testing.assert_allclose(got, expected[name].array, rtol=1e-6, atol=1e-4,
                                   err_msg=name)
    est = expected["establishment_intensity"]
    assert est.suppressed_cells > 0
    with rasterio.open(bag_rasters["ESTABLISHMENT_INTENSITY"]) as src:
        got = src.read(1)
    active = located.matched[located.matched["end_date"].isna()
                             | (located.matched["end_date"] > REFERENCE_DATE)]
    n = count_within(active.geometry, est.grid, 200.0)
    inside = got != est.nodata
    # every published value comes from no establishment or at least three
    assert ((n[inside] == 0) | (n[inside] >= 3)).all()
    assert (got[(n >= 1) & (n <= 2)] == est.nodata).all()
    assert "SYNTHETIC" in bag_rasters["log"]


# --------------------------------------------------------------------------------------------
# styled


@pytest.fixture
def project(qgis_processing: Any) -> Any:
    from qgis.core import QgsProject

    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()


def _classes(layer: Any) -> list[tuple[float, str, int]]:
    shader = layer.renderer().shader().rasterShaderFunction()
    return [(item.value, item.color.name(), item.color.alpha())
            for item in shader.colorRampItemList()]


def _assert_styled(layer: Any, name: str) -> None:
    style = raster_style(name)
    assert layer.renderer().type() == "singlebandpseudocolor"
    classes = _classes(layer)
    assert classes[0][0] == 0 and classes[0][2] == 0  # 0: nothing within reach, transparent
    assert [c[1] for c in classes[1:]] == [c.lower() for c in style.colors]
    assert [c[0] for c in classes[1:-1]] == list(style.breaks)
    assert layer.renderer().opacity() == pytest.approx(style.opacity)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_outputs_load_styled(lang: str, qgis_language: Any, wijkkracht_provider: Any,
                             qgis_processing: Any, project: Any,
                             demo_layers: dict[str, Any]) -> None:
    qgis_language(lang)
    results = qgis_processing.runAndLoadResults("wijkkracht:intensityrasters", {
        "POIS": demo_layers["pois"], "AREA": demo_layers["study_area"],
        **{key: "TEMPORARY_OUTPUT" for key in OUTPUT_KEYS}})
    layers = {key: project.mapLayer(value) or next(iter(project.mapLayersByName(
        SURFACES[OUTPUT_KEYS[key]].title(lang))), None)
        for key, value in results.items() if key in OUTPUT_KEYS}
    assert set(layers) == {k.upper() for k in OSM_SURFACES}
    for key, layer in layers.items():
        name = OUTPUT_KEYS[key]
        assert layer is not None and layer.isValid(), key
        assert layer.crs().authid() == "EPSG:28992"
        _assert_styled(layer, name)
        labels = [item.label for item in
                  layer.renderer().shader().rasterShaderFunction().colorRampItemList()]
        assert labels[1:] == [label for label, _ in raster_style(name).legend(lang)]
        assert "OpenStreetMap" in layer.metadata().rights()[0]
        assert SURFACES[name].label(lang) in layer.metadata().abstract()


def test_geotiffs_of_the_library_open_styled(qgis_app: Any, tmp_path: Path) -> None:
    """The GeoTIFFs ``wijkkracht demo --rasters`` writes (write_rasters): QGIS takes the .qml
    beside each file as its default style."""
    from qgis.core import QgsRasterLayer

    from wijkkracht.demo import analyse_demo
    from wijkkracht.output.geotiff import write_rasters

    result = analyse_demo(synthetic_bag=False, rasters=True)
    write_rasters(result, tmp_path, lang="en")
    for name in OSM_SURFACES:
        path = tmp_path / f"wijkkracht_{name}.tif"
        layer = QgsRasterLayer(str(path), name, "gdal")
        assert layer.isValid(), name
        assert layer.crs().authid() == "EPSG:28992"
        assert layer.dataProvider().sourceNoDataValue(1) == -9999
        assert layer.bandName(1).endswith(SURFACES[name].title("en"))
        _assert_styled(layer, name)
        assert layer.rasterUnitsPerPixelX() == 25
