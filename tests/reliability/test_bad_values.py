"""Bad values, names and layers through the real command line (issue 19): each is answered in
one ``wijkkracht: error:`` line naming what to do, before anything is written, and nothing
the user gave is changed. Classes: values the core cannot take (impossible dates, NaN and
negative numbers), output names that are no file names, outputs that would replace an input,
POI layers without usable tags, GraphML networks with nodes without coordinates, coordinates
that are not numbers (left out with a warning saying how many), and streets that do not
cover the study area (the share said at once, not "nothing to classify" at the end)."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from wijkkracht.demo import demo_data_path

from .cli_support import fails, run_cli, tree

DEMO = demo_data_path()
GRAPHML = Path(__file__).parents[1] / "data" / "kanaleneiland_walk_small.graphml"


def _run(streets: Path, out: Path, *extra: str, streets_layer: str | None = "streets",
         pois: Path = DEMO, pois_layer: str | None = "pois") -> list[str]:
    argv = ["run", "--streets", str(streets)]
    if streets_layer:
        argv += ["--streets-layer", streets_layer]
    argv += ["--pois", str(pois)] + (["--pois-layer", pois_layer] if pois_layer else [])
    return argv + ["--out", str(out), "-k", "3", *extra]


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory) -> Path:
    """The demo data in a folder of its own (the tests may point outputs at it)."""
    path = tmp_path_factory.mktemp("eigen") / "kanaleneiland.gpkg"
    shutil.copy(DEMO, path)
    return path


# --- values the analysis cannot take: refused as usage errors (exit 2), nothing read --------

@pytest.mark.parametrize(("args", "expected"), [
    (["--reference-date", "2026-02-30"], ["--reference-date", "YYYY-MM-DD", "2026-02-30"]),
    (["--reference-date", "31-12-2026"], ["--reference-date", "YYYY-MM-DD"]),
    (["--hours-week", "2026-13-01"], ["--hours-week", "month must be in 1..12"]),
    (["--snap-distance", "-5"], ["--snap-distance", "> 0", "(m)"]),
    (["--snap-distance", "nan"], ["--snap-distance", "'nan'"]),
    (["--huff-beta", "nan"], ["--huff-beta", "'nan'"]),
    (["--huff-cutoff", "inf"], ["--huff-cutoff", "'inf'"]),
    (["--spending-per-dwelling", "-100"], ["--spending-per-dwelling", "> 0", "(€)"]),
    (["--hours-radius", "0"], ["--hours-radius", "> 0"]),
    (["--privacy-threshold", "2.5"], ["--privacy-threshold", "whole number"]),
    (["--seed", "-1"], ["--seed", ">= 0"]),
    (["--cell-size", "1e9"], ["--cell-size", "<= 1000"]),
], ids=lambda v: " ".join(v) if isinstance(v, list) and v and v[0].startswith("--") else None)
def test_impossible_values_are_usage_errors(tmp_path, capsys, args, expected):
    out = tmp_path / "out"
    fails(_run(DEMO, out, *args), capsys, out, *expected, code=2, inputs=[DEMO])


@pytest.mark.parametrize(("name", "why"), [
    ("", "is empty"),
    ("   ", "is empty"),
    (" wijk", "starts or ends with a space"),
    ("wijk\n", "starts or ends with a space"),
    ("../wijk", "give a name, not a path"),
    ("a:b", "':'"),
    ("kaart?", "'?'"),
    (".verborgen", "starts with '.'"),
    ("x" * 201, "longer than 200 bytes"),
])
def test_output_names_that_are_no_file_names(tmp_path, capsys, name, why):
    out = tmp_path / "out"
    fails(_run(DEMO, out, "--name", name), capsys, out, "argument --name", why, code=2)


def test_output_folder_that_is_a_file(tmp_path, capsys):
    out = tmp_path / "uitvoer.gpkg"
    out.write_bytes(b"not a folder")
    fails(_run(DEMO, out), capsys, out, "--out/-o", "is a file, not a folder", code=2,
          inputs=[out])


# --- outputs that would replace an input ---------------------------------------------------

def test_output_onto_the_streets_file_is_refused(demo_copy, capsys):
    folder = demo_copy.parent
    line = fails(_run(demo_copy, folder, "--name", demo_copy.stem), capsys, folder,
                 "would replace the input", "choose another --out folder or --name", code=2,
                 inputs=[demo_copy])
    assert str(demo_copy) in line


def test_output_onto_an_input_given_by_a_relative_path(demo_copy, capsys, monkeypatch):
    monkeypatch.chdir(demo_copy.parent)
    fails(_run(Path(demo_copy.name), Path("."), "--name", demo_copy.stem), capsys,
          demo_copy.parent, "would replace the input kanaleneiland.gpkg", code=2,
          inputs=[demo_copy])


def test_output_onto_the_establishment_problems_name_is_refused(tmp_path, capsys):
    # the run writes <name>_establishment_problems.csv: an input of that name would go
    table = tmp_path / "wijk_establishment_problems.csv"
    table.write_text("tag,category\nshop=bakery,groceries\n")
    fails(_run(DEMO, tmp_path, "--name", "wijk", "--categories", str(table)), capsys,
          tmp_path, "would replace the input", code=2, inputs=[table])


def test_an_input_beside_the_outputs_is_fine(demo_copy, tmp_path):
    """Only the names the run writes are refused: the input folder may be the output
    folder (a user's habit), and the input stays as it was."""
    before = tree(demo_copy)
    code, err, _ = run_cli(_run(demo_copy, demo_copy.parent, "--name", "resultaat", "-q"))
    assert code == 0, err
    assert tree(demo_copy) == before
    assert (demo_copy.parent / "resultaat.gpkg").is_file()


def test_typology_model_onto_a_result_is_refused(demo_copy, capsys):
    folder = demo_copy.parent
    fails(["typology", "fit", "--out", str(demo_copy), str(demo_copy)], capsys, folder,
          "--out is the model file to write: a .json file", "not a .gpkg file",
          inputs=[demo_copy])
    fails(["typology", "fit", "--out", str(folder), str(demo_copy)], capsys, folder,
          "not a folder", inputs=[demo_copy])


# --- POI layers without usable tags -------------------------------------------------------

@pytest.fixture(scope="module")
def demo_pois() -> gpd.GeoDataFrame:
    return gpd.read_file(DEMO, layer="pois").iloc[:400]


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("building_type", None, "column 'building_type' is empty; expected key_value pairs"),
    ("tag", "supermarket", "column 'tag' holds values like 'supermarket', expected key=value"),
    ("tag", "=", "column 'tag' holds values like '='"),
    ("shop", "", "column 'shop' is empty; expected values such as bakery in a shop column"),
])
def test_poi_layer_without_usable_tags(tmp_path, capsys, demo_pois, column, value, expected):
    pois = gpd.GeoDataFrame({column: [value] * len(demo_pois)},
                            geometry=demo_pois.geometry.to_numpy(), crs=demo_pois.crs)
    path = tmp_path / "pois.gpkg"
    pois.to_file(path, layer="pois")
    out = tmp_path / "out"
    fails(_run(DEMO, out, pois=path), capsys, out, "pois.gpkg (layer pois)",
          "no feature has a", expected, inputs=[path])


