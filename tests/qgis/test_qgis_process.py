"""The README's ``qgis_process`` examples, executed: every algorithm unattended, as a GIS team
scripts it.

The fenced ``bash`` blocks of the README section "Unattended: ``qgis_process``" are taken as
they are and run in order, as one bash script (with ``set -euo pipefail``: the first failing
command stops it and fails every test here) in a temporary folder. Three substitutions make
them run here: ``D=`` points at the bundled ``data/kanaleneiland.gpkg``, ``qgis_process`` is
``/usr/bin/qgis_process.bin`` (on QGIS 3.22 the wrapper adds ``--noversioncheck``, which 3.22
rejects) and ``python3`` is this venv's Python; and ``fetchosm`` gets ``OVERPASS_URL=`` and
``NOMINATIM_URL=`` of the local stand-in of the data-source tests
(``tests/data_sources/conftest.py``, stored answers of a real Kanaleneiland window) and a
temporary ``CACHE_DIR=``. Nothing reaches the internet: the script's environment sends every
other HTTP request to a closed local port (``http_proxy``).

QGIS runs with a temporary profile (``QGIS_CUSTOM_CONFIG_PATH``; the script's own first line
enables the plugin in it), finds the plugin through ``QGIS_PLUGINPATH`` (a folder holding a
``wijkkracht`` link to this working tree), runs headless (``QT_QPA_PLATFORM=offscreen``) and
Debian's Python sees this venv's packages through ``PYTHONPATH``, with its ``bin`` first on
``PATH``. That venv must hold pyproj, pyogrio, shapely and rasterio built against the system
GDAL/PROJ (``scripts/test.sh`` does): wheels bring their own copies, and ``qgis_process`` then
aborts at exit.

Each algorithm's JSON report (stdout, or the files the README's loop writes) is checked for
its ``results``, and its outputs for what a user looks at. While the script runs, the command
line (``wijkkracht run``) analyses the same files; the README's neighbourhood analysis must
give the same streets, column for column. Further, every algorithm the provider registers
must have an example, and every parameter the section names (in a command or in the comment
above it) must exist.

Skipped where QGIS is not installed, unless ``WIJKKRACHT_REQUIRE_QGIS=1`` (then it fails).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import wijkkracht
from wijkkracht.core.archetypes import RULE_TYPES
from wijkkracht.core.streets import UNTYPED

REPO = Path(wijkkracht.__file__).resolve().parent
README = REPO / "README.md"
SECTION = "### Unattended: `qgis_process`"
DEMO = REPO / "data" / "kanaleneiland.gpkg"
QGIS_PROCESS = Path(os.environ.get("WIJKKRACHT_QGIS_PROCESS", "/usr/bin/qgis_process.bin"))
#: Exit codes of a crash (SIGABRT, SIGSEGV), as the shell and as subprocess report them.
CRASHES = {134, 139, -6, -11}
#: Where the script's HTTP requests go unless they are for this machine: a closed port.
NO_INTERNET = "http://127.0.0.1:9"
REFERENCE_DATE = "2026-01-01"
#: Output-layer columns: identifiers and indicator columns with their plausible ranges.
INDICATOR_RANGES = {"dist_supermarket_m": (0, 5000), "n_supermarket_400": (0, 100),
                    "hill1_400": (0, 100), "no_balance_400": (-1, 1),
                    "vacancy_share_400": (0, 1), "mxi_400": (0, 1), "home_based_share": (0, 1)}
#: The indicator column each algorithm of the README's loop must write.
LOOP_INDICATORS = {"proximity": "dist_supermarket_m", "mixeduse": "hill1_400",
                   "nomix": "no_balance_400", "vacancy": "vacancy_share_400"}


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail where the QGIS tests must run (``WIJKKRACHT_REQUIRE_QGIS=1``)."""
    if os.environ.get("WIJKKRACHT_REQUIRE_QGIS") == "1":
        pytest.fail(f"QGIS test required but {reason}")
    pytest.skip(reason)


