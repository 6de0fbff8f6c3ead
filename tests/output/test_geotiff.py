"""The intensity rasters of the demo as files: Cloud Optimized GeoTIFFs that rasterio and GDAL's
``gdalinfo`` open, in EPSG:28992 on the RD New grid, with nodata, band description, unit,
overviews and tags; values at a few cells equal a direct kernel sum over the points; a QGIS
style beside each; written all together or not at all."""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely

from wijkkracht.core.errors import OutputError
from wijkkracht.core.rasters import NODATA, SURFACES
from wijkkracht.core.result import AnalysisResult
from wijkkracht.demo import analyse_demo
from wijkkracht.output import geotiff
from wijkkracht.output.geotiff import write_rasters
from wijkkracht.styles import raster_style

GDALINFO = Path("/usr/bin/gdalinfo")


@pytest.fixture(scope="module")
def raster_result() -> AnalysisResult:
    """The demo (real OSM, SYNTHETIC BAG/KvK) with its surfaces."""
    return analyse_demo(rasters=True)


@pytest.fixture(scope="module")
def written(raster_result: AnalysisResult, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rasters")
    return write_rasters(raster_result, folder, basename="kanaleneiland", lang="nl")


def direct_density(xy: np.ndarray, x: float, y: float, h: float = 200.0) -> float:
    d2 = (xy[:, 0] - x) ** 2 + (xy[:, 1] - y) ** 2
    k = np.where(d2 < h * h, 3 / (math.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0.0)
    return float(k.sum() * 1e6)


def test_every_surface_is_written_with_its_style(written: dict[str, Path]) -> None:
    folder = written["raster_business_intensity"].parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"kanaleneiland_{name}.{ext}" for name in SURFACES for ext in ("tif", "qml"))
    assert set(written) == {f"raster_{n}{s}" for n in SURFACES for s in ("", "_qml")}


@pytest.mark.parametrize("name", list(SURFACES))
def test_geotiff_opens_with_rasterio(name: str, written: dict[str, Path],
                                     raster_result: AnalysisResult) -> None:
    surface = raster_result.rasters[name]
    with rasterio.open(written[f"raster_{name}"]) as src:
        assert src.driver == "GTiff" and src.count == 1 and src.dtypes == ("float32",)
        assert src.crs.to_epsg() == 28992
        x0, cell, rot1, y0, rot2, neg = src.transform.to_gdal()
        assert (cell, rot1, rot2, neg) == (25.0, 0.0, 0.0, -25.0)
        assert x0 % 25 == 0 and y0 % 25 == 0  # on the RD New grid
        assert src.nodata == NODATA
        assert src.descriptions == (surface.title("nl"),)
        assert src.units == (surface.unit_label("en"),)
        assert src.block_shapes == [(256, 256)] and src.overviews(1) == [2]
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        tags = src.tags()
        assert tags["surface"] == name and tags["unit"] == surface.unit
        assert tags["label_nl"] == surface.label.nl and tags["label_en"] == surface.label.en
        assert "OpenStreetMap" in tags["source"] and "ODbL" in tags["source"]
        assert "bandwidth 200 m" in tags["method"] or name == "mixed_use_diversity"
        # the demo's BAG/KvK are SYNTHETIC: every file says so, and whether it is made of them
        assert tags["SYNTHETIC"].startswith("SYNTHETIC")
        made = SURFACES[name].requires != "osm"
        assert ("made from them" in tags["SYNTHETIC"]) == made
        np.testing.assert_array_equal(src.read(1), surface.array)
        # nodata outside the study area's reach, values inside
        data = src.read(1, masked=True)
        assert data.mask.any() and (~data.mask).sum() > 4000


def test_gdalinfo_reads_crs_grid_nodata_and_description(written: dict[str, Path]) -> None:
    if not GDALINFO.exists():  # pragma: no cover - the test environment has it
        pytest.fail(f"{GDALINFO} is missing (apt install gdal-bin)")
    path = written["raster_n_intensity"]
    out = subprocess.run([str(GDALINFO), "-json", "-mm", str(path)], capture_output=True,
                         text=True, check=True, timeout=60)
    info = json.loads(out.stdout)
    assert info["driverShortName"] == "GTiff"
    assert 'ID["EPSG",28992]' in info["coordinateSystem"]["wkt"]
    x0, cell, _, y0, _, neg = info["geoTransform"]
    assert cell == 25 and neg == -25 and x0 % 25 == 0 and y0 % 25 == 0
    band = info["bands"][0]
    assert band["noDataValue"] == NODATA
    assert band["description"] == SURFACES["n_intensity"].title("nl")
    assert band["unit"] == "per km²"
    assert band["overviews"] and band["type"] == "Float32"
    assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG"
    assert info["metadata"][""]["label_en"] == "Intensity of N (everyday necessities)"
    assert 0 <= band["computedMin"] and band["computedMax"] > 50
    assert not Path(f"{path}.aux.xml").exists()  # nothing beside it but the style
    text = subprocess.run([str(GDALINFO), str(path)], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "EPSG\",28992" in text and "NoData Value=-9999" in text


@pytest.mark.parametrize(("name", "select"), [
    ("business_intensity", lambda p: p["function"] != ""),
    ("n_intensity", lambda p: p["no_class"] == "N"),
    ("o_intensity", lambda p: p["no_class"] == "O"),
    ("vacancy_density", lambda p: p["shopfront"] & p["vacant"]),
])
def test_values_in_the_file_equal_a_direct_kernel_sum(name: str, select, written, raster_result
                                                      ) -> None:
    pois = raster_result.pois
    xy = shapely.get_coordinates(pois.loc[select(pois), "geometry"].values)
    with rasterio.open(written[f"raster_{name}"]) as src:
        data = src.read(1)
        rows, cols = np.nonzero(data != NODATA)
        pick = np.random.default_rng(5).choice(len(rows), 10, replace=False)
        peak = np.unravel_index(np.argmax(data), data.shape)
        for r, c in [*zip(rows[pick], cols[pick], strict=True), peak]:
            x, y = src.xy(r, c)  # the cell centre
            assert data[r, c] == pytest.approx(direct_density(xy, x, y), rel=1e-5, abs=1e-4)
    assert data[peak] > 20  # at least one point's peak


def test_establishments_in_the_file_are_suppressed(written, raster_result) -> None:
    est = raster_result.rasters["establishment_intensity"]
    assert est.suppressed_cells > 0
    with rasterio.open(written["raster_establishment_intensity"]) as src:
        data = src.read(1)
    assert (data == NODATA).sum() > (raster_result.rasters["business_intensity"].array
                                     == NODATA).sum()
    assert raster_result.metadata["rasters"]["surfaces"]["establishment_intensity"][
        "suppressed_cells"] == est.suppressed_cells


def test_style_beside_each_file(written: dict[str, Path]) -> None:
    for name in SURFACES:
        root = ET.parse(written[f"raster_{name}_qml"]).getroot()
        renderer = root.find("pipe/rasterrenderer")
        assert renderer is not None and renderer.get("type") == "singlebandpseudocolor"
        items = root.findall(".//colorrampshader/item")
        style = raster_style(name)
        assert [i.get("color") for i in items[1:]] == list(style.colors)
        assert items[0].get("value") == "0" and items[0].get("alpha") == "0"
        assert [float(i.get("value")) for i in items[1:-1]] == list(style.breaks)
        assert [i.get("label") for i in items[1:]] == [lab for lab, _ in style.legend("nl")]
        assert written[f"raster_{name}_qml"].with_suffix(".tif") == written[f"raster_{name}"]


def test_no_synthetic_tag_for_real_data(raster_result: AnalysisResult, tmp_path: Path) -> None:
    real = dataclasses.replace(raster_result, metadata={**raster_result.metadata,
                                                        "synthetic": []})
    paths = write_rasters(real, tmp_path)
    with rasterio.open(paths["raster_establishment_intensity"]) as src:
        assert "SYNTHETIC" not in src.tags()


def test_all_or_nothing(raster_result: AnalysisResult, written: dict[str, Path], tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A surface that cannot be written: no new file, the previous ones untouched, no temp."""
    folder = tmp_path / "out"
    shutil.copytree(written["raster_business_intensity"].parent, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real = geotiff.write_surface_file

    def failing(surface, path, **kwargs):
        if surface.name == "vacancy_density":
            raise OSError(28, "No space left on device")
        return real(surface, path, **kwargs)

    monkeypatch.setattr(geotiff, "write_surface_file", failing)
    other = dataclasses.replace(raster_result, metadata={**raster_result.metadata,
                                                         "synthetic": []})
    with pytest.raises(OutputError, match="kanaleneiland_vacancy_density.tif: the disk is full"):
        write_rasters(other, folder, basename="kanaleneiland")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    fresh = tmp_path / "fresh"
    with pytest.raises(OutputError):
        write_rasters(other, fresh)
    assert fresh.is_dir() and not list(fresh.iterdir())


def test_rgba_for_map_overlays(raster_result: AnalysisResult) -> None:
    s = raster_result.rasters["business_intensity"]
    style = raster_style(s.name)
    img = style.rgba(s.array, s.nodata)
    assert img.shape == (*s.array.shape, 4) and img.dtype == np.uint8
    assert (img[~s.valid, 3] == 0).all() and (img[s.array == 0, 3] == 0).all()
    r, c = np.unravel_index(np.argmax(s.array), s.array.shape)
    assert tuple(img[r, c, :3]) == tuple(int(style.colors[-1][i:i + 2], 16) for i in (1, 3, 5))
    assert img[r, c, 3] == round(255 * style.opacity)
    assert style.color_for(float(s.array[r, c])) == style.colors[-1]
    assert style.color_for(0.0) is None and style.color_for(float("nan")) is None
    assert style.legend("en")[0] == ("≤ 10", style.colors[0])
    assert style.legend("nl")[-1] == ("> 250", style.colors[-1])