def test_some_pois_without_a_key_value_tag_are_left_out_with_a_warning(tmp_path):
    pois = gpd.read_file(DEMO, layer="pois")
    tags = pois["building_type"].to_numpy(dtype=object, copy=True)
    tags[:25] = "winkel"  # no key: not a tag
    pois = gpd.GeoDataFrame({"building_type": tags}, geometry=pois.geometry.to_numpy(),
                            crs=pois.crs)
    path = tmp_path / "pois.gpkg"
    pois.to_file(path, layer="pois")
    code, err, _ = run_cli(_run(DEMO, tmp_path / "out", "--lang", "en", pois=path))
    assert code == 0, err
    assert "25 feature(s) whose building_type is not a key=value tag (e.g. 'winkel') were " \
           "left out" in err


# --- GraphML networks ---------------------------------------------------------------------

def _graphml(tmp_path: Path, change) -> Path:
    graph = nx.read_graphml(GRAPHML)
    change(graph)
    path = tmp_path / "netwerk.graphml"
    nx.write_graphml(graph, path)
    return path


def test_graphml_nodes_without_coordinates(tmp_path, capsys):
    def drop_x(graph):
        for node in list(graph.nodes)[:5]:
            del graph.nodes[node]["x"]

    path = _graphml(tmp_path, drop_x)
    out = tmp_path / "out"
    fails(_run(path, out, streets_layer=None), capsys, out, "netwerk.graphml",
          "5 of the", "nodes its edges connect have no coordinates (x and y)", inputs=[path])


def test_graphml_edge_to_a_node_that_is_not_there(tmp_path, capsys):
    path = _graphml(tmp_path, lambda g: g.add_edge(next(iter(g.nodes)), "424242", key=0))
    out = tmp_path / "out"
    fails(_run(path, out, streets_layer=None), capsys, out,
          "1 of the", "e.g. node '424242'", "save the network with osmnx.save_graphml",
          inputs=[path])


def test_graphml_that_is_not_a_graph(tmp_path, capsys):
    path = tmp_path / "netwerk.graphml"
    path.write_text("<graphml><graph><node id='1'></graph>")
    out = tmp_path / "out"
    fails(_run(path, out, streets_layer=None), capsys, out,
          "not a GraphML file (the XML cannot be read as a graph)", inputs=[path])


# --- coordinates that are not numbers -----------------------------------------------------

