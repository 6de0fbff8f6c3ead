"""The styled result as QGIS draws it: the demo GeoPackage rendered to a PNG by a real QGIS.

The analysis runs here (:func:`wijkkracht.demo.analyse_demo`, written by
:func:`wijkkracht.output.writer.write_outputs`); one QGIS subprocess opens the layers
``streets``, ``pois`` and ``area`` — their styles come from the GeoPackage's ``layer_styles``
table, as when a user drags the file into QGIS — and renders them with
``QgsMapRendererParallelJob`` to ``qgis_map.png``, then exports the same layers in a print layout
(title, legend filtered to the map's content, scale bar, OSM attribution) to
``qgis_layout.png``. Both stay in ``.cache/screenshots/`` (override with
``WIJKKRACHT_SCREENSHOTS``) for people to look at; ``docs/img/qgis.png`` (the README's
screenshot) is a copy of a good ``qgis_layout.png``.

Skipped where QGIS cannot be imported, unless ``WIJKKRACHT_REQUIRE_QGIS=1`` (then it fails).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pytest

from wijkkracht.demo import analyse_demo
from wijkkracht.output.writer import write_outputs
from wijkkracht.styles import hex_to_rgb, type_colors

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("WIJKKRACHT_SCREENSHOTS", REPO / ".cache" / "screenshots"))
WIDTH, HEIGHT = 1200, 900
BACKGROUND = (255, 255, 255)
#: Print layout: A4 landscape at this resolution (the README's screenshot).
LAYOUT_DPI = 110
#: Layout texts, Dutch like the layers' style labels (the web map uses the same words).
LAYOUT_TEXT = {"title": "wijkkracht · Kanaleneiland (Utrecht): kansen per straat",
               "legend": "Legenda", "streets": "Kansentypen", "pois": "Voorzieningen",
               "area": "Onderzoeksgebied"}

# Runs in the QGIS subprocess: argv = gpkg, png, width, height, layout png, layout texts (JSON),
# layout dpi. Prints one line "RESULT {json}".
_RENDER = textwrap.dedent("""
    import json, os, sys
    from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings,
                           QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    gpkg, png, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    layers = {name: QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
              for name in ("pois", "streets", "area")}
    out = {"layers": {name: {"valid": layer.isValid(), "features": layer.featureCount(),
                             "renderer": layer.renderer().type() if layer.renderer() else None}
                      for name, layer in layers.items()}}
    settings = QgsMapSettings()
    settings.setLayers([layers["pois"], layers["streets"], layers["area"]])  # top first
    settings.setDestinationCrs(layers["streets"].crs())
    extent = layers["streets"].extent()
    extent.combineExtentWith(layers["area"].extent())
    extent.scale(1.04)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(width, height))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    out["errors"] = [f"{e.layerID}: {e.message}" for e in job.errors()]
    out["saved"] = job.renderedImage().save(png, "PNG")

    # The same layers in a print layout (title, legend, scale bar, OSM attribution): what a
    # planner exports from QGIS, and the README's screenshot.
    from qgis.core import (QgsLayoutExporter, QgsLayoutItemLabel, QgsLayoutItemLegend,
                           QgsLayoutItemMap, QgsLayoutItemScaleBar, QgsLayoutPoint,
                           QgsLayoutSize, QgsLegendStyle, QgsPrintLayout,
                           QgsProject, QgsScaleBarSettings, QgsUnitTypes)
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QFont

    titles = json.loads(sys.argv[6])
    project = QgsProject.instance()
    project.setCrs(settings.destinationCrs())
    for name in ("pois", "streets", "area"):  # top first, as on the map
        layers[name].setName(titles[name])
        project.addMapLayer(layers[name], False)
        project.layerTreeRoot().addLayer(layers[name])
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 landscape page, 297 x 210 mm

    def label(text, x, y, w, h, size, bold=False):
        item = QgsLayoutItemLabel(layout)
        layout.addLayoutItem(item)
        item.setText(text)
        font = QFont()
        font.setPointSizeF(size)
        font.setBold(bold)
        item.setFont(font)
        item.setHAlign(Qt.AlignLeft)
        item.attemptMove(QgsLayoutPoint(x, y))
        item.attemptResize(QgsLayoutSize(w, h))
        return item

    def font(size, bold=False):
        f = QFont()
        f.setPointSizeF(size)
        f.setBold(bold)
        return f

    label(titles["title"], 6, 5, 285, 10, 16, bold=True)
    map_item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(map_item)
    map_item.attemptMove(QgsLayoutPoint(6, 16))
    map_item.attemptResize(QgsLayoutSize(180, 180))
    map_item.setLayers(settings.layers())
    map_item.setCrs(settings.destinationCrs())
    map_item.setExtent(extent)  # (zoomToExtent() of an item without an extent gives NaN)
    map_item.attemptResize(QgsLayoutSize(180, 180))
    map_item.zoomToExtent(extent)
    map_item.setFrameEnabled(True)
    label(titles["attribution"], 6, 197, 180, 8, 7)
    legend = QgsLayoutItemLegend(layout)
    layout.addLayoutItem(legend)
    legend.setTitle(titles["legend"])
    legend.setLinkedMap(map_item)
    legend.setLegendFilterByMapEnabled(True)  # only the types and classes on this map
    legend.rstyle(QgsLegendStyle.Title).setFont(font(13, bold=True))
    legend.rstyle(QgsLegendStyle.Subgroup).setFont(font(11, bold=True))
    legend.rstyle(QgsLegendStyle.SymbolLabel).setFont(font(10))
    legend.attemptMove(QgsLayoutPoint(192, 16))
    legend.updateFilterByMap(False)
    scalebar = QgsLayoutItemScaleBar(layout)
    layout.addLayoutItem(scalebar)
    scalebar.setStyle("Single Box")
    scalebar.setLinkedMap(map_item)
    scalebar.setUnits(QgsUnitTypes.DistanceMeters)
    scalebar.setUnitLabel("m")
    scalebar.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeFixed)
    scalebar.setUnitsPerSegment(250)
    scalebar.setNumberOfSegments(2)
    scalebar.setNumberOfSegmentsLeft(0)
    scalebar.attemptMove(QgsLayoutPoint(192, 182))
    export = QgsLayoutExporter.ImageExportSettings()
    export.dpi = int(sys.argv[7])
    out["layout_export"] = QgsLayoutExporter(layout).exportToImage(sys.argv[5], export)
    model = legend.model()
    out["legend"] = {
        node.name(): [n.data(Qt.DisplayRole) for n in model.layerLegendNodes(node)]
        for node in project.layerTreeRoot().findLayers()
    }
    print("RESULT " + json.dumps(out), flush=True)
    os._exit(0)  # never exitQgis() with layers alive (segfaults on 3.22)