def _crash_hint(returncode: int) -> str:
    if returncode not in CRASHES:
        return ""
    import pyproj

    return (f"\nqgis_process crashed ({returncode}). The usual cause: wheels with their own "
            f"GDAL/PROJ in the Python of qgis_process (here pyproj {pyproj.__version__} with "
            f"PROJ {pyproj.proj_version_str}); build pyproj, pyogrio, shapely and rasterio "
            "from source as scripts/test.sh does.")


# --------------------------------------------------------------------------------------------
# the README section


def readme_blocks() -> list[str]:
    """The fenced ``bash`` blocks of the README section on ``qgis_process``, in order."""
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README.md has no section {SECTION!r}"
    start = text.index(SECTION) + len(SECTION)
    following = re.search(r"^#{2,3} ", text[start:], re.M)  # not the "# ..." of bash
    section = text[start:start + following.start()] if following else text[start:]
    blocks = re.findall(r"^```bash\n(.*?)^```", section, re.S | re.M)
    assert blocks, "no bash examples in the README's qgis_process section"
    return blocks


def logical_lines(script: str) -> list[str]:
    """The lines of ``script`` with backslash continuations joined."""
    lines, current = [], ""
    for line in script.splitlines():
        if line.endswith("\\"):
            current += line[:-1]
        else:
            lines.append(current + line)
            current = ""
    return lines


_RUN = re.compile(r"qgis_process(?:\.bin)?\s+(?:--json\s+)?run\s+\"?wijkkracht:(\$?\w+)\"?"
                  r"\s+--(.*)")
_FOR = re.compile(r"^\s*for\s+(\w+)\s+in\s+([^;]+);\s*do\b")
_NAMED = re.compile(r"\b([A-Z][A-Z_]+)=")


def readme_commands(blocks: list[str]) -> list[tuple[str, list[str], set[str]]]:
    """``(algorithm id, parameter names given, parameter names the comments above name)`` of
    every ``qgis_process run wijkkracht:<id>`` of the section; a loop's ``wijkkracht:$var``
    counts once for every word of its ``for``."""
    commands = []
    for block in blocks:
        loops: dict[str, list[str]] = {}
        mentioned: set[str] = set()
        for line in logical_lines(block):
            code = line.strip()
            if code.startswith("#"):
                mentioned |= set(_NAMED.findall(code))
                continue
            loop = _FOR.match(line)
            if loop:
                loops[loop.group(1)] = shlex.split(loop.group(2))
            run = _RUN.search(line)
            if not run:
                continue
            words = shlex.split(run.group(2).split(">")[0])
            given = [w.split("=", 1)[0] for w in words if "=" in w]
            ids = loops.get(run.group(1)[1:], []) if run.group(1).startswith("$") \
                else [run.group(1)]
            assert ids, f"cannot tell the algorithm of: {line}"
            commands += [(alg, given, mentioned) for alg in ids]
            mentioned = set()
    return commands


def runnable_script(blocks: list[str], *, fetch_args: list[str]) -> str:
    """The section's blocks as one bash script that runs here (see the module documentation)."""
    qgis_word = re.compile(r"(?<![\w./:-])qgis_process(?![\w.])")
    done: Counter[str] = Counter()
    out = ["set -euo pipefail",
           "trap 'echo \"README command failed (exit $?): $BASH_COMMAND\" >&2' ERR"]
    for line in logical_lines("\n".join(blocks)):
        code = line.strip()
        if not code.startswith("#"):
            if code.startswith("D="):
                line, done["D="] = f"D={shlex.quote(str(DEMO))}", done["D="] + 1
            line, n = qgis_word.subn(shlex.quote(str(QGIS_PROCESS)), line)
            done["qgis_process"] += n
            if code.startswith("python3 "):
                line = line.replace("python3", shlex.quote(sys.executable), 1)
                done["python3"] += 1
            if "wijkkracht:fetchosm" in line:
                line = f"{line} {' '.join(shlex.quote(a) for a in fetch_args)}"
                done["fetchosm"] += 1
        out.append(line)
    # the examples still have the shape the substitutions expect
    assert done["D="] == 1 and done["python3"] == 1 and done["fetchosm"] == 1, done
    assert done["qgis_process"] > 1 and not qgis_word.search(
        "\n".join(line for line in out if not line.strip().startswith("#"))), done
    return "\n".join(out) + "\n"