def _with_nan_vertices(streets: gpd.GeoDataFrame, every: int) -> gpd.GeoDataFrame:
    geoms = streets.geometry.to_numpy().copy()
    for i in range(0, len(geoms), every):
        coords = shapely.get_coordinates(geoms[i])
        coords[len(coords) // 2] = np.nan
        geoms[i] = shapely.linestrings(coords)
    return gpd.GeoDataFrame(streets.drop(columns="geometry"), geometry=geoms, crs=streets.crs)


def test_nan_coordinates_are_left_out_with_the_share_said(tmp_path):
    streets = gpd.read_file(DEMO, layer="streets")
    bad = _with_nan_vertices(streets, 7)  # 1 in 7 lines: 14 %
    path = tmp_path / "nan.gpkg"
    bad.to_file(path, layer="streets")
    n_bad = len(range(0, len(streets), 7))
    code, err, _ = run_cli(_run(path, tmp_path / "out", "--lang", "en"))
    assert code == 0, err
    assert (f"{n_bad} of {len(streets)} feature(s) ({100 * n_bad / len(streets):.0f} %) have "
            "coordinates that are not numbers (NaN or infinite) and are left out") in err
    code, err, _ = run_cli(_run(path, tmp_path / "uit", "--lang", "nl"))
    assert code == 0, err
    assert f"{n_bad} van {len(streets)} object(en)" in err  # the warning in the run's language


def test_every_coordinate_nan_is_an_error(tmp_path, capsys):
    streets = gpd.read_file(DEMO, layer="streets").iloc[:200]
    path = tmp_path / "nan.gpkg"
    _with_nan_vertices(streets, 1).to_file(path, layer="streets")
    out = tmp_path / "out"
    fails(_run(path, out), capsys, out, "none of the 200 features has usable coordinates",
          inputs=[path])


def test_nan_coordinates_of_pois_are_said_too(tmp_path):
    pois = gpd.read_file(DEMO, layer="pois")
    xy = shapely.get_coordinates(pois.geometry.to_numpy())
    xy[:100, 0] = np.nan
    pois = pois.set_geometry(shapely.points(xy), crs=pois.crs)
    path = tmp_path / "pois.gpkg"
    pois.to_file(path, layer="pois")
    code, err, _ = run_cli(_run(DEMO, tmp_path / "out", "--lang", "en", pois=path))
    assert code == 0, err
    assert f"100 of {len(pois)} feature(s)" in err


# --- streets that do not cover the study area ---------------------------------------------

def _area(tmp_path: Path, dx: float, grow: float = 0.0) -> Path:
    area = gpd.read_file(DEMO, layer="study_area").to_crs(28992)
    geom = shapely.affinity.translate(area.geometry.union_all(), dx, 0)
    if grow:
        geom = shapely.union(geom, shapely.affinity.translate(geom, grow, 0))
    path = tmp_path / "gebied.gpkg"
    gpd.GeoDataFrame({"naam": ["gebied"]}, geometry=[geom], crs=28992).to_file(path,
                                                                               layer="area")
    return path


def test_streets_covering_a_sliver_of_the_area(tmp_path, capsys):
    area = _area(tmp_path, 2000)  # the network reaches just into the area
    out = tmp_path / "out"
    line = fails(_run(DEMO, out, "--area", str(area)), capsys, out,
                 "the streets cover only", "% of the study area (places within 200 m of a "
                 "street)", "give a network that covers the whole area", inputs=[area])
    share = int(line.split("cover only ")[1].split(" %")[0])
    assert 0 < share < 20


def test_streets_elsewhere_than_the_area(tmp_path, capsys):
    area = _area(tmp_path, 30000)
    out = tmp_path / "out"
    fails(_run(DEMO, out, "--area", str(area)), capsys, out,
          "the streets do not reach the study area at all", inputs=[area])


def test_streets_covering_part_of_the_area_warn(tmp_path):
    area = _area(tmp_path, 0, grow=2500)  # the area twice as large as the network
    code, err, _ = run_cli(_run(DEMO, tmp_path / "out", "--area", str(area), "--lang", "en"))
    assert code == 0, err
    line = next(ln for ln in err.splitlines() if "the streets cover" in ln)
    share = int(line.split("the streets cover ")[1].split(" %")[0])
    assert 35 <= share < 60, line


# --- options that do nothing in this run ----------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["--area-field", "code"], "--area-field needs --areas"),
    (["--timeout", "30"], "--timeout is for fetching OpenStreetMap live: it needs --place or "
                          "--bbox"),
    (["--overpass-url", "http://localhost:1/api"], "--overpass-url is for fetching"),
    (["--cache-dir", "cache"], "--cache-dir is for fetching"),
])
def test_options_that_would_be_ignored_are_refused(tmp_path, capsys, args, expected):
    out = tmp_path / "out"
    fails(_run(DEMO, out, *args), capsys, out, expected)
