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
from wijkkracht.output.gpkg import write_gpkg
from wijkkracht.styles import indicator_style, key_indicators, type_colors

QGIS_PYTHON = os.environ.get("WIJKKRACHT_QGIS_PYTHON", "/usr/bin/python3")

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
    for name in sys.argv[2:] or ("streets", "pois", "area"):
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
                               "ranges": ranges}
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
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
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
    assert {k: v[1] for k, v in cats.items()} == {k: c.lower() for k, c in type_colors().items()}
    names = result.streets.drop_duplicates("type_key").set_index("type_key")["type_name_en"]
    assert all(cats[key][0] == name for key, name in names.items())
    assert set(layers["pois"]["categories"]) == {"N", "O", "other", "vacant"}
    assert "OpenStreetMap" in layers["streets"]["abstract"]
    assert qgis_view["alias"] == "Walking distance supermarket (m)"


def test_indicator_styles_load_in_qgis(qgis_view: dict) -> None:
    styles = qgis_view["styles"]
    assert set(key_indicators()) <= set(styles)
    for name in key_indicators():
        st = styles[name]
        assert st["ok"], st["message"]
        assert st["renderer"] == "graduatedSymbol"
        assert [r[2] for r in st["ranges"]] == [c.lower() for c in indicator_style(name).colors]



def test_cbs_areas_layer_opens_styled_with_aliases(tmp_path) -> None:
    from pathlib import Path

    from wijkkracht.core.pipeline import analyse_demo
    from wijkkracht.data_sources.areas import read_areas
    from wijkkracht.styles import areas_style

    if not _qgis_available():
        pytest.skip(f"QGIS's Python ({QGIS_PYTHON} with qgis.core) is not installed")
    fixture = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
    result = analyse_demo(areas=read_areas(fixture))
    gpkg = write_gpkg(result, tmp_path / "areas.gpkg", lang="en")
    script = tmp_path / "check.py"
    script.write_text(_CHECK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
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
