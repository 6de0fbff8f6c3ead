"""Rules that keep the architecture honest."""

import ast
import configparser
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import wijkkracht

ROOT = Path(wijkkracht.__file__).resolve().parent
QGIS_ONLY = ("wijkkracht.plugin", "wijkkracht.processing")


def test_everything_but_plugin_and_processing_imports_without_qgis():
    """Import every module outside plugin/ and processing/ in a fresh interpreter where any
    attempt to import qgis or PyQt fails."""
    modules = [m.name for m in pkgutil.walk_packages([str(ROOT)], prefix="wijkkracht.")
               if not m.name.startswith(QGIS_ONLY) and ".tests" not in m.name
               and not m.name.startswith(("wijkkracht.benchmarks", "wijkkracht.scripts"))]
    modules = [m for m in modules if m != "wijkkracht.__main__"]
    assert "wijkkracht.core.distances" in modules and "wijkkracht.cli" in modules
    code = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6', 'processing'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}:\n"
        "    __import__(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6')]\n"
        "assert not bad, bad\n"
        "print('ok', len(" + repr(modules) + "))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_the_indicators_and_the_bag_reader_import_without_requests():
    """``requests`` is needed to download (OSM, PDOK's BAG API), not to compute: the core and
    the BAG file readers import in a fresh interpreter where importing requests fails."""
    code = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'requests':\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import wijkkracht.core.indicators\n"
        "from wijkkracht.data_sources.bag import read_bag_lv\n"
        "from wijkkracht.data_sources.establishments import establishments_on_bag\n"
        f"bag = read_bag_lv({str(ROOT / 'tests' / 'data' / 'bag_lv')!r})\n"
        "assert 'requests' not in sys.modules\n"
        "print('ok', len(bag))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ok", "2"]


def test_root_init_imports_no_qgis_at_import_time():
    tree = ast.parse((ROOT / "__init__.py").read_text(encoding="utf-8"))
    top_level_imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    for node in top_level_imports:
        names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
        assert not any("qgis" in n or "plugin" in n for n in names), ast.dump(node)


def test_internal_imports_are_relative():
    """Absolute ``import processing`` would pick up QGIS's own module (or ours shadowing it)."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        # hidden folders (.venv, .cache, ...) are no part of it
        if rel.parts[0] in ("tests", "benchmarks", "scripts", "build") or \
                rel.parts[0].startswith("."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                    node.module.split(".")[0] in ("wijkkracht", "processing", "core", "plugin",
                                                  "data_sources", "output", "styles"):
                offenders.append(f"{rel}:{node.lineno} from {node.module}")
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] in ("wijkkracht", "core", "data_sources", "output"):
                        offenders.append(f"{rel}:{node.lineno} import {a.name}")
    assert not offenders, offenders


def test_version_has_one_source():
    meta = configparser.ConfigParser()
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    assert meta["general"]["version"] == wijkkracht.__version__
    assert meta["general"]["hasProcessingProvider"] == "yes"
    from importlib.metadata import version

    assert version("wijkkracht") == wijkkracht.__version__


def test_bundled_data_carries_attribution():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in readme and "ODbL" in readme
    from wijkkracht.demo import demo_data_path

    assert demo_data_path().exists() and demo_data_path().stat().st_size < 5_000_000


def test_lazy_public_api():
    assert callable(wijkkracht.analyse) and callable(wijkkracht.analyse_demo)
    importlib.import_module("wijkkracht.core.indicators")


def test_package_file_imports_by_path_under_any_folder_name(tmp_path):
    """pytest imports the checkout's ``__init__.py`` by path, named after the folder: a folder
    such as ``wijkkracht-main`` (a ZIP download) is no Python name, so there is no parent
    package; importing must still work (and stay light)."""
    import importlib.util
    import shutil

    folder = tmp_path / "wijkkracht-main"
    folder.mkdir()
    shutil.copy(ROOT / "__init__.py", folder / "__init__.py")
    spec = importlib.util.spec_from_file_location("wijkkracht-main", folder / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.classFactory) and module.__version__