""")


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail where the QGIS tests must run (``WIJKKRACHT_REQUIRE_QGIS=1``)."""
    if os.environ.get("WIJKKRACHT_REQUIRE_QGIS") == "1":
        pytest.fail(f"QGIS test required but {reason}")
    pytest.skip(reason)


def _qgis_env(tmp: Path) -> dict[str, str]:
    """Environment for a headless QGIS that touches no user profile."""
    runtime = tmp / "xdg-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    (tmp / "qgis-config").mkdir(exist_ok=True)
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime),
            "QGIS_CUSTOM_CONFIG_PATH": str(tmp / "qgis-config")}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Render the demo outputs once: QGIS's report, the PNG's pixels and the type keys used."""
    if importlib.util.find_spec("qgis") is None:
        _unavailable(f"{sys.executable} cannot import qgis (run the tests in the QGIS venv "
                     "that scripts/test.sh builds)")
    tmp = tmp_path_factory.mktemp("render")
    result = analyse_demo()
    gpkg = write_outputs(result, tmp / "out")["gpkg"]
    script = tmp / "render.py"
    script.write_text(_RENDER, encoding="utf-8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = SCREENSHOTS / "qgis_map.png"
    layout_png = SCREENSHOTS / "qgis_layout.png"
    for old in (png, layout_png):
        old.unlink(missing_ok=True)
    titles = {**LAYOUT_TEXT, "attribution": result.attribution}
    done = subprocess.run([sys.executable, str(script), str(gpkg), str(png), str(WIDTH),
                           str(HEIGHT), str(layout_png), json.dumps(titles), str(LAYOUT_DPI)],
                          capture_output=True, text=True, timeout=180, check=False,
                          env=_qgis_env(tmp))
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"QGIS render failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    report: dict[str, Any] = json.loads(lines[-1][len("RESULT "):])
    from PIL import Image

    with Image.open(png) as image:
        pixels = np.asarray(image.convert("RGB"))
    with Image.open(layout_png) as image:
        layout_pixels = np.asarray(image.convert("RGB"))
    names = result.streets.drop_duplicates("type_key").set_index("type_key")["type_name_nl"]
    return {"report": report, "pixels": pixels, "png": png, "layout_pixels": layout_pixels,
            "type_keys": sorted(result.streets["type_key"].dropna().unique()),
            "type_names": names.to_dict(), "segments": len(result.streets),
            "pois": len(result.pois)}


def _pixels_near(pixels: np.ndarray, color: str, tolerance: int = 6) -> int:
    """How many pixels are within ``tolerance`` (per channel) of ``#rrggbb``."""
    target = np.array(hex_to_rgb(color), dtype=np.int16)
    return int((np.abs(pixels.astype(np.int16) - target) <= tolerance).all(axis=-1).sum())