def json_documents(text: str) -> list[dict[str, Any]]:
    """The JSON reports ``qgis_process --json`` printed, among the other output."""
    decoder = json.JSONDecoder()
    docs, end = [], 0
    for found in re.finditer(r"\{\s*\"algorithm_details\"", text):
        if found.start() < end:
            continue
        try:
            doc, end = decoder.raw_decode(text, found.start())
        except json.JSONDecodeError:
            continue
        if isinstance(doc, dict) and "algorithm_details" in doc:
            docs.append(doc)
    return docs


# --------------------------------------------------------------------------------------------
# running it


def _replay_server_module() -> Any:
    """tests/data_sources/conftest.py as a module (conftest files cannot be imported)."""
    name = "wijkkracht_osm_replay"  # the name test_fetch.py loads it under
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, REPO / "tests" / "data_sources" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _pythonpath() -> str:
    """This venv's packages, after what PYTHONPATH already holds (the QGIS 3.22 pass of
    scripts/test.sh puts that QGIS's bindings there)."""
    given = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return os.pathsep.join([*given, sysconfig.get_paths()["purelib"]])


def _env(tmp: Path) -> dict[str, str]:
    """qgis_process's environment: temporary profile, the plugin folder, this venv, headless,
    and no way out to the internet."""
    runtime = tmp / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    plugins = tmp / "plugins"
    plugins.mkdir()
    (plugins / "wijkkracht").symlink_to(REPO, target_is_directory=True)
    (tmp / "config").mkdir()
    bindir = str(Path(sys.executable).parent)
    offline = {key: NO_INTERNET for key in ("http_proxy", "https_proxy", "HTTP_PROXY",
                                            "HTTPS_PROXY", "ALL_PROXY", "all_proxy")}
    return {**os.environ, **offline, "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost", "QT_QPA_PLATFORM": "offscreen",
            "XDG_RUNTIME_DIR": str(runtime), "QGIS_CUSTOM_CONFIG_PATH": str(tmp / "config"),
            "QGIS_PLUGINPATH": str(plugins), "PYTHONPATH": _pythonpath(),
            "PATH": os.pathsep.join([bindir, os.environ.get("PATH", "")])}


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The README's examples run as one script; meanwhile the command line on the same data."""
    if not QGIS_PROCESS.is_file():
        _unavailable(f"{QGIS_PROCESS} is not installed (apt-get install qgis)")
    if importlib.util.find_spec("qgis") is None:
        _unavailable(f"{sys.executable} is not a QGIS-capable venv (scripts/test.sh makes one)")
    from wijkkracht.data_sources.synthetic import write_synthetic

    tmp = tmp_path_factory.mktemp("qgis_process")
    env = _env(tmp)
    work = tmp / "work"
    work.mkdir()
    server = _replay_server_module().LocalOsmServer(REPO / "tests" / "data")
    try:
        script = runnable_script(readme_blocks(), fetch_args=[
            f"OVERPASS_URL={server.overpass_url}", f"NOMINATIM_URL={server.nominatim_url}",
            f"CACHE_DIR={tmp / 'osm-cache'}"])
        (work / "readme.sh").write_text(script, encoding="utf-8")
        with subprocess.Popen(["bash", "readme.sh"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env,
                              cwd=work) as process:
            # meanwhile, on the other core: the command line on the same files
            syn = {p.name: p for p in write_synthetic(tmp / "cli-syn", seed=0)}
            cli = subprocess.run(
                [sys.executable, "-m", "wijkkracht", "run", "-q", "--out", str(tmp / "cli"),
                 "--streets", str(DEMO), "--streets-layer", "streets", "--pois", str(DEMO),
                 "--pois-layer", "pois", "--area", str(DEMO), "--area-layer", "study_area",
                 "--bag", str(syn["bag_synthetic.gpkg"]),
                 "--bag-layer", "verblijfsobject_synthetic",
                 "--establishments", str(syn["establishments_synthetic.csv"]),
                 "--reference-date", REFERENCE_DATE, "--spending"],
                capture_output=True, text=True, timeout=300, check=False, env=env, cwd=tmp)
            stdout, stderr = process.communicate(timeout=600)
    finally:
        server.stop()
    reports = json_documents(stdout)
    reports += [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((work / "out").glob("*.json"))]
    return {"returncode": process.returncode, "stdout": stdout, "stderr": stderr,
            "script": script, "work": work, "env": env, "requests": list(server.requests),
            "cli": cli, "cli_gpkg": tmp / "cli" / "wijkkracht.gpkg", "cli_syn": syn,
            "reports": {doc["algorithm_details"]["id"].split(":", 1)[1]: doc
                        for doc in reports}}


@pytest.fixture(scope="module")
def ran(chain: dict[str, Any]) -> dict[str, Any]:
    """The script's run; fails with its output and a hint when it did not succeed."""
    assert chain["returncode"] == 0, (
        f"the README's qgis_process examples failed, exit code {chain['returncode']}\n"
        f"{chain['script']}\n--- stdout\n{chain['stdout'][-3000:]}\n--- stderr\n"
        f"{chain['stderr'][-4000:]}{_crash_hint(chain['returncode'])}")
    return chain


def _results(ran: dict[str, Any], alg: str) -> dict[str, Any]:
    """``results`` of ``alg``'s report, with every file path made absolute."""
    assert alg in ran["reports"], f"no JSON report of wijkkracht:{alg}"
    results: dict[str, Any] = ran["reports"][alg]["results"]
    return {key: ran["work"] / value if isinstance(value, str) and "/" in value else value
            for key, value in results.items()}


def _description(path: Path) -> str:
    """The GeoPackage layer's description: what QGIS shows as its abstract."""
    return str(pyogrio.read_info(path).get("layer_metadata", {}).get("DESCRIPTION", ""))


def _assert_in_range(frame: pd.DataFrame, column: str) -> None:
    low, high = INDICATOR_RANGES[column]
    values = frame[column].dropna()
    assert len(values) >= 50, column  # some are empty where they do not apply (no shops)
    assert values.between(low, high).all(), (column, values.min(), values.max())
    assert values.nunique() > 1, column  # not a constant


# --------------------------------------------------------------------------------------------
# the README itself


def test_every_algorithm_has_an_example(wijkkracht_provider: Any) -> None:
    """A new algorithm without an example in the README fails here."""
    registered = {alg.name() for alg in wijkkracht_provider.algorithms()}
    from wijkkracht.processing.provider import ALGORITHMS

    assert registered == {cls.NAME for cls in ALGORITHMS}  # nothing withheld
    shown = {alg for alg, _, _ in readme_commands(readme_blocks())}
    assert registered - shown == set(), f"no qgis_process example of {registered - shown}"
    assert shown <= registered, shown - registered


def test_every_parameter_the_examples_name_exists(wijkkracht_provider: Any) -> None:
    """Parameters given in a command, or named in the comment above it, are the algorithm's."""
    for alg, given, mentioned in readme_commands(readme_blocks()):
        definition = wijkkracht_provider.algorithm(alg)
        names = {p.name() for p in definition.parameterDefinitions()}
        assert set(given) <= names, (alg, set(given) - names)
        assert mentioned <= names, (alg, mentioned - names)


def test_the_examples_ran_every_algorithm(ran: dict[str, Any]) -> None:
    from wijkkracht.processing.provider import ALGORITHMS

    assert set(ran["reports"]) == {cls.NAME for cls in ALGORITHMS}
    for alg, report in ran["reports"].items():
        assert report["results"], alg
        outputs = [v for v in _results(ran, alg).values() if isinstance(v, Path)]
        assert outputs and all(p.is_file() for p in outputs), (alg, outputs)
    assert "README command failed" not in ran["stderr"]


# --------------------------------------------------------------------------------------------
# BAG and establishments


def test_loadbag_reads_the_units_within_the_streets_extent(ran: dict[str, Any]) -> None:
    import geopandas as gpd

    from wijkkracht.data_sources.bag import BAG_COLUMNS, read_bag_gpkg

    results = _results(ran, "loadbag")
    bag = pyogrio.read_dataframe(results["OUTPUT"])
    assert results["COUNT"] == len(bag) > 10000 and results["DROPPED"] == 0
    assert bag.crs.to_epsg() == 28992 and set(bag.geom_type) == {"Point"}
    assert set(BAG_COLUMNS) - {"geometry"} <= set(bag.columns)
    assert bag["identificatie"].is_unique and bag["synthetic"].all()
    assert "SYNTHETIC" in _description(results["OUTPUT"])
    # within the streets' extent (QGIS's envelope of it in RD New), and everything in it
    streets = pyogrio.read_dataframe(DEMO, layer="streets").to_crs(28992)
    x0, y0, x1, y1 = streets.total_bounds
    extent = shapely.box(*pyogrio.read_info(DEMO, layer="streets")["total_bounds"])  # degrees
    ex0, ey0, ex1, ey1 = gpd.GeoSeries([shapely.segmentize(extent, 0.001)], crs=4326).to_crs(
        28992).total_bounds
    xy = shapely.get_coordinates(bag.geometry.to_numpy())
    assert (xy[:, 0] >= ex0 - 1).all() and (xy[:, 0] <= ex1 + 1).all()
    assert (xy[:, 1] >= ey0 - 1).all() and (xy[:, 1] <= ey1 + 1).all()
    inside = read_bag_gpkg(ran["work"] / "syn" / "bag_synthetic.gpkg",
                           layer="verblijfsobject_synthetic", bbox=(x0, y0, x1, y1))
    assert set(inside["identificatie"]) <= set(bag["identificatie"])
    total = pyogrio.read_info(ran["work"] / "syn" / "bag_synthetic.gpkg")["features"]
    assert len(bag) < total  # the extent left some out


def test_loadestablishments_places_the_export_and_reports_the_match_rate(
        ran: dict[str, Any]) -> None:
    results = _results(ran, "loadestablishments")
    export = pd.read_csv(ran["work"] / "syn" / "establishments_synthetic.csv", dtype=str)
    assert results["MATCHED"] + results["UNMATCHED"] + results["REJECTED"] == len(export)
    assert results["MATCH_RATE"] == pytest.approx(
        results["MATCHED"] / (results["MATCHED"] + results["UNMATCHED"]))
    assert 0.5 < results["MATCH_RATE"] < 1  # the BAG was read for the streets' extent only
    placed = pyogrio.read_dataframe(results["OUTPUT"])
    # home-based businesses only counted (INCLUDE_HOME_BASED not given)
    assert len(placed) == results["MATCHED"] - results["HOME_BASED_LEFT_OUT"] > 1000
    assert not placed["home_based"].any()
    # SYNTHETIC data know where each establishment is: every one on its own address
    assert (placed["vbo_id"] == placed["synthetic_true_vbo"]).all()
    bag = pyogrio.read_dataframe(_results(ran, "loadbag")["OUTPUT"]).set_index("identificatie")
    assert np.allclose(shapely.get_coordinates(placed.geometry.to_numpy()),
                       shapely.get_coordinates(bag.geometry.loc[placed["vbo_id"]].to_numpy()))
    problems = pyogrio.read_dataframe(results["PROBLEMS"], read_geometry=False)
    assert len(problems) == results["UNMATCHED"] + results["REJECTED"]
    # the made-up addresses, and those outside the BAG read
    unmatched = set(export.loc[export["synthetic_case"] == "unmatched", "vestigingsnummer"])
    assert unmatched <= set(problems["vestigingsnummer"])
    rest = problems[~problems["vestigingsnummer"].isin(unmatched)]
    assert not rest["synthetic_true_vbo"].isin(bag.index).any()
    assert "SYNTHETIC" in _description(results["OUTPUT"])


# --------------------------------------------------------------------------------------------
# the analysis, the typology and the map


def test_neighbourhoodanalysis_writes_streets_with_indicators(ran: dict[str, Any]) -> None:
    results = _results(ran, "neighbourhoodanalysis")
    assert {"STREETS_OUT", "POIS_OUT", "AREA_OUT", "PROFILE"} <= set(results)
    info = pyogrio.read_info(results["STREETS_OUT"])
    assert info["crs"] == "EPSG:28992" and info["geometry_type"] == "LineString"
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["segment_id"] == "int64" and types["type_key"] == "object"
    assert types["dist_supermarket_m"] == "float64" and types["n_supermarket_400"] == "int64"
    streets = pyogrio.read_dataframe(results["STREETS_OUT"], read_geometry=False)
    assert streets["segment_id"].is_unique and len(streets) > 1000
    for column in INDICATOR_RANGES:
        _assert_in_range(streets, column)
    # the typed segments in the types by rules (the default; at least 3 of them here); the
    # others (no address fronts them, or no street) without a type
    assert streets["type_key"].notna().all()
    typed = streets[streets["type_id"].notna()]
    assert typed["type_key"].nunique() >= 3 and set(typed["type_key"]) <= set(RULE_TYPES)
    assert set(streets.loc[streets["type_id"].isna(), "type_key"]) <= set(UNTYPED)
    profile = pyogrio.read_info(results["PROFILE"])
    assert profile["features"] == typed["type_key"].nunique()
    area = pyogrio.read_dataframe(results["AREA_OUT"], read_geometry=False)
    assert len(area) == 1 and area["segments"].iloc[0] == streets["is_street"].sum()
    assert pyogrio.read_info(results["POIS_OUT"])["features"] > 1000
    description = _description(results["STREETS_OUT"])
    assert "OpenStreetMap" in description and "BAG" in description
    assert "SYNTHETIC" in description


def test_neighbourhoodanalysis_equals_the_command_line(ran: dict[str, Any]) -> None:
    """The same files through ``wijkkracht run``: the same streets, every column."""
    cli = ran["cli"]
    assert cli.returncode == 0, cli.stdout[-2000:] + cli.stderr[-2000:]
    # the same inputs: the README's SYNTHETIC files are those of seed 0
    assert (ran["work"] / "syn" / "establishments_synthetic.csv").read_bytes() == \
        ran["cli_syn"]["establishments_synthetic.csv"].read_bytes()
    got = pyogrio.read_dataframe(_results(ran, "neighbourhoodanalysis")["STREETS_OUT"])
    expected = pyogrio.read_dataframe(ran["cli_gpkg"], layer="streets")
    assert set(got.columns) == set(expected.columns)
    got, expected = got.set_index("segment_id"), expected.set_index("segment_id")
    assert sorted(got.index) == sorted(expected.index)
    expected = expected.loc[got.index]
    for name in expected.columns.drop("geometry"):
        a, b = got[name], expected[name]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-9,
                                       err_msg=name)
        else:
            assert a.astype(object).where(a.notna(), None).tolist() == \
                b.astype(object).where(b.notna(), None).tolist(), name
    assert shapely.equals_exact(got.geometry.to_numpy(), expected.geometry.to_numpy(),
                                0.001).all()
    # the spending flows (SPENDING=true, --spending): the same figures for the study area
    zones = pyogrio.read_dataframe(_results(ran, "neighbourhoodanalysis")["SPENDING_ZONES"])
    cli_zones = pyogrio.read_dataframe(ran["cli_gpkg"], layer="spending_zones")
    assert len(zones) == len(cli_zones) == 1
    for name in ("demand", "retained_share", "leaked_share", "beyond_reach_share", "drawn"):
        np.testing.assert_allclose(zones[name].astype(float), cli_zones[name].astype(float),
                                   rtol=1e-9, err_msg=name)
    assert 0 < float(zones["retained_share"].iloc[0]) <= 1


