"""The steps of an analysis (:func:`wijkkracht.core.pipeline.analyse`), each a function from
what the run has so far to the columns or layers it adds, with its own progress label.

:data:`STEPS` is the analysis, in order:

1. ``network``: build the network of the buffered streets, classify and place the POIs;
2. ``indicators``: the OpenStreetMap indicators of every segment, and the detour check;
3. ``bag``: the BAG/KvK indicators (with ``bag``), small counts suppressed;
4. ``hours``: liveliness by hour from ``opening_hours``;
5. ``spending``: the Huff spending flows (with ``spending``);
6. ``typology``: the opportunity types of the segments addresses front;
7. ``assemble``: the study area's streets, named streets and area summary;
8. ``areas``: summaries per CBS area (with ``areas``), suppressed like the streets;
9. ``rasters``: the intensity surfaces (with ``rasters``).

A step reads the options (:mod:`wijkkracht.core.options`, checked before the first step) and
the inputs from :class:`Run` and writes its results there; no step reads a file.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._version import __version__
from .categories import CategoryTable, category_table
from .errors import InputError, NoDataError
from .indicators import ALL_INDICATORS
from .network import StreetNetwork, locate_points
from .prepare import (
    input_warnings,
    missing_amenity_warnings,
    prepare,
    relevant_pois,
    study_segments,
)
from .result import OSM_ATTRIBUTION, OSM_LICENCE
from .streets import FRONT_DISTANCE_M, TYPOLOGY_SEGMENTS, fronting_counts, named_streets
from .typology import classify_streets
from .typology_features import EXTRA_TYPOLOGY, typology_features

__all__ = ["Run", "Step", "STEPS", "AnalysisInputs", "DEFAULT_ATTRIBUTION"]

#: The attribution of a run without sources (the bundled OpenStreetMap data).
DEFAULT_ATTRIBUTION = f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}; Kanaleneiland extract via OSMnx"


@dataclass
class AnalysisInputs:
    """The data of an analysis besides streets, POIs and study area (not options: they are
    not given on a command line but read by the front ends).

    Attributes
    ----------
    categories
        The tag classification table (default: the bundled one); a path is read by the
        front ends (:func:`wijkkracht.data_sources.tables.read_category_table`).
    sources
        Descriptions of the input data for the provenance (name, path, licence, attribution,
        date).
    bag, establishments, areas, spending_zones
        Optional layers, see :func:`wijkkracht.core.pipeline.analyse`.
    huff
        :class:`wijkkracht.core.huff.HuffParameters`; default: made from the ``huff_*``
        options.
    added_shops
        Shops to add as spending scenarios.
    hours_synthetic
        The ``opening_hours`` values are SYNTHETIC (the demo).
    """

    categories: CategoryTable | None = None
    sources: list[dict[str, Any]] | None = None
    bag: gpd.GeoDataFrame | None = None
    establishments: pd.DataFrame | None = None
    areas: gpd.GeoDataFrame | None = None
    spending_zones: gpd.GeoDataFrame | None = None
    huff: Any = None
    added_shops: Sequence[Any] = ()
    hours_synthetic: bool = False


@dataclass
class Run:
    """What an analysis has so far: the data, the options, and what each step adds."""

    streets: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    area: gpd.GeoDataFrame | None
    options: dict[str, Any]
    inputs: AnalysisInputs
    progress: Callable[[str, float], None]
    t0: float = field(default_factory=time.perf_counter)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    table: CategoryTable | None = None
    network: StreetNetwork | None = None
    prepared: gpd.GeoDataFrame | None = None
    indicators: pd.DataFrame | None = None
    detour: dict[str, Any] | None = None
    walk_info: Any = None
    bag_meta: dict[str, Any] | None = None
    bag_raw: list[pd.DataFrame] = field(default_factory=list)
    bag_pub: list[pd.DataFrame] = field(default_factory=list)
    units: gpd.GeoDataFrame | None = None
    threshold: int | None = None
    area_geom: Any = None
    area_name: str = "study area"
    extra_cols: list[pd.DataFrame] = field(default_factory=list)
    hours_frame: pd.DataFrame | None = None
    hours_meta: dict[str, Any] | None = None
    spend: Any = None
    fronting: pd.DataFrame | None = None
    segments_used: str = "fronting"
    typed: np.ndarray | None = None
    typ: Any = None
    streets_out: gpd.GeoDataFrame | None = None
    named: gpd.GeoDataFrame | None = None
    areas_out: gpd.GeoDataFrame | None = None
    area_out: gpd.GeoDataFrame | None = None
    surfaces: dict[str, Any] = field(default_factory=dict)

    def step(self, name: str, fraction: float) -> None:
        """Mark the start of a step: its time and the progress report."""
        self.timings[name] = time.perf_counter()
        self.progress(name, fraction)

    def opt(self, name: str) -> Any:
        return self.options[name]


@dataclass(frozen=True)
class Step:
    """One step: its name (the progress label) and the function that does it."""

    name: str
    run: Callable[[Run], None]


def check_inputs(run: Run) -> None:
    """Combinations of options and inputs that cannot go together, before any computing."""
    o, i = run.options, run.inputs
    if i.establishments is not None and i.bag is None:
        raise ValueError("establishments need bag")
    if o["spending"] and i.bag is None:
        raise InputError("spending", "the spending flows need the BAG: its dwellings are the "
                         "demand (give --bag)")
    if i.added_shops and not o["spending"]:
        raise InputError("scenario", "an added shop is a scenario of the spending flows: "
                         "turn them on (--spending)")
    if "spending" in o["typology_extra"] and not o["spending"]:
        raise ValueError("typology_extra 'spending' needs spending=True")
    if o["rasters"]:
        from .rasters import check_options

        check_options(o["cell_size"], o["bandwidth"],
                      privacy_threshold=o["privacy_threshold"] or 3)


def network_step(run: Run) -> None:
    """The network of the buffered streets and the POIs classified and placed on it."""
    i = run.inputs
    run.table = category_table(i.categories)
    run.step("network", 0.0)
    run.network, run.prepared = prepare(
        run.streets, run.pois, run.area, categories=run.table,
        snap_distance=run.opt("snap_distance"),
        keep_all_components=run.opt("keep_all_components"), bag=i.bag)
    run.warnings.extend(input_warnings(run.area, run.network, run.prepared,
                                       run.opt("snap_distance")))
    run.warnings.extend(missing_amenity_warnings(run.prepared))
    _study_area(run)


def indicators_step(run: Run) -> None:
    """The OpenStreetMap indicators of every segment, and the detour check."""
    from .diagnostics import detour_check, detour_warning

    parts = []
    n_ind = len(ALL_INDICATORS)
    for k, func in enumerate(ALL_INDICATORS):
        run.step(f"indicators: {func.__name__}", 0.1 + 0.7 * k / n_ind)
        parts.append(func(run.network, run.prepared))
    run.indicators = pd.concat(parts, axis=1)
    run.detour = detour_check(run.network, run.prepared, run.indicators)
    if detour_warning(run.detour):
        run.warnings.append(detour_warning(run.detour))
    walk_info = run.streets.attrs.get("walk_network")
    if isinstance(walk_info, dict) and walk_info.get("warning"):
        run.warnings.append(str(walk_info["warning"]))
    run.walk_info = walk_info


def bag_step(run: Run) -> None:
    """With the BAG: its units (and establishments) on the streets, their indicators, small
    establishment counts suppressed in what is published."""
    bag = run.inputs.bag
    if bag is None:
        return
    from .privacy import DEFAULT_THRESHOLD, suppress_small_counts

    run.step("indicators: bag", 0.75)
    bag_ind, run.bag_meta, run.units = _bag_columns(
        run.network, bag, run.inputs.establishments, reference_date=run.opt("reference_date"),
        max_distance=run.opt("bag_snap_distance"))
    threshold = run.opt("privacy_threshold")
    run.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    run.bag_raw.append(bag_ind)  # exact values: only for the per-area sums
    run.bag_pub.append(suppress_small_counts(bag_ind, run.threshold))


def _study_area(run: Run) -> None:
    """The study area's geometry and name (without an area: the hull of the network)."""
    area, network = run.area, run.network
    run.area_geom = (area.geometry.union_all() if area is not None and len(area)
                     else shapely.concave_hull(shapely.MultiPoint(network.node_xy), ratio=0.2))
    if area is not None and "name" in area and len(area):
        run.area_name = str(area["name"].iloc[0])


