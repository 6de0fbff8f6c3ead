"""The QGIS plugin class QGIS instantiates through :func:`wijkkracht.classFactory`.

* :meth:`WijkkrachtPlugin.initProcessing` registers the Processing provider (QGIS calls it
  also without a GUI, e.g. in ``qgis_process``);
* :meth:`WijkkrachtPlugin.initGui` does that too, adds the menu entries *wijkkracht > Demo:
  Kanaleneiland* and *wijkkracht > Install missing packages*, and shows in the message bar
  which algorithms are missing Python packages, with a button that installs them
  (:mod:`.install_dialog`); the algorithms then appear without restarting QGIS.

Packages installed that way live in the profile's ``python/dependencies`` folder (qpip's), put
on ``sys.path`` when the plugin is made (:func:`wijkkracht.processing.installer.activate`).

Starting the plugin imports no geo library: the provider checks for packages without importing
them, so a missing or broken package cannot stop QGIS from starting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    Qgis,
    QgsApplication,
    QgsMessageLog,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QIcon  # type: ignore[import-not-found]

from ..processing import installer
from ..processing.base import ICON
from ..processing.compat import QAction
from ..processing.i18n import tr
from ..processing.provider import LOG_TAG, PROVIDER_ID, WijkkrachtProvider

__all__ = ["WijkkrachtPlugin", "DEMO_GPKG", "MENU"]

MENU = "&wijkkracht"
#: The bundled demo data (real OpenStreetMap data of Kanaleneiland, Utrecht).
DEMO_GPKG = Path(__file__).resolve().parents[1] / "data" / "kanaleneiland.gpkg"
#: Demo layers: GeoPackage layer -> parameter of the neighbourhood analysis.
DEMO_LAYERS = {"streets": "STREETS", "pois": "POIS", "study_area": "AREA"}


class WijkkrachtPlugin:
    """The wijkkracht plugin: Processing provider, demo menu entry, dependency message."""

    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.provider: WijkkrachtProvider | None = None
        self.action: QAction | None = None
        self.install_action: QAction | None = None
        self.installer: Any = None
        #: The profile's folder of installed packages (qpip's), on sys.path from now on.
        self.dependencies = installer.dependencies_folder(QgsApplication.qgisSettingsDirPath())
        installer.activate(self.dependencies)

    def initProcessing(self) -> None:  # noqa: N802 (QGIS's name)
        """Register the Processing provider (once)."""
        if self.provider is None:
            self.provider = WijkkrachtProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS's name)
        """Provider, menu entry, and the message about missing packages."""
        self.initProcessing()
        self.action = QAction(QIcon(str(ICON)), tr("Demo: Kanaleneiland (OpenStreetMap)"),
                              self.iface.mainWindow())
        self.action.triggered.connect(self.run_demo)
        self.iface.addPluginToMenu(MENU, self.action)
        self.install_action = QAction(tr("Install missing packages…"), self.iface.mainWindow())
        self.install_action.triggered.connect(self.install_missing)
        self.iface.addPluginToMenu(MENU, self.install_action)
        self.report_missing()

    def report_missing(self) -> str | None:
        """Show in the message bar which algorithms miss packages, with a button that installs
        them (also in the QGIS log)."""
        message = self.provider.missing_message() if self.provider is not None else None
        if not message or self.iface is None:
            return message
        bar = self.iface.messageBar()
        if hasattr(bar, "createMessage") and hasattr(bar, "pushWidget"):
            from qgis.PyQt.QtWidgets import QPushButton  # type: ignore[import-not-found]

            item = bar.createMessage("wijkkracht", message)
            button = QPushButton(tr("Install missing packages"), item)
            button.setObjectName("wijkkrachtInstallButton")
            button.clicked.connect(self.install_missing)
            item.layout().addWidget(button)
            bar.pushWidget(item, Qgis.MessageLevel.Warning, 0)
        else:  # a stand-in without widgets (tests)
            bar.pushMessage("wijkkracht", message, level=Qgis.MessageLevel.Warning, duration=0)
        return message

    def install_missing(self) -> Any:
        """Install the missing packages into the profile (dialog with progress, cancel, log);
        on success the algorithms are reloaded. Returns the running installer (or None)."""
        from .install_dialog import run_installer

        if self.installer is not None and not self.installer.done:
            return self.installer
        parent = self.iface.mainWindow() if self.iface is not None else None
        self.installer = run_installer(self.dependencies, parent, self._installed)
        return self.installer

    def _installed(self, ok: bool, summary: str) -> None:
        if self.provider is not None:
            self.provider.refreshAlgorithms()
        missing = self.provider.missing_message() if self.provider is not None else None
        if self.iface is None:
            return
        if ok and not missing:
            self.iface.messageBar().clearWidgets()
            self.iface.messageBar().pushMessage(
                "wijkkracht", tr("Packages installed; every algorithm is available.") + " "
                + summary, level=Qgis.MessageLevel.Success, duration=0)
        else:
            self.iface.messageBar().pushMessage(
                "wijkkracht", summary + (" " + missing if missing else ""),
                level=Qgis.MessageLevel.Warning, duration=0)

    def unload(self) -> None:
        """Remove the provider and the menu entry."""
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        for action in (self.action, self.install_action):
            if action is not None:
                self.iface.removePluginMenu(MENU, action)
        self.action = self.install_action = None

    def run_demo(self) -> None:
        """Add the demo layers and open the neighbourhood analysis with them filled in."""
        from qgis import processing  # QGIS's Processing (run, execAlgorithmDialog, ...)

        alg_id = f"{PROVIDER_ID}:neighbourhoodanalysis"
        if QgsApplication.processingRegistry().algorithmById(alg_id) is None:
            message = self.report_missing() or tr("The neighbourhood analysis is not available.")
            QgsMessageLog.logMessage(message, LOG_TAG, Qgis.MessageLevel.Warning)
            return
        parameters = {}
        for layer_name, key in DEMO_LAYERS.items():
            layer = QgsVectorLayer(f"{DEMO_GPKG}|layername={layer_name}",
                                   f"Kanaleneiland {layer_name}", "ogr")
            if not layer.isValid():
                self.iface.messageBar().pushMessage(
                    "wijkkracht", tr("Cannot open the demo data: {}").format(DEMO_GPKG),
                    level=Qgis.MessageLevel.Critical)
                return
            QgsProject.instance().addMapLayer(layer)
            parameters[key] = layer
        processing.execAlgorithmDialog(alg_id, parameters)
