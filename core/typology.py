"""Typology: cluster street segments into opportunity types with readable names.

Indicators are transformed (counts as ``log1p``), standardised (z-scores) and clustered
with scikit-learn: k-means by default, or Ward clustering constrained by the street
adjacency graph for spatially contiguous types. The number of types is chosen by the
silhouette score within a range unless given. Each cluster gets the name of the archetype
its profile matches best (one archetype per cluster, an optimal assignment), so names read
as opportunities ("Straat van de dagelijkse boodschappen"), not as numbers.

Determinism: a fixed ``random_state``, a fixed number of k-means initialisations, a
canonical cluster order (largest first) and a deterministic name assignment give the same
types and names for the same input every run.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from .categories import Label
from .errors import InputError
from .network import StreetNetwork, build_network
from .typology_features import BAG_TYPOLOGY_FEATURES, TYPOLOGY_FEATURES, typology_features

__all__ = [
    "Archetype",
    "ARCHETYPES",
    "TYPOLOGY_FEATURES",
    "BAG_TYPOLOGY_FEATURES",
    "typology_features",
    "TYPE_COLUMNS",
    "Typology",
    "classify_streets",
    "classify_street_layer",
    "layer_domain",
    "fill_untyped",
    "segment_adjacency",
]


@dataclass(frozen=True)
class Archetype:
    """A named opportunity type; clusters are matched to archetypes by their profile.

    ``weights`` gives the expected z-score direction of each typology feature.
    """

    key: str
    name: Label
    description: Label
    weights: dict[str, float]


def _arch(key, nl, en, dnl, den, **weights) -> Archetype:
    return Archetype(key, Label(nl, en), Label(dnl, den), weights)


ARCHETYPES: dict[str, Archetype] = {a.key: a for a in (
    _arch("lively_centre", "Levendig gemengd centrum", "Lively mixed centre",
          "Veel en veelsoortige functies, N en O samen: een kern om te koesteren en te versterken.",
          "Many and varied functions, N and O together: a core to cherish and strengthen.",
          functions_400=1.5, hill1_400=0.8, n_count_400=1.0, o_count_400=1.0, everyday_800=0.4,
          nonres_units_per_100m=0.8, mxi_400=-0.4, bag_use_hill1_400=0.6),
    _arch("everyday_street", "Straat van de dagelijkse boodschappen", "Everyday shopping street",
          "Sterk in noodzakelijke voorzieningen; kans om onderscheidende ondernemers toe te voegen.",
          "Strong in everyday necessities; room to add distinctive businesses.",
          n_count_400=1.0, everyday_800=0.6, functions_400=0.3, o_count_400=-0.6,
          nonres_units_per_100m=0.3),
    _arch("distinctive_street", "Onderscheidende ondernemersstraat", "Distinctive business street",
          "Speciaalzaken, ambachten en horeca geven identiteit; kans om dagelijkse voorzieningen te binden.",
          "Specialty shops, crafts and food give identity; room to anchor everyday services.",
          o_count_400=1.0, hill1_400=0.3, n_count_400=-0.3, bag_use_hill1_400=0.3),
    _arch("work_street", "Werk- en bedrijvenstraat", "Work and business street",
          "Veel niet-woongebouwen: werkgelegenheid en ruimte voor bedrijvigheid.",
          "Many non-residential buildings: jobs and room for enterprise.",
          nonres_share_400=1.2, functions_400=0.2, everyday_800=-0.3, n_count_400=-0.3,
          mxi_400=-1.0, nonres_units_per_100m=0.6),
    _arch("vacancy_opportunity", "Kans: leegstand om te vullen", "Opportunity: vacant shop fronts to fill",
          "Leegstaande winkelpanden tussen bestaande bedrijvigheid: ruimte voor nieuwe ondernemers.",
          "Vacant shop fronts among existing business: space for new entrepreneurs.",
          vacancy_share_400=1.2, functions_400=-0.3, bag_vacant_share=1.2),
    _arch("residential_near_amenities", "Woonstraat met voorzieningen op loopafstand",
          "Residential street with amenities within walking distance",
          "Rustig wonen met de dagelijkse voorzieningen binnen tien minuten lopen.",
          "Quiet living with everyday amenities within a ten-minute walk.",
          everyday_800=0.8, functions_400=-0.5, nonres_share_400=-0.5, mxi_400=0.5),
    _arch("mixed_residential", "Gemengde woonstraat", "Mixed residential street",
          "Wonen met hier en daar een functie: de fijnmazige menging waarop te bouwen is.",
          "Homes with a function here and there: the fine-grained mix to build on.",
          hill1_400=0.8, nonres_share_400=-0.3, everyday_800=0.3, functions_400=0.3,
          home_based_share=0.6, bag_use_hill1_400=0.4, mxi_400=0.2),
    _arch("quiet_residential", "Rustige woonstraat, voorzieningen verder weg",
          "Quiet residential street, amenities further away",
          "Woonstraat op afstand van voorzieningen: kans voor kleinschalige bedrijvigheid aan huis.",
          "Residential street at a distance from amenities: room for small home-based business.",
          everyday_800=-1.0, functions_400=-1.0, hill1_400=-0.7, n_count_400=-0.5,
          o_count_400=-0.5, mxi_400=0.6, nonres_units_per_100m=-0.5),
)}


#: The typology columns of a classified streets table.
TYPE_COLUMNS = ("type_id", "type_key", "type_name_nl", "type_name_en")

# How missing values are filled before clustering (documented in the profile metadata).
# BAG/KvK: no floor area -> the median mix; no non-residential unit in use or no establishment
# -> no vacancy and no home-based business.
# Optional features: no daily-goods shop on the street -> it draws nothing; no dwelling or no
# amenity with known opening hours -> the median.
_FILL = {"nonres_share_400": "median", "vacancy_share_400": 0.0, "mxi_400": "median",
         "bag_vacant_share": 0.0, "home_based_share": 0.0, "spend_drawn": 0.0,
         "spend_kept_share": "median", "evening_share": "median",
         "n_o_hours_per_day": "median"}


@dataclass(frozen=True)
class Typology:
    """Result of :func:`classify_streets`.

    Attributes
    ----------
    labels
        Per segment (aligned to the input index): ``type_id``, ``type_key``,
        ``type_name_nl`` and ``type_name_en``.
    profile
        One row per type: ids, names, description, ``segments``, ``share`` and the mean of
        every feature in its own unit, plus ``z_<feature>`` (the standardised centroid).
    k
        The number of types.
    method
        ``"kmeans"`` or ``"contiguous"``.
    silhouette
        Silhouette score per candidate k (for the chosen method).
    """

    labels: pd.DataFrame
    profile: pd.DataFrame
    k: int
    method: str
    silhouette: dict[int, float]


def segment_adjacency(network: StreetNetwork, mask: np.ndarray | None = None) -> sparse.csr_matrix:
    """Segment-by-segment adjacency (segments sharing a node), optionally for a subset."""
    m = network.n_segments
    inc = sparse.csr_matrix(
        (np.ones(2 * m), (np.concatenate([network.node_a, network.node_b]),
                          np.tile(np.arange(m), 2))),
        shape=(network.n_nodes, m),
    )
    adj = (inc.T @ inc).tocsr()
    adj.setdiag(0)
    adj.eliminate_zeros()
    adj.data[:] = 1.0
    if mask is not None:
        idx = np.flatnonzero(mask)
        adj = adj[idx][:, idx]
    return adj


def _feature_matrix(indicators: pd.DataFrame, features: dict[str, str]) -> tuple[np.ndarray, dict]:
    missing = [f for f in features if f not in indicators]
    if missing:
        raise InputError("typology", f"indicator column(s) missing: {', '.join(missing)}")
    cols = []
    fills: dict[str, float] = {}
    for name, transform in features.items():
        values = indicators[name].to_numpy(dtype=np.float64)
        if np.isnan(values).any():
            rule = _FILL.get(name, "median")
            if rule != "median":
                fill = float(rule)
            elif np.isnan(values).all():
                fill = 0.0  # nothing known at all (np.nanmedian would warn)
            else:
                fill = float(np.nanmedian(values))
            values = np.where(np.isnan(values), fill, values)
            fills[name] = fill
        if transform == "log1p":
            values = np.log1p(np.maximum(values, 0.0))
        cols.append(values)
    return np.column_stack(cols), fills


def classify_streets(
    indicators: pd.DataFrame,
    *,
    network: StreetNetwork | None = None,
    k: int | None = None,
    k_range: tuple[int, int] = (3, 8),
    contiguous: bool = False,
    random_state: int = 0,
    features: dict[str, str] | None = None,
) -> Typology:
    """Cluster street segments into named opportunity types.

    Parameters
    ----------
    indicators
        Indicator columns for the segments to classify (at least the typology features).
    network
        The network the segments belong to; needed for ``contiguous=True`` (the index of
        ``indicators`` must be segment ids of this network).
    k
        Number of types; ``None`` chooses k in ``k_range`` by the silhouette score.
    k_range
        Inclusive range of k tried when ``k`` is None (at most the number of archetypes).
    contiguous
        Spatially contiguous types: Ward clustering with the street-adjacency graph as
        connectivity, so that types form connected stretches of street.
    random_state
        Seed for k-means and silhouette sampling.
    features
        Feature columns and transforms; default :func:`typology_features` of the columns:
        :data:`TYPOLOGY_FEATURES`, plus :data:`BAG_TYPOLOGY_FEATURES` present in
        ``indicators`` (MXI, intensity, floor-area diversity, vacancy indication, home-based
        share: computed before small counts are suppressed; the profile holds only means
        per type).

    Returns
    -------
    Typology
    """
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    features = dict(features or typology_features(indicators.columns))
    x_raw, fills = _feature_matrix(indicators, features)
    # rows in the order of their feature values: the types do not depend on the order of the
    # input (k-means' start and its ties follow the row order), and a layer classified on its
    # own gets the types of the analysis it came from
    canon = np.lexsort(np.round(x_raw, 9).T[::-1])
    indicators, x_raw = indicators.iloc[canon], x_raw[canon]
    n = len(x_raw)
    max_k = len(ARCHETYPES)
    if n < 3:
        raise InputError("typology", f"only {n} street segment(s) in the study area; need at least 3")
    x = StandardScaler().fit_transform(x_raw)
    x = np.nan_to_num(x)  # a constant feature standardises to nan -> 0
    # k types need k different street profiles (a small area can have only a few)
    distinct = len(np.unique(np.round(x, 9), axis=0))
    if distinct < 2:
        raise InputError("typology", f"all {n} street segments have the same indicator "
                         "values: there is nothing to classify")
    if k is not None:
        if not 2 <= k <= max_k:
            raise InputError("typology", f"k must be between 2 and {max_k}, got {k}")
        if k > distinct:
            raise InputError("typology", f"{k} types asked for, but the segments have only "
                             f"{distinct} different indicator profiles; ask for at most "
                             f"{distinct}")
        candidates = [min(k, n - 1)]
    else:
        lo, hi = k_range
        if not 2 <= lo <= hi:
            raise InputError("typology", f"invalid k range {k_range}")
        top = min(hi, max_k, n - 1, distinct)
        candidates = list(range(lo, top + 1)) or [min(lo, top)]

    connectivity = None
    if contiguous:
        if network is None:
            raise InputError("typology", "contiguous types need the street network")
        mask = np.zeros(network.n_segments, dtype=bool)
        ids = indicators.index.to_numpy(dtype=np.int64)
        mask[ids] = True
        connectivity = segment_adjacency(network, mask)
        # segment_adjacency orders by segment id; align to the indicators' order.
        order = np.argsort(np.argsort(ids))
        connectivity = connectivity[order][:, order]

    def fit(kk: int) -> np.ndarray:
        if contiguous:
            model = AgglomerativeClustering(n_clusters=kk, linkage="ward", connectivity=connectivity)
            with warnings.catch_warnings():
                # A study area split by a canal has several street components; sklearn
                # then completes the graph, which is what we want.
                warnings.filterwarnings("ignore", message=".*connected components.*")
                return model.fit_predict(x)
        return KMeans(n_clusters=kk, n_init=10, random_state=random_state).fit_predict(x)

    from threadpoolctl import threadpool_limits

    scores: dict[int, float] = {}
    best: tuple[float, int, np.ndarray] | None = None
    sample = min(n, 2000)
    # One thread: small problems run faster without OpenMP start-up and contention, and the
    # summation order (hence the labels) does not depend on the machine's core count.
    with threadpool_limits(1):
        for kk in candidates:
            lab = fit(kk)
            if len(np.unique(lab)) < 2:
                score = -1.0
            else:
                score = float(silhouette_score(x, lab, sample_size=sample,
                                               random_state=random_state))
            scores[kk] = round(score, 6)
            if best is None or score > best[0] + 1e-12:
                best = (score, kk, lab)
    assert best is not None
    _, k_best, raw = best

    # Canonical order: largest cluster first (ties by the centroid's first features).
    uniq = np.unique(raw)
    centroids = np.array([x[raw == c].mean(axis=0) for c in uniq])
    sizes = np.array([(raw == c).sum() for c in uniq])
    order = sorted(range(len(uniq)), key=lambda i: (-sizes[i], *np.round(centroids[i], 9)))
    relabel = np.empty(raw.max() + 1, dtype=np.int64)
    for new, i in enumerate(order):
        relabel[uniq[i]] = new
    type_id = relabel[raw]
    centroids = centroids[order]

    keys = _assign_archetypes(centroids, list(features))
    names = [ARCHETYPES[kk] for kk in keys]
    labels = pd.DataFrame(
        {
            "type_id": type_id,
            "type_key": [keys[t] for t in type_id],
            "type_name_nl": [names[t].name.nl for t in type_id],
            "type_name_en": [names[t].name.en for t in type_id],
        },
        index=indicators.index,
    )
    rows = []
    for t, arch in enumerate(names):
        sel = type_id == t
        row = {
            "type_id": t,
            "type_key": arch.key,
            "type_name_nl": arch.name.nl,
            "type_name_en": arch.name.en,
            "description_nl": arch.description.nl,
            "description_en": arch.description.en,
            "segments": int(sel.sum()),
            "share": float(sel.mean()),
        }
        for j, f in enumerate(features):
            row[f] = float(np.nanmean(indicators[f].to_numpy(dtype=np.float64)[sel])) \
                if np.isfinite(indicators[f].to_numpy(dtype=np.float64)[sel]).any() else np.nan
            row[f"z_{f}"] = float(centroids[t, j])
        rows.append(row)
    profile = pd.DataFrame(rows)
    profile.attrs["fills"] = fills
    back = np.empty_like(canon)
    back[canon] = np.arange(len(canon))
    labels = labels.iloc[back]  # in the order the rows were given
    return Typology(labels=labels, profile=profile, k=int(k_best),
                    method="contiguous" if contiguous else "kmeans", silhouette=scores)


def classify_street_layer(
    streets: gpd.GeoDataFrame,
    *,
    features: Sequence[str] | None = None,
    k: int | None = None,
    k_range: tuple[int, int] = (3, 8),
    contiguous: bool = False,
    random_state: int = 0,
    source: str = "streets",
    typology_segments: str = "fronting",
) -> tuple[gpd.GeoDataFrame, Typology]:
    """Classify the segments of a street layer that already carries the indicator columns.

    For a table with one row per street segment: the ``streets`` of an analysis, or what the
    indicator steps write (see :func:`wijkkracht.core.pipeline.street_indicators`). For
    spatially contiguous types the street adjacency comes from the layer's own lines
    (segments sharing an end point), which for the study-area segments of an analysis is the
    adjacency :func:`wijkkracht.core.pipeline.analyse` uses.

    Parameters
    ----------
    streets
        One row per street segment, with the feature columns.
    features
        Feature columns; default the keys of :func:`typology_features` of the layer's
        columns (with the BAG/KvK features when present). Features of
        :data:`TYPOLOGY_FEATURES` and :data:`BAG_TYPOLOGY_FEATURES` keep their transform,
        others are used as they are.
    k, k_range, contiguous, random_state
        As for :func:`classify_streets`.
    source
        Name of the layer in error messages.
    typology_segments
        Which rows to classify (:data:`wijkkracht.core.streets.TYPOLOGY_SEGMENTS`): by
        default those with ``is_street`` and ``fronting_n`` > 0, as in the analysis; rows
        left out get ``untyped_street``/``untyped_path``. ``"all"`` classifies every row (a
        layer without ``is_street``/``fronting_n`` needs it or ``"streets"``).

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, Typology)
        ``streets`` (same rows, order and index) with the :data:`TYPE_COLUMNS` replaced or
        appended, and the typology (its profile is the profile table).
    """
    names = list(features) if features is not None else list(typology_features(streets.columns))
    if not names:
        raise InputError(source, "choose at least one typology feature")
    transforms = {**TYPOLOGY_FEATURES, **BAG_TYPOLOGY_FEATURES}
    feats = {name: transforms.get(name, "identity") for name in names}
    domain = layer_domain(streets, typology_segments, source)
    network = _layer_network(streets, source) if contiguous else None
    columns = {name: streets[name].to_numpy() for name in names if name in streets.columns}
    table = pd.DataFrame(columns, index=pd.RangeIndex(len(streets), name="segment_id"))
    typ = classify_streets(table.loc[domain], network=network, k=k, k_range=k_range,
                           contiguous=contiguous, random_state=random_state, features=feats)
    is_street = (streets["is_street"].to_numpy(dtype=bool) if "is_street" in streets
                 else np.ones(len(streets), dtype=bool))
    labels = fill_untyped(typ.labels, table.index, is_street).set_axis(streets.index)
    kept = streets.drop(columns=[c for c in TYPE_COLUMNS if c in streets.columns])
    out = pd.concat([pd.DataFrame(kept), labels], axis=1)
    typed = gpd.GeoDataFrame(out, geometry=streets.geometry.name, crs=streets.crs)
    return typed, typ


def layer_domain(streets: pd.DataFrame, which: str, source: str = "streets") -> np.ndarray:
    """Which rows of a street layer the typology classifies (``typology_segments``)."""
    from .streets import TYPOLOGY_SEGMENTS

    if which not in TYPOLOGY_SEGMENTS:
        raise InputError("typology_segments", f"must be one of {', '.join(TYPOLOGY_SEGMENTS)}, "
                         f"got {which!r}")
    if which == "all":
        return np.ones(len(streets), dtype=bool)
    need = ["is_street"] + (["fronting_n"] if which == "fronting" else [])
    missing = [c for c in need if c not in streets.columns]
    if missing:
        raise InputError(source, f"no column {', '.join(missing)} to choose the "
                         f"{TYPOLOGY_SEGMENTS[which].en} (a layer from an older wijkkracht?); "
                         "classify every segment (typology_segments 'all')")
    domain = pd.Series(streets["is_street"]).fillna(False).astype(bool).to_numpy()
    if which == "fronting":
        domain = domain & (pd.to_numeric(streets["fronting_n"], errors="coerce")
                           .fillna(0).to_numpy() > 0)
    if int(domain.sum()) < 3:
        # as the analysis does: too few to classify, so classify more and say so
        wider = "streets" if which == "fronting" else "all"
        warnings.warn(f"{source}: only {int(domain.sum())} {TYPOLOGY_SEGMENTS[which].en}, too "
                      f"few for types: {TYPOLOGY_SEGMENTS[wider].en} were classified instead "
                      f"(typology_segments '{wider}')", UserWarning, stacklevel=3)
        return layer_domain(streets, wider, source)
    return domain


def fill_untyped(labels: pd.DataFrame, index: pd.Index, is_street: np.ndarray) -> pd.DataFrame:
    """The type columns for every row of ``index``: ``labels`` (the classified rows) and, for
    the rest, ``untyped_street`` (a street segment) or ``untyped_path`` without ``type_id``."""
    from .streets import UNTYPED

    key = np.where(np.asarray(is_street, dtype=bool), "untyped_street", "untyped_path")
    out = pd.DataFrame({
        "type_id": pd.array([pd.NA] * len(index), dtype="Int64"),
        "type_key": key.astype(object),
        "type_name_nl": [UNTYPED[k].nl for k in key],
        "type_name_en": [UNTYPED[k].en for k in key],
    }, index=index)
    out.loc[labels.index, "type_id"] = pd.array(labels["type_id"].to_numpy(), dtype="Int64")
    for col in ("type_key", "type_name_nl", "type_name_en"):
        out.loc[labels.index, col] = labels[col].to_numpy()
    return out


def _layer_network(streets: gpd.GeoDataFrame, source: str) -> StreetNetwork:
    """The network of a layer's own lines, one segment per row (for contiguous types)."""
    from ..data_sources.schema import RD_NEW, to_rd_new

    rd = to_rd_new(gpd.GeoDataFrame(geometry=streets.geometry.to_numpy(), crs=streets.crs),
                   source)
    geoms = rd.geometry.to_numpy()
    missing = int((shapely.is_missing(geoms) | shapely.is_empty(geoms)).sum())
    if missing:
        raise InputError(source, f"{missing} segment(s) without geometry; contiguous types need "
                         "the street lines")
    multi = shapely.get_type_id(geoms) == 5
    if multi.any():  # e.g. lines saved to a multi-line layer: merge the parts where they touch
        geoms = geoms.copy()
        geoms[multi] = shapely.line_merge(geoms[multi])
    if not bool((shapely.get_type_id(geoms) == 1).all()):
        raise InputError(source, "contiguous types need one line per segment; some segments "
                         "are lines in several pieces")
    blank = [""] * len(geoms)
    lines = gpd.GeoDataFrame({"osm_id": blank, "street_name": blank, "highway": blank},
                             geometry=geoms, crs=RD_NEW)
    network = build_network(lines, keep_all_components=True, source=source)
    if network.n_segments != len(streets):
        raise InputError(source, f"{len(streets) - network.n_segments} segment(s) repeat "
                         "another one (same ends and middle); contiguous types need one row "
                         "per street segment")
    return network


def _assign_archetypes(centroids: np.ndarray, feature_names: list[str]) -> list[str]:
    """One archetype per cluster, maximising the summed match (Hungarian algorithm)."""
    keys = list(ARCHETYPES)
    weights = np.array([[ARCHETYPES[k].weights.get(f, 0.0) for f in feature_names] for k in keys])
    score = centroids @ weights.T  # (clusters, archetypes)
    rows, cols = linear_sum_assignment(-score)
    out = [""] * len(centroids)
    for r, c in zip(rows, cols, strict=True):
        out[r] = keys[c]
    return out
