"""Intensity surfaces on the RD New grid: kernel densities and a moving-window diversity.

Pure functions (no I/O): points in, :class:`Surface` s out. The GeoTIFFs are written by
:mod:`wijkkracht.output.geotiff`; the QGIS and map colours come from the ``rasters`` section of
the style specification (:func:`wijkkracht.styles.raster_style`).

Grid
----
:func:`rd_grid`: square cells in EPSG:28992 (RD New) whose edges lie on multiples of the cell
size (default 25 m; 100 m gives the cells of the CBS *vierkantstatistieken*), covering the
bounding box of the study area plus the kernel's reach (the bandwidth), so that a surface of one
run lines up cell for cell with any other made on the same cell size. Row 0 is the northern row;
the transform is GDAL's ``(x0, cell, 0, y0, 0, -cell)`` with ``(x0, y0)`` the north-west corner.
Cells whose centre lies farther than the reach from the study area are *nodata*: the input
layers (buffered around the study area) say little about them.

Kernel density
--------------
A quartic (biweight) kernel of bandwidth ``h`` (default 200 m):
``K(d) = 3 / (pi h²) · (1 - d²/h²)²`` for ``d < h``, else 0, which integrates to 1 over the plane.
A surface is the sum of the kernels of its points at each **cell centre**, times 10⁶: a number of
points **per km²**. Each point adds one to the integral of the surface, so summed over the cells
(times the cell area) it gives back the number of points, less what falls outside the grid. The
sum is exact (each point's kernel is evaluated at every cell centre within its reach, as QGIS'
*Heatmap* does; no binning of the points to cells), computed point by point in vectorised chunks
and accumulated with :func:`numpy.bincount`: the cost grows with the number of points times
``(2h / cell)²``.

Surfaces (:data:`SURFACES`)
---------------------------
=============================  ===============================================================
``business_intensity``         functions from OpenStreetMap (POIs with a function class)
``n_intensity``                N businesses (*noodzakelijk*, everyday necessities)
``o_intensity``                O businesses (*onderscheidend*, distinctive)
``vacancy_density``            vacant shop fronts (``shop=vacant``, ``disused:shop``)
``mixed_use_diversity``        Hill number q = 1 (exp of Shannon's entropy) of the function
                               classes within a radius (default the bandwidth) of the cell
                               centre; 0 where there is no function
``establishment_intensity``    establishments active on the reference date (with a
                               KvK/LISA export); see *privacy*
``bag_vacancy_density``        the BAG vacancy indication: non-residential units in use without
                               an active establishment (with BAG and establishments)
=============================  ===============================================================

Privacy
-------
Establishments are personal data (a one-person business at a home address *is* a person), so
they appear only as the smoothed ``establishment_intensity``, and a cell whose value comes from
fewer than ``privacy_threshold`` establishments (those within the bandwidth of its centre, the
points with a non-zero kernel there) is set to **nodata**, as small counts are emptied (null) in
the streets and areas layers. Not 0: 0 would say "no business here". A cell with no
establishment at all within reach keeps its 0 (it discloses no one). The surface holds no
individual establishment, and the number of suppressed cells is kept in the metadata.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from .categories import FUNCTIONS, Label
from .errors import InputError
from .indicators.registry import SOURCES, UNITS

__all__ = [
    "Surface",
    "SurfaceKind",
    "Grid",
    "SURFACES",
    "SURFACE_UNITS",
    "NODATA",
    "DEFAULT_CELL_SIZE",
    "DEFAULT_BANDWIDTH",
    "MAX_CELLS",
    "register_surface",
    "surface_kind",
    "rd_grid",
    "quartic_kernel",
    "kernel_density",
    "count_within",
    "moving_window_hill1",
    "vacancy_indication_mask",
    "check_options",
    "compute_surfaces",
    "surfaces_metadata",
    "surfaces_for_layers",
]

#: The value of a cell without a value (outside the study area's reach, or suppressed).
NODATA = -9999.0
DEFAULT_CELL_SIZE = 25.0
DEFAULT_BANDWIDTH = 200.0
#: Largest grid computed (cells); a larger one asks for a larger cell size.
MAX_CELLS = 25_000_000
#: How many (point, cell) pairs one vectorised chunk handles (memory: ~10 arrays of this size).
_CHUNK_PAIRS = 2_000_000

#: Units of the surfaces: key -> label (Dutch, English).
SURFACE_UNITS: dict[str, Label] = {
    "per_km2": Label("per km²", "per km²"),
    "species": UNITS["species"],
}


@dataclass(frozen=True)
class SurfaceKind:
    """What a surface is: one entry of the registry :data:`SURFACES`.

    Attributes
    ----------
    name
        Key, also the file name part (``<basename>_<name>.tif``) and the column prefix of the
        zonal means (``<name>_raster_mean``).
    unit
        A key of :data:`SURFACE_UNITS`.
    label, description
        Dutch and English.
    requires
        The input it needs (a key of the indicator registry's ``SOURCES``): ``osm`` (every
        run) or ``establishments`` (a KvK/LISA export placed on the BAG).
    """

    name: str
    unit: str
    label: Label
    description: Label
    requires: str = "osm"

    def title(self, lang: str = "nl") -> str:
        """``label (unit)`` in ``lang``."""
        return f"{self.label(lang)} ({SURFACE_UNITS[self.unit](lang)})"


#: The registry of surfaces, in the order they are computed and listed.
SURFACES: dict[str, SurfaceKind] = {}


def register_surface(kind: SurfaceKind) -> SurfaceKind:
    """Add a surface to :data:`SURFACES` (names are unique)."""
    if kind.name in SURFACES:
        raise ValueError(f"surface {kind.name!r} registered twice")
    if kind.unit not in SURFACE_UNITS:
        raise ValueError(f"unknown unit {kind.unit!r} for surface {kind.name!r}")
    if kind.requires not in SOURCES:
        raise ValueError(f"unknown source {kind.requires!r} for surface {kind.name!r}")
    SURFACES[kind.name] = kind
    return kind


def surface_kind(name: str) -> SurfaceKind:
    """Look up a registered surface."""
    try:
        return SURFACES[name]
    except KeyError:
        raise KeyError(f"unknown surface {name!r}; known: {', '.join(SURFACES)}") from None


_KDE_NL = ("Kerndichtheid (kwartische kern) van {}, per km²: hoe meer en hoe dichterbij, hoe "
           "hoger.")
_KDE_EN = "Kernel density (quartic kernel) of {}, per km²: the more and the nearer, the higher."

for _name, _nl, _en, _what_nl, _what_en, _requires in (
    ("business_intensity", "Bedrijvigheid (OSM-functies)", "Business intensity (OSM functions)",
     "de niet-woonfuncties uit OpenStreetMap (winkels, horeca, diensten, zorg, kantoren, ...)",
     "the non-residential functions of OpenStreetMap (shops, food and drink, services, care, "
     "offices, ...)", "osm"),
    ("n_intensity", "Dichtheid N (noodzakelijk)", "Intensity of N (everyday necessities)",
     "de N-voorzieningen (dagelijkse boodschappen, bakker, apotheek, huisarts)",
     "the N businesses (groceries, bakery, pharmacy, GP)", "osm"),
    ("o_intensity", "Dichtheid O (onderscheidend)", "Intensity of O (distinctive)",
     "de O-bedrijven (speciaalzaken, ambachten, horeca, cultuur)",
     "the O businesses (specialty shops, crafts, food and drink, culture)", "osm"),
    ("vacancy_density", "Dichtheid leegstaande winkelpanden", "Density of vacant shop fronts",
     "de leegstaande winkelpanden in OpenStreetMap (shop=vacant, disused:shop)",
     "the vacant shop fronts in OpenStreetMap (shop=vacant, disused:shop)", "osm"),
):
    register_surface(SurfaceKind(_name, "per_km2", Label(_nl, _en),
                                 Label(_KDE_NL.format(_what_nl), _KDE_EN.format(_what_en)),
                                 _requires))

register_surface(SurfaceKind(
    "mixed_use_diversity", "species",
    Label("Functiemenging (Hill q = 1)", "Mixed-use diversity (Hill q = 1)"),
    Label("Effectief aantal functieklassen (exp van de Shannon-entropie) van de functies binnen "
          "de straal rond het midden van de cel (hemelsbreed); 0 zonder functies.",
          "Effective number of function classes (exp of Shannon's entropy) of the functions "
          "within the radius around the cell centre (straight line); 0 without functions."),
))
register_surface(SurfaceKind(
    "establishment_intensity", "per_km2",
    Label("Bedrijvigheid (actieve vestigingen)", "Business intensity (active establishments)"),
    Label(_KDE_NL.format("de vestigingen die op de peildatum actief zijn (KvK/LISA)")
          + " Cellen waarvan de waarde van minder vestigingen komt dan de privacydrempel zijn "
            "leeg (nodata).",
          _KDE_EN.format("the establishments active on the reference date (KvK/LISA)")
          + " Cells whose value comes from fewer establishments than the privacy threshold "
            "are empty (nodata)."),
    "establishments"))
register_surface(SurfaceKind(
    "bag_vacancy_density", "per_km2",
    Label("Dichtheid leegstandsindicatie (BAG)", "Density of the vacancy indication (BAG)"),
    Label(_KDE_NL.format("de niet-woonobjecten in gebruik zonder actieve vestiging (BAG en "
                         "KvK/LISA)") + " Een indicatie, niet de CBS-leegstandsstatistiek.",
          _KDE_EN.format("the non-residential units in use without an active establishment "
                         "(BAG and KvK/LISA)") + " An indication, not the CBS vacancy "
                                                 "statistic."),
    "establishments"))


# --- the grid --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """A north-up grid of square cells in EPSG:28992.

    Attributes
    ----------
    x0, y0
        The north-west corner (m).
    cell
        Cell size (m).
    width, height
        Columns and rows; row 0 is the northern row.
    """

    x0: float
    y0: float
    cell: float
    width: int
    height: int

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL's geotransform ``(x0, cell, 0, y0, 0, -cell)``."""
        return (self.x0, self.cell, 0.0, self.y0, 0.0, -self.cell)

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``, as numpy arrays have it."""
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)``."""
        return (self.x0, self.y0 - self.height * self.cell, self.x0 + self.width * self.cell,
                self.y0)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """The x of each column's centres and the y of each row's centres."""
        xs = self.x0 + (np.arange(self.width) + 0.5) * self.cell
        ys = self.y0 - (np.arange(self.height) + 0.5) * self.cell
        return xs, ys

    @classmethod
    def from_transform(cls, transform: Sequence[float], shape: tuple[int, int]) -> Grid:
        """The grid of a north-up GDAL geotransform and an array shape ``(rows, cols)``."""
        x0, cell, rot1, y0, rot2, neg = (float(v) for v in transform)
        if rot1 or rot2 or neg != -cell or cell <= 0:
            raise ValueError(f"not a north-up grid of square cells: {tuple(transform)}")
        return cls(x0=x0, y0=y0, cell=cell, width=int(shape[1]), height=int(shape[0]))


