"""Count every amenity once, the way a Dutch planner counts it.

OpenStreetMap describes one place in several objects and tags, and a count that follows the
objects is not a count of places. After the tag classification
(:func:`wijkkracht.core.categories.classify_pois`), :func:`count_once` applies these rules
(constants in capitals are in this module):

One place, several objects
    Rows are the same amenity when they have the same *count key* (the everyday category of
    :data:`~wijkkracht.core.categories.EVERYDAY`, else the function class, else the tag) and

    * they are the same OSM object (``amenity=pharmacy`` and ``healthcare=pharmacy`` on one
      node are one pharmacy), or
    * one lies inside the other's outline (a node inside the school grounds mapped as a way;
      a school building inside the grounds): the readers record the outline that holds each
      point in ``outline_id``, or
    * a node lies within :data:`DUPLICATE_DISTANCE_M` (50 m) of a way or relation (for
      point-only layers, where outlines are not known).

    Two nodes, or two outlines, of one kind are never merged by distance: two bakeries side by
    side are two bakeries.

Public transport: stops, not platforms
    OSM maps a stop as a platform per direction (``public_transport=platform``), often as a
    node and as a way, plus a stop node on the road. The platforms of one stop are one
    ``pt_stop``: those in one ``public_transport=stop_area`` relation (``stop_area``, from
    extracts), those with the same name within :data:`STOP_NAME_DISTANCE_M` (150 m), and any
    within :data:`STOP_DISTANCE_M` (40 m) of each other (a chain: the two sides of a road and
    the tram platform between them). On the bundled Kanaleneiland data (no names) this turns
    124 platforms into 63 stops.

Primary school (*basisschool*)
    ``amenity=school`` is a primary school when ``isced:level`` includes 1 or ``school`` is
    ``primary``; failing those tags, when its name says so (:data:`PRIMARY_SCHOOL_NAME`:
    basisschool, OBS, CBS, PCBS, RKBS, KBS, IKC, SBO, ...). A school whose tags or name name
    another level (``isced:level`` without 1; college, lyceum, gymnasium, vmbo, mavo, havo,
    vwo, ROC/mbo, ...: :data:`OTHER_SCHOOL_NAME`) is not counted for proximity. Otherwise it is
    a *school of unknown level* (``school_unknown_level``), a category of its own: never
    counted as a primary school.

Pharmacy (*apotheek*) and drugstore (*drogist*)
    Set by the category table: ``amenity=pharmacy`` and ``healthcare=pharmacy`` are pharmacies;
    ``shop=chemist`` is a drugstore (``drugstore``), a category of its own.

Supermarket
    Every ``shop=supermarket``, unless its floor area is known to be below
    :data:`LARGE_SUPERMARKET_M2` (150 m²): then it is counted as an everyday shop (N, daily
    goods) but not as a supermarket. The floor area comes from the supermarket's own outline
    (``footprint_m2``), else from the building outline holding it (``outline_m2``, when at
    most :data:`MAX_HOLDING_OUTLINE_M2`: a larger building -- a shopping centre -- holds more
    than the shop), else from the BAG (the largest unit with *winkelfunctie* within
    :data:`BAG_SHOP_DISTANCE_M` of the point; a SYNTHETIC BAG is never used). Unknown: counted.
    CBS's *Nabijheidsstatistiek* measures the distance to a *grote supermarkt*: a supermarket
    of at least 150 m² sales floor (winkelvloeroppervlak, from Locatus), over the road network
    from inhabited addresses. OSM outlines and BAG units are gross floor areas, larger than the
    sales floor, so a few supermarkets CBS leaves out may be counted here.

The result keeps every row (the ``pois`` layer shows them all) and says which row stands for
its amenity (``counted``), which amenity it is (``amenity_id``) and why (``count_note``); the
indicator functions use only counted rows (:func:`wijkkracht.core.indicators._common.placed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from .categories import Label

__all__ = [
    "RULES",
    "DUPLICATE_DISTANCE_M",
    "STOP_DISTANCE_M",
    "STOP_NAME_DISTANCE_M",
    "LARGE_SUPERMARKET_M2",
    "MAX_HOLDING_OUTLINE_M2",
    "BAG_SHOP_DISTANCE_M",
    "PRIMARY_SCHOOL_NAME",
    "OTHER_SCHOOL_NAME",
    "CountOnce",
    "count_once",
    "school_level",
]

#: A node and a way/relation of one kind this close (m) are one amenity.
DUPLICATE_DISTANCE_M = 50.0
#: Platforms this close (m) are one public-transport stop, whatever their names.
STOP_DISTANCE_M = 40.0
#: Platforms with the same name this close (m) are one stop.
STOP_NAME_DISTANCE_M = 150.0
#: A supermarket counts as a supermarket from this floor area (m²) on (CBS: *grote supermarkt*).
LARGE_SUPERMARKET_M2 = 150.0
#: A building outline larger than this (m²) holds more than the shop in it.
MAX_HOLDING_OUTLINE_M2 = 4000.0
#: BAG units with *winkelfunctie* this close (m) to a supermarket are its unit.
BAG_SHOP_DISTANCE_M = 25.0

#: Names of primary schools (case-insensitive, whole words).
PRIMARY_SCHOOL_NAME = re.compile(
    r"\b(basisschool|basis school|basisonderwijs|o\.?b\.?s\.?|c\.?b\.?s\.?|p\.?c\.?b\.?s\.?|"
    r"r\.?k\.?b\.?s\.?|k\.?b\.?s\.?|ikc|kindcentrum|s\.?b\.?o\.?|jenaplanschool)\b",
    re.IGNORECASE)
#: Names of schools of another level (secondary, vocational, higher, special secondary).
OTHER_SCHOOL_NAME = re.compile(
    r"\b(college|lyceum|gymnasium|atheneum|vmbo|mavo|havo|vwo|roc|mbo|praktijkschool|"
    r"scholengemeenschap|v\.?s\.?o\.?|hogeschool|universiteit|university|volwassenenonderwijs)\b",
    re.IGNORECASE)


def _rules() -> dict[str, Label]:
    m2 = f"{LARGE_SUPERMARKET_M2:g}"
    once = ("Elke plek telt één keer (een node en een omtrek van dezelfde soort binnen "
            f"{DUPLICATE_DISTANCE_M:g} m of in elkaar: één voorziening).",
            "Each place counts once (a node and an outline of the same kind within "
            f"{DUPLICATE_DISTANCE_M:g} m or inside each other: one amenity).")
    texts = {
        "supermarket": (
            f"Een supermarkt (shop=supermarket), behalve als bekend is dat hij kleiner is dan "
            f"{m2} m² (OSM-omtrek, het gebouw eromheen of de BAG): dan telt hij als winkel voor "
            f"dagelijkse boodschappen. CBS (Nabijheidsstatistiek) meet de afstand tot een "
            f"'grote supermarkt' van minstens {m2} m² winkelvloer, over de weg.",
            f"A supermarket (shop=supermarket), unless it is known to be smaller than {m2} m² "
            f"(OSM outline, the building around it or the BAG): then it counts as an everyday "
            f"shop. CBS (Nabijheidsstatistiek) measures the distance to a 'large supermarket' "
            f"of at least {m2} m² sales floor, over the road network."),
        "bakery": ("Een bakker (shop=bakery).", "A bakery (shop=bakery)."),
        "pharmacy": (
            "Een apotheek (amenity=pharmacy of healthcare=pharmacy); een drogist telt apart.",
            "A pharmacy (amenity=pharmacy or healthcare=pharmacy); a drugstore counts apart."),
        "drugstore": ("Een drogist (shop=chemist); geen apotheek.",
                      "A drugstore (drogist, shop=chemist); not a pharmacy."),
        "gp": ("Een huisarts of andere arts (amenity=doctors, healthcare=doctor).",
               "A GP or other doctor (amenity=doctors, healthcare=doctor)."),
        "primary_school": (
            "Een basisschool: amenity=school met isced:level 1, school=primary, of een naam "
            "als basisschool, OBS, CBS, RKBS, IKC of SBO.",
            "A primary school: amenity=school with isced:level 1, school=primary, or a name "
            "such as basisschool, OBS, CBS, RKBS, IKC or SBO."),
        "school_unknown_level": (
            "Een school (amenity=school) waarvan tags en naam het niveau niet zeggen; telt niet "
            "als basisschool.",
            "A school (amenity=school) whose tags and name do not say its level; not counted "
            "as a primary school."),
        "pt_stop": (
            "Een halte, niet een perron: de perrons en haltepalen van één halte (in één "
            f"stop_area-relatie, met dezelfde naam binnen {STOP_NAME_DISTANCE_M:g} m, of binnen "
            f"{STOP_DISTANCE_M:g} m van elkaar) tellen samen één keer.",
            "A stop, not a platform: the platforms and poles of one stop (in one stop_area "
            f"relation, with the same name within {STOP_NAME_DISTANCE_M:g} m, or within "
            f"{STOP_DISTANCE_M:g} m of each other) count once together."),
    }
    return {k: Label(f"{nl} {once[0]}" if k != "pt_stop" else nl,
                     f"{en} {once[1]}" if k != "pt_stop" else en)
            for k, (nl, en) in texts.items()}


@dataclass(frozen=True)
class CountOnce:
    """What :func:`count_once` returns.

    Attributes
    ----------
    pois
        The classified POIs with ``everyday`` resolved (school levels, small supermarkets) and
        ``amenity_id``, ``counted``, ``count_note`` added, aligned to the input.
    summary
        Per everyday category: ``rows`` (POI rows), ``objects`` (distinct OSM objects) and
        ``counted`` (amenities), plus ``schools`` (levels and on what evidence) and
        ``supermarkets`` (by size source), for the metadata and the report.
    """

    pois: gpd.GeoDataFrame
    summary: dict[str, Any] = field(default_factory=dict)


#: What each everyday category counts (nl/en), for the indicator descriptions and the README.
RULES: dict[str, Label] = {}


def school_level(isced: object, school: object, name: object) -> tuple[str, str]:
    """``("primary" | "other" | "unknown", evidence)`` for an ``amenity=school``.

    Examples
    --------
    >>> school_level("0;1", None, None)
    ('primary', 'isced:level=0;1')
    >>> school_level(None, None, "OBS De Kleine Prins")
    ('primary', 'name')
    >>> school_level("2;3", None, "Basisschool?")
    ('other', 'isced:level=2;3')
    >>> school_level(None, None, "X11 Grafisch Lyceum")
    ('other', 'name')
    >>> school_level(None, None, None)
    ('unknown', '')
    """
    isced_text = _text(isced)
    if isced_text:
        levels = {p.strip() for p in re.split(r"[;,]", isced_text)}
        levels |= {str(v) for p in levels if re.fullmatch(r"\d-\d", p)
                   for v in range(int(p[0]), int(p[2]) + 1)}
        return ("primary" if "1" in levels else "other"), f"isced:level={isced_text}"
    school_text = _text(school).lower()
    if school_text:
        if "primary" in school_text:
            return "primary", f"school={school_text}"
        return "other", f"school={school_text}"
    name_text = _text(name)
    if name_text and OTHER_SCHOOL_NAME.search(name_text):
        return "other", "name"
    if name_text and PRIMARY_SCHOOL_NAME.search(name_text):
        return "primary", "name"
    return "unknown", ""


RULES.update(_rules())


def _text(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    text = str(value).strip()
    return "" if text.lower() in ("nan", "none") else text


def _column(pois: pd.DataFrame, name: str, default: object = None) -> pd.Series:
    if name in pois:
        return pois[name]
    return pd.Series(default, index=pois.index, dtype=object)


class _Groups:
    """Union-find over row positions."""

    def __init__(self, n: int) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.n = n

    def join(self, a: np.ndarray, b: np.ndarray) -> None:
        if len(a):
            self.rows.append(np.asarray(a, dtype=np.int64))
            self.cols.append(np.asarray(b, dtype=np.int64))

    def labels(self) -> np.ndarray:
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, dtype=np.int64)
        graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.n, self.n))
        return csgraph.connected_components(graph, directed=False)[1]


def count_once(
    pois: gpd.GeoDataFrame,
    *,
    bag: gpd.GeoDataFrame | None = None,
    large_supermarket_m2: float = LARGE_SUPERMARKET_M2,
) -> CountOnce:
    """Resolve the everyday categories and mark one row per amenity (see the module docstring).

    Parameters
    ----------
    pois
        Classified POIs (:func:`~wijkkracht.core.categories.classify_pois`), EPSG:28992, with
        any of the optional columns of :data:`wijkkracht.data_sources.schema.POI_OPTIONAL_COLUMNS`.
    bag
        BAG units (BAG schema) for supermarket floor areas; ignored when SYNTHETIC.
    large_supermarket_m2
        Floor area from which a supermarket counts as one.

    Returns
    -------
    CountOnce

    Examples
    --------
    A pharmacy node mapped with two tags, and a platform node and way of one tram stop:

    >>> from wijkkracht.core.categories import classify_pois
    >>> pois = gpd.GeoDataFrame(
    ...     {"osm_id": ["N1", "N1", "N2", "W3"],
    ...      "tag": ["amenity=pharmacy", "healthcare=pharmacy", "public_transport=platform",
    ...              "public_transport=platform"]},
    ...     geometry=gpd.points_from_xy([0, 0, 500, 520], [0, 0, 0, 5]), crs=28992)
    >>> once = count_once(classify_pois(pois))
    >>> once.pois["counted"].tolist()
    [True, False, True, False]
    >>> once.summary["categories"]["pt_stop"]
    {'rows': 2, 'objects': 2, 'counted': 1}
    """
    out = pois.copy()
    n = len(out)
    isced, school, name = (_column(out, c) for c in ("isced_level", "school", "name"))
    levels = _school_levels(out["everyday"].astype(str).to_numpy().copy(), isced, school, name)
    everyday, notes = levels.everyday, levels.notes
    function = out["function"].astype(str).to_numpy()
    vacant = out["vacant"].to_numpy(dtype=bool) if "vacant" in out else np.zeros(n, dtype=bool)
    key = _count_keys(everyday, function, vacant, out["tag"].astype(str).to_numpy())
    ids = out["osm_id"].astype(str).to_numpy()
    xy = shapely.get_coordinates(out.geometry.values) if n else np.zeros((0, 2))
    is_node = np.char.startswith(ids.astype(str), "N")
    groups = _Groups(n)
    for a, b in _same_amenity_pairs(key, ids, _column(out, "outline_id", ""), xy, is_node):
        groups.join(a, b)
    for a, b in _stop_pairs(key, xy, _column(out, "stop_area", ""), name):
        groups.join(a, b)
    label = groups.labels()
    counted, lead_id = _representatives(label, is_node, ids)
    relevant = (everyday != "") | (function != "") | vacant
    _note_counted_with(notes, ~counted & relevant, lead_id, ids)
    markets = np.flatnonzero((everyday == "supermarket") & counted)
    size = np.full(n, np.nan)
    source = np.full(n, "", dtype=object)
    if len(markets):
        size, source = _supermarket_sizes(out, label, markets, bag)
        _demote_small_supermarkets(everyday, notes, label, markets, size, source,
                                   large_supermarket_m2)
    out["everyday"] = everyday
    out["amenity_id"] = np.where(relevant, lead_id, "")
    out["counted"] = counted | ~relevant
    out["count_note"] = notes
    if len(markets):
        out["floor_area_m2"] = size
        out["floor_area_source"] = source
    summary: dict[str, Any] = {
        "categories": _category_counts(pois["everyday"].astype(str).to_numpy(), everyday, ids,
                                       counted)}
    if levels.schools:
        summary["schools"] = {"levels": levels.levels, "evidence": levels.evidence}
    if len(markets):
        summary["supermarkets"] = _supermarket_summary(everyday[markets], size[markets],
                                                       source[markets], large_supermarket_m2)
    return CountOnce(pois=out, summary=summary)


@dataclass(frozen=True)
class _SchoolLevels:
    """The everyday categories with the schools' levels resolved, and what was found."""

    everyday: np.ndarray
    notes: np.ndarray
    schools: int
    levels: dict[str, int]
    evidence: dict[str, int]


