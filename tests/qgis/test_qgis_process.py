"""The full analysis unattended, as a GIS team runs it: ``qgis_process`` on the command line.

One run of ``qgis_process.bin --json run wijkkracht:neighbourhoodanalysis`` on the bundled
Kanaleneiland data (layers ``streets``, ``pois`` and ``study_area`` of
``data/kanaleneiland.gpkg``, in QGIS's ``path|layername=x`` syntax), with the plugin enabled
first (``qgis_process.bin plugins enable wijkkracht``) in a temporary ``QGIS_CUSTOM_CONFIG_PATH``
and found through ``QGIS_PLUGINPATH`` (a folder holding a ``wijkkracht`` link to this working
tree). While it runs, the core library analyses the same data in this process; the outputs must
agree with it.

``qgis_process.bin``, not ``/usr/bin/qgis_process``: on QGIS 3.22 the wrapper adds
``--noversioncheck``, which 3.22 rejects. It runs Debian's Python, so this venv's packages come
in through ``PYTHONPATH`` and its ``bin`` goes first on ``PATH``. That venv must hold pyproj,
pyogrio, shapely and rasterio built against the system GDAL/PROJ (``scripts/test.sh`` does):
wheels bring their own copies, and ``qgis_process`` then aborts at exit.

Skipped where QGIS is not installed, unless ``WIJKKRACHT_REQUIRE_QGIS=1`` (then it fails).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, NoReturn

import pyogrio
import pytest

import wijkkracht
from wijkkracht.core.pipeline import analyse_demo, demo_data_path

REPO = Path(wijkkracht.__file__).resolve().parent
QGIS_PROCESS = Path(os.environ.get("WIJKKRACHT_QGIS_PROCESS", "/usr/bin/qgis_process.bin"))
ALGORITHM = "wijkkracht:neighbourhoodanalysis"
#: Output parameter -> file name.
OUTPUTS = {"STREETS_OUT": "streets.gpkg", "POIS_OUT": "pois.gpkg", "AREA_OUT": "area.gpkg",
           "PROFILE": "profile.gpkg", "HTML": "wijkkracht.html"}
#: Exit codes of a crash (SIGABRT, SIGSEGV), as the shell and as subprocess report them.
CRASHES = {134, 139, -6, -11}


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail where the QGIS tests must run (``WIJKKRACHT_REQUIRE_QGIS=1``)."""
    if os.environ.get("WIJKKRACHT_REQUIRE_QGIS") == "1":
        pytest.fail(f"QGIS test required but {reason}")
    pytest.skip(reason)


def _env(tmp: Path) -> dict[str, str]:
    """qgis_process's environment: temporary profile, the plugin folder, this venv, headless."""
    runtime = tmp / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    plugins = tmp / "plugins"
    plugins.mkdir()
    (plugins / "wijkkracht").symlink_to(REPO, target_is_directory=True)
    (tmp / "config").mkdir()
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime),
            "QGIS_CUSTOM_CONFIG_PATH": str(tmp / "config"), "QGIS_PLUGINPATH": str(plugins),
            "PYTHONPATH": sysconfig.get_paths()["purelib"],
            "PATH": os.pathsep.join([bindir, os.environ.get("PATH", "")])}


def _crash_hint(returncode: int) -> str:
    if returncode not in CRASHES:
        return ""
    import pyproj

    return (f"\nqgis_process crashed ({returncode}). The usual cause: wheels with their own "
            f"GDAL/PROJ in the Python of qgis_process (here pyproj {pyproj.__version__} with "
            f"PROJ {pyproj.proj_version_str}); build pyproj, pyogrio, shapely and rasterio "
            "from source as scripts/test.sh does.")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the analysis once through qgis_process and once through the library."""
    if not QGIS_PROCESS.is_file():
        _unavailable(f"{QGIS_PROCESS} is not installed (apt-get install qgis)")
    if importlib.util.find_spec("qgis") is None:
        _unavailable(f"{sys.executable} is not a QGIS-capable venv (scripts/test.sh makes one)")
    tmp = tmp_path_factory.mktemp("qgis_process")
    env = _env(tmp)
    enable = subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "wijkkracht"],
                            capture_output=True, text=True, timeout=120, check=False, env=env,
                            cwd=tmp)
    assert enable.returncode == 0, enable.stdout + enable.stderr + _crash_hint(enable.returncode)
    gpkg = demo_data_path()
    out = tmp / "out"
    out.mkdir()
    command = [str(QGIS_PROCESS), "--json", "run", ALGORITHM, "--",
               f"STREETS={gpkg}|layername=streets", f"POIS={gpkg}|layername=pois",
               f"AREA={gpkg}|layername=study_area",
               *(f"{key}={out / name}" for key, name in OUTPUTS.items())]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env, cwd=tmp) as process:
        # meanwhile, on the other core; OpenStreetMap only, as the layers given
        expected = analyse_demo(synthetic_bag=False)
        stdout, stderr = process.communicate(timeout=300)
    return {"returncode": process.returncode, "stdout": stdout, "stderr": stderr,
            "command": command, "expected": expected, "out": out}


@pytest.fixture(scope="module")
def report(run: dict[str, Any]) -> dict[str, Any]:
    """qgis_process's JSON report; fails with its output and a hint when it did not succeed."""
    assert run["returncode"] == 0, (
        f"{' '.join(run['command'])}\nexit code {run['returncode']}\n{run['stdout'][-3000:]}\n"
        f"{run['stderr'][-3000:]}{_crash_hint(run['returncode'])}")
    parsed: dict[str, Any] = json.loads(run["stdout"])
    return parsed


