"""Intensity surfaces as Cloud Optimized GeoTIFFs, each with a QGIS style beside it.

One file per surface of :attr:`AnalysisResult.rasters <wijkkracht.core.result.AnalysisResult>`
(:mod:`wijkkracht.core.rasters`): ``<basename>_<surface>.tif``, written with GDAL's ``COG``
driver (GDAL >= 3.1) through rasterio, or through GDAL's own Python bindings (``osgeo.gdal``:
inside QGIS, the GDAL QGIS is built with, so no second GDAL enters its process; see
:func:`write_surface_file`, ``engine``); both give the same file: one float32 band in
EPSG:28992 on the RD New grid, tiled 256 x 256, DEFLATE with the floating-point predictor,
nodata :data:`~wijkkracht.core.rasters.NODATA`, and overviews (averages of the cells with a
value) down to one tile (at least one level). The band has a description (``label (unit)``
in the run's language) and a unit; the file's tags say what it is, in Dutch and English:

=====================  ======================================================================
tag                    value
=====================  ======================================================================
``surface``            the surface's key, e.g. ``business_intensity``
``unit``               unit key (``per_km2``, ``species``); ``unit_nl``/``unit_en`` its label
``label_nl/_en``       the surface's name
``description_nl/_en`` what it measures
``method``             kernel, bandwidth, cell size and the number of points
``source``             the data attribution of the run (OpenStreetMap's licence included)
``SYNTHETIC``          only when the run used SYNTHETIC (generated) inputs: which, and whether
                       this surface is made from them
``software``           wijkkracht and its version
=====================  ======================================================================

Beside each GeoTIFF, ``<basename>_<surface>.qml`` (:func:`wijkkracht.styles.qml.raster_qml`):
QGIS loads a ``.qml`` of the same name as a raster's default style, so the file opens styled
with the classes and colours of the style specification.

Files are written atomically (:mod:`.atomic`); :func:`raster_writes` gives the
``(destination, write)`` pairs that :func:`wijkkracht.output.writer.write_outputs` publishes
together with the GeoPackage and the map.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .._version import __version__
from ..core.errors import OutputError
from ..core.rasters import SURFACE_UNITS, SURFACES, Surface
from ..core.result import AnalysisResult
from ..styles.qml import raster_qml
from .atomic import write_all_atomically

__all__ = ["write_surface_file", "write_surface_qml", "surface_writes", "write_surfaces",
           "raster_writes", "write_rasters", "synthetic_tag", "surface_tags", "raster_engine",
           "BLOCK_SIZE", "ENGINES"]

#: Tile size (pixels) of the GeoTIFFs; overviews go down to one tile.
BLOCK_SIZE = 256
#: What writes the GeoTIFFs: rasterio, or GDAL's own Python bindings (``osgeo.gdal``).
ENGINES = ("rasterio", "gdal")


def _overview_count(width: int, height: int) -> int:
    """Overview levels (factor 2 each) until the raster fits in one tile; at least one."""
    n = 1
    while max(width, height) / 2**n > BLOCK_SIZE:
        n += 1
    return n


def synthetic_tag(surface: Surface, synthetic: Sequence[str]) -> str | None:
    """The ``SYNTHETIC`` tag of a surface of a run whose ``synthetic`` inputs are given (e.g.
    ``["bag", "establishments"]``); None for a run without them."""
    if not synthetic:
        return None
    from ..data_sources.synthetic import SYNTHETIC_NOTICE

    inputs = ", ".join(synthetic)
    made = SURFACES[surface.name].requires != "osm" if surface.name in SURFACES else True
    return (f"{SYNTHETIC_NOTICE}: this run used SYNTHETIC {inputs}; "
            + ("this surface is made from them, its values describe no real address, business "
               "or person" if made else "this surface is made from OpenStreetMap only"))


def raster_engine(engine: str | None = None) -> str:
    """The engine that writes the GeoTIFFs: ``engine`` when given (one of :data:`ENGINES`),
    else rasterio when it is installed, else ``"gdal"`` (``osgeo.gdal``)."""
    if engine is not None:
        if engine not in ENGINES:
            raise ValueError(f"unknown raster engine {engine!r}; engines are "
                             f"{', '.join(ENGINES)}")
        return engine
    import importlib.util

    try:
        found = importlib.util.find_spec("rasterio") is not None
    except (ImportError, ValueError):  # hidden, or half imported
        found = False
    return "rasterio" if found else "gdal"


def surface_tags(surface: Surface, *, source: str = "",
                 synthetic: Sequence[str] = ()) -> dict[str, str]:
    """The dataset tags of a surface's GeoTIFF (the table in the module docstring)."""
    unit = SURFACE_UNITS[surface.unit]
    tags = {
        "surface": surface.name,
        "unit": surface.unit,
        "unit_nl": unit("nl"),
        "unit_en": unit("en"),
        "label_nl": surface.label("nl"),
        "label_en": surface.label("en"),
        "description_nl": surface.description("nl"),
        "description_en": surface.description("en"),
        "method": surface.method,
        "source": source,
        "software": f"wijkkracht {__version__}",
    }
    notice = synthetic_tag(surface, synthetic)
    if notice is not None:
        tags["SYNTHETIC"] = notice
    return tags


