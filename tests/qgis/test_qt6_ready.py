"""plugin/ and processing/ are ready for QGIS 4 / Qt6 (issue 17, item 3).

Two checks, both with zero findings required:

**A. QGIS's own migration script**, ``scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py`` of the QGIS
repository, vendored verbatim in ``tests/tools/pyqt5_to_pyqt6/`` (commit and choice of version
in its README). It imports PyQt6 (with QScintilla) and tokenize-rt, so it runs in a separate venv
(``--system-site-packages``: it also sees the installed QGIS 3, Qt5) that ``scripts/test.sh``
builds from ``tests/tools/pyqt5_to_pyqt6/requirements.txt`` (``$WIJKKRACHT_PYQT6_VENV``, default
``<this venv>/pyqt6-migration``; seconds with a warm pip cache). ``run_on_qt5_qgis.py`` calls
the script's ``main()`` after two adaptations for a Qt5 QGIS (PyQt6's ``QtCore`` put back in the
script's module list, which ``from qgis.gui import *`` overwrites with Qt5's; QGIS 3's unscoped
sip enums added to the script's enum tables by the script's own rules). The test runs it over
copies of ``plugin/`` and ``processing/``: once ``--dry_run`` (every message it prints is a
finding) and once rewriting (exit status 0 and no file changed). Its rules, all exercised by
:func:`test_migration_script_reports_qt5_spellings` on a sample:

* unscoped enums (``Class.Member`` where ``Member`` belongs to an enum of ``Class`` or of a
  superclass, read from PyQt6 and QGIS): rewritten ``Class.Enum.Member``; a member name that two
  enums of a class share is "ambiguous enum, cannot fix";
* renamed enums: ``Qt.MidButton``, ``Qt.TextColorRole``, ``Qt.BackgroundColorRole``,
  ``QPainter.HighQualityAntialiasing``;
* ``x.exec_(...)`` calls and ``def exec_`` definitions -> ``exec``;
* ``QRegExp`` imported (removed in Qt6); ``resources_rc`` imported;
* ``from PyQt5... import`` (-> ``qgis.PyQt``, or a warning for modules QGIS does not wrap);
  ``from qgis.PyQt.Qt import`` (-> ``QtCore``);
* ``QVariant()`` and ``QVariant(QVariant.X)`` (-> ``NULL``); ``QVariant.Type.X`` (-> ``QVariant.X``;
  the dry run reports every ``QVariant.Type`` attribute); ``QVariant.X`` -> ``QMetaType.Type.X``
  only with ``--qgis3-incompatible-changes``, which is not used (QGIS 3 stays supported; see C);
* ``QDateTime(y, m, d, h, M, s, ms, ts)`` and ``QDateTime(QDate(...))``; ``qApp``;
* warnings: ``addAction`` with 4+ arguments, ``.desktop()`` (``QDesktopWidget``),
  ``QFontMetrics.width()``, ``activated[str]``, an import to add by hand.

The script has no rule for ``pyqtSignal`` or ``QAction``'s module.

**B. An independent enum check** (:func:`test_every_enum_is_fully_scoped`), run with the QGIS in
this process: every ``A.B`` where ``A`` is imported from ``qgis.core``, ``qgis.gui`` or
``qgis.PyQt.*`` and ``getattr(A, B)`` is a member of a QGIS or PyQt enum (sip enum or Python
enum) is a finding, to be written ``A.<Enum>.B`` (the enum's name as ``A`` exposes it, e.g.
``QgsProcessing.SourceType``). It does not depend on the runner's adaptation for sip enums.

**C. Spellings the script does not cover** (:func:`test_no_qt5_only_spellings`): ``QAction``
imported from ``QtWidgets`` (it lives in ``QtGui`` under Qt6; ``processing/compat.py`` imports it
from where it exists), ``exec_(`` anywhere in the text, and ``QVariant.`` outside
``processing/compat.py`` (field types come from ``compat.field_type``: ``QMetaType.Type`` from
QGIS 3.38, ``QVariant`` before).

What runs only on Qt6 (QGIS 4) is not tested here: no such QGIS is installed.
"""

from __future__ import annotations

import ast
import enum
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("plugin", "processing")
COMPAT = REPO / "processing" / "compat.py"
QT_MODULES = ("qgis.core", "qgis.gui")
TOOLS = REPO / "tests" / "tools" / "pyqt5_to_pyqt6"
RUNNER = TOOLS / "run_on_qt5_qgis.py"
REQUIREMENTS = TOOLS / "requirements.txt"
#: What the script logs about its environment, not about a file.
ENVIRONMENT_MESSAGES = ("WARNING: PyQt5 has been found", "=== dry_run mode")


