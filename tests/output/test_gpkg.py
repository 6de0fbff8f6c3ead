"""The GeoPackage: layers, CRS, rows, QGIS styles, attribution, and atomic writing."""

from __future__ import annotations

import json
import os
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from wijkkracht.core.errors import OutputError
from wijkkracht.core.indicators.registry import indicator
from wijkkracht.core.result import AnalysisResult
from wijkkracht.output import writer as writer_module
from wijkkracht.output.atomic import atomic_path
from wijkkracht.output.gpkg import write_gpkg
from wijkkracht.output.writer import write_outputs
from wijkkracht.styles import key_indicators

QGIS_STYLE_COLUMNS = [
    "id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
    "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time",
]


@pytest.fixture(scope="module")
def outputs(result: AnalysisResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_outputs(result, tmp_path_factory.mktemp("out") / "nested" / "dir", lang="nl")


def _query(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as con:
        return con.execute(sql, args).fetchall()


def test_write_outputs_returns_both_files(outputs: dict[str, Path]) -> None:
    assert set(outputs) == {"gpkg", "html"}
    assert outputs["gpkg"].name == "wijkkracht.gpkg" and outputs["html"].name == "wijkkracht.html"
    assert sorted(p.name for p in outputs["gpkg"].parent.iterdir()) == [
        "wijkkracht.gpkg", "wijkkracht.html"]


def test_layers_crs_and_rows(outputs: dict[str, Path], result: AnalysisResult) -> None:
    layers = {name: geom for name, geom in pyogrio.list_layers(outputs["gpkg"])}
    assert layers == {"streets": "LineString", "named_streets": "MultiLineString",
                      "pois": "Point", "area": "Polygon",
                      "typology_profile": None, "layer_styles": None,
                      # the demo's liveliness by hour and spending flows
                      "opening_profile": None, "spending_zones": "Polygon",
                      "spending_catchment": None, "spending_scenarios": "Point"}
    expected = {"streets": result.streets, "named_streets": result.named_streets,
                "pois": result.pois, "area": result.area,
                "typology_profile": result.profile, "opening_profile": result.hours,
                "spending_zones": result.spending.zones,
                "spending_catchment": result.spending.catchment,
                "spending_scenarios": result.spending.scenarios}
    for layer, frame in expected.items():
        info = pyogrio.read_info(outputs["gpkg"], layer=layer)
        assert info["features"] == len(frame), layer
        if layer not in ("typology_profile", "opening_profile", "spending_catchment"):
            assert info["crs"] == "EPSG:28992", layer
    kinds = dict(_query(outputs["gpkg"], "SELECT table_name, data_type FROM gpkg_contents"))
    assert kinds == {"streets": "features", "named_streets": "features", "pois": "features",
                     "area": "features",
                     "typology_profile": "attributes", "layer_styles": "attributes",
                     "opening_profile": "attributes", "spending_catchment": "attributes",
                     "spending_zones": "features", "spending_scenarios": "features"}


def test_streets_round_trip(outputs: dict[str, Path], result: AnalysisResult) -> None:
    back = pyogrio.read_dataframe(outputs["gpkg"], layer="streets")
    assert list(back["segment_id"]) == list(result.streets.index)
    for col in ("type_key", "type_name_nl", *key_indicators()):
        np.testing.assert_array_equal(back[col].to_numpy(), result.streets[col].to_numpy())
    assert back.geometry.length.sum() == pytest.approx(result.streets.geometry.length.sum())


def test_layer_styles_as_qgis_makes_them(outputs: dict[str, Path]) -> None:
    gpkg = outputs["gpkg"]
    columns = [row[1] for row in _query(gpkg, 'PRAGMA table_info("layer_styles")')]
    assert columns == QGIS_STYLE_COLUMNS
    geom_cols = dict(_query(gpkg, "SELECT table_name, column_name FROM gpkg_geometry_columns"))
    rows = _query(gpkg, "SELECT f_table_catalog, f_table_schema, f_table_name, "
                        "f_geometry_column, styleName, styleQML, useAsDefault FROM layer_styles")
    defaults = {}
    names: dict[str, list[str]] = {}
    for catalog, schema, table, geom_col, name, qml_text, use in rows:
        assert (catalog, schema) == ("", ""), "QGIS looks styles up with f_table_schema=''"
        # a table has no geometry column: QGIS looks its style up with ''
        assert geom_col == geom_cols.get(table, "")
        names.setdefault(table, []).append(name)
        root = ET.fromstring(qml_text)
        if use:
            assert table not in defaults, f"two default styles for {table}"
            renderer = root.find("renderer-v2")
            defaults[table] = None if renderer is None else renderer.get("type")
    # every layer and table has a default style from the one spec
    assert defaults == {"streets": "categorizedSymbol", "named_streets": "categorizedSymbol",
                        "pois": "categorizedSymbol", "area": "singleSymbol",
                        "spending_zones": "graduatedSymbol",
                        "spending_scenarios": "singleSymbol",
                        "typology_profile": None, "opening_profile": None,
                        "spending_catchment": None}
    # named by their labels (Dutch here), unique per layer; an extra style per key indicator,
    # named by the indicator's title. No name is cut: QGIS declares styleName TEXT(30), but
    # SQLite does not enforce it and QGIS 3.40 itself writes and lists longer names.
    assert all(len(set(n)) == len(n) for n in names.values())
    assert names["streets"][0] == "Kansentypen"
    assert set(names["streets"][1:]) == {indicator(k).title("nl") for k in key_indicators()}
    assert "Functiemenging binnen 400 m (Hill q=1) (effectief aantal functies)" in \
        names["streets"]
    assert not any(k in names["streets"] for k in key_indicators())
    assert names["area"] == ["Onderzoeksgebied"]
    assert max(len(n) for n in names["streets"]) > 30


def test_every_layer_has_dutch_aliases(outputs: dict[str, Path]) -> None:
    """The default style of every layer and table names every field but the technical ones
    (fid, geometry), in Dutch for a Dutch run."""
    gpkg = outputs["gpkg"]
    tables = [t for (t,) in _query(gpkg, "SELECT table_name FROM gpkg_contents")
              if t != "layer_styles"]
    assert len(tables) == 9
    geom_cols = dict(_query(gpkg, "SELECT table_name, column_name FROM gpkg_geometry_columns"))
    aliases: dict[str, dict[str, str]] = {}
    for table in tables:
        (qml_text,) = [r[0] for r in _query(gpkg, "SELECT styleQML FROM layer_styles WHERE "
                                            "f_table_name=? AND useAsDefault", table)]
        found = {a.get("field"): a.get("name") for a in ET.fromstring(qml_text).iter("alias")}
        fields = [r[1] for r in _query(gpkg, f'PRAGMA table_info("{table}")')
                  if r[1] not in ("fid", geom_cols.get(table))]
        assert [f for f in fields if not found.get(f)] == [], table
        aliases[table] = found
    assert aliases["streets"]["dist_supermarket_m"] == "Loopafstand supermarkt (m)"
    assert aliases["pois"]["no_class"] == "N/O-klasse"
    assert aliases["area"]["street_km"] == "Straatlengte (km)"
    assert aliases["spending_zones"]["retained_share"] == "Aandeel in het eigen gebied besteed"
    assert aliases["spending_scenarios"]["retained_share_after"] == \
        "Aandeel in het eigen gebied, met de winkel"
    assert aliases["spending_catchment"]["origin_zone"] == "Herkomstgebied"
    assert aliases["opening_profile"]["ma_07"] == "Open voorzieningen maandag 07:00–08:00"
    assert aliases["typology_profile"]["p_hill1_400"] == \
        "Functiemenging binnen 400 m (Hill q=1), gemiddeld percentiel"


def test_attribution_in_descriptions_and_metadata(outputs: dict[str, Path],
                                                  result: AnalysisResult) -> None:
    assert "OpenStreetMap" in result.attribution
    descriptions = dict(_query(outputs["gpkg"],
                               "SELECT table_name, description FROM gpkg_contents"))
    for layer in ("streets", "named_streets", "pois", "area", "typology_profile"):
        assert result.attribution in descriptions[layer], layer
        meta = pyogrio.read_info(outputs["gpkg"], layer=layer)["layer_metadata"]
        assert meta["ATTRIBUTION"] == result.attribution
        assert "ODbL" in meta["LICENCE"]


def test_named_streets_layer(outputs: dict[str, Path], result: AnalysisResult) -> None:
    """One row per named street with the core's values, its labels in the layer's metadata,
    and a default style coloured by main type whose aliases come from those labels."""
    back = pyogrio.read_dataframe(outputs["gpkg"], layer="named_streets")
    named = result.named_streets
    assert list(back.columns) == list(named.columns)
    for col in ("street_id", "length_m", "main_type_key", "types_nl", "fronting_n",
                "dist_supermarket_m_mean"):
        np.testing.assert_array_equal(back[col].to_numpy(), named[col].to_numpy())
    assert back.geometry.length.sum() == pytest.approx(named.geometry.length.sum())
    meta = pyogrio.read_info(outputs["gpkg"], layer="named_streets")["layer_metadata"]
    assert json.loads(meta["WIJKKRACHT_LABELS"]) == named.attrs["labels"]
    (qml_text,) = [r[0] for r in _query(outputs["gpkg"], "SELECT styleQML FROM layer_styles "
                                        "WHERE f_table_name='named_streets' AND useAsDefault")]
    root = ET.fromstring(qml_text)
    assert root.find("renderer-v2").get("attr") == "main_type_key"
    aliases = {a.get("field"): a.get("name") for a in root.iter("alias")}
    lab = named.attrs["labels"]["dist_supermarket_m_mean"]
    assert aliases["dist_supermarket_m_mean"] == \
        f"{lab['nl']} ({lab['unit_nl']}), gemiddelde naar straatlengte"
    # a street of the segments: its length is that of its street segments
    st = result.streets
    first = named.iloc[0]
    mine = st[(st["street_id"] == first["street_id"]) & st["is_street"]]
    assert first["length_m"] == pytest.approx(mine["length_m"].sum(), abs=0.06)
    assert first["segments"] == len(mine)


def test_english_labels(result: AnalysisResult, tmp_path: Path) -> None:
    path = write_gpkg(result, tmp_path / "en.gpkg", lang="en")
    qml_text = _query(path, "SELECT styleQML FROM layer_styles WHERE f_table_name='streets' "
                            "AND useAsDefault")[0][0]
    labels = {c.get("value"): c.get("label")
              for c in ET.fromstring(qml_text).iter("category")}
    present = result.streets.drop_duplicates("type_key").set_index("type_key")["type_name_en"]
    for key, name in present.items():
        assert labels[key] == name


# --- atomicity ---------------------------------------------------------------------------


def _unwritable(result: AnalysisResult) -> AnalysisResult:
    """A result whose POIs (the second layer) cannot be written: complex numbers."""
    pois = result.pois.copy()
    pois["impedance"] = np.full(len(pois), 1 + 2j)
    return AnalysisResult(streets=result.streets, pois=pois, area=result.area,
                          profile=result.profile, metadata=result.metadata)


def test_failed_gpkg_leaves_no_file(result: AnalysisResult, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="pois"):
        write_gpkg(_unwritable(result), tmp_path / "x.gpkg")
    assert os.listdir(tmp_path) == []


def test_failed_gpkg_keeps_the_previous_file(result: AnalysisResult, tmp_path: Path) -> None:
    old = tmp_path / "wijkkracht.gpkg"
    old.write_bytes(b"previous run")
    with pytest.raises(OutputError):
        write_outputs(_unwritable(result), tmp_path)
    assert os.listdir(tmp_path) == ["wijkkracht.gpkg"]
    assert old.read_bytes() == b"previous run"


def test_failed_map_leaves_no_gpkg_either(result: AnalysisResult, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_result: AnalysisResult, path: Path, *, lang: str = "nl",
               offline: bool = False, **_options: object) -> Path:
        assert lang == "nl" and not offline
        Path(path).write_text("<html>half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module, "write_webmap_file", broken)
    with pytest.raises(OutputError, match="the disk is full"):
        write_outputs(result, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # neither a file nor the folder this call made


def test_output_folder_that_is_a_file(result: AnalysisResult, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="output folder"):
        write_outputs(result, blocker / "out")


@pytest.mark.parametrize("kwargs", [{"lang": "de"}, {"basename": "../x"}, {"basename": ""}])
def test_bad_arguments(result: AnalysisResult, tmp_path: Path, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        write_outputs(result, tmp_path, **kwargs)
    assert os.listdir(tmp_path) == []


def test_atomic_path(tmp_path: Path) -> None:
    dest = tmp_path / "a.txt"
    with atomic_path(dest) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".txt" and not tmp.exists()
        tmp.write_text("one")
    assert dest.read_text() == "one"

    with pytest.raises(RuntimeError), atomic_path(dest) as tmp:
        tmp.write_text("half")
        Path(f"{tmp}-journal").write_text("side file")
        raise RuntimeError("boom")
    assert dest.read_text() == "one"
    assert os.listdir(tmp_path) == ["a.txt"]

    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "never.txt"):
        pass
    assert os.listdir(tmp_path) == ["a.txt"]


def test_profile_round_trip(outputs: dict[str, Path], result: AnalysisResult) -> None:
    back = pyogrio.read_dataframe(outputs["gpkg"], layer="typology_profile")
    expected = result.profile["type_key"].reset_index(drop=True)
    pd.testing.assert_series_equal(back["type_key"], expected, check_dtype=False,
                                   check_names=False)
