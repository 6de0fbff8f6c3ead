"""Fixtures for tests that run inside a real QGIS (3.22+), in the pytest process itself.

How QGIS is started (once per session, by the first test that needs it):

1. ``QT_QPA_PLATFORM=offscreen`` and ``XDG_RUNTIME_DIR`` (a fresh 0700 folder) are set, so Qt
   needs no display;
2. ``QgsApplication([], False, <temporary profile folder>)`` and ``initQgis()``, with
   ``QGIS_CUSTOM_CONFIG_PATH`` set to that folder: headless, with its own settings, so the tests
   never touch a user's QGIS profile (nor share settings such as the language between test
   processes running at once);
3. QGIS's own Processing (``/usr/share/qgis/python/plugins``, override with
   ``WIJKKRACHT_QGIS_PLUGINS``) is put on ``sys.path`` and initialised, which also fills
   ``qgis.processing`` (``run``, ``runAndLoadResults``, ...);
4. the plugin is loaded the way QGIS loads it: a temporary plugin folder holds a symlink
   ``wijkkracht`` -> the repository root, and ``qgis.utils`` finds it
   (``plugin_paths``, ``updateAvailablePlugins``), imports it (``loadPlugin``) and starts its
   Processing part (``startProcessingPlugin``, which calls ``classFactory`` and
   ``initProcessing``).

References to the application, the plugin and its provider are kept for the whole session
(:data:`_KEEP`): a provider whose Python object is collected disappears ("Algorithm ... not
found"). ``exitQgis()`` is never called: QGIS 3.22 crashes in it when layers are still alive,
which would fail the run after the tests passed.

Where ``qgis`` cannot be imported the tests are skipped, unless ``WIJKKRACHT_REQUIRE_QGIS=1``
(set by ``scripts/test.sh``): then they fail.

Fixtures for other tests (session-scoped unless noted):

``qgis_app``
    The running ``QgsApplication``.
``qgis_processing``
    QGIS's ``processing`` module (``processing.run(...)``), after ``Processing.initialize()``.
``wijkkracht_plugin``
    The plugin instance QGIS made (``qgis.utils.plugins["wijkkracht"]``).
``wijkkracht_provider``
    The ``QgsProcessingProvider`` with id ``wijkkracht``.
``demo_gpkg``
    A copy of ``data/kanaleneiland.gpkg`` in a temporary folder (QGIS may write beside a
    GeoPackage it opens; the repository's copy stays untouched).
``demo_layers``
    ``{"streets", "pois", "study_area"}`` -> ``QgsVectorLayer`` of ``demo_gpkg``, read by QGIS.
``qgis_language`` (function scope)
    ``qgis_language("nl")`` sets QGIS's user locale for one test (restored afterwards).
``fake_iface`` (function scope)
    A stand-in for ``qgis.utils.iface`` that records message-bar messages and menu entries.
``wijkkracht_run``
    ``wijkkracht_run(alg, feedback=None, **params)``: ``processing.run`` of
    ``wijkkracht:<alg>`` with a temporary layer for every output layer not given.
``frame_of_layer``
    ``frame_of_layer(layer)``: a QGIS layer's attributes (NULL -> None) and geometry (shapely)
    as a DataFrame, read with QGIS's API alone (independent of wijkkracht's conversion).
``project`` (function scope)
    The ``QgsProject``, emptied of its layers after the test.
``run_and_load`` (function scope)
    ``run_and_load(alg, **params)``: ``processing.runAndLoadResults`` of ``wijkkracht:<alg>``,
    as the toolbox runs it, with a temporary layer for every output layer not given; returns
    ``{output: layer}`` of the layers loaded into ``project``.
``synthetic`` (module scope)
    ``{"bag", "establishments"}`` -> the SYNTHETIC BAG GeoPackage and establishments CSV for
    Kanaleneiland (seed 0), written to a temporary folder.
``osm_replay``
    ``tests/data_sources/conftest.py`` as a module (``LocalOsmServer``, ``PLACE_QUERY``,
    ``WINDOW_RD``, ...).
``no_internet`` (function scope)
    Fails any connection other than to this machine (``pytest.mark.usefixtures``).
``osm_server`` (function scope)
    The local stand-in for Nominatim and Overpass of the data-source tests, replaying stored
    answers (``overpass_url``, ``nominatim_url``, ``requests``); stopped after the test.

Helpers importable from test modules are not possible (``--import-mode=importlib``); use the
fixtures.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN_NAME = "wijkkracht"
QGIS_PLUGINS = Path(os.environ.get("WIJKKRACHT_QGIS_PLUGINS", "/usr/share/qgis/python/plugins"))

#: Objects that must live as long as the session (see the module documentation).
_KEEP: list[Any] = []


def qgis_unavailable(reason: str) -> NoReturn:
    """Skip, or fail where the QGIS tests must run (``WIJKKRACHT_REQUIRE_QGIS=1``)."""
    if os.environ.get("WIJKKRACHT_REQUIRE_QGIS") == "1":
        pytest.fail(f"QGIS test required but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def qgis_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The headless ``QgsApplication`` (started once, never exited)."""
    if importlib.util.find_spec("qgis") is None:
        qgis_unavailable(f"{sys.executable} cannot import qgis; run the tests in the QGIS "
                         "environment that scripts/test.sh builds")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    runtime = Path(tempfile.mkdtemp(prefix="wijkkracht-xdg-"))
    runtime.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    from qgis.core import QgsApplication

    existing = QgsApplication.instance()
    if existing is not None:  # started by another plugin or fixture in this process
        _KEEP.append(existing)
        return existing
    profile = tmp_path_factory.mktemp("qgis-profile")
    # QGIS 3.40 ignores the profile argument for its settings (QgsSettings would write to
    # ~/.local/share/profiles/default, shared by every test process and the user):
    # QGIS_CUSTOM_CONFIG_PATH puts settings and profile in the temporary folder on every version
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = str(profile)
    app = QgsApplication([], False, str(profile))
    app.initQgis()
    _KEEP.append(app)
    return app