def test_qgis_process_runs_the_analysis_and_reports_every_output(report: dict[str, Any],
                                                                 run: dict[str, Any]) -> None:
    assert report["algorithm_details"]["id"] == ALGORITHM
    results = report["results"]
    assert {key: Path(value) for key, value in results.items() if key in OUTPUTS} == \
        {key: run["out"] / name for key, name in OUTPUTS.items()}
    assert all(Path(results[key]).is_file() for key in OUTPUTS)


def test_streets_output_has_every_study_area_segment_and_indicator(
        report: dict[str, Any], run: dict[str, Any]) -> None:
    expected = run["expected"].streets
    path = report["results"]["STREETS_OUT"]
    info = pyogrio.read_info(path)
    assert info["features"] == len(expected) > 1000  # every study-area segment
    assert info["geometry_type"] == "LineString"
    assert info["crs"] == "EPSG:28992"
    fields = set(info["fields"])
    assert fields == set(expected.columns) - {"geometry"} | {expected.index.name or "segment_id"}
    assert {"dist_supermarket_m", "hill1_400", "no_balance_400", "vacancy_share_400",
            "type_key", "type_name_nl", "type_name_en"} <= fields


def test_types_are_those_of_the_library(report: dict[str, Any], run: dict[str, Any]) -> None:
    """Same data, same seed: the same number of segments of every opportunity type."""
    types = pyogrio.read_dataframe(report["results"]["STREETS_OUT"], columns=["type_key"],
                                   read_geometry=False)["type_key"]
    expected = run["expected"].streets["type_key"]
    assert types.value_counts().to_dict() == expected.value_counts().to_dict()
    profile = pyogrio.read_info(report["results"]["PROFILE"])
    assert profile["features"] == expected.nunique()


def test_pois_area_and_map_are_written(report: dict[str, Any], run: dict[str, Any]) -> None:
    results = report["results"]
    assert pyogrio.read_info(results["POIS_OUT"])["features"] == len(run["expected"].pois)
    area = pyogrio.read_dataframe(results["AREA_OUT"], read_geometry=False)
    assert len(area) == 1 and area["segments"].iloc[0] == len(run["expected"].streets)
    html = Path(results["HTML"]).read_text(encoding="utf-8")
    assert "OpenStreetMap" in html and "leaflet" in html.lower()


def test_load_bag_unattended(tmp_path: Path) -> None:
    """Load BAG addresses reads files with pyogrio inside qgis_process's own Python, next to
    QGIS's GDAL: it must finish (no crash at exit) and write what the library reads."""
    from wijkkracht.data_sources.bag import read_bag_lv

    if not QGIS_PROCESS.is_file():
        _unavailable(f"{QGIS_PROCESS} is not installed (apt-get install qgis)")
    env = _env(tmp_path)
    enable = subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "wijkkracht"],
                            capture_output=True, text=True, timeout=120, check=False, env=env,
                            cwd=tmp_path)
    assert enable.returncode == 0, enable.stdout + enable.stderr
    lv = REPO / "tests" / "data" / "bag_lv"
    out = tmp_path / "bag.gpkg"
    done = subprocess.run([str(QGIS_PROCESS), "--json", "run", "wijkkracht:loadbag", "--",
                           f"FOLDER={lv}", f"OUTPUT={out}"], capture_output=True, text=True,
                          timeout=300, check=False, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:] + \
        _crash_hint(done.returncode)
    results = json.loads(done.stdout)["results"]
    expected = read_bag_lv(lv)
    assert results["COUNT"] == len(expected) and results["SNAPSHOT"] == "2020-09-15"
    got = pyogrio.read_dataframe(out)
    assert got.crs.to_epsg() == 28992
    assert list(got["identificatie"]) == list(expected["identificatie"])
    assert list(got["bouwjaar"]) == list(expected["bouwjaar"])