def hours_step(run: Run) -> None:
    """Liveliness by hour from the POIs' ``opening_hours`` (when they have them, or asked)."""
    prepared, hours = run.prepared, run.opt("hours")
    has_hours = "opening_hours" in prepared and bool(prepared["opening_hours"].notna().any())
    do_hours = has_hours if hours is None else bool(hours)
    if do_hours and importlib.util.find_spec("opening_hours") is None:
        # e.g. the Python of a QGIS without it: the rest of the analysis does not need it
        missing = ("the opening hours need the package opening-hours-py, which is not "
                   "installed (pip install opening-hours-py)")
        if hours:
            raise InputError("pois", missing)
        run.warnings.append(f"{missing}: liveliness by hour left out")
        do_hours = False
    if "hours" in run.opt("typology_extra") and not do_hours:
        raise InputError("pois", "typology feature 'hours' needs opening hours: the POI layer "
                         "has no opening_hours values")
    if not do_hours:
        return
    from .indicators.liveliness import liveliness, relevant_for_hours
    from .opening_hours import week_monday
    from .result import HOUR_COLUMNS

    run.step("indicators: opening hours", 0.76)
    reference_date = run.opt("reference_date")
    week = run.opt("hours_week") if run.opt("hours_week") is not None else (
        reference_date if reference_date is not None else pd.Timestamp.today().date())
    live = liveliness(run.network, prepared, week=pd.Timestamp(week).date(),
                      radius=run.opt("hours_radius"))
    run.extra_cols.append(live.indicators)
    run.hours_frame = pd.DataFrame(live.profile, index=run.network.segments.index,
                                   columns=list(HOUR_COLUMNS))
    mask = relevant_for_hours(prepared) & prepared["in_study_area"].to_numpy(bool)
    values = prepared["opening_hours"] if "opening_hours" in prepared \
        else pd.Series(None, index=prepared.index, dtype=object)
    invalid = live.hours.invalid_among(values, mask)
    run.hours_meta = {
        "week": week_monday(pd.Timestamp(week).date()).isoformat(),
        "radius_m": float(run.opt("hours_radius")),
        "counts": live.hours.counts(mask),
        "invalid_values": {str(k): int(v) for k, v in invalid.head(20).items()},
        "synthetic": bool(run.inputs.hours_synthetic),
        "library": "opening-hours-py (Dutch public holidays, Europe/Amsterdam)",
    }