def _school_levels(everyday: np.ndarray, isced: pd.Series, school: pd.Series,
                   name: pd.Series) -> _SchoolLevels:
    """Each ``primary_school`` row stays one, becomes ``school_unknown_level`` or loses its
    category (a school of another level), by :func:`school_level`; ``everyday`` is changed in
    place. A note per school row says why."""
    notes = np.full(len(everyday), "", dtype=object)
    schools = np.flatnonzero(everyday == "primary_school")
    levels: dict[str, int] = {"primary": 0, "other": 0, "unknown": 0}
    evidence: dict[str, int] = {}
    for i in schools:
        level, why = school_level(isced.iloc[i], school.iloc[i], name.iloc[i])
        levels[level] += 1
        key = why.split("=")[0] if why else "none"
        evidence[key] = evidence.get(key, 0) + 1
        if level == "primary":
            notes[i] = f"primary school ({why})"
        elif level == "other":
            everyday[i] = ""
            notes[i] = f"school of another level ({why}): not a primary school"
        else:
            everyday[i] = "school_unknown_level"
            notes[i] = "school level unknown (no isced:level, school or telling name)"
    return _SchoolLevels(everyday, notes, len(schools), levels, evidence)


def _count_keys(everyday: np.ndarray, function: np.ndarray, vacant: np.ndarray,
                tag: np.ndarray) -> np.ndarray:
    """The count key of each row: its everyday category, else its function class, else
    ``vacant``, else its tag (rows of one amenity share it)."""
    key = np.where(everyday != "", np.char.add("everyday:", everyday.astype(str)),
                   np.where(function != "", np.char.add("function:", function.astype(str)),
                            np.where(vacant, "vacant", np.char.add("tag:", tag.astype(str)))))
    return key.astype(object)


