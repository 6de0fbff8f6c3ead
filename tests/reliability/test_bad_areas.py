"""Real municipal area files (issue 19): the study areas of ``wijkkracht run --areas FILE
--area-code CODES | --area-name NAMES [--area-field COLUMN]`` taken from a file as a
municipality publishes it -- its own numbering in ``code``, the CBS code in ``cbsCode``, the
name in ``BUURTNAAM`` -- rather than from the CBS wijk- en buurtkaart.

Every bad selection runs the real command line (:func:`.cli_support.fails`): exit code 1, one
``wijkkracht: error:`` line that names the column searched and what its codes look like (never
"select by code" answered by "select by name"), the output folder and the area file as they
were. The good selections run to the end and the result's ``areas`` layer holds the area
asked for. The files are built from the SYNTHETIC CBS-layout fixture.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from wijkkracht.cli import main
from wijkkracht.demo import demo_data_path

from .cli_support import fails

DEMO = demo_data_path()
CBS = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"

#: The municipality's own numbering of the four synthetic buurten.
OWN_CODES = ["0101", "0102", "A3", "A4"]


def _run(out: Path, *extra: str) -> list[str]:
    return ["run", "--streets", str(DEMO), "--streets-layer", "streets", "--pois", str(DEMO),
            "--pois-layer", "pois", "--out", str(out), "-k", "3", "-q", *extra]


@pytest.fixture(scope="module")
def buurten() -> gpd.GeoDataFrame:
    return gpd.read_file(CBS, layer="buurten")


@pytest.fixture(scope="module")
def municipal(tmp_path_factory, buurten) -> Path:
    """A municipality's file of its buurten: its own ``code``, the ``cbsCode``, ``BUURTNAAM``
    in capitals, one layer with a name of its own."""
    path = tmp_path_factory.mktemp("gemeente") / "buurten_gemeente_synthetic.gpkg"
    gdf = gpd.GeoDataFrame(
        {"code": OWN_CODES, "cbsCode": buurten["buurtcode"],
         "BUURTNAAM": buurten["buurtnaam"].str.upper(), "stadsdeel": ["West", "West", "Oost",
                                                                        "Oost"],
         "bron": "SYNTHETIC"}, geometry=buurten.geometry, crs=buurten.crs)
    pyogrio.write_dataframe(gdf, path, layer="gebiedsindeling")
    return path


def _areas_of(out: Path) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(out / "wijkkracht.gpkg", layer="areas")


def _custom(tmp_path: Path, buurten: gpd.GeoDataFrame, columns: dict[str, list]) -> Path:
    path = tmp_path / "gebieden_synthetic.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(columns, geometry=buurten.geometry,
                                             crs=buurten.crs), path, layer="gebieden")
    return path


# --- codes in the CBS code column, found by its values --------------------------------------------

def test_a_malformed_cbs_code_says_what_a_cbs_code_looks_like(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    line = fails(_run(out, "--areas", str(municipal), "--area-code", "BU0363MM01"), capsys, out,
                 "malformed CBS code 'BU0363MM01'", "a CBS code is BU + 8 digits",
                 "codes in column cbsCode look like 'BU99990101'", "--area-field",
                 inputs=[municipal])
    assert "did you mean" not in line, line  # no guess from a code that cannot be one


def test_a_malformed_cbs_pattern(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-code", "BU0363MM*"), capsys, out,
          "malformed CBS code 'BU0363MM*'", "a trailing * selects every code that starts so",
          inputs=[municipal])


def test_an_unknown_code_names_the_column_searched(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    line = fails(_run(out, "--areas", str(municipal), "--area-code", "BU99990109"), capsys, out,
                 "no area with code 'BU99990109' in column cbsCode",
                 "codes there look like 'BU99990101'", "did you mean 'BU99990102'? Or name the "
                 "column that holds the codes with --area-field",
                 "columns: code, cbsCode, BUURTNAAM", inputs=[municipal])
    assert "in column code;" not in line, line  # not the municipality's own numbering


def test_a_pattern_of_another_municipality(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-code", "bu0363*"), capsys, out,
          "no area with code 'BU0363*' in column cbsCode; codes there look like 'BU99990101'",
          inputs=[municipal])


def test_a_gemeente_code_in_a_file_of_buurten_points_to_its_buurten(tmp_path, capsys,
                                                                    municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-code", "GM9999"), capsys, out,
          "no area with code 'GM9999' in column cbsCode", "did you mean 'BU9999*'?",
          inputs=[municipal])


def test_codes_with_characters_no_code_has(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-code", "BU' OR 1=1 --"), capsys, out,
          "malformed area code", "a CBS code is BU + 8 digits (buurt, e.g. BU03630101)",
          inputs=[municipal])


# --- the column named: --area-field ---------------------------------------------------------------

def test_an_unknown_area_field_suggests_the_closest_column(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-field", "cbscod", "--area-code",
               "BU99990101"), capsys, out,
          "no column 'cbscod' for the area codes; did you mean 'cbsCode'?",
          "(columns: code, cbsCode, BUURTNAAM, stadsdeel, bron)", inputs=[municipal])


def test_an_unknown_own_code_in_the_named_column(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    line = fails(_run(out, "--areas", str(municipal), "--area-field", "CODE", "--area-code",
                      "0199"), capsys, out,
                 "no area with code '0199' in column code; codes there look like",
                 inputs=[municipal])
    assert "--area-field" not in line, line  # the user named the column: no advice to name it


def test_an_own_code_in_the_named_cbs_column(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-field", "cbsCode", "--area-code",
               "0101"), capsys, out, "malformed CBS code '0101'", "a CBS code is BU + 8 digits",
          inputs=[municipal])


def test_an_unknown_own_code_found_in_the_code_column(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-code", "A9"), capsys, out,
          "no area with code 'A9' in column code", "did you mean 'A",
          "--area-field (columns: code, cbsCode", inputs=[municipal])


# --- names ----------------------------------------------------------------------------------------

def test_an_unknown_name_names_the_upper_case_name_column(tmp_path, capsys, municipal):
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(municipal), "--area-name", "Testbuurt 01-09"), capsys, out,
          "no area named 'Testbuurt 01-09' in column BUURTNAAM", "did you mean 'TESTBUURT 01-0",
          inputs=[municipal])


# --- no code or name column: the columns there and --area-field, never in a circle -----------------

def test_no_code_and_no_name_column_by_code(tmp_path, capsys, buurten):
    path = _custom(tmp_path, buurten, {"nummer": ["1", "2", "3", "4"],
                                       "omschrijving": ["a", "b", "c", "d"]})
    out = tmp_path / "out"
    line = fails(_run(out, "--areas", str(path), "--area-code", "3"), capsys, out,
                 "no column holds the area codes", "columns: nummer, omschrijving",
                 "name the column with --area-field", inputs=[path])
    assert "--area-name" not in line, line  # there is no name column to select by


def test_no_code_and_no_name_column_by_name(tmp_path, capsys, buurten):
    path = _custom(tmp_path, buurten, {"nummer": ["1", "2", "3", "4"],
                                       "omschrijving": ["a", "b", "c", "d"]})
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(path), "--area-name", "Centrum"), capsys, out,
          "no column of area names (a column called naam, name, buurtnaam",
          "columns: nummer, omschrijving",
          "select by code with --area-code, naming the column that holds the codes with "
          "--area-field", inputs=[path])


def test_a_name_column_but_no_code_column(tmp_path, capsys, buurten):
    path = _custom(tmp_path, buurten, {"nummer": ["1", "2", "3", "4"],
                                       "Naam": ["Noord", "Oost", "Zuid", "West"]})
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(path), "--area-code", "3"), capsys, out,
          "no column holds the area codes", "name the column with --area-field, or select by "
          "name with --area-name (names in column Naam)", inputs=[path])


def test_a_code_column_but_no_name_column(tmp_path, capsys, buurten):
    path = _custom(tmp_path, buurten, {"Gebiedscode": ["G1", "G2", "G3", "G4"]})
    out = tmp_path / "out"
    fails(_run(out, "--areas", str(path), "--area-name", "Centrum"), capsys, out,
          "no column of area names", "select by code with --area-code (codes in column "
          "Gebiedscode look like 'G1')", inputs=[path])


# --- selections that work -------------------------------------------------------------------------

def test_cbs_code_found_in_cbscode_without_area_field(tmp_path, municipal):
    out = tmp_path / "out"
    assert main(_run(out, "--areas", str(municipal), "--area-code", "BU99990102")) == 0
    areas = _areas_of(out)
    assert list(areas["area_code"]) == ["BU99990102"]
    assert list(areas["area_name"]) == ["TESTBUURT 01-02"]  # from BUURTNAAM
    assert list(areas["level"]) == ["buurt"]


def test_select_by_name_in_buurtnaam(tmp_path, municipal):
    out = tmp_path / "out"
    assert main(_run(out, "--areas", str(municipal), "--area-name", "testbuurt 02-01")) == 0
    areas = _areas_of(out)
    assert list(areas["area_code"]) == ["BU99990201"]  # the CBS code, not the own number
    assert list(areas["area_name"]) == ["TESTBUURT 02-01"]


def test_own_codes_with_area_field(tmp_path, municipal):
    out = tmp_path / "out"
    assert main(_run(out, "--areas", str(municipal), "--area-field", "code",
                     "--area-code", "0101")) == 0
    areas = _areas_of(out)
    assert list(areas["area_code"]) == ["0101"]
    assert list(areas["area_name"]) == ["TESTBUURT 01-01"]
    assert list(areas["level"]) == ["other"]


def test_own_codes_of_two_kinds_without_area_field(tmp_path, municipal):
    # '0101' and 'A3' are not CBS codes: they are looked up in the 'code' column, and their
    # different first letters are not "codes of different levels"
    out = tmp_path / "out"
    assert main(_run(out, "--areas", str(municipal), "--area-code", "0101,A3")) == 0
    assert sorted(_areas_of(out)["area_code"]) == ["0101", "A3"]


def test_cbs_codes_in_a_column_of_any_name(tmp_path, buurten):
    # statcode holds the buurt codes, gm_code the gemeente's: the wijk pattern's buurten by
    # the column of their prefix, names from buurt_naam
    path = _custom(tmp_path, buurten, {
        "gm_code": buurten["gemeentecode"], "statcode": buurten["buurtcode"].str.lower(),
        "buurt_naam": buurten["buurtnaam"], "id": [7, 8, 9, 10]})
    out = tmp_path / "out"
    assert main(_run(out, "--areas", str(path), "--area-code", "BU999902*")) == 0
    areas = _areas_of(out)
    assert sorted(areas["area_code"]) == ["bu99990201", "bu99990202"]
    assert sorted(areas["area_name"]) == ["Testbuurt 02-01", "Testbuurt 02-02"]


def test_a_cbs_layout_file_is_read_as_before(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(_run(out, "--areas", str(CBS), "--area-code", "WK999902")) == 0
    areas = _areas_of(out)
    assert list(areas["area_code"]) == ["WK999902"] and list(areas["level"]) == ["wijk"]
    assert list(areas["area_name"]) == ["Testwijk Oost"]
    out2 = tmp_path / "out2"
    fails(_run(out2, "--areas", str(CBS), "--area-code", "WK999903"), capsys, out2,
          "no area with code 'WK999903' in column wijkcode", "did you mean 'WK99990",
          inputs=[CBS])

