"""Open the GeoPackage in a real QGIS (3.22+) and check that every layer comes up styled.

QGIS's Python is Debian's (``/usr/bin/python3`` with ``python3-qgis``), not this venv's, so the
check runs in a subprocess. Skipped where QGIS is not installed (set ``WIJKKRACHT_QGIS_PYTHON``
to another interpreter that can ``import qgis.core``).
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

import pytest

from wijkkracht.core.result import AnalysisResult
from wijkkracht.core.streets import KINDS
from wijkkracht.output.gpkg import write_gpkg
from wijkkracht.styles import indicator_style, key_indicators, type_colors

QGIS_PYTHON = os.environ.get("WIJKKRACHT_QGIS_PYTHON", "/usr/bin/python3")


def _qgis_env() -> dict[str, str]:
    """QGIS's Python without this venv's PYTHONPATH; with ``WIJKKRACHT_QGIS_PYTHONPATH`` (the
    QGIS 3.22 pass of scripts/test.sh: that QGIS's bindings) as its PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    if os.environ.get("WIJKKRACHT_QGIS_PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["WIJKKRACHT_QGIS_PYTHONPATH"]
    return env

_CHECK = textwrap.dedent("""
    import json, os, sys, tempfile
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    runtime = tempfile.mkdtemp()
    os.chmod(runtime, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = runtime
    from qgis.core import Qgis, QgsApplication, QgsVectorLayer
    from qgis.PyQt.QtXml import QDomDocument

    app = QgsApplication([], False)
    app.initQgis()
    gpkg = sys.argv[1]
    out = {"version": Qgis.QGIS_VERSION, "layers": {}, "styles": {}}
    for name in sys.argv[2:] or ("streets", "named_streets", "pois", "area"):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        renderer = layer.renderer()
        info = {"valid": layer.isValid(), "renderer": renderer.type(),
                "crs": layer.crs().authid(), "abstract": layer.metadata().abstract()}
        if renderer.type() == "categorizedSymbol":
            info["categories"] = {c.value(): [c.label(), c.symbol().color().name()]
                                  for c in renderer.categories()}
        if name == "areas":
            info["alias"] = layer.attributeAlias(layer.fields().indexOf("mxi_400_mean"))
            info["color"] = renderer.symbol().symbolLayer(0).color().name()
        if name in ("streets", "named_streets"):
            fields = [f.name() for f in layer.fields()]
            info["aliases"] = {f: layer.attributeAlias(i) for i, f in enumerate(fields)}
            info["features"] = layer.featureCount()
            info["geometry"] = layer.wkbType()
            info["levels"] = renderer.usingSymbolLevels()
            info["widths"] = {c.value(): c.symbol().width() for c in renderer.categories()}
            info["passes"] = {c.value(): c.symbol().symbolLayer(0).renderingPass()
                              for c in renderer.categories()}
            kind = layer.fields().indexOf("kind")
            if kind >= 0:
                setup = layer.editorWidgetSetup(kind)
                info["kind_widget"] = setup.type()
                info["kind_map"] = setup.config().get("map")
        out["layers"][name] = info
    streets = QgsVectorLayer(f"{gpkg}|layername=streets", "streets", "ogr")
    out["alias"] = streets.attributeAlias(streets.fields().indexOf("dist_supermarket_m"))
    count, ids, names, descriptions, error = streets.listStylesInDatabase()
    for sid, name in list(zip(ids, names))[:count]:  # the first `count` are this layer's
        qml, error = streets.getStyleFromDatabase(sid)
        doc = QDomDocument()
        doc.setContent(qml)
        probe = QgsVectorLayer(f"{gpkg}|layername=streets", "probe", "ogr")
        ok, message = probe.importNamedStyle(doc)
        renderer = probe.renderer()
        ranges = []
        if renderer.type() == "graduatedSymbol":
            ranges = [[r.lowerValue(), r.upperValue(), r.symbol().color().name()]
                      for r in renderer.ranges()]
        out["styles"][name] = {"ok": ok, "message": message, "renderer": renderer.type(),
                               "ranges": ranges, "attr": renderer.classAttribute()
                               if renderer.type() == "graduatedSymbol" else None}
    print("RESULT " + json.dumps(out))
    os._exit(0)  # exitQgis() can crash at exit on some builds; the check is done
""")


def _qgis_available() -> bool:
    try:
        done = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@pytest.fixture(scope="module")
def qgis_view(result: AnalysisResult, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not _qgis_available():
        pytest.skip(f"QGIS's Python ({QGIS_PYTHON} with qgis.core) is not installed")
    folder = tmp_path_factory.mktemp("qgis")
    gpkg = write_gpkg(result, folder / "wijkkracht.gpkg", lang="en")
    script = folder / "check.py"
    script.write_text(_CHECK, encoding="utf-8")
    env = _qgis_env()
    done = subprocess.run([QGIS_PYTHON, str(script), str(gpkg)], capture_output=True, text=True,
                          timeout=180, check=False, env=env)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"QGIS check failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1][len("RESULT "):])


def test_layers_open_styled_in_qgis(qgis_view: dict, result: AnalysisResult) -> None:
    layers = qgis_view["layers"]
    assert all(info["valid"] and info["crs"] == "EPSG:28992" for info in layers.values())
    assert layers["streets"]["renderer"] == "categorizedSymbol"
    assert layers["pois"]["renderer"] == "categorizedSymbol"
    assert layers["area"]["renderer"] == "singleSymbol"
    cats = layers["streets"]["categories"]
    # the archetypes, and every type of the data (a neutral type, a second type of an
    # archetype) in its own colour
    assert {k: v[1] for k, v in cats.items()} == \
        {k: c.lower() for k, c in type_colors(result.streets["type_key"]).items()}
    names = result.streets.drop_duplicates("type_key").set_index("type_key")["type_name_en"]
    assert all(cats[key][0] == name for key, name in names.items())
    assert set(layers["pois"]["categories"]) == {"N", "O", "other", "vacant"}
    assert "OpenStreetMap" in layers["streets"]["abstract"]
    assert qgis_view["alias"] == "Walking distance supermarket (m)"


def test_streets_fields_and_path_style_in_qgis(qgis_view: dict) -> None:
    """The segment fields of issue 14 have their aliases, the kind shows its label, and the
    paths and streets without a type are drawn thin and under the typed streets."""
    streets = qgis_view["layers"]["streets"]
    aliases = streets["aliases"]
    assert aliases["kind"] == "Segment kind"
    assert aliases["is_street"] == "Street (counts in the street totals)"
    assert aliases["street_id"] == "Named street"
    assert aliases["fronting_n"] == "Addresses or buildings fronting it"
    assert streets["kind_widget"] == "ValueMap"
    shown = {list(item.values())[0]: list(item.keys())[0] for item in streets["kind_map"]}
    assert shown == {key: label.en for key, label in KINDS.items()}
    assert streets["levels"] is True
    width, passes = streets["widths"], streets["passes"]
    assert width["untyped_path"] < width["untyped_street"] < width["lively_centre"]
    assert passes["untyped_path"] < passes["untyped_street"] < passes["lively_centre"]


def test_named_streets_layer_opens_styled_with_aliases(qgis_view: dict,
                                                       result: AnalysisResult) -> None:
    named = qgis_view["layers"]["named_streets"]
    assert named["valid"] and named["crs"] == "EPSG:28992"
    assert named["features"] == len(result.named_streets)
    assert named["geometry"] in (5, 1005)  # MultiLineString (QgsWkbTypes)
    assert named["renderer"] == "categorizedSymbol"
    cats = named["categories"]
    assert {k: v[1] for k, v in cats.items()} == \
        {k: c.lower() for k, c in type_colors(result.streets["type_key"]).items()}
    names = result.named_streets.drop_duplicates("main_type_key").set_index(
        "main_type_key")["main_type_en"]
    assert all(cats[key][0] == name for key, name in names.items())
    aliases = named["aliases"]
    labels = result.named_streets.attrs["labels"]
    for column, lab in labels.items():
        assert aliases[column].startswith(f"{lab['en']} ({lab['unit_en']}), "), column
    assert aliases["dist_supermarket_m_mean"] == \
        "Walking distance supermarket (m), mean weighted by street length"
    assert aliases["main_type_en"] == "Main type (most length)"
    assert aliases["types_en"] == "Opportunity types (share of length)"
    assert "Named streets" in named["abstract"] and "OpenStreetMap" in named["abstract"]


def test_indicator_styles_load_in_qgis(qgis_view: dict) -> None:
    # named by the indicator's title (whole: QGIS lists names longer than its TEXT(30))
    from wijkkracht.core.indicators.registry import indicator

    styles = {st["attr"]: (name, st) for name, st in qgis_view["styles"].items() if st["attr"]}
    assert set(key_indicators()) <= set(styles)
    for key in key_indicators():
        name, st = styles[key]
        assert name == indicator(key).title("en")
        assert st["ok"], st["message"]
        assert st["renderer"] == "graduatedSymbol"
        assert [r[2] for r in st["ranges"]] == [c.lower() for c in indicator_style(key).colors]



def test_cbs_areas_layer_opens_styled_with_aliases(tmp_path) -> None:
    from pathlib import Path

    from wijkkracht.data_sources.areas import read_areas
    from wijkkracht.demo import analyse_demo
    from wijkkracht.styles import areas_style

    if not _qgis_available():
        pytest.skip(f"QGIS's Python ({QGIS_PYTHON} with qgis.core) is not installed")
    fixture = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
    result = analyse_demo(areas=read_areas(fixture))
    gpkg = write_gpkg(result, tmp_path / "areas.gpkg", lang="en")
    script = tmp_path / "check.py"
    script.write_text(_CHECK, encoding="utf-8")
    env = _qgis_env()
    done = subprocess.run([QGIS_PYTHON, str(script), str(gpkg), "areas"], capture_output=True,
                          text=True, timeout=180, check=False, env=env)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"QGIS check failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    areas = json.loads(lines[-1][len("RESULT "):])["layers"]["areas"]
    assert areas["valid"] and areas["crs"] == "EPSG:28992"
    assert areas["renderer"] == "singleSymbol"
    assert areas["color"] == areas_style().color.lower()
    assert areas["alias"] == ("Mixed-use Index within 400 m (MXI) (share (0–1)), mean weighted "
                              "by street length")
