"""wijkkracht: where are the economic opportunities in this neighbourhood, street by street?

The package is a library, a command-line tool and a QGIS plugin at once. Importing it never
imports QGIS; only :func:`classFactory`, which QGIS calls, does so (lazily).

Quick start::

    import wijkkracht
    result = wijkkracht.analyse_demo()          # bundled real OSM data of Kanaleneiland
    result.streets[["street_name", "type_name_en", "dist_supermarket_m"]].head()
    wijkkracht.write_outputs(result, "out/")    # GeoPackage + interactive map
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - imported by path, without its package: pytest
    # collecting a checkout whose folder name is no Python name ("wijkkracht-main", a ZIP)
    __version__ = "0+unknown"

__all__ = ["__version__", "analyse", "analyse_demo", "write_outputs", "classFactory"]

if TYPE_CHECKING:  # pragma: no cover
    from .core.pipeline import analyse
    from .demo import analyse_demo
    from .output.writer import write_outputs


def __getattr__(name: str) -> Any:
    # Lazy access to the public API keeps ``import wijkkracht`` light (QGIS loads the plugin at
    # start-up; the geo stack is imported when it is first used).
    if name == "analyse":
        from .core.pipeline import analyse

        return analyse
    if name == "analyse_demo":
        from .demo import analyse_demo

        return analyse_demo
    if name == "write_outputs":
        from .output.writer import write_outputs

        return write_outputs
    raise AttributeError(f"module 'wijkkracht' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the lazy functions listed too (dir(wijkkracht), tab completion in a notebook)
    return sorted({*globals(), *__all__})


def classFactory(iface: Any) -> Any:  # noqa: N802 (QGIS's name)
    """QGIS plugin entry point; imports the QGIS glue only when QGIS asks for it."""
    from .plugin.plugin import WijkkrachtPlugin

    return WijkkrachtPlugin(iface)