def _qgis_unavailable(reason: str) -> None:
    """Skip, or fail where the QGIS tests must run (``WIJKKRACHT_REQUIRE_QGIS=1``)."""
    if os.environ.get("WIJKKRACHT_REQUIRE_QGIS") == "1":
        pytest.fail(f"QGIS test required but {reason}")
    pytest.skip(reason)


def _sources() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py"))


# --- A. QGIS's migration script -------------------------------------------------------------


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def migration_python(qgis_bindings: None) -> Path:
    """The Python with the script's requirements that also imports this QGIS: built by
    ``scripts/test.sh`` (setup has the package registry; tests never reach the network)."""
    venv = Path(os.environ.get("WIJKKRACHT_PYQT6_VENV", Path(sys.prefix) / "pyqt6-migration"))
    stamp = venv / ".wijkkracht-requirements"
    wanted = REQUIREMENTS.read_text(encoding="utf-8")
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != wanted:
        _qgis_unavailable(f"{venv} is missing or stale: run scripts/test.sh, which builds it "
                          f"from {REQUIREMENTS.relative_to(REPO)}")
    return _venv_python(venv)


def _run_script(python: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([str(python), str(RUNNER), *args, str(folder)], capture_output=True,
                          text=True, timeout=300, cwd=folder, env=env)


def _messages(done: subprocess.CompletedProcess[str], root: Path) -> list[str]:
    """What the script said, one message a line, paths relative to ``root``."""
    lines = []
    for line in (done.stdout + done.stderr).splitlines():
        line = line.removeprefix("WARNING:root:").replace(f"{root}/", "").strip()
        if line and not any(message in line for message in ENVIRONMENT_MESSAGES):
            lines.append(line)
    return lines


def _migration_findings(python: Path, root: Path) -> list[str]:
    """Every finding of the script over the Python files under ``root`` (which it may rewrite)."""
    before = {p: p.read_bytes() for p in sorted(root.rglob("*.py"))}
    report = _run_script(python, root, "--dry_run")
    assert "QGIS classes not available" not in report.stderr, report.stderr
    assert report.returncode == 0, report.stderr
    findings = _messages(report, root)
    rewrite = _run_script(python, root)
    findings += [m for m in _messages(rewrite, root) if m not in findings]
    findings += [f"{p.relative_to(root)}: rewritten by the script"
                 for p, text in before.items() if p.read_bytes() != text]
    if rewrite.returncode != 0:
        findings.append(f"exit status {rewrite.returncode} (files to fix or errors it cannot fix)")
    return findings


def test_migration_script_finds_nothing(migration_python: Path, tmp_path: Path) -> None:
    """QGIS's migration script over copies of plugin/ and processing/: nothing to report or fix."""
    for folder in FOLDERS:
        shutil.copytree(REPO / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    findings = _migration_findings(migration_python, tmp_path)
    assert findings == [], "\n".join(findings)


MIGRATION_SAMPLE = """\
from qgis.core import Qgis, QgsProcessing, QgsProcessingParameterNumber, QgsWkbTypes
from qgis.PyQt.QtCore import QRegExp, Qt
from qgis.PyQt.QtWidgets import QDialog
from PyQt5.QtGui import QColor

a = QgsProcessing.TypeVectorLine
b = QgsProcessingParameterNumber.Double
c = Qgis.Warning
d = Qt.ISODate
e = QgsWkbTypes.LineString
f = Qt.MidButton
QDialog().exec_()
w = QDialog().desktop()
g = QgsProcessing.SourceType.TypeVectorLine
h = Qgis.MessageLevel.Warning
i = Qt.DateFormat.ISODate
QDialog().exec()
"""

MIGRATION_FIXED = """\
from qgis.core import Qgis, QgsProcessing, QgsProcessingParameterNumber, QgsWkbTypes
from qgis.PyQt.QtCore import QRegExp, Qt
from qgis.PyQt.QtWidgets import QDialog
from qgis.PyQt.QtGui import QColor

a = QgsProcessing.SourceType.TypeVectorLine
b = QgsProcessingParameterNumber.Type.Double
c = Qgis.MessageLevel.Warning
d = Qt.DateFormat.ISODate
e = QgsWkbTypes.Type.LineString
f = Qt.MouseButton.MiddleButton
QDialog().exec()
w = QDialog().desktop()
g = QgsProcessing.SourceType.TypeVectorLine
h = Qgis.MessageLevel.Warning
i = Qt.DateFormat.ISODate
QDialog().exec()
"""


def test_migration_script_reports_qt5_spellings(migration_python: Path, tmp_path: Path) -> None:
    """The check itself: the script, run as in the test above, reports and fixes a Qt5 sample.

    Unscoped QGIS enums (Python enums and sip enums under Qt5) and a Qt enum (read from PyQt6),
    a renamed enum, ``exec_``, a ``PyQt5`` import, ``QRegExp``, ``desktop()``; the fully scoped
    forms and ``exec()`` are not reported.
    """
    (tmp_path / "sample.py").write_text(MIGRATION_SAMPLE, encoding="utf-8")
    findings = _migration_findings(migration_python, tmp_path)
    assert sorted(findings) == sorted([
        "sample.py: QRegExp is removed in Qt6, please use QRegularExpression for Qt5/Qt6 "
        "compatibility",
        "sample.py:4:0 - Fix PyQT import, you must import from qgis.PyQt",
        "sample.py:6:4 - Enum error, add 'SourceType' before 'TypeVectorLine'",
        "sample.py:7:4 - Enum error, add 'Type' before 'Double'",
        "sample.py:8:4 - Enum error, add 'MessageLevel' before 'Warning'",
        "sample.py:9:4 - Enum error, add 'DateFormat' before 'ISODate'",
        "sample.py:10:4 - Enum error, add 'Type' before 'LineString'",
        "sample.py:11:4 - This enum was renamed",
        "sample.py:12:9 - This member should be renamed to 'exec'",
        "sample.py:13:4 WARNING: QDesktopWidget is deprecated and removed in Qt6. "
        "Replace with alternative approach instead.",
        "sample.py: rewritten by the script",
        "exit status 1 (files to fix or errors it cannot fix)",
    ])
    assert (tmp_path / "sample.py").read_text(encoding="utf-8") == MIGRATION_FIXED


# --- B. enums, checked with the QGIS in this process ------------------------------------------


def _is_qt_module(module: str) -> bool:
    return module in QT_MODULES or module.startswith("qgis.PyQt.")


def _imported_names(tree: ast.AST) -> dict[str, tuple[str, str]]:
    """Local name -> (module, name) for every ``from qgis... import name [as local]``."""
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and _is_qt_module(node.module):
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def _enum_type_name(owner: Any, value: Any) -> str | None:
    """How ``owner`` names the enum of ``value`` when it is a QGIS/PyQt enum member, else None.

    The name is the attribute of ``owner`` that is the enum type (``QgsProcessing.SourceType``
    for ``Qgis.ProcessingSourceType`` on QGIS 3.36+), else the type's own name.
    """
    kind = type(value)
    if kind is int or kind is bool or not isinstance(value, (int, enum.Enum)):
        return None
    module = getattr(kind, "__module__", "") or ""
    if not (module.startswith("qgis") or module.startswith("PyQt")):
        return None
    for name in sorted(dir(owner)):
        if getattr(owner, name, None) is kind:
            return name
    return kind.__qualname__.rsplit(".", 1)[-1]


def _enum_findings(label: str, tree: ast.AST) -> list[str]:
    imported = _imported_names(tree)
    findings = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        origin = imported.get(node.value.id)
        if origin is None:
            continue
        module, name = origin
        owner = getattr(importlib.import_module(module), name, None)
        if owner is None:
            continue
        enum_type = _enum_type_name(owner, getattr(owner, node.attr, None))
        if enum_type is None:
            continue
        findings.append(f"{label}:{node.lineno}: {node.value.id}.{node.attr} "
                        f"-> {node.value.id}.{enum_type}.{node.attr}")
    return findings


@pytest.fixture(scope="module")
def qgis_bindings(qgis_app: Any) -> None:
    """The checks resolve names with the installed QGIS bindings."""
    assert importlib.util.find_spec("qgis.core") is not None


def test_sources_are_found() -> None:
    names = {p.name for p in _sources()}
    assert {"plugin.py", "base.py", "convert.py", "compat.py"} <= names


def test_detector_finds_unscoped_enums(qgis_bindings: None) -> None:
    """The check itself: a short-form enum is found, its fully scoped form and ints are not."""
    tree = ast.parse(
        "from qgis.core import QgsProcessing, Qgis, QgsWkbTypes\n"
        "from qgis.PyQt.QtCore import Qt\n"
        "a = QgsProcessing.TypeVectorLine\n"
        "b = QgsProcessing.SourceType.TypeVectorLine\n"
        "c = Qgis.Warning\n"
        "d = Qt.ISODate\n"
        "e = Qgis.QGIS_VERSION_INT\n"
        "f = QgsWkbTypes.LineString\n"
        "g = QgsWkbTypes.Type.LineString\n")
    assert _enum_findings("sample", tree) == [
        "sample:3: QgsProcessing.TypeVectorLine -> QgsProcessing.SourceType.TypeVectorLine",
        "sample:5: Qgis.Warning -> Qgis.MessageLevel.Warning",
        "sample:6: Qt.ISODate -> Qt.DateFormat.ISODate",
        "sample:8: QgsWkbTypes.LineString -> QgsWkbTypes.Type.LineString",
    ]


def test_every_enum_is_fully_scoped(qgis_bindings: None) -> None:
    findings = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        findings += _enum_findings(str(path.relative_to(REPO)), tree)
    assert findings == [], "\n".join(findings)


def test_fully_scoped_spellings_work_here(qgis_bindings: None) -> None:
    """The scoped forms the sources use resolve on this QGIS."""
    from qgis.core import Qgis, QgsProcessing, QgsWkbTypes
    from qgis.PyQt.QtCore import Qt

    assert QgsProcessing.SourceType.TypeVectorLine == QgsProcessing.TypeVectorLine
    assert Qgis.MessageLevel.Warning == Qgis.Warning
    assert QgsWkbTypes.Type.LineString == QgsWkbTypes.LineString
    assert Qt.DateFormat.ISODate == Qt.ISODate


# --- C. what the script does not cover --------------------------------------------------------


def _other_findings(path: Path, tree: ast.AST, text: str, root: Path = REPO) -> list[str]:
    rel = path.relative_to(root)
    findings = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.ImportFrom) and node.module
                and node.module.endswith("QtWidgets")
                and any(a.name == "QAction" for a in node.names)
                and path != COMPAT):
            findings.append(f"{rel}:{node.lineno}: QAction imported from QtWidgets "
                            "(use processing.compat.QAction)")
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "exec_(" in line:
            findings.append(f"{rel}:{lineno}: exec_( (use exec())")
        if "QVariant." in line and path != COMPAT:
            findings.append(f"{rel}:{lineno}: QVariant. outside processing/compat.py "
                            "(use compat.field_type)")
    return findings


