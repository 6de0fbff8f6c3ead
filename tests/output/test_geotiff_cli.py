"""``--rasters``, ``--cell-size``, ``--bandwidth`` on the command line: the GeoTIFFs and their
styles appear beside the GeoPackage and the map, on the grid asked for; the areas layer gets
the zonal means; bad options fail with one line and no output."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import rasterio

from wijkkracht.cli import main
from wijkkracht.core.rasters import SURFACES
from wijkkracht.demo import demo_data_path

FIXTURE = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
OSM = [name for name, kind in SURFACES.items() if kind.requires == "osm"]


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run([sys.executable, "-m", "wijkkracht", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def test_demo_with_rasters_on_cbs_squares(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("demo", "--rasters", "--cell-size", "100", "--bandwidth", "300",
                   "--out", str(out), "--name", "kanaleneiland")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert {"kanaleneiland.gpkg", "kanaleneiland.html"} <= set(names)
    tifs = {n for n in names if n.endswith(".tif")}
    assert tifs == {f"kanaleneiland_{s}.tif" for s in SURFACES}
    assert {n for n in names if n.endswith(".qml")} == {t[:-4] + ".qml" for t in tifs}
    for name in SURFACES:
        with rasterio.open(out / f"kanaleneiland_{name}.tif") as src:
            x0, cell, _, y0, _, neg = src.transform.to_gdal()
            assert cell == 100 and neg == -100 and x0 % 100 == 0 and y0 % 100 == 0
            assert src.crs.to_epsg() == 28992
            assert "300 m" in src.tags()["method"]  # the bandwidth (and diversity window)
    # one more progress step, with its label; the files listed
    assert "[12/12] Intensiteitsrasters berekenen" in proc.stderr
    assert f"raster_business_intensity: {out / 'kanaleneiland_business_intensity.tif'}" \
        in proc.stderr
    with sqlite3.connect(out / "kanaleneiland.gpkg") as con:
        meta = "\n".join(r[0] for r in con.execute("SELECT metadata FROM gpkg_metadata"))
    assert '"cell_size_m": 100.0' in meta and '"bandwidth_m": 300.0' in meta


def test_run_with_areas_has_zonal_means(tmp_path: Path) -> None:
    demo = demo_data_path()
    out = tmp_path / "areas"
    proc = run_cli("run", "--streets", str(demo), "--streets-layer", "streets",
                   "--pois", str(demo), "--pois-layer", "pois", "--areas", str(FIXTURE),
                   "--rasters", "--out", str(out), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    areas = gpd.read_file(out / "wijkkracht.gpkg", layer="areas")
    assert len(areas) >= 2
    for name in OSM:
        assert areas[f"{name}_raster_mean"].notna().all(), name
    assert (areas["business_intensity_raster_mean"] > 0).all()
    with sqlite3.connect(out / "wijkkracht.gpkg") as con:
        qml = con.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'areas'"
                          ).fetchone()[0]
    assert "Business intensity (OSM functions) (per km²), mean over the raster cells" in qml
    assert {p.name for p in out.glob("*.tif")} == {f"wijkkracht_{n}.tif" for n in OSM}


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--cell-size", "0"], 2, "expected a number > 0 and <= 1000 (m), got '0'"),
    (["--bandwidth", "-5"], 2, "expected a number > 0 and <= 5000 (m), got '-5'"),
    (["--cell-size", "100", "--bandwidth", "50"], 2,
     "must be at least the cell size (100 m), got 50 m"),
])
def test_bad_raster_options(args: list[str], code: int, message: str, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bad"
    with pytest.raises(SystemExit) if code == 2 else contextlib.nullcontext():
        assert main(["demo", "--osm-only", "--rasters", *args, "--out", str(out), "-q"]) == code
    err = capsys.readouterr().err
    assert message in err
    assert not out.exists() or not list(out.iterdir())