@pytest.fixture(scope="session")
def qgis_processing(qgis_app: Any) -> Any:
    """QGIS's ``processing`` module, initialised (``processing.run`` works)."""
    if not (QGIS_PLUGINS / "processing").is_dir():
        qgis_unavailable(f"QGIS's Processing plugin is not in {QGIS_PLUGINS}")
    # First on sys.path, as in QGIS: `python -m pytest` puts the repository root (with our own
    # processing/) on sys.path too.
    if sys.path[:1] != [str(QGIS_PLUGINS)]:
        sys.path.insert(0, str(QGIS_PLUGINS))
    if "processing" in sys.modules and not hasattr(sys.modules["processing"], "run"):
        del sys.modules["processing"]  # the repository's processing/, imported as top level
    from processing.core.Processing import Processing

    Processing.initialize()
    import processing

    return processing


@pytest.fixture(scope="session")
def wijkkracht_plugin(qgis_processing: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The plugin, found, loaded and started by ``qgis.utils`` from a plugin folder."""
    import qgis.utils

    folder = tmp_path_factory.mktemp("plugins")
    (folder / PLUGIN_NAME).symlink_to(REPO, target_is_directory=True)
    sys.path.insert(0, str(folder))  # what QGIS does with its plugin folders
    qgis.utils.plugin_paths.insert(0, str(folder))
    qgis.utils.updateAvailablePlugins()
    assert PLUGIN_NAME in qgis.utils.available_plugins, qgis.utils.available_plugins
    assert qgis.utils.loadPlugin(PLUGIN_NAME)
    if PLUGIN_NAME not in qgis.utils.plugins:
        assert qgis.utils.startProcessingPlugin(PLUGIN_NAME)
    plugin = qgis.utils.plugins[PLUGIN_NAME]
    _KEEP.append(plugin)
    return plugin


@pytest.fixture(scope="session")
def wijkkracht_provider(wijkkracht_plugin: Any) -> Any:
    """The ``wijkkracht`` Processing provider the plugin registered."""
    from qgis.core import QgsApplication

    provider = QgsApplication.processingRegistry().providerById(PLUGIN_NAME)
    assert provider is not None, "the plugin did not register its provider"
    _KEEP.append(provider)
    return provider


@pytest.fixture(scope="session")
def demo_gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled demo GeoPackage."""
    path = tmp_path_factory.mktemp("demo") / "kanaleneiland.gpkg"
    shutil.copyfile(REPO / "data" / "kanaleneiland.gpkg", path)
    return path


@pytest.fixture(scope="session")
def demo_layers(qgis_app: Any, demo_gpkg: Path) -> dict[str, Any]:
    """The demo layers as QGIS reads them (QGIS's own OGR provider)."""
    from qgis.core import QgsVectorLayer

    layers = {}
    for name in ("streets", "pois", "study_area"):
        layer = QgsVectorLayer(f"{demo_gpkg}|layername={name}", name, "ogr")
        assert layer.isValid(), name
        layers[name] = layer
    _KEEP.append(layers)
    return layers


@pytest.fixture
def qgis_language(qgis_app: Any) -> Iterator[Callable[[str], None]]:
    """``qgis_language("nl")``: QGIS's user locale for this test (restored afterwards)."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    before = settings.value("locale/userLocale", None)

    def set_language(code: str) -> None:
        QgsSettings().setValue("locale/userLocale", {"nl": "nl_NL", "en": "en_US"}[code])

    yield set_language
    if before is None:
        settings.remove("locale/userLocale")
    else:
        settings.setValue("locale/userLocale", before)


class _MessageBar:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str, Any]] = []

    def pushMessage(self, title: str, text: str, level: Any = None,  # noqa: N802
                    duration: int = -1) -> None:
        self.messages.append((title, text, level))


class FakeIface:
    """Records what a plugin asks of ``iface``: message-bar messages and menu entries."""

    def __init__(self) -> None:
        self.bar = _MessageBar()
        self.menus: list[tuple[str, Any]] = []

    def messageBar(self) -> _MessageBar:  # noqa: N802
        return self.bar

    def mainWindow(self) -> None:  # noqa: N802
        return None

    def addPluginToMenu(self, menu: str, action: Any) -> None:  # noqa: N802
        self.menus.append((menu, action))

    def removePluginMenu(self, menu: str, action: Any) -> None:  # noqa: N802
        self.menus.remove((menu, action))


@pytest.fixture
def fake_iface() -> FakeIface:
    """A stand-in for ``qgis.utils.iface`` (see :class:`FakeIface`)."""
    return FakeIface()


@pytest.fixture(scope="session")
def wijkkracht_run(wijkkracht_provider: Any, qgis_processing: Any) -> Callable[..., Any]:
    """``wijkkracht_run(alg, feedback=None, **params)`` (see the module documentation)."""
    from qgis.core import QgsApplication, QgsProcessingFeedback, QgsProcessingParameterFeatureSink

    def run(alg: str, feedback: Any = None, **params: Any) -> dict[str, Any]:
        alg_id = f"wijkkracht:{alg}"
        definition = QgsApplication.processingRegistry().algorithmById(alg_id)
        assert definition is not None, f"{alg_id} is not registered"
        for p in definition.parameterDefinitions():
            if isinstance(p, QgsProcessingParameterFeatureSink) and p.name() not in params:
                params[p.name()] = "TEMPORARY_OUTPUT"
        return qgis_processing.run(alg_id, params, feedback=feedback or QgsProcessingFeedback())

    return run


@pytest.fixture(scope="session")
def frame_of_layer() -> Callable[[Any], Any]:
    """``frame_of_layer(layer)`` (see the module documentation)."""
    import pandas as pd
    import shapely

    def frame(layer: Any) -> pd.DataFrame:
        names = [f.name() for f in layer.fields()]
        rows, geoms = [], []
        for feature in layer.getFeatures():
            rows.append([None if v is None or (hasattr(v, "isNull") and v.isNull()) else v
                         for v in feature.attributes()])
            g = feature.geometry()
            geoms.append(None if g.isNull() else shapely.from_wkb(bytes(g.asWkb())))
        out = pd.DataFrame(rows, columns=names)
        if layer.isSpatial():
            out["geometry"] = geoms
        return out

    return frame


@pytest.fixture
def project(qgis_processing: Any) -> Iterator[Any]:
    """The QGIS project, emptied after the test."""
    from qgis.core import QgsProject

    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()


@pytest.fixture
def run_and_load(wijkkracht_provider: Any, qgis_processing: Any, project: Any
                 ) -> Callable[..., dict[str, Any]]:
    """``run_and_load(alg, **params)`` (see the module documentation)."""
    from qgis.core import QgsApplication, QgsProcessingParameterFeatureSink

    def run(alg: str, **params: Any) -> dict[str, Any]:
        alg_id = f"wijkkracht:{alg}"
        definition = QgsApplication.processingRegistry().algorithmById(alg_id)
        for p in definition.parameterDefinitions():
            if isinstance(p, QgsProcessingParameterFeatureSink) and p.name() not in params:
                params[p.name()] = "TEMPORARY_OUTPUT"
        results = qgis_processing.runAndLoadResults(alg_id, params)
        layers = {key: project.mapLayer(value) for key, value in results.items()
                  if isinstance(value, str) and project.mapLayer(value) is not None}
        assert layers, results
        return layers

    return run


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SYNTHETIC BAG and establishments for Kanaleneiland (seed 0), written to files."""
    from wijkkracht.data_sources.synthetic import write_synthetic

    files = {p.name: p for p in write_synthetic(tmp_path_factory.mktemp("synthetic"), seed=0)}
    return {"bag": files["bag_synthetic.gpkg"],
            "establishments": files["establishments_synthetic.csv"]}


@pytest.fixture(scope="session")
def osm_replay() -> Any:
    """tests/data_sources/conftest.py as a module (conftest files cannot be imported)."""
    spec = importlib.util.spec_from_file_location(
        "wijkkracht_osm_replay", REPO / "tests" / "data_sources" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection other than to this machine."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and \
                address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"a test tried to connect to {address}; tests must stay offline")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def osm_server(monkeypatch: pytest.MonkeyPatch, osm_replay: Any) -> Iterator[Any]:
    """The local stand-in for Nominatim and Overpass (see the module documentation)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    srv = osm_replay.LocalOsmServer(REPO / "tests" / "data")
    yield srv
    srv.stop()