def _huff(run: Run) -> Any:
    """The Huff parameters: the ones given, else made from the ``huff_*`` options."""
    from .huff import HuffParameters

    if run.inputs.huff is not None:
        return run.inputs.huff
    return HuffParameters(decay=run.opt("huff_decay"), beta=run.opt("huff_beta"),
                          lam=run.opt("huff_lambda"), cutoff=run.opt("huff_cutoff"))


def spending_step(run: Run) -> None:
    """With ``spending``: where the dwellings' daily-goods spending goes (Huff model)."""
    if not run.opt("spending"):
        return
    from .spending import SEGMENT_COLUMNS as SPEND_COLUMNS
    from .spending import spending_analysis

    run.step("spending", 0.77)
    i = run.inputs
    zones = i.spending_zones if i.spending_zones is not None else i.areas
    floor = run.opt("scenario_floor_area")
    more = {} if floor is None else {"scenario_floor_area": floor}
    run.spend = spending_analysis(
        run.network, run.prepared, run.units, run.area_geom, zones=zones,
        area_name=run.area_name, params=_huff(run), measure=run.opt("spending_measure"),
        spending_per_dwelling=run.opt("spending_per_dwelling"), added_shops=i.added_shops,
        **more)
    run.extra_cols.append(run.spend.segments[list(SPEND_COLUMNS)])
    run.warnings.extend(run.spend.metadata["warnings"])