def _pieces(lines: Any) -> int:
    """Connected pieces of a set of lines that meet at their end points."""
    parent: dict[tuple[float, float], tuple[float, float]] = {}

    def root(node: tuple[float, float]) -> tuple[float, float]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    ends = [(tuple(np.round(c[0], 2)), tuple(np.round(c[-1], 2)))
            for c in map(shapely.get_coordinates, lines)]
    for a, b in ends:
        parent[root(a)] = root(b)
    return len({root(a) for a, _ in ends})


def test_classifystreets_makes_four_connected_types(ran: dict[str, Any]) -> None:
    results = _results(ran, "classifystreets")
    typed = pyogrio.read_dataframe(results["OUTPUT"])
    streets = pyogrio.read_info(_results(ran, "neighbourhoodanalysis")["STREETS_OUT"])
    assert len(typed) == streets["features"]
    # four types of the segments addresses front (the default), the rest without a type
    types = typed.loc[typed["type_id"].notna(), "type_key"]
    assert types.nunique() == 4 == pyogrio.read_info(results["PROFILE"])["features"]
    assert set(typed["type_key"]) - set(types) <= set(UNTYPED)
    assert typed[["type_name_nl", "type_name_en"]].notna().all().all()
    # METHOD=1: contiguous types along the classified segments, each no more pieces than
    # those segments themselves (by default the street segments addresses front, which lie
    # in many pieces between paths and streets without addresses)
    classified = typed[typed["type_id"].notna()]
    whole = _pieces(classified.geometry.to_numpy())
    for key, group in classified.groupby("type_key"):
        assert _pieces(group.geometry.to_numpy()) <= whole, key
    # its input came from SYNTHETIC data, so do its types
    assert "SYNTHETIC" in _description(results["OUTPUT"])


