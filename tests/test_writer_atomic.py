"""All files of a run are published together or not at all: the GeoPackage, the map and the
establishment problems CSV (``write_outputs(extra=...)``, ``write_all_atomically``).

Failures are real where they can be: a folder where an output file should go (the rename
onto it fails after the other files were already put in place, so they must be rolled back),
or a result that GDAL cannot write. Running as root, permission bits do not stop writes, so
read-only folders are not used. The one simulated failure is a writer that stops with "No
space left on device" halfway through its file.

Data: the REAL LV BAG fixture of Doesburg (tests/data/bag_lv, Kadaster, CC0) on the SYNTHETIC
street grid ``tests/data/doesburg_synthetic_*.geojson``; see tests/test_cli_lv.py.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wijkkracht.cli import main
from wijkkracht.core.errors import OutputError
from wijkkracht.core.pipeline import analyse
from wijkkracht.core.result import AnalysisResult
from wijkkracht.data_sources.bag import read_bag_lv
from wijkkracht.data_sources.establishments import write_problems_file
from wijkkracht.data_sources.files import read_area, read_pois, read_streets
from wijkkracht.output.atomic import write_all_atomically, write_atomically
from wijkkracht.output.writer import write_outputs

DATA = Path(__file__).parent / "data"
STREETS = DATA / "doesburg_synthetic_streets.geojson"
POIS = DATA / "doesburg_synthetic_pois.geojson"
AREA = DATA / "doesburg_synthetic_area.geojson"
LV = DATA / "bag_lv"
NAMES = ["wijkkracht.gpkg", "wijkkracht.html", "wijkkracht_establishment_problems.csv"]


def _files(folder: Path) -> dict[str, bytes | str]:
    """Everything in ``folder`` (hidden files too): file contents, or "<dir>"."""
    return {p.name: ("<dir>" if p.is_dir() else p.read_bytes()) for p in folder.iterdir()}


def _writer(text: str):
    return lambda p: Path(p).write_text(text, encoding="utf-8")


def _disk_full(p: Path) -> None:
    Path(p).write_text("half a fi", encoding="utf-8")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# ------------------------------------------------------------------ write_all_atomically


def test_all_files_are_replaced_together(tmp_path: Path) -> None:
    for name in "abc":
        (tmp_path / f"{name}.txt").write_text(f"old {name}")
    out = write_all_atomically([(tmp_path / f"{n}.txt", _writer(f"new {n}")) for n in "abc"])
    assert out == [tmp_path / f"{n}.txt" for n in "abc"]
    assert _files(tmp_path) == {f"{n}.txt": f"new {n}".encode() for n in "abc"}


def test_a_failed_write_publishes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    with pytest.raises(OutputError) as info:
        write_all_atomically([(tmp_path / "a.txt", _writer("new a")),
                              (tmp_path / "b.txt", _writer("new b")),
                              (tmp_path / "c.csv", _disk_full)])
    assert str(info.value) == (f"{tmp_path / 'c.csv'}: the disk is full; free some space or "
                               "write to another folder (nothing was written)")
    assert _files(tmp_path) == {"a.txt": b"old a"}


def test_a_failed_publish_rolls_back_the_files_already_published(tmp_path: Path) -> None:
    """c.csv is a folder: a and b are renamed into place first, then the rename onto the
    folder fails, and a and b must be put back as they were."""
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "c.csv").mkdir()
    (tmp_path / "c.csv" / "keep.txt").write_text("user data")
    with pytest.raises(OutputError) as info:
        write_all_atomically([(tmp_path / "a.txt", _writer("new a")),
                              (tmp_path / "b.txt", _writer("new b")),
                              (tmp_path / "c.csv", _writer("new c"))])
    assert str(info.value).startswith(f"{tmp_path / 'c.csv'}: cannot replace it (")
    assert _files(tmp_path) == {"a.txt": b"old a", "c.csv": "<dir>"}
    assert (tmp_path / "c.csv" / "keep.txt").read_text() == "user data"


def test_messages_name_the_destination_not_the_temporary_file(tmp_path: Path) -> None:
    def broken(p: Path) -> None:
        Path(p).write_text("x")
        raise OutputError(f"{p}: cannot add the QGIS styles (database is locked)")

    with pytest.raises(OutputError) as info:
        write_atomically(tmp_path / "x.gpkg", broken)
    assert str(info.value) == f"{tmp_path / 'x.gpkg'}: cannot add the QGIS styles " \
                              "(database is locked)"
    assert os.listdir(tmp_path) == []


def test_an_interrupt_leaves_no_temporary_file(tmp_path: Path) -> None:
    def interrupted(p: Path) -> None:
        Path(p).write_text("half")
        Path(f"{p}-journal").write_text("side file")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_all_atomically([(tmp_path / "a.txt", _writer("a")), (tmp_path / "b.gpkg",
                                                                   interrupted)])
    assert os.listdir(tmp_path) == []


def test_a_destination_given_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="twice"):
        write_all_atomically([(tmp_path / "a.txt", _writer("1")),
                              (tmp_path / "." / "a.txt", _writer("2"))])
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------------ write_outputs


@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    streets = read_streets(STREETS)
    # two real addresses front two segments: every street segment gets a type
    return analyse(streets, read_pois(POIS), read_area(AREA), k=2, reference_date="2020-09-15",
                   bag=read_bag_lv(LV, bbox=tuple(float(v) for v in streets.total_bounds)),
                   typology_segments="streets")


def _problems() -> dict:
    frame = pd.DataFrame({"row": [3], "vestigingsnummer": ["900000000003"],
                          "reason": ["address not in the BAG"]})
    return {"problems": (NAMES[2], lambda p: write_problems_file(p, unmatched=frame))}


def test_write_outputs_publishes_the_extra_file_with_the_others(result, tmp_path: Path) -> None:
    paths = write_outputs(result, tmp_path, extra=_problems())
    assert paths == {"gpkg": tmp_path / NAMES[0], "html": tmp_path / NAMES[1],
                     "problems": tmp_path / NAMES[2]}
    assert sorted(os.listdir(tmp_path)) == NAMES
    back = pd.read_csv(paths["problems"], dtype=str)
    assert list(back["vestigingsnummer"]) == ["900000000003"]
    assert list(back["stage"]) == ["unmatched"]


def test_unwritable_gpkg_publishes_no_csv(result, tmp_path: Path) -> None:
    """GDAL cannot write complex numbers: the GeoPackage fails, so no file appears."""
    pois = result.pois.copy()
    pois["impedance"] = np.full(len(pois), 1 + 2j)
    bad = AnalysisResult(streets=result.streets, pois=pois, area=result.area,
                         profile=result.profile, metadata=result.metadata)
    with pytest.raises(OutputError, match=r"wijkkracht\.gpkg: cannot write the 'pois' layer"):
        write_outputs(bad, tmp_path, extra=_problems())
    assert os.listdir(tmp_path) == []


def test_failing_csv_leaves_no_gpkg_or_map(result, tmp_path: Path) -> None:
    extra = {"problems": (NAMES[2], _disk_full)}
    with pytest.raises(OutputError, match="the disk is full"):
        write_outputs(result, tmp_path, extra=extra)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("extra", [
    {"gpkg": ("other.csv", _writer("x"))},
    {"problems": ("wijkkracht.html", _writer("x"))},
    {"problems": ("../up.csv", _writer("x"))},
])
def test_extra_files_that_clash_or_leave_the_folder_are_refused(result, tmp_path: Path,
                                                                 extra) -> None:
    with pytest.raises(ValueError):
        write_outputs(result, tmp_path / "out", extra=extra)
    assert not (tmp_path / "out").exists() and not (tmp_path / "up.csv").exists()


# -------------------------------------------------------------------------- the CLI


def _run(out: Path, capsys) -> tuple[int, str]:
    csv = out.parent / "vestigingen.csv"
    csv.write_text("Vestigingsnummer;SBI-code;Postcode;Huisnummer;Datum vestiging\n"
                   "900000000001;47.11;6981CH;4;2015-03-01\n"
                   "900000000003;56.10;6981CH;999;2019-01-01\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["run", "--streets", str(STREETS), "--pois", str(POIS), "--area", str(AREA),
                 "--bag", str(LV), "--establishments", str(csv), "--reference-date",
                 "2020-09-15", "--out", str(out), "-k", "2", "-q",
                 "--typology-segments", "streets"])
    return code, capsys.readouterr().err.strip()


def test_cli_failing_csv_keeps_the_previous_outputs(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert _run(out, capsys)[0] == 0
    assert sorted(os.listdir(out)) == NAMES
    (out / NAMES[2]).unlink()
    (out / NAMES[2]).mkdir()  # a folder where the problems CSV goes
    before = _files(out)
    code, err = _run(out, capsys)
    assert code == 1
    assert err == f"wijkkracht: error: {out / NAMES[2]}: cannot replace it (Is a directory)"
    assert _files(out) == before  # the previous GeoPackage and map, byte for byte


@pytest.mark.parametrize("blocked", NAMES[:2])
def test_cli_failing_gpkg_or_map_writes_no_csv(tmp_path: Path, capsys, blocked: str) -> None:
    out = tmp_path / "out"
    (out / blocked).mkdir(parents=True)
    code, err = _run(out, capsys)
    assert code == 1
    assert err.startswith(f"wijkkracht: error: {out / blocked}: cannot replace it")
    assert _files(out) == {blocked: "<dir>"}