def typology_step(run: Run) -> None:
    """The opportunity types of the study area's segments that addresses front (or more, when
    too few do), from what is published (no suppressed count shows through a type)."""
    network = run.network
    study = network.segments["in_study_area"].to_numpy()
    run.fronting = _fronting(network, run.prepared,
                             run.units if run.inputs.bag is not None else None)
    used = run.opt("typology_segments")
    typed = _typology_domain(network, run.fronting, used) & study
    for wider in ("streets", "all"):
        # an area where almost no address fronts a street (a BAG extract of a few units, a
        # park): classify more segments rather than fail, and say so
        if int(typed.sum()) >= 3 or used == "all" or \
                list(TYPOLOGY_SEGMENTS).index(wider) <= list(TYPOLOGY_SEGMENTS).index(used):
            continue
        run.warnings.append(
            f"only {int(typed.sum())} {TYPOLOGY_SEGMENTS[used].en} in the study area, "
            f"too few for types: {TYPOLOGY_SEGMENTS[wider].en} were classified instead "
            f"(typology_segments '{wider}')")
        used = wider
        typed = _typology_domain(network, run.fronting, used) & study
    run.segments_used, run.typed = used, typed
    study_ind = pd.concat([run.indicators, *run.bag_pub, *run.extra_cols], axis=1).loc[typed]
    run.step("typology", 0.8)
    features = typology_features(study_ind.columns)
    for key in run.opt("typology_extra"):
        features.update(EXTRA_TYPOLOGY[key])
    sources = run.inputs.sources
    run.typ = classify_streets(
        study_ind, network=network, k=run.opt("k"), k_range=run.opt("k_range"),
        contiguous=run.opt("contiguous"), random_state=run.opt("random_state"),
        features=features, model=run.opt("typology_model"),
        fitted_on={"area": run.area_name, "typology_segments": used,
                   "sources": [str(src.get("name", "")) for src in (sources or [])]})


def assemble_step(run: Run) -> None:
    """The study area's streets with every column, the named streets and the area summary."""
    run.step("assemble", 0.95)
    network = run.network
    study = network.segments["in_study_area"].to_numpy()
    labels = _type_labels(run.typ.labels, network, study, run.fronting)
    streets_out = study_segments(network, [run.indicators, run.fronting, labels,
                                           *run.bag_pub, *run.extra_cols])
    run.named, street_ids = named_streets(streets_out)
    streets_out.insert(streets_out.columns.get_loc("length_m") + 1, "street_id", street_ids)
    if run.hours_frame is not None:
        run.hours_frame = run.hours_frame.loc[streets_out.index]
    run.streets_out = streets_out


def areas_step(run: Run) -> None:
    """With ``areas``: a summary per area of the exact counts, suppressed in its turn; the
    privacy figures of the run."""
    areas = run.inputs.areas
    areas_out = None
    if areas is not None:
        from .areas import summarise_by_area

        # per-area sums of the exact counts, suppressed in their turn below
        areas_out = summarise_by_area(study_segments(run.network,
                                                     [run.indicators, *run.bag_raw]), areas)
        if run.spend is not None and run.inputs.spending_zones is None:
            from .spending import ZONE_COLUMNS

            by_code = run.spend.zones.set_index("code")
            for col in ZONE_COLUMNS:
                areas_out[f"spend_{col}"] = by_code[col].reindex(
                    areas_out["area_code"].astype(str)).to_numpy(dtype=float)
    if run.bag_meta is not None and run.threshold is not None:
        from .privacy import suppress_area_counts

        run.bag_meta["privacy_threshold"] = run.threshold
        run.bag_meta["suppressed_segments"] = int(run.streets_out["suppressed"].sum())
        if areas_out is not None:
            attrs = dict(areas_out.attrs)  # labels, segments outside every area
            areas_out = gpd.GeoDataFrame(suppress_area_counts(areas_out, run.threshold),
                                         geometry="geometry", crs=areas_out.crs)
            areas_out.attrs.update(attrs)
            run.bag_meta["suppressed_areas"] = int(areas_out["suppressed"].sum())
    run.areas_out = areas_out
    run.area_out = _area_summary(run.area_name, run.area_geom, run.streets_out, run.prepared)


def rasters_step(run: Run) -> None:
    """With ``rasters``: the intensity surfaces, and their means per area."""
    if not run.opt("rasters"):
        return
    from .areas import raster_means_by_area
    from .rasters import compute_surfaces

    run.step("rasters", 0.97)
    run.surfaces = compute_surfaces(
        run.prepared, run.area_geom, cell_size=run.opt("cell_size"),
        bandwidth=run.opt("bandwidth"), bag=run.inputs.bag,
        establishments=run.inputs.establishments, privacy_threshold=run.threshold or 3,
        reference_date=run.bag_meta["reference_date"] if run.bag_meta
        else run.opt("reference_date"))
    if run.areas_out is not None:
        run.areas_out = raster_means_by_area(run.areas_out, run.surfaces)


