"""Run QGIS's ``pyqt5_to_pyqt6.py`` (vendored verbatim beside this file) with a Qt5 QGIS.

Usage: ``python run_on_qt5_qgis.py [--dry_run] DIRECTORY`` (the script's own arguments), with a
Python that has PyQt6, PyQt6-QScintilla and tokenize-rt (``requirements.txt``) and can import a
QGIS 3 (Qt5) build (a venv made with ``--system-site-packages``).

The script is made for a Qt6 QGIS: it reads every enum of PyQt6 and of QGIS's bindings, which on
Qt6 are Python enums. With a Qt5 QGIS two things differ, and this runner adapts them before
calling the script's ``main()`` unchanged:

1. ``from qgis.gui import *`` (also ``qgis.analysis``, ``qgis._3d``) exports the name ``QtCore``
   -- the Qt5 ``qgis.PyQt.QtCore`` -- which replaces PyQt6's ``QtCore`` in the script's module
   list: no ``Qt.*``/``QMetaType.*``/... enum would be read. The runner puts PyQt6's ``QtCore``
   back.
2. QGIS 3's unscoped C++ enums (``Qgis.MessageLevel``, ``QgsVectorLayer.EditResult``, ...) are
   sip enums under Qt5, which the script's ``get_class_enums`` skips (it reads Python enums
   only). The runner adds them to the script's ``qt_enums``/``ambiguous_enums`` tables with the
   script's own rules (members reachable through subclasses, a member name in two enums of one
   class is ambiguous). On QGIS 4 they are Python enums that the script reads itself.

This file is test tooling (GPL-2.0-or-later like the script); it is never shipped.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PyQt6 import QtCore  # noqa: E402

import pyqt5_to_pyqt6 as script  # noqa: E402


def _restore_pyqt6_qtcore() -> None:
    for index, module in enumerate(script.target_modules):
        if module.__name__.endswith("QtCore") and module is not QtCore:
            script.target_modules[index] = QtCore


def _subclasses(cls: type) -> set[type]:
    found = {cls}
    for sub in cls.__subclasses__():
        found |= _subclasses(sub)
    return found


def _add_sip_enums(item: object, seen: set[int]) -> None:
    """The script's ``get_class_enums`` for sip enums (members stored on the owning class)."""
    if not inspect.isclass(item) or id(item) in seen:
        return
    seen.add(id(item))
    if not (getattr(item, "__module__", "") or "").startswith("qgis"):
        return
    matched = _subclasses(item)
    for key, value in list(item.__dict__.items()):
        kind = type(value)
        if type(kind).__name__ == "enumtype":  # a member of a sip enum
            enum_name = kind.__name__
            for cls in matched:
                entry = (cls.__name__, key)
                if entry in script.ambiguous_enums:
                    script.ambiguous_enums[entry].add(enum_name)
                    continue
                existing = script.qt_enums.get(entry)
                if existing and existing != enum_name:
                    script.ambiguous_enums[entry].update({existing, enum_name})
                    del script.qt_enums[entry]
                else:
                    script.qt_enums[entry] = enum_name
        elif inspect.isclass(value) and type(value).__name__ != "EnumType":
            _add_sip_enums(value, seen)


def main(argv: list[str] | None = None) -> int:
    if script.qgis_core is None:
        raise SystemExit("run_on_qt5_qgis: qgis cannot be imported by this Python")
    _restore_pyqt6_qtcore()
    seen: set[int] = set()
    for module in (script.qgis_core, script.qgis_gui, script.qgis_analysis, script.qgis_3d):
        for value in list(module.__dict__.values()):
            _add_sip_enums(value, seen)
    # main() reads the Python enums of every module in target_modules, then fixes the files
    return script.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