def _map_config(path: Path) -> dict[str, Any]:
    from wijkkracht.output.webmap import DATA_BLOCK_IDS

    page = path.read_text(encoding="utf-8")
    found = re.search(rf'<script type="application/json" id="{DATA_BLOCK_IDS["config"]}">'
                      r"(.*?)</script>", page, re.S)
    assert found, "no configuration block in the page"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_exportwebmap_names_the_types_and_says_synthetic(ran: dict[str, Any]) -> None:
    results = _results(ran, "exportwebmap")
    page = results["OUTPUT"].read_text(encoding="utf-8")
    config = _map_config(results["OUTPUT"])
    assert config["lang"] == "en"  # LANGUAGE=1
    streets = pyogrio.read_dataframe(_results(ran, "neighbourhoodanalysis")["STREETS_OUT"],
                                     read_geometry=False)
    # the types legend names the types of the street segments (the paths have their own
    # layer, off at first)
    shown = {t["label"] for t in config["types"] if t["present"]}
    assert shown == set(streets.loc[streets["is_street"], "type_name_en"])
    assert all(name in page for name in shown)
    # found from the streets file's description: the README does not pass SYNTHETIC=
    assert config["synthetic"] and "wk-synthetic" in page and "SYNTHETIC" in page
    assert "The map says that the BAG/KvK data are SYNTHETIC." in \
        ran["reports"]["exportwebmap"]["log"]["info"]
    assert "OpenStreetMap" in page