def _band_tags(surface: Surface) -> dict[str, str]:
    return {"unit": surface.unit, "label_nl": surface.label("nl"),
            "label_en": surface.label("en")}


def write_surface_file(surface: Surface, path: str | os.PathLike[str], *, lang: str = "nl",
                       source: str = "", synthetic: Sequence[str] = (),
                       engine: str | None = None) -> Path:
    """Write one surface as a Cloud Optimized GeoTIFF at ``path`` (not atomic: see
    :func:`write_rasters`).

    Parameters
    ----------
    surface
        The surface.
    path
        The ``.tif`` to write (replaced when it exists).
    lang
        Language of the band description (``"nl"``/``"en"``); the tags hold both.
    source
        The data attribution (tag ``source``).
    synthetic
        The run's SYNTHETIC inputs (``result.metadata["synthetic"]``); non-empty adds the
        ``SYNTHETIC`` tag.
    engine
        ``"rasterio"``, or ``"gdal"``: GDAL's own Python bindings (``osgeo.gdal``), which
        every QGIS ships bound to its GDAL (the plugin writes with it, so no second GDAL
        enters QGIS's process). Default: rasterio when it is installed, else ``"gdal"``. The
        file is the same either way (values, grid, CRS, nodata, tags, band description and
        unit, tiles, compression, overviews).

    Returns
    -------
    Path
    """
    p = Path(path)
    tags = surface_tags(surface, source=source, synthetic=synthetic)
    if raster_engine(engine) == "gdal":
        _write_with_gdal(surface, p, lang, tags)
    else:
        _write_with_rasterio(surface, p, lang, tags)
    return p


def _write_with_rasterio(surface: Surface, p: Path, lang: str, tags: dict[str, str]) -> None:
    import rasterio
    from rasterio.transform import Affine

    height, width = surface.array.shape
    profile = {
        "driver": "COG", "width": width, "height": height, "count": 1, "dtype": "float32",
        "crs": surface.crs, "transform": Affine.from_gdal(*surface.transform),
        "nodata": float(surface.nodata), "compress": "DEFLATE", "predictor": 3,
        "blocksize": BLOCK_SIZE, "overview_resampling": "AVERAGE",
        "overview_count": _overview_count(width, height),
    }
    try:
        with rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(p, "w", **profile) as dst:
            dst.write(surface.array.astype("float32", copy=False), 1)
            dst.set_band_description(1, surface.title(lang))
            dst.set_band_unit(1, surface.unit_label("en"))
            dst.update_tags(**tags)
            dst.update_tags(1, **_band_tags(surface))
    except rasterio.errors.RasterioIOError as exc:
        raise OutputError(f"{p}: cannot write the GeoTIFF ({exc})") from exc


def _cog_options(width: int, height: int) -> list[str]:
    """The ``COG`` creation options: as rasterio's profile gives them to GDAL."""
    return ["COMPRESS=DEFLATE", "PREDICTOR=3", f"BLOCKSIZE={BLOCK_SIZE}",
            "OVERVIEW_RESAMPLING=AVERAGE",
            f"OVERVIEW_COUNT={_overview_count(width, height)}"]


def _write_with_gdal(surface: Surface, p: Path, lang: str, tags: dict[str, str]) -> None:
    """The file :func:`_write_with_rasterio` writes, with ``osgeo.gdal``: an in-memory dataset
    copied to the ``COG`` driver (what rasterio does for a driver that cannot create), with
    GDAL's error state and configuration left as they were (QGIS shares them)."""
    from osgeo import gdal, osr

    height, width = surface.array.shape
    crs = osr.SpatialReference()
    if crs.SetFromUserInput(surface.crs) != 0:
        raise OutputError(f"{p}: cannot write the GeoTIFF (unknown CRS {surface.crs!r})")
    previous = gdal.GetThreadLocalConfigOption("GDAL_PAM_ENABLED", None)
    gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO")
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    gdal.ErrorReset()
    mem = out = None
    try:
        mem = gdal.GetDriverByName("MEM").Create("", width, height, 1, gdal.GDT_Float32)
        mem.SetGeoTransform([float(v) for v in surface.transform])
        mem.SetProjection(crs.ExportToWkt())
        mem.SetMetadata(tags)
        band = mem.GetRasterBand(1)
        band.SetNoDataValue(float(surface.nodata))
        band.SetDescription(surface.title(lang))
        band.SetUnitType(surface.unit_label("en"))
        band.SetMetadata(_band_tags(surface))
        band.WriteArray(surface.array.astype("float32", copy=False))
        band = None
        out = gdal.GetDriverByName("COG").CreateCopy(str(p), mem, 0,
                                                     _cog_options(width, height))
        failed = out is None or gdal.GetLastErrorType() >= gdal.CE_Failure
        message = gdal.GetLastErrorMsg()
    except RuntimeError as exc:  # when the process has gdal.UseExceptions() on
        failed, message = True, str(exc)
    finally:
        out = mem = None  # closes (and flushes) the datasets
        gdal.PopErrorHandler()
        gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", previous)
    if failed:
        raise OutputError(f"{p}: cannot write the GeoTIFF ({message or 'GDAL failed'})")