_Pairs = list[tuple[np.ndarray, np.ndarray]]


def _same_amenity_pairs(key: np.ndarray, ids: np.ndarray, outline_id: pd.Series,
                        xy: np.ndarray, is_node: np.ndarray) -> _Pairs:
    """Rows of one amenity: the same object, a point inside an outline of its kind, and (but
    for stops) a node within :data:`DUPLICATE_DISTANCE_M` of a way or relation of its kind."""
    n = len(key)
    pairs: _Pairs = []
    frame = pd.DataFrame({"pos": np.arange(n), "id": ids, "key": key})
    first = frame.groupby(["id", "key"])["pos"].transform("min").to_numpy()
    pairs.append((np.arange(n), first))
    outline = outline_id.fillna("").astype(str).to_numpy()
    has_outline = outline != ""
    if has_outline.any():
        inner = frame[has_outline].assign(outline=outline[has_outline])
        held = inner.merge(frame, left_on=["outline", "key"], right_on=["id", "key"],
                           suffixes=("", "_outer"))
        pairs.append((held["pos"].to_numpy(), held["pos_outer"].to_numpy()))
    for k in np.unique(key[key != ""]):
        if k == "everyday:pt_stop":
            continue
        sel = np.flatnonzero(key == k)
        nodes, others = sel[is_node[sel]], sel[~is_node[sel]]
        if not len(nodes) or not len(others):
            continue
        dist, nearest = cKDTree(xy[others]).query(xy[nodes], distance_upper_bound=DUPLICATE_DISTANCE_M)
        close = np.isfinite(dist)
        pairs.append((nodes[close], others[nearest[close]]))
    return pairs


