"""``wijkkracht batch`` on Dask: a local cluster killed and resumed, and a cluster reached by
address (a scheduler and a worker process on localhost), both equal to a run in one process;
spatial partitions (issue 6).

The areas are six blocks of a polygon layer without area codes laid over the bundled
Kanaleneiland data (real OSM streets and POIs); the BAG and establishments are the SYNTHETIC
layers of the demo generator. No network access beyond localhost.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psutil
import pyogrio
import pytest
import shapely

from wijkkracht import batch
from wijkkracht.batch import load_config, plan_partitions, run_batch
from wijkkracht.cli import main
from wijkkracht.demo import demo_data_path

pytest.importorskip("distributed")

N_AREAS = 6


def _blocks(path: Path) -> Path:
    """Six blocks (3 x 2) over the Kanaleneiland study area: a polygon layer with names only."""
    x0, y0, x1, y1 = gpd.read_file(demo_data_path(), layer="study_area").total_bounds
    xs = [x0 + (x1 - x0) * i / 3 for i in range(4)]
    ys = [y0 + (y1 - y0) * j / 2 for j in range(3)]
    geoms = [shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for j in range(2) for i in range(3)]
    gpd.GeoDataFrame({"naam": [f"blok {k + 1}" for k in range(N_AREAS)]}, geometry=geoms,
                     crs="EPSG:28992").to_file(path, layer="blokken")
    return path


def _config(folder: Path, blocks: Path, *, engine: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    demo = demo_data_path().as_posix()
    path = folder / "run.toml"
    path.write_text(
        f'out = "out"\nname = "blokken"\nlang = "en"\n'
        f'[areas]\nfile = "{blocks.as_posix()}"\nbuffer = 300\n'
        f'[data]\nstreets = "{demo}"\nstreets_layer = "streets"\npois = "{demo}"\n'
        f'pois_layer = "pois"\n[analysis]\nk = 3\nseed = 0\n{engine}', encoding="utf-8")
    return path


def _table(path: Path, layer: str) -> pd.DataFrame:
    df = pyogrio.read_dataframe(path, layer=layer)
    df["wkb"] = df.geometry.to_wkb()
    keys = ["area_code", "segment_id"] if layer == "streets" else ["area_code"]
    return pd.DataFrame(df.drop(columns="geometry")).sort_values(keys).reset_index(drop=True)


def _assert_same_merged(a: Path, b: Path) -> None:
    for layer in ("streets", "areas"):
        pd.testing.assert_frame_equal(_table(a, layer), _table(b, layer))


@pytest.fixture(scope="module")
def blocks(tmp_path_factory) -> Path:
    return _blocks(tmp_path_factory.mktemp("areas") / "blokken.gpkg")


@pytest.fixture(scope="module")
def in_one_process(tmp_path_factory, blocks) -> Path:
    """The uninterrupted reference: every area in this process, one partition per area."""
    cfg = _config(tmp_path_factory.mktemp("serial"), blocks, engine="[engine]\npartition_size = 1")
    summary = run_batch(load_config(cfg), workers=1)
    assert len(summary.done) == N_AREAS and not summary.failed
    assert summary.partitions == N_AREAS
    return summary.merged


def test_polygon_layer_without_codes_gives_one_area_per_polygon(in_one_process):
    areas = pyogrio.read_dataframe(in_one_process, layer="areas")
    assert len(areas) == N_AREAS and areas["area_code"].is_unique
    assert sorted(areas["area_name"]) == sorted(f"blok {k + 1}" for k in range(N_AREAS))
    streets = pyogrio.read_dataframe(in_one_process, layer="streets")
    # every area got streets with indicators, and each street is in one area
    assert (streets.groupby("area_code").size() > 20).all()
    assert streets["dist_supermarket_m"].notna().mean() > 0.5


def _group_pids(pgid: int) -> list[int]:
    out = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid:
                out.append(p.pid)
        except (ProcessLookupError, psutil.Error):
            pass
    return out


def test_dask_run_killed_part_way_resumes_to_the_uninterrupted_result(tmp_path, blocks,
                                                                        in_one_process):
    cfg = _config(tmp_path, blocks, engine="[engine]\npartition_size = 2")
    records = tmp_path / "out" / "areas"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(batch.__file__).parent.parent), os.environ.get("PYTHONPATH", "")])}
    log = tmp_path / "stderr.txt"
    with log.open("wb") as err:
        # its own process group: the Dask scheduler, nannies and workers die with it (kill -9)
        proc = subprocess.Popen([sys.executable, "-m", "wijkkracht", "batch", "--workers", "2",
                                 str(cfg)], env=env, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
    deadline = time.monotonic() + 180
    try:
        while not (records.exists() and list(records.glob("*.json"))):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no area finished in time"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    for _ in range(100):  # every process of the run is gone
        if not _group_pids(proc.pid):
            break
        time.sleep(0.05)
    assert not _group_pids(proc.pid)
    assert "Dask: local cluster, 2 workers" in log.read_text()
    finished_before = {p.stem: p.stat().st_mtime_ns for p in records.glob("*.json")}
    assert 1 <= len(finished_before) < N_AREAS
    assert not (tmp_path / "out" / "blokken.gpkg").exists()

    assert main(["batch", "-q", "--workers", "2", str(cfg)]) == 0
    summary = run_batch(load_config(cfg), workers=2)  # a third run has nothing to do
    assert summary.done == [] and len(summary.skipped) == N_AREAS
    assert {p: (records / f"{p}.json").stat().st_mtime_ns for p in finished_before} == \
        finished_before  # the areas done before the kill were not redone
    assert not [p for p in (tmp_path / "out").rglob(".*")]  # no temporary file left behind
    _assert_same_merged(tmp_path / "out" / "blokken.gpkg", in_one_process)


@pytest.fixture()
def localhost_cluster(tmp_path):
    """A Dask scheduler and one worker process on localhost, as a cluster would have them."""
    sched_file = tmp_path / "scheduler.json"
    cli = [sys.executable, "-m"]
    procs = [subprocess.Popen([*cli, "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file",
                               str(sched_file)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        deadline = time.monotonic() + 60
        while not sched_file.is_file():
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            time.sleep(0.1)
        time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        procs.append(subprocess.Popen([*cli, "distributed.cli.dask_worker", address,
                                       "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True, cwd=tmp_path))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def test_run_on_a_scheduler_at_an_address_equals_one_process(tmp_path, blocks, in_one_process,
                                                            localhost_cluster, capsys):
    assert re.fullmatch(r"tcp://127\.0\.0\.1:\d+", localhost_cluster)
    cfg = _config(tmp_path, blocks, engine="[engine]\npartition_size = 4")
    assert main(["batch", "--scheduler", localhost_cluster, str(cfg)]) == 0
    err = capsys.readouterr().err
    assert f"Dask: scheduler {localhost_cluster}, 1 worker" in err
    assert re.search(r"\[6/6\] \S+ done \(0 failed, 0 remaining, [\d.]+ areas/min, ETA 0:00\)",
                     err)
    _assert_same_merged(tmp_path / "out" / "blokken.gpkg", in_one_process)
    summary = run_batch(load_config(cfg), scheduler=localhost_cluster)
    assert summary.done == [] and len(summary.skipped) == N_AREAS


def test_unreachable_scheduler_is_one_line(tmp_path, blocks, capsys):
    cfg = _config(tmp_path, blocks)
    t0 = time.monotonic()
    assert main(["batch", "--scheduler", "tcp://127.0.0.1:9", str(cfg)]) == 1
    assert time.monotonic() - t0 < 15
    err = capsys.readouterr().err.strip()
    assert err == "wijkkracht: error: cannot reach the Dask scheduler tcp://127.0.0.1:9: " \
                  "Connection refused"
    assert not (tmp_path / "out" / "blokken.gpkg").exists()


# --- partitions ----------------------------------------------------------------------------------

def _squares(codes: list[str], xs: list[float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"area_code": codes},
                            geometry=[shapely.box(x, 450_000, x + 500, 450_500) for x in xs],
                            crs="EPSG:28992")


def test_buurten_are_partitioned_by_gemeente_and_size():
    codes = [f"BU0344{i:04d}" for i in range(7)] + ["BU03630001", "BU03630002"]
    areas = _squares(codes, [130_000 + 600 * i for i in range(9)])
    parts = plan_partitions(areas, buffer=800, size=3)
    # gemeente 0344: 7 buurten in 3 compact runs of at most 3; gemeente 0363: one partition
    assert [p.key for p in parts] == ["GM0344-001", "GM0344-002", "GM0344-003", "GM0363"]
    assert [len(p.codes) for p in parts] == [3, 2, 2, 2]
    assert sorted(c for p in parts for c in p.codes) == sorted(codes)
    for p in parts:  # each partition's box holds its areas with their buffer, and no more
        geoms = areas.set_index("area_code").loc[list(p.codes)].geometry
        assert shapely.box(*p.bounds).contains(geoms.buffer(800).union_all())
        assert p.bounds[2] - p.bounds[0] <= 600 * len(p.codes) + 1600
    # the runs follow space (a Hilbert curve): neighbours together
    for p in parts:
        xs = sorted(int(c[-2:]) for c in p.codes)
        assert xs == list(range(xs[0], xs[0] + len(xs)))


def test_areas_without_cbs_codes_are_partitioned_by_10_km_tile():
    areas = _squares(["1", "2", "3"], [130_100, 131_000, 145_000])
    parts = plan_partitions(areas, buffer=100, size=25)
    assert [(p.key, sorted(p.codes)) for p in parts] == [("T13_45", ["1", "2"]),
                                                         ("T14_45", ["3"])]


def test_establishment_buckets():
    """PC4 of the postcode, else the gemeente prefix of the BAG id, else the 10 km tile."""
    got = batch._buckets_of(["3521 ab", "", None, "35", ""],
                            ["0344010000123456", "0344010000123456", None, None, "12"],
                            [None, None, 136_500.0, None, None], [None, None, 455_100.0, None,
                                                                  None])
    assert list(got) == ["P3521", "G0344", "T13_45", "U", "U"]


def test_partitioned_establishments_are_placed_as_with_the_whole_files(tmp_path):
    """A partition reads its BAG box and only the establishment buckets of its addresses, and
    places exactly the establishments the whole-file join places in that box."""
    from wijkkracht.data_sources.bag import read_bag_gpkg
    from wijkkracht.data_sources.establishments import establishments_on_bag
    from wijkkracht.data_sources.synthetic import write_synthetic

    bag, _, est, _ = write_synthetic(tmp_path / "syn", seed=0)  # SYNTHETIC BAG/KvK-style data
    demo = demo_data_path().as_posix()
    cfg_path = tmp_path / "run.toml"
    cfg_path.write_text(
        f'out = "out"\n[areas]\nfile = "{_blocks(tmp_path / "b.gpkg").as_posix()}"\n'
        f'[data]\nstreets = "{demo}"\nstreets_layer = "streets"\npois = "{demo}"\n'
        f'pois_layer = "pois"\nbag = "syn/{bag.name}"\nbag_layer = "verblijfsobject_synthetic"\n'
        f'establishments = "syn/{est.name}"\n', encoding="utf-8")
    cfg = load_config(cfg_path)
    prepared, info = batch._prepare_establishments(cfg)
    assert info["buckets"] >= 1 and info["counts"]["valid"] > 100
    whole_bag = read_bag_gpkg(bag, layer="verblijfsobject_synthetic")
    whole = establishments_on_bag(est, whole_bag).matched
    x0, y0, x1, y1 = whole_bag.total_bounds
    box = (x0, y0, (x0 + x1) / 2, (y0 + y1) / 2)  # a quarter of the BAG's extent
    part = batch._read_partition(cfg, box, prepared)
    inside = whole[whole.geometry.intersects(shapely.box(*box))]
    got = part["establishments"]
    got = got[got.geometry.intersects(shapely.box(*box))]
    assert 0 < len(inside) < len(whole)
    assert sorted(got["vestigingsnummer"]) == sorted(inside["vestigingsnummer"])
    a = got.set_index("vestigingsnummer").sort_index()
    b = inside.set_index("vestigingsnummer").sort_index()
    assert (a["bag_id"] == b["bag_id"]).all() if "bag_id" in a else \
        a.geometry.equals(b.geometry)
    # a second run reuses the buckets; a changed export is bucketed again
    assert batch._prepare_establishments(cfg)[0] == prepared
    os.utime(est, ns=(time.time_ns(), time.time_ns()))
    again = batch._prepare_establishments(load_config(cfg_path))[0]
    assert again != prepared and again.is_dir() and not prepared.exists()
