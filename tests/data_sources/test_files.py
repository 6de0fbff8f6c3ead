"""The file readers of wijkkracht.data_sources.files on the bundled real data, a small real
OSMnx GraphML, and bad inputs (the messages must name the file and the problem)."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from wijkkracht.core.errors import InputError, NoDataError
from wijkkracht.data_sources.files import list_layers, read_area, read_pois, read_streets
from wijkkracht.data_sources.schema import POI_COLUMNS, STREET_COLUMNS
from wijkkracht.data_sources.walk_network import looks_like_default_walk_network

GRAPHML = "kanaleneiland_walk_small.graphml"
#: Street columns: the schema plus ``footway`` (sidewalks, crossings, area links).
STREET_FRAME_COLUMNS = [*STREET_COLUMNS[:3], "footway", "geometry"]


# ------------------------------------------------------------------------------------------
# the bundled GeoPackage


def _first_highway(value: object) -> str:
    """An OSMnx ``highway`` attribute's first value (``"['footway', 'steps']"`` -> footway)."""
    text = str(value)
    return str(ast.literal_eval(text)[0]) if text.startswith("[") else text


def _not_busway(highways: object) -> np.ndarray:
    """The edges the Dutch rule keeps in OSMnx walk data whose only tags are highway and
    name: all but ``highway=busway`` (rule 1; OSMnx's walk filter keeps busways)."""
    first = np.array([_first_highway(h) for h in highways], dtype=object)
    assert set(first) <= {"footway", "service", "residential", "pedestrian", "secondary",
                          "tertiary", "primary", "unclassified", "living_street", "steps",
                          "path", "track", "busway", "trunk", "trunk_link", "primary_link",
                          "secondary_link", "tertiary_link", "corridor", "elevator", "road"}
    return first != "busway"


def test_bundled_layers(bundled_gpkg: Path) -> None:
    assert list_layers(bundled_gpkg) == ["study_area", "streets", "pois"]


def test_bundled_streets(bundled_gpkg: Path) -> None:
    raw = pyogrio.read_dataframe(bundled_gpkg, layer="streets")
    streets = read_streets(bundled_gpkg)  # picks the layer named "streets"
    assert list(streets.columns) == STREET_FRAME_COLUMNS
    assert streets.crs.to_epsg() == 28992
    # the OSMnx walk edges less the busways (28 edges), which the Dutch rule leaves out
    keep = _not_busway(raw["highway"])
    assert len(raw) == 7550 and int((~keep).sum()) == 28
    assert len(streets) == int(keep.sum())
    assert streets.attrs["walk_network"]["left_out"] == {"highway=busway": 28}
    raw = raw[keep].reset_index(drop=True)
    # list-valued OSMnx attributes become "a / b" names and "1;2" ids
    i = int(np.flatnonzero(raw["name"].astype(str).str.startswith("["))[0])
    names = ast.literal_eval(raw["name"].iloc[i])
    assert streets["street_name"].iloc[i] == " / ".join(dict.fromkeys(names))
    j = int(np.flatnonzero(raw["osmid"].astype(str).str.startswith("["))[0])
    ids = ast.literal_eval(raw["osmid"].iloc[j])
    assert streets["osm_id"].iloc[j] == ";".join(str(v) for v in dict.fromkeys(ids))
    k = int(np.flatnonzero(raw["highway"].astype(str).str.startswith("["))[0])
    assert streets["highway"].iloc[k] == ast.literal_eval(raw["highway"].iloc[k])[0]
    assert "Trumanlaan" in set(streets["street_name"])
    # lengths survive the transformation to RD New (OSMnx's lengths are geodesic metres)
    assert np.allclose(streets.length, raw["length"].astype(float), rtol=0.01, atol=0.5)


def test_bundled_pois(bundled_gpkg: Path) -> None:
    raw = pyogrio.read_dataframe(bundled_gpkg, layer="pois")
    pois = read_pois(bundled_gpkg)
    assert set(POI_COLUMNS) <= set(pois.columns)
    assert pois.crs.to_epsg() == 28992
    # repeated rows of the source describe one object: one row per (object, tag)
    assert len(pois) == len(raw.drop_duplicates(["osm_id", "building_type"])) < len(raw)
    sample = raw.iloc[0]
    key_value = sample["building_type"].replace("_", "=", 1)
    assert sample["building_type"] == "shop_supermarket" and key_value == "shop=supermarket"
    assert ((pois["osm_id"] == sample["osm_id"]) & (pois["tag"] == key_value)).sum() == 1
    assert pois["tag"].str.match(r"^[a-z_:]+=.+$").all()
    assert {"public_transport=platform", "amenity=parking"} <= set(pois["tag"])


