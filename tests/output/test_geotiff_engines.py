"""The GeoTIFFs written with GDAL's own Python bindings (``osgeo.gdal``, what the QGIS plugin
uses: QGIS's GDAL) are the files rasterio writes: same values, grid, CRS, nodata, tags, band
description and unit, tiles, compression and overviews (here even byte for byte); and the
engine is chosen as documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio

from wijkkracht.core.errors import OutputError
from wijkkracht.core.rasters import NODATA, SURFACES, Surface
from wijkkracht.output import geotiff
from wijkkracht.output.geotiff import raster_engine, write_surface_file, write_surfaces


def _surface(name: str = "n_intensity", shape: tuple[int, int] = (700, 600)) -> Surface:
    """A surface larger than two tiles (two overview levels), with nodata in its first rows."""
    kind = SURFACES[name]
    values = (np.random.default_rng(3).random(shape) * 120).astype("float32")
    values[:40] = NODATA
    values[100:110, 200:260] = 0.0
    return Surface(name, values, (120000.0, 25.0, 0.0, 461000.0, 0.0, -25.0), "EPSG:28992",
                   NODATA, kind.unit, kind.label, kind.description,
                   "quartic kernel, bandwidth 200 m, cell 25 m, 42 points", points=42)


def _describe(path: Path) -> dict[str, object]:
    with rasterio.open(path) as src:
        return {
            "driver": src.driver, "dtypes": src.dtypes, "crs": src.crs.to_wkt(),
            "epsg": src.crs.to_epsg(), "transform": src.transform.to_gdal(),
            "nodata": src.nodata, "shape": (src.height, src.width),
            "blocks": src.block_shapes, "overviews": src.overviews(1),
            "compression": src.compression, "structure": src.tags(ns="IMAGE_STRUCTURE"),
            "tags": src.tags(), "band_tags": src.tags(1), "descriptions": src.descriptions,
            "units": src.units, "values": src.read(1),
            "overview": src.read(1, out_shape=(src.height // 4, src.width // 4)),
        }


@pytest.mark.parametrize("synthetic", [(), ("bag", "establishments")])
def test_gdal_writes_the_file_rasterio_writes(tmp_path: Path,
                                              synthetic: tuple[str, ...]) -> None:
    surface = _surface("establishment_intensity" if synthetic else "n_intensity")
    by_rasterio = write_surface_file(surface, tmp_path / "rasterio.tif", lang="en",
                                     source="OpenStreetMap (ODbL)", synthetic=synthetic,
                                     engine="rasterio")
    by_gdal = write_surface_file(surface, tmp_path / "gdal.tif", lang="en",
                                 source="OpenStreetMap (ODbL)", synthetic=synthetic,
                                 engine="gdal")
    a, b = _describe(by_rasterio), _describe(by_gdal)
    np.testing.assert_array_equal(a.pop("values"), b.pop("values"))
    np.testing.assert_array_equal(a.pop("overview"), b.pop("overview"))
    assert a == b
    assert b["epsg"] == 28992 and b["nodata"] == NODATA
    assert b["transform"] == surface.transform and b["dtypes"] == ("float32",)
    assert b["structure"]["LAYOUT"] == "COG" and b["compression"].name == "deflate"
    assert b["blocks"] == [(256, 256)] and b["overviews"] == [2, 4]
    assert b["descriptions"] == (surface.title("en"),) and b["units"] == ("per km²",)
    assert b["tags"]["surface"] == surface.name and b["tags"]["method"] == surface.method
    assert ("SYNTHETIC" in b["tags"]) == bool(synthetic)
    assert b["band_tags"]["label_nl"] == surface.label("nl")
    # the same bytes: the same GDAL writes the same file, whichever binding drives it
    assert by_gdal.read_bytes() == by_rasterio.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gdal.tif", "rasterio.tif"]


def test_atomic_writes_with_gdal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``write_surfaces`` with the GDAL engine: the GeoTIFF and its style, or nothing."""
    surfaces = {"n_intensity": _surface(), "o_intensity": _surface("o_intensity", (40, 30))}
    dests = {name: tmp_path / f"{name}.tif" for name in surfaces}
    written = write_surfaces(surfaces, dests, lang="nl", engine="gdal")
    assert set(written) == {f"raster_{n}{s}" for n in surfaces for s in ("", "_qml")}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{ext}" for n in surfaces for ext in ("tif", "qml"))
    with rasterio.open(dests["o_intensity"]) as src:
        assert src.overviews(1) == [2]  # at least one level, even when it fits one tile
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    engines = []
    real = geotiff.write_surface_file

    def recording(surface: Surface, path: Path, **kwargs: object) -> Path:
        engines.append(kwargs["engine"])
        if surface.name == "o_intensity":
            raise OutputError(f"{path}: cannot write the GeoTIFF (test)")
        return real(surface, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(geotiff, "write_surface_file", recording)
    changed = {"n_intensity": _surface(shape=(30, 30)), "o_intensity": surfaces["o_intensity"]}
    with pytest.raises(OutputError, match="test"):
        write_surfaces(changed, dests, engine="gdal")
    assert set(engines) == {"gdal"}
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_gdal_failure_is_one_line_and_leaves_gdal_as_it_was(tmp_path: Path) -> None:
    from osgeo import gdal

    before = (gdal.GetUseExceptions(), gdal.GetConfigOption("GDAL_PAM_ENABLED"))
    with pytest.raises(OutputError, match=r"missing[/\\]x\.tif: cannot write the GeoTIFF"):
        write_surface_file(_surface(shape=(20, 20)), tmp_path / "missing" / "x.tif",
                           engine="gdal")
    assert (gdal.GetUseExceptions(), gdal.GetConfigOption("GDAL_PAM_ENABLED")) == before
    assert gdal.GetThreadLocalConfigOption("GDAL_PAM_ENABLED", None) is None
    bad = Surface(**{**_surface(shape=(20, 20)).__dict__, "crs": "EPSG:0"})
    with pytest.raises(OutputError, match="unknown CRS"):
        write_surface_file(bad, tmp_path / "bad.tif", engine="gdal")


def test_gdal_engine_with_gdal_exceptions_on(tmp_path: Path) -> None:
    """QGIS (or another plugin) may have switched GDAL's Python exceptions on."""
    from osgeo import gdal

    was = gdal.GetUseExceptions()
    gdal.UseExceptions()
    try:
        write_surface_file(_surface(shape=(20, 20)), tmp_path / "ok.tif", engine="gdal")
        with pytest.raises(OutputError, match="cannot write the GeoTIFF"):
            write_surface_file(_surface(shape=(20, 20)), tmp_path / "no" / "x.tif",
                               engine="gdal")
    finally:
        if not was:
            gdal.DontUseExceptions()
    with rasterio.open(tmp_path / "ok.tif") as src:
        assert src.crs.to_epsg() == 28992


def test_engine_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert raster_engine("gdal") == "gdal" and raster_engine("rasterio") == "rasterio"
    assert raster_engine() == "rasterio"  # installed here
    with pytest.raises(ValueError, match="unknown raster engine"):
        raster_engine("fiona")


def test_without_rasterio_the_files_are_written_with_gdal(tmp_path: Path) -> None:
    """A Python in which rasterio cannot be imported (as in a QGIS without it): the default
    engine is GDAL's bindings, and output/ imports neither rasterio nor osgeo until it
    writes."""
    script = (
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'rasterio':\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from wijkkracht.output import geotiff\n"
        "assert 'osgeo' not in sys.modules and 'rasterio' not in sys.modules\n"
        "from wijkkracht.output.geotiff import raster_engine\n"
        "print(raster_engine())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "gdal"