#: The analysis, step by step (see the module docstring).
STEPS: tuple[Step, ...] = (
    Step("network", network_step),
    Step("indicators", indicators_step),
    Step("bag", bag_step),
    Step("hours", hours_step),
    Step("spending", spending_step),
    Step("typology", typology_step),
    Step("assemble", assemble_step),
    Step("areas", areas_step),
    Step("rasters", rasters_step),
)


def metadata(run: Run) -> dict[str, Any]:
    """The provenance of the run: tool, sources, parameters, counts, warnings, timings."""
    o, i, typ = run.options, run.inputs, run.typ
    prepared = run.prepared
    placed = prepared["segment_id"] >= 0
    relevant = relevant_pois(prepared)
    model = o["typology_model"]
    study = run.network.segments["in_study_area"].to_numpy()
    out: dict[str, Any] = {
        "tool": "wijkkracht",
        "version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "attribution": DEFAULT_ATTRIBUTION if i.sources is None else _attribution(i.sources),
        "sources": i.sources or [],
        "parameters": {
            "snap_distance_m": o["snap_distance"],
            "k": typ.k,
            "k_requested": o["k"],
            "k_range": list(o["k_range"]) if o["k_range"] is not None else None,
            "typology_model": ({"fitted_on": model.fitted_on,
                                "tool_version": model.tool_version}
                               if model is not None else None),
            "method": typ.model.method,
            "contiguous": bool(typ.model.contiguous),
            "random_state": o["random_state"],
            "categories": run.table.source,
            "keep_all_components": o["keep_all_components"],
            "typology_segments": o["typology_segments"],
            "typology_segments_used": run.segments_used,
            "typed_segments": int(run.typed.sum()),
            "missing_value_fills": typ.profile.attrs.get("fills", {}),
            "typology_features": [c[2:] for c in typ.profile.columns if c.startswith("z_")],
        },
        "synthetic": _synthetic_inputs(i.bag, i.establishments)
        + (["opening_hours"] if run.hours_meta is not None and i.hours_synthetic else []),
        "silhouette": typ.silhouette,
        "network": {
            "segments_buffered": run.network.n_segments,
            "segments_study_area": int(study.sum()),
            "nodes": run.network.n_nodes,
            "dropped_segments": run.network.dropped_segments,
        },
        "walk_network": run.walk_info if isinstance(run.walk_info, dict) else None,
        "detour": run.detour,
        "counted_once": prepared.attrs.get("count_once", {}),
        "pois": {
            "total": int(len(prepared)),
            "relevant": int(relevant.sum()),
            "placed": int((placed & relevant).sum()),
            "unplaced": int((~placed & relevant).sum()),
        },
    }
    if run.bag_meta is not None:
        out["bag"] = run.bag_meta
    if o["rasters"]:
        from .rasters import surfaces_metadata

        out["rasters"] = surfaces_metadata(run.surfaces, cell_size=o["cell_size"],
                                           bandwidth=o["bandwidth"])
    if run.spend is not None:
        out["spending"] = run.spend.metadata
    if run.hours_meta is not None:
        out["opening_hours"] = run.hours_meta
    out["warnings"] = run.warnings
    out["timings_s"] = _durations(run.timings, time.perf_counter())
    out["total_s"] = round(time.perf_counter() - run.t0, 3)
    return out