def rd_grid(bounds: Sequence[float], *, cell_size: float = DEFAULT_CELL_SIZE,
            reach: float = 0.0) -> Grid:
    """The RD New grid covering ``bounds`` plus ``reach``, cell edges on multiples of the cell size.

    Parameters
    ----------
    bounds
        ``(xmin, ymin, xmax, ymax)`` in EPSG:28992, e.g. the study area's.
    cell_size
        Cell size in metres (> 0).
    reach
        Added on every side (m), e.g. the kernel's bandwidth.

    Returns
    -------
    Grid

    Raises
    ------
    InputError
        For a cell size that is not positive, empty or non-finite bounds, or a grid of more
        than :data:`MAX_CELLS` cells.

    Examples
    --------
    >>> g = rd_grid((134_010.0, 452_990.0, 134_490.0, 453_260.0), cell_size=100, reach=200)
    >>> g.transform, g.shape
    ((133800.0, 100.0, 0.0, 453500.0, 0.0, -100.0), (8, 9))
    """
    cell = float(cell_size)
    if not (math.isfinite(cell) and cell > 0):
        raise InputError(None, f"the cell size must be a positive number of metres, not {cell_size!r}")
    xmin, ymin, xmax, ymax = (float(b) for b in bounds)
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)) or xmax < xmin or ymax < ymin:
        raise InputError(None, f"the study area has no valid extent ({xmin}, {ymin}, {xmax}, {ymax})")
    r = max(float(reach), 0.0)
    cx0 = math.floor((xmin - r) / cell)
    cx1 = math.ceil((xmax + r) / cell)
    cy0 = math.floor((ymin - r) / cell)
    cy1 = math.ceil((ymax + r) / cell)
    width, height = max(cx1 - cx0, 1), max(cy1 - cy0, 1)
    if width * height > MAX_CELLS:
        raise InputError(None, f"a grid of {width} x {height} cells of {cell:g} m is too large "
                               f"(more than {MAX_CELLS:,} cells); choose a larger cell size or a "
                               "smaller study area")
    return Grid(x0=cx0 * cell, y0=cy1 * cell, cell=cell, width=width, height=height)


