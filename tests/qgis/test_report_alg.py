"""The neighbourhood report as a Processing algorithm: from the layers of a real analysis in QGIS
and from a run's GeoPackage, one HTML page in the chosen language, written atomically."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from wijkkracht.core.typology import ARCHETYPES


@pytest.fixture(scope="module")
def analysis(wijkkracht_run: Any, demo_layers: dict[str, Any]) -> dict[str, Any]:
    """The neighbourhood analysis of the demo, run in QGIS (outputs as QGIS layers)."""
    return wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                          POIS=demo_layers["pois"], AREA=demo_layers["study_area"])


def _strongest_streets(streets: Any) -> dict[str, str]:
    """Per opportunity type of the data: the named street with the most street length of it."""
    length: dict[tuple[str, str], float] = {}
    for f in streets.getFeatures():
        key, street = f["type_key"], f["street_id"]
        if key in ARCHETYPES and street and f["is_street"]:
            length[(key, street)] = length.get((key, street), 0.0) + float(f["length_m"])
    best: dict[str, tuple[float, str]] = {}
    for (key, street), metres in length.items():
        if metres > best.get(key, (-1.0, ""))[0]:
            best[key] = (metres, street)
    return {key: street for key, (_, street) in best.items()}


def _headings(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", text)]


def test_report_from_the_layers_of_an_analysis(wijkkracht_run: Any, analysis: dict[str, Any],
                                               demo_layers: dict[str, Any], demo_gpkg: Path,
                                               qgis_language: Any, tmp_path: Path) -> None:
    qgis_language("nl")  # the report's language defaults to QGIS's
    out = tmp_path / "rapport.html"
    result = wijkkracht_run("report", STREETS=analysis["STREETS_OUT"],
                            PROFILE=analysis["PROFILE"], POIS=analysis["POIS_OUT"],
                            AREA=analysis["AREA_OUT"], MAP=1, OUTPUT=str(out))
    assert result["OUTPUT"] == str(out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="nl">' in text
    # the council's summary first (issue 18), then the key figures
    assert _headings(text)[:2] == ["Samenvatting", "Kerncijfers"]
    assert "Bijlage A. Methode en bronnen" in _headings(text)  # an appendix (issue 18)
    assert "Straten waar dit type het meest voorkomt" in text
    # every type of the data by its Dutch name, with the street where it is found most
    streets = analysis["STREETS_OUT"]
    names = {f["type_key"]: f["type_name_nl"] for f in streets.getFeatures()
             if f["type_key"] in ARCHETYPES}
    assert names
    strongest = _strongest_streets(streets)
    for key, name in names.items():
        assert html.escape(name) in text, name
        assert html.escape(strongest[key]) in text, (key, strongest[key])
    # the layers carry no run date: the page says so instead of "?"
    assert "datum en versie niet bekend" in text
    # no local path, no script
    for path in (tmp_path, demo_gpkg.parent, Path.home()):
        assert str(path) not in text
    assert "<script" not in text.lower()
    assert "OpenStreetMap" in text
    assert not list(tmp_path.glob(".*"))  # no temporary file left beside it


def test_report_in_english_from_a_run_geopackage(wijkkracht_run: Any, tmp_path: Path,
                                                 qgis_language: Any) -> None:
    from wijkkracht.demo import analyse_demo
    from wijkkracht.output.gpkg import write_gpkg

    qgis_language("nl")
    gpkg = write_gpkg(analyse_demo(), tmp_path / "wijkkracht.gpkg", lang="en")
    out = tmp_path / "report.html"
    wijkkracht_run("report", RESULT=str(gpkg), LANGUAGE=1, OUTPUT=str(out))
    text = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert _headings(text)[:2] == ["Summary of findings", "Key figures"]
    # the run's metadata: its date and version, and the SYNTHETIC notice of the demo's BAG/KvK
    assert "Analysis of 20" in text and "SYNTHETIC" in text
    # by default the interactive map is in the page itself (one file, nothing beside it)
    assert "srcdoc=" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "wijkkracht.gpkg"]
    assert str(tmp_path) not in text


def test_report_refuses_unclear_input(wijkkracht_run: Any, analysis: dict[str, Any],
                                      tmp_path: Path, qgis_language: Any) -> None:
    from qgis.core import QgsProcessingException

    qgis_language("en")
    out = tmp_path / "report.html"
    with pytest.raises(QgsProcessingException, match="profile of the types"):
        wijkkracht_run("report", STREETS=analysis["STREETS_OUT"], MAP=1, OUTPUT=str(out))
    with pytest.raises(QgsProcessingException, match="not both"):
        wijkkracht_run("report", RESULT=str(tmp_path / "x.gpkg"),
                       STREETS=analysis["STREETS_OUT"], PROFILE=analysis["PROFILE"], MAP=1,
                       OUTPUT=str(out))
    assert not out.exists()