def test_bundled_area(bundled_gpkg: Path) -> None:
    area = read_area(bundled_gpkg)
    assert area["name"].tolist() == ["Kanaleneiland"]
    assert area.crs.to_epsg() == 28992
    assert area.geometry.iloc[0].area == pytest.approx(1.8068e6, rel=1e-3)


# ------------------------------------------------------------------------------------------
# an OSMnx GraphML file (a real subgraph of the Kanaleneiland walk network)


def test_graphml_streets(data_dir: Path) -> None:
    path = data_dir / GRAPHML
    graph = nx.read_graphml(path, force_multigraph=True)  # plain networkx, no OSMnx
    streets = read_streets(path)
    assert list(streets.columns) == STREET_FRAME_COLUMNS
    assert streets.crs.to_epsg() == 28992
    # every directed edge is a line (both directions of a two-way street are kept), less the
    # busway edges the Dutch rule leaves out
    keep = _not_busway([d.get("highway", "") for _, _, d in graph.edges(data=True)])
    assert graph.number_of_edges() == 378 and int((~keep).sum()) == 2
    assert len(streets) == int(keep.sum())
    assert graph.number_of_nodes() == 161

    expected_names = set()
    for (_, _, data), kept in zip(graph.edges(data=True), keep, strict=True):
        name = data.get("name")
        if not kept:
            continue
        if name:
            names = ast.literal_eval(name) if name.startswith("[") else [name]
            expected_names.add(" / ".join(dict.fromkeys(names)))
    assert set(streets["street_name"]) - {""} == expected_names
    assert "Marshalllaan" in expected_names

    # lines run between their nodes' coordinates
    to_rd = Transformer.from_crs(4326, 28992, always_xy=True)
    node_xy = {n: to_rd.transform(float(d["x"]), float(d["y"])) for n, d in graph.nodes(data=True)}
    ends = {(tuple(np.round(g.coords[0], 3)), tuple(np.round(g.coords[-1], 3)))
            for g in streets.geometry}
    for (u, v), kept in zip(graph.edges(), keep, strict=True):
        pair = (tuple(np.round(node_xy[u], 3)), tuple(np.round(node_xy[v], 3)))
        assert (pair in ends) == kept


def test_graphml_made_by_osmnx_default_walk_is_flagged(data_dir: Path) -> None:
    """The GraphML is a piece of OSMnx's default walk network (network_type="walk"), which
    drops every cycleway: the reader says so in attrs and in the log."""
    path = data_dir / GRAPHML
    graph = nx.read_graphml(path, force_multigraph=True)
    highways = [_first_highway(data.get("highway", "")) for _, _, data in graph.edges(data=True)]
    footways = sum(1 for h in highways if h in ("footway", "path", "steps", "pedestrian"))
    # the thresholds of looks_like_default_walk_network: at least 200 lines, at least 5 %
    # footways, and not a single cycleway
    assert len(highways) >= 200 and footways >= 0.05 * len(highways)
    assert not any("cycleway" in h for h in highways)
    streets = read_streets(path)
    warning = streets.attrs["walk_network"]["warning"]
    assert warning.startswith(f"the street network has {footways:,} footways but no cycleway")
    assert "OVERPASS_FILTER" in warning
    assert streets.attrs["walk_network"]["left_out"] == {"highway=busway": 2}

    # one cycleway edge makes it a network that was not made by OSMnx's default walk
    edges = streets.copy()
    edges.loc[0, "highway"] = "cycleway"
    assert looks_like_default_walk_network(edges) is None


# ------------------------------------------------------------------------------------------
# bad input


def _write(gdf: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio warns when writing without CRS
        pyogrio.write_dataframe(gdf, path, layer=layer)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"straten\.gpkg: file not found$"):
        read_streets(tmp_path / "straten.gpkg")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "leeg.gpkg"
    path.write_bytes(b"")
    with pytest.raises(NoDataError, match=r"leeg\.gpkg: the file is empty \(0 bytes\)$"):
        read_pois(path)


def test_text_file_is_not_a_vector_file(tmp_path: Path) -> None:
    path = tmp_path / "notities.txt"
    path.write_text("Dit is geen kaart.\nMaar een notitie.\n")
    with pytest.raises(InputError, match=r"notities\.txt: not a readable vector file \("):
        read_streets(path)