# --------------------------------------------------------------------------------------------
# rasters, OpenStreetMap, the batch loop


def test_intensityrasters_writes_geotiffs_in_rd_new(ran: dict[str, Any]) -> None:
    import rasterio

    results = _results(ran, "intensityrasters")
    rasters = {k: v for k, v in results.items() if isinstance(v, Path)}
    assert len(rasters) == 7  # every surface the README asks for
    for key, path in rasters.items():
        assert path.suffix == ".tif" and path.with_suffix(".qml").is_file(), key
        with rasterio.open(path) as src:
            assert src.driver == "GTiff" and src.crs.to_epsg() == 28992, key
            assert src.res == (25.0, 25.0), key
            data = src.read(1, masked=True)
            assert data.count() > 100 and float(data.max()) > 0, key
            source = src.tags().get("source", "")
        assert "OpenStreetMap" in source and "SYNTHETIC" in source, (key, source)
    # not named like a layer beside it: QGIS would take the raster's .qml as its style
    layers = {p.stem for p in ran["work"].glob("out/*.gpkg")}
    assert not layers & {p.stem for p in rasters.values()}


def test_fetchosm_fetches_the_window_from_the_local_stand_in(ran: dict[str, Any]) -> None:
    results = _results(ran, "fetchosm")
    area = pyogrio.read_info(results["AREA_OUT"])
    assert area["features"] == 1 and area["crs"] == "EPSG:28992"
    # EXTENT=134600,135000,453850,454250 [EPSG:28992], through EPSG:4326 and back
    np.testing.assert_allclose(area["total_bounds"], (134600, 453850, 135000, 454250), atol=3)
    streets = pyogrio.read_dataframe(results["STREETS_OUT"])
    assert len(streets) > 50 and streets.crs.to_epsg() == 28992
    assert set(streets.geom_type) == {"LineString"}
    x0, y0, x1, y1 = streets.total_bounds
    assert x0 >= 134600 - 800 and y0 >= 453850 - 800 and x1 <= 135000 + 800 and \
        y1 <= 454250 + 800
    assert x0 < 134600 or y0 < 453850 or x1 > 135000 or y1 > 454250  # the buffer
    pois = pyogrio.read_dataframe(results["POIS_OUT"], read_geometry=False)
    assert len(pois) > 50 and pois["tag"].str.contains("=").all()
    assert "OpenStreetMap" in _description(results["STREETS_OUT"])
    assert ("POST", "/api/interpreter") in {(m, p) for m, p, _ in ran["requests"]}