def _stop_pairs(key: np.ndarray, xy: np.ndarray, stop_area: pd.Series,
                name: pd.Series) -> _Pairs:
    """Platforms of one public-transport stop: within :data:`STOP_DISTANCE_M`, in one
    ``stop_area``, or of one name within :data:`STOP_NAME_DISTANCE_M`."""
    stops = np.flatnonzero(key == "everyday:pt_stop")
    pairs: _Pairs = []
    if not len(stops):
        return pairs
    tree = cKDTree(xy[stops])
    near = tree.query_pairs(STOP_DISTANCE_M, output_type="ndarray")
    pairs.append((stops[near[:, 0]], stops[near[:, 1]]))
    area = stop_area.fillna("").astype(str).to_numpy()[stops]
    for value in np.unique(area[area != ""]):
        members = stops[area == value]
        pairs.append((members[1:], np.repeat(members[0], len(members) - 1)))
    norm = np.array([re.sub(r"\s+", " ", _text(v).lower()) for v in name.to_numpy()[stops]],
                    dtype=object)
    named = tree.query_pairs(STOP_NAME_DISTANCE_M, output_type="ndarray")
    if len(named):
        same = (norm[named[:, 0]] == norm[named[:, 1]]) & (norm[named[:, 0]] != "")
        pairs.append((stops[named[same, 0]], stops[named[same, 1]]))
    return pairs


