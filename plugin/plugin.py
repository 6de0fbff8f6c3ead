"""The QGIS plugin class QGIS instantiates through :func:`wijkkracht.classFactory`.

This first version offers one menu action that runs the analysis on the bundled Kanaleneiland
data and adds the styled GeoPackage layers to the project. The Processing provider with the
full set of algorithms is built on top of this class.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsMessageLog, QgsProject, QgsVectorLayer  # type: ignore[import-not-found]
from qgis.PyQt.QtWidgets import QAction  # type: ignore[import-not-found]

MENU = "&wijkkracht"


class WijkkrachtPlugin:
    """Menu entry *wijkkracht → Demo: Kanaleneiland*."""

    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.action: QAction | None = None

    def initGui(self) -> None:  # noqa: N802 (QGIS's name)
        self.action = QAction("Demo: Kanaleneiland (OpenStreetMap)", self.iface.mainWindow())
        self.action.triggered.connect(self.run_demo)
        self.iface.addPluginToMenu(MENU, self.action)

    def unload(self) -> None:
        if self.action is not None:
            self.iface.removePluginMenu(MENU, self.action)
            self.action = None

    def run_demo(self) -> None:
        """Run the demo analysis and add its layers (styled from the GeoPackage)."""
        from ..core.errors import WijkkrachtError
        from ..core.pipeline import analyse_demo
        from ..output.writer import write_outputs

        try:
            result = analyse_demo()
            out = Path(tempfile.mkdtemp(prefix="wijkkracht-"))
            paths = write_outputs(result, out)
        except WijkkrachtError as exc:
            self.iface.messageBar().pushMessage("wijkkracht", str(exc), level=Qgis.Critical)
            return
        gpkg = str(paths["gpkg"])
        for layer_name in ("area", "streets", "pois"):
            layer = QgsVectorLayer(f"{gpkg}|layername={layer_name}", layer_name, "ogr")
            if layer.isValid():
                QgsProject.instance().addMapLayer(layer)
        QgsMessageLog.logMessage(f"wijkkracht demo written to {out}", "wijkkracht", Qgis.Info)