# --- kernels ---------------------------------------------------------------------------------


def quartic_kernel(distance: np.ndarray | float, bandwidth: float) -> np.ndarray:
    """The quartic (biweight) kernel ``3/(pi h²) (1 - d²/h²)²`` for ``d < h``, per m².

    Examples
    --------
    >>> round(float(quartic_kernel(0.0, 200.0)) * 1e6, 3)  # per km², at the point itself
    23.873
    """
    d2 = np.asarray(distance, dtype=np.float64) ** 2
    h2 = float(bandwidth) ** 2
    return np.where(d2 < h2, 3.0 / (math.pi * h2) * (1.0 - d2 / h2) ** 2, 0.0)


def _xy(points: Any) -> tuple[np.ndarray, np.ndarray]:
    """x and y of points (shapely geometries, a GeoSeries, or an ``(n, 2)`` array); non-finite
    and empty ones left out."""
    if isinstance(points, np.ndarray) and points.ndim == 2 and points.shape[1] == 2:
        xy = points.astype(np.float64)
    else:
        geoms = np.asarray(getattr(points, "values", points), dtype=object)
        if len(geoms) == 0:
            return np.empty(0), np.empty(0)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        geoms = geoms[ok]
        not_point = shapely.get_type_id(geoms) != 0
        if not_point.any():
            geoms = geoms.copy()
            geoms[not_point] = shapely.point_on_surface(geoms[not_point])
        xy = np.column_stack([shapely.get_x(geoms), shapely.get_y(geoms)]) if len(geoms) \
            else np.empty((0, 2))
    keep = np.isfinite(xy).all(axis=1)
    return xy[keep, 0], xy[keep, 1]


