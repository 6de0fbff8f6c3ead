"""``wijkkracht demo --report`` and ``wijkkracht report --from``: real runs, real files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

from wijkkracht.cli import main

from .test_report_support import key_figures


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-cli") / "out"
    assert main(["demo", "--out", str(out), "--name", "kanaleneiland", "--report", "-q"]) == 0
    return out


def test_demo_report_is_written_with_the_other_outputs(demo_run: Path) -> None:
    assert sorted(p.name for p in demo_run.iterdir()) == [
        "kanaleneiland.gpkg", "kanaleneiland.html", "kanaleneiland_rapport.html"]
    page = (demo_run / "kanaleneiland_rapport.html").read_text(encoding="utf-8")
    assert 'id="synthetic-notice"' in page
    assert 'src="kanaleneiland.html"' in page  # the map written beside it
    # the street segments of the run's GeoPackage (is_street), the network's in the note
    streets = pyogrio.read_dataframe(demo_run / "kanaleneiland.gpkg", layer="streets",
                                     read_geometry=False)
    assert key_figures(page)["Straatsegmenten"] == (
        str(int(streets["is_street"].sum())), f"{len(streets)} segmenten in het hele loopnetwerk")
    assert 0 < streets["is_street"].sum() < len(streets)


def test_report_from_the_geopackage_is_the_runs_report(demo_run: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    gpkg = demo_run / "kanaleneiland.gpkg"
    assert main(["report", "--from", str(gpkg), "--out", str(tmp_path)]) == 0
    # the folder had no map: it is written too, so that the report's frame and link work
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kanaleneiland.html",
                                                          "kanaleneiland_rapport.html"]
    assert (tmp_path / "kanaleneiland_rapport.html").read_bytes() == \
        (demo_run / "kanaleneiland_rapport.html").read_bytes()
    assert "kanaleneiland_rapport.html" in capsys.readouterr().err
    # beside the GeoPackage (the default), in English and under another name, keeping the map
    before = (demo_run / "kanaleneiland.html").read_bytes()
    assert main(["report", "--from", str(gpkg), "--lang", "en", "--name", "kanaleneiland",
                 "-q"]) == 0
    assert (demo_run / "kanaleneiland.html").read_bytes() == before
    # the English report beside the Dutch one (named by language), not over it
    assert (demo_run / "kanaleneiland_rapport.html").is_file()
    page = (demo_run / "kanaleneiland_report.html").read_text(encoding="utf-8")
    streets = pyogrio.read_dataframe(gpkg, layer="streets", read_geometry=False)
    assert '<html lang="en">' in page
    assert key_figures(page)["Street segments"][0] == str(int(streets["is_street"].sum()))


def test_report_offline_writes_a_map_that_needs_no_internet(demo_run: Path,
                                                           tmp_path: Path) -> None:
    assert main(["report", "--from", str(demo_run / "kanaleneiland.gpkg"), "--out",
                 str(tmp_path), "--offline", "-q"]) == 0
    page = (tmp_path / "kanaleneiland.html").read_text(encoding="utf-8")
    assert "L.map(" in page or "leaflet" in page.lower()
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', page)
    # the run's own map holds its scripts too: self-contained by default (issue 18)
    default = (demo_run / "kanaleneiland.html").read_text(encoding="utf-8")
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', default)


def test_report_errors_are_one_line(demo_run: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture) -> None:
    assert main(["report", "--from", str(tmp_path / "nothing.gpkg")]) == 1
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "nothing.gpkg: no such file" in err
    assert main(["report", "--from", str(demo_run / "kanaleneiland.gpkg"),
                 "--out", str(tmp_path), "--area-code", "BU00000000"]) == 1
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "no area summary" in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_report_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "wijkkracht", "report", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "--from GPKG" in proc.stdout and "--map" in proc.stdout