def _bag_columns(network: StreetNetwork, bag: gpd.GeoDataFrame,
                 establishments: pd.DataFrame | None, *,
                 reference_date: str | pd.Timestamp | None = None,
                 max_distance: float = 150.0) -> tuple[pd.DataFrame, dict[str, Any]]:
    """BAG units (and establishments) placed on ``network`` and their per-segment indicators.

    Returns the indicator columns (aligned to the segments), metadata (units and
    establishments placed/unplaced) and the units with their ``segment_id`` and ``offset_m``.
    """
    from .indicators.bag import bag_indicators

    ref = pd.Timestamp(reference_date) if reference_date is not None \
        else pd.Timestamp.today().normalize()
    units = bag.copy()
    loc = locate_points(network, units.geometry, max_distance=max_distance)
    units["segment_id"] = loc["segment_id"].to_numpy()
    units["offset_m"] = loc["offset_m"].to_numpy()
    if not (units["segment_id"] >= 0).any():
        source = str((bag.attrs.get("bag") or {}).get("source") or "bag")
        where = (f"none of its {len(units):,} addresses (verblijfsobjecten) lies within "
                 f"{max_distance:g} m of a street of the area" if len(units) else
                 "it holds no address (verblijfsobject) in or near the study area")
        raise NoDataError(source, f"{where}; check that the BAG layer covers the area")
    meta: dict[str, Any] = {
        "reference_date": ref.strftime("%Y-%m-%d"),
        "units": int(len(units)),
        "units_placed": int((units["segment_id"] >= 0).sum()),
        "units_unplaced": int((units["segment_id"] < 0).sum()),
    }
    meta.update({k: v for k, v in bag.attrs.items() if isinstance(v, (str, int, float, bool))})
    # what the BAG readers record (source, snapshot date, status filter, dropped rows)
    info = bag.attrs.get("bag")
    if isinstance(info, dict):
        meta["snapshot_date"] = info.get("snapshot_date")
        meta["bag_source"] = {k: v for k, v in info.items()
                              if isinstance(v, (str, int, float, bool, list, dict, type(None)))}
    est = None
    if establishments is not None:
        est = establishments.copy()
        if len(est):
            el = locate_points(network, gpd.GeoSeries(est.geometry), max_distance=max_distance)
            est["segment_id"] = el["segment_id"].to_numpy()
        else:
            est["segment_id"] = pd.Series(dtype=np.int64)
        meta["establishments_placed"] = int((est["segment_id"] >= 0).sum())
        meta["establishments_unplaced"] = int((est["segment_id"] < 0).sum())
    return bag_indicators(network, units, est, reference_date=ref), meta, units


def _fronting(network: StreetNetwork, prepared: gpd.GeoDataFrame,
              units: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """``fronting_n`` per segment: the addresses (BAG units; without a BAG, the OSM buildings
    and functions) whose nearest street segment it is (:func:`~.streets.fronting_counts`).

    The points come placed on their nearest segment of any kind (``segment_id``): where that
    is a street segment it is their nearest street segment too, and only the others are
    looked up again among the street segments."""
    if units is not None and len(units):
        frame = units
    else:
        tag = prepared["tag"].astype(str)
        own = tag.str.startswith("building=") | (prepared["function"] != "")
        frame = prepared.loc[own.to_numpy()].drop_duplicates("osm_id")
    seg = network.segments
    street = seg["is_street"].to_numpy(dtype=bool)
    at = frame["segment_id"].to_numpy(dtype=np.int64)
    on_street = (at >= 0) & street[np.maximum(at, 0)]
    near = shapely.distance(frame.geometry.to_numpy()[on_street],
                            seg.geometry.to_numpy()[at[on_street]])
    on_street[np.flatnonzero(on_street)[near > FRONT_DISTANCE_M]] = False
    counts = np.bincount(at[on_street], minlength=network.n_segments).astype(np.int64)
    rest = frame.geometry.to_numpy()[~on_street]
    counts += fronting_counts(seg.geometry.to_numpy(), street, rest)
    return pd.DataFrame({"fronting_n": counts}, index=seg.index)


def _typology_domain(network: StreetNetwork, fronting: pd.DataFrame, which: str) -> np.ndarray:
    """The segments the typology classifies (see ``typology_segments`` of :func:`analyse`)."""
    if which == "all":
        return np.ones(network.n_segments, dtype=bool)
    street = network.segments["is_street"].to_numpy(dtype=bool)
    if which == "streets":
        return street
    return street & (fronting["fronting_n"].to_numpy() > 0)


def _type_labels(labels: pd.DataFrame, network: StreetNetwork, study: np.ndarray,
                 fronting: pd.DataFrame) -> pd.DataFrame:
    """The type columns for every study-area segment: the typology's labels, and for the
    segments it did not classify ``untyped_street`` / ``untyped_path`` (no ``type_id``)."""
    from .typology import fill_untyped

    seg = network.segments.loc[study]
    return fill_untyped(labels, seg.index, seg["is_street"].to_numpy(dtype=bool))


def _synthetic_inputs(bag: pd.DataFrame | None, establishments: pd.DataFrame | None
                      ) -> list[str]:
    """Which inputs are SYNTHETIC (``attrs["synthetic"]`` or a ``synthetic`` column with a true
    value in some row), so that every output can say so.

    The column is read as a yes/no field, as a CSV or a QGIS layer gives it: ``True``, a
    non-zero number, or the text ``true``, ``1``, ``yes``, ``ja`` (any case) is true;
    ``False``, ``0``, ``"false"``, ``"0"``, ``"no"``, ``"nee"`` and empty values are not."""

    def true(value: Any) -> bool:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return False
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, float, np.integer, np.floating)):
            return value != 0
        return str(value).strip().lower() in ("true", "1", "yes", "ja")

    out = []
    for kind, frame in (("bag", bag), ("establishments", establishments)):
        if frame is None:
            continue
        info = frame.attrs.get("bag")  # read_bag_gpkg/read_bag_lv record it there
        flagged = bool(frame.attrs.get("synthetic")) or (
            isinstance(info, dict) and bool(info.get("synthetic")))
        if not flagged and "synthetic" in frame.columns and len(frame):
            flagged = any(true(v) for v in frame["synthetic"])
        if flagged:
            out.append(kind)
    return out