def _representatives(label: np.ndarray, is_node: np.ndarray,
                     ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which row stands for each amenity (``counted``) and each row's amenity (the OSM id of
    that row): a node if there is one (it marks the entrance or the stop), else the first
    row."""
    n = len(label)
    order = pd.DataFrame({"label": label, "node": ~is_node, "id": ids, "pos": np.arange(n)})
    lead = order.sort_values(["label", "node", "id", "pos"]).groupby("label")["pos"].first()
    counted = np.zeros(n, dtype=bool)
    counted[lead.to_numpy()] = True
    return counted, ids[lead.reindex(label).to_numpy()]


def _note_counted_with(notes: np.ndarray, rows: np.ndarray, lead_id: np.ndarray,
                       ids: np.ndarray) -> None:
    """Add "counted once with ..." to the notes of ``rows`` (a mask), in place."""
    for i in np.flatnonzero(rows):
        same = "the same object" if lead_id[i] == ids[i] else lead_id[i]
        prefix = notes[i] + "; " if notes[i] else ""
        notes[i] = f"{prefix}counted once with {same}"


def _demote_small_supermarkets(everyday: np.ndarray, notes: np.ndarray, label: np.ndarray,
                               markets: np.ndarray, size: np.ndarray, source: np.ndarray,
                               threshold: float) -> None:
    """Supermarkets known to be smaller than ``threshold`` m² are everyday shops, not
    supermarkets: their rows lose the category (in place) and the note says why."""
    small = markets[np.isfinite(size[markets]) & (size[markets] < threshold)]
    for i in small:
        members = np.flatnonzero(label == label[i])
        everyday[members] = ""
        notes[i] = (f"supermarket of {size[i]:.0f} m² ({source[i]}) < "
                    f"{threshold:g} m²: counted as an everyday shop, not as a "
                    "supermarket")


def _category_counts(original: np.ndarray, everyday: np.ndarray, ids: np.ndarray,
                     counted: np.ndarray) -> dict[str, dict[str, int]]:
    """Per everyday category (before or after resolving): rows, objects and amenities."""
    cats: dict[str, dict[str, int]] = {}
    for cat in sorted(set(everyday[everyday != ""]) | set(original[original != ""])):
        rows = everyday == cat
        cats[cat] = {"rows": int(rows.sum()), "objects": int(len(set(ids[rows]))),
                     "counted": int((rows & counted).sum())}
    return cats


def _supermarket_summary(everyday: np.ndarray, size: np.ndarray, source: np.ndarray,
                         threshold: float) -> dict[str, Any]:
    """The summary of the counted supermarkets (their rows' resolved category, floor area and
    its source)."""
    return {
        "counted_as_supermarket": int((everyday == "supermarket").sum()),
        "below_threshold": int((everyday != "supermarket").sum()),
        "threshold_m2": float(threshold),
        "size_known": {str(s): int((source == s).sum())
                       for s in ("OSM outline", "OSM building", "BAG")
                       if (source == s).any()},
        "size_unknown": int((~np.isfinite(size)).sum()),
    }


def _supermarket_sizes(pois: gpd.GeoDataFrame, label: np.ndarray, markets: np.ndarray,
                       bag: gpd.GeoDataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """Floor area (m²) and its source for the counted supermarket rows ``markets``."""
    n = len(pois)
    size = np.full(n, np.nan)
    source = np.full(n, "", dtype=object)
    own = pd.to_numeric(_column(pois, "footprint_m2", np.nan), errors="coerce").to_numpy(float)
    holding = pd.to_numeric(_column(pois, "outline_m2", np.nan), errors="coerce").to_numpy(float)
    is_market = pois["tag"].astype(str).to_numpy() == "shop=supermarket"
    use_bag = bag is not None and len(bag) and not _synthetic(bag) and "oppervlakte" in bag
    if use_bag:
        shops = bag[bag["gebruiksdoel"].astype(str).str.contains("winkelfunctie", na=False)]
        shop_xy = shapely.get_coordinates(shops.geometry.values)
        shop_area = pd.to_numeric(shops["oppervlakte"], errors="coerce").to_numpy(float)
        tree = cKDTree(shop_xy) if len(shop_xy) else None
    xy = shapely.get_coordinates(pois.geometry.values)
    for i in markets:
        members = np.flatnonzero((label == label[i]) & is_market)
        own_area = own[members][np.isfinite(own[members])]
        hold = holding[members][np.isfinite(holding[members])
                                & (holding[members] <= MAX_HOLDING_OUTLINE_M2)]
        if len(own_area):
            size[i], source[i] = float(own_area.max()), "OSM outline"
        elif len(hold):
            size[i], source[i] = float(hold.max()), "OSM building"
        elif use_bag and tree is not None:
            near = tree.query_ball_point(xy[members], BAG_SHOP_DISTANCE_M)
            areas = [shop_area[j] for group in near for j in group if np.isfinite(shop_area[j])]
            if areas:
                size[i], source[i] = float(max(areas)), "BAG"
    return size, source


def _synthetic(frame: pd.DataFrame) -> bool:
    info = frame.attrs.get("bag")
    if frame.attrs.get("synthetic") or (isinstance(info, dict) and info.get("synthetic")):
        return True
    return "synthetic" in frame.columns and bool(frame["synthetic"].astype(bool).any())