def test_the_loop_writes_four_layers_of_the_same_segments(ran: dict[str, Any]) -> None:
    streets = pyogrio.read_dataframe(_results(ran, "neighbourhoodanalysis")["STREETS_OUT"],
                                     read_geometry=False).set_index("segment_id")
    for alg, column in LOOP_INDICATORS.items():
        assert (ran["work"] / "out" / f"{alg}.json").is_file(), alg
        layer = pyogrio.read_dataframe(_results(ran, alg)["OUTPUT"],
                                       read_geometry=False).set_index("segment_id")
        assert sorted(layer.index) == sorted(streets.index), alg  # join on segment_id
        if column in INDICATOR_RANGES:
            _assert_in_range(layer.reset_index(), column)
        # OpenStreetMap indicators: those of the whole analysis
        np.testing.assert_allclose(layer[column].astype(float),
                                   streets.loc[layer.index, column].astype(float),
                                   err_msg=alg)


# --------------------------------------------------------------------------------------------
# beyond the README


def test_load_bag_lv_unattended(ran: dict[str, Any], tmp_path: Path) -> None:
    """Load BAG addresses of an LV BAG extract reads XML with pyogrio inside qgis_process's own
    Python, next to QGIS's GDAL: it must finish (no crash at exit) and write what the library
    reads. (The README's profile, where the plugin is enabled.)"""
    from wijkkracht.data_sources.bag import read_bag_lv

    lv = REPO / "tests" / "data" / "bag_lv"
    out = tmp_path / "bag.gpkg"
    done = subprocess.run([str(QGIS_PROCESS), "--json", "run", "wijkkracht:loadbag", "--",
                           f"FOLDER={lv}", f"OUTPUT={out}"], capture_output=True, text=True,
                          timeout=300, check=False, env=ran["env"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:] + \
        _crash_hint(done.returncode)
    results = json.loads(done.stdout)["results"]
    expected = read_bag_lv(lv)
    assert results["COUNT"] == len(expected) and results["SNAPSHOT"] == "2020-09-15"
    got = pyogrio.read_dataframe(out)
    assert got.crs.to_epsg() == 28992
    assert list(got["identificatie"]) == list(expected["identificatie"])
    assert list(got["bouwjaar"]) == list(expected["bouwjaar"])