def _durations(marks: dict[str, float], end: float) -> dict[str, float]:
    names = list(marks)
    out = {}
    for i, name in enumerate(names):
        stop = marks[names[i + 1]] if i + 1 < len(names) else end
        out[name] = round(stop - marks[name], 4)
    return out


def _attribution(sources: list[dict[str, Any]]) -> str:
    texts = []
    for s in sources:
        text = s.get("attribution")
        if text and text not in texts:
            texts.append(text)
    return "; ".join(texts) or f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}"


def _area_summary(name: str, geom: shapely.Geometry, streets: gpd.GeoDataFrame,
                  pois: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The one-row summary of the study area. Counts of POIs count each amenity once
    (``counted``); street figures are over the street segments (``is_street``: paths,
    sidewalks and unnamed service roads are in the network but not streets), means weighted
    by length; the main type is the one with the most street length."""
    keep = pois["in_study_area"].to_numpy(dtype=bool).copy()
    if "counted" in pois:
        keep &= pois["counted"].to_numpy(dtype=bool)
    inside = pois[keep]
    street = streets["is_street"].to_numpy(dtype=bool) if "is_street" in streets else \
        np.ones(len(streets), dtype=bool)
    st = streets[street] if street.any() else streets
    length = st["length_m"].to_numpy(dtype=float)
    n_n = int((inside["no_class"] == "N").sum())
    n_o = int((inside["no_class"] == "O").sum())
    fronts = int(inside["shopfront"].sum())
    vacant = int((inside["shopfront"] & inside["vacant"]).sum())

    def wmean(col: str) -> float:
        v = pd.to_numeric(st[col], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(v)
        return round(float(np.average(v[ok], weights=length[ok])), 2) if ok.any() and \
            length[ok].sum() > 0 else np.nan

    typed = st[st["type_id"].notna()] if "type_id" in st else st
    by_len = typed.groupby(["type_name_nl", "type_name_en"])["length_m"].sum() \
        .sort_values(ascending=False) if len(typed) else None
    row = {
        "name": name,
        "area_km2": round(geom.area / 1e6, 3),
        "segments": int(street.sum()),
        "street_km": round(float(length.sum()) / 1000, 2),
        "network_km": round(float(streets["length_m"].sum()) / 1000, 2),
        "functions": int((inside["function"] != "").sum()),
        "n_count": n_n,
        "o_count": n_o,
        "shopfronts": fronts,
        "vacant_shopfronts": vacant,
        "vacancy_share": round(vacant / fronts, 4) if fronts else np.nan,
        "mean_everyday_800": wmean("everyday_800"),
        "mean_hill1_400": wmean("hill1_400"),
        "median_dist_supermarket_m": round(float(st["dist_supermarket_m"].median()), 1),
        "main_type_nl": by_len.index[0][0] if by_len is not None else "",
        "main_type_en": by_len.index[0][1] if by_len is not None else "",
    }
    return gpd.GeoDataFrame([row], geometry=[geom], crs=streets.crs)
