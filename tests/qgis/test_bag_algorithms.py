"""BAG and establishments in QGIS: *Load BAG addresses*, *Load establishments* and the BAG/KvK
indicators of the neighbourhood analysis, run by QGIS's Processing and compared with the library.

Data: the real LV BAG 2.0 files of Doesburg (``tests/data/bag_lv``, and the whole extract in
``../shared/data/doesburg`` where present), the PDOK-layout BAG GeoPackage fixture
(``tests/data/bag_verblijfsobject.gpkg``), and SYNTHETIC BAG/KvK data for Kanaleneiland made by
:func:`wijkkracht.data_sources.synthetic.write_synthetic` (seed 0) on the real buildings of the
bundled demo.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.core.indicators.registry import INDICATORS, SENSITIVE, indicator, key_indicators
from wijkkracht.data_sources.bag import BAG_COLUMNS, BAG_STATUSES, read_bag_gpkg, read_bag_lv
from wijkkracht.data_sources.establishments import geolocate, read_establishments

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
LV = DATA / "bag_lv"
GPKG = DATA / "bag_verblijfsobject.gpkg"
SHARED_DOESBURG = REPO.parent / "shared" / "data" / "doesburg"
REFERENCE_DATE = "2026-01-01"
SYNTHETIC_LAYER = "verblijfsobject_synthetic"
#: The key BAG/KvK indicators (the registry's), which get a style of their own (the spending
#: flows, which need the BAG too, only when asked for).
KEY_BAG = tuple(n for n in key_indicators() if INDICATORS[n].group == "bag")


def _plain(value: Any) -> Any:
    """A comparable plain value: None for every kind of missing, numbers as float."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return value


def assert_same(got: Any, expected: Any, name: str) -> None:
    a = [_plain(v) for v in got]
    b = [_plain(v) for v in expected]
    assert len(a) == len(b), name
    bad = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    assert not bad, f"{name}: {len(bad)} differ, e.g. {bad[:3]}"


def assert_same_bag(layer: Any, expected: Any, frame_of_layer: Callable[[Any], pd.DataFrame]
                    ) -> pd.DataFrame:
    """The layer holds the BAG frame ``expected``: same rows, fields, values and points."""
    got = frame_of_layer(layer)
    assert layer.crs().authid() == "EPSG:28992"
    fields = [c for c in got.columns if c != "geometry"]
    assert fields[:len(BAG_COLUMNS) - 1] == list(BAG_COLUMNS[:-1])
    assert set(fields[len(BAG_COLUMNS) - 1:]) <= {"synthetic"}
    assert len(got) == len(expected)
    for name in BAG_COLUMNS[:-1]:
        assert_same(got[name], expected[name], name)
    assert bool(np.all(shapely.equals_exact(np.asarray(list(got["geometry"]), dtype=object),
                                            expected.geometry.to_numpy(), 0.0)))
    return got


def assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every attribute column of ``expected`` is in ``got`` with the same values (dates as
    dates)."""
    for name in expected.columns:
        if name == expected.geometry.name:
            continue
        assert name in got.columns, name
        if pd.api.types.is_datetime64_any_dtype(expected[name]):
            want = [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in expected[name]]
            have = [None if v is None else v.toString("yyyy-MM-dd") for v in got[name]]
            assert have == want, name
        else:
            assert_same(got[name], expected[name], name)


def log_of(feedback: Any) -> str:
    return feedback.textLog() + "\n" + feedback.htmlLog()


@pytest.fixture(scope="module")
def synthetic_bag_layer(wijkkracht_run: Any, synthetic: dict[str, Path]) -> Any:
    """Load BAG addresses of the whole synthetic GeoPackage (a memory layer)."""
    out = wijkkracht_run("loadbag", INPUT=str(synthetic["bag"]), LAYER=SYNTHETIC_LAYER)
    return out["OUTPUT"]


# --------------------------------------------------------------------------------------------
# Load BAG addresses


def test_load_bag_lv_folder_equals_the_reader(wijkkracht_run: Any,
                                              frame_of_layer: Callable[[Any], pd.DataFrame]
                                              ) -> None:
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    out = wijkkracht_run("loadbag", feedback=feedback, FOLDER=str(LV))
    expected = read_bag_lv(LV)
    everything = read_bag_lv(LV, statuses=None)
    assert_same_bag(out["OUTPUT"], expected, frame_of_layer)
    dropped = len(everything) - len(expected)
    assert out["COUNT"] == len(expected) and out["DROPPED"] == dropped
    assert out["SNAPSHOT"] == expected.attrs["bag"]["snapshot_date"] == "2020-09-15"
    log = log_of(feedback)
    assert "2020-09-15" in log and f"{len(expected)} verblijfsobjecten" in log


def test_load_bag_status_filter(wijkkracht_run: Any,
                                frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    every = list(range(len(BAG_STATUSES)))
    out = wijkkracht_run("loadbag", INPUT=str(GPKG), STATUSES=every)
    assert_same_bag(out["OUTPUT"], read_bag_gpkg(GPKG, statuses=None), frame_of_layer)
    assert out["DROPPED"] == 0
    default = wijkkracht_run("loadbag", INPUT=str(GPKG))
    kept = read_bag_gpkg(GPKG)
    assert_same_bag(default["OUTPUT"], kept, frame_of_layer)
    assert "Verblijfsobject gevormd" not in set(kept["status"])
    assert default["DROPPED"] == sum(kept.attrs["bag"]["dropped_by_status"].values()) == 1
    only_rebuilt = wijkkracht_run("loadbag", INPUT=str(GPKG),
                                  STATUSES=[BAG_STATUSES.index("Verbouwing verblijfsobject")])
    got = frame_of_layer(only_rebuilt["OUTPUT"])
    assert set(got["status"]) == {"Verbouwing verblijfsobject"}


def test_load_bag_zip_and_single_xml(wijkkracht_run: Any, tmp_path: Path,
                                     frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    archive = tmp_path / "0221_lvbag.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(LV.iterdir()):
            zf.write(f, f.name)
    out = wijkkracht_run("loadbag", INPUT=str(archive))
    assert_same_bag(out["OUTPUT"], read_bag_lv(LV), frame_of_layer)
    vbo = LV / "0221VBO15092020-000001.xml"
    alone = wijkkracht_run("loadbag", INPUT=str(vbo))
    got = assert_same_bag(alone["OUTPUT"], read_bag_lv(vbo), frame_of_layer)
    assert got["postcode"].isna().all()  # no NUM file: no address


@pytest.mark.skipif(not SHARED_DOESBURG.is_dir(), reason="../shared/data/doesburg not present")
def test_load_bag_whole_doesburg_extract(wijkkracht_run: Any,
                                         frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    """The real, uncut Doesburg extract (OPR and the zipped PND files whole)."""
    out = wijkkracht_run("loadbag", FOLDER=str(SHARED_DOESBURG))
    expected = read_bag_lv(SHARED_DOESBURG)
    got = assert_same_bag(out["OUTPUT"], expected, frame_of_layer)
    assert got["bouwjaar"].notna().all() and got["openbare_ruimte_naam"].notna().all()


def test_load_bag_extent_and_mask_stream_only_that_part(
        wijkkracht_run: Any, synthetic: dict[str, Path],
        frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    window = (134600.0, 453850.0, 135000.0, 454250.0)
    extent = f"{window[0]},{window[2]},{window[1]},{window[3]} [EPSG:28992]"
    out = wijkkracht_run("loadbag", INPUT=str(synthetic["bag"]), LAYER=SYNTHETIC_LAYER,
                         EXTENT=extent)
    expected = read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER, bbox=window)
    whole = read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER)
    assert 0 < len(expected) < len(whole) / 4
    got = assert_same_bag(out["OUTPUT"], expected, frame_of_layer)
    assert got["synthetic"].all()  # the generator's files say so, and so does the output

    triangle = shapely.Polygon([(window[0], window[1]), (window[2], window[1]),
                                (window[0], window[3])])
    mask = QgsVectorLayer("Polygon?crs=EPSG:28992", "mask", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(triangle.wkt))
    mask.dataProvider().addFeatures([feature])
    masked = wijkkracht_run("loadbag", INPUT=str(synthetic["bag"]), LAYER=SYNTHETIC_LAYER,
                            MASK=mask)
    expected = read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER, mask=triangle)
    assert_same_bag(masked["OUTPUT"], expected, frame_of_layer)
    # LV BAG with a mask: the reader's rectangle, then the mask
    lv = read_bag_lv(LV)
    point = lv.geometry.iloc[0]
    near = QgsVectorLayer("Polygon?crs=EPSG:28992", "near", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(point.buffer(1.0).wkt))
    near.dataProvider().addFeatures([feature])
    lv_masked = wijkkracht_run("loadbag", FOLDER=str(LV), MASK=near)
    assert_same_bag(lv_masked["OUTPUT"], lv[lv.geometry.intersects(point.buffer(1.0))],
                    frame_of_layer)


def test_load_bag_lv_with_a_mask_is_the_readers_mask(
        wijkkracht_run: Any, frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    """LV BAG and a mask layer: one call to the reader with the mask (GDAL reads the mask's
    rectangle, the reader keeps what lies in the polygon), counted in the log."""
    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingFeedback, QgsVectorLayer

    everything = read_bag_lv(LV, statuses=None)
    kept, other = everything.geometry.iloc[0], everything.geometry.iloc[1]
    # the rectangle of the mask holds both verblijfsobjecten; the polygon only the first
    polygon = shapely.box(*shapely.MultiPoint([kept, other]).bounds).buffer(10) \
        .difference(other.buffer(5))
    layer = QgsVectorLayer("Polygon?crs=EPSG:28992", "mask", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(polygon.wkt))
    layer.dataProvider().addFeatures([feature])
    feedback = QgsProcessingFeedback()
    out = wijkkracht_run("loadbag", feedback=feedback, FOLDER=str(LV), MASK=layer)
    expected = read_bag_lv(LV, mask=polygon)
    got = assert_same_bag(out["OUTPUT"], expected, frame_of_layer)
    assert list(got["identificatie"]) == [everything["identificatie"].iloc[0]]
    assert expected.attrs["bag"]["outside_mask"] == 1
    assert out["COUNT"] == 1 and out["DROPPED"] == 0
    assert "Outside the mask, left out: 1" in log_of(feedback)


def _same_frame(got: Any, expected: Any) -> None:
    """Two BAG frames alike: the same rows, columns, dtypes, values, points, CRS and
    metadata."""
    assert list(got.columns) == list(expected.columns)
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    assert len(got) == len(expected)
    for name in expected.columns:
        if name != expected.geometry.name:
            assert_same(got[name], expected[name], name)
    assert bool(np.all(shapely.equals_exact(got.geometry.to_numpy(), expected.geometry.to_numpy(),
                                            0.0)))
    assert got.crs == expected.crs and got.attrs == expected.attrs


def _lv_cases(tmp: Path) -> list[tuple[Any, dict[str, Any]]]:
    archive = tmp / "0221_lvbag.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(LV.iterdir()):
            zf.write(f, f.name)
    vbo = LV / "0221VBO15092020-000001.xml"
    point = read_bag_lv(LV).geometry.iloc[0]
    cases: list[tuple[Any, dict[str, Any]]] = [
        (LV, {}), (LV, {"statuses": None}), (LV, {"snapshot_date": "2012-01-01"}),
        (archive, {}), (vbo, {}), (LV, {"mask": point.buffer(1.0)}),
        (LV, {"bbox": tuple(point.buffer(1.0).bounds)})]
    if SHARED_DOESBURG.is_dir():
        cases.append((SHARED_DOESBURG, {}))
    return cases


def test_qgis_reads_the_bag_files_as_the_library_does(qgis_app: Any, synthetic: dict[str, Path],
                                                      tmp_path: Path) -> None:
    """processing/qgis_io.py (QGIS's providers, no pyogrio) gives the frames the library's
    readers give with pyogrio: PDOK's GeoPackage whole, by extent and by mask; LV BAG XML as a
    folder, zip, single file, at a date, with a mask."""
    import warnings

    from wijkkracht.processing import qgis_io

    window = (134600.0, 453850.0, 135000.0, 454250.0)
    triangle = shapely.Polygon([(window[0], window[1]), (window[2], window[1]),
                                (window[0], window[3])])
    gpkg_cases = [(GPKG, {}), (GPKG, {"statuses": None}),
                  (GPKG, {"bbox": (206300.0, 447500.0, 206400.0, 447600.0)}),
                  (synthetic["bag"], {"layer": SYNTHETIC_LAYER}),
                  (synthetic["bag"], {"layer": SYNTHETIC_LAYER, "bbox": window}),
                  (synthetic["bag"], {"layer": SYNTHETIC_LAYER, "mask": triangle,
                                      "snapshot_date": "2025-06-30"})]
    for path, options in gpkg_cases:
        expected = read_bag_gpkg(path, **options)
        _same_frame(qgis_io.read_bag_gpkg(path, **options), expected)
    assert 0 < len(read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER, mask=triangle)) \
        < len(read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER, bbox=window))
    for path, options in _lv_cases(tmp_path):
        with warnings.catch_warnings(record=True) as caught:  # the same repairs warned
            warnings.simplefilter("always", UserWarning)
            expected = read_bag_lv(path, **options)
            got = qgis_io.read_bag_lv(path, **options)
        _same_frame(got, expected)
        messages = [str(w.message) for w in caught]
        assert messages[:len(messages) // 2] == messages[len(messages) // 2:]


def test_status_parameter_follows_the_library() -> None:
    """The status choices and their default, written out in alg_bag (QGIS builds the
    parameters at start-up, before the library is imported), are the library's."""
    from wijkkracht.data_sources.bag import DEFAULT_STATUSES
    from wijkkracht.processing.alg_bag import STATUS_LABELS, _status_default

    assert all(label.startswith(status) for label, status in
               zip(STATUS_LABELS, BAG_STATUSES, strict=True))
    assert [BAG_STATUSES[i] for i in _status_default()] == list(DEFAULT_STATUSES)


def test_qgis_reader_refuses_as_the_library_does(qgis_app: Any, tmp_path: Path) -> None:
    from wijkkracht.core.errors import InputError
    from wijkkracht.processing import qgis_io

    with pytest.raises(InputError, match="no layer 'pand'; layers are verblijfsobject"):
        qgis_io.read_bag_gpkg(GPKG, layer="pand")
    broken = tmp_path / "broken.gpkg"
    broken.write_text("no GeoPackage", encoding="utf-8")
    with pytest.raises(InputError, match="broken.gpkg: not a readable vector file: named .gpkg "
                                         "but it holds text, not a GeoPackage"):
        qgis_io.read_bag_gpkg(broken)
    with pytest.raises(InputError, match="file not found"):
        qgis_io.read_bag_gpkg(tmp_path / "missing.gpkg")
    with pytest.raises(InputError, match="no verblijfsobject file"):
        qgis_io.read_bag_lv(tmp_path)


def test_load_bag_reads_through_qgis_not_pyogrio(
        wijkkracht_run: Any, monkeypatch: pytest.MonkeyPatch,
        frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    """*Load BAG addresses* never calls pyogrio: its GeoPackage and LV BAG files are read by
    QGIS, with the library's results."""
    from wijkkracht.data_sources import bag

    expected = {"gpkg": read_bag_gpkg(GPKG), "lv": read_bag_lv(LV)}

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("pyogrio used inside QGIS")

    for method in ("layers", "crs", "read"):
        monkeypatch.setattr(bag.PyogrioReader, method, refuse)
    assert_same_bag(wijkkracht_run("loadbag", INPUT=str(GPKG))["OUTPUT"], expected["gpkg"],
                    frame_of_layer)
    assert_same_bag(wijkkracht_run("loadbag", FOLDER=str(LV))["OUTPUT"], expected["lv"],
                    frame_of_layer)


@pytest.mark.parametrize(("params", "message"), [
    ({}, "BAG file or a folder"),
    ({"INPUT": str(GPKG), "FOLDER": str(LV)}, "BAG file or a folder"),
    ({"INPUT": str(GPKG), "STATUSES": []}, "STATUSES"),  # QGIS refuses an empty choice
    ({"INPUT": str(GPKG), "LAYER": "pand"}, "no layer 'pand'"),
])
def test_load_bag_refuses(params: dict[str, Any], message: str, wijkkracht_run: Any,
                          qgis_language: Any) -> None:
    from qgis.core import QgsProcessingException

    qgis_language("en")
    with pytest.raises(QgsProcessingException, match=message):
        wijkkracht_run("loadbag", **params)


# --------------------------------------------------------------------------------------------
# Load establishments


@pytest.fixture(scope="module")
def core_located(synthetic: dict[str, Path]) -> tuple[Any, Any]:
    """The library's reading and geolocation of the synthetic export on the synthetic BAG."""
    bag = read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER)
    read = read_establishments(synthetic["establishments"])
    return read, geolocate(read.establishments, bag)


@pytest.fixture(scope="module")
def establishments(wijkkracht_run: Any, synthetic: dict[str, Path],
                   synthetic_bag_layer: Any) -> dict[bool, dict[str, Any]]:
    """Load establishments without (False) and with (True) the home-based ones."""
    from qgis.core import QgsProcessingFeedback

    out = {}
    for include in (False, True):
        feedback = QgsProcessingFeedback()
        out[include] = wijkkracht_run(
            "loadestablishments", feedback=feedback, INPUT=str(synthetic["establishments"]),
            BAG=synthetic_bag_layer, REFERENCE_DATE=REFERENCE_DATE, INCLUDE_HOME_BASED=include)
        out[include]["log"] = log_of(feedback)
    return out


def test_establishments_default_holds_no_home_based(
        establishments: dict[bool, dict[str, Any]], core_located: tuple[Any, Any],
        frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    read, located = core_located
    home = located.matched["gebruiksdoel"] == "woonfunctie"
    assert home.sum() > 100  # the synthetic data has ~30 % home-based establishments
    out = establishments[False]
    got = frame_of_layer(out["OUTPUT"])
    assert out["OUTPUT"].crs().authid() == "EPSG:28992"
    # not one establishment at an address whose only use is housing, by any account
    assert (got["gebruiksdoel"] != "woonfunctie").all() and not got["home_based"].any()
    assert "home_based" not in set(got["synthetic_case"])
    expected = located.matched[~home.to_numpy()].reset_index(drop=True)
    assert len(got) == len(expected)
    assert_same_frame(got, expected)
    assert bool(np.all(shapely.equals_exact(np.asarray(list(got["geometry"]), dtype=object),
                                            expected.geometry.to_numpy(), 0.0)))
    assert out["HOME_BASED_LEFT_OUT"] == int(home.sum())
    assert out["MATCH_RATE"] == pytest.approx(located.match_rate)
    assert (out["MATCHED"], out["UNMATCHED"], out["REJECTED"]) == (
        len(located.matched), len(located.unmatched), len(read.rejected))
    assert f"{100 * located.match_rate:.1f} %" in out["log"]


def test_establishments_home_based_only_with_the_internal_flag(
        establishments: dict[bool, dict[str, Any]], core_located: tuple[Any, Any],
        frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    _, located = core_located
    out = establishments[True]
    got = frame_of_layer(out["OUTPUT"])
    assert len(got) == len(located.matched)
    assert_same(got["vestigingsnummer"], located.matched["vestigingsnummer"], "vestigingsnummer")
    home = located.matched["gebruiksdoel"] == "woonfunctie"
    assert_same(got["home_based"], home, "home_based")
    assert set(got.loc[got["home_based"], "synthetic_case"]) == {"home_based"}
    assert out["HOME_BASED_LEFT_OUT"] == 0
    assert "INTERNAL USE ONLY" in out["log"]
    title = out["OUTPUT"].name()
    assert title  # named by QGIS; the layer's metadata says internal when loaded


def test_establishment_problems_table(establishments: dict[bool, dict[str, Any]],
                                      core_located: tuple[Any, Any],
                                      frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    read, located = core_located
    problems = frame_of_layer(establishments[False]["PROBLEMS"])
    assert not establishments[False]["PROBLEMS"].isSpatial()
    assert len(problems) == len(read.rejected) + len(located.unmatched) > 0
    assert list(problems.columns[:4]) == ["row", "stage", "vestigingsnummer", "reason"]
    unmatched = problems[problems["stage"] == "unmatched"]
    assert_same(unmatched["vestigingsnummer"], located.unmatched["vestigingsnummer"],
                "vestigingsnummer")
    assert_same(unmatched["reason"], located.unmatched["reason"], "reason")
    assert set(located.unmatched["synthetic_case"]) == {"unmatched"}
    # dates as the CSV writes them
    assert all(v is None or len(v) == 10 for v in unmatched["start_date"])


def test_establishments_with_a_mapping_file(wijkkracht_run: Any, tmp_path: Path,
                                            synthetic: dict[str, Path], synthetic_bag_layer: Any,
                                            core_located: tuple[Any, Any]) -> None:
    """An export with its own headers, read through a TOML column mapping."""
    raw = pd.read_csv(synthetic["establishments"], dtype=str, keep_default_na=False)
    renamed = raw.rename(columns={"vestigingsnummer": "Vestnr", "postcode": "PC",
                                  "huisnummer": "Nr"})
    bad = renamed.iloc[:2].copy()
    bad.loc[bad.index[0], "Vestnr"] = ""  # no id
    bad.loc[bad.index[1], ["Vestnr", "sbi_code"]] = ["999999999999", "x9"]  # no SBI code
    renamed = pd.concat([renamed, bad], ignore_index=True)
    export = tmp_path / "export.csv"
    renamed.to_csv(export, index=False, sep=";", encoding="cp1252")
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text('vestigingsnummer = "Vestnr"\npostcode = "PC"\nhuisnummer = "Nr"\n',
                       encoding="utf-8")
    out = wijkkracht_run("loadestablishments", INPUT=str(export), MAPPING=str(mapping),
                         BAG=synthetic_bag_layer, REFERENCE_DATE=REFERENCE_DATE)
    _, located = core_located
    assert out["MATCH_RATE"] == pytest.approx(located.match_rate)
    assert out["OUTPUT"].featureCount() == len(located.matched) - out["HOME_BASED_LEFT_OUT"]
    assert out["REJECTED"] == 2
    problems = [f["stage"] for f in out["PROBLEMS"].getFeatures()]
    assert problems.count("rejected") == 2
    assert problems.count("unmatched") == len(located.unmatched)


# --------------------------------------------------------------------------------------------
# BAG/KvK indicators in the neighbourhood analysis


def _core_analysis(synthetic: dict[str, Path], threshold: int, **options: Any) -> Any:
    """The library's analysis of the demo with the synthetic BAG and establishments."""
    from wijkkracht.core.pipeline import analyse
    from wijkkracht.data_sources.files import read_area, read_pois, read_streets
    from wijkkracht.demo import demo_data_path

    path = demo_data_path()
    area = read_area(path, layer="study_area")
    area["name"] = "Kanaleneiland"
    streets = read_streets(path, layer="streets")
    bag = read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER,
                        bbox=tuple(streets.total_bounds))
    read = read_establishments(synthetic["establishments"])
    located = geolocate(read.establishments, bag)
    return analyse(streets, read_pois(path, layer="pois"), area, bag=bag,
                   establishments=located.matched, reference_date=REFERENCE_DATE,
                   privacy_threshold=threshold, **options)


@pytest.fixture(scope="module")
def bag_analysis(wijkkracht_run: Any, demo_layers: dict[str, Any], synthetic: dict[str, Path],
                 synthetic_bag_layer: Any) -> dict[str, Any]:
    """The neighbourhood analysis with the synthetic BAG layer and establishments export."""
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    out = wijkkracht_run("neighbourhoodanalysis", feedback=feedback,
                         STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                         AREA=demo_layers["study_area"], BAG=synthetic_bag_layer,
                         ESTABLISHMENTS=str(synthetic["establishments"]),
                         REFERENCE_DATE=REFERENCE_DATE)
    out["log"] = log_of(feedback)
    return out


def test_analysis_with_bag_equals_the_library(bag_analysis: dict[str, Any],
                                              synthetic: dict[str, Path],
                                              frame_of_layer: Callable[[Any], pd.DataFrame]
                                              ) -> None:
    expected = _core_analysis(synthetic, 3).streets.reset_index()
    got = frame_of_layer(bag_analysis["STREETS_OUT"])
    assert list(got.columns) == [*expected.columns.drop("geometry"), "geometry"]
    assert len(got) == len(expected)
    for name in expected.columns.drop("geometry"):
        assert_same(got[name], expected[name], name)
    bag_columns = [n for n, ind in INDICATORS.items() if ind.group == "bag"]
    assert set(KEY_BAG) <= set(bag_columns) <= set(got.columns)
    # the key indicators of the issue (MXI and use diversity now within 400 m)
    assert {"nonres_units_per_100m", "bag_vacant_share", "home_based_share", "age_hill1"} <= \
        set(KEY_BAG) and {"mxi", "bag_use_hill1"} <= {k.removesuffix("_400") for k in KEY_BAG}
    # values a planner reads: MXI in [0, 1] where there is floor area, home-based shares
    assert got["mxi"].notna().sum() > 100 and got["mxi"].dropna().between(0, 1).all()
    assert got["home_based_share"].notna().sum() > 50
    assert "SYNTHETIC" in bag_analysis["log"]
    assert "match rate" in bag_analysis["log"] or "koppelpercentage" in bag_analysis["log"]


def test_analysis_suppresses_small_establishment_counts(
        bag_analysis: dict[str, Any], wijkkracht_run: Any, demo_layers: dict[str, Any],
        synthetic: dict[str, Path], synthetic_bag_layer: Any,
        frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    got = frame_of_layer(bag_analysis["STREETS_OUT"])
    counts = [n for n, ind in INDICATORS.items() if SENSITIVE in ind.tags and ind.unit == "count"
              and n in got.columns and n != "est_net_change"]
    assert "home_based_est" in counts and "active_est" in counts
    # unsuppressed, from the library with threshold 1: which streets have 1 or 2
    raw = _core_analysis(synthetic, 1).streets.reset_index()
    for name in counts:
        small = raw[name].between(1, 2).to_numpy()
        assert small.any(), name
        assert got.loc[small, name].isna().all(), name  # NULL below the threshold
        assert got.loc[small, "suppressed"].all(), name
        shown = got[name].dropna()
        assert ((shown == 0) | (shown >= 3)).all(), name
    small_home = raw["home_based_est"].between(1, 2).to_numpy()
    assert got.loc[small_home, "home_based_share"].isna().all()
    # threshold 1 shows them all, as the library does
    out = wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                         POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
                         BAG=synthetic_bag_layer, ESTABLISHMENTS=str(synthetic["establishments"]),
                         REFERENCE_DATE=REFERENCE_DATE, PRIVACY_THRESHOLD=1)
    open_ = frame_of_layer(out["STREETS_OUT"])
    for name in ("home_based_est", "active_est", "home_based_share", "mxi"):
        assert_same(open_[name], raw[name], name)
    assert not open_["suppressed"].any()


def test_analysis_writes_the_establishment_problems(bag_analysis: dict[str, Any],
                                                    synthetic: dict[str, Path]) -> None:
    """Establishments outside the BAG read for the streets' extent are not placed."""
    from wijkkracht.data_sources.files import read_streets
    from wijkkracht.demo import demo_data_path

    streets = read_streets(demo_data_path(), layer="streets")
    bag = read_bag_gpkg(synthetic["bag"], layer=SYNTHETIC_LAYER,
                        bbox=tuple(streets.total_bounds))
    read = read_establishments(synthetic["establishments"])
    located = geolocate(read.establishments, bag)
    problems = bag_analysis["PROBLEMS"]
    assert not problems.isSpatial()
    assert problems.featureCount() == len(located.unmatched) + len(read.rejected)
    stages = {f["stage"] for f in problems.getFeatures()}
    assert stages == {"unmatched"}
    assert f"{100 * located.match_rate:.1f} %" in bag_analysis["log"]


def test_analysis_needs_bag_for_establishments(wijkkracht_run: Any, demo_layers: dict[str, Any],
                                               synthetic: dict[str, Path],
                                               qgis_language: Any) -> None:
    from qgis.core import QgsProcessingException

    qgis_language("en")
    with pytest.raises(QgsProcessingException, match="needs a BAG layer"):
        wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                       POIS=demo_layers["pois"], ESTABLISHMENTS=str(synthetic["establishments"]))


def test_analysis_with_areas(wijkkracht_run: Any, demo_layers: dict[str, Any],
                             synthetic: dict[str, Path], synthetic_bag_layer: Any,
                             frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    """A summary per area (the synthetic CBS-layout buurten), as the library makes it."""
    import pyogrio
    from qgis.core import QgsVectorLayer

    cbs = DATA / "wijkbuurtkaart_cbs_synthetic.gpkg"
    buurten = QgsVectorLayer(f"{cbs}|layername=buurten", "buurten", "ogr")
    assert buurten.isValid()
    out = wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                         POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
                         BAG=synthetic_bag_layer, REFERENCE_DATE=REFERENCE_DATE, AREAS=buurten)
    expected = _core_analysis(synthetic, 3, areas=pyogrio.read_dataframe(cbs, layer="buurten"))
    # (the library's run here has establishments too; compare the BAG-only summary columns)
    got = frame_of_layer(out["AREAS_OUT"])
    assert list(got["buurtcode"]) == list(expected.areas["buurtcode"])
    for name in ("segments", "street_m", "mxi_pooled", "bag_use_hill1_mean",
                 "nonres_units_per_100m_mean"):
        assert name in got.columns, name
        assert_same(got[name], expected.areas[name], name)


# --------------------------------------------------------------------------------------------
# Styles and help


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_streets_with_bag_carry_a_style_per_key_bag_indicator(
        lang: str, qgis_language: Any, qgis_processing: Any, wijkkracht_provider: Any,
        demo_layers: dict[str, Any], synthetic: dict[str, Path],
        synthetic_bag_layer: Any, project: Any) -> None:
    from wijkkracht.styles import indicator_style

    qgis_language(lang)
    cbs = DATA / "wijkbuurtkaart_cbs_synthetic.gpkg"
    results = qgis_processing.runAndLoadResults("wijkkracht:neighbourhoodanalysis", {
        "STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
        "AREA": demo_layers["study_area"], "BAG": synthetic_bag_layer,
        "ESTABLISHMENTS": str(synthetic["establishments"]),
        "AREAS": f"{cbs}|layername=buurten",
        "REFERENCE_DATE": REFERENCE_DATE, "STREETS_OUT": "TEMPORARY_OUTPUT",
        "POIS_OUT": "TEMPORARY_OUTPUT", "AREA_OUT": "TEMPORARY_OUTPUT",
        "PROFILE": "TEMPORARY_OUTPUT", "AREAS_OUT": "TEMPORARY_OUTPUT"})
    streets = project.mapLayer(results["STREETS_OUT"])
    manager = streets.styleManager()
    shown = {"nl": "Kansentypen", "en": "Opportunity types"}[lang]
    assert manager.currentStyle() == shown
    assert streets.renderer().type() == "categorizedSymbol"
    for name in KEY_BAG:
        title = indicator(name).title(lang)
        assert title in manager.styles(), (name, manager.styles())
        manager.setCurrentStyle(title)
        renderer = streets.renderer()
        assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == name
        style = indicator_style(name)
        assert [r.symbol().color().name() for r in renderer.ranges()] == [
            c.lower() for c in style.colors]
        assert [r.label() for r in renderer.ranges()] == [c.label(lang) for c in style.classes]
    manager.setCurrentStyle(shown)
    assert streets.renderer().classAttribute() == "type_key"
    abstract = streets.metadata().abstract()
    assert "BAG" in abstract and "SYNTHETIC" in abstract and "OpenStreetMap" in abstract
    # the summary per area: outlined, fields named from the registry
    areas = project.mapLayer(results["AREAS_OUT"])
    assert areas.renderer().type() == "singleSymbol"
    alias = areas.attributeAlias(areas.fields().indexOf("mxi_pooled"))
    assert alias.startswith(indicator("mxi").label(lang)), alias


def test_streets_without_bag_have_no_bag_styles(qgis_processing: Any, wijkkracht_provider: Any,
                                                demo_layers: dict[str, Any],
                                                qgis_language: Any, project: Any) -> None:
    qgis_language("en")
    results = qgis_processing.runAndLoadResults("wijkkracht:neighbourhoodanalysis", {
        "STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
        "AREA": demo_layers["study_area"], "STREETS_OUT": "TEMPORARY_OUTPUT",
        "POIS_OUT": "TEMPORARY_OUTPUT", "AREA_OUT": "TEMPORARY_OUTPUT",
        "PROFILE": "TEMPORARY_OUTPUT"})
    styles = project.mapLayer(results["STREETS_OUT"]).styleManager().styles()
    assert indicator("hill1_400").title("en") in styles
    assert not [n for n in KEY_BAG if indicator(n).title("en") in styles]


def test_loaded_establishments_say_internal_only_with_the_flag(
        qgis_processing: Any, wijkkracht_provider: Any, synthetic: dict[str, Path],
        synthetic_bag_layer: Any, qgis_language: Any, project: Any) -> None:
    qgis_language("en")
    for include in (False, True):
        results = qgis_processing.runAndLoadResults("wijkkracht:loadestablishments", {
            "INPUT": str(synthetic["establishments"]), "BAG": synthetic_bag_layer,
            "REFERENCE_DATE": REFERENCE_DATE, "INCLUDE_HOME_BASED": include,
            "OUTPUT": "TEMPORARY_OUTPUT", "PROBLEMS": "TEMPORARY_OUTPUT"})
        abstract = project.mapLayer(results["OUTPUT"]).metadata().abstract()
        assert ("INTERNAL, not for publication" in abstract) == include
        assert "SYNTHETIC" in abstract


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_help_lists_the_bag_fields(lang: str, qgis_language: Any,
                                   wijkkracht_provider: Any) -> None:
    from qgis.core import QgsApplication

    from wijkkracht.core.indicators.registry import SOURCES

    qgis_language(lang)
    registry = QgsApplication.processingRegistry()
    text = registry.createAlgorithmById("wijkkracht:neighbourhoodanalysis").shortHelpString()
    for name, ind in INDICATORS.items():
        if ind.group == "bag":
            assert f"<b>{name}</b>" in text, name
    assert SOURCES["establishments"](lang) in text and "CC0" in text
    loadbag = registry.createAlgorithmById("wijkkracht:loadbag").shortHelpString()
    assert "CC0" in loadbag and "OpenStreetMap" not in loadbag
    load_est = registry.createAlgorithmById("wijkkracht:loadestablishments").shortHelpString()
    assert {"nl": "bedrijven aan huis", "en": "home-based"}[lang] in load_est


# --------------------------------------------------------------------------------------------
# Other BAG layers, other inputs


def test_analysis_takes_a_bag_geopackage_opened_in_qgis(
        wijkkracht_run: Any, demo_layers: dict[str, Any], synthetic: dict[str, Path],
        bag_analysis: dict[str, Any], frame_of_layer: Callable[[Any], pd.DataFrame],
        tmp_path: Path) -> None:
    """A BAG GeoPackage layer opened in QGIS (read through QGIS, only the streets' extent)
    gives the same streets as the output of Load BAG addresses; the map says SYNTHETIC."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{synthetic['bag']}|layername={SYNTHETIC_LAYER}", "bag", "ogr")
    assert layer.isValid()
    html = tmp_path / "kaart.html"
    out = wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                         POIS=demo_layers["pois"], AREA=demo_layers["study_area"], BAG=layer,
                         ESTABLISHMENTS=str(synthetic["establishments"]),
                         REFERENCE_DATE=REFERENCE_DATE, HTML=str(html))
    got = frame_of_layer(out["STREETS_OUT"])
    expected = frame_of_layer(bag_analysis["STREETS_OUT"])
    assert list(got.columns) == list(expected.columns)
    for name in expected.columns.drop("geometry"):
        assert_same(got[name], expected[name], name)
    page = html.read_text(encoding="utf-8")
    assert "SYNTHETIC" in page or "SYNTHETISCH" in page


def test_a_bag_layer_with_pdok_field_names_places_the_establishments(
        wijkkracht_run: Any, synthetic: dict[str, Path], core_located: tuple[Any, Any],
        tmp_path: Path, frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    """A BAG GeoPackage with PDOK's field names (huisnummertoevoeging, oorspronkelijkbouwjaar)
    and the identificatie as a number, opened in QGIS, is brought to the BAG schema by the
    library: the establishments are placed on it as on the library's reading."""
    import pyogrio
    from qgis.core import QgsVectorLayer

    bag = pyogrio.read_dataframe(synthetic["bag"], layer=SYNTHETIC_LAYER)
    pdok = bag.rename(columns={"toevoeging": "huisnummertoevoeging",
                               "bouwjaar": "oorspronkelijkbouwjaar"})
    pdok["identificatie"] = pdok["identificatie"].astype("int64")
    path = tmp_path / "bag_pdok_names.gpkg"
    pyogrio.write_dataframe(pdok, path, layer="verblijfsobject", driver="GPKG")
    layer = QgsVectorLayer(f"{path}|layername=verblijfsobject", "bag", "ogr")
    assert layer.isValid()
    out = wijkkracht_run("loadestablishments", INPUT=str(synthetic["establishments"]),
                         BAG=layer, REFERENCE_DATE=REFERENCE_DATE, INCLUDE_HOME_BASED=True)
    read, located = core_located
    assert out["MATCH_RATE"] == pytest.approx(located.match_rate)
    got = frame_of_layer(out["OUTPUT"])
    assert_same(got["vbo_id"], located.matched["vbo_id"], "vbo_id")  # zero-padded again
    assert (out["UNMATCHED"], out["REJECTED"]) == (len(located.unmatched), len(read.rejected))


def test_a_layer_that_is_no_bag_is_refused(wijkkracht_run: Any, demo_layers: dict[str, Any],
                                           qgis_language: Any) -> None:
    from qgis.core import QgsProcessingException

    qgis_language("en")
    with pytest.raises(QgsProcessingException, match="lacks column"):
        wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                       POIS=demo_layers["pois"], BAG=demo_layers["pois"])


def test_establishments_geopackage_needs_pyogrio(
        wijkkracht_run: Any, synthetic: dict[str, Path], synthetic_bag_layer: Any,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, core_located: tuple[Any, Any]) -> None:
    """A GeoPackage export is read with pyogrio: without it, the algorithm says what to
    install; with it, it reads as the CSV does."""
    import pyogrio
    from qgis.core import QgsProcessingException

    from wijkkracht.processing import dependencies

    export = tmp_path / "vestigingen.gpkg"
    table = pd.read_csv(synthetic["establishments"], dtype=str, keep_default_na=False)
    pyogrio.write_dataframe(table, export, layer="vestigingen", driver="GPKG")
    out = wijkkracht_run("loadestablishments", INPUT=str(export), BAG=synthetic_bag_layer,
                         REFERENCE_DATE=REFERENCE_DATE)
    assert out["MATCH_RATE"] == pytest.approx(core_located[1].match_rate)
    real = dependencies.find_spec
    monkeypatch.setattr(dependencies, "find_spec",
                        lambda name: None if name == "pyogrio" else real(name))
    with pytest.raises(QgsProcessingException, match="pip install"):
        wijkkracht_run("loadestablishments", INPUT=str(export), BAG=synthetic_bag_layer)


# --------------------------------------------------------------------------------------------
# Spending flows (Huff) and liveliness by hour in the neighbourhood analysis

HOURS_WEEK = "2026-01-12"  # the demo's reference week of the opening hours (no holiday)


def _assert_close(got: Any, expected: Any, name: str) -> None:
    """Equal numbers up to float rounding (None/NaN both missing), other values identical."""
    a, b = [_plain(v) for v in got], [_plain(v) for v in expected]
    assert len(a) == len(b), name
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if isinstance(x, float) and isinstance(y, float):
            assert x == pytest.approx(y, rel=1e-9, abs=1e-12), (name, i, x, y)
        else:
            assert x == y, (name, i, x, y)


@pytest.fixture(scope="module")
def quarters(tmp_path_factory: pytest.TempPathFactory, qgis_app: Any) -> Any:
    """The demo's spending zones (the four quarters of the study area) as a QGIS layer."""
    import pyogrio
    from qgis.core import QgsVectorLayer

    from wijkkracht.data_sources.files import read_area
    from wijkkracht.demo import demo_data_path, demo_spending_zones

    zones = demo_spending_zones(read_area(demo_data_path(), layer="study_area"))
    path = tmp_path_factory.mktemp("zones") / "kwarten.gpkg"
    pyogrio.write_dataframe(zones, path, layer="kwarten")
    layer = QgsVectorLayer(f"{path}|layername=kwarten", "kwarten", "ogr")
    assert layer.isValid()
    return layer


#: A place in the south-west quarter of the demo (RD New), where no daily-goods shop is.
ADDED_BAKERY = (134820.0, 453440.0)


@pytest.fixture(scope="module")
def spending_analysis(wijkkracht_run: Any, demo_layers: dict[str, Any],
                      synthetic: dict[str, Path], synthetic_bag_layer: Any,
                      quarters: Any) -> dict[str, Any]:
    """The analysis with the SYNTHETIC BAG, spending flows between the quarters (exponential
    decay, 1500 m cut-off), a bakery added as a scenario (a point drawn in WGS84) and the
    spending features in the typology."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsGeometry,
        QgsPointXY,
        QgsProcessingFeedback,
        QgsProject,
        QgsVectorLayer,
    )

    shops = QgsVectorLayer("Point?crs=EPSG:4326&field=kind:string&field=floor_area_m2:double",
                           "nieuwe winkels", "memory")
    to_wgs84 = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:28992"),
                                      QgsCoordinateReferenceSystem("EPSG:4326"),
                                      QgsProject.instance())
    wgs84 = to_wgs84.transform(QgsPointXY(*ADDED_BAKERY))
    lon, lat = wgs84.x(), wgs84.y()
    feature = QgsFeature(shops.fields())
    feature.setAttributes(["bakery", 120.0])
    feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
    shops.dataProvider().addFeatures([feature])
    feedback = QgsProcessingFeedback()
    out = wijkkracht_run("neighbourhoodanalysis", feedback=feedback,
                         STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                         AREA=demo_layers["study_area"], BAG=synthetic_bag_layer,
                         ESTABLISHMENTS=str(synthetic["establishments"]),
                         REFERENCE_DATE=REFERENCE_DATE, SPENDING=True, HUFF_DECAY=1,
                         HUFF_LAMBDA=1.5, HUFF_CUTOFF=1500.0, SPENDING_MEASURE=0,
                         SPENDING_ZONES_IN=quarters, TYPOLOGY_EXTRA=[1], ADDED_SHOPS=shops)
    out["log"] = log_of(feedback)
    return out


def test_analysis_spending_equals_the_library(spending_analysis: dict[str, Any],
                                              synthetic: dict[str, Path],
                                              frame_of_layer: Callable[[Any], pd.DataFrame]
                                              ) -> None:
    from wijkkracht.core.huff import HuffParameters
    from wijkkracht.core.spending import AddedShop
    from wijkkracht.data_sources.files import read_area
    from wijkkracht.demo import demo_data_path, demo_spending_zones

    zones = demo_spending_zones(read_area(demo_data_path(), layer="study_area"))
    expected = _core_analysis(synthetic, 3, spending=True, spending_zones=zones,
                              huff=HuffParameters(decay="exponential", lam=1.5, cutoff=1500.0),
                              spending_measure="floor_area", typology_extra=("spending",),
                              added_shops=[AddedShop(*ADDED_BAKERY, "bakery", 120.0)])
    spend = expected.spending
    assert spend is not None and len(spend.zones) == 4
    # the streets: every column, the spending ones and the type (clustered on them) included
    streets = frame_of_layer(spending_analysis["STREETS_OUT"])
    want = expected.streets.reset_index()
    assert list(streets.columns) == [*want.columns.drop("geometry"), "geometry"]
    for name in ("spend_kept_share", "spend_drawn", "spend_own_zone_share", "type_key"):
        _assert_close(streets[name], want[name], name)
    assert streets["spend_drawn"].notna().sum() > 0
    # the zones: polygons with the library's figures, styled on load (graduated)
    layer = spending_analysis["SPENDING_ZONES"]
    assert layer.crs().authid() == "EPSG:28992"
    got = frame_of_layer(layer)
    assert list(got["code"]) == list(spend.zones["code"]) == [f"kwart-{k}" for k in
                                                               ("NW", "NO", "ZW", "ZO")]
    for name in spend.zones.columns.drop("geometry"):
        _assert_close(got[name], spend.zones[name], name)
    assert got["retained_share"].between(0, 1).all()
    # (written as MultiPolygons: the same rings)
    for a, b in zip(got["geometry"], spend.zones.geometry, strict=True):
        assert np.allclose(shapely.get_coordinates(a), shapely.get_coordinates(b), atol=1e-6)
    # the catchment table and the scenarios (points)
    catchment = frame_of_layer(spending_analysis["SPENDING_CATCHMENT"])
    assert not spending_analysis["SPENDING_CATCHMENT"].isSpatial()
    for name in spend.catchment.columns:
        _assert_close(catchment[name], spend.catchment[name], name)
    scenarios = frame_of_layer(spending_analysis["SPENDING_SCENARIOS"])
    assert len(scenarios) == len(spend.scenarios)
    # the drawn point first: a bakery of 120 m² in the south-west quarter, which had no shop
    first = scenarios.iloc[0]
    assert (first["scenario"], first["zone"], first["floor_area_m2"]) == (
        "added_shop", "kwart-ZW", 120.0)
    assert first["osm_id"] == "shop=bakery 120 m² at 134820,453440"
    assert first["retained_share_before"] == 0 < first["retained_share_after"]
    for name in spend.scenarios.columns.drop("geometry"):
        _assert_close(scenarios[name], spend.scenarios[name], name)
    # no opening hours in the demo POIs: no profile
    assert "OPENING_PROFILE" not in spending_analysis or \
        spending_analysis["OPENING_PROFILE"] is None
    assert "SYNTHETIC" in spending_analysis["log"]


def test_spending_zones_are_styled_and_say_synthetic(
        qgis_processing: Any, wijkkracht_provider: Any, demo_layers: dict[str, Any],
        synthetic_bag_layer: Any, qgis_language: Any, project: Any) -> None:
    from wijkkracht.styles import indicator_style

    qgis_language("en")
    results = qgis_processing.runAndLoadResults("wijkkracht:neighbourhoodanalysis", {
        "STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
        "AREA": demo_layers["study_area"], "BAG": synthetic_bag_layer,
        "REFERENCE_DATE": REFERENCE_DATE, "SPENDING": True,
        "STREETS_OUT": "TEMPORARY_OUTPUT", "POIS_OUT": "TEMPORARY_OUTPUT",
        "AREA_OUT": "TEMPORARY_OUTPUT", "PROFILE": "TEMPORARY_OUTPUT",
        "SPENDING_ZONES": "TEMPORARY_OUTPUT", "SPENDING_SCENARIOS": "TEMPORARY_OUTPUT"})
    assert "SPENDING_CATCHMENT" not in results or results["SPENDING_CATCHMENT"] is None
    zones = project.mapLayer(results["SPENDING_ZONES"])
    # one zone without zones or areas: the study area
    assert zones.featureCount() == 1
    renderer = zones.renderer()
    assert renderer.type() == "graduatedSymbol"
    assert renderer.classAttribute() == "retained_share"
    style = indicator_style("spend_kept_share")
    assert [r.symbol().color().name() for r in renderer.ranges()] == [
        c.lower() for c in style.colors]
    assert [r.label() for r in renderer.ranges()] == [c.label("en") for c in style.classes]
    assert "SYNTHETIC" in zones.metadata().abstract()
    scenarios = project.mapLayer(results["SPENDING_SCENARIOS"])
    assert scenarios.renderer().type() == "singleSymbol"
    assert "SYNTHETIC" in scenarios.metadata().abstract()


def test_spending_needs_a_bag_layer(wijkkracht_run: Any, demo_layers: dict[str, Any],
                                    qgis_language: Any) -> None:
    from qgis.core import QgsProcessingException

    qgis_language("en")
    with pytest.raises(QgsProcessingException, match="spending flows need a BAG layer"):
        wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                       POIS=demo_layers["pois"], SPENDING=True)
    with pytest.raises(QgsProcessingException, match="needs the spending flows"):
        wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                       POIS=demo_layers["pois"], TYPOLOGY_EXTRA=[1])


@pytest.fixture(scope="module")
def pois_with_hours(tmp_path_factory: pytest.TempPathFactory, qgis_app: Any) -> dict[str, Any]:
    """The demo POIs (POI schema) with SYNTHETIC opening_hours (seed 0), as a frame and as a
    QGIS layer of a GeoPackage."""
    import pyogrio
    from qgis.core import QgsVectorLayer

    from wijkkracht.data_sources.files import read_pois
    from wijkkracht.data_sources.synthetic_hours import synthetic_opening_hours
    from wijkkracht.demo import demo_data_path

    pois = read_pois(demo_data_path(), layer="pois")
    pois["opening_hours"] = synthetic_opening_hours(pois, seed=0)
    assert pois["opening_hours"].notna().sum() > 20
    path = tmp_path_factory.mktemp("hours") / "pois_hours.gpkg"
    pyogrio.write_dataframe(pois, path, layer="pois")
    layer = QgsVectorLayer(f"{path}|layername=pois", "pois_hours", "ogr")
    assert layer.isValid()
    return {"frame": pois, "layer": layer}


def test_analysis_liveliness_by_hour_equals_the_library(
        wijkkracht_run: Any, demo_layers: dict[str, Any], pois_with_hours: dict[str, Any],
        frame_of_layer: Callable[[Any], pd.DataFrame]) -> None:
    from wijkkracht.core.pipeline import analyse
    from wijkkracht.core.result import HOUR_COLUMNS
    from wijkkracht.data_sources.files import read_area, read_streets
    from wijkkracht.demo import demo_data_path

    # by default: computed, since the POIs have opening_hours
    out = wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                         POIS=pois_with_hours["layer"], AREA=demo_layers["study_area"],
                         HOURS_WEEK=HOURS_WEEK, TYPOLOGY_EXTRA=[0])
    path = demo_data_path()
    expected = analyse(read_streets(path, layer="streets"), pois_with_hours["frame"],
                       read_area(path, layer="study_area"), hours_week=HOURS_WEEK,
                       typology_extra=("hours",))
    assert expected.hours is not None
    streets = frame_of_layer(out["STREETS_OUT"])
    want = expected.streets.reset_index()
    time_columns = [n for n, ind in INDICATORS.items() if ind.group == "time"]
    assert {"open_peak", "evening_share", "weekend_share", "n_o_hours_per_day"} <= \
        set(time_columns) <= set(streets.columns)
    for name in [*time_columns, "type_key"]:
        _assert_close(streets[name], want[name], name)
    assert streets["open_peak"].max() > 0
    # the profile: segment_id and the 168 hours, one row per street of the output
    profile = out["OPENING_PROFILE"]
    assert not profile.isSpatial()
    got = frame_of_layer(profile)
    assert list(got.columns) == ["segment_id", *HOUR_COLUMNS]
    assert len(HOUR_COLUMNS) == 168
    assert list(got["segment_id"]) == list(streets["segment_id"])
    hours = expected.hours.reindex(expected.streets.index)
    assert got[list(HOUR_COLUMNS)].to_numpy().tolist() == hours.to_numpy().tolist()
    assert int(got[list(HOUR_COLUMNS)].to_numpy().max()) == int(streets["open_peak"].max())
    assert "SPENDING_ZONES" not in out or out["SPENDING_ZONES"] is None
    # switched off: no time columns, no profile
    off = wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                         POIS=pois_with_hours["layer"], AREA=demo_layers["study_area"],
                         HOURS=False)
    assert "open_peak" not in off["STREETS_OUT"].fields().names()
    assert "OPENING_PROFILE" not in off or off["OPENING_PROFILE"] is None


def test_spending_per_area_of_a_cbs_layer(wijkkracht_run: Any, demo_layers: dict[str, Any],
                                          synthetic_bag_layer: Any,
                                          frame_of_layer: Callable[[Any], pd.DataFrame]
                                          ) -> None:
    """Without zones the spending flows are counted per area (here the synthetic CBS buurten,
    whose codes come from buurtcode) and the summary per area gets them too."""
    from qgis.core import QgsVectorLayer

    cbs = DATA / "wijkbuurtkaart_cbs_synthetic.gpkg"
    buurten = QgsVectorLayer(f"{cbs}|layername=buurten", "buurten", "ogr")
    out = wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                         POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
                         BAG=synthetic_bag_layer, REFERENCE_DATE=REFERENCE_DATE, AREAS=buurten,
                         SPENDING=True)
    areas = frame_of_layer(out["AREAS_OUT"])
    zones = frame_of_layer(out["SPENDING_ZONES"])
    assert list(areas["area_code"]) == list(areas["buurtcode"])
    assert set(zones["code"]) <= set(areas["buurtcode"]) and len(zones) == len(areas)
    by_code = zones.set_index("code")
    _assert_close(areas["spend_retained_share"],
                  by_code.loc[areas["buurtcode"], "retained_share"], "spend_retained_share")
    assert areas["spend_demand"].sum() > 0