def _scatter(x: np.ndarray, y: np.ndarray, grid: Grid, radius: float,
             profile: Callable[[np.ndarray], np.ndarray] | None,
             weights: np.ndarray | None = None) -> np.ndarray:
    """Sum over the points of ``profile(d²/r²)`` (1 when None) at every cell centre within
    ``radius`` (``d < r``) of the point; float64 ``(height, width)``."""
    h, w, c = grid.height, grid.width, grid.cell
    out = np.zeros(h * w, dtype=np.float64)
    if len(x) == 0:
        return out.reshape(h, w)
    r = float(radius)
    r2 = r * r
    m = int(math.floor(2.0 * r / c)) + 3  # cell centres a point can reach, per axis, with slack
    j_lo = np.floor((x - r - grid.x0) / c - 0.5).astype(np.int64)
    i_lo = np.floor((grid.y0 - (y + r)) / c - 0.5).astype(np.int64)
    near = (j_lo + m > 0) & (j_lo < w) & (i_lo + m > 0) & (i_lo < h)
    x, y, j_lo, i_lo = x[near], y[near], j_lo[near], i_lo[near]
    wts = None if weights is None else np.asarray(weights, dtype=np.float64)[near]
    steps = np.arange(m)
    per_chunk = max(1, _CHUNK_PAIRS // (m * m))
    for s in range(0, len(x), per_chunk):
        e = s + per_chunk
        cols = j_lo[s:e, None] + steps  # (n, m)
        rows = i_lo[s:e, None] + steps
        dx = grid.x0 + (cols + 0.5) * c - x[s:e, None]
        dy = grid.y0 - (rows + 0.5) * c - y[s:e, None]
        d2 = dy[:, :, None] ** 2 + dx[:, None, :] ** 2  # (n, rows, cols)
        inside = (d2 < r2) & ((rows >= 0) & (rows < h))[:, :, None] \
            & ((cols >= 0) & (cols < w))[:, None, :]
        flat = (rows[:, :, None] * w + cols[:, None, :])[inside]
        vals = np.ones(len(flat)) if profile is None else profile(d2[inside] / r2)
        if wts is not None:
            vals = vals * np.broadcast_to(wts[s:e, None, None], d2.shape)[inside]
        out += np.bincount(flat, weights=vals, minlength=h * w)
    return out.reshape(h, w)


def kernel_density(points: Any, grid: Grid, bandwidth: float = DEFAULT_BANDWIDTH, *,
                   weights: np.ndarray | None = None) -> np.ndarray:
    """Quartic kernel density of ``points`` at the cell centres of ``grid``, per km².

    Parameters
    ----------
    points
        Point geometries (EPSG:28992) or an ``(n, 2)`` array of x, y.
    grid
        The grid (:func:`rd_grid`).
    bandwidth
        Kernel radius ``h`` in metres.
    weights
        Optional weight per point (default 1).

    Returns
    -------
    numpy.ndarray
        float64 ``(height, width)``: ``10⁶ · Σ K(|centre - p|)``, number of points per km².
    """
    x, y = _xy(points)
    if weights is not None and len(weights) != len(x):
        raise ValueError("weights must have one value per (valid) point")
    scale = 3.0 / (math.pi * float(bandwidth) ** 2) * 1e6
    return scale * _scatter(x, y, grid, bandwidth, lambda u: (1.0 - u) ** 2, weights)


def count_within(points: Any, grid: Grid, radius: float) -> np.ndarray:
    """The number of ``points`` within ``radius`` (``d < radius``) of each cell centre (int64)."""
    x, y = _xy(points)
    return np.rint(_scatter(x, y, grid, radius, None)).astype(np.int64)


def moving_window_hill1(points: Any, classes: Sequence[str] | pd.Series, grid: Grid,
                        radius: float, *, names: Iterable[str] = tuple(FUNCTIONS)) -> np.ndarray:
    """Hill number q = 1 (``exp`` of Shannon's entropy) of the classes within ``radius``.

    Parameters
    ----------
    points, classes
        Point geometries and the class of each (e.g. the POIs' ``function``); points whose
        class is not in ``names`` are left out.
    grid
        The grid.
    radius
        Window radius (m, straight line, ``d < radius``) around each cell centre.
    names
        The classes (default the function classes of
        :data:`~wijkkracht.core.categories.FUNCTIONS`).

    Returns
    -------
    numpy.ndarray
        float64 ``(height, width)``, between 1 and the number of classes present where some
        point is within reach, 0 where none is (as ``hill1_400`` of the streets).
    """
    geoms = np.asarray(getattr(points, "values", points), dtype=object)
    names = list(names)
    codes = pd.Index(names).get_indexer(pd.Series(classes).astype(str).to_numpy())
    if len(codes) != len(geoms):
        raise ValueError("one class per point is needed")
    total = np.zeros(grid.shape)
    counts = []
    for k in range(len(names)):
        sel = codes == k
        if not sel.any():
            continue
        n_k = count_within(geoms[sel], grid, radius).astype(np.float64)
        counts.append(n_k)
        total += n_k
    shannon = np.zeros(grid.shape)
    has = total > 0
    for n_k in counts:
        p = np.divide(n_k, total, out=np.zeros(grid.shape), where=has)
        shannon -= p * np.log(p, out=np.zeros(grid.shape), where=p > 0)
    return np.where(has, np.exp(np.maximum(shannon, 0.0)), 0.0)


def vacancy_indication_mask(units: pd.DataFrame, establishments: pd.DataFrame, *,
                            reference_date: str | pd.Timestamp,
                            unit_id: str = "vbo_id") -> np.ndarray:
    """Which BAG units count in the vacancy indication (the definition of ``bag_vacancy``).

    A unit that exists, has uses none of which is ``woonfunctie``, is *in gebruik* and has no
    establishment active on ``reference_date`` at it
    (:func:`wijkkracht.core.indicators.bag.bag_vacancy` counts the same units per segment).
    """
    from .indicators.bag import _IN_USE, _WOON, active_mask, use_area_matrix

    has, _ = use_area_matrix(units)
    nonres = has.any(axis=1) & ~has[:, _WOON]
    # the statuses "in gebruik" are among the statuses of units that exist (the BAG's
    # DEFAULT_STATUSES): a unit in use exists
    in_use = units["status"].isin(_IN_USE).to_numpy()
    act = active_mask(establishments, reference_date)
    occupied_ids = set(establishments.loc[act, unit_id].dropna().astype(str))
    occupied = units["identificatie"].astype(str).isin(occupied_ids).to_numpy()
    return nonres & in_use & ~occupied


# --- the surfaces ----------------------------------------------------------------------------


def check_options(cell_size: float = DEFAULT_CELL_SIZE, bandwidth: float = DEFAULT_BANDWIDTH,
                  *, diversity_radius: float | None = None, privacy_threshold: int = 3) -> None:
    """Raise :class:`~wijkkracht.core.errors.InputError` for options :func:`compute_surfaces`
    cannot use (so that a run can check them before its slow steps).

    Examples
    --------
    >>> check_options(100, 50)
    Traceback (most recent call last):
    ...
    wijkkracht.core.errors.InputError: the bandwidth (50 m) must be at least the cell size (100 m)
    """
    def number(value: Any) -> float:
        try:
            return float(value)
        except (TypeError, ValueError):
            return math.nan

    c, h = number(cell_size), number(bandwidth)
    if not (math.isfinite(c) and c > 0):
        raise InputError(None, f"the cell size must be a positive number of metres, not {cell_size!r}")
    if not (math.isfinite(h) and h > 0):
        raise InputError(None, f"the bandwidth must be a positive number of metres, not {bandwidth!r}")
    if h < c:
        raise InputError(None, f"the bandwidth ({h:g} m) must be at least the cell size ({c:g} m)")
    if diversity_radius is not None:
        r = number(diversity_radius)
        if not (math.isfinite(r) and r > 0):
            raise InputError(None, f"the diversity radius must be positive, not {diversity_radius!r}")
    if not privacy_threshold >= 1:
        raise InputError(None, f"the privacy threshold must be at least 1, not {privacy_threshold!r}")


@dataclass(frozen=True, eq=False)
class Surface:
    """One intensity surface on the RD New grid.

    Attributes
    ----------
    name
        Key in :data:`SURFACES`.
    array
        float32 ``(rows, cols)``, row 0 the northern row; cells without a value hold
        ``nodata``.
    transform
        GDAL's geotransform ``(x0, cell, 0, y0, 0, -cell)`` (the north-west corner).
    crs
        ``"EPSG:28992"``.
    nodata
        The value of cells without a value (:data:`NODATA`).
    unit
        A key of :data:`SURFACE_UNITS` (``per_km2``, ``species``).
    label, description
        Dutch and English (:class:`~wijkkracht.core.categories.Label`).
    method
        How it was computed (kernel, bandwidth, cell size, number of points), in English.
    points
        The number of points it was made from.
    suppressed_cells
        Cells set to nodata by the privacy threshold (establishments only).
    """

    name: str
    array: np.ndarray
    transform: tuple[float, float, float, float, float, float]
    crs: str
    nodata: float
    unit: str
    label: Label
    description: Label
    method: str
    points: int = 0
    suppressed_cells: int = 0

    @property
    def grid(self) -> Grid:
        """The grid of the surface."""
        return Grid.from_transform(self.transform, self.array.shape)

    @property
    def cell_size(self) -> float:
        return float(self.transform[1])

    @property
    def valid(self) -> np.ndarray:
        """Boolean mask of the cells with a value."""
        return self.array != self.nodata

    def values(self) -> np.ndarray:
        """The array as float64 with NaN for nodata."""
        return np.where(self.valid, self.array.astype(np.float64), np.nan)

    def unit_label(self, lang: str = "nl") -> str:
        return SURFACE_UNITS[self.unit](lang)

    def title(self, lang: str = "nl") -> str:
        """``label (unit)`` in ``lang``."""
        return f"{self.label(lang)} ({self.unit_label(lang)})"


def _surface(name: str, grid: Grid, values: np.ndarray, mask: np.ndarray, method: str,
             points: int, suppressed: np.ndarray | None = None) -> Surface:
    kind = SURFACES[name]
    out = values.astype(np.float32)
    out[~mask] = NODATA
    n_sup = 0
    if suppressed is not None:
        sup = suppressed & mask
        out[sup] = NODATA
        n_sup = int(sup.sum())
    return Surface(name=name, array=out, transform=grid.transform, crs="EPSG:28992",
                   nodata=NODATA, unit=kind.unit, label=kind.label,
                   description=kind.description, method=method, points=points,
                   suppressed_cells=n_sup)


def _within(geom: shapely.Geometry, grid: Grid, reach: float) -> np.ndarray:
    """Cells whose centre lies within ``reach`` of ``geom`` (distance <= reach, exactly).

    Buffers a little larger and smaller than ``reach`` decide most cells fast; the exact
    distance decides the thin ring between them (a buffer's arcs are approximated by chords).
    """
    xs, ys = grid.centres()
    xx, yy = np.meshgrid(xs, ys)
    if reach <= 0:
        return shapely.intersects_xy(geom, xx, yy)
    tol = 0.02 * reach + 1.0
    outer = shapely.buffer(geom, reach + tol)
    inner = shapely.buffer(geom, reach - tol) if reach > tol else geom
    shapely.prepare(outer)
    shapely.prepare(inner)
    out = shapely.intersects_xy(inner, xx, yy)
    ring = shapely.intersects_xy(outer, xx, yy) & ~out
    shapely.prepare(geom)
    out[ring] = shapely.dwithin(geom, shapely.points(xx[ring], yy[ring]), reach)
    return out


def compute_surfaces(
    pois: pd.DataFrame,
    study_area: shapely.Geometry,
    *,
    cell_size: float = DEFAULT_CELL_SIZE,
    bandwidth: float = DEFAULT_BANDWIDTH,
    diversity_radius: float | None = None,
    bag: pd.DataFrame | None = None,
    establishments: pd.DataFrame | None = None,
    reference_date: str | pd.Timestamp | None = None,
    privacy_threshold: int = 3,
) -> dict[str, Surface]:
    """Every surface the inputs allow, on the RD New grid of the study area.

    Parameters
    ----------
    pois
        Classified POIs (:func:`~wijkkracht.core.categories.classify_pois`: ``function``,
        ``no_class``, ``shopfront``, ``vacant``) with point geometry in EPSG:28992, e.g.
        ``AnalysisResult.pois``; give them beyond the study area (as the buffered inputs are):
        a point within the bandwidth of the area counts.
    study_area
        Polygon(s) in EPSG:28992.
    cell_size
        Cell size (m); default 25, 100 matches the CBS squares.
    bandwidth
        Kernel bandwidth (m), at least the cell size; default 200.
    diversity_radius
        Radius of the diversity window (m); default the bandwidth.
    bag
        Optional BAG units (BAG schema, point geometry): with ``establishments``, the
        ``bag_vacancy_density`` surface.
    establishments
        Optional geolocated establishments (``start_date``, ``end_date``, ``vbo_id``, point
        geometry): ``establishment_intensity`` (suppressed below ``privacy_threshold``).
    reference_date
        Date establishments must be active on (default today).
    privacy_threshold
        Smallest number of establishments a cell's value may come from (default 3).

    Returns
    -------
    dict
        name -> :class:`Surface`, in the order of :data:`SURFACES`.

    Raises
    ------
    InputError
        For a cell size or bandwidth that is not positive, a bandwidth below the cell size, a
        privacy threshold below 1, an empty study area or a grid that is too large.
    """
    check_options(cell_size, bandwidth, diversity_radius=diversity_radius,
                  privacy_threshold=privacy_threshold)
    h, c = float(bandwidth), float(cell_size)
    radius = h if diversity_radius is None else float(diversity_radius)
    if study_area is None or shapely.is_empty(study_area):
        raise InputError("area", "the study area is empty")
    missing = [col for col in ("function", "no_class", "shopfront", "vacant", "geometry")
               if col not in pois.columns]
    if missing:
        raise InputError("pois", f"missing column(s) {', '.join(missing)}; classify the POIs "
                                 "with wijkkracht.core.categories.classify_pois first")
    reach = max(h, radius)
    grid = rd_grid(shapely.bounds(study_area), cell_size=c, reach=reach)
    mask = _within(study_area, grid, reach)
    geoms = np.asarray(pois.geometry.values, dtype=object)
    function = pois["function"].fillna("").astype(str).to_numpy()
    no_class = pois["no_class"].fillna("").astype(str).to_numpy()
    vacant = pois["shopfront"].fillna(False).astype(bool).to_numpy() \
        & pois["vacant"].fillna(False).astype(bool).to_numpy()
    kde = f"quartic kernel density, bandwidth {h:g} m, cells of {c:g} m on the RD New grid " \
          "(value at the cell centre, exact sum over the points), per km²"
    out: dict[str, Surface] = {}
    for name, sel, what in (
        ("business_intensity", function != "", "OpenStreetMap functions"),
        ("n_intensity", no_class == "N", "N businesses (OpenStreetMap)"),
        ("o_intensity", no_class == "O", "O businesses (OpenStreetMap)"),
        ("vacancy_density", vacant, "vacant shop fronts (OpenStreetMap)"),
    ):
        n = int(sel.sum())
        out[name] = _surface(name, grid, kernel_density(geoms[sel], grid, h), mask,
                             f"{n} {what}; {kde}", n)
    has_function = function != ""
    out["mixed_use_diversity"] = _surface(
        "mixed_use_diversity", grid,
        moving_window_hill1(geoms[has_function], function[has_function], grid, radius), mask,
        f"Hill number q = 1 (exp of Shannon's entropy) of the {len(FUNCTIONS)} function classes "
        f"of {int(has_function.sum())} OpenStreetMap functions within {radius:g} m (straight "
        f"line) of the cell centre, cells of {c:g} m on the RD New grid",
        int(has_function.sum()))
    if establishments is not None:
        from .indicators.bag import active_mask

        ref = pd.Timestamp(reference_date) if reference_date is not None \
            else pd.Timestamp.today().normalize()
        act = active_mask(establishments, ref) if len(establishments) else \
            np.zeros(0, dtype=bool)
        est = np.asarray(establishments.geometry.values, dtype=object)[act] if len(act) \
            else np.empty(0, dtype=object)
        n_est = int(len(est))
        small = count_within(est, grid, h)
        small = (small > 0) & (small < int(privacy_threshold))
        out["establishment_intensity"] = _surface(
            "establishment_intensity", grid, kernel_density(est, grid, h), mask,
            f"{n_est} establishments active on {ref:%Y-%m-%d}; {kde}; cells whose value comes "
            f"from 1 to {int(privacy_threshold) - 1} establishments (within {h:g} m of the "
            "centre) are nodata (privacy threshold "
            f"{int(privacy_threshold)})", n_est, suppressed=small)
        if bag is not None:
            ref_units = bag[vacancy_indication_mask(bag, establishments, reference_date=ref)]
            n_vac = int(len(ref_units))
            out["bag_vacancy_density"] = _surface(
                "bag_vacancy_density", grid, kernel_density(ref_units.geometry, grid, h), mask,
                f"{n_vac} BAG units in the vacancy indication (non-residential, in use, no "
                f"establishment active on {ref:%Y-%m-%d}); {kde}", n_vac)
    return {name: out[name] for name in SURFACES if name in out}


def surfaces_metadata(surfaces: dict[str, Surface], *, cell_size: float,
                      bandwidth: float) -> dict[str, Any]:
    """What the metadata of a run keeps about its surfaces (plain JSON types)."""
    first = next(iter(surfaces.values()), None)
    return {
        "cell_size_m": float(cell_size),
        "bandwidth_m": float(bandwidth),
        "kernel": "quartic (biweight)",
        "crs": "EPSG:28992",
        "transform": list(first.transform) if first is not None else None,
        "shape": list(first.array.shape) if first is not None else None,
        "surfaces": {name: {"unit": s.unit, "points": s.points, "method": s.method,
                            **({"suppressed_cells": s.suppressed_cells}
                               if s.suppressed_cells else {})}
                     for name, s in surfaces.items()},
    }


def surfaces_for_layers(
    pois: Any,
    area: Any | None = None,
    *,
    streets: Any | None = None,
    categories: Any = None,
    bag: pd.DataFrame | None = None,
    establishments: pd.DataFrame | None = None,
    **options: Any,
) -> dict[str, Surface]:
    """:func:`compute_surfaces` for layers as they come (any CRS, OSMnx/GDAL/wijkkracht columns).

    What the QGIS algorithm *Intensity rasters* calls. The POIs are brought to the POI schema
    and classified (the same table as the analysis); the study area is the union of ``area``,
    or without it the area the analysis takes (a concave hull of the streets' vertices).

    Parameters
    ----------
    pois, area, streets
        Layers as :func:`wijkkracht.core.layer_inputs.normalize_layers` takes them; ``streets`` is
        needed only without ``area``.
    categories
        The tag classification table (a :class:`~wijkkracht.core.categories.CategoryTable`;
        read your own with :func:`wijkkracht.data_sources.tables.read_category_table`);
        default the bundled one.
    bag, establishments
        BAG units and geolocated establishments in EPSG:28992 (as :func:`compute_surfaces`).
    **options
        ``cell_size``, ``bandwidth``, ``diversity_radius``, ``reference_date``,
        ``privacy_threshold`` of :func:`compute_surfaces`.
    """
    from .categories import category_table, classify_pois
    from .layer_inputs import normalize_layers

    layers = normalize_layers(streets, pois, area)
    if layers.pois is None:
        raise TypeError("pois is a required layer, not None")
    table = category_table(categories)
    classified = classify_pois(layers.pois, table)
    if layers.area is not None:
        geom = layers.area.geometry.union_all()
    elif layers.streets is not None:
        coords = shapely.get_coordinates(layers.streets.geometry.values)
        geom = shapely.concave_hull(shapely.MultiPoint(coords), ratio=0.2)
    else:
        raise InputError(None, "give a study area (or streets to take their extent)")
    return compute_surfaces(classified, geom, bag=bag, establishments=establishments, **options)