def test_layers_open_styled_and_complete(rendered: dict[str, Any]) -> None:
    layers = rendered["report"]["layers"]
    assert all(info["valid"] for info in layers.values()), layers
    assert layers["streets"]["renderer"] == "categorizedSymbol"
    assert layers["pois"]["renderer"] == "categorizedSymbol"
    assert layers["area"]["renderer"] == "singleSymbol"
    # every study-area segment of the analysis, no more, no less
    assert layers["streets"]["features"] == rendered["segments"] > 1000
    assert layers["pois"]["features"] == rendered["pois"]
    assert layers["area"]["features"] == 1
    assert rendered["report"]["errors"] == []


def test_map_png_is_written_and_not_blank(rendered: dict[str, Any]) -> None:
    assert rendered["report"]["saved"] and rendered["png"].stat().st_size > 10_000
    pixels = rendered["pixels"]
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    drawn = (pixels != np.array(BACKGROUND, dtype=np.uint8)).any(axis=-1).mean()
    assert 0.05 < drawn < 0.9, f"{drawn:.1%} of the pixels are drawn"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50


def test_every_opportunity_type_colour_is_on_the_map(rendered: dict[str, Any]) -> None:
    """Each type in the data shows in its colour from the style spec (the legend's promise)."""
    colors = type_colors(rendered["type_keys"])  # with the data's neutral types
    assert rendered["type_keys"] and set(rendered["type_keys"]) <= set(colors)
    counts = {key: _pixels_near(rendered["pixels"], colors[key]) for key in rendered["type_keys"]}
    assert all(n >= 200 for n in counts.values()), counts


def test_layout_legend_names_the_types_on_the_map(rendered: dict[str, Any]) -> None:
    """The exported layout's legend lists exactly the types in the data, by their Dutch name."""
    assert rendered["report"]["layout_export"] == 0  # QgsLayoutExporter.Success
    legend = rendered["report"]["legend"]
    assert sorted(legend["Kansentypen"]) == sorted(rendered["type_names"].values())
    assert legend["Onderzoeksgebied"] == ["Onderzoeksgebied"]
    assert {"Noodzakelijk", "Onderscheidend"} <= set(legend["Voorzieningen"])
    pixels = rendered["layout_pixels"]
    assert pixels.shape == (round(210 / 25.4 * LAYOUT_DPI), round(297 / 25.4 * LAYOUT_DPI), 3)
    colors = type_colors(rendered["type_keys"])  # with the data's neutral types
    assert all(_pixels_near(pixels, colors[key]) >= 100 for key in rendered["type_keys"])