def test_table_without_geometry(tmp_path: Path) -> None:
    path = tmp_path / "winkels.csv"
    path.write_text("naam,soort\nBakkerij Zoet,bakker\n")
    with pytest.raises(InputError, match=r"winkels\.csv: layer 'winkels' has no geometry"):
        read_pois(path)


def test_layer_without_crs(tmp_path: Path) -> None:
    path = tmp_path / "zonder_crs.gpkg"
    line = shapely.LineString([(134000, 454000), (134100, 454000)])
    _write(gpd.GeoDataFrame({"name": ["Europalaan"]}, geometry=[line]), path, "streets")
    with pytest.raises(InputError) as info:
        read_streets(path)
    message = str(info.value)
    assert message.startswith(f"{path} (layer streets): the layer has no coordinate reference")
    assert "EPSG:28992" in message and "\n" not in message


@pytest.mark.parametrize("placeholder", ["Undefined geographic SRS", "Undefined Cartesian SRS"])
def test_gdal_placeholder_crs_is_no_crs(placeholder: str) -> None:
    """GDAL < 3.8 reads a GeoPackage layer without CRS back with a placeholder CRS."""
    from pyproj import CRS

    from wijkkracht.data_sources.schema import to_rd_new

    geographic = placeholder.startswith("Undefined geographic")
    wkt = (f'GEOGCS["{placeholder}",DATUM["unknown",SPHEROID["unknown",6378137,298.257223563]],'
           'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]' if geographic else
           f'LOCAL_CS["{placeholder}",UNIT["metre",1]]')
    line = shapely.LineString([(134000, 454000), (134100, 454000)])
    gdf = gpd.GeoDataFrame(geometry=[line], crs=CRS.from_wkt(wkt))
    with pytest.raises(InputError, match=r"^lijnen: the layer has no coordinate reference"):
        to_rd_new(gdf, "lijnen")


def test_coordinates_that_cannot_be_transformed() -> None:
    from wijkkracht.data_sources.schema import to_rd_new

    line = shapely.LineString([(134000, 454000), (134100, 454000)])  # RD New, stated as degrees
    gdf = gpd.GeoDataFrame(geometry=[line], crs=4326)
    with pytest.raises(InputError, match=r"^lijnen: the layer says WGS 84 \(degrees\) but the "
                                         r"data looks like RD New \(EPSG:28992\)"):
        to_rd_new(gdf, "lijnen")


def test_poi_layer_without_usable_columns(tmp_path: Path) -> None:
    path = tmp_path / "punten.gpkg"
    point = shapely.Point(134800, 454000)
    _write(gpd.GeoDataFrame({"omschrijving": ["bakker"]}, geometry=[point], crs=28992), path,
           "pois")
    with pytest.raises(InputError, match=r"punten\.gpkg \(layer pois\): no POI columns found: "
                       r"expected 'tag' \(key=value\), 'building_type'"):
        read_pois(path)


def test_several_layers_and_none_named(tmp_path: Path) -> None:
    path = tmp_path / "project.gpkg"
    line = shapely.LineString([(134000, 454000), (134100, 454000)])
    _write(gpd.GeoDataFrame({"name": ["a"]}, geometry=[line], crs=28992), path, "wegen")
    _write(gpd.GeoDataFrame({"tag": ["shop=bakery"]}, geometry=[shapely.Point(134050, 454010)],
                            crs=28992), path, "winkels")
    with pytest.raises(InputError, match=r"project\.gpkg: the file has several layers "
                       r"\(wegen, winkels\); name the street layer"):
        read_streets(path)
    with pytest.raises(InputError, match=r"project\.gpkg: layer 'winkel' not found \(layers: "
                       r"wegen, winkels\); did you mean 'winkels'\?$"):
        read_pois(path, layer="winkel")
    assert read_pois(path, layer="winkels")["tag"].tolist() == ["shop=bakery"]


def test_points_are_not_streets(bundled_gpkg: Path) -> None:
    with pytest.raises(InputError, match=r"kanaleneiland\.gpkg \(layer pois\): expected a line "
                       r"layer of streets, found geometry types \['Point'\]"):
        read_streets(bundled_gpkg, layer="pois")


def test_broken_graphml(tmp_path: Path) -> None:
    path = tmp_path / "netwerk.graphml"
    path.write_text("<graphml><graph><node id='1'></graph>")
    with pytest.raises(InputError, match=r"netwerk\.graphml: not a GraphML file \(the XML "
                       r"cannot be read as a graph\); save the network with osmnx\.save_graphml"):
        read_streets(path)