def write_surface_qml(surface: Surface, path: str | os.PathLike[str], *,
                      lang: str = "nl") -> Path:
    """Write the QGIS style of ``surface`` (:func:`~wijkkracht.styles.qml.raster_qml`)."""
    p = Path(path)
    p.write_text(raster_qml(surface.name, lang=lang), encoding="utf-8")
    return p


def surface_writes(surfaces: Mapping[str, Surface],
                   destinations: Mapping[str, str | os.PathLike[str]], *, lang: str = "nl",
                   source: str = "", synthetic: Sequence[str] = (), engine: str | None = None
                   ) -> dict[str, tuple[Path, Callable[[Path], object]]]:
    """The files of some surfaces: ``{kind: (destination, write)}``.

    Parameters
    ----------
    surfaces
        name -> :class:`~wijkkracht.core.rasters.Surface`.
    destinations
        name -> the ``.tif`` to write (surfaces not named are not written); the style goes
        beside it, with the suffix ``.qml``.
    lang, source, synthetic, engine
        As for :func:`write_surface_file`.

    Returns
    -------
    dict
        Kinds ``raster_<surface>`` (the GeoTIFF) and ``raster_<surface>_qml`` (its style);
        each ``write(tmp)`` writes its file at the temporary path it is given, as
        :func:`~wijkkracht.output.atomic.write_all_atomically` expects.
    """
    out: dict[str, tuple[Path, Callable[[Path], object]]] = {}
    for name, dest in destinations.items():
        surface = surfaces[name]
        tif_path = Path(dest)

        def tif(tmp: Path, s: Surface = surface) -> Path:
            return write_surface_file(s, tmp, lang=lang, source=source, synthetic=synthetic,
                                      engine=engine)

        def qml(tmp: Path, s: Surface = surface) -> Path:
            return write_surface_qml(s, tmp, lang=lang)

        out[f"raster_{name}"] = (tif_path, tif)
        out[f"raster_{name}_qml"] = (tif_path.with_suffix(".qml"), qml)
    return out


def write_surfaces(surfaces: Mapping[str, Surface],
                   destinations: Mapping[str, str | os.PathLike[str]], *, lang: str = "nl",
                   source: str = "", synthetic: Sequence[str] = (),
                   engine: str | None = None) -> dict[str, Path]:
    """Write surfaces (GeoTIFF and style each) to the given paths: all of them, or none (the
    previous files stay as they were). The folders must exist. ``engine``: as for
    :func:`write_surface_file` (the plugin writes with ``"gdal"``, QGIS's own GDAL).

    Returns
    -------
    dict
        ``{kind: Path}`` as in :func:`surface_writes`.
    """
    writes = surface_writes(surfaces, destinations, lang=lang, source=source,
                            synthetic=synthetic, engine=engine)
    write_all_atomically(list(writes.values()))
    return {kind: dest for kind, (dest, _) in writes.items()}


def raster_writes(result: AnalysisResult, folder: str | os.PathLike[str], *,
                  basename: str = "wijkkracht", lang: str = "nl"
                  ) -> dict[str, tuple[Path, Callable[[Path], object]]]:
    """The files of ``result.rasters`` in ``folder``: ``<basename>_<surface>.tif`` and
    ``.qml``, as :func:`surface_writes` gives them (the run's attribution as the source, its
    SYNTHETIC inputs from the metadata)."""
    dests = {name: Path(folder) / f"{basename}_{name}.tif" for name in result.rasters}
    return surface_writes(result.rasters, dests, lang=lang, source=result.attribution,
                          synthetic=tuple(result.metadata.get("synthetic") or ()))


def write_rasters(result: AnalysisResult, out_dir: str | os.PathLike[str], *,
                  basename: str = "wijkkracht", lang: str = "nl") -> dict[str, Path]:
    """Write every surface of ``result.rasters`` (GeoTIFF and style) into ``out_dir``: all of
    them, or none (the previous files stay as they were).

    Returns
    -------
    dict
        ``{kind: Path}`` as in :func:`raster_writes`; empty when ``result.rasters`` is.
    """
    writes = raster_writes(result, out_dir, basename=basename, lang=lang)
    if writes:
        try:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{out_dir}: cannot create the output folder "
                              f"({exc.strerror or exc})") from exc
        write_all_atomically(list(writes.values()))
    return {kind: dest for kind, (dest, _) in writes.items()}