def test_no_qt5_only_spellings() -> None:
    """QAction from QtWidgets, exec_(, and QVariant field types outside the compat module."""
    findings = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        findings += _other_findings(path, ast.parse(text, filename=str(path)), text)
    assert findings == [], "\n".join(findings)


def test_detector_finds_qt5_only_spellings(tmp_path: Path) -> None:
    """The check itself: QAction from QtWidgets, exec_( and QVariant field types are found."""
    path = tmp_path / "sample.py"
    text = ("from qgis.PyQt.QtWidgets import QAction, QDialog\n"
            "QDialog().exec_()\n"
            "field = QgsField('x', QVariant.Double)\n"
            "QDialog().exec()\n")
    findings = [f.split(": ", 1)[1] for f in _other_findings(path, ast.parse(text), text, tmp_path)]
    assert findings == [
        "QAction imported from QtWidgets (use processing.compat.QAction)",
        "exec_( (use exec())",
        "QVariant. outside processing/compat.py (use compat.field_type)",
    ]


def test_compat_field_type_and_qaction(qgis_bindings: None) -> None:
    from qgis.core import Qgis, QgsField
    from qgis.PyQt.QtCore import QMetaType, QVariant

    from wijkkracht.processing import compat

    new = Qgis.QGIS_VERSION_INT >= 33800
    expected = {"double": "Double", "int": "Int", "longlong": "LongLong", "string": "QString",
                "bool": "Bool", "datetime": "QDateTime", "date": "QDate"}
    for key, meta_name in expected.items():
        kind = compat.field_type(key)
        if new:
            assert kind == getattr(QMetaType.Type, meta_name), key
        else:
            variant_name = meta_name[1:] if meta_name.startswith("Q") else meta_name
            assert kind == getattr(QVariant.Type, variant_name), key
        field = QgsField("x", kind)
        assert compat.field_kind(field) == key, key
    with pytest.raises(KeyError):
        compat.field_type("complex")
    assert compat.QAction.__name__ == "QAction"
